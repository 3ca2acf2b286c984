/* it_notify.c - `claimwatch notify` end to end: librdkafka's mock cluster
 * in this process, the real redis-server of the CTest fixture, the
 * loopback HTTP receiver, and the claimwatch binary as a child process.
 *
 *  1. four alerts on the alerts topic reach the webhook and the Slack
 *     sink once each; the one routed (by entity) to a webhook answering
 *     400 lands in news.factcheck.alerts.dlq with the sink and reason;
 *  2. with a slow webhook (1.5 s per answer), the notifier is killed
 *     (SIGKILL) while its third post is in flight, before any offset was
 *     committed, and restarted: every alert ends up acknowledged exactly
 *     once by the receiver; the two finished before the kill are not
 *     posted again; the one in flight is re-posted once with the same
 *     webhook-id (the receiver never acknowledged the first try: the
 *     notifier had gone), and only once the dead notifier's pending
 *     marker expired. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "itutil.h"
#include "httprecv.h"

#define ALERTS "news.factcheck.alerts"
#define DLQ    "news.factcheck.alerts.dlq"
#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static char boot[256], ns[64], logpath[256], cfgpath[256], admin[64];
static const char *bin, *redis_url;
static struct httprecv *hr;
static const char *pending_ms = "2000"; /* --notify-pending-ms */

