/* test_store_mem_cands.c - the in-memory store's native candidates (what
 * replay uses): puts of struct cand, lookups with want_cands, records put
 * as JSON and read as candidates, idempotent re-puts, and records big and
 * many enough to need several arena chunks and one of their own. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "check.h"

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

int main(void)
{
        test_put_and_lookup();
        test_json_records_as_cands();
        test_many_and_big();
        return check_done("test_store_mem_cands");
}
