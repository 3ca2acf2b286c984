/* test_store_mem_cands.c - the in-memory store's native candidates (what
 * replay uses): puts of struct cand, lookups with want_cands, records put
 * as JSON and read as candidates, idempotent re-puts, records big and
 * many enough to need several arena chunks and one of their own, the
 * packed form round-tripping every field, and how long lookup candidates
 * last. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "check.h"
#include "itutil.h"

/* A candidate of article art (a new reference in c->article). */
static void mkcand(struct cand *c, const char *art, int64_t ts, int seq, char *text)
{
        memset(c, 0, sizeof(*c));
        snprintf(c->st.speaker.name, sizeof(c->st.speaker.name), "speaker of %s", art);
        snprintf(c->st.prop.frame, sizeof(c->st.prop.frame), "transfer");
        c->st.negated = seq % 2;
        c->st.text = text;
        c->article = json_pack("{s:s}", "id", art);
        c->published_ms = ts;
        c->seq = seq;
}

/* Looks up one key with want_cands; returns the list (caller clears q). */
static const struct store_cands *lookup(struct store *s, struct store_query *q,
                                        const char **key, size_t max)
{
        char err[256];

        *q = (struct store_query){
            .keys = key, .n_keys = 1, .max_per_key = max, .want_cands = 1};
        if (store_lookup(s, q, err, sizeof(err)) == -1 || !q->cands)
                return NULL;
        return &q->cands[0];
}

static const char *cand_article(const struct cand *c)
{
        return json_string_value(json_object_get(c->article, "id"));
}

static void test_put_and_lookup(void)
{
        struct store *s = store_mem_new(NULL);
        const char *key = "transfer|KP|RU|weapons";
        struct store_query q;
        const struct store_cands *sc;
        struct store_rec rec[3];
        struct cand c[3];
        char err[256], t0[] = "first", t1[] = "second", t2[] = "third";
        int i;

        CHECK(s->ops->native_cands == 1);
        mkcand(&c[0], "a2", 200, 0, t0);
        mkcand(&c[1], "a1", 100, 1, t1);
        mkcand(&c[2], "a2", 200, 1, t2);
        for (i = 0; i < 3; i++)
                rec[i] = (struct store_rec){.key = key,
                                            .article_id = cand_article(&c[i]),
                                            .ts_ms = c[i].published_ms,
                                            .cand = &c[i]};
        CHECK(store_put(s, rec, 3, err, sizeof(err)) == 0);
        CHECK(store_put(s, rec, 3, err, sizeof(err)) == 0); /* redelivery: no copies */
        /* the store made its own copies: the originals may go */
        for (i = 0; i < 3; i++) {
                c[i].st.text[0] = 'X';
                json_decref(c[i].article);
        }
        sc = lookup(s, &q, &key, 0);
        CHECK(sc && sc->n == 3);
        if (sc && sc->n == 3) {
                /* ordered by ts, then insertion */
                CHECK_STR(cand_article(sc->v[0]), "a1");
                CHECK_STR(sc->v[0]->st.text, "second");
                CHECK_STR(cand_article(sc->v[1]), "a2");
                CHECK_STR(sc->v[1]->st.text, "first");
                CHECK_STR(sc->v[2]->st.text, "third");
                CHECK(sc->v[2]->seq == 1 && sc->v[2]->st.negated == 1);
                CHECK_STR(sc->v[2]->st.speaker.name, "speaker of a2");
                CHECK(sc->v[0]->published_ms == 100);
        }
        store_query_clear(&q);
        sc = lookup(s, &q, &key, 2); /* the oldest and the newest */
        CHECK(sc && sc->n == 2);
        if (sc && sc->n == 2) {
                CHECK_STR(sc->v[0]->st.text, "second");
                CHECK_STR(sc->v[1]->st.text, "third");
        }
        store_query_clear(&q);
        store_free(s);
}

/* Records put as JSON are read as candidates; one that is an object but
 * no candidate record is left out, the others still come. */
