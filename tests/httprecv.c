/* httprecv.c - the tests' loopback HTTP receiver (see httprecv.h).
 * Plain sockets rather than a server library, so the tests control
 * exactly when an answer goes out and can see a client that hung up
 * while we were being slow. */
#include "httprecv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQS   4096
#define MAX_QUEUE  256
#define MAX_ROUTES 16
#define HEAD_MAX   (64 * 1024)
#define BODY_MAX   (4 * 1024 * 1024)

struct route {
        char prefix[128];
        struct hr_resp r;
};

struct httprecv {
        int fd;
        int port;
        pthread_t acceptor;
        atomic_int stop;
        atomic_int conns; /* connection threads alive */
        pthread_mutex_t mu;
        struct hr_req *reqs[MAX_REQS];
        size_t n_reqs;
        struct hr_resp queue[MAX_QUEUE];
        size_t q_head, q_len;
        struct route routes[MAX_ROUTES];
        size_t n_routes;
};

struct conn {
        struct httprecv *hr;
        int fd;
        char *buf; /* bytes read and not yet used */
        size_t len;
};

static int64_t mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when the peer has closed (or reset) the connection. */
static int peer_gone(int fd)
{
        struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
        char c;

        if (poll(&p, 1, 0) <= 0)
                return 0;
        if (p.revents & (POLLRDHUP | POLLHUP | POLLERR))
                return 1;
        return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* Reads more bytes into c->buf; -1 on EOF, error or stop. */
static int fill(struct conn *c)
{
        char tmp[16384];
        ssize_t n;
        char *nb;

        for (;;) {
                struct pollfd p = {.fd = c->fd, .events = POLLIN};
                int r = poll(&p, 1, 100);

                if (atomic_load(&c->hr->stop))
                        return -1;
                if (r < 0 && errno != EINTR)
                        return -1;
                if (r > 0)
                        break;
        }
        n = recv(c->fd, tmp, sizeof(tmp), 0);
        if (n <= 0 || c->len + (size_t)n > HEAD_MAX + BODY_MAX)
                return -1;
        if (!(nb = realloc(c->buf, c->len + (size_t)n + 1)))
                return -1;
        c->buf = nb;
        memcpy(c->buf + c->len, tmp, (size_t)n);
        c->len += (size_t)n;
        c->buf[c->len] = '\0';
        return 0;
}

static void consume(struct conn *c, size_t n)
{
        memmove(c->buf, c->buf + n, c->len - n + 1); /* with the NUL */
        c->len -= n;
}

static void parse_headers(struct hr_req *q, char *head)
{
        char *line = strstr(head, "\r\n"), *next;

        while (line && (line += 2) && *line && q->n_headers < HR_MAX_HEADERS) {
                char *colon;

                next = strstr(line, "\r\n");
                if (next)
                        *next = '\0';
                colon = strchr(line, ':');
                if (colon) {
                        char *v = colon + 1;

                        *colon = '\0';
                        while (*v == ' ' || *v == '\t')
                                v++;
                        q->names[q->n_headers] = strdup(line);
                        q->values[q->n_headers] = strdup(v);
                        q->n_headers++;
                }
                if (!next)
                        break;
                line = next;
        }
}

/* Reads one request; NULL at the end of the connection. */
static struct hr_req *read_request(struct conn *c)
{
        struct hr_req *q;
        char *end, *head;
        const char *cl;
        size_t hlen, blen;

        while (!(end = c->buf ? strstr(c->buf, "\r\n\r\n") : NULL)) {
                if (fill(c) < 0)
                        return NULL;
        }
        hlen = (size_t)(end - c->buf) + 4;
        if (!(q = calloc(1, sizeof(*q))) || !(head = strndup(c->buf, hlen - 2))) {
                free(q);
                return NULL;
        }
        sscanf(head, "%15s %255s", q->method, q->path);
        parse_headers(q, head);
        free(head);
        consume(c, hlen);
        cl = httprecv_header(q, "content-length");
        blen = cl ? (size_t)strtoul(cl, NULL, 10) : 0;
        if (httprecv_header(q, "expect"))
                send(c->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25, MSG_NOSIGNAL);
        while (c->len < blen) {
                if (fill(c) < 0)
                        goto fail;
        }
        if (!(q->body = malloc(blen + 1)))
                goto fail;
        memcpy(q->body, c->buf, blen);
        q->body[blen] = '\0';
        q->body_len = blen;
        consume(c, blen);
        q->t_ms = mono_ms();
        return q;
fail:
        q->body = NULL;
        for (blen = 0; blen < q->n_headers; blen++) {
                free(q->names[blen]);
                free(q->values[blen]);
        }
        free(q);
        return NULL;
}

/* The answer for q: the queue first, then its route, then 200. */
static struct hr_resp choose(struct httprecv *hr, const struct hr_req *q)
{
        struct hr_resp r = {200, 0, 0, 0};
        size_t i;

        pthread_mutex_lock(&hr->mu);
        if (hr->q_len) {
                r = hr->queue[hr->q_head];
                hr->q_head = (hr->q_head + 1) % MAX_QUEUE;
                hr->q_len--;
        } else {
                for (i = 0; i < hr->n_routes; i++) {
                        if (strncmp(q->path, hr->routes[i].prefix,
                                    strlen(hr->routes[i].prefix)) == 0)
                                r = hr->routes[i].r;
                }
        }
        pthread_mutex_unlock(&hr->mu);
        if (!r.status)
                r.status = 200;
        return r;
}

static void record(struct httprecv *hr, struct hr_req *q)
{
        pthread_mutex_lock(&hr->mu);
        if (hr->n_reqs < MAX_REQS)
                hr->reqs[hr->n_reqs++] = q;
        pthread_mutex_unlock(&hr->mu);
}

/* Waits ms unless the peer leaves. Returns 0, or -1 when it left. */
static int hold(struct conn *c, int ms, int forever)
{
        int64_t end = mono_ms() + ms;

        while (forever || mono_ms() < end) {
                if (peer_gone(c->fd) || atomic_load(&c->hr->stop))
                        return -1;
                usleep(10000);
        }
        return 0;
}

static int answer(struct conn *c, struct hr_req *q, const struct hr_resp *r)
{
        char out[512], ra[64] = "";
        int n;

        if (r->retry_after)
                snprintf(ra, sizeof(ra), "Retry-After: %d\r\n", r->retry_after);
        n = snprintf(out, sizeof(out),
                     "HTTP/1.1 %d Scripted\r\nContent-Type: text/plain\r\n%s"
                     "Content-Length: 9\r\n\r\nscripted\n",
                     r->status, ra);
        if (peer_gone(c->fd))
                return -1;
        /* set before the client can see the answer, undone if it fails */
        __atomic_store_n(&q->acked, 1, __ATOMIC_SEQ_CST);
        if (send(c->fd, out, (size_t)n, MSG_NOSIGNAL) != n) {
                __atomic_store_n(&q->acked, 0, __ATOMIC_SEQ_CST);
                return -1;
        }
        return 0;
}

static void *conn_main(void *arg)
{
        struct conn *c = arg;
        struct hr_req *q;

        while ((q = read_request(c))) {
                struct hr_resp r = choose(c->hr, q);
                int rc;

                q->status = r.silent ? 0 : r.status;
                record(c->hr, q);
                if (r.silent)
                        rc = hold(c, 0, 1);
                else
                        rc = hold(c, r.delay_ms, 0) == 0 ? answer(c, q, &r) : -1;
                __atomic_store_n(&q->done, 1, __ATOMIC_SEQ_CST);
                if (rc < 0)
                        break;
        }
        close(c->fd);
        free(c->buf);
        atomic_fetch_sub(&c->hr->conns, 1);
        free(c);
        return NULL;
}

static void *accept_main(void *arg)
{
        struct httprecv *hr = arg;

        while (!atomic_load(&hr->stop)) {
                struct pollfd p = {.fd = hr->fd, .events = POLLIN};
                struct conn *c;
                pthread_t t;
                int fd;

                if (poll(&p, 1, 100) <= 0)
                        continue;
                if ((fd = accept(hr->fd, NULL, NULL)) < 0)
                        continue;
                if (!(c = calloc(1, sizeof(*c)))) {
                        close(fd);
                        continue;
                }
                c->hr = hr;
                c->fd = fd;
                atomic_fetch_add(&hr->conns, 1);
                if (pthread_create(&t, NULL, conn_main, c) != 0) {
                        atomic_fetch_sub(&hr->conns, 1);
                        close(fd);
                        free(c);
                        continue;
                }
                pthread_detach(t);
        }
        return NULL;
}

struct httprecv *httprecv_start(void)
{
        struct httprecv *hr = calloc(1, sizeof(*hr));
        struct sockaddr_in sa = {.sin_family = AF_INET};
        socklen_t sl = sizeof(sa);
        int one = 1;

        if (!hr)
                return NULL;
        pthread_mutex_init(&hr->mu, NULL);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        hr->fd = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(hr->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (hr->fd < 0 || bind(hr->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            listen(hr->fd, 64) < 0 ||
            getsockname(hr->fd, (struct sockaddr *)&sa, &sl) < 0 ||
            pthread_create(&hr->acceptor, NULL, accept_main, hr) != 0) {
                if (hr->fd >= 0)
                        close(hr->fd);
                free(hr);
                return NULL;
        }
        hr->port = ntohs(sa.sin_port);
        return hr;
}

static void req_free(struct hr_req *q)
{
        size_t i;

        for (i = 0; i < q->n_headers; i++) {
                free(q->names[i]);
                free(q->values[i]);
        }
        free(q->body);
        free(q);
}

void httprecv_stop(struct httprecv *hr)
{
        int i;
        size_t k;

        if (!hr)
                return;
        atomic_store(&hr->stop, 1);
        pthread_join(hr->acceptor, NULL);
        for (i = 0; i < 100 && atomic_load(&hr->conns) > 0; i++)
                usleep(20000);
        close(hr->fd);
        for (k = 0; k < hr->n_reqs; k++)
                req_free(hr->reqs[k]);
        pthread_mutex_destroy(&hr->mu);
        free(hr);
}

void httprecv_url(const struct httprecv *hr, const char *path, char *out, size_t size)
{
        snprintf(out, size, "http://127.0.0.1:%d%s", hr->port, path);
}

void httprecv_push(struct httprecv *hr, const struct hr_resp *r, int times)
{
        pthread_mutex_lock(&hr->mu);
        while (times-- > 0 && hr->q_len < MAX_QUEUE) {
                hr->queue[(hr->q_head + hr->q_len) % MAX_QUEUE] = *r;
                hr->q_len++;
        }
        pthread_mutex_unlock(&hr->mu);
}

void httprecv_route(struct httprecv *hr, const char *prefix, const struct hr_resp *r)
{
        pthread_mutex_lock(&hr->mu);
        if (hr->n_routes < MAX_ROUTES) {
                snprintf(hr->routes[hr->n_routes].prefix,
                         sizeof(hr->routes[hr->n_routes].prefix), "%s", prefix);
                hr->routes[hr->n_routes].r = *r;
                hr->n_routes++;
        }
        pthread_mutex_unlock(&hr->mu);
}

size_t httprecv_count(struct httprecv *hr)
{
        size_t n;

        pthread_mutex_lock(&hr->mu);
        n = hr->n_reqs;
        pthread_mutex_unlock(&hr->mu);
        return n;
}

const struct hr_req *httprecv_req(struct httprecv *hr, size_t i)
{
        const struct hr_req *q = NULL;

        pthread_mutex_lock(&hr->mu);
        if (i < hr->n_reqs)
                q = hr->reqs[i];
        pthread_mutex_unlock(&hr->mu);
        return q;
}

const char *httprecv_header(const struct hr_req *r, const char *name)
{
        size_t i;

        for (i = 0; i < r->n_headers; i++) {
                if (r->names[i] && strcasecmp(r->names[i], name) == 0)
                        return r->values[i];
        }
        return NULL;
}

size_t httprecv_wait(struct httprecv *hr, size_t n, int timeout_ms)
{
        int64_t end = mono_ms() + timeout_ms;
        size_t done;

        for (;;) {
                size_t i, k = httprecv_count(hr);

                done = 0;
                for (i = 0; i < k; i++) {
                        const struct hr_req *q = httprecv_req(hr, i);

                        /* q is never NULL for i < count; the test keeps
                         * GCC's -O3 from warning about a NULL load */
                        if (q)
                                done += __atomic_load_n(&q->done, __ATOMIC_SEQ_CST);
                }
                if (done >= n || mono_ms() >= end)
                        return done;
                usleep(20000);
        }
}
