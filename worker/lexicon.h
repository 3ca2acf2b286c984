/* lexicon.h - the analyzer's linguistic data, loaded from files under
 * config/lexicon/ (entity aliases, reporting verbs, denial, admission,
 * negation, modality and hedge cues, frames with converse verbs, theme
 * classes).  Loaded once at start, read-only afterwards, so analysis
 * threads may share one lexicon. */
#ifndef CW_LEXICON_H
#define CW_LEXICON_H

#include <stddef.h>

struct lexicon;

/* Loads every lexicon file in dir. Returns a new lexicon (lexicon_free)
 * or NULL with a message naming the file and line at fault. */
struct lexicon *lexicon_load(const char *dir, char *errstr, size_t errstr_size);
void lexicon_free(struct lexicon *lx);

/* The lexicon directory to use when no setting names one: the
 * CLAIMWATCH_LEXICON_DIR environment variable, then ../config/lexicon
 * next to the running binary, then the installed and the source tree's
 * directories.  Returns a static string. */
const char *lexicon_default_dir(void);

#endif
