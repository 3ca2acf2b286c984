/* stmt.h - the claim model: statements and their propositions
 * (DESIGN.md, "Statement").  Plain data, shared by analyze, match, store
 * and the command line.  Serialized as JSON for `claimwatch analyze`, for
 * the store and for alerts. */
#ifndef CW_STMT_H
#define CW_STMT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define STMT_ID_MAX   64 /* canonical entity id, e.g. "KP", "org:wagner" */
#define STMT_NAME_MAX 96 /* display name */
#define STMT_WORD_MAX 32 /* frame, theme, unit names */

struct entity {
        char id[STMT_ID_MAX];     /* "" when unknown */
        char name[STMT_NAME_MAX]; /* "North Korea" */
};

enum stance {
        STANCE_ASSERT = 0, /* the speaker says P (or not P) */
        STANCE_DENY,       /* the speaker denies P */
        STANCE_ADMIT,      /* the speaker admits/confirms P */
        STANCE_REPORT,     /* the speaker reports that someone else said P */
};

enum modality {
        MOD_FACT = 0,
        MOD_INTENT,       /* wants to, plans to */
        MOD_HEDGED,       /* reportedly, almost certainly */
        MOD_HYPOTHETICAL, /* would, if */
        MOD_QUESTION,
};

enum tscope { TIME_PAST = 0, TIME_PRESENT, TIME_FUTURE };

/* A numeric claim about the proposition ("175,000 troops"). */
struct quantity {
        int has;
        double value;
        char unit[STMT_WORD_MAX]; /* "troops", "usd", "" */
        int approx;               /* QTY_EXACT or one of the QTY_* below */
};

/* struct quantity.approx: how the number bounds the true value. */
#define QTY_EXACT    0 /* "5,937" */
#define QTY_ABOUT    1 /* about, some, roughly, millions of */
#define QTY_AT_LEAST 2 /* at least, more than: a lower bound */
#define QTY_UP_TO    3 /* up to, as many as: an upper bound */

/* What is said: a frame with role fillers as canonical entity ids.
 * Converse verbs are normalised at extraction time ("Russia buys shells
 * from North Korea" -> transfer, agent KP, recipient RU, theme weapons),
 * so equal propositions have equal keys. */
struct prop {
        char frame[STMT_WORD_MAX]; /* "transfer", "attack", "svo:<lemma>" */
        char agent[STMT_ID_MAX];   /* who does it */
        char patient[STMT_ID_MAX]; /* to/at whom: recipient, target */
        char theme[STMT_WORD_MAX]; /* theme class: "weapons", "" */
        struct quantity qty;
        /* A measure that singles out which things are meant ("3.0-litre"
         * engines, not the 2.0-litre ones), or "".  Not part of the key:
         * match treats a specific statement as about other things than
         * one with another qualifier or none. */
        char qual[STMT_WORD_MAX];
};

struct stmt {
        struct entity speaker;  /* id "" + name of the publication when unattributed */
        struct entity claimant; /* REPORT/DENY: who made the claim, if named */
        enum stance stance;
        int negated; /* polarity: 0 positive, 1 negative */
        enum modality modality;
        enum tscope tscope;
        struct prop prop;
        double strength; /* 0..1: how sure the extraction is */
        const char *cue; /* lexicon word that set stance/polarity, static */
        /* Reported in the present perfect ("X has denied P"): a recap of
         * an earlier speech act rather than news.  Set by the analyzer,
         * not stored. */
        int background;
        /* The proposition in plain words for alert summaries, filled by
         * the analyzer: "North Korea supplies weapons to Russia" (positive
         * form, present tense, names not ids). Serialized as "gist". */
        char gist[160];
        size_t off, len; /* the sentence: byte range in article text */
        char *text;      /* the sentence, owned */
};

/* A growable array of statements; zero-initialise, stmt_list_free. */
struct stmt_list {
        struct stmt *v;
        size_t n, cap;
};

/* Appends a copy of *st (taking ownership of st->text). Returns a pointer
 * to the new element or NULL when out of memory. */
struct stmt *stmt_list_push(struct stmt_list *sl, const struct stmt *st);
void stmt_list_free(struct stmt_list *sl);

const char *stance_name(enum stance s);
const char *modality_name(enum modality m);
const char *tscope_name(enum tscope t);

/* Writes the proposition key ("transfer|KP|RU|weapons") used to index and
 * find earlier statements of the same proposition; quantity and polarity
 * are not part of it. Returns the length, or -1 when the proposition is
 * too vague to index (no frame, or no agent and no patient). */
int prop_key(const struct prop *p, char *buf, size_t size);

/* {"speaker":{"id","name"},"stance","polarity","text", "modality","time",
 *  "proposition":{...},"key","offset","length",...}. New reference. */
json_t *stmt_to_json(const struct stmt *st);

/* The inverse of stmt_to_json (text is copied). Returns 0 or -1. */
int stmt_from_json(const json_t *o, struct stmt *st);

/* Drops every byte of s that is not part of valid UTF-8, in place.
 * Fixed-size fields cut with snprintf may end in half a character (a long
 * publication name, say), and JSON cannot carry that. */
void utf8_scrub(char *s);

/* Scrubs every string field of st (utf8_scrub), so it always serializes. */
void stmt_scrub(struct stmt *st);

/* Frees what a stmt owns (its text), not the struct. */
void stmt_clear(struct stmt *st);

#endif
