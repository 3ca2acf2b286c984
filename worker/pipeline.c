/* pipeline.c - a batch of messages through parse -> analyze -> match ->
 * store -> publish -> mark (see pipeline.h).
 *
 * Store round trips per batch: one lookup (done markers and candidates
 * of every proposition key of the batch), one put, one mark.  Articles of
 * the batch see the earlier articles of the batch through an in-memory
 * overlay, so batching never changes which alerts are raised. */
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "metrics.h"

#define KEY_MAX 256

/* Metric handles, registered once per process (metrics.c names them). */
struct pl_metrics {
        struct metric *ok, *rejected, *duplicate, *statements, *redis_errors;
        struct metric *alerts[2][2]; /* [kind][level] */
};

struct pipeline {
        struct pipeline_conf pc;
        struct pl_metrics m;
        const struct lexicon *lx;
        struct store *st;
        struct sink **sinks;
        size_t n_sinks;
        struct pipeline_stats stats;
        /* Scratch kept across batches (no allocation per statement or
         * article): the batch's statements as candidates, the candidates
         * of one statement, the keys of one article's alerts. */
        struct cand *cbuf;
        size_t cbuf_cap;
        const struct cand **cv;
        size_t cv_cap;
        const char **keyof;
        size_t keyof_cap;
};

/* The candidates of one proposition key: store records (oldest first),
 * then the statements of earlier articles of this batch.  Pointers only:
 * the store's candidates are borrowed until the batch's put, the others
 * live in the batch (owned, overlay). */
struct keyslot {
        char *key;
        const struct cand **v;
        size_t n, cap;
        size_t nstore; /* v[0..nstore) came from the store */
        /* A statement of the batch with this key may alert
         * (match_may_alert): only such keys' earlier statements are
         * looked up; the others' are only written. */
        int wanted;
};

/* Per-batch working state.  The statements of item i are numbered from
 * first[i] in the batch (kslot, pl->cbuf). */
struct batch {
        struct stmt_list *stmts; /* per item */
        size_t *first;           /* per item: its first statement's number */
        struct keyslot **kslot;  /* per statement: its key's slot, NULL when
                                  * unindexed (same key: same slot) */
        json_t **refs;           /* per item: its article_ref_json, made once */
        char *has_cands;         /* per item: its pl->cbuf entries are made */
        struct cand **owned;     /* candidates parsed from store records */
        size_t n_owned, cap_owned;
        struct keyslot *slots; /* open addressing, size nslots (power of 2) */
        size_t nslots, nkeys;
        struct alert_list alerts;
};

static int64_t real_now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void metrics_register(struct pl_metrics *m)
{
        static const char art_help[] = "Articles consumed, by outcome.";
        static const char alert_help[] = "Alerts raised, by kind and level.";
        char labels[64];
        int k, l;

        m->ok = metrics_counter("claimwatch_articles_total", "result=\"ok\"", art_help);
        m->rejected =
            metrics_counter("claimwatch_articles_total", "result=\"rejected\"", art_help);
        m->duplicate = metrics_counter("claimwatch_articles_total",
                                       "result=\"duplicate\"", art_help);
        m->statements = metrics_counter("claimwatch_statements_total", "",
                                        "Statements extracted from accepted articles.");
        m->redis_errors = metrics_counter("claimwatch_redis_errors_total", "",
                                          "Failed store (Redis) calls.");
        for (k = 0; k < 2; k++) {
                for (l = 0; l < 2; l++) {
                        snprintf(labels, sizeof(labels), "kind=\"%s\",level=\"%s\"",
                                 alert_kind_name((enum alert_kind)k),
                                 alert_level_name((enum alert_level)l));
                        m->alerts[k][l] = metrics_counter("claimwatch_alerts_total",
                                                          labels, alert_help);
                }
        }
}

struct pipeline *pipeline_new(const struct pipeline_conf *pc, const struct lexicon *lx,
                              struct store *st, struct sink **sinks, size_t n_sinks)
{
        struct pipeline *pl = calloc(1, sizeof(*pl));

