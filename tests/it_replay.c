/* it_replay.c - `claimwatch replay --brokers --topic` over the mock
 * cluster (in-process, reached over TCP) and a real redis-server:
 *  - the window picks exactly the articles inside it, in published_at
 *    order, whatever their partitions (the mock answers timestamp lookups
 *    with -1, so this is the scanning path);
 *  - --warm-from fills the store without alerts of its own;
 *  - the production namespace and the production group's committed
 *    offsets are untouched, and the replay namespace is dropped. */
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "article.h"
#include "check.h"
#include "itutil.h"

#define TOPIC "news.articles"

static char boot[256];
static const char *bin, *redis_url;

static const char *const arts[] = {
    /* before the window */
    "{\"id\":\"r-0\",\"source\":\"Desk\",\"published_at\":\"2024-02-20T10:00:00Z\","
    "\"body\":\"The weather in Seoul was cold on Tuesday.\"}",
    /* the claim */
    "{\"id\":\"r-1\",\"source\":\"Example "
    "Wire\",\"published_at\":\"2024-03-04T09:00:00Z\","
    "\"title\":\"Seoul says North Korea shipped artillery shells to Russia\","
    "\"body\":\"South Korea's defence ministry said on Monday that North Korea has "
    "shipped "
    "thousands of containers of artillery shells to Russia since the summer.\"}",
    /* the denial */
    "{\"id\":\"r-2\",\"source\":\"Example "
    "Times\",\"published_at\":\"2024-03-06T14:30:00Z\","
    "\"title\":\"Pyongyang rejects arms report\",\"body\":\"North Korea denied on "
    "Wednesday that it had supplied weapons to Russia.\"}",
    /* the contradiction */
    "{\"id\":\"r-3\",\"source\":\"Example "
    "Post\",\"published_at\":\"2024-03-20T18:00:00Z\","
    "\"title\":\"White House: North Korean munitions reached Russian troops\",\"body\":"
    "\"The White House said on Wednesday that North Korea has delivered more than 1,000 "
    "containers of munitions to Russia.\"}",
    /* after the window: would contradict the denial again */
    "{\"id\":\"r-4\",\"source\":\"Example "
    "Post\",\"published_at\":\"2024-04-20T18:00:00Z\","
    "\"body\":\"The White House said North Korea has shipped more shells to Russia.\"}",
};

/* Partitions chosen so that log order is not news order. */
static const int part_of[] = {1, 2, 0, 0, 2};

