/* httprecv.h - a small HTTP/1.1 receiver on loopback for the tests of the
 * Slack and webhook sinks: records every request (path, headers, body,
 * the answer, and whether the answer reached a client still connected)
 * and answers as scripted: a status, Retry-After, a delay, or nothing at
 * all.  One thread per connection, keep-alive honoured. */
#ifndef CW_HTTPRECV_H
#define CW_HTTPRECV_H

#include <stddef.h>
#include <stdint.h>

#define HR_MAX_HEADERS 64

/* How to answer one request. */
struct hr_resp {
        int status;      /* 0: 200 */
        int retry_after; /* seconds in a Retry-After header; 0: none */
        int delay_ms;    /* wait before answering (watching for the client leaving) */
        int silent;      /* never answer; hold the connection until the client leaves */
};

/* One recorded request. */
struct hr_req {
        char method[16];
        char path[256];
        char *names[HR_MAX_HEADERS], *values[HR_MAX_HEADERS];
        size_t n_headers;
        char *body;
        size_t body_len;
        int status;   /* the answer chosen (0 when silent) */
        int acked;    /* the answer was sent while the client was connected */
        int done;     /* handling finished (acked or not) */
        int64_t t_ms; /* CLOCK_MONOTONIC ms when the request was complete */
};

struct httprecv;

/* Starts listening on 127.0.0.1 on a free port. NULL on failure. */
struct httprecv *httprecv_start(void);

/* Stops, waits for connection threads, frees everything; accepts NULL. */
void httprecv_stop(struct httprecv *hr);

/* "http://127.0.0.1:PORT" + path into out. */
void httprecv_url(const struct httprecv *hr, const char *path, char *out, size_t size);

/* Queues a scripted answer: requests take queued answers in order before
 * falling back to the answer of their path (httprecv_route) or 200. */
void httprecv_push(struct httprecv *hr, const struct hr_resp *r, int times);

/* The standing answer for requests whose path starts with prefix. */
void httprecv_route(struct httprecv *hr, const char *prefix, const struct hr_resp *r);

/* Number of requests recorded so far. */
size_t httprecv_count(struct httprecv *hr);

/* Request i (0-based; stable pointer until httprecv_stop), or NULL. */
const struct hr_req *httprecv_req(struct httprecv *hr, size_t i);

/* A request header by name (case-insensitive), or NULL. */
const char *httprecv_header(const struct hr_req *r, const char *name);

/* Waits until at least n requests are done or timeout_ms passed.
 * Returns the count of done requests. */
size_t httprecv_wait(struct httprecv *hr, size_t n, int timeout_ms);

#endif
