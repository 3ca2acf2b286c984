/* it_store_redis.c - the Redis statement cache (store_redis.c) against a
 * real redis-server: ordering, idempotence, markers, claims, TTLs, key
 * layout, namespaces, round trips, AUTH/SELECT, reconnects and clean
 * errors.  Needs CW_TEST_REDIS_URL (CTest's redis fixture sets it). */
#include "store.h"

#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "itutil.h"

static const char *url;
static char host[64];
static int port;
static redisContext *raw; /* our own connection, to look behind the store */
static char ns_a[64], ns_b[64], ns_c[64];

static struct store *open_ns(const char *ns, int64_t ttl_s)
{
        struct store_opts o = {.ns = ns, .ttl_s = ttl_s, .timeout_ms = 2000};
        char err[256] = "";
        struct store *s = store_redis_new(url, &o, err, sizeof(err));

        if (!s)
                fprintf(stderr, "store_redis_new: %s\n", err);
        return s;
}

static redisReply *cmd(const char *fmt, const char *a, const char *b)
{
        redisReply *rep = redisCommand(raw, fmt, a, b);

        if (!rep)
                fprintf(stderr, "raw redis: %s\n", raw->errstr);
        return rep;
}

static long long cmd_int(const char *fmt, const char *a, const char *b)
{
        redisReply *rep = cmd(fmt, a, b);
        long long v = rep && rep->type == REDIS_REPLY_INTEGER ? rep->integer : -99;

        freeReplyObject(rep);
        return v;
}

/* Number of keys under a namespace. */
static long count_ns(const char *ns)
{
        redisReply *rep = redisCommand(raw, "KEYS %s*", ns);
        long n = rep && rep->type == REDIS_REPLY_ARRAY ? (long)rep->elements : -1;

        freeReplyObject(rep);
        return n;
}

static void recs_key(const char *ns, const char *prop, char *out, size_t size)
{
        unsigned char md[SHA_DIGEST_LENGTH];
        char hex[17];
        int i;

        SHA1((const unsigned char *)prop, strlen(prop), md);
        for (i = 0; i < 8; i++)
                snprintf(hex + 2 * i, 3, "%02x", md[i]);
        snprintf(out, size, "%s{p:%s}:recs", ns, hex);
}

static void test_bad_urls(void)
{
        static const char *bad[] = {
            "",
            "http://127.0.0.1:6379",
            "redis://",
            "redis://:hunter2@",
            "redis://127.0.0.1:99999",
            "redis://127.0.0.1:abc",
            "redis://127.0.0.1:6379/x",
            "redis://[::1",
            "redis://u:hunter2%zz@127.0.0.1",
            "unix:relative/path",
        };
        char err[256];
        size_t i;

        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct store *s;

                err[0] = 0;
                s = store_redis_new(bad[i], NULL, err, sizeof(err));
                CHECK(s == NULL);
                CHECK(err[0] != 0);
                CHECK(strstr(err, "hunter2") == NULL);
                store_free(s);
        }
        err[0] = 0;
        CHECK(store_redis_new(NULL, NULL, err, sizeof(err)) == NULL && err[0]);
        CHECK(store_redis_new("", NULL, NULL, 0) == NULL); /* no errstr: no crash */
}

static void test_refused(void)
{
        char u[128], err[256] = "", want[64];
        int p = itu_free_port();
        struct store *s;

        snprintf(u, sizeof(u), "redis://:hunter2@127.0.0.1:%d/0", p);
        snprintf(want, sizeof(want), "127.0.0.1:%d", p);
        s = store_redis_new(u, NULL, err, sizeof(err));
        CHECK(s == NULL);
        printf("refused: %s\n", err);
        CHECK(strstr(err, want) != NULL);
        CHECK(strstr(err, "connect") != NULL);
        CHECK(strstr(err, "hunter2") == NULL);
        store_free(s);

        err[0] = 0;
        s = store_redis_new("unix:/nonexistent/claimwatch.sock", NULL, err, sizeof(err));
        CHECK(s == NULL);
        CHECK(strstr(err, "/nonexistent/claimwatch.sock") != NULL);
        store_free(s);
}

