/* analyze.h - text to statements, pure (no I/O): sentences, entities,
 * attribution, stance, polarity, modality, frames, quantities.
 * (DESIGN.md, "analyze"). */
#ifndef CW_ANALYZE_H
#define CW_ANALYZE_H

#include "article.h"
#include "lexicon.h"
#include "stmt.h"

struct analyze_limits {
        size_t max_sentences;  /* per article; the rest is skipped */
        size_t max_statements; /* per article */
};

/* Extracts the statements of art into out (appended).  The publication
 * (art->source) speaks unattributed sentences. Returns 0, or -1 only when
 * out of memory. Thread-safe for a shared lexicon. */
int analyze_article(const struct lexicon *lx, const struct analyze_limits *lim,
                    const struct article *art, struct stmt_list *out);

#endif
