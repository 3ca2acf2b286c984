/* it_worker.c - `claimwatch run` end to end over real protocols: a real
 * redis-server (the CTest fixture) and librdkafka's mock cluster, which
 * this test runs in-process and the worker reaches over TCP.
 *
 *  1. a 3-article thread (claim -> denial -> contradiction) yields exactly
 *     a denial and a contradiction on the alerts topic, against the right
 *     articles;
 *  2. a restart on the same group reprocesses nothing and adds no alert;
 *  3. five bad messages between good ones land in the dead-letter topic
 *     with reasons while the good ones still alert. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "itutil.h"

#define ARTICLES "news.articles"
#define ALERTS   "news.factcheck.alerts"
#define DLQ      "news.articles.dlq"

static char boot[256], ns[64], logpath[256];
static const char *bin, *redis_url;

struct msgs {
        json_t *v[64];
        char *hdr_error[64];
        char *key[64];
        char *raw[64];
        size_t n;
};

static void msgs_clear(struct msgs *m)
{
        size_t i;

        for (i = 0; i < m->n; i++) {
                json_decref(m->v[i]);
                free(m->hdr_error[i]);
                free(m->key[i]);
                free(m->raw[i]);
        }
        memset(m, 0, sizeof(*m));
}

static void produce(rd_kafka_t *p, const char *topic, const char *buf, size_t len)
{
        rd_kafka_resp_err_t err =
            rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0),
                              RD_KAFKA_V_VALUE((void *)buf, len),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);

        CHECK(err == RD_KAFKA_RESP_ERR_NO_ERROR);
        CHECK(rd_kafka_flush(p, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
}

/* Produces every non-empty line of a file from the source tree. */
static int produce_file(rd_kafka_t *p, const char *rel)
{
        char path[512], line[8192];
        FILE *fp;
        int n = 0;

        snprintf(path, sizeof(path), "%s/%s", getenv("CW_SOURCE_DIR"), rel);
        fp = fopen(path, "r");
        CHECK(fp != NULL);
        while (fp && fgets(line, sizeof(line), fp)) {
                size_t len = strcspn(line, "\n");

                if (len == 0)
                        continue;
                produce(p, ARTICLES, line, len);
                n++;
        }
        if (fp)
                fclose(fp);
        return n;
}

/* Keeps one message of a topic read. */
static void on_msg(const rd_kafka_message_t *m, void *ud)
{
        struct msgs *out = ud;

        if (out->n >= 64)
                return;
        out->v[out->n] = json_loadb(m->payload, m->len, 0, NULL);
        if (!out->v[out->n])
                out->v[out->n] = json_stringn(m->payload, m->len);
        out->hdr_error[out->n] = itu_header(m, "error");
        if (m->key)
                out->key[out->n] = strndup(m->key, m->key_len);
        out->raw[out->n] = strndup(m->payload ? m->payload : "", m->len);
        out->n++;
}

/* Reads a whole topic (partition 0) from the beginning. */
static void read_topic(const char *topic, struct msgs *out)
{
        msgs_clear(out);
        itu_read_topic(boot, topic, on_msg, out);
}

static pid_t start_worker(void)
{
        pid_t pid = fork();

        if (pid == 0) {
                FILE *lf = freopen(logpath, "a", stderr);

                (void)lf;
                /* The mock cluster lets a new member in only when the old
                 * one's session ends, even after a clean LeaveGroup: keep
                 * sessions short so restarts join quickly. */
                execl(bin, bin, "run", "--brokers", boot, "--redis-url", redis_url,
                      "--namespace", ns, "--group", "it-worker", "--batch-timeout-ms",
                      "100", "--log-format", "text", "--kafka.session.timeout.ms", "6000",
                      "--kafka.heartbeat.interval.ms", "500", (char *)NULL);
                _exit(127);
        }
        return pid;
}

/* Waits until topic holds at least want messages, the worker pid has
 * exited, or 60 s have passed. */
static void wait_for(const char *topic, size_t want, struct msgs *out, pid_t pid)
{
        int i;

        for (i = 0; i < 60; i++) {
                siginfo_t si;

                memset(&si, 0, sizeof(si));
                read_topic(topic, out);
                /* WNOWAIT: leave the exit status for itu_stop */
                if (out->n >= want ||
                    (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                     si.si_pid == pid))
                        return;
                sleep(1);
        }
}

static const char *str_at(json_t *o, const char *a, const char *b, const char *c)
{
        json_t *v = json_object_get(o, a);

        if (b)
                v = json_object_get(v, b);
        if (c)
                v = json_object_get(v, c);
        return json_string_value(v);
}

/* Counts alerts of kind for article against against_id. */
static int count_alerts(struct msgs *m, const char *kind, const char *art,
                        const char *against)
{
        size_t i;
        int n = 0;

        for (i = 0; i < m->n; i++) {
                const char *k = str_at(m->v[i], "kind", NULL, NULL);
                const char *a = str_at(m->v[i], "article", "id", NULL);
                const char *g = str_at(m->v[i], "against", "article", "id");

                if (k && a && g && !strcmp(k, kind) && !strcmp(a, art) &&
                    !strcmp(g, against))
                        n++;
        }
        return n;
}

static int log_has(const char *needle)
{
        return itu_file_has(logpath, needle);
}

