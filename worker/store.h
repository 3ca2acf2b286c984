/* store.h - the statement cache (DESIGN.md, "Redis"): earlier statements
 * by proposition key, processed-article markers and alert markers.
 *
 * A store is a table of operations (store_mem.c, store_redis.c) behind
 * one opaque handle.  The calls are batch-shaped so a Redis store spends
 * one round trip per call for a whole batch of articles:
 *   store_lookup  - which articles are done, and the candidates of keys
 *   store_put     - the batch's statement records (one MULTI/EXEC)
 *   store_mark    - articles done and alerts delivered (one MULTI/EXEC)
 * An article is marked done only after its alerts were handed off, so a
 * crash in between reprocesses it (at-least-once) with stable alert ids. */
#ifndef CW_STORE_H
#define CW_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct cand; /* alert.h */

struct store;

struct store_query {
        /* in */
        const char *const *article_ids;
        size_t n_articles;
        const char *const *keys; /* proposition keys, distinct */
        size_t n_keys;
        size_t max_per_key; /* records per key; 0 = all. When a key holds
                             * more, the oldest half and the newest half:
                             * alerts point at the earliest statement,
                             * and recent ones matter most. */
        int want_cands;     /* with ops->native_cands: fill cands, not recs */
        /* out, allocated by store_lookup, released by store_query_clear */
        int *done;                 /* n_articles flags: 1 when already processed */
        json_t **recs;             /* n_keys JSON arrays of records, oldest first */
        struct store_cands *cands; /* want_cands: n_keys lists, oldest first */
};

/* Candidates a store holds parsed already: borrowed pointers, valid until
 * the next put. */
struct store_cands {
        const struct cand **v;
        size_t n;
};

/* One statement record to keep, under its proposition key. */
struct store_rec {
        const char *key; /* proposition key */
        const char *article_id;
        int64_t ts_ms;           /* article published_at: orders records */
        const char *json;        /* cand_record() dump, NUL-terminated; may be
                                  * NULL when ops->needs_text is 0 and obj is set */
        json_t *obj;             /* optional: the same record parsed; a store
                                  * may keep a reference instead of parsing */
        const struct cand *cand; /* with ops->native_cands: the record as a
                                  * candidate; the store copies it and
                                  * json/obj may both be NULL */
};

struct store_ops {
        const char *name;
        /* 1 when put() needs store_rec.json (text); 0 when the parsed
         * store_rec.obj is enough and callers may leave json NULL. */
        int needs_text;
        /* 1 when the store keeps candidates parsed: put() takes
         * store_rec.cand and lookup() fills store_query.cands on request,
         * so nothing goes through JSON (the in-memory store). */
        int native_cands;
        int (*lookup)(struct store *s, struct store_query *q, char *errstr,
                      size_t errstr_size);
        int (*put)(struct store *s, const struct store_rec *recs, size_t n, char *errstr,
                   size_t errstr_size);
        int (*mark)(struct store *s, const char *const *article_ids, size_t n_art,
                    const char *const *alert_ids, size_t n_alerts, char *errstr,
                    size_t errstr_size);
        /* Claims alert_id for one delivery channel ("kafka", "slack:desk"):
         * returns 1 when newly claimed, 0 when already claimed, -1 on error. */
        int (*claim)(struct store *s, const char *channel, const char *alert_id,
                     char *errstr, size_t errstr_size);
        int (*ping)(struct store *s, char *errstr, size_t errstr_size);
        void (*destroy)(struct store *s);
};

/* Common head of every store; implementations embed it first. */
struct store {
        const struct store_ops *ops;
};

struct store_opts {
        const char *ns; /* key prefix, e.g. "cw:" */
        int64_t ttl_s;  /* expiry of every key; default 180 days */
        int timeout_ms; /* Redis connect/command timeout */
        int no_multi;   /* writes as a plain pipeline, no MULTI/EXEC: for a
                         * cluster-aware proxy (the writes are idempotent
                         * and a failed batch is retried whole) */
};

/* An in-memory store (replay, tests). Never NULL but on out of memory. */
struct store *store_mem_new(const struct store_opts *o);

/* A Redis store at url ("redis://[:password@]host[:port][/db]" or
 * "unix:/path"). Returns NULL with a message when it cannot connect. */
struct store *store_redis_new(const char *url, const struct store_opts *o, char *errstr,
                              size_t errstr_size);

/* Deletes every key under the store's namespace (replay clean-up). */
int store_redis_drop_namespace(struct store *s, char *errstr, size_t errstr_size);

/* Round trips to Redis so far (each batch of pipelined commands and its
 * replies counts one, connection handshakes included), for tests and
 * metrics.  Returns 0 for a store that is not a Redis store. */
unsigned long store_redis_round_trips(struct store *s);

static inline int store_lookup(struct store *s, struct store_query *q, char *e, size_t es)
{
        return s->ops->lookup(s, q, e, es);
}
static inline int store_put(struct store *s, const struct store_rec *r, size_t n, char *e,
                            size_t es)
{
        return s->ops->put(s, r, n, e, es);
}
static inline int store_mark(struct store *s, const char *const *a, size_t na,
                             const char *const *al, size_t nal, char *e, size_t es)
{
        return s->ops->mark(s, a, na, al, nal, e, es);
}
static inline int store_claim(struct store *s, const char *ch, const char *id, char *e,
                              size_t es)
{
        return s->ops->claim(s, ch, id, e, es);
}
static inline int store_ping(struct store *s, char *e, size_t es)
{
        return s->ops->ping(s, e, es);
}

/* Frees the store; accepts NULL. */
void store_free(struct store *s);

/* Releases what store_lookup allocated in q. */
void store_query_clear(struct store_query *q);

#endif