static void test_json_records_as_cands(void)
{
        struct store *s = store_mem_new(NULL);
        const char *key = "deny|carol||";
        static const char j1[] = "{\"article\":{\"id\":\"b1\"},\"statement\":{\"text\":"
                                 "\"s0\",\"proposition\":{\"frame\":\"deny\"}},\"ts\":10,"
                                 "\"seq\":0}";
        static const char j2[] = "{\"article\":{\"id\":\"b2\"},\"statement\":{\"text\":"
                                 "\"s1\",\"proposition\":{}},\"ts\":20,\"seq\":0}";
        char err[256];
        struct store_rec recs[3] = {
            {.key = key, .article_id = "b1", .ts_ms = 10, .json = j1},
            {.key = key, .article_id = "b0", .ts_ms = 15, .json = "{\"x\":1}"},
            {.key = key, .article_id = "b2", .ts_ms = 20, .json = j2},
        };
        struct store_query q;
        const struct store_cands *sc;
        int round;

        CHECK(store_put(s, recs, 3, err, sizeof(err)) == 0);
        for (round = 0; round < 2; round++) { /* parsed once, then kept */
                sc = lookup(s, &q, &key, 0);
                CHECK(sc && sc->n == 2);
                if (sc && sc->n == 2) {
                        CHECK_STR(cand_article(sc->v[0]), "b1");
                        CHECK_STR(sc->v[0]->st.text, "s0");
                        CHECK_STR(cand_article(sc->v[1]), "b2");
                }
                store_query_clear(&q);
        }
        store_free(s);
}

/* Many records across arena chunks, and one bigger than any chunk. */
static void test_many_and_big(void)
{
        struct store *s = store_mem_new(NULL);
        const char *key = "say|x|y|";
        size_t big = 9 * 1024 * 1024, n = 5000, i;
        char *text = malloc(big + 1), err[256], id[32];
        struct store_query q;
        const struct store_cands *sc;
        struct store_rec rec;
        struct cand c;
        int ok = 1;

        if (!text)
                return;
        for (i = 0; i < n; i++) {
                snprintf(id, sizeof(id), "m%zu", i);
                snprintf(text, 64, "statement %zu", i);
                mkcand(&c, id, (int64_t)i, 0, text);
                rec = (struct store_rec){
                    .key = key, .article_id = id, .ts_ms = (int64_t)i, .cand = &c};
                ok = ok && store_put(s, &rec, 1, err, sizeof(err)) == 0;
                json_decref(c.article);
        }
        memset(text, 'b', big);
        text[big] = '\0';
        mkcand(&c, "huge", (int64_t)n, 0, text);
        rec = (struct store_rec){
            .key = key, .article_id = "huge", .ts_ms = (int64_t)n, .cand = &c};
        ok = ok && store_put(s, &rec, 1, err, sizeof(err)) == 0;
        json_decref(c.article);
        CHECK(ok);
        sc = lookup(s, &q, &key, 0);
        CHECK(sc && sc->n == n + 1);
        for (i = 0; sc && sc->n == n + 1 && i < n; i++) {
                snprintf(id, sizeof(id), "statement %zu", i);
                if (strcmp(sc->v[i]->st.text, id) != 0)
                        break;
        }
        CHECK(i == n);
        if (sc && sc->n == n + 1) {
                CHECK(strlen(sc->v[n]->st.text) == big);
                CHECK_STR(cand_article(sc->v[n]), "huge");
        }
        store_query_clear(&q);
        free(text);
        store_free(s);
}

/* Every string field of c at min(len, its size - 1) bytes, each its own
 * letters, and every other field set to something but its zero value. */
