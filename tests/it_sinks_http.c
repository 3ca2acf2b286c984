/* it_sinks_http.c - the HTTP sinks' delivery behaviour against the
 * loopback receiver, and the sinks table:
 *  1. 429 with Retry-After: 2 is honoured (>= 2 s between the attempts);
 *  2. 500 three times then 200: delivered, exactly one 2xx, same
 *     webhook-id on all four attempts, delays growing (backoff);
 *  3. 400 is permanent at once (one attempt, failed for good, reason
 *     http_400); a receiver that never answers is retried after the
 *     request timeout until the retry budget runs out (retries_exhausted);
 *     a stop request ends the retrying without "for good";
 *  4. sinks_open: entries, env singles, entity routing, level defaults,
 *     errors naming the entry and never a secret or URL. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "metrics.h"
#include "config.h"
#include "httprecv.h"
#include "sinks.h"

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static struct httprecv *hr;

static void make_alert(struct alert *a, const char *id, enum alert_level level,
                       const char *speaker, const char *against_speaker)
{
        memset(a, 0, sizeof(*a));
        snprintf(a->id, sizeof(a->id), "%s", id);
        a->kind = ALERT_DENIAL;
        a->level = level;
        a->subkind = "negation";
        a->doc =
            json_pack("{s:s, s:s, s:s, s:{s:{s:s}}, s:{s:{s:{s:s}}}}", "alert_id", id,
                      "kind", "denial", "summary", "s", "statement", "speaker", "id",
                      speaker, "against", "statement", "speaker", "id", against_speaker);
}

static struct sink *webhook(const char *path, int timeout_ms, int retry_for_ms)
{
        static char url[128];
        const char *secrets[1] = {SECRET};
        struct sink_conf sc = {.name = "hook",
                               .secrets = secrets,
                               .n_secrets = 1,
                               .timeout_ms = timeout_ms,
                               .backoff_ms = 100,
                               .backoff_max_ms = 400,
                               .retry_for_ms = retry_for_ms};
        char err[256];

        httprecv_url(hr, path, url, sizeof(url));
        sc.url = url;
        return sink_webhook_new(&sc, err, sizeof(err));
}

/* Requests to path recorded from index from on. */
static size_t on_path(const char *path, size_t from, const struct hr_req **out,
                      size_t max)
{
        size_t i, n = 0;

        for (i = from; i < httprecv_count(hr); i++) {
                const struct hr_req *q = httprecv_req(hr, i);

                if (strcmp(q->path, path) == 0 && n < max)
                        out[n++] = q;
        }
        return n;
}

static void test_retry_after(void)
{
        struct hr_resp r429 = {.status = 429, .retry_after = 2};
        struct sink *sk = webhook("/429", 2000, 10000);
        const struct hr_req *q[4];
        char err[512] = "";
        struct alert a;

        make_alert(&a, "a429", ALERT_LEVEL_ALERT, "KP", "US");
        httprecv_push(hr, &r429, 1);
        CHECK(sk && sink_publish(sk, &a, err, sizeof(err)) == 0);
        CHECK(on_path("/429", 0, q, 4) == 2);
        if (on_path("/429", 0, q, 4) == 2) {
                CHECK(q[0]->status == 429 && q[1]->status == 200);
                CHECK(q[1]->t_ms - q[0]->t_ms >= 2000);
                CHECK(q[1]->t_ms - q[0]->t_ms < 3500);
                printf("429 Retry-After: 2 -> next attempt after %lld ms\n",
                       (long long)(q[1]->t_ms - q[0]->t_ms));
        }
        sink_free(sk);
        json_decref(a.doc);
}