/* A server that accepts but never answers: the handshake times out. */
static void test_silent_server(void)
{
        struct sockaddr_in sa = {.sin_family = AF_INET};
        socklen_t len = sizeof(sa);
        struct store_opts o = {.timeout_ms = 300};
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        char u[128], err[256] = "";
        struct store *s;

        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
        CHECK(listen(fd, 4) == 0);
        getsockname(fd, (struct sockaddr *)&sa, &len);
        snprintf(u, sizeof(u), "redis://127.0.0.1:%d", ntohs(sa.sin_port));
        s = store_redis_new(u, &o, err, sizeof(err));
        CHECK(s == NULL);
        printf("silent: %s\n", err);
        CHECK(strstr(err, "handshake") != NULL);
        store_free(s);
        close(fd);
}

static void test_records(void)
{
        struct store *s = open_ns(ns_a, 1000);
        const char *k = "say|alice|bob|tax", *arts[2] = {"a1", "zz"};
        const char *keys[2] = {k, "say|nobody||"};
        struct store_query q = {
            .article_ids = arts, .n_articles = 2, .keys = keys, .n_keys = 2};
        char err[256] = "", rk[128];
        json_t *a;

        CHECK(s != NULL);
        if (!s)
                return;
        CHECK(strcmp(s->ops->name, "redis") == 0);
        CHECK(store_ping(s, err, sizeof(err)) == 0);
        /* empty */
        CHECK(store_lookup(s, &q, err, sizeof(err)) == 0);
        CHECK(q.done[0] == 0 && q.done[1] == 0);
        CHECK(json_array_size(q.recs[0]) == 0 && json_array_size(q.recs[1]) == 0);
        store_query_clear(&q);

        /* out of order puts come back oldest first */
        CHECK(itu_put_one(s, k, "a3", 300, 0) == 0);
        CHECK(itu_put_one(s, k, "a1", 100, 0) == 0);
        CHECK(itu_put_one(s, k, "a2", 200, 0) == 0);
        CHECK(itu_put_one(s, k, "a0", 50, 0) == 0);
        a = itu_lookup_key(s, k, 0);
        CHECK(a && json_array_size(a) == 4);
        if (a && json_array_size(a) == 4) {
                CHECK_STR(itu_rec_article(json_array_get(a, 0)), "a0");
                CHECK_STR(itu_rec_article(json_array_get(a, 1)), "a1");
                CHECK_STR(itu_rec_article(json_array_get(a, 2)), "a2");
                CHECK_STR(itu_rec_article(json_array_get(a, 3)), "a3");
        }
        json_decref(a);
        /* a cap: the oldest half and the newest half, oldest first */
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
                CHECK_STR(itu_rec_article(json_array_get(a, 1)), "a2");
                CHECK_STR(itu_rec_article(json_array_get(a, 2)), "a3");
        }
        json_decref(a);

        /* one batch, several records per key, a duplicate inside it */
        {
                char *j1 = itu_rec_json("m1", 500, 0), *j2 = itu_rec_json("m1", 500, 1);
                struct store_rec batch[4] = {
                    {.key = "deny|m||", .article_id = "m1", .ts_ms = 500, .json = j1},
                    {.key = "deny|n||", .article_id = "m1", .ts_ms = 500, .json = j2},
                    {.key = "deny|m||", .article_id = "m1", .ts_ms = 500, .json = j2},
                    {.key = "deny|m||", .article_id = "m1", .ts_ms = 500, .json = j1},
                };

                CHECK(store_put(s, batch, 4, err, sizeof(err)) == 0);
                a = itu_lookup_key(s, "deny|m||", 0);
                CHECK(a && json_array_size(a) == 2);
                json_decref(a);
                a = itu_lookup_key(s, "deny|n||", 0);
                CHECK(a && json_array_size(a) == 1);
                json_decref(a);
                free(j1);
                free(j2);
        }

        /* re-put is idempotent */
        CHECK(itu_put_one(s, k, "a1", 100, 0) == 0);
        recs_key(ns_a, k, rk, sizeof(rk));
        CHECK(cmd_int("ZCARD %s", rk, NULL) == 4);

        /* a member that is not JSON is skipped */
        freeReplyObject(cmd("ZADD %s 150 %s", rk, "{broken"));
        a = itu_lookup_key(s, k, 0);
        CHECK(a && json_array_size(a) == 4);
        json_decref(a);

        /* records older than the TTL (1000 s) before a newer put are pruned */
        CHECK(itu_put_one(s, k, "old", 400 - 1000 * 1000 - 1, 0) == 0);
        CHECK(cmd_int("ZCARD %s", rk, NULL) == 6); /* 4 + broken + old */
        CHECK(itu_put_one(s, k, "a4", 400, 0) == 0);
        CHECK(cmd_int("ZCARD %s", rk, NULL) == 6); /* 4 + broken + a4 */
        a = itu_lookup_key(s, k, 1);
        CHECK(a && json_array_size(a) == 1);
        CHECK_STR(itu_rec_article(json_array_get(a, 0)), "a4");
        json_decref(a);
        store_free(s);
}

