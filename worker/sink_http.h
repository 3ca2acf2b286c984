/* sink_http.h - what the HTTP sinks (sink_slack.c, sink_webhook.c) share:
 * one libcurl handle per sink, a pace of at most one post per
 * interval_ms, and a retry loop: 429 waits for Retry-After (seconds or
 * an HTTP date), 5xx, 408 and transport errors (timeouts, refused
 * connections) back off exponentially with jitter up to backoff_max_ms,
 * for at most retry_for_ms; any other status outside 2xx is permanent. */
#ifndef CW_SINK_HTTP_H
#define CW_SINK_HTTP_H

#include <curl/curl.h>
#include <signal.h>
#include <stdint.h>

#include "sinks.h"

/* Builds the request headers of one attempt (called again on every
 * retry, so a timestamp can be fresh). Returns a list the caller frees
 * with curl_slist_free_all, or NULL on error. */
typedef struct curl_slist *(*sink_http_headers_fn)(void *ctx, const char *body,
                                                   size_t len);

/* Common head of the HTTP sinks; they embed it first. */
struct sink_http {
        struct sink sk;
        CURL *curl;
        char *url;                      /* secret */
        char host[128];                 /* what logs may show */
        struct sink_conf conf;          /* numbers only; strings not kept */
        int64_t last_post_ms;           /* monotonic, of the last attempt */
        uint64_t rng;                   /* jitter */
        volatile sig_atomic_t *running; /* NULL: never stopped */
        int for_good;                   /* last failure: permanent or exhausted */
        const char *reason;             /* last failure, static */
        long attempts;                  /* of the last post (tests, logs) */
};

/* Fills the head: name, ops, level, a curl handle for url. Returns 0, or
 * -1 with a message naming sc->name (never the URL). */
int sink_http_init(struct sink_http *sh, const struct sink_ops *ops,
                   const struct sink_conf *sc, char *errstr, size_t errstr_size);

/* Posts body with the headers of hdrs(ctx, ...) until it is delivered
 * (0) or fails (-1, with sh->for_good and sh->reason set and a message
 * in errstr naming the sink, the host and the last HTTP status). */
int sink_http_post(struct sink_http *sh, const char *id, const char *body, size_t len,
                   sink_http_headers_fn hdrs, void *ctx, char *errstr,
                   size_t errstr_size);

/* Frees what the head holds (not sh itself). */
void sink_http_clear(struct sink_http *sh);

/* The host[:port] of url into out ("?" when it has none). */
void sink_http_host(const char *url, char *out, size_t size);

#endif
