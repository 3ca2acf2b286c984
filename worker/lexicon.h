/* lexicon.h - the analyzer's linguistic data, loaded from files under
 * config/lexicon/ (entity aliases, reporting verbs, denial, admission,
 * negation, modality and hedge cues, frames with converse verbs, theme
 * classes).  Loaded once at start, read-only afterwards, so analysis
 * threads may share one lexicon. */
#ifndef CW_LEXICON_H
#define CW_LEXICON_H

#include <stddef.h>
#include <stdint.h>

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

/* Word classes (struct lex_word.flags); a word may be in several. */
#define LX_REPORT   0x0001u  /* reporting verb: say, tell, warn */
#define LX_DENY     0x0002u  /* denial verb: deny, reject, dismiss */
#define LX_ADMIT    0x0004u  /* admission verb: admit, acknowledge */
#define LX_NEG      0x0008u  /* negation: not, never, no */
#define LX_FALSE    0x0010u  /* falsity: baseless, hoax, fake */
#define LX_HEDGE    0x0020u  /* hedge: may, reportedly */
#define LX_INTENT   0x0040u  /* intent: wants, plans */
#define LX_HYPO     0x0080u  /* hypothetical: would, if */
#define LX_FRAME    0x0100u  /* predicate of a frame (frame, role) */
#define LX_THEME    0x0200u  /* member of a theme class (theme) */
#define LX_UNIT     0x0400u  /* quantity unit (unit) */
#define LX_ENT      0x0800u  /* first word of an entity alias */
#define LX_ABBREV   0x1000u  /* abbreviation before a dot */
#define LX_VERB     0x2000u  /* a verb form the lexicon knows */
#define LX_LIE      0x4000u  /* accusation of lying: lie, lying, liar */
#define LX_DISMISS  0x8000u  /* verb that denies a rumour noun: kill, shoot down */
#define LX_RUMOUR   0x10000u /* a noun naming a claim as a claim: rumour, story */
#define LX_WELL     0x20000u /* wellbeing predicate: safe, alive, unharmed */
#define LX_PROHIBIT 0x40000u /* a prohibition in force: banned, lockdown */

/* Roles of a frame predicate, as written in frames.txt. */
enum lex_role {
        LEX_ROLE_AGENT = '+',    /* subject is the agent */
        LEX_ROLE_CONVERSE = '~', /* subject is the patient, from X the agent */
        LEX_ROLE_UNDERGO = '<',  /* subject is the patient */
        LEX_ROLE_ANTONYM = '-',  /* like AGENT, negates the frame */
        LEX_ROLE_OBJECT = 'x',   /* object is the agent, to X the patient */
        LEX_ROLE_NOUN = 'n',     /* a noun naming the event */
        LEX_ROLE_PRED = 'p',     /* after "be": X is behind Y */
        LEX_ROLE_SANCTION = '!', /* the one penalised did the frame's act */
        LEX_ROLE_BANNED = '*',   /* an event noun that does the frame's act
                                  * when held while a prohibition is in force */
};

/* What the lexicon knows about one surface form (lower case). */
struct lex_word {
        unsigned flags;
        const char *lemma;    /* verbs: the lemma; else the form */
        int frame;            /* LX_FRAME: index (lexicon_frame_name) */
        char role;            /* LX_FRAME: enum lex_role */
        int noun;             /* LX_FRAME verb form that is also the noun */
        const char *req_prev; /* LX_FRAME nouns: modifier required before */
        int theme;            /* LX_THEME: index (lexicon_theme_name) */
        int unit;             /* LX_UNIT: index (lexicon_unit_name) */
        unsigned ent_maxlen;  /* LX_ENT: longest alias in tokens */
};

/* An entity of the gazetteer. */
struct lex_entity {
        const char *id;   /* "KP", "org:wagner" */
        const char *name; /* "North Korea" */
        const char *kind; /* country, org, company, group, person, media */
};

/* The entry of a normalised surface form, or NULL. */
const struct lex_word *lexicon_word(const struct lexicon *lx, const char *norm);
/* The same with the form's text_hash() already known (one hash a token). */
const struct lex_word *lexicon_word_hashed(const struct lexicon *lx, const char *norm,
                                           uint32_t hash);

/* lexicon_word_hashed for a token's normalised form (struct
 * text_tok.norm): norm is TEXT_NORM_MAX (32) bytes, zero after its NUL.
 * One filter test for most words, a fixed-size compare for the rest. */
const struct lex_word *lexicon_word_tok(const struct lexicon *lx, const char *norm,
                                        uint32_t hash);

struct text_tok;

/* lexicon_word_tok for each of the n tokens v (text.h): stores the entry
 * of v[i]'s normalised form, or NULL, in out[i].  One call for a text's
 * tokens. */
void lexicon_word_toks(const struct lexicon *lx, const struct text_tok *v, size_t n,
                       const struct lex_word **out);
/* lexicon_word_toks that also stores each entry's flags (0 for none) in
 * flags[i], read from the lookup's own table: no load of the entry. */
void lexicon_word_toks_flags(const struct lexicon *lx, const struct text_tok *v, size_t n,
                             const struct lex_word **out, uint32_t *flags);

/* A closed word class of the caller (analyze.c's prepositions, pronouns,
 * forms of be): a NULL-ended list of normalised forms (any token's: "\""
 * too), each shorter than 16 bytes, its bits and flags of the caller's
 * own (bits no LX_* flag uses). */