static void produce_all(void)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        char err[256];
        rd_kafka_t *p;
        int i;

        rd_kafka_conf_set(conf, "bootstrap.servers", boot, err, sizeof(err));
        p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        /* newest first into the log */
        for (i = 4; i >= 0; i--) {
                struct article_limits lim = {0};
                struct article *art = NULL;

                CHECK(article_parse(arts[i], strlen(arts[i]), 0, &lim, &art, NULL, err,
                                    sizeof(err)) == 0);
                CHECK(rd_kafka_producev(
                          p, RD_KAFKA_V_TOPIC(TOPIC), RD_KAFKA_V_PARTITION(part_of[i]),
                          RD_KAFKA_V_TIMESTAMP(art ? art->published_ms : 0),
                          RD_KAFKA_V_VALUE((void *)arts[i], strlen(arts[i])),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
                article_free(art);
        }
        CHECK(rd_kafka_flush(p, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
        rd_kafka_destroy(p);
}

/* Commits offset 1 of partition 0 for the production group. */
static rd_kafka_t *prod_group_consumer(void)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        char err[256];

        rd_kafka_conf_set(conf, "bootstrap.servers", boot, err, sizeof(err));
        rd_kafka_conf_set(conf, "group.id", "claimwatch", err, sizeof(err));
        return rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
}

static int64_t committed(rd_kafka_t *c)
{
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
        int64_t off;

        rd_kafka_topic_partition_list_add(l, TOPIC, 0);
        if (rd_kafka_committed(c, l, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR)
                off = -99;
        else
                off = l->elems[0].offset;
        rd_kafka_topic_partition_list_destroy(l);
        return off;
}

/* Runs the binary with extra args; stdout (alerts) to out, report JSON to
 * rep. Returns the exit code. */
static int run(const char *const extra[], const char *out, const char *rep)
{
        const char *argv[32];
        int n = 0, i, status;
        pid_t pid;

        argv[n++] = bin;
        argv[n++] = "replay";
        argv[n++] = "--brokers";
        argv[n++] = boot;
        argv[n++] = "--topic";
        argv[n++] = TOPIC;
        argv[n++] = "--redis";
        argv[n++] = redis_url;
        argv[n++] = "--report";
        argv[n++] = "json";
        argv[n++] = "--report-file";
        argv[n++] = rep;
        argv[n++] = "--output";
        argv[n++] = out;
        for (i = 0; extra[i]; i++)
                argv[n++] = extra[i];
        argv[n] = NULL;
        if ((pid = fork()) == 0) {
                execv(bin, (char *const *)argv);
                _exit(127);
        }
        waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* "kind:article>against" of each alert in file, sorted, joined by ' '. */
static void alert_pairs(const char *path, char *buf, size_t size)
{
        char line[65536], items[16][160];
        FILE *fp = fopen(path, "r");
        int n = 0, i, j;

        buf[0] = '\0';
        while (fp && n < 16 && fgets(line, sizeof(line), fp)) {
                json_t *a = json_loads(line, 0, NULL);

                snprintf(items[n++], sizeof(items[0]), "%s:%s>%s",
                         json_string_value(json_object_get(a, "kind")),
                         json_string_value(
                             json_object_get(json_object_get(a, "article"), "id")),
                         json_string_value(json_object_get(
                             json_object_get(json_object_get(a, "against"), "article"),
                             "id")));
                json_decref(a);
        }
        if (fp)
                fclose(fp);
        for (i = 0; i < n; i++)
                for (j = i + 1; j < n; j++)
                        if (strcmp(items[j], items[i]) < 0) {
                                char t[160];

                                memcpy(t, items[i], sizeof(t));
                                memcpy(items[i], items[j], sizeof(t));
                                memcpy(items[j], t, sizeof(t));
                        }
        for (i = 0; i < n; i++)
                snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? " " : "",
                         items[i]);
}

static json_int_t report_int(const char *path, const char *a, const char *b)
{
        json_t *o = json_load_file(path, 0, NULL);
        json_int_t v = json_integer_value(json_object_get(json_object_get(o, a), b));

        json_decref(o);
        return v;
}

static long long count_keys(redisContext *rc, const char *pattern)
{
        redisReply *r = redisCommand(rc, "EVAL %s 0 %s",
                                     "return #redis.call('KEYS', ARGV[1])", pattern);
        long long n = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;

        freeReplyObject(r);
        return n;
}

int main(void)
{
        rd_kafka_topic_partition_list_t *l;
        char out[64], rep[64], pairs[1024];
        struct itu_mock mock;
        redisContext *rc;
        rd_kafka_t *gc;
        redisReply *r;
        int64_t before;

        bin = getenv("CW_BIN");
        redis_url = getenv("CW_TEST_REDIS_URL");
        if (!bin || !redis_url) {
                fprintf(stderr,
                        "CW_BIN and CW_TEST_REDIS_URL must be set (run via ctest)\n");
                return 1;
        }
        snprintf(out, sizeof(out), "it_replay.%ld.out", (long)getpid());
        snprintf(rep, sizeof(rep), "it_replay.%ld.rep", (long)getpid());
        {
                const char *const topics[] = {TOPIC, NULL};

                if (itu_mock_start(&mock, topics, 3) == -1)
                        return 1;
        }
        snprintf(boot, sizeof(boot), "%s", mock.boot);
        produce_all();

        /* production state to leave alone */
        {
                const char *u = redis_url + strlen("redis://");
                char host[64];
                int port = 6379;

                sscanf(u, "%63[^:]:%d", host, &port);
                rc = redisConnect(host, port);
        }
        CHECK(rc && !rc->err);
        freeReplyObject(redisCommand(rc, "FLUSHDB"));
        freeReplyObject(redisCommand(rc, "SET cw:probe production"));
        gc = prod_group_consumer();
        l = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(l, TOPIC, 0)->offset = 1;
        CHECK(rd_kafka_commit(gc, l, 0) == RD_KAFKA_RESP_ERR_NO_ERROR);
        rd_kafka_topic_partition_list_destroy(l);
        before = committed(gc);
        CHECK(before == 1);

        /* the window [2024-03-01, 2024-04-01) */
        {
                const char *extra[] = {"--from", "2024-03-01T00:00:00Z", "--to",
                                       "2024-04-01T00:00:00Z", NULL};

                CHECK(run(extra, out, rep) == 0);
                alert_pairs(out, pairs, sizeof(pairs));
                CHECK_STR(pairs, "contradiction:r-3>r-2 denial:r-2>r-1");
                CHECK(report_int(rep, "articles", "processed") == 3);
                CHECK(report_int(rep, "articles", "outside_window") == 2);
        }
        /* warm-up: the claim fills the store, raises nothing itself */
        {
                const char *extra[] = {"--warm-from", "2024-03-01T00:00:00Z",
                                       "--from",      "2024-03-05T00:00:00Z",
                                       "--to",        "2024-04-01T00:00:00Z",
                                       NULL};

                CHECK(run(extra, out, rep) == 0);
                alert_pairs(out, pairs, sizeof(pairs));
                CHECK_STR(pairs, "contradiction:r-3>r-2 denial:r-2>r-1");
                CHECK(report_int(rep, "articles", "processed") == 2);
                CHECK(report_int(rep, "articles", "warm_up") == 1);
        }
        /* without warm-up the denial has nothing earlier to point at but
         * itself (the claim is outside the window) */
        {
                const char *extra[] = {"--from", "2024-03-05T00:00:00Z", "--to",
                                       "2024-04-01T00:00:00Z", NULL};

                CHECK(run(extra, out, rep) == 0);
                alert_pairs(out, pairs, sizeof(pairs));
                CHECK(strstr(pairs, "denial:r-2>r-1") == NULL);
                CHECK(strstr(pairs, "contradiction:r-3>r-2") != NULL);
        }

        /* production untouched, replay namespaces dropped */
        CHECK(count_keys(rc, "cw:*") == 1);
        r = redisCommand(rc, "GET cw:probe");
        CHECK(r && r->type == REDIS_REPLY_STRING && !strcmp(r->str, "production"));
        freeReplyObject(r);
        CHECK(count_keys(rc, "replay-*") == 0);
        CHECK(committed(gc) == before);

        /* --keep leaves the replay namespace for inspection */
        {
                const char *extra[] = {"--namespace", "kept-replay:", "--keep", NULL};

                CHECK(run(extra, out, rep) == 0);
                CHECK(count_keys(rc, "kept-replay:*") > 0);
                CHECK(report_int(rep, "articles", "processed") == 5);
        }

        redisFree(rc);
        rd_kafka_destroy(gc);
        itu_mock_stop(&mock);
        unlink(out);
        unlink(rep);
        return check_done("it_replay");
}
