/* admin.c - the admin HTTP endpoint (see admin.h) on libmicrohttpd's own
 * polling thread.
 *
 * Three read-only paths: /metrics (metrics_render()), /healthz (the loop's
 * heartbeat age against a limit) and /readyz (the caller's readiness
 * check).  Only GET and HEAD are served (405 otherwise), any other path is
 * a 404.  Every answer is a small body built here; libmicrohttpd parses
 * the request and answers malformed ones itself.  The check callbacks run
 * on libmicrohttpd's thread and must be safe to call from there. */
#include "admin.h"

#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "metrics.h"

#define ADMIN_MAX_AGE_DEFAULT 60.0 /* s, when checks->max_heartbeat_age <= 0 */
#define ADMIN_CONN_TIMEOUT    10   /* s an idle connection is kept */
#define ADMIN_CONN_LIMIT      64   /* connections at once */

static const char metrics_ctype[] = "text/plain; version=0.0.4; charset=utf-8";
static const char text_ctype[] = "text/plain; charset=utf-8";

struct admin {
        struct MHD_Daemon *daemon;
        struct admin_checks checks;
        int port;
        atomic_int started; /* 0 while starting: MHD messages are kept */
        char startlog[256]; /* MHD's last message while starting */
};

/* libmicrohttpd's error messages go through our logger at debug level:
 * once started they are nearly all about a client's bad request, which an
 * operator cannot act on and a client could use to flood the log.  While
 * starting they are kept for admin_new's error string instead. */
__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt,
                                                             va_list ap)
{
        struct admin *ad = cls;
        char buf[256];
        size_t n;

        vsnprintf(buf, sizeof(buf), fmt, ap);
        n = strlen(buf);
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
                buf[--n] = '\0';
        if (atomic_load(&ad->started))
                log_debug("admin", "%s", buf);
        else
                snprintf(ad->startlog, sizeof(ad->startlog), "%s", buf);
}

/* Queues body as the answer; with MHD_RESPMEM_MUST_FREE, body is ours
 * to free until the response takes it. */
static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
                             const char *ctype, void *body, size_t len,
                             enum MHD_ResponseMemoryMode mode)
{
        struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, mode);
        enum MHD_Result ret;

        if (!resp) {
                if (mode == MHD_RESPMEM_MUST_FREE)
                        free(body);
                return MHD_NO;
        }
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
        ret = MHD_queue_response(conn, status, resp);
        MHD_destroy_response(resp);
        return ret;
}

__attribute__((format(printf, 3, 4))) static enum MHD_Result
reply_text(struct MHD_Connection *conn, unsigned int status, const char *fmt, ...)
{
        char buf[512];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        if (n < 0)
                n = 0;
        if ((size_t)n >= sizeof(buf))
                n = (int)sizeof(buf) - 1;
        return reply(conn, status, text_ctype, buf, (size_t)n, MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result serve_metrics(struct MHD_Connection *conn)
{
        char *body = metrics_render();

        if (!body)
                return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                  "out of memory\n");
        return reply(conn, MHD_HTTP_OK, metrics_ctype, body, strlen(body),
                     MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result serve_healthz(struct admin *ad, struct MHD_Connection *conn)
{
        const struct admin_checks *c = &ad->checks;
        double max =
            c->max_heartbeat_age > 0 ? c->max_heartbeat_age : ADMIN_MAX_AGE_DEFAULT;
        double age = c->heartbeat_age ? c->heartbeat_age(c->opaque) : 0;

        /* written so that a NaN age is unhealthy too */
        if (age <= max)
                return reply_text(conn, MHD_HTTP_OK, "ok\n");
        return reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
                          "heartbeat %.1f s old (max %.1f s)\n", age, max);
}

static enum MHD_Result serve_readyz(struct admin *ad, struct MHD_Connection *conn)
{
        const struct admin_checks *c = &ad->checks;
        char why[256] = "";

        if (!c->ready || c->ready(c->opaque, why, sizeof(why)))
                return reply_text(conn, MHD_HTTP_OK, "ok\n");
        why[sizeof(why) - 1] = '\0';
        return reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "not ready: %s\n",
                          *why ? why : "no reason given");
}

/* Answers on the first call: no request here has a body worth reading
 * (libmicrohttpd discards one and closes the connection). */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
        struct admin *ad = cls;

        (void)version;
        (void)upload_data;
        (void)upload_data_size;
        (void)con_cls;
        if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
            strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
                return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                                  "method not allowed\n");
        if (strcmp(url, "/metrics") == 0)
                return serve_metrics(conn);
        if (strcmp(url, "/healthz") == 0)
                return serve_healthz(ad, conn);
        if (strcmp(url, "/readyz") == 0)
                return serve_readyz(ad, conn);
        return reply_text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* Splits "host:port", ":port" or "[v6]:port"; host is "" for ":port".
 * Returns the port, or -1. */