        if (!pl)
                return NULL;
        metrics_register(&pl->m);
        pl->pc = *pc;
        if (!pl->pc.now_ms)
                pl->pc.now_ms = real_now_ms;
        pl->lx = lx;
        if (!pl->pc.match.lx)
                pl->pc.match.lx = lx; /* synonyms for claim overlap */
        pl->st = st;
        pl->sinks = sinks;
        pl->n_sinks = n_sinks;
        return pl;
}

void pipeline_free(struct pipeline *pl)
{
        if (!pl)
                return;
        free(pl->cbuf);
        free(pl->cv);
        free(pl->keyof);
        free(pl);
}

/* Makes room for n elements of size sz in *v (capacity *cap), keeping
 * nothing.  Returns 0 or -1 when out of memory. */
static int scratch_reserve(void **v, size_t *cap, size_t n, size_t sz)
{
        void *p;

        if (n <= *cap)
                return 0;
        if (n < 2 * *cap)
                n = 2 * *cap;
        if (!(p = malloc(n * sz)))
                return -1;
        free(*v);
        *v = p;
        *cap = n;
        return 0;
}

void pipeline_set_warm(struct pipeline *pl, int warm)
{
        pl->pc.warm = warm;
}

const struct pipeline_stats *pipeline_stats(const struct pipeline *pl)
{
        return &pl->stats;
}

static uint64_t hash_str(const char *s)
{
        uint64_t h = 1469598103934665603ULL;

        while (*s)
                h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
        return h;
}

/* The slot of key, or the empty slot where it belongs. */
static struct keyslot *slot_find(struct batch *b, const char *key)
{
        size_t i = hash_str(key) & (b->nslots - 1);

        while (b->slots[i].key && strcmp(b->slots[i].key, key) != 0)
                i = (i + 1) & (b->nslots - 1);
        return &b->slots[i];
}

/* The key slot of statement j of item i, or NULL when it has no key. */
static struct keyslot *stmt_slot(const struct batch *b, size_t i, size_t j)
{
        return b->kslot[b->first[i] + j];
}

static int slot_push(struct keyslot *ks, const struct cand *c)
{
        if (ks->n == ks->cap) {
                size_t cap = ks->cap ? ks->cap * 2 : 8;
                const struct cand **v = realloc(ks->v, cap * sizeof(*v));

                if (!v)
                        return -1;
                ks->v = v;
                ks->cap = cap;
        }
        ks->v[ks->n++] = c;
        return 0;
}

/* Keeps a candidate parsed from a store record until the batch ends; it
 * is cleared (cand_clear) on failure too. Returns it or NULL. */
static struct cand *batch_own(struct batch *b, const struct cand *c)
{
        struct cand *o = NULL, **v;

        if (b->n_owned == b->cap_owned) {
                size_t cap = b->cap_owned ? b->cap_owned * 2 : 64;

                if (!(v = realloc(b->owned, cap * sizeof(*v))))
                        goto fail;
                b->owned = v;
                b->cap_owned = cap;
        }
        if (!(o = malloc(sizeof(*o))))
                goto fail;
        *o = *c;
        b->owned[b->n_owned++] = o;
        return o;
fail:
        free(o);
        cand_clear((struct cand *)c);
        return NULL;
}

/* The article reference of item i, made once per batch. Borrowed. */
static json_t *item_ref(struct batch *b, const struct item *items, size_t i)
{
        if (!b->refs[i])
                b->refs[i] = article_ref_json(items[i].art);
        return b->refs[i];
}

