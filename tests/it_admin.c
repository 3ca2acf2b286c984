/* it_admin.c - the admin endpoint over loopback HTTP (libcurl): /metrics
 * serves the registry as Prometheus text, /healthz and /readyz follow the
 * check callbacks (200, then 503 with the reason when flipped), unknown
 * paths are 404, other methods 405, garbage on the socket does not take
 * the server down, and bad addresses fail with a message. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "admin.h"
#include "check.h"
#include "metrics.h"

struct fake {
        _Atomic double age;
        atomic_int ready;
};

static double fake_age(void *opaque)
{
        struct fake *f = opaque;

        return atomic_load(&f->age);
}

static int fake_ready(void *opaque, char *why, size_t why_size)
{
        struct fake *f = opaque;

        if (atomic_load(&f->ready))
                return 1;
        snprintf(why, why_size, "redis: connection refused");
        return 0;
}

struct resp {
        long status;
        char body[65536];
        size_t len;
        char ctype[128];
};

static size_t on_body(char *p, size_t size, size_t n, void *opaque)
{
        struct resp *r = opaque;
        size_t k = size * n;

        if (r->len + k >= sizeof(r->body))
                k = sizeof(r->body) - 1 - r->len;
        memcpy(r->body + r->len, p, k);
        r->len += k;
        r->body[r->len] = '\0';
        return size * n;
}

/* Fetches path with method (NULL: GET); 0, or -1 when nothing answered. */
static int fetch(int port, const char *method, const char *path, struct resp *r)
{
        CURL *c = curl_easy_init();
        char url[256];
        char *ct = NULL;
        CURLcode rc;

        memset(r, 0, sizeof(*r));
        if (!c)
                return -1;
        snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
        curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
        if (method && strcmp(method, "HEAD") == 0)
                curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        else if (method && strcmp(method, "POST") == 0)
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, "x=1");
        else if (method)
                curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        rc = curl_easy_perform(c);
        if (rc == CURLE_OK) {
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
                curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
                snprintf(r->ctype, sizeof(r->ctype), "%s", ct ? ct : "");
        } else {
                fprintf(stderr, "%s: %s\n", url, curl_easy_strerror(rc));
        }
        curl_easy_cleanup(c);
        return rc == CURLE_OK ? 0 : -1;
}

/* Writes raw bytes to the port and reads whatever comes back. */
static void send_raw(int port, const char *bytes, size_t len)
{
        struct sockaddr_in sin = {.sin_family = AF_INET,
                                  .sin_port = htons((uint16_t)port)};
        struct timeval tv = {.tv_sec = 2};
        char buf[512];
        int fd = socket(AF_INET, SOCK_STREAM, 0);

        if (fd < 0)
                return;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0) {
                if (write(fd, bytes, len) < 0)
                        perror("write");
                while (read(fd, buf, sizeof(buf)) > 0)
                        ;
        }
        close(fd);
}

static void test_endpoints(struct admin *ad, struct fake *f)
{
        struct metric *m = metrics_counter("claimwatch_articles_total", "result=\"ok\"",
                                           "Articles consumed, by outcome.");
        int port = admin_port(ad);
        struct resp r;

        metric_add(m, 7);
        CHECK(fetch(port, NULL, "/metrics", &r) == 0);
        CHECK(r.status == 200);
        CHECK_STR(r.ctype, "text/plain; version=0.0.4; charset=utf-8");
        CHECK(strstr(r.body, "# TYPE claimwatch_articles_total counter\n") != NULL);
        CHECK(strstr(r.body, "\nclaimwatch_articles_total{result=\"ok\"} 7\n") != NULL);
        metric_add(m, 1);
        CHECK(fetch(port, NULL, "/metrics", &r) == 0);
        CHECK(strstr(r.body, "\nclaimwatch_articles_total{result=\"ok\"} 8\n") != NULL);

        CHECK(fetch(port, NULL, "/healthz", &r) == 0);
        CHECK(r.status == 200);
        CHECK_STR(r.body, "ok\n");
        CHECK(fetch(port, NULL, "/readyz", &r) == 0);
        CHECK(r.status == 200);
        CHECK_STR(r.body, "ok\n");
        CHECK(fetch(port, "HEAD", "/readyz", &r) == 0);
        CHECK(r.status == 200 && r.len == 0);

        atomic_store(&f->age, 75.0);
        atomic_store(&f->ready, 0);
        CHECK(fetch(port, NULL, "/healthz", &r) == 0);
        CHECK(r.status == 503);
        CHECK_STR(r.body, "heartbeat 75.0 s old (max 30.0 s)\n");
        CHECK(fetch(port, NULL, "/readyz", &r) == 0);
        CHECK(r.status == 503);
        CHECK_STR(r.body, "not ready: redis: connection refused\n");
        /* and back */
        atomic_store(&f->age, 1.0);
        atomic_store(&f->ready, 1);
        CHECK(fetch(port, NULL, "/healthz", &r) == 0 && r.status == 200);
        CHECK(fetch(port, NULL, "/readyz", &r) == 0 && r.status == 200);

        CHECK(fetch(port, NULL, "/", &r) == 0 && r.status == 404);
        CHECK(fetch(port, NULL, "/metrics/extra", &r) == 0 && r.status == 404);
        CHECK(fetch(port, NULL, "/metrics?x=1", &r) == 0 && r.status == 200);
        CHECK(fetch(port, "POST", "/metrics", &r) == 0 && r.status == 405);
        CHECK(fetch(port, "DELETE", "/readyz", &r) == 0 && r.status == 405);
}