static void test_markers(void)
{
        struct store *s = open_ns(ns_a, 1000);
        const char *done[2] = {"a1", "a3"}, *alerts[1] = {"al1"};
        const char *arts[3] = {"a1", "a2", "a3"};
        struct store_query q = {.article_ids = arts, .n_articles = 3};
        char err[256] = "";

        if (!s)
                return;
        CHECK(store_mark(s, done, 2, alerts, 1, err, sizeof(err)) == 0);
        CHECK(store_mark(s, done, 2, alerts, 1, err, sizeof(err)) == 0);
        CHECK(store_lookup(s, &q, err, sizeof(err)) == 0);
        CHECK(q.done[0] == 1 && q.done[1] == 0 && q.done[2] == 1);
        store_query_clear(&q);

        CHECK(store_claim(s, "kafka", "al1", err, sizeof(err)) == 1);
        CHECK(store_claim(s, "kafka", "al1", err, sizeof(err)) == 0);
        CHECK(store_claim(s, "slack:desk", "al1", err, sizeof(err)) == 1);
        CHECK(store_claim(s, "slack:desk", "al1", err, sizeof(err)) == 0);
        store_free(s);
}

/* Key layout and a TTL on every key of the namespace. */
static void test_keys_ttl(void)
{
        redisReply *rep = redisCommand(raw, "KEYS %s*", ns_a);
        char want[128];
        size_t i, with_ttl = 0;

        CHECK(rep && rep->type == REDIS_REPLY_ARRAY && rep->elements == 12);
        for (i = 0; rep && i < rep->elements; i++) {
                long long ttl = cmd_int("TTL %s", rep->element[i]->str, NULL);

                if (ttl > 900 && ttl <= 1000)
                        with_ttl++;
                else
                        fprintf(stderr, "key %s ttl %lld\n", rep->element[i]->str, ttl);
        }
        CHECK(rep && with_ttl == rep->elements);
        freeReplyObject(rep);

        recs_key(ns_a, "say|alice|bob|tax", want, sizeof(want));
        CHECK(cmd_int("EXISTS %s", want, NULL) == 1);
        snprintf(want, sizeof(want), "%sent:{alice}", ns_a);
        rep = cmd("ZRANGE %s 0 -1", want, NULL);
        CHECK(rep && rep->elements == 1 &&
              strcmp(rep->element[0]->str, "say|alice|bob|tax") == 0);
        freeReplyObject(rep);
        snprintf(want, sizeof(want), "%sent:{bob}", ns_a);
        CHECK(cmd_int("ZCARD %s", want, NULL) == 1);
        snprintf(want, sizeof(want), "%sdone:{a1}", ns_a);
        CHECK(cmd_int("EXISTS %s", want, NULL) == 1);
        snprintf(want, sizeof(want), "%salert:{al1}", ns_a);
        CHECK(cmd_int("EXISTS %s", want, NULL) == 1);
        snprintf(want, sizeof(want), "%sclaim:kafka:{al1}", ns_a);
        CHECK(cmd_int("EXISTS %s", want, NULL) == 1);
        snprintf(want, sizeof(want), "%sclaim:slack:desk:{al1}", ns_a);
        CHECK(cmd_int("EXISTS %s", want, NULL) == 1);
}

static void test_default_ttl(void)
{
        struct store *s = open_ns(ns_c, 0);
        char want[128];
        long long ttl;

        if (!s)
                return;
        CHECK(itu_put_one(s, "say|x||", "d1", 1, 0) == 0);
        recs_key(ns_c, "say|x||", want, sizeof(want));
        ttl = cmd_int("TTL %s", want, NULL);
        CHECK(ttl > 180LL * 86400 - 60 && ttl <= 180LL * 86400);
        snprintf(want, sizeof(want), "%sent:{x}", ns_c);
        CHECK(cmd_int("TTL %s", want, NULL) > 180LL * 86400 - 60);
        CHECK(store_redis_drop_namespace(s, want, sizeof(want)) == 0);
        store_free(s);
}