static void produce_alert(rd_kafka_t *p, const char *id, const char *entity)
{
        json_t *doc = json_pack(
            "{s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s},"
            " s:{s:{s:s, s:s}, s:s, s:s, s:s}, s:{s:{s:s, s:s, s:s}, s:{s:{s:s, s:s},"
            " s:s, s:s, s:s}}, s:[s, s]}",
            "schema", "claimwatch.alert/v1", "alert_id", id, "kind", "denial", "subkind",
            "negation", "level", "alert", "confidence", 0.9, "detected_at",
            "2024-03-06T15:00:00Z", "summary", "Ruritania denies selling rifles",
            "article", "id", "art-2", "source", "Example Times", "url",
            "https://news.example/2", "published_at", "2024-03-06T14:30:00Z", "title",
            "Denial", "statement", "speaker", "id", "RT", "name", "Ruritania", "stance",
            "deny", "polarity", "negative", "text", "We never sold rifles.", "against",
            "article", "id", "art-1", "source", "Example Wire", "url",
            "https://news.example/1", "statement", "speaker", "id", "US", "name",
            "officials", "stance", "assert", "polarity", "positive", "text",
            "Ruritania sold rifles.", "entities", "RT", entity);
        char *v = json_dumps(doc, JSON_COMPACT);
        rd_kafka_resp_err_t err = rd_kafka_producev(
            p, RD_KAFKA_V_TOPIC(ALERTS), RD_KAFKA_V_PARTITION(0),
            RD_KAFKA_V_KEY(id, strlen(id)), RD_KAFKA_V_VALUE(v, strlen(v)),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);

        CHECK(err == RD_KAFKA_RESP_ERR_NO_ERROR);
        CHECK(rd_kafka_flush(p, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
        free(v);
        json_decref(doc);
}

static pid_t start_notify(void)
{
        pid_t pid = fork();

        if (pid == 0) {
                FILE *lf = freopen(logpath, "a", stderr);

                (void)lf;
                /* short sessions: the mock lets a new member in only when
                 * the old one's session ends; commits only on close, so a
                 * SIGKILL leaves the whole batch uncommitted */
                execl(bin, bin, "notify", "--config", cfgpath, "--brokers", boot,
                      "--redis-url", redis_url, "--namespace", ns, "--group", "it-notify",
                      "--batch-timeout-ms", "100", "--log-format", "text",
                      "--slack-interval-ms", "50", "--http-backoff-ms", "50",
                      "--http-timeout-ms", "5000", "--http-retry-for-ms", "4000",
                      "--notify-pending-ms", pending_ms, "--kafka.session.timeout.ms",
                      "6000", "--kafka.heartbeat.interval.ms", "500",
                      "--kafka.auto.commit.interval.ms", "600000", "--admin", admin,
                      (char *)NULL);
                _exit(127);
        }
        return pid;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
        (void)p;
        (void)ud;
        return size * n;
}

/* The status of GET http://admin/path, polled until it is want (10 s). */
static long admin_get(const char *path, long want)
{
        char url[128];
        long code = 0;
        int i;

        snprintf(url, sizeof(url), "http://%s%s", admin, path);
        for (i = 0; i < 50 && code != want; i++) {
                CURL *c = curl_easy_init();

                code = 0;
                curl_easy_setopt(c, CURLOPT_URL, url);
                curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
                curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L);
                if (curl_easy_perform(c) == CURLE_OK)
                        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
                curl_easy_cleanup(c);
                if (code != want)
                        usleep(200000);
        }
        return code;
}

/* Requests on path for alert id (by webhook-id, or the body for Slack). */
static void count(const char *path, const char *id, int *requests, int *acked)
{
        size_t i, n = httprecv_count(hr);

        *requests = *acked = 0;
        for (i = 0; i < n; i++) {
                const struct hr_req *q = httprecv_req(hr, i);
                const char *wid = httprecv_header(q, "webhook-id");

                if (strcmp(q->path, path) != 0)
                        continue;
                if (wid ? strcmp(wid, id) != 0 : !strstr(q->body ? q->body : "", id))
                        continue;
                (*requests)++;
                *acked += __atomic_load_n(&q->acked, __ATOMIC_SEQ_CST) &&
                          __atomic_load_n(&q->done, __ATOMIC_SEQ_CST);
        }
}

/* Waits until every id has an acknowledged request on path. */
static int wait_acked(const char *path, const char *const *ids, size_t n, int timeout_s)
{
        int t;

        for (t = 0; t < timeout_s * 10; t++) {
                size_t i, ok = 0;

                for (i = 0; i < n; i++) {
                        int r, a;

                        count(path, ids[i], &r, &a);
                        ok += a > 0;
                }
                if (ok == n)
                        return 1;
                usleep(100000);
        }
        return 0;
}

struct dlq_msg {
        char *sink, *error, *message, *key;
};

/* Reads the DLQ topic from the beginning (at most max messages). */
struct dlq_read {
        struct dlq_msg *out;
        size_t n, max;
};

static void on_dlq(const rd_kafka_message_t *m, void *ud)
{
        struct dlq_read *r = ud;
        struct dlq_msg *d = &r->out[r->n];

        if (r->n >= r->max)
                return;
        memset(d, 0, sizeof(*d));
        d->sink = itu_header(m, "sink");
        d->error = itu_header(m, "error");
        d->message = itu_header(m, "error_message");
        d->key = m->key ? strndup(m->key, m->key_len) : NULL;
        r->n++;
}

static size_t read_dlq(struct dlq_msg *out, size_t max)
{
        struct dlq_read r = {out, 0, max};

        itu_read_topic(boot, DLQ, on_dlq, &r);
        return r.n;
}

static void write_config(void)
{
        char hook[128], slack[128], bad[128];
        FILE *fp = fopen(cfgpath, "w");

        httprecv_url(hr, "/hook", hook, sizeof(hook));
        httprecv_url(hr, "/slack", slack, sizeof(slack));
        httprecv_url(hr, "/bad", bad, sizeof(bad));
        CHECK(fp != NULL);
        if (!fp)
                return;
        fprintf(
            fp,
            "{\"sinks\": ["
            "{\"type\": \"webhook\", \"name\": \"hook\", \"url\": \"%s\", \"secret\": "
            "\"%s\"},"
            "{\"type\": \"slack\", \"name\": \"desk\", \"url\": \"%s\", \"level\": "
            "\"review\"},"
            "{\"type\": \"webhook\", \"name\": \"bad\", \"url\": \"%s\", \"secret\": "
            "\"%s\", \"entities\": [\"XX\"]}]}\n",
            hook, SECRET, slack, bad, SECRET);
        fclose(fp);
}

static void test_deliver_and_dlq(rd_kafka_t *p)
{
        static const char *const ids[4] = {"a1a1", "a2a2", "a3a3", "a4a4"};
        struct hr_resp r400 = {.status = 400};
        struct dlq_msg d[8];
        size_t i, n;
        pid_t pid;

        httprecv_route(hr, "/bad", &r400);
        for (i = 0; i < 4; i++)
                produce_alert(p, ids[i], i == 2 ? "XX" : "YY");
        pid = start_notify();
        CHECK(wait_acked("/hook", ids, 4, 40));
        CHECK(wait_acked("/slack", ids, 4, 10));
        for (i = 0; i < 20 && httprecv_wait(hr, 9, 100) < 9; i++)
                ;
        sleep(1); /* anything extra would show up now */
        /* the notifier serves the admin endpoint like the worker */
        CHECK(admin_get("/healthz", 200) == 200);
        CHECK(admin_get("/readyz", 200) == 200);
        CHECK(admin_get("/metrics", 200) == 200);
        CHECK(itu_stop(pid, SIGTERM) == 0);
        for (i = 0; i < 4; i++) {
                int r, a;

                count("/hook", ids[i], &r, &a);
                CHECK(r == 1 && a == 1);
                count("/slack", ids[i], &r, &a);
                CHECK(r == 1 && a == 1);
                count("/bad", ids[i], &r, &a);
                CHECK(r == (i == 2 ? 1 : 0) && a == r);
        }
        n = read_dlq(d, 8);
        CHECK(n == 1);
        if (n == 1) {
                CHECK_STR(d[0].sink, "bad");
                CHECK_STR(d[0].error, "http_400");
                CHECK_STR(d[0].key, "a3a3");
                CHECK(d[0].message && strstr(d[0].message, "HTTP 400"));
                printf("dead letter: sink=%s error=%s message=%s\n", d[0].sink,
                       d[0].error, d[0].message);
        }
        for (i = 0; i < n; i++) {
                free(d[i].sink);
                free(d[i].error);
                free(d[i].message);
                free(d[i].key);
        }
}

static int log_has(const char *needle)
{
        return itu_file_has(logpath, needle);
}

/* Time between the first and the last post of alert id to /hook. */
static long long repost_gap_ms(const char *id)
{
        int64_t first = -1, last = -1;
        size_t i;

        for (i = 0; i < httprecv_count(hr); i++) {
                const struct hr_req *q = httprecv_req(hr, i);
                const char *wid = httprecv_header(q, "webhook-id");

                if (strcmp(q->path, "/hook") || !wid || strcmp(wid, id))
                        continue;
                if (first < 0)
                        first = q->t_ms;
                last = q->t_ms;
        }
        printf("alert %s re-posted %lld ms after its first post\n", id,
               (long long)(last - first));
        return (long long)(last - first);
}

static void test_kill_mid_delivery(rd_kafka_t *p)
{
        static const char *const ids[4] = {"b1b1", "b2b2", "b3b3", "b4b4"};
        struct hr_resp slow = {.delay_ms = 1500}, fast = {.status = 200};
        int r, a, t, reqs[4], acks[4];
        size_t i;
        pid_t pid;

        httprecv_route(hr, "/hook", &slow);
        pending_ms = "20000";
        for (i = 0; i < 4; i++)
                produce_alert(p, ids[i], "YY");
        pid = start_notify();
        /* kill once the third post is in flight (two answered) */
        for (t = 0; t < 600; t++) {
                count("/hook", ids[2], &r, &a);
                if (r == 1)
                        break;
                usleep(20000);
        }
        CHECK(r == 1);
        usleep(200000);
        CHECK(itu_stop(pid, SIGKILL) == 128 + SIGKILL);
        for (i = 0; i < 2; i++) {
                count("/hook", ids[i], &r, &a);
                CHECK(r == 1 && a == 1);
        }
        count("/hook", ids[2], &r, &a);
        CHECK(r == 1 && a == 0); /* in flight, never acknowledged */
        count("/hook", ids[3], &r, &a);
        CHECK(r == 0);
        httprecv_route(hr, "/hook", &fast);
        /* the dead notifier's pending marker outlives the restart (20 s, more
         * than one post with its retries here: 4 + 2 x 5 s; vs. the ~12 s
         * the mock takes to let the new member in): the new one must wait
         * for it rather than post at once */
        truncate(logpath, 0);
        pid = start_notify();
        CHECK(wait_acked("/hook", ids, 4, 60));
        sleep(1);
        CHECK(itu_stop(pid, SIGTERM) == 0);
        for (i = 0; i < 4; i++) {
                count("/hook", ids[i], &reqs[i], &acks[i]);
                CHECK(acks[i] == 1); /* exactly once, acknowledged */
                count("/slack", ids[i], &r, &a);
                CHECK(r == 1 && a == 1);
        }
        CHECK(reqs[0] == 1 && reqs[1] == 1); /* done markers: not posted again */
        CHECK(reqs[2] == 2);                 /* the in-flight one, re-posted once */
        CHECK(reqs[3] == 1);
        CHECK(log_has("in flight elsewhere"));
        CHECK(repost_gap_ms(ids[2]) >= 19500);
        printf(
            "after SIGKILL + restart: requests per alert %d %d %d %d, acknowledged %d %d "
            "%d %d\n",
            reqs[0], reqs[1], reqs[2], reqs[3], acks[0], acks[1], acks[2], acks[3]);
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
        snprintf(ns, sizeof(ns), "it-notify-%ld:", (long)getpid());
        snprintf(logpath, sizeof(logpath), "it_notify.%ld.log", (long)getpid());
        snprintf(cfgpath, sizeof(cfgpath), "it_notify.%ld.json", (long)getpid());
        snprintf(admin, sizeof(admin), "127.0.0.1:%d", itu_free_port());
        hr = httprecv_start();
        CHECK(hr != NULL);
        if (!hr)
                return check_done("it_notify");
        write_config();
        {
                const char *const topics[] = {ALERTS, DLQ, NULL};

                if (itu_mock_start(&mock, topics, 1) == -1)
                        return 1;
        }
        snprintf(boot, sizeof(boot), "%s", mock.boot);
        conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "bootstrap.servers", boot, err, sizeof(err));
        p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));

        test_deliver_and_dlq(p);
        test_kill_mid_delivery(p);

        rd_kafka_destroy(p);
        itu_mock_stop(&mock);
        httprecv_stop(hr);
        if (check_fail) {
                char cmd[300];

                fprintf(stderr, "notify log (%s):\n", logpath);
                snprintf(cmd, sizeof(cmd), "tail -n 60 %s >&2", logpath);
                if (system(cmd) != 0)
                        fprintf(stderr, "(could not show it)\n");
        }
        unlink(logpath);
        unlink(cfgpath);
        return check_done("it_notify");
}
