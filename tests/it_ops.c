/* it_ops.c - the worker as platform engineers run it, over real
 * protocols: the mock cluster (in-process, over TCP), a private
 * redis-server this test starts and stops, and the admin endpoint read
 * with libcurl over loopback.
 *  - /metrics during a run: counters match what was processed;
 *  - /readyz goes unready when Redis stops, ready again when it returns;
 *  - SIGTERM in the middle of a backlog exits 0 with offsets committed,
 *    and every message below the committed offset was fully processed. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "itutil.h"

#define TOPIC   "news.articles"
#define ALERTS  "news.factcheck.alerts"
#define BACKLOG 3000

static char boot[256], redis_url[64], admin[64], logpath[64];
static int redis_port;
static const char *bin;
static pid_t redis_pid;

static void redis_start(void)
{
        char port[16];
        int i;

        snprintf(port, sizeof(port), "%d", redis_port);
        if ((redis_pid = fork()) == 0) {
                if (!freopen("/dev/null", "w", stdout))
                        _exit(127);
                execlp("redis-server", "redis-server", "--bind", "127.0.0.1", "--port",
                       port, "--save", "", "--appendonly", "no", (char *)NULL);
                _exit(127);
        }
        for (i = 0; i < 50; i++) {
                redisContext *c = redisConnect("127.0.0.1", redis_port);
                int up = c && !c->err;

                redisFree(c);
                if (up)
                        return;
                usleep(100000);
        }
}

static void redis_stop(void)
{
        kill(redis_pid, SIGTERM);
        waitpid(redis_pid, NULL, 0);
}

struct buf {
        char data[1 << 17];
        size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
        struct buf *b = ud;
        size_t take = size * n;

        if (take > sizeof(b->data) - 1 - b->len)
                take = sizeof(b->data) - 1 - b->len;
        memcpy(b->data + b->len, p, take);
        b->len += take;
        b->data[b->len] = '\0';
        return size * n;
}

/* GETs http://admin/path; returns the status (0 when unreachable). */
static long http_get(const char *path, struct buf *b)
{
        CURL *c = curl_easy_init();
        char url[128];
        long code = 0;

        b->len = 0;
        b->data[0] = '\0';
        snprintf(url, sizeof(url), "http://%s%s", admin, path);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
        if (curl_easy_perform(c) == CURLE_OK)
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_cleanup(c);
        return code;
}

/* Polls path until it answers want (or 30 s). */
static long wait_status(const char *path, long want)
{
        struct buf *b = malloc(sizeof(*b));
        long code = 0;
        int i;

        for (i = 0; i < 150 && (code = http_get(path, b)) != want; i++)
                usleep(200000);
        free(b);
        return code;
}

/* The value of one series in Prometheus text, or -1. */
static double metric(const char *text, const char *series)
{
        size_t n = strlen(series);
        const char *p = text;

        while ((p = strstr(p, series))) {
                if ((p == text || p[-1] == '\n') && p[n] == ' ')
                        return atof(p + n + 1);
                p += n;
        }
        return -1;
}