static int split_hostport(const char *hostport, char *host, size_t host_size)
{
        const char *colon = strrchr(hostport, ':');
        const char *h = hostport;
        size_t hlen;
        char *end;
        long port;

        if (!colon || !colon[1])
                return -1;
        port = strtol(colon + 1, &end, 10);
        if (*end || port < 0 || port > 65535 || colon[1] == '-' || colon[1] == '+')
                return -1;
        hlen = (size_t)(colon - h);
        if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
                h++;
                hlen -= 2;
        }
        if (hlen >= host_size)
                return -1;
        memcpy(host, h, hlen);
        host[hlen] = '\0';
        return (int)port;
}

static struct MHD_Daemon *daemon_start(struct admin *ad, unsigned int flags,
                                       uint16_t port, const struct sockaddr *sa)
{
        if (sa)
                return MHD_start_daemon(
                    flags, port, NULL, NULL, on_request, ad, MHD_OPTION_EXTERNAL_LOGGER,
                    on_mhd_log, ad, MHD_OPTION_CONNECTION_TIMEOUT,
                    (unsigned int)ADMIN_CONN_TIMEOUT, MHD_OPTION_CONNECTION_LIMIT,
                    (unsigned int)ADMIN_CONN_LIMIT, MHD_OPTION_SOCK_ADDR, sa,
                    MHD_OPTION_END);
        return MHD_start_daemon(
            flags, port, NULL, NULL, on_request, ad, MHD_OPTION_EXTERNAL_LOGGER,
            on_mhd_log, ad, MHD_OPTION_CONNECTION_TIMEOUT,
            (unsigned int)ADMIN_CONN_TIMEOUT, MHD_OPTION_CONNECTION_LIMIT,
            (unsigned int)ADMIN_CONN_LIMIT, MHD_OPTION_END);
}

/* Binds a named or numeric host: the first address it resolves to. */
static int listen_host(struct admin *ad, const char *host, int port, char *errstr,
                       size_t errstr_size)
{
        const unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
        struct addrinfo *res = NULL;
        char service[8];
        int rc;

        snprintf(service, sizeof(service), "%d", port);
        if ((rc = getaddrinfo(host, service, &hints, &res)) != 0) {
                snprintf(errstr, errstr_size, "%s", gai_strerror(rc));
                return -1;
        }
        ad->daemon =
            daemon_start(ad, flags | (res->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0),
                         (uint16_t)port, res->ai_addr);
        freeaddrinfo(res);
        return ad->daemon ? 0 : -1;
}

/* All interfaces: IPv6 and IPv4 together where the host has IPv6, else
 * IPv4 alone (containers without IPv6). */
static int listen_any(struct admin *ad, int port)
{
        const unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

        ad->daemon = daemon_start(ad, flags | MHD_USE_DUAL_STACK, (uint16_t)port, NULL);
        if (!ad->daemon)
                ad->daemon = daemon_start(ad, flags, (uint16_t)port, NULL);
        return ad->daemon ? 0 : -1;
}

struct admin *admin_new(const char *hostport, const struct admin_checks *checks,
                        char *errstr, size_t errstr_size)
{
        struct admin *ad = calloc(1, sizeof(*ad));
        const union MHD_DaemonInfo *info;
        char host[256], why[256] = "";
        int port;

        if (!ad) {
                snprintf(errstr, errstr_size, "admin: out of memory");
                return NULL;
        }
        if (checks)
                ad->checks = *checks;
        atomic_init(&ad->started, 0);
        if (!hostport || (port = split_hostport(hostport, host, sizeof(host))) < 0) {
                snprintf(errstr, errstr_size, "admin: \"%s\" is not HOST:PORT",
                         hostport ? hostport : "(null)");
                goto fail;
        }
        if ((*host ? listen_host(ad, host, port, why, sizeof(why))
                   : listen_any(ad, port)) == -1) {
                snprintf(errstr, errstr_size, "admin: cannot listen on %s: %s", hostport,
                         *why            ? why
                         : *ad->startlog ? ad->startlog
                                         : "unknown error");
                goto fail;
        }
        atomic_store(&ad->started, 1);
        info = MHD_get_daemon_info(ad->daemon, MHD_DAEMON_INFO_BIND_PORT);
        ad->port = info && info->port ? info->port : port;
        log_info("admin", "serving /metrics, /healthz, /readyz on %s (port %d)", hostport,
                 ad->port);
        return ad;
fail:
        admin_free(ad);
        return NULL;
}

int admin_port(const struct admin *ad)
{
        return ad ? ad->port : -1;
}

void admin_free(struct admin *ad)
{
        if (!ad)
                return;
        if (ad->daemon)
                MHD_stop_daemon(ad->daemon);
        free(ad);
}
