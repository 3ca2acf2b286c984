/* test_store_mem.c - the in-memory statement cache (store_mem.c): ordering,
 * idempotent puts, max_per_key, markers, claims and lookup speed. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "itutil.h"

static void test_empty(void)
{
        struct store *s = store_mem_new(NULL);
        const char *arts[2] = {"a1", "a2"}, *keys[2] = {"say|x|y|", "deny|x||"};
        struct store_query q = {
            .article_ids = arts, .n_articles = 2, .keys = keys, .n_keys = 2};
        char err[256] = "";

        CHECK(s != NULL);
        CHECK(strcmp(s->ops->name, "memory") == 0);
        CHECK(store_ping(s, err, sizeof(err)) == 0);
        CHECK(store_lookup(s, &q, err, sizeof(err)) == 0);
        CHECK(q.done && q.done[0] == 0 && q.done[1] == 0);
        CHECK(q.recs && json_is_array(q.recs[0]) && json_array_size(q.recs[0]) == 0);
        CHECK(q.recs && json_is_array(q.recs[1]) && json_array_size(q.recs[1]) == 0);
        store_query_clear(&q);
        CHECK(q.done == NULL && q.recs == NULL);
        store_query_clear(&q); /* twice is harmless */

        /* nothing asked: still valid (empty) results */
        q = (struct store_query){0};
        CHECK(store_lookup(s, &q, err, sizeof(err)) == 0);
        store_query_clear(&q);
        store_free(s);
        store_free(NULL);
}

static void test_order(void)
{
        struct store *s = store_mem_new(NULL);
        const char *k = "say|alice|bob|tax";
        json_t *a;

        /* out of order, and two with the same ts: insertion breaks ties */
        CHECK(itu_put_one(s, k, "a3", 300, 0) == 0);
        CHECK(itu_put_one(s, k, "a1", 100, 0) == 0);
        CHECK(itu_put_one(s, k, "a2b", 200, 1) == 0);
        CHECK(itu_put_one(s, k, "a2a", 200, 0) == 0);
        CHECK(itu_put_one(s, k, "a0", 50, 0) == 0);
        CHECK(itu_put_one(s, "other|x||", "z", 1, 0) == 0);
        a = itu_lookup_key(s, k, 0);
        CHECK(a && json_array_size(a) == 5);
        if (a && json_array_size(a) == 5) {
                CHECK_STR(itu_rec_article(json_array_get(a, 0)), "a0");
                CHECK_STR(itu_rec_article(json_array_get(a, 1)), "a1");
                CHECK_STR(itu_rec_article(json_array_get(a, 2)), "a2b");
                CHECK_STR(itu_rec_article(json_array_get(a, 3)), "a2a");
                CHECK_STR(itu_rec_article(json_array_get(a, 4)), "a3");
                CHECK(itu_rec_ts(json_array_get(a, 4)) == 300);
        }
        json_decref(a);

        /* max_per_key: the oldest half and the newest half, oldest first */
        a = itu_lookup_key(s, k, 2);
        CHECK(a && json_array_size(a) == 2);
        if (a && json_array_size(a) == 2) {
                CHECK_STR(itu_rec_article(json_array_get(a, 0)), "a0");
                CHECK_STR(itu_rec_article(json_array_get(a, 1)), "a3");
        }
        json_decref(a);
        a = itu_lookup_key(s, k, 3);
        CHECK(a && json_array_size(a) == 3);
        if (a && json_array_size(a) == 3) {
                CHECK_STR(itu_rec_article(json_array_get(a, 0)), "a0");
                CHECK_STR(itu_rec_article(json_array_get(a, 1)), "a2a");
                CHECK_STR(itu_rec_article(json_array_get(a, 2)), "a3");
        }
        json_decref(a);
        a = itu_lookup_key(s, k, 1); /* one: the newest */
        CHECK(a && json_array_size(a) == 1 &&
              !strcmp(itu_rec_article(json_array_get(a, 0)), "a3"));
        json_decref(a);
        a = itu_lookup_key(s, k, 99); /* more than there are */
        CHECK(a && json_array_size(a) == 5);
        json_decref(a);
        store_free(s);
}