static void test_bad_requests(struct admin *ad)
{
        static const char garbage[] = "\x01\x02 NOT HTTP AT ALL\r\n\r\n";
        static const char no_version[] = "GET /metrics\r\n\r\n";
        static const char huge_header_start[] = "GET /metrics HTTP/1.1\r\nX: ";
        int port = admin_port(ad);
        struct resp r;
        char *huge;

        send_raw(port, garbage, sizeof(garbage) - 1);
        send_raw(port, no_version, sizeof(no_version) - 1);
        huge = malloc(200000);
        if (huge) {
                memset(huge, 'a', 200000);
                memcpy(huge, huge_header_start, sizeof(huge_header_start) - 1);
                send_raw(port, huge, 200000);
                free(huge);
        }
        send_raw(port, "GET", 3); /* and hang up */
        /* still serving */
        CHECK(fetch(port, NULL, "/healthz", &r) == 0 && r.status == 200);
}

static void test_addresses(void)
{
        struct admin_checks none = {0};
        struct admin *ad, *other;
        char err[256] = "", addr[64];
        struct resp r;

        CHECK(admin_new("nonsense", &none, err, sizeof(err)) == NULL);
        CHECK(strstr(err, "nonsense") != NULL);
        CHECK(admin_new("127.0.0.1:99999", &none, err, sizeof(err)) == NULL);
        CHECK(admin_new("127.0.0.1:", &none, err, sizeof(err)) == NULL);
        CHECK(admin_new("[::1]", &none, err, sizeof(err)) == NULL);

        /* NULL checks: healthy and ready */
        ad = admin_new("127.0.0.1:0", NULL, err, sizeof(err));
        CHECK(ad != NULL);
        if (!ad)
                return;
        CHECK(fetch(admin_port(ad), NULL, "/readyz", &r) == 0 && r.status == 200);
        /* the port is taken now */
        snprintf(addr, sizeof(addr), "127.0.0.1:%d", admin_port(ad));
        other = admin_new(addr, &none, err, sizeof(err));
        CHECK(other == NULL);
        CHECK(strstr(err, "cannot listen") != NULL);
        admin_free(other);
        admin_free(ad);
        admin_free(NULL);
        CHECK(admin_port(NULL) == -1);

        /* IPv6 loopback where the host has it */
        ad = admin_new("[::1]:0", &none, err, sizeof(err));
        if (ad)
                CHECK(admin_port(ad) > 0);
        else
                fprintf(stderr, "no IPv6 loopback here: %s\n", err);
        admin_free(ad);
}

int main(void)
{
        struct fake f;
        struct admin_checks checks = {.heartbeat_age = fake_age,
                                      .ready = fake_ready,
                                      .opaque = &f,
                                      .max_heartbeat_age = 30};
        struct admin *ad;
        char err[256];

        atomic_init(&f.age, 0.5);
        atomic_init(&f.ready, 1);
        curl_global_init(CURL_GLOBAL_DEFAULT);
        metrics_reset();
        ad = admin_new("127.0.0.1:0", &checks, err, sizeof(err));
        CHECK(ad != NULL);
        if (!ad) {
                fprintf(stderr, "admin_new: %s\n", err);
                return check_done("it_admin");
        }
        CHECK(admin_port(ad) > 0);
        test_endpoints(ad, &f);
        test_bad_requests(ad);
        admin_free(ad);
        test_addresses();
        metrics_reset();
        curl_global_cleanup();
        return check_done("it_admin");
}