static void test_isolation(void)
{
        struct store *s = open_ns(ns_b, 1000);
        const char *arts[1] = {"a1"}, *keys[1] = {"say|alice|bob|tax"};
        struct store_query q = {
            .article_ids = arts, .n_articles = 1, .keys = keys, .n_keys = 1};
        char err[256] = "";

        if (!s)
                return;
        CHECK(store_lookup(s, &q, err, sizeof(err)) == 0);
        CHECK(q.done[0] == 0);
        CHECK(json_array_size(q.recs[0]) == 0);
        store_query_clear(&q);
        CHECK(store_claim(s, "kafka", "al1", err, sizeof(err)) == 1);
        CHECK(itu_put_one(s, "say|alice|bob|tax", "b1", 5, 0) == 0);
        store_free(s);
}

/* A batch of 100 articles with 300 records: lookup + put + mark is three
 * round trips, whatever the batch size. */
static void test_round_trips(void)
{
        enum { N_ART = 100, PER = 3, N_REC = N_ART * PER };
        struct store *s = open_ns(ns_a, 1000);
        static char ids[N_ART][16], keys[N_REC][48], alert_ids[N_ART][16];
        const char *ip[N_ART], *kp[N_REC], *ap[N_ART];
        char *js[N_REC], err[256] = "";
        struct store_rec recs[N_REC];
        struct store_query q = {.article_ids = ip,
                                .n_articles = N_ART,
                                .keys = kp,
                                .n_keys = N_REC,
                                .max_per_key = 10};
        unsigned long before;
        size_t i, found = 0;

        if (!s)
                return;
        for (i = 0; i < N_ART; i++) {
                snprintf(ids[i], sizeof(ids[i]), "rt%zu", i);
                snprintf(alert_ids[i], sizeof(alert_ids[i]), "al%zu", i);
                ip[i] = ids[i];
                ap[i] = alert_ids[i];
        }
        for (i = 0; i < N_REC; i++) {
                snprintf(keys[i], sizeof(keys[i]), "say|p%zu|q%zu|", i / PER, i);
                kp[i] = keys[i];
                js[i] = itu_rec_json(ids[i / PER], (int64_t)i, (int)(i % PER));
                recs[i] = (struct store_rec){.key = kp[i],
                                             .article_id = ip[i / PER],
                                             .ts_ms = (int64_t)i,
                                             .json = js[i]};
        }
        before = store_redis_round_trips(s);
        CHECK(store_lookup(s, &q, err, sizeof(err)) == 0);
        store_query_clear(&q);
        CHECK(store_put(s, recs, N_REC, err, sizeof(err)) == 0);
        CHECK(store_mark(s, ip, N_ART, ap, N_ART / 2, err, sizeof(err)) == 0);
        printf("round trips: %lu\n", store_redis_round_trips(s) - before);
        CHECK(store_redis_round_trips(s) - before == 3);

        CHECK(store_lookup(s, &q, err, sizeof(err)) == 0);
        for (i = 0; i < N_ART; i++)
                found += (size_t)q.done[i];
        CHECK(found == N_ART);
        for (i = 0, found = 0; i < N_REC; i++)
                found += json_array_size(q.recs[i]) == 1;
        CHECK(found == N_REC);
        store_query_clear(&q);
        CHECK(store_redis_round_trips(s) - before == 4);
        CHECK(store_redis_round_trips(NULL) == 0);
        for (i = 0; i < N_REC; i++)
                free(js[i]);
        store_free(s);
}

static void test_drop(void)
{
        struct store *a = open_ns(ns_a, 1000), *m = store_mem_new(NULL);
        char err[256] = "";

        if (!a)
                return;
        CHECK(count_ns(ns_a) > 100);
        CHECK(count_ns(ns_b) > 0);
        CHECK(store_redis_drop_namespace(a, err, sizeof(err)) == 0);
        CHECK(count_ns(ns_a) == 0);
        CHECK(count_ns(ns_b) > 0); /* untouched */
        CHECK(store_redis_drop_namespace(m, err, sizeof(err)) == -1 && err[0]);
        store_free(a);
        store_free(m);
        a = open_ns(ns_b, 1000);
        CHECK(a && store_redis_drop_namespace(a, err, sizeof(err)) == 0);
        CHECK(count_ns(ns_b) == 0);
        store_free(a);
}

/* The store's connection is killed from our raw connection: the next
 * calls reconnect and work. */