static void test_5xx_then_ok(void)
{
        struct hr_resp r500 = {.status = 500};
        struct sink *sk = webhook("/5xx", 2000, 10000);
        const struct hr_req *q[8];
        char err[512] = "";
        struct alert a;
        size_t n, i, ok = 0;
        size_t from = httprecv_count(hr);

        struct metric *retries = NULL;
        double retries0 = 0;

        if (sk) {
                char labels[160], name[80];

                metrics_label_escape(name, sizeof(name), sk->name);
                snprintf(labels, sizeof(labels), "sink=\"%s\"", name);
                retries =
                    metrics_counter("claimwatch_sink_retries_total", labels,
                                    "Deliveries retried after a temporary failure.");
                retries0 = metric_value(retries);
        }
        make_alert(&a, "a5xx", ALERT_LEVEL_ALERT, "KP", "US");
        httprecv_push(hr, &r500, 3);
        CHECK(sk && sink_publish(sk, &a, err, sizeof(err)) == 0);
        n = on_path("/5xx", from, q, 8);
        CHECK(n == 4);
        for (i = 0; i < n; i++) {
                ok += q[i]->status == 200 && q[i]->acked;
                CHECK_STR(httprecv_header(q[i], "webhook-id"), "a5xx");
        }
        CHECK(ok == 1); /* delivered exactly once */
        /* the three retries are counted for /metrics */
        CHECK(metric_value(retries) == retries0 + 3);
        if (n == 4) {
                /* jittered doubling from 100 ms: [50,100], [100,200], [200,400] */
                CHECK(q[1]->t_ms - q[0]->t_ms >= 50);
                CHECK(q[3]->t_ms - q[2]->t_ms >= 200);
                printf("500 x3 then 200: gaps %lld, %lld, %lld ms\n",
                       (long long)(q[1]->t_ms - q[0]->t_ms),
                       (long long)(q[2]->t_ms - q[1]->t_ms),
                       (long long)(q[3]->t_ms - q[2]->t_ms));
        }
        sink_free(sk);
        json_decref(a.doc);
}

static void test_permanent_and_timeout(void)
{
        struct hr_resp r400 = {.status = 400}, silent = {.silent = 1};
        struct sink *sk = webhook("/400", 300, 1200);
        const struct hr_req *q[16];
        const char *reason = NULL;
        char err[512] = "";
        struct alert a;
        size_t from = httprecv_count(hr), n;
        volatile sig_atomic_t running = 1;

        make_alert(&a, "a400", ALERT_LEVEL_ALERT, "KP", "US");
        httprecv_push(hr, &r400, 1);
        CHECK(sk && sink_publish(sk, &a, err, sizeof(err)) == -1);
        CHECK(on_path("/400", from, q, 16) == 1);
        CHECK(sk && sinks_failed_for_good(sk, &reason) == 1);
        CHECK_STR(reason, "http_400");
        CHECK(strstr(err, "HTTP 400") && strstr(err, "127.0.0.1") &&
              !strstr(err, "/400"));

        /* never answered: timeouts, retried, then given up */
        httprecv_route(hr, "/400", &silent);
        from = httprecv_count(hr);
        CHECK(sk && sink_publish(sk, &a, err, sizeof(err)) == -1);
        n = on_path("/400", from, q, 16);
        CHECK(n >= 2 && n <= 4);
        CHECK(sk && sinks_failed_for_good(sk, &reason) == 1);
        CHECK_STR(reason, "retries_exhausted");
        CHECK(strstr(err, "gave up") != NULL);
        printf("silent receiver: %zu attempts, then: %s\n", n, err);

        /* a stop request: not for good, the alert stays for later */
        running = 0;
        sinks_set_running(&sk, 1, &running);
        CHECK(sk && sink_publish(sk, &a, err, sizeof(err)) == -1);
        CHECK(sk && sinks_failed_for_good(sk, &reason) == 0);
        CHECK_STR(reason, "stopped");
        sink_free(sk);
        json_decref(a.doc);
}

static int open_json(const char *json, struct config *cfg, struct sink ***v, size_t *n,
                     char *err, size_t es)
{
        json_decref(cfg->sinks);
        cfg->sinks = json_loads(json, 0, NULL);
        return sinks_open(cfg, v, n, err, es);
}