static void batch_clear(struct batch *b, size_t n)
{
        size_t i;

        for (i = 0; b->stmts && i < n; i++)
                stmt_list_free(&b->stmts[i]);
        for (i = 0; b->refs && i < n; i++)
                json_decref(b->refs[i]);
        for (i = 0; i < b->n_owned; i++) {
                cand_clear(b->owned[i]);
                free(b->owned[i]);
        }
        for (i = 0; b->slots && i < b->nslots; i++) {
                free(b->slots[i].v);
                free(b->slots[i].key);
        }
        free(b->stmts);
        free(b->first);
        free(b->kslot);
        free(b->refs);
        free(b->has_cands);
        free(b->owned);
        free(b->slots);
        alert_list_free(&b->alerts);
}

/* Parses and analyzes every item; collects the distinct keys. */
static int batch_analyze(struct pipeline *pl, struct batch *b, struct item *items,
                         size_t n)
{
        size_t i, j, total = 0;
        char key[KEY_MAX];

        b->stmts = calloc(n ? n : 1, sizeof(*b->stmts));
        b->first = calloc(n ? n : 1, sizeof(*b->first));
        b->refs = calloc(n ? n : 1, sizeof(*b->refs));
        b->has_cands = calloc(n ? n : 1, 1);
        if (!b->stmts || !b->first || !b->refs || !b->has_cands)
                return -1;
        for (i = 0; i < n; i++) {
                struct item *it = &items[i];

                b->first[i] = total;
                pl->stats.bytes += it->len;
                if (!it->art && article_parse(it->buf, it->len, it->ts_ms,
                                              &pl->pc.art_limits, &it->art, &it->err,
                                              it->errstr, sizeof(it->errstr)) == -1) {
                        it->result = ITEM_BAD;
                        continue;
                }
                if (analyze_article(pl->lx, &pl->pc.an_limits, it->art, &b->stmts[i]) ==
                    -1)
                        return -1;
                total += b->stmts[i].n;
        }
        /* A table at most half full, even were every statement's key new. */
        for (b->nslots = 16; b->nslots < 2 * total + 1; b->nslots *= 2)
                ;
        b->slots = calloc(b->nslots, sizeof(*b->slots));
        b->kslot = calloc(total ? total : 1, sizeof(*b->kslot));
        if (!b->slots || !b->kslot)
                return -1;
        for (i = 0; i < n; i++) {
                for (j = 0; j < b->stmts[i].n; j++) {
                        struct keyslot *ks;

                        if (prop_key(&b->stmts[i].v[j].prop, key, sizeof(key)) < 0)
                                continue;
                        ks = slot_find(b, key);
                        if (!ks->key) {
                                if (!(ks->key = strdup(key)))
                                        return -1;
                                b->nkeys++;
                        }
                        b->kslot[b->first[i] + j] = ks;
                        if (!pl->pc.warm && match_may_alert(&b->stmts[i].v[j]))
                                ks->wanted = 1;
                }
        }
        return 0;
}

/* One store round trip: done markers, and the earlier statements of the
 * keys that may alert (a warm-up batch raises no alerts: none). */