static void produce(rd_kafka_t *p, const char *buf)
{
        CHECK(rd_kafka_producev(p, RD_KAFKA_V_TOPIC(TOPIC), RD_KAFKA_V_PARTITION(0),
                                RD_KAFKA_V_VALUE((void *)buf, strlen(buf)),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
}

static pid_t start_worker(void)
{
        pid_t pid = fork();

        if (pid == 0) {
                if (!freopen(logpath, "a", stderr))
                        _exit(127);
                execl(bin, bin, "run", "--brokers", boot, "--redis-url", redis_url,
                      "--group", "it-ops", "--admin", admin, "--batch-size", "20",
                      "--batch-timeout-ms", "100", "--log-format", "text",
                      "--redis-timeout-ms", "500", "--kafka.session.timeout.ms", "6000",
                      "--kafka.heartbeat.interval.ms", "500", (char *)NULL);
                _exit(127);
        }
        return pid;
}

static void test_metrics_and_ready(rd_kafka_t *p)
{
        static const char *thread[] = {
            "{\"id\":\"o-1\",\"source\":\"Wire\",\"published_at\":\"2024-03-04T09:00:"
            "00Z\","
            "\"body\":\"South Korea's defence ministry said that North Korea has shipped "
            "artillery shells to Russia.\"}",
            "{\"id\":\"o-2\",\"source\":\"Times\",\"published_at\":\"2024-03-06T09:00:"
            "00Z\","
            "\"body\":\"North Korea denied that it had supplied weapons to Russia.\"}",
            "not json",
            "{\"id\":\"o-x\"}",
        };
        struct buf *b = malloc(sizeof(*b));
        pid_t pid;
        size_t i;
        int tries;

        for (i = 0; i < 4; i++)
                produce(p, thread[i]);
        rd_kafka_flush(p, 10000);
        pid = start_worker();
        CHECK(wait_status("/readyz", 200) == 200);
        CHECK(http_get("/healthz", b) == 200);
        /* wait until all four are counted */
        for (tries = 0; tries < 100; tries++) {
                http_get("/metrics", b);
                /* the batch histogram is observed just after the counters */
                if (metric(b->data, "claimwatch_articles_total{result=\"ok\"}") +
                            metric(b->data,
                                   "claimwatch_articles_total{result=\"rejected\"}") >=
                        4 &&
                    metric(b->data, "claimwatch_batch_seconds_count") >= 1)
                        break;
                usleep(200000);
        }
        CHECK(http_get("/metrics", b) == 200);
        CHECK(metric(b->data, "claimwatch_articles_total{result=\"ok\"}") == 2);
        CHECK(metric(b->data, "claimwatch_articles_total{result=\"rejected\"}") == 2);
        CHECK(metric(b->data, "claimwatch_dlq_messages_total{topic=\"news.articles\"}") ==
              2);
        CHECK(
            metric(b->data, "claimwatch_alerts_total{kind=\"denial\",level=\"alert\"}") +
                metric(b->data,
                       "claimwatch_alerts_total{kind=\"denial\",level=\"review\"}") ==
            1);
        CHECK(metric(b->data, "claimwatch_statements_total") >= 2);
        CHECK(metric(b->data, "claimwatch_batch_seconds_count") >= 1);
        CHECK(metric(b->data,
                     "claimwatch_sink_deliveries_total{sink=\"kafka\",result=\"ok\"}") ==
              1);
        CHECK(strstr(b->data, "# TYPE claimwatch_batch_seconds histogram") != NULL);

        /* Redis goes away: unready; comes back: ready */
        redis_stop();
        CHECK(wait_status("/readyz", 503) == 503);
        CHECK(http_get("/healthz", b) == 200); /* alive, just not ready */
        redis_start();
        CHECK(wait_status("/readyz", 200) == 200);
        CHECK(itu_stop(pid, SIGTERM) == 0);
        free(b);
}

/* Committed offset of partition 0 for the worker's group. */
static int64_t committed(void)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
        char err[256];
        rd_kafka_t *c;
        int64_t off = -99;

        rd_kafka_conf_set(conf, "bootstrap.servers", boot, err, sizeof(err));
        rd_kafka_conf_set(conf, "group.id", "it-ops", err, sizeof(err));
        c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
        rd_kafka_topic_partition_list_add(l, TOPIC, 0);
        if (rd_kafka_committed(c, l, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR)
                off = l->elems[0].offset;
        rd_kafka_topic_partition_list_destroy(l);
        rd_kafka_destroy(c);
        return off;
}

static void test_sigterm_commits(rd_kafka_t *p)
{
        redisContext *rc = redisConnect("127.0.0.1", redis_port);
        struct buf *b = malloc(sizeof(*b));
        char art[512];
        int64_t c0, c1, k;
        int i, missing = 0;
        pid_t pid;

        c0 = committed(); /* 4: the messages of the first test */
        for (i = 0; i < BACKLOG; i++) {
                snprintf(art, sizeof(art),
                         "{\"id\":\"b-%d\",\"source\":\"Wire\",\"published_at\":"
                         "\"2024-05-01T00:00:00Z\",\"body\":\"Officials in Kyiv said on "
                         "Monday that talks number %d with Warsaw went well.\"}",
                         i, i);
                produce(p, art);
        }
        rd_kafka_flush(p, 10000);
        pid = start_worker();
        /* SIGTERM as soon as the first batch of the backlog is counted */
        for (i = 0; i < 3000; i++) {
                if (http_get("/metrics", b) == 200 &&
                    metric(b->data, "claimwatch_articles_total{result=\"ok\"}") > 0)
                        break;
                usleep(10000);
        }
        CHECK(itu_stop(pid, SIGTERM) == 0);
        c1 = committed();
        CHECK(c1 > c0);
        /* every article below the committed offset is fully processed */
        for (k = c0; k < c1; k++) {
                redisReply *r =
                    redisCommand(rc, "EXISTS cw:done:{b-%lld}", (long long)(k - c0));

                missing += !(r && r->type == REDIS_REPLY_INTEGER && r->integer == 1);
                freeReplyObject(r);
        }
        CHECK(missing == 0);
        fprintf(stderr, "it_ops: SIGTERM after %lld of %d backlog messages committed\n",
                (long long)(c1 - c0), BACKLOG);
        redisFree(rc);
        free(b);
}

int main(void)
{
        rd_kafka_conf_t *conf;
        struct itu_mock mock;
        rd_kafka_t *p;
        char err[256];

        if (!(bin = getenv("CW_BIN"))) {
                fprintf(stderr, "CW_BIN must be set (run via ctest)\n");
                return 1;
        }
        curl_global_init(CURL_GLOBAL_DEFAULT);
        redis_port = itu_free_port();
        snprintf(redis_url, sizeof(redis_url), "redis://127.0.0.1:%d/0", redis_port);
        snprintf(admin, sizeof(admin), "127.0.0.1:%d", itu_free_port());
        snprintf(logpath, sizeof(logpath), "it_ops.%ld.log", (long)getpid());
        redis_start();
        {
                const char *const topics[] = {TOPIC, ALERTS, NULL};

                if (itu_mock_start(&mock, topics, 1) == -1)
                        return 1;
        }
        snprintf(boot, sizeof(boot), "%s", mock.boot);
        conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "bootstrap.servers", boot, err, sizeof(err));
        p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));

        test_metrics_and_ready(p);
        test_sigterm_commits(p);

        rd_kafka_destroy(p);
        itu_mock_stop(&mock);
        redis_stop();
        curl_global_cleanup();
        if (check_fail) {
                char cmd[128];

                snprintf(cmd, sizeof(cmd), "tail -n 40 %s >&2", logpath);
                if (system(cmd) != 0)
                        fprintf(stderr, "(no worker log)\n");
        }
        unlink(logpath);
        return check_done("it_ops");
}
