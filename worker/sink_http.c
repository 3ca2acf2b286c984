/* sink_http.c - the POST-and-retry loop of the HTTP sinks (see
 * sink_http.h).  Waits sleep in short steps so a stop request (SIGTERM)
 * ends them within 100 ms; the caller then keeps the alert for later. */
#include "sink_http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"

#define BODY_KEEP 200 /* bytes of a response body kept for messages */
#define STEP_MS   100 /* longest single sleep */

struct resp {
        char body[BODY_KEEP + 1];
        size_t len;
};

static int64_t mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* claimwatch_sink_retries_total{sink}: deliveries retried after a
 * temporary failure (registered once per sink name). */
static struct metric *retry_metric(const struct sink_http *sh)
{
        char labels[160], name[80];

        metrics_label_escape(name, sizeof(name), sh->sk.name);
        snprintf(labels, sizeof(labels), "sink=\"%s\"", name);
        return metrics_counter("claimwatch_sink_retries_total", labels,
                               "Deliveries retried after a temporary failure.");
}

static int stopped(const struct sink_http *sh)
{
        return sh->running && !*sh->running;
}

/* Sleeps ms in steps; returns -1 when told to stop meanwhile. */
static int nap(const struct sink_http *sh, int64_t ms)
{
        int64_t end = mono_ms() + ms;

        while (!stopped(sh)) {
                int64_t left = end - mono_ms();

                if (left <= 0)
                        return 0;
                usleep((useconds_t)(left < STEP_MS ? left : STEP_MS) * 1000);
        }
        return -1;
}

static uint64_t next_rand(struct sink_http *sh)
{
        /* xorshift64*: jitter only, not security */
        sh->rng ^= sh->rng >> 12;
        sh->rng ^= sh->rng << 25;
        sh->rng ^= sh->rng >> 27;
        return sh->rng * 2685821657736338717ULL;
}

/* "Full jitter" between half the delay and the delay. */
static int64_t jitter(struct sink_http *sh, int64_t delay)
{
        int64_t half = delay / 2;

        return half + (int64_t)(next_rand(sh) % (uint64_t)(delay - half + 1));
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
        struct resp *r = userdata;
        size_t n = size * nmemb, room = BODY_KEEP - r->len;

        memcpy(r->body + r->len, data, n < room ? n : room);
        r->len += n < room ? n : room;
        r->body[r->len] = '\0';
        return n;
}

void sink_http_host(const char *url, char *out, size_t size)
{
        const char *p = strstr(url, "://"), *end, *at;

        p = p ? p + 3 : url;
        end = p + strcspn(p, "/?#");
        at = memchr(p, '@', (size_t)(end - p)); /* user:password@ stays out */
        if (at)
                p = at + 1;
        if (end == p)
                snprintf(out, size, "?");
        else
                snprintf(out, size, "%.*s", (int)(end - p), p);
}

int sink_http_init(struct sink_http *sh, const struct sink_ops *ops,
                   const struct sink_conf *sc, char *errstr, size_t errstr_size)
{
        const char *name = sc->name ? sc->name : ops->kind;

        sh->sk.ops = ops;
        sh->sk.min_level = sc->level;
        snprintf(sh->sk.name, sizeof(sh->sk.name), "%s", name);
        sh->conf = *sc;
        sh->conf.name = sh->conf.url = NULL;
        sh->conf.secrets = NULL;
        sh->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)sh;
        if (!sh->rng)
                sh->rng = 88172645463325252ULL;
        if (!sc->url || (strncasecmp(sc->url, "http://", 7) != 0 &&
                         strncasecmp(sc->url, "https://", 8) != 0)) {
                snprintf(errstr, errstr_size, "sink %s: url is not http:// or https://",
                         name);
                return -1;
        }
        sink_http_host(sc->url, sh->host, sizeof(sh->host));
        if (!(sh->url = strdup(sc->url)) || !(sh->curl = curl_easy_init())) {
                snprintf(errstr, errstr_size, "sink %s: out of memory", name);
                return -1;
        }
        return 0;
}

void sink_http_clear(struct sink_http *sh)
{
        if (!sh)
                return;
        if (sh->curl)
                curl_easy_cleanup(sh->curl);
        if (sh->url) {
                memset(sh->url, 0, strlen(sh->url));
                free(sh->url);
        }
        sh->curl = NULL;
        sh->url = NULL;
}

/* One attempt. Returns the HTTP status, or 0 with *cerr on a transport
 * error; *retry_after_s gets Retry-After (or -1). */