static int batch_lookup(struct pipeline *pl, struct batch *b, struct item *items,
                        size_t n, char *errstr, size_t errstr_size)
{
        const char **ids = calloc(n ? n : 1, sizeof(*ids));
        const char **keys = calloc(b->nkeys ? b->nkeys : 1, sizeof(*keys));
        struct keyslot **ksv = calloc(b->nkeys ? b->nkeys : 1, sizeof(*ksv));
        struct store_query q = {0};
        size_t i, j, na = 0, nk = 0;
        int rc = -1;

        if (!ids || !keys || !ksv)
                goto done;
        for (i = 0; i < n; i++)
                if (items[i].art)
                        ids[na++] = items[i].art->id;
        for (i = 0; i < b->nslots; i++) {
                if (b->slots[i].key && b->slots[i].wanted) {
                        ksv[nk] = &b->slots[i];
                        keys[nk++] = b->slots[i].key;
                }
        }
        q.article_ids = ids;
        q.n_articles = na;
        q.keys = keys;
        q.n_keys = nk;
        q.max_per_key = pl->pc.max_candidates;
        q.want_cands = pl->st->ops->native_cands;
        pl->stats.store_calls++;
        if (store_lookup(pl->st, &q, errstr, errstr_size) == -1) {
                pl->stats.store_errors++;
                metric_add(pl->m.redis_errors, 1);
                goto done;
        }
        for (i = 0, j = 0; i < n; i++) {
                if (!items[i].art)
                        continue;
                if (q.done[j++])
                        items[i].result = ITEM_DUPLICATE;
        }
        for (i = 0; i < nk && q.cands; i++) {
                size_t k;

                /* borrowed from the store: valid until the batch's put */
                for (k = 0; k < q.cands[i].n; k++)
                        if (slot_push(ksv[i], q.cands[i].v[k]) == -1)
                                goto done;
        }
        for (i = 0; i < nk && q.recs; i++) {
                size_t k, m = json_array_size(q.recs[i]);

                for (k = 0; k < m; k++) {
                        struct cand c;
                        const struct cand *o;

                        if (cand_from_record(json_array_get(q.recs[i], k), &c) == -1)
                                continue;
                        if (!(o = batch_own(b, &c)) || slot_push(ksv[i], o) == -1)
                                goto done;
                }
        }
        for (i = 0; i < nk; i++)
                ksv[i]->nstore = ksv[i]->n;
        rc = 0;
done:
        store_query_clear(&q);
        free(ids);
        free(keys);
        free(ksv);
        return rc;
}

/* The article ids of a batch seen so far (a repeated message is a
 * duplicate): open addressing over item numbers + 1, at most half full. */
struct idset {
        size_t *v;
        size_t cap;
};

static int idset_init(struct idset *ids, size_t n)
{
        for (ids->cap = 16; ids->cap < 2 * n + 1; ids->cap *= 2)
                ;
        ids->v = calloc(ids->cap, sizeof(*ids->v));
        return ids->v ? 0 : -1;
}

/* Whether an earlier item of the set has item i's article id; adds i when
 * not. */
static int idset_seen(struct idset *ids, const struct item *items, size_t i)
{
        size_t k = hash_str(items[i].art->id) & (ids->cap - 1);

        for (; ids->v[k]; k = (k + 1) & (ids->cap - 1))
                if (strcmp(items[ids->v[k] - 1].art->id, items[i].art->id) == 0)
                        return 1;
        ids->v[k] = i + 1;
        return 0;
}

static const char *against_id(const struct alert *a)
{
        return json_string_value(json_object_get(
            json_object_get(json_object_get(a->doc, "against"), "article"), "id"));
}

/* One alert per article, kind, proposition and earlier article: when
 * several sentences of an article deny the same claim, the editor gets the
 * strongest one (the first on ties), not one alert per sentence.
 * alerts [from, al->n) came from this article; keyof[k] is the proposition
 * key of alert from + k. */
static void dedup_alerts(struct alert_list *al, size_t from, const char **keyof)
{
        size_t i, j, out = from;
        char *drop;

        if (al->n - from < 2)
                return; /* nothing to compare */
        /* Decide every drop first, then compact: compacting while still
         * comparing read alerts already freed (a weaker alert before a
         * stronger one; regression test in tests/cli_main.sh). */
        if (!(drop = calloc(al->n - from + 1, 1)))
                return;
        for (i = from; i < al->n; i++) {
                int keep = 1;

                for (j = from; j < al->n && keep; j++) {
                        const struct alert *a = &al->v[i], *b = &al->v[j];

                        if (i == j || a->kind != b->kind ||
                            keyof[i - from] != keyof[j - from] || /* one string a key */
                            strcmp(against_id(a), against_id(b)))
                                continue;
                        if (b->confidence > a->confidence ||
                            (b->confidence == a->confidence && j < i))
                                keep = 0;
                }
                drop[i - from] = !keep;
        }
        for (i = from; i < al->n; i++) {
                if (drop[i - from]) {
                        json_decref(al->v[i].doc);
                        continue;
                }
                keyof[out - from] = keyof[i - from];
                al->v[out++] = al->v[i];
        }
        free(drop);
        al->n = out;
}