static void test_reconnect(void)
{
        struct store *s = open_ns(ns_c, 1000);
        char err[256] = "";
        json_t *a;

        if (!s)
                return;
        CHECK(itu_put_one(s, "say|r||", "r1", 1, 0) == 0);
        CHECK(cmd_int("CLIENT KILL TYPE normal", NULL, NULL) >= 1);
        CHECK(store_ping(s, err, sizeof(err)) == 0);
        CHECK(cmd_int("CLIENT KILL TYPE normal", NULL, NULL) >= 1);
        a = itu_lookup_key(s, "say|r||", 0);
        CHECK(a && json_array_size(a) == 1);
        json_decref(a);
        CHECK(cmd_int("CLIENT KILL TYPE normal", NULL, NULL) >= 1);
        CHECK(itu_put_one(s, "say|r||", "r2", 2, 0) == 0);
        CHECK(cmd_int("CLIENT KILL TYPE normal", NULL, NULL) >= 1);
        CHECK(store_claim(s, "kafka", "x", err, sizeof(err)) == 1);
        a = itu_lookup_key(s, "say|r||", 0);
        CHECK(a && json_array_size(a) == 2);
        json_decref(a);
        CHECK(store_redis_drop_namespace(s, err, sizeof(err)) == 0);
        store_free(s);
}

/* A server that stops answering: the call fails with a clean timeout, and
 * once the server answers again the next call reconnects. */
static void test_timeout(void)
{
        struct store_opts o = {.ns = ns_c, .ttl_s = 1000, .timeout_ms = 300};
        char err[256] = "";
        struct store *s = store_redis_new(url, &o, err, sizeof(err));
        redisReply *rep;

        CHECK(s != NULL);
        if (!s)
                return;
        rep = cmd("CLIENT PAUSE 1500 ALL", NULL, NULL);
        CHECK(rep && rep->type == REDIS_REPLY_STATUS);
        freeReplyObject(rep);
        CHECK(store_ping(s, err, sizeof(err)) == -1);
        printf("paused: %s\n", err);
        CHECK(strstr(err, "timed out") != NULL);
        usleep(1500 * 1000);
        CHECK(store_ping(s, err, sizeof(err)) == 0);
        CHECK(itu_put_one(s, "say|t||", "t1", 1, 0) == 0);
        CHECK(store_redis_drop_namespace(s, err, sizeof(err)) == 0);
        store_free(s);
}

/* AUTH user password (ACL), a wrong password, AUTH password and SELECT. */
static void test_auth_select(void)
{
        char user[64], u[256], err[256] = "", want[128];
        struct store_opts o = {.ns = ns_c, .ttl_s = 1000};
        struct store *s;
        redisReply *rep;

        snprintf(user, sizeof(user), "cwtest%d", (int)getpid());
        rep = redisCommand(raw, "ACL SETUSER %s on %s ~* &* +@all", user, ">s3cr@t");
        CHECK(rep && rep->type == REDIS_REPLY_STATUS);
        freeReplyObject(rep);

        /* the password "s3cr@t", percent-encoded; database 3 */
        snprintf(u, sizeof(u), "redis://%s:s3cr%%40t@%s:%d/3", user, host, port);
        s = store_redis_new(u, &o, err, sizeof(err));
        if (!s)
                fprintf(stderr, "acl: %s\n", err);
        CHECK(s != NULL);
        CHECK(s && itu_put_one(s, "say|db||", "x1", 1, 0) == 0);
        recs_key(ns_c, "say|db||", want, sizeof(want));
        CHECK(cmd_int("EXISTS %s", want, NULL) == 0); /* not in db 0 */
        freeReplyObject(cmd("SELECT 3", NULL, NULL));
        CHECK(cmd_int("EXISTS %s", want, NULL) == 1);
        freeReplyObject(cmd("SELECT 0", NULL, NULL));
        CHECK(s && store_redis_drop_namespace(s, err, sizeof(err)) == 0);
        store_free(s);

        snprintf(u, sizeof(u), "redis://%s:wrongpass@%s:%d", user, host, port);
        err[0] = 0;
        s = store_redis_new(u, &o, err, sizeof(err));
        CHECK(s == NULL);
        printf("wrong password: %s\n", err);
        CHECK(strstr(err, "AUTH") != NULL);
        CHECK(strstr(err, "wrongpass") == NULL);
        store_free(s);

        /* AUTH with the password alone: the default user has none here */
        snprintf(u, sizeof(u), "redis://:wrongpass@%s:%d", host, port);
        err[0] = 0;
        s = store_redis_new(u, &o, err, sizeof(err));
        CHECK(s == NULL);
        CHECK(strstr(err, "AUTH") != NULL);
        CHECK(strstr(err, "wrongpass") == NULL);
        store_free(s);

        freeReplyObject(cmd("ACL DELUSER %s", user, NULL));
}