/* Re-puts are found among the records of the same ts, whatever order
 * the records came in; the same article and statement at another ts is
 * another record (as in Redis, whose members hold their ts). */
static void test_idempotent_order(void)
{
        static const char *const aids[] = {"o1", "o2", "o3", "o4", "o5", "o6"};
        static const int64_t ts[] = {30, 10, 20, 10, 30, 10};
        struct store *s = store_mem_new(NULL);
        const char *k = "deny|erin||";
        struct store_rec r[6], again;
        char *j[6], *late, err[256] = "";
        json_t *a;
        size_t i;

        for (i = 0; i < 6; i++) {
                j[i] = itu_rec_json(aids[i], ts[i], 0);
                r[i] = (struct store_rec){
                    .key = k, .article_id = aids[i], .ts_ms = ts[i], .json = j[i]};
                CHECK(store_put(s, &r[i], 1, err, sizeof(err)) == 0);
        }
        for (i = 6; i-- > 0;) /* every one again, last first */
                CHECK(store_put(s, &r[i], 1, err, sizeof(err)) == 0);
        a = itu_lookup_key(s, k, 0);
        CHECK(a && json_array_size(a) == 6);
        for (i = 1; a && i < json_array_size(a); i++)
                CHECK(
                    json_integer_value(json_object_get(json_array_get(a, i - 1), "ts")) <=
                    json_integer_value(json_object_get(json_array_get(a, i), "ts")));
        json_decref(a);
        late = itu_rec_json("o2", 40, 0);
        again =
            (struct store_rec){.key = k, .article_id = "o2", .ts_ms = 40, .json = late};
        CHECK(store_put(s, &again, 1, err, sizeof(err)) == 0);
        CHECK(store_put(s, &again, 1, err, sizeof(err)) == 0);
        a = itu_lookup_key(s, k, 0);
        CHECK(a && json_array_size(a) == 7);
        json_decref(a);
        for (i = 0; i < 6; i++)
                free(j[i]);
        free(late);
        store_free(s);
}

static void test_idempotent(void)
{
        struct store *s = store_mem_new(NULL);
        const char *k = "deny|carol||";
        char *j1 = itu_rec_json("b1", 10, 0), *j2 = itu_rec_json("b1", 10, 1),
             err[256] = "";
        struct store_rec batch[3] = {
            {.key = k, .article_id = "b1", .ts_ms = 10, .json = j1},
            {.key = k, .article_id = "b1", .ts_ms = 10, .json = j1}, /* same batch */
            {.key = k, .article_id = "b1", .ts_ms = 10, .json = j2},
        };
        struct store_rec bad = {
            .key = k, .article_id = "b2", .ts_ms = 11, .json = "{not json"};
        struct store_rec other = {
            .key = "deny|dave||", .article_id = "b1", .ts_ms = 10, .json = j1};
        json_t *a;

        CHECK(store_put(s, batch, 3, err, sizeof(err)) == 0);
        CHECK(store_put(s, batch, 3, err, sizeof(err)) == 0);  /* redelivery */
        CHECK(store_put(s, &other, 1, err, sizeof(err)) == 0); /* same json, other key */
        CHECK(store_put(s, &bad, 1, err, sizeof(err)) == 0);   /* skipped, warned */
        a = itu_lookup_key(s, k, 0);
        CHECK(a && json_array_size(a) == 2);
        json_decref(a);
        a = itu_lookup_key(s, "deny|dave||", 0);
        CHECK(a && json_array_size(a) == 1);
        json_decref(a);

        /* a record lacking its key is refused with a message */
        other.key = NULL;
        err[0] = 0;
        CHECK(store_put(s, &other, 1, err, sizeof(err)) == -1);
        CHECK(err[0] != 0);
        free(j1);
        free(j2);
        store_free(s);
}