/* Makes the statements of item i candidates (pl->cbuf from first[i]),
 * once: the item's own statements for matching, then the overlay that
 * later articles of the batch see, then what the store keeps.  Text and
 * article are borrowed from the statements and the item's reference. */
static void item_cands(struct pipeline *pl, struct batch *b, struct item *it, size_t i)
{
        struct stmt_list *sl = &b->stmts[i];
        struct cand *c;
        size_t j;

        if (b->has_cands[i])
                return;
        for (j = 0; j < sl->n; j++) {
                if (!stmt_slot(b, i, j))
                        continue;
                c = &pl->cbuf[b->first[i] + j];
                c->st = sl->v[j];
                c->article = b->refs[i];
                c->aid = json_string_value(json_object_get(b->refs[i], "id"));
                c->published_ms = it->art->published_ms;
                c->seq = (int)j;
        }
        b->has_cands[i] = 1;
}

/* Matches the statements of item i against their candidates. */
static int match_item(struct pipeline *pl, struct batch *b, struct item *it, size_t i,
                      int64_t now)
{
        struct stmt_list *sl = &b->stmts[i];
        const struct cand *own = pl->cbuf + b->first[i]; /* the article's own */
        size_t j, k, first = b->alerts.n, nkeyof = 0;

        if (!b->refs[i])
                return -1;
        item_cands(pl, b, it, i);
        for (j = 0; j < sl->n; j++) {
                struct keyslot *ks = stmt_slot(b, i, j);
                size_t nc = 0, before = b->alerts.n;
                const struct cand **cv;
                int added;

                if (!ks || !match_may_alert(&sl->v[j]))
                        continue;
                if (scratch_reserve((void **)&pl->cv, &pl->cv_cap, ks->n + sl->n,
                                    sizeof(*pl->cv)) == -1)
                        return -1;
                cv = pl->cv;
                /* Earlier news (not an earlier try at this same article),
                 * then the article's own other statements of the key.  The
                 * batch's earlier articles have other ids (idset_seen). */
                for (k = 0; k < ks->n; k++) {
                        const char *aid = k >= ks->nstore ? NULL
                                          : ks->v[k]->aid
                                              ? ks->v[k]->aid
                                              : json_string_value(json_object_get(
                                                    ks->v[k]->article, "id"));

                        if (k >= ks->nstore || (aid && strcmp(aid, it->art->id) != 0))
                                cv[nc++] = ks->v[k];
                }
                for (k = 0; k < sl->n; k++)
                        if (k != j && stmt_slot(b, i, k) == ks)
                                cv[nc++] = &own[k];
                added = match_stmt_ptrs(&pl->pc.match, it->art, &sl->v[j], (int)j, cv, nc,
                                        now, &b->alerts);
                if (added < 0)
                        return -1;
                if (b->alerts.n > before) {
                        if (b->alerts.n - first > pl->keyof_cap) {
                                size_t cap = 2 * (b->alerts.n - first);
                                const char **kv = realloc(pl->keyof, cap * sizeof(*kv));

                                if (!kv)
                                        return -1;
                                pl->keyof = kv;
                                pl->keyof_cap = cap;
                        }
                        while (nkeyof < b->alerts.n - first)
                                pl->keyof[nkeyof++] = ks->key;
                }
        }
        dedup_alerts(&b->alerts, first, pl->keyof);
        it->n_alerts = b->alerts.n - first;
        return 0;
}

/* Adds the statements of item i to the overlay, as later articles of the
 * batch must see them. */
static int overlay_add(struct pipeline *pl, struct batch *b, struct item *it, size_t i)
{
        struct stmt_list *sl = &b->stmts[i];
        struct keyslot *ks;
        size_t j;

        item_cands(pl, b, it, i);
        for (j = 0; j < sl->n; j++) {
                if ((ks = stmt_slot(b, i, j)) &&
                    slot_push(ks, &pl->cbuf[b->first[i] + j]) == -1)
                        return -1;
        }
        return 0;
}