struct lex_class {
        const char *const *words;
        uint32_t bits;
        uint32_t flags;
};

/* lexicon_word_toks_flags that also stores in cls[i] the or of the bits
 * of the classes (nclasses of them) that hold v[i]'s normalised form, 0
 * for none, and ors their flags into flags[i]: the same probe answers
 * both.  The classes' words are merged
 * into a table of the lexicon at the first call; later calls on lx must
 * pass the same array.  Returns 0, or -1 when out of memory or classes
 * is another array (or holds a word of 16 bytes or more). */
int lexicon_word_toks_cls(const struct lexicon *lx, const struct text_tok *v, size_t n,
                          const struct lex_class *classes, size_t nclasses,
                          const struct lex_word **out, uint32_t *flags, uint32_t *cls);

/* How common a lemma is (WordNet's sense-tagged count; 0 when unknown,
 * e.g. most names).  Salience for claim-level propositions. */
unsigned lexicon_word_freq(const struct lexicon *lx, const char *lemma);
/* lexicon_word_freq for a lemma whose text_hash() is known (a token's). */
unsigned lexicon_word_freq_h(const struct lexicon *lx, const char *lemma, uint32_t hash);

/* The entity whose alias is the phrase (normalised tokens joined by single
 * spaces, e.g. "north korea", "kim jong un 's regime"), or NULL. */
const struct lex_entity *lexicon_entity(const struct lexicon *lx, const char *phrase);

/* The same for a phrase whose text_hash() is known, for matching aliases
 * token by token: *more is set when some longer alias starts with the
 * phrase and a space, so a caller can stop extending when it is 0. */
const struct lex_entity *lexicon_entity_step(const struct lexicon *lx, const char *phrase,
                                             uint32_t hash, int *more);

/* lexicon_entity_step for the form of w (an entry of this lexicon) as
 * the whole phrase, answered from a table built at load: no hashing or
 * probe of the aliases map. */
const struct lex_entity *lexicon_word_entity(const struct lexicon *lx,
                                             const struct lex_word *w, int *more);

/* 0 when no alias and no alias prefix has text_hash() hash, so that
 * lexicon_entity_step would return NULL and set *more to 0 for every
 * phrase with it: a test before a caller builds the phrase (1: maybe). */
int lexicon_entity_maybe(const struct lexicon *lx, uint32_t hash);

/* 0 when no alias has a word after its first whose text_hash() is hash:
 * then a phrase that goes on with such a word is no alias and starts
 * none (lexicon_entity_step would return NULL and set *more to 0), so a
 * caller matching aliases token by token can stop before it hashes the
 * longer phrase (1: maybe). */
int lexicon_alias_word_maybe(const struct lexicon *lx, uint32_t hash);

/* The entity with canonical id, or NULL. */
const struct lex_entity *lexicon_entity_by_id(const struct lexicon *lx, const char *id);

const char *lexicon_frame_name(const struct lexicon *lx, int frame);
int lexicon_frame_symmetric(const struct lexicon *lx, int frame);
/* Whether the patient of frame may be a thing named by a common noun
 * ("@thing attack": "a strike on the theatre"). */
int lexicon_frame_thing(const struct lexicon *lx, int frame);
/* Whether words a and b (lower case; plurals are tried singular) share
 * a WordNet synset (boob, breast): the synonyms of claim overlap.  0
 * when WordNet is not installed. */
int lexicon_synonym(const struct lexicon *lx, const char *a, const char *b);
/* The lemma of a past-tense or participle verb form: an irregular form of
 * WordNet's verb.exc (sent -> send) or a regular "-ed" form whose stem is
 * a WordNet verb (trained -> train, created -> create).  Returns the
 * lemma (a lexicon string or buf, TEXT_NORM_MAX bytes) or NULL. */
const char *lexicon_past_verb(const struct lexicon *lx, const char *form, char *buf);
/* lexicon_past_verb for a form whose text_hash() is known (a token's). */
const char *lexicon_past_verb_h(const struct lexicon *lx, const char *form, uint32_t hash,
                                char *buf);
/* Whether lemma is in light_verbs.txt: too light or general a verb to
 * name an event of its own (be, make, say), skipped by the SVO fallback. */
int lexicon_is_light_verb(const struct lexicon *lx, const char *lemma);
/* lexicon_is_light_verb for a lemma whose text_hash() is known. */
int lexicon_is_light_verb_h(const struct lexicon *lx, const char *lemma, uint32_t hash);
/* Whether lemma is a verb in WordNet (0 when WordNet is not installed). */
int lexicon_is_verb(const struct lexicon *lx, const char *lemma);
/* Whether over/through/across X names the patient of frame ("@over
 * intrude": "balloons flew over China"). */
int lexicon_frame_over(const struct lexicon *lx, int frame);
/* The theme a sanction word implies for frame ("@theme comply rules":
 * "was fined" is about rules), or -1. */
int lexicon_frame_theme(const struct lexicon *lx, int frame);
/* Whether frame counts people or things ("@count kill"). */
int lexicon_frame_count(const struct lexicon *lx, int frame);
/* The gist template of a frame ("%A supplies %T to %P"), or NULL. */
const char *lexicon_frame_gist(const struct lexicon *lx, int frame);
const char *lexicon_theme_name(const struct lexicon *lx, int theme);
const char *lexicon_unit_name(const struct lexicon *lx, int unit);

/* Whether norm is an abbreviation (for text_sentences). lx is a lexicon. */
int lexicon_is_abbrev(const void *lx, const char *norm);

#endif