static void fill_cand(struct cand *c, json_t *art, size_t len, char *text)
{
        static const char cue[] = "deny";
        char *f[] = {c->st.speaker.id,    c->st.speaker.name, c->st.claimant.id,
                     c->st.claimant.name, c->st.prop.frame,   c->st.prop.agent,
                     c->st.prop.patient,  c->st.prop.theme,   c->st.prop.qty.unit,
                     c->st.prop.qual,     c->st.gist};
        size_t sz[] = {sizeof(c->st.speaker.id),    sizeof(c->st.speaker.name),
                       sizeof(c->st.claimant.id),   sizeof(c->st.claimant.name),
                       sizeof(c->st.prop.frame),    sizeof(c->st.prop.agent),
                       sizeof(c->st.prop.patient),  sizeof(c->st.prop.theme),
                       sizeof(c->st.prop.qty.unit), sizeof(c->st.prop.qual),
                       sizeof(c->st.gist)};
        size_t i, j, n;

        memset(c, 0, sizeof(*c));
        for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
                n = len < sz[i] - 1 ? len : sz[i] - 1;
                for (j = 0; j < n; j++)
                        f[i][j] = (char)('a' + (i + j + len) % 26);
                /* what follows the NUL is not part of the string */
                memset(f[i] + n, n + 1 < sz[i] ? 'z' : 0, sz[i] - n);
                f[i][n] = '\0';
        }
        c->st.stance = STANCE_REPORT;
        c->st.negated = 1;
        c->st.modality = MOD_QUESTION;
        c->st.tscope = TIME_FUTURE;
        c->st.prop.qty.has = 1;
        c->st.prop.qty.value = 175000.25 + (double)len;
        c->st.prop.qty.approx = QTY_UP_TO;
        c->st.strength = 0.625;
        c->st.cue = cue;
        c->st.background = 1;
        c->st.off = 1000 + len;
        c->st.len = 77 + len;
        for (j = 0; j < 3 * len; j++)
                text[j] = (char)('A' + j % 26);
        text[3 * len] = '\0';
        c->st.text = text;
        c->article = art;
        c->aid = json_string_value(json_object_get(art, "id"));
        c->published_ms = 1420070400000 + (int64_t)len;
        c->seq = (int)len;
}

/* Whether b reads as a: every field, the strings up to their NULs. */
static int cand_same(const struct cand *a, const struct cand *b)
{
        const struct stmt *x = &a->st, *y = &b->st;

        return !strcmp(x->speaker.id, y->speaker.id) &&
               !strcmp(x->speaker.name, y->speaker.name) &&
               !strcmp(x->claimant.id, y->claimant.id) &&
               !strcmp(x->claimant.name, y->claimant.name) &&
               !strcmp(x->prop.frame, y->prop.frame) &&
               !strcmp(x->prop.agent, y->prop.agent) &&
               !strcmp(x->prop.patient, y->prop.patient) &&
               !strcmp(x->prop.theme, y->prop.theme) &&
               !strcmp(x->prop.qty.unit, y->prop.qty.unit) &&
               !strcmp(x->prop.qual, y->prop.qual) && !strcmp(x->gist, y->gist) &&
               y->text && !strcmp(x->text, y->text) && x->text != y->text &&
               x->stance == y->stance && x->negated == y->negated &&
               x->modality == y->modality && x->tscope == y->tscope &&
               x->prop.qty.has == y->prop.qty.has &&
               x->prop.qty.value == y->prop.qty.value &&
               x->prop.qty.approx == y->prop.qty.approx && x->strength == y->strength &&
               x->cue == y->cue && x->background == y->background && x->off == y->off &&
               x->len == y->len && a->article == b->article && a->aid == b->aid &&
               a->published_ms == b->published_ms && a->seq == b->seq;
}

#define NLEN 161 /* string lengths 0..160: every field from empty to full */

/* The store keeps a candidate packed and unpacks it at lookup: every
 * field, at every length of every string, comes back as it was put; as
 * a JSON record it is the record of the candidate put. */