static void test_table(void)
{
        struct config cfg;
        struct sink **v = NULL;
        struct alert kp, ru, low;
        char err[512] = "", json[2048], url[128], path[] = "/tmp/cw-sinks-XXXXXX";
        size_t n = 0;
        int fd = mkstemp(path);

        CHECK(fd >= 0 && write(fd, SECRET " " SECRET "\n", strlen(SECRET) * 2 + 2) > 0);
        if (fd >= 0)
                close(fd);
        config_init(&cfg);
        httprecv_url(hr, "/t", url, sizeof(url));
        snprintf(json, sizeof(json),
                 "[{\"type\":\"slack\",\"name\":\"desk-korea\",\"url\":\"%s\","
                 "\"entities\":[\"KP\",\"KR\"]},"
                 "{\"type\":\"webhook\",\"name\":\"cms\",\"url\":\"%s\",\"secret_file\":"
                 "\"%s\","
                 "\"level\":\"alert\"},"
                 "{\"type\":\"file\",\"name\":\"log\",\"path\":\"/dev/null\"}]",
                 url, url, path);
        CHECK(open_json(json, &cfg, &v, &n, err, sizeof(err)) == 0);
        CHECK(n == 3);
        make_alert(&kp, "kp", ALERT_LEVEL_ALERT, "US",
                   "KP"); /* KP as the earlier speaker */
        make_alert(&ru, "ru", ALERT_LEVEL_ALERT, "RU", "US");
        make_alert(&low, "low", ALERT_LEVEL_REVIEW, "KP", "US");
        json_object_set_new(ru.doc, "entities", json_pack("[s,s]", "RU", "KR"));
        if (n == 3) {
                CHECK_STR(v[0]->name, "desk-korea");
                CHECK(sinks_is_http(v[0]) && sinks_is_http(v[1]) && !sinks_is_http(v[2]));
                CHECK(sinks_wants(v[0], &kp) &&
                      sinks_wants(v[0], &ru));   /* KR via entities */
                CHECK(!sinks_wants(v[0], &low)); /* slack defaults to level alert */
                json_object_set_new(ru.doc, "entities", json_pack("[s]", "RU"));
                CHECK(!sinks_wants(v[0], &ru));
                CHECK(sinks_wants(v[1], &ru) && !sinks_wants(v[1], &low));
                CHECK(sinks_wants(v[2], &low)); /* file defaults to review */
                CHECK(sinks_inner(v[0]) != v[0] && sinks_inner(v[1]) == v[1]);
        }
        sinks_close(v, n);

        /* errors name the entry and key, never the secret or the URL */
        CHECK(
            open_json("[{\"type\":\"webhook\",\"name\":\"w\",\"url\":\"http://h.example/"
                      "SEEKRIT\",\"secret\":\"SEEKRIT\"}]",
                      &cfg, &v, &n, err, sizeof(err)) == -1);
        CHECK(strstr(err, "w") && !strstr(err, "SEEKRIT"));
        CHECK(open_json("[{\"type\":\"slack\",\"name\":\"s\",\"url\":\"ftp://SEEKRIT\"}]",
                        &cfg, &v, &n, err, sizeof(err)) == -1);
        CHECK(strstr(err, "sinks[0]") && !strstr(err, "SEEKRIT"));
        CHECK(
            open_json(
                "[{\"type\":\"slack\",\"name\":\"s\",\"url\":\"http://x\",\"colour\":1}]",
                &cfg, &v, &n, err, sizeof(err)) == -1);
        CHECK(strstr(err, "colour") != NULL);
        CHECK(open_json("[{\"type\":\"pager\",\"name\":\"p\"}]", &cfg, &v, &n, err,
                        sizeof(err)) == -1);
        CHECK(strstr(err, "type") != NULL);
        CHECK(
            open_json(
                "[{\"type\":\"file\",\"name\":\"a\"},{\"type\":\"file\",\"name\":\"a\"}]",
                &cfg, &v, &n, err, sizeof(err)) == -1);
        CHECK(strstr(err, "two sinks named") != NULL);

        /* the environment singles */
        json_decref(cfg.sinks);
        cfg.sinks = NULL;
        free(cfg.slack_webhook_url);
        cfg.slack_webhook_url = strdup(url);
        free(cfg.webhook_url);
        cfg.webhook_url = strdup(url);
        free(cfg.webhook_secret);
        cfg.webhook_secret = strdup(SECRET);
        CHECK(sinks_open(&cfg, &v, &n, err, sizeof(err)) == 0);
        CHECK(n == 2 && !strcmp(v[0]->name, "slack") && !strcmp(v[1]->name, "webhook"));
        sinks_close(v, n);
        unlink(path);
        json_decref(kp.doc);
        json_decref(ru.doc);
        json_decref(low.doc);
        config_clear(&cfg);
}

int main(void)
{
        hr = httprecv_start();
        CHECK(hr != NULL);
        if (!hr)
                return check_done("it_sinks_http");
        test_retry_after();
        test_5xx_then_ok();
        test_permanent_and_timeout();
        test_table();
        httprecv_stop(hr);
        return check_done("it_sinks_http");
}