static void test_thread(rd_kafka_t *p)
{
        struct msgs m = {0};
        pid_t pid;
        size_t i;

        CHECK(produce_file(p, "examples/thread.jsonl") == 3);
        pid = start_worker();
        wait_for(ALERTS, 2, &m, pid);
        sleep(2); /* anything extra would show up now */
        CHECK(itu_stop(pid, SIGTERM) == 0);
        read_topic(ALERTS, &m);
        CHECK(m.n == 2);
        CHECK(count_alerts(&m, "denial", "example-2", "example-1") == 1);
        CHECK(count_alerts(&m, "contradiction", "example-3", "example-2") == 1);
        for (i = 0; i < m.n; i++) {
                CHECK_STR(str_at(m.v[i], "schema", NULL, NULL), "claimwatch.alert/v1");
                CHECK(m.key[i] &&
                      !strcmp(m.key[i], str_at(m.v[i], "alert_id", NULL, NULL)));
        }
        msgs_clear(&m);
}

static void test_restart(void)
{
        struct msgs m = {0};
        pid_t pid;

        truncate(logpath, 0);
        pid = start_worker();
        sleep(6);
        CHECK(itu_stop(pid, SIGTERM) == 0);
        read_topic(ALERTS, &m);
        CHECK(m.n == 2);
        CHECK(log_has("stopping: 0 articles"));
        /* the kafka.* pass-through reaches every client: a consumer
         * property in a producer is expected, not a warning */
        CHECK(!log_has("will be ignored by this"));
        msgs_clear(&m);
}

static void test_bad_messages(rd_kafka_t *p)
{
        static const char *good_claim =
            "{\"id\":\"example-4\",\"source\":\"Example Wire\",\"published_at\":"
            "\"2024-04-02T08:00:00Z\",\"title\":\"Report: Iran sent drones to Russia\","
            "\"body\":\"Ukrainian intelligence said Iran has supplied attack drones to "
            "Russia.\"}";
        static const char *good_denial =
            "{\"id\":\"example-5\",\"source\":\"Example Times\",\"published_at\":"
            "\"2024-04-03T08:00:00Z\",\"title\":\"Tehran rejects drone report\","
            "\"body\":\"Iran denied that it had supplied drones to Russia.\"}";
        static const char *bad[5] = {
            "this is not json at all",
            "{\"source\":\"No Id Daily\",\"body\":\"An article without an id.\"}",
            "{\"id\":\"no-text-1\",\"source\":\"Empty\"}",
            "{\"id\":[\"an\",\"array\"],\"body\":\"wrong type of id\"}",
            "{\"id\":\"truncated\",\"body\":\"the closing brace is missing\"",
        };
        struct msgs m = {0};
        pid_t pid;
        size_t i;
        int with_reason = 0;

        produce(p, ARTICLES, bad[0], strlen(bad[0]));
        produce(p, ARTICLES, good_claim, strlen(good_claim));
        produce(p, ARTICLES, bad[1], strlen(bad[1]));
        produce(p, ARTICLES, bad[2], strlen(bad[2]));
        produce(p, ARTICLES, good_denial, strlen(good_denial));
        produce(p, ARTICLES, bad[3], strlen(bad[3]));
        produce(p, ARTICLES, bad[4], strlen(bad[4]));
        pid = start_worker();
        wait_for(DLQ, 5, &m, pid);
        wait_for(ALERTS, 3, &m, pid);
        sleep(1);
        CHECK(itu_stop(pid, SIGTERM) == 0);
        read_topic(DLQ, &m);
        CHECK(m.n == 5);
        for (i = 0; i < m.n; i++) {
                with_reason += m.hdr_error[i] && m.hdr_error[i][0];
                /* the original bytes, in order */
                CHECK_STR(m.raw[i], bad[i]);
        }
        CHECK(with_reason == 5);
        CHECK(m.n >= 1 && m.hdr_error[0] && !strcmp(m.hdr_error[0], "not_json"));
        CHECK(m.n >= 2 && m.hdr_error[1] && !strcmp(m.hdr_error[1], "missing_id"));
        CHECK(m.n >= 3 && m.hdr_error[2] && !strcmp(m.hdr_error[2], "missing_text"));
        read_topic(ALERTS, &m);
        CHECK(m.n == 3);
        CHECK(count_alerts(&m, "denial", "example-5", "example-4") == 1);
        CHECK(log_has("rejected to news.articles.dlq"));
        msgs_clear(&m);
}

int main(void)
{
        rd_kafka_conf_t *conf;
        struct itu_mock mock;
        rd_kafka_t *p;
        char err[256];

        bin = getenv("CW_BIN");
        redis_url = getenv("CW_TEST_REDIS_URL");
        if (!bin || !redis_url) {
                fprintf(stderr,
                        "CW_BIN and CW_TEST_REDIS_URL must be set (run via ctest)\n");
                return 1;
        }
        snprintf(ns, sizeof(ns), "it-worker-%ld:", (long)getpid());
        snprintf(logpath, sizeof(logpath), "it_worker.%ld.log", (long)getpid());
        {
                const char *const topics[] = {ARTICLES, ALERTS, DLQ, NULL};

                if (itu_mock_start(&mock, topics, 1) == -1)
                        return 1;
        }
        snprintf(boot, sizeof(boot), "%s", mock.boot);

        conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "bootstrap.servers", boot, err, sizeof(err));
        p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));

        test_thread(p);
        test_restart();
        test_bad_messages(p);

        rd_kafka_destroy(p);
        itu_mock_stop(&mock);
        if (check_fail) {
                char cmd[300];

                fprintf(stderr, "worker log (%s):\n", logpath);
                snprintf(cmd, sizeof(cmd), "tail -n 40 %s >&2", logpath);
                if (system(cmd) != 0)
                        fprintf(stderr, "(could not show it)\n");
        }
        unlink(logpath);
        return check_done("it_worker");
}