static void test_round_trip(void)
{
        struct store *s = store_mem_new(NULL);
        const char *key = "transfer|KP|RU|weapons";
        json_t *art = json_pack("{s:s,s:s}", "id", "rt-1", "source", "bench");
        static struct cand c[NLEN];
        static char text[NLEN][3 * NLEN + 1];
        struct store_rec rec;
        struct store_query q;
        const struct store_cands *sc;
        json_t *recs, *want;
        char err[256];
        size_t i, same = 0;
        int ok = 1;

        for (i = 0; i < NLEN; i++) {
                fill_cand(&c[i], art, i, text[i]);
                rec = (struct store_rec){
                    .key = key, .article_id = "rt-1", .ts_ms = 5, .cand = &c[i]};
                ok = ok && store_put(s, &rec, 1, err, sizeof(err)) == 0;
        }
        CHECK(ok);
        CHECK(c[NLEN - 1].st.gist[sizeof(c[0].st.gist) - 2] != '\0'); /* full */
        sc = lookup(s, &q, &key, 0);
        CHECK(sc && sc->n == NLEN);
        for (i = 0; sc && sc->n == NLEN && i < NLEN; i++)
                same += cand_same(&c[i], sc->v[i]);
        CHECK(same == NLEN);
        store_query_clear(&q);
        /* the records, as JSON */
        recs = itu_lookup_key(s, key, 2);
        CHECK(recs && json_array_size(recs) == 2);
        want = cand_to_record(&c[NLEN - 1]);
        CHECK(recs && want && json_equal(json_array_get(recs, 1), want));
        json_decref(want);
        json_decref(recs);
        store_free(s);
        json_decref(art);
}

/* Candidates per key in test_cands_lifetime: the two lookups together
 * need more than one scratch block (2 MB, ~2,450 candidates). */
#define NLIFE 1500

/* Lookup candidates stay as they were until the first lookup after a
 * put: through further lookups of other keys (more than a block of the
 * scratch) and through puts that need new arena chunks. */
static void test_cands_lifetime(void)
{
        struct store *s = store_mem_new(NULL);
        const char *key = "say|x|y|", *key2 = "deny|x||", *other = "say|z||";
        json_t *art = json_pack("{s:s}", "id", "life");
        static struct cand c[NLIFE], c2[NLIFE], more;
        static char text[NLIFE][3 * NLEN + 1], text2[NLIFE][3 * NLEN + 1];
        static char mtext[3 * NLEN + 1];
        struct store_query q1, q2;
        const struct store_cands *s1, *s2;
        struct store_rec rec;
        char err[256];
        size_t i, same1 = 0, same2 = 0;
        int ok = 1;

        for (i = 0; i < NLIFE; i++) {
                fill_cand(&c[i], art, i % NLEN, text[i]);
                c[i].seq = (int)i;
                rec = (struct store_rec){
                    .key = key, .article_id = "life", .ts_ms = (int64_t)i, .cand = &c[i]};
                ok = ok && store_put(s, &rec, 1, err, sizeof(err)) == 0;
                fill_cand(&c2[i], art, (i + 50) % NLEN, text2[i]);
                c2[i].seq = (int)i;
                rec.key = key2;
                rec.cand = &c2[i];
                ok = ok && store_put(s, &rec, 1, err, sizeof(err)) == 0;
        }
        s1 = lookup(s, &q1, &key, 0);
        s2 = lookup(s, &q2, &key2, 0);
        CHECK(s1 && s2 && s1->n == NLIFE && s2->n == NLIFE);
        /* puts enough for more than one arena chunk */
        fill_cand(&more, art, NLEN - 1, mtext);
        for (i = 0; i < 20000; i++) {
                char id[32];

                snprintf(id, sizeof(id), "m%zu", i);
                rec = (struct store_rec){
                    .key = other, .article_id = id, .ts_ms = (int64_t)i, .cand = &more};
                ok = ok && store_put(s, &rec, 1, err, sizeof(err)) == 0;
        }
        CHECK(ok);
        for (i = 0; s1 && s2 && s1->n == NLIFE && s2->n == NLIFE && i < NLIFE; i++) {
                same1 += cand_same(&c[i], s1->v[i]);
                same2 += cand_same(&c2[i], s2->v[i]);
        }
        CHECK(same1 == NLIFE && same2 == NLIFE);
        store_query_clear(&q1);
        store_query_clear(&q2);
        store_free(s);
        json_decref(art);
}

int main(void)
{
        test_put_and_lookup();
        test_json_records_as_cands();
        test_many_and_big();
        test_round_trip();
        test_cands_lifetime();
        return check_done("test_store_mem_cands");
}