/* Calls of a command so far, from INFO commandstats (-1 when unknown). */
static long long cmd_calls(const char *name)
{
        redisReply *rep = redisCommand(raw, "INFO commandstats");
        char needle[64];
        const char *p;
        long long n = 0;

        if (!rep || rep->type != REDIS_REPLY_STRING) {
                freeReplyObject(rep);
                return -1;
        }
        snprintf(needle, sizeof(needle), "cmdstat_%s:calls=", name);
        if ((p = strstr(rep->str, needle)))
                n = atoll(p + strlen(needle));
        freeReplyObject(rep);
        return n;
}

/* redis_cluster mode: the same writes and lookups, as a plain pipeline
 * with no MULTI/EXEC, which a cluster-aware proxy can route by slot. */
static void test_no_multi(void)
{
        struct store_opts o = {
            .ns = ns_c, .ttl_s = 1000, .timeout_ms = 2000, .no_multi = 1};
        const char *arts[2] = {"nm1", "nm2"}, *alerts[1] = {"al-nm"};
        const char *keys[1] = {"transfer|XX|YY|weapons"};
        struct store_query q = {
            .article_ids = arts, .n_articles = 2, .keys = keys, .n_keys = 1};
        char err[256] = "";
        struct store *s = store_redis_new(url, &o, err, sizeof(err));
        long long multi0 = cmd_calls("multi"), exec0 = cmd_calls("exec");

        CHECK(s != NULL);
        if (!s)
                return;
        CHECK(itu_put_one(s, keys[0], "nm1", 100, 0) == 0);
        CHECK(itu_put_one(s, keys[0], "nm2", 200, 1) == 0);
        CHECK(store_mark(s, arts, 1, alerts, 1, err, sizeof(err)) == 0);
        CHECK(store_lookup(s, &q, err, sizeof(err)) == 0);
        CHECK(q.done && q.done[0] == 1 && q.done[1] == 0);
        CHECK(q.recs && json_array_size(q.recs[0]) == 2);
        store_query_clear(&q);
        CHECK(cmd_calls("multi") == multi0);
        CHECK(cmd_calls("exec") == exec0);
        /* an error inside the pipeline is still reported, naming the command */
        {
                char rk[256];

                recs_key(ns_c, keys[0], rk, sizeof(rk));
                freeReplyObject(cmd("DEL %s", rk, NULL));
                freeReplyObject(cmd("SET %s %s", rk, "not-a-zset"));
                CHECK(itu_put_one(s, keys[0], "nm3", 300, 0) == -1);
                freeReplyObject(cmd("DEL %s", rk, NULL));
        }
        store_free(s);
}

int main(void)
{
        url = getenv("CW_TEST_REDIS_URL");
        if (!url || !*url) {
                fprintf(stderr, "it_store_redis: CW_TEST_REDIS_URL is not set "
                                "(run through ctest, which starts redis-server)\n");
                return 1;
        }
        if (sscanf(url, "redis://%63[^:]:%d", host, &port) != 2) {
                fprintf(stderr, "it_store_redis: cannot read host:port of %s\n", url);
                return 1;
        }
        raw = redisConnect(host, port);
        if (!raw || raw->err) {
                fprintf(stderr, "it_store_redis: %s\n", raw ? raw->errstr : "no memory");
                return 1;
        }
        snprintf(ns_a, sizeof(ns_a), "cwtest%d:a:", (int)getpid());
        snprintf(ns_b, sizeof(ns_b), "cwtest%d:b:", (int)getpid());
        snprintf(ns_c, sizeof(ns_c), "cwtest%d:c:", (int)getpid());

        test_bad_urls();
        test_refused();
        test_silent_server();
        test_records();
        test_markers();
        test_keys_ttl();
        test_default_ttl();
        test_isolation();
        test_round_trips();
        test_no_multi();
        test_drop();
        test_auth_select();
        test_reconnect(); /* CLIENT KILL skips the killing connection */
        test_timeout();
        redisFree(raw);
        return check_done("it_store_redis");
}