static long attempt(struct sink_http *sh, const char *body, size_t len,
                    struct curl_slist *hdrs, struct resp *r, CURLcode *cerr,
                    long *retry_after_s)
{
        CURL *c = sh->curl;
        curl_off_t ra = -1;
        long status = 0;

        curl_easy_reset(c);
        r->len = 0;
        r->body[0] = '\0';
        curl_easy_setopt(c, CURLOPT_URL, sh->url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)sh->conf.timeout_ms);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)sh->conf.timeout_ms);
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "claimwatch");
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
        *cerr = curl_easy_perform(c);
        *retry_after_s = -1;
        if (*cerr != CURLE_OK)
                return 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra >= 0)
                *retry_after_s = (long)ra;
        return status;
}

/* Printable ASCII only, for a message. */
static void clean(char *s)
{
        for (; *s; s++) {
                if (!isprint((unsigned char)*s))
                        *s = ' ';
        }
}

static int fail(struct sink_http *sh, int for_good, const char *reason, char *errstr,
                size_t errstr_size, const char *what, const char *last)
{
        sh->for_good = for_good;
        sh->reason = reason;
        snprintf(errstr, errstr_size, "sink %s (%s): %s%s%s after %ld attempt(s)",
                 sh->sk.name, sh->host, what, last ? ": " : "", last ? last : "",
                 sh->attempts);
        return -1;
}

static const char *status_reason(long status)
{
        static const char *const names[] = {"http_400", "http_401", "http_403",
                                            "http_404", "http_410", "http_413"};
        static const long codes[] = {400, 401, 403, 404, 410, 413};
        size_t i;

        for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
                if (codes[i] == status)
                        return names[i];
        }
        return status >= 300 && status < 400 ? "http_redirect" : "http_4xx";
}

/* Waits until interval_ms after the last attempt. */
static int pace(struct sink_http *sh)
{
        int64_t wait = sh->last_post_ms + sh->conf.interval_ms - mono_ms();

        if (sh->last_post_ms && wait > 0)
                return nap(sh, wait);
        return stopped(sh) ? -1 : 0;
}

int sink_http_post(struct sink_http *sh, const char *id, const char *body, size_t len,
                   sink_http_headers_fn hdrs, void *ctx, char *errstr, size_t errstr_size)
{
        int64_t deadline = mono_ms() + sh->conf.retry_for_ms,
                backoff = sh->conf.backoff_ms;
        char last[BODY_KEEP + 64];

        sh->attempts = 0;
        sh->for_good = 0;
        sh->reason = NULL;
        for (;;) {
                struct curl_slist *h;
                struct resp r;
                CURLcode cerr;
                long status, ra;
                int64_t delay;

                if (pace(sh) < 0)
                        return fail(sh, 0, "stopped", errstr, errstr_size, "stopped",
                                    NULL);
                if (!(h = hdrs(ctx, body, len)))
                        return fail(sh, 1, "headers", errstr, errstr_size,
                                    "cannot build the request headers", NULL);
                sh->attempts++;
                status = attempt(sh, body, len, h, &r, &cerr, &ra);
                sh->last_post_ms = mono_ms();
                curl_slist_free_all(h);
                if (status >= 200 && status < 300)
                        return 0;
                clean(r.body);
                if (status)
                        snprintf(last, sizeof(last), "HTTP %ld %s", status, r.body);
                else
                        snprintf(last, sizeof(last), "%s", curl_easy_strerror(cerr));
                if (status && status != 429 && status != 408 && status < 500)
                        return fail(sh, 1, status_reason(status), errstr, errstr_size,
                                    "refused for good", last);
                if (!status &&
                    (cerr == CURLE_URL_MALFORMAT || cerr == CURLE_UNSUPPORTED_PROTOCOL))
                        return fail(sh, 1, "bad_url", errstr, errstr_size, "bad URL",
                                    last);
                delay = status == 429 && ra >= 0 ? ra * 1000 : jitter(sh, backoff);
                if (backoff < sh->conf.backoff_max_ms)
                        backoff = backoff * 2 < sh->conf.backoff_max_ms
                                      ? backoff * 2
                                      : sh->conf.backoff_max_ms;
                if (mono_ms() + delay > deadline)
                        return fail(sh, 1, "retries_exhausted", errstr, errstr_size,
                                    "gave up", last);
                log_warn(sh->sk.name, "alert %s to %s: %s; retrying in %lld ms", id,
                         sh->host, last, (long long)delay);
                metric_add(retry_metric(sh), 1);
                if (nap(sh, delay) < 0)
                        return fail(sh, 0, "stopped", errstr, errstr_size, "stopped",
                                    last);
        }
}