/* Writes the statement records of every processed item: one store call. */
static int batch_put(struct pipeline *pl, struct batch *b, struct item *items, size_t n,
                     char *errstr, size_t errstr_size)
{
        int native = pl->st->ops->native_cands;
        struct store_rec *recs = NULL;
        size_t i, j, nr = 0, cap = 0;
        int rc = -1;

        for (i = 0; i < n; i++)
                if (items[i].result == ITEM_PENDING)
                        cap += b->stmts[i].n;
        if (cap == 0)
                return 0;
        recs = calloc(cap, sizeof(*recs));
        if (!recs)
                goto done;
        for (i = 0; i < n; i++) {
                if (items[i].result != ITEM_PENDING)
                        continue;
                if (native && b->stmts[i].n && !b->has_cands[i])
                        goto done; /* overlay_add made them all */
                for (j = 0; j < b->stmts[i].n; j++) {
                        struct keyslot *ks = stmt_slot(b, i, j);
                        json_t *rec;

                        if (!ks)
                                continue;
                        recs[nr].key = ks->key;
                        recs[nr].article_id = items[i].art->id;
                        recs[nr].ts_ms = items[i].art->published_ms;
                        if (native) {
                                /* the overlay's candidate; the store copies
                                 * what it keeps */
                                recs[nr++].cand = &pl->cbuf[b->first[i] + j];
                                continue;
                        }
                        rec = cand_record(items[i].art, &b->stmts[i].v[j], (int)j);
                        recs[nr].obj = rec; /* released with recs */
                        if (!rec)
                                goto done;
                        if (pl->st->ops->needs_text &&
                            !(recs[nr].json =
                                  json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS)))
                                goto done;
                        nr++;
                }
        }
        pl->stats.store_calls++;
        rc = nr ? store_put(pl->st, recs, nr, errstr, errstr_size) : 0;
        if (rc == -1) {
                pl->stats.store_errors++;
                metric_add(pl->m.redis_errors, 1);
        }
done:
        for (i = 0; recs && i < cap; i++) {
                free((char *)recs[i].json);
                json_decref(recs[i].obj);
        }
        free(recs);
        return rc;
}

/* Hands every alert to every sink and waits for delivery. */
static struct metric *delivery_metric(const struct sink *sk, const char *result)
{
        char labels[160], name[80];

        metrics_label_escape(name, sizeof(name), sk->ops->kind);
        snprintf(labels, sizeof(labels), "sink=\"%s\",result=\"%s\"", name, result);
        return metrics_counter("claimwatch_sink_deliveries_total", labels,
                               "Alert deliveries attempted, by sink and outcome.");
}

static int batch_publish(struct pipeline *pl, struct batch *b, char *errstr,
                         size_t errstr_size)
{
        size_t i, k;

        if (b->alerts.n == 0)
                return 0;
        for (k = 0; k < pl->n_sinks; k++) {
                for (i = 0; i < b->alerts.n; i++) {
                        if (sink_publish(pl->sinks[k], &b->alerts.v[i], errstr,
                                         errstr_size) == -1)
                                goto fail;
                }
                if (sink_flush(pl->sinks[k], -1, errstr, errstr_size) == -1)
                        goto fail;
                metric_add(delivery_metric(pl->sinks[k], "ok"), b->alerts.n);
        }
        return 0;
fail:
        pl->stats.sink_errors++;
        metric_add(delivery_metric(pl->sinks[k], "error"), b->alerts.n);
        return -1;
}

