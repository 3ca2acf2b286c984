/* alert.h - alerts, schema claimwatch.alert/v1 (DESIGN.md, "Alerts"). */
#ifndef CW_ALERT_H
#define CW_ALERT_H

#include <jansson.h>
#include <stddef.h>

#include "article.h"
#include "stmt.h"

#define ALERT_ID_LEN 32 /* hex characters */

enum alert_kind { ALERT_DENIAL = 0, ALERT_CONTRADICTION };
enum alert_level { ALERT_LEVEL_REVIEW = 0, ALERT_LEVEL_ALERT };

/* An earlier (or same-article) statement as kept in the store: the
 * statement and the article reference it came from. */
struct cand {
        struct stmt st;
        json_t *article; /* article_ref_json form; owned */
        /* its article's id, borrowed from article (or from the article
         * being processed); NULL: read it from article */
        const char *aid;
        int64_t published_ms; /* of its article */
        int seq;              /* statement index within its article */
};

void cand_clear(struct cand *c);

/* The JSON record the store keeps for a statement:
 * {"article":{ref},"statement":{stmt},"ts":ms,"seq":n}.  Deterministic
 * (no clock), so rewriting it is idempotent. New reference. */
json_t *cand_record(const struct article *art, const struct stmt *st, int seq);

/* Parses a record made by cand_record into *c. Returns 0 or -1. */
int cand_from_record(const json_t *rec, struct cand *c);

/* The record of an existing candidate, as cand_record makes it. New
 * reference, or NULL when out of memory. */
json_t *cand_to_record(const struct cand *c);

/* Makes dst a copy of src that owns its text and holds its own reference
 * to the article (cand_clear releases them). Returns 0 or -1. */
int cand_copy(struct cand *dst, const struct cand *src);

struct alert {
        char id[ALERT_ID_LEN + 1];
        enum alert_kind kind;
        enum alert_level level;
        const char *subkind; /* static: "negation", "self_reversal", ... */
        double confidence;
        json_t *doc; /* the whole alert JSON, owned */
};

/* A growable array of alerts; zero-initialise, alert_list_free. */
struct alert_list {
        struct alert *v;
        size_t n, cap;
};

/* The stable id: hex of SHA-256 over the new article id, the new
 * statement's index, the earlier article id and statement index and the
 * kind.  The same inputs give the same id in every process. */
void alert_make_id(const char *art_id, int seq, const char *against_id, int against_seq,
                   enum alert_kind kind, char out[ALERT_ID_LEN + 1]);

/* Builds the alert document (schema, ids, summary, article, statement,
 * against) and appends it to al. detected_ms stamps detected_at.
 * Returns 0 or -1 when out of memory. */
int alert_list_add(struct alert_list *al, enum alert_kind kind, const char *subkind,
                   double confidence, enum alert_level level, const struct article *art,
                   const struct stmt *st, int seq, const struct cand *against,
                   int64_t detected_ms);

void alert_list_free(struct alert_list *al);

const char *alert_kind_name(enum alert_kind k);
const char *alert_level_name(enum alert_level l);

/* Compact JSON of one alert; caller frees. */
char *alert_dumps(const struct alert *a);

#endif