static void test_marks_claims(void)
{
        struct store *s = store_mem_new(NULL);
        const char *done[2] = {"a1", "a3"}, *alerts[1] = {"f00d"};
        const char *arts[3] = {"a1", "a2", "a3"};
        struct store_query q = {.article_ids = arts, .n_articles = 3};
        char err[256] = "", longch[600];

        CHECK(store_mark(s, done, 2, alerts, 1, err, sizeof(err)) == 0);
        CHECK(store_mark(s, done, 2, alerts, 1, err, sizeof(err)) == 0);
        CHECK(store_mark(s, NULL, 0, NULL, 0, err, sizeof(err)) == 0);
        CHECK(store_lookup(s, &q, err, sizeof(err)) == 0);
        CHECK(q.done[0] == 1 && q.done[1] == 0 && q.done[2] == 1);
        store_query_clear(&q);

        CHECK(store_claim(s, "kafka", "f00d", err, sizeof(err)) == 1);
        CHECK(store_claim(s, "kafka", "f00d", err, sizeof(err)) == 0);
        CHECK(store_claim(s, "slack:desk", "f00d", err, sizeof(err)) == 1);
        CHECK(store_claim(s, "kafka", "beef", err, sizeof(err)) == 1);
        /* "a" + "bc" must not alias "ab" + "c" */
        CHECK(store_claim(s, "a", "bc", err, sizeof(err)) == 1);
        CHECK(store_claim(s, "ab", "c", err, sizeof(err)) == 1);
        memset(longch, 'x', sizeof(longch) - 1);
        longch[sizeof(longch) - 1] = 0;
        CHECK(store_claim(s, longch, "f00d", err, sizeof(err)) == 1);
        CHECK(store_claim(s, longch, "f00d", err, sizeof(err)) == 0);
        store_free(s);
}

/* Replay-sized load: 20,000 articles, each looking up and putting five
 * keys drawn from a pool, so keys accumulate many records.  A scan per
 * lookup would take minutes; hash tables take well under a second. */
static void test_scale(void)
{
        struct store *s = store_mem_new(NULL);
        enum { N_ART = 20000, N_KEYS = 5, POOL = 2000, MAX = 20 };
        char keys[N_KEYS][64], art[32], *js[N_KEYS], err[256] = "";
        const char *kp[N_KEYS], *ap[1] = {art};
        struct store_rec recs[N_KEYS];
        struct timespec t0, t1;
        size_t i, j, total = 0, bad_order = 0;
        double secs;
        int fails = 0;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (i = 0; i < N_ART; i++) {
                struct store_query q = {.article_ids = ap,
                                        .n_articles = 1,
                                        .keys = kp,
                                        .n_keys = N_KEYS,
                                        .max_per_key = MAX};

                snprintf(art, sizeof(art), "art%zu", i);
                for (j = 0; j < N_KEYS; j++) {
                        snprintf(keys[j], sizeof(keys[j]), "say|e%zu|e%zu|",
                                 (i * 7 + j * 131) % POOL, j);
                        kp[j] = keys[j];
                }
                if (store_lookup(s, &q, err, sizeof(err)) == -1) {
                        fails++;
                        continue;
                }
                for (j = 0; j < N_KEYS; j++) {
                        size_t n = json_array_size(q.recs[j]), m;

                        total += n;
                        for (m = 1; m < n; m++) {
                                if (itu_rec_ts(json_array_get(q.recs[j], m - 1)) >
                                    itu_rec_ts(json_array_get(q.recs[j], m)))
                                        bad_order++;
                        }
                        js[j] = itu_rec_json(art, (int64_t)i, (int)j);
                        recs[j] = (struct store_rec){.key = kp[j],
                                                     .article_id = art,
                                                     .ts_ms = (int64_t)i,
                                                     .json = js[j]};
                }
                store_query_clear(&q);
                if (store_put(s, recs, N_KEYS, err, sizeof(err)) == -1)
                        fails++;
                for (j = 0; j < N_KEYS; j++)
                        free(js[j]);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("scale: %d articles in %.3f s (%.0f/s), %zu candidates read\n", N_ART,
               secs, N_ART / secs, total);
        CHECK(fails == 0);
        CHECK(bad_order == 0);
        CHECK(total > (size_t)N_ART * N_KEYS * 3); /* keys did accumulate */
        CHECK(secs < 20.0);                        /* generous: ASan on a busy machine */
        store_free(s);
}

int main(void)
{
        test_empty();
        test_order();
        test_idempotent();
        test_idempotent_order();
        test_marks_claims();
        test_scale();
        return check_done("test_store_mem");
}