/* Marks processed articles and delivered alerts: one store call. */
static int batch_mark(struct pipeline *pl, struct batch *b, struct item *items, size_t n,
                      char *errstr, size_t errstr_size)
{
        const char **ids = calloc(n ? n : 1, sizeof(*ids));
        const char **aids = calloc(b->alerts.n ? b->alerts.n : 1, sizeof(*aids));
        size_t i, na = 0;
        int rc = -1;

        if (ids && aids) {
                for (i = 0; i < n; i++)
                        if (items[i].result == ITEM_PENDING)
                                ids[na++] = items[i].art->id;
                for (i = 0; i < b->alerts.n; i++)
                        aids[i] = b->alerts.v[i].id;
                pl->stats.store_calls++;
                rc = (na || b->alerts.n) ? store_mark(pl->st, ids, na, aids, b->alerts.n,
                                                      errstr, errstr_size)
                                         : 0;
                if (rc == -1) {
                        pl->stats.store_errors++;
                        metric_add(pl->m.redis_errors, 1);
                }
        }
        free(ids);
        free(aids);
        return rc;
}

static void batch_count(struct pipeline *pl, struct batch *b, struct item *items,
                        size_t n)
{
        size_t i;

        for (i = 0; i < n; i++) {
                if (items[i].result == ITEM_BAD) {
                        pl->stats.bad++;
                        metric_add(pl->m.rejected, 1);
                } else if (items[i].result == ITEM_DUPLICATE) {
                        pl->stats.duplicates++;
                        metric_add(pl->m.duplicate, 1);
                } else {
                        items[i].result = ITEM_OK;
                        items[i].n_stmts = b->stmts[i].n;
                        pl->stats.articles++;
                        pl->stats.statements += b->stmts[i].n;
                        metric_add(pl->m.ok, 1);
                        metric_add(pl->m.statements, b->stmts[i].n);
                }
        }
        for (i = 0; i < b->alerts.n; i++) {
                pl->stats.alerts++;
                pl->stats.by_kind[b->alerts.v[i].kind]++;
                pl->stats.by_level[b->alerts.v[i].level]++;
                metric_add(pl->m.alerts[b->alerts.v[i].kind][b->alerts.v[i].level], 1);
        }
}

int pipeline_batch(struct pipeline *pl, struct item *items, size_t n, char *errstr,
                   size_t errstr_size)
{
        struct batch b = {0};
        struct idset ids = {0};
        int64_t now = pl->pc.now_ms();
        size_t i;
        int rc = -1;

        snprintf(errstr, errstr_size, "out of memory");
        for (i = 0; i < n; i++) {
                items[i].result = ITEM_PENDING;
                items[i].n_stmts = items[i].n_alerts = 0;
        }
        if (batch_analyze(pl, &b, items, n) == -1 ||
            batch_lookup(pl, &b, items, n, errstr, errstr_size) == -1 ||
            idset_init(&ids, n) == -1 ||
            scratch_reserve((void **)&pl->cbuf, &pl->cbuf_cap,
                            n ? b.first[n - 1] + b.stmts[n - 1].n : 0,
                            sizeof(*pl->cbuf)) == -1)
                goto done;
        for (i = 0; i < n; i++) {
                /* a repeat of an earlier item (duplicate or not) */
                int seen = items[i].art && idset_seen(&ids, items, i);

                if (items[i].result != ITEM_PENDING)
                        continue;
                if (seen) {
                        items[i].result = ITEM_DUPLICATE;
                        continue;
                }
                if (!item_ref(&b, items, i))
                        goto done;
                if (!pl->pc.warm && match_item(pl, &b, &items[i], i, now) == -1)
                        goto done;
                if (overlay_add(pl, &b, &items[i], i) == -1)
                        goto done;
        }
        if (batch_put(pl, &b, items, n, errstr, errstr_size) == -1 ||
            batch_publish(pl, &b, errstr, errstr_size) == -1 ||
            batch_mark(pl, &b, items, n, errstr, errstr_size) == -1)
                goto done;
        batch_count(pl, &b, items, n);
        errstr[0] = '\0';
        rc = 0;
done:
        batch_clear(&b, n);
        free(ids.v);
        return rc;
}

void pipeline_batch_clear(struct item *items, size_t n)
{
        size_t i;

        for (i = 0; i < n; i++) {
                article_free(items[i].art);
                items[i].art = NULL;
        }
}
