/* store_redis.c - the statement cache in Redis (DESIGN.md, "Redis"), with
 * hiredis' synchronous API.  Every call is one round trip: the commands
 * of a call are appended to the output buffer and their replies read
 * together; writes go in one MULTI/EXEC.
 *
 * Keys, under the namespace prefix ns (default "cw:"), carry Redis
 * Cluster hash tags so one proposition key's data stays in one slot:
 *   <ns>{p:<sha1 of key, 16 hex>}:recs   ZSET of record JSON, scored by ts
 *   <ns>ent:{<entity>}                   ZSET of proposition keys by ts
 *   <ns>done:{<article id>}              "1": article processed
 *   <ns>alert:{<alert id>}               "1": alert delivered
 *   <ns>claim:<channel>:{<alert id>}     "1": alert claimed for a channel
 * Every key carries the TTL.  A record ZSET also drops members older than
 * the TTL before its newest one, so a key written every day still stays
 * bounded (relative to the records, not the clock, so replaying an old
 * archive keeps its history).
 *
 * A broken connection is reopened once per call before the call fails;
 * all operations may be repeated safely (ZADD and SET are idempotent, a
 * MULTI cut off before EXEC is discarded by the server). */
#include "store.h"

#include <hiredis/hiredis.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "log.h"

#define LOG_CTX            "store redis"
#define REDIS_DEFAULT_PORT 6379
#define DEFAULT_NS         "cw:"
#define DEFAULT_TTL_S      (180LL * 24 * 3600)
#define DEFAULT_TIMEOUT_MS 2000
#define PROP_HASH_HEX      16 /* hex digits of SHA-1 in a record key */
#define SCAN_COUNT         "1000"

struct redis_url {
        char *host; /* TCP, or NULL */
        int port;
        char *path; /* unix socket, or NULL */
        char *user, *password;
        int db;
};

struct redis_store {
        struct store base;
        struct redis_url u;
        char where[300]; /* host:port or socket path: no secrets */
        char *ns;
        int64_t ttl_s;
        int timeout_ms;
        redisContext *c;
        unsigned long round_trips;
        int no_unlink; /* server predates UNLINK: use DEL */
        int no_multi;  /* store_opts.no_multi */
        /* the commands appended for the current round trip */
        const char **names;
        size_t n_pending, cap_pending;
        /* scratch for building keys */
        char *kbuf;
        size_t kcap;
};

typedef int (*build_fn)(struct redis_store *r, void *ctx);

static const struct store_ops redis_ops;

static void set_err(char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *errstr, size_t errstr_size, const char *fmt, ...)
{
        va_list ap;

        if (!errstr || !errstr_size)
                return;
        va_start(ap, fmt);
        vsnprintf(errstr, errstr_size, fmt, ap);
        va_end(ap);
}

/* ---- URL ---------------------------------------------------------- */

static void url_clear(struct redis_url *u)
{
        free(u->host);
        free(u->path);
        free(u->user);
        if (u->password) /* a secret: do not leave it in freed memory */
                memset(u->password, 0, strlen(u->password));
        free(u->password);
        memset(u, 0, sizeof(*u));
}

static int hexval(int ch)
{
        if (ch >= '0' && ch <= '9')
                return ch - '0';
        if (ch >= 'a' && ch <= 'f')
                return ch - 'a' + 10;
        if (ch >= 'A' && ch <= 'F')
                return ch - 'A' + 10;
        return -1;
}

/* A percent-decoded copy of p[0..len), or NULL when malformed / no memory. */
static char *url_decode(const char *p, size_t len)
{
        char *out = malloc(len + 1), *o = out;
        size_t i;

        if (!out)
                return NULL;
        for (i = 0; i < len; i++) {
                if (p[i] == '%') {
                        if (i + 2 >= len || hexval(p[i + 1]) < 0 || hexval(p[i + 2]) < 0)
                                goto fail;
                        *o++ = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
                        i += 2;
                } else {
                        *o++ = p[i];
                }
        }
        *o = 0;
        return out;
fail:
        free(out);
        return NULL;
}

/* Parses a decimal number in [lo, hi] from p[0..len). Returns 0 or -1. */
static int parse_int(const char *p, size_t len, long lo, long hi, int *out)
{
        long v = 0;
        size_t i;

        if (len == 0 || len > 9)
                return -1;
        for (i = 0; i < len; i++) {
                if (p[i] < '0' || p[i] > '9')
                        return -1;
                v = v * 10 + (p[i] - '0');
        }
        if (v < lo || v > hi)
                return -1;
        *out = (int)v;
        return 0;
}

/* user:password or password, before the '@'. */
static int url_userinfo(const char *p, size_t len, struct redis_url *u)
{
        const char *colon = memchr(p, ':', len);

        if (!colon)
                return (u->password = url_decode(p, len)) ? 0 : -1;
        if (colon > p && !(u->user = url_decode(p, (size_t)(colon - p))))
                return -1;
        u->password = url_decode(colon + 1, len - (size_t)(colon - p) - 1);
        return u->password ? 0 : -1;
}

/* host, host:port, [v6] or [v6]:port. */
static int url_hostport(const char *p, size_t len, struct redis_url *u)
{
        const char *end = p + len, *colon = NULL, *hend;

        if (len && *p == '[') {
                hend = memchr(p, ']', len);
                if (!hend)
                        return -1;
                p++;
                if (hend + 1 < end && hend[1] != ':')
                        return -1;
                colon = hend + 1 < end ? hend + 1 : NULL;
        } else {
                colon = memchr(p, ':', len);
                hend = colon ? colon : end;
        }
        if (hend == p)
                return -1;
        u->port = REDIS_DEFAULT_PORT;
        if (colon &&
            parse_int(colon + 1, (size_t)(end - colon - 1), 1, 65535, &u->port) == -1)
                return -1;
        u->host = strndup(p, (size_t)(hend - p));
        return u->host ? 0 : -1;
}

/* Parses "redis://[[user]:password@]host[:port][/db]" or "unix:/path".
 * Messages never repeat the URL: it may hold a password. */
static int url_parse(const char *url, struct redis_url *u, char *errstr,
                     size_t errstr_size)
{
        const char *p, *slash, *at;
        size_t alen;

        memset(u, 0, sizeof(*u));
        if (strncmp(url, "unix:", 5) == 0) {
                p = url + 5;
                if (strncmp(p, "//", 2) == 0)
                        p += 2;
                if (*p != '/') {
                        set_err(errstr, errstr_size,
                                "redis url: unix: needs an absolute socket path");
                        return -1;
                }
                if (!(u->path = strdup(p))) {
                        set_err(errstr, errstr_size, "redis url: out of memory");
                        return -1;
                }
                return 0;
        }
        if (strncmp(url, "redis://", 8) != 0) {
                set_err(errstr, errstr_size,
                        "redis url: must start with redis:// or unix:");
                return -1;
        }
        p = url + 8;
        slash = strchr(p, '/');
        alen = slash ? (size_t)(slash - p) : strlen(p);
        /* the last '@' of the authority: a password may hold an '@' */
        for (at = p + alen; at > p && at[-1] != '@'; at--)
                ;
        if (at > p && url_userinfo(p, (size_t)(at - p - 1), u) == -1) {
                set_err(errstr, errstr_size, "redis url: bad user or password");
                goto fail;
        }
        if (url_hostport(at, alen - (size_t)(at - p), u) == -1) {
                set_err(errstr, errstr_size, "redis url: bad host or port");
                goto fail;
        }
        if (slash && slash[1] &&
            parse_int(slash + 1, strlen(slash + 1), 0, 100000, &u->db) == -1) {
                set_err(errstr, errstr_size, "redis url: bad database number");
                goto fail;
        }
        return 0;
fail:
        url_clear(u);
        return -1;
}

/* ---- one round trip ------------------------------------------------ */

/* The connection's error, with a read timeout said as such (hiredis
 * reports it as EAGAIN's "Resource temporarily unavailable"). */
static const char *rs_conn_err(const struct redis_store *r, char *buf, size_t size)
{
        if (!r->c || !r->c->errstr[0])
                return "out of memory";
        if (r->c->err == REDIS_ERR_IO &&
            strstr(r->c->errstr, "temporarily unavailable")) {
                snprintf(buf, size, "timed out after %d ms", r->timeout_ms);
                return buf;
        }
        return r->c->errstr;
}

static void replies_free(redisReply **rep, size_t n)
{
        size_t i;

        if (!rep)
                return;
        for (i = 0; i < n; i++)
                freeReplyObject(rep[i]);
        free(rep);
}

/* Appends one command; name is a static string for messages. */
static int rs_append(struct redis_store *r, const char *name, int argc, const char **argv,
                     const size_t *lens)
{
        if (r->n_pending == r->cap_pending) {
                size_t cap = r->cap_pending ? r->cap_pending * 2 : 64;
                const char **v = realloc(r->names, cap * sizeof(*v));

                if (!v)
                        return -1;
                r->names = v;
                r->cap_pending = cap;
        }
        if (redisAppendCommandArgv(r->c, argc, argv, lens) != REDIS_OK)
                return -1;
        r->names[r->n_pending++] = name;
        return 0;
}

/* Formats a key into r->kbuf (valid until the next call), or NULL. */
static const char *rs_key(struct redis_store *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *rs_key(struct redis_store *r, const char *fmt, ...)
{
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(r->kbuf, r->kcap, fmt, ap);
        va_end(ap);
        if (n < 0)
                return NULL;
        if ((size_t)n >= r->kcap) {
                char *b = realloc(r->kbuf, (size_t)n + 64);

                if (!b)
                        return NULL;
                r->kbuf = b;
                r->kcap = (size_t)n + 64;
                va_start(ap, fmt);
                vsnprintf(r->kbuf, r->kcap, fmt, ap);
                va_end(ap);
        }
        return r->kbuf;
}

/* Sends what was appended and reads every reply: one round trip.
 * Returns 0 with *out owning n_pending replies, or -1 with r->c->err set
 * (the connection is then unusable). */
static int rs_read(struct redis_store *r, redisReply ***out)
{
        redisReply **rep = calloc(r->n_pending ? r->n_pending : 1, sizeof(*rep));
        size_t i;
        void *one;

        *out = NULL;
        if (!rep)
                return -1;
        r->round_trips++;
        for (i = 0; i < r->n_pending; i++) {
                if (redisGetReply(r->c, &one) != REDIS_OK) {
                        replies_free(rep, i);
                        return -1;
                }
                rep[i] = one;
        }
        *out = rep;
        return 0;
}

/* Checks the replies of a plain pipeline (the handshake's AUTH, SELECT,
 * PING; writes with no_multi); names the first failed command. */
static int rs_check_each(struct redis_store *r, redisReply **rep, char *errstr,
                         size_t errstr_size)
{
        size_t i;

        for (i = 0; i < r->n_pending; i++) {
                if (rep[i]->type == REDIS_REPLY_ERROR) {
                        set_err(errstr, errstr_size, "redis %s: %s: %s", r->where,
                                r->names[i], rep[i]->str);
                        return -1;
                }
        }
        return 0;
}

static int rs_handshake(struct redis_store *r, char *errstr, size_t errstr_size)
{
        const char *auth[3] = {"AUTH", r->u.user, r->u.password};
        const char *auth_pw[2] = {"AUTH", r->u.password};
        const char *ping[1] = {"PING"};
        char db[16], tmp[64];
        const char *sel[2] = {"SELECT", db};
        redisReply **rep = NULL;
        int rc = -1;

        r->n_pending = 0;
        /* AUTH user password (Redis 6 ACL) or AUTH password */
        if (r->u.password && r->u.user && rs_append(r, "AUTH", 3, auth, NULL) == -1)
                goto oom;
        if (r->u.password && !r->u.user && rs_append(r, "AUTH", 2, auth_pw, NULL) == -1)
                goto oom;
        snprintf(db, sizeof(db), "%d", r->u.db);
        if (r->u.db && rs_append(r, "SELECT", 2, sel, NULL) == -1)
                goto oom;
        if (rs_append(r, "PING", 1, ping, NULL) == -1)
                goto oom;
        if (rs_read(r, &rep) == -1) {
                set_err(errstr, errstr_size, "redis %s: handshake: %s", r->where,
                        rs_conn_err(r, tmp, sizeof(tmp)));
                return -1;
        }
        rc = rs_check_each(r, rep, errstr, errstr_size);
        replies_free(rep, r->n_pending);
        return rc;
oom:
        set_err(errstr, errstr_size, "redis %s: handshake: out of memory", r->where);
        return -1;
}

/* (Re)opens the connection: connect, AUTH, SELECT, PING. */
static int rs_connect(struct redis_store *r, char *errstr, size_t errstr_size)
{
        struct timeval tv = {r->timeout_ms / 1000, (r->timeout_ms % 1000) * 1000};
        char tmp[64];

        redisFree(r->c);
        if (r->u.path)
                r->c = redisConnectUnixWithTimeout(r->u.path, tv);
        else
                r->c = redisConnectWithTimeout(r->u.host, r->u.port, tv);
        if (!r->c || r->c->err) {
                set_err(errstr, errstr_size, "redis %s: connect: %s", r->where,
                        rs_conn_err(r, tmp, sizeof(tmp)));
                goto fail;
        }
        if (redisSetTimeout(r->c, tv) != REDIS_OK) {
                set_err(errstr, errstr_size, "redis %s: set timeout: %s", r->where,
                        r->c->errstr);
                goto fail;
        }
        if (rs_handshake(r, errstr, errstr_size) == -1)
                goto fail;
        log_info(LOG_CTX, "connected to %s db %d", r->where, r->u.db);
        return 0;
fail:
        redisFree(r->c);
        r->c = NULL;
        return -1;
}

/* One round trip of the commands build() appends, on a live connection:
 * a connection found broken, before or during the call, is reopened
 * once.  what names the call in messages. */
static int rs_call(struct redis_store *r, const char *what, build_fn build, void *ctx,
                   redisReply ***out, char *errstr, size_t errstr_size)
{
        char tmp[64];
        int attempt, fresh;

        for (attempt = 0; attempt < 2; attempt++) {
                fresh = 0;
                if (!r->c || r->c->err) {
                        if (r->c)
                                log_warn(LOG_CTX, "%s: reconnecting after: %s", r->where,
                                         rs_conn_err(r, tmp, sizeof(tmp)));
                        if (rs_connect(r, errstr, errstr_size) == -1)
                                return -1;
                        fresh = 1;
                }
                r->n_pending = 0;
                if (build(r, ctx) == -1) {
                        set_err(errstr, errstr_size, "redis %s: %s: out of memory",
                                r->where, what);
                        /* half a pipeline sits in the buffer: start afresh */
                        redisFree(r->c);
                        r->c = NULL;
                        return -1;
                }
                if (rs_read(r, out) == 0)
                        return 0;
                if (!r->c->err) {
                        set_err(errstr, errstr_size, "redis %s: %s: out of memory",
                                r->where, what);
                        redisFree(r->c);
                        r->c = NULL;
                        return -1;
                }
                if (fresh)
                        break;
        }
        set_err(errstr, errstr_size, "redis %s: %s: %s", r->where, what,
                rs_conn_err(r, tmp, sizeof(tmp)));
        return -1;
}

/* Checks MULTI ... EXEC replies (or, with no_multi, the plain pipeline's);
 * names the first failed command. */
static int rs_check_tx(struct redis_store *r, redisReply **rep, char *errstr,
                       size_t errstr_size)
{
        size_t i, n = r->n_pending;
        const redisReply *exec;

        if (r->no_multi)
                return rs_check_each(r, rep, errstr, errstr_size);
        exec = rep[n - 1];

        for (i = 0; i + 1 < n; i++) {
                if (rep[i]->type == REDIS_REPLY_ERROR)
                        goto cmd_err;
        }
        if (exec->type == REDIS_REPLY_ERROR) {
                set_err(errstr, errstr_size, "redis %s: EXEC: %s", r->where, exec->str);
                return -1;
        }
        if (exec->type != REDIS_REPLY_ARRAY) {
                set_err(errstr, errstr_size, "redis %s: EXEC: transaction aborted",
                        r->where);
                return -1;
        }
        for (i = 0; i < exec->elements && i + 2 < n; i++) {
                if (exec->element[i]->type == REDIS_REPLY_ERROR) {
                        set_err(errstr, errstr_size, "redis %s: %s: %s", r->where,
                                r->names[i + 1], exec->element[i]->str);
                        return -1;
                }
        }
        return 0;
cmd_err:
        set_err(errstr, errstr_size, "redis %s: %s: %s", r->where, r->names[i],
                rep[i]->str);
        return -1;
}

/* ---- keys ---------------------------------------------------------- */

/* The record ZSET of a proposition key. */
static const char *rs_recs_key(struct redis_store *r, const char *prop)
{
        static const char hex[] = "0123456789abcdef";
        unsigned char md[SHA_DIGEST_LENGTH];
        char h[PROP_HASH_HEX + 1];
        int i;

        SHA1((const unsigned char *)prop, strlen(prop), md);
        for (i = 0; i < PROP_HASH_HEX / 2; i++) {
                h[2 * i] = hex[md[i] >> 4];
                h[2 * i + 1] = hex[md[i] & 15];
        }
        h[PROP_HASH_HEX] = 0;
        return rs_key(r, "%s{p:%s}:recs", r->ns, h);
}

/* Appends "cmd key arg..." with the key built by rs_key. */
static int rs_cmd(struct redis_store *r, const char *name, const char *key, int argc,
                  const char **args)
{
        const char *argv[8];
        int i;

        if (!key || argc > 6)
                return -1;
        argv[0] = name;
        argv[1] = key;
        for (i = 0; i < argc; i++)
                argv[i + 2] = args[i];
        return rs_append(r, name, argc + 2, argv, NULL);
}

/* ---- lookup -------------------------------------------------------- */

/* Every record of a key, or when it holds more than ARGV[1], the oldest
 * half and the newest half (store.h): one command, one slot. */
static const char lookup_script[] =
    "local n = redis.call('ZCARD', KEYS[1]) "
    "local m = tonumber(ARGV[1]) "
    "if m == 0 or n <= m then return redis.call('ZRANGE', KEYS[1], 0, -1) end "
    "local h = math.floor(m / 2) "
    "local a = {} "
    "if h > 0 then a = redis.call('ZRANGE', KEYS[1], 0, h - 1) end "
    "local b = redis.call('ZRANGE', KEYS[1], h - m, -1) "
    "for i = 1, #b do a[#a + 1] = b[i] end "
    "return a";

static int build_lookup(struct redis_store *r, void *ctx)
{
        const struct store_query *q = ctx;
        const char *argv[5];
        char max[32];
        size_t i;

        snprintf(max, sizeof(max), "%zu", q->max_per_key);
        for (i = 0; i < q->n_articles; i++) {
                if (rs_cmd(r, "EXISTS",
                           rs_key(r, "%sdone:{%s}", r->ns, q->article_ids[i]), 0,
                           NULL) == -1)
                        return -1;
        }
        for (i = 0; i < q->n_keys; i++) {
                argv[0] = "EVAL";
                argv[1] = lookup_script;
                argv[2] = "1";
                if (!(argv[3] = rs_recs_key(r, q->keys[i])))
                        return -1;
                argv[4] = max;
                if (rs_append(r, "EVAL", 5, argv, NULL) == -1)
                        return -1;
        }
        return 0;
}

/* Parses a ZRANGE reply into a JSON array, skipping bad members. */
static json_t *recs_from_reply(const redisReply *rep, const char *prop)
{
        json_t *a = json_array(), *rec;
        json_error_t jerr;
        size_t i;

        for (i = 0; a && i < rep->elements; i++) {
                const redisReply *m = rep->element[i];

                if (m->type != REDIS_REPLY_STRING)
                        continue;
                rec = json_loadb(m->str, m->len, 0, &jerr);
                if (!json_is_object(rec)) {
                        log_warn(LOG_CTX,
                                 "skipping a record under %s: not a JSON object: %s",
                                 prop, rec ? "other JSON" : jerr.text);
                        json_decref(rec);
                        continue;
                }
                if (json_array_append_new(a, rec) == -1) {
                        json_decref(a);
                        return NULL;
                }
        }
        return a;
}

static int lookup_replies(struct redis_store *r, struct store_query *q, redisReply **rep,
                          char *errstr, size_t errstr_size)
{
        size_t i;

        for (i = 0; i < r->n_pending; i++) {
                if (rep[i]->type == REDIS_REPLY_ERROR) {
                        set_err(errstr, errstr_size, "redis %s: %s: %s", r->where,
                                r->names[i], rep[i]->str);
                        return -1;
                }
        }
        for (i = 0; i < q->n_articles; i++)
                q->done[i] = rep[i]->type == REDIS_REPLY_INTEGER && rep[i]->integer > 0;
        for (i = 0; i < q->n_keys; i++) {
                const redisReply *z = rep[q->n_articles + i];

                q->recs[i] = z->type == REDIS_REPLY_ARRAY ? recs_from_reply(z, q->keys[i])
                                                          : json_array();
                if (!q->recs[i]) {
                        set_err(errstr, errstr_size, "redis %s: lookup: out of memory",
                                r->where);
                        return -1;
                }
        }
        return 0;
}

static int redis_lookup(struct store *s, struct store_query *q, char *errstr,
                        size_t errstr_size)
{
        struct redis_store *r = (struct redis_store *)s;
        redisReply **rep = NULL;
        int rc = -1;

        q->done = calloc(q->n_articles ? q->n_articles : 1, sizeof(*q->done));
        q->recs = calloc(q->n_keys ? q->n_keys : 1, sizeof(*q->recs));
        if (!q->done || !q->recs) {
                set_err(errstr, errstr_size, "redis %s: lookup: out of memory", r->where);
                goto out;
        }
        if (q->n_articles + q->n_keys == 0)
                return 0;
        if (rs_call(r, "lookup", build_lookup, q, &rep, errstr, errstr_size) == -1)
                goto out;
        rc = lookup_replies(r, q, rep, errstr, errstr_size);
out:
        replies_free(rep, rep ? r->n_pending : 0);
        if (rc == -1)
                store_query_clear(q);
        return rc;
}

/* ---- put ----------------------------------------------------------- */

struct put_ctx {
        size_t n;
        const struct store_rec **idx; /* sorted by key: one ZADD per key */
        const char **argv;
        size_t *lens;
        char *scores; /* 24 bytes per record */
};

static int cmp_by_key(const void *a, const void *b)
{
        const struct store_rec *const *x = a, *const *y = b;

        return strcmp((*x)->key, (*y)->key);
}

/* Entity index: fields 2 and 3 of "frame|agent|patient|theme". */
static int build_entities(struct redis_store *r, const char *prop, const char *score,
                          const char *ttl)
{
        const char *p = strchr(prop, '|'), *end, *ent[2] = {NULL, NULL};
        size_t len[2] = {0, 0};
        const char *args[2] = {score, prop};
        int i;

        for (i = 0; p && i < 2; i++) {
                end = strchr(p + 1, '|');
                ent[i] = p + 1;
                len[i] = end ? (size_t)(end - p - 1) : strlen(p + 1);
                p = end;
        }
        for (i = 0; i < 2; i++) {
                if (!ent[i] || !len[i])
                        continue;
                if (i == 1 && len[0] == len[1] && memcmp(ent[0], ent[1], len[1]) == 0)
                        continue;
                if (rs_cmd(r, "ZADD",
                           rs_key(r, "%sent:{%.*s}", r->ns, (int)len[i], ent[i]), 2,
                           args) == -1 ||
                    rs_cmd(r, "EXPIRE",
                           rs_key(r, "%sent:{%.*s}", r->ns, (int)len[i], ent[i]), 1,
                           &ttl) == -1)
                        return -1;
        }
        return 0;
}

/* ZADD, ZREMRANGEBYSCORE and EXPIRE of one key's records [from, to). */
static int build_put_key(struct redis_store *r, struct put_ctx *pc, size_t from,
                         size_t to, const char *ttl)
{
        const struct store_rec *first = pc->idx[from];
        int64_t newest = INT64_MIN;
        char cut[32];
        const char *rem[2] = {"-inf", cut};
        int argc = 2;
        size_t i;

        pc->argv[0] = "ZADD";
        if (!(pc->argv[1] = rs_recs_key(r, first->key)))
                return -1;
        pc->lens[0] = 4;
        pc->lens[1] = strlen(pc->argv[1]);
        for (i = from; i < to; i++) {
                const struct store_rec *sr = pc->idx[i];
                char *sc = pc->scores + 24 * i;

                snprintf(sc, 24, "%lld", (long long)sr->ts_ms);
                if (sr->ts_ms > newest)
                        newest = sr->ts_ms;
                pc->argv[argc] = sc;
                pc->lens[argc++] = strlen(sc);
                pc->argv[argc] = sr->json;
                pc->lens[argc++] = strlen(sr->json);
        }
        if (rs_append(r, "ZADD", argc, pc->argv, pc->lens) == -1)
                return -1;
        /* exclusive: drop scores below newest - ttl */
        snprintf(cut, sizeof(cut), "(%lld", (long long)(newest - r->ttl_s * 1000));
        if (rs_cmd(r, "ZREMRANGEBYSCORE", rs_recs_key(r, first->key), 2, rem) == -1 ||
            rs_cmd(r, "EXPIRE", rs_recs_key(r, first->key), 1, &ttl) == -1)
                return -1;
        snprintf(cut, sizeof(cut), "%lld", (long long)newest);
        return build_entities(r, first->key, cut, ttl);
}

static int build_put(struct redis_store *r, void *ctx)
{
        struct put_ctx *pc = ctx;
        const char *multi[1] = {"MULTI"}, *exec[1] = {"EXEC"};
        char ttl[32];
        size_t from, to;

        snprintf(ttl, sizeof(ttl), "%lld", (long long)r->ttl_s);
        if (!r->no_multi && rs_append(r, "MULTI", 1, multi, NULL) == -1)
                return -1;
        for (from = 0; from < pc->n; from = to) {
                const char *key = pc->idx[from]->key;

                for (to = from + 1; to < pc->n && strcmp(pc->idx[to]->key, key) == 0;
                     to++)
                        ;
                if (build_put_key(r, pc, from, to, ttl) == -1)
                        return -1;
        }
        return r->no_multi ? 0 : rs_append(r, "EXEC", 1, exec, NULL);
}

static int redis_put(struct store *s, const struct store_rec *recs, size_t n,
                     char *errstr, size_t errstr_size)
{
        struct redis_store *r = (struct redis_store *)s;
        struct put_ctx pc = {.n = n};
        redisReply **rep = NULL;
        size_t i;
        int rc = -1;

        if (n == 0)
                return 0;
        for (i = 0; i < n; i++) {
                if (!recs[i].key || !recs[i].article_id || !recs[i].json) {
                        set_err(errstr, errstr_size,
                                "redis put: record without key, article id or json");
                        return -1;
                }
        }
        pc.idx = malloc(n * sizeof(*pc.idx));
        pc.argv = malloc((2 * n + 2) * sizeof(*pc.argv));
        pc.lens = malloc((2 * n + 2) * sizeof(*pc.lens));
        pc.scores = malloc(24 * n);
        if (!pc.idx || !pc.argv || !pc.lens || !pc.scores) {
                set_err(errstr, errstr_size, "redis %s: put: out of memory", r->where);
                goto out;
        }
        for (i = 0; i < n; i++)
                pc.idx[i] = &recs[i];
        qsort(pc.idx, n, sizeof(*pc.idx), cmp_by_key);
        if (rs_call(r, "put", build_put, &pc, &rep, errstr, errstr_size) == -1)
                goto out;
        rc = rs_check_tx(r, rep, errstr, errstr_size);
out:
        replies_free(rep, rep ? r->n_pending : 0);
        free(pc.idx);
        free(pc.argv);
        free(pc.lens);
        free(pc.scores);
        return rc;
}

/* ---- mark, claim, ping -------------------------------------------- */

struct mark_ctx {
        const char *const *arts, *const *alerts;
        size_t n_art, n_alerts;
};

static int build_mark(struct redis_store *r, void *ctx)
{
        const struct mark_ctx *mc = ctx;
        const char *multi[1] = {"MULTI"}, *exec[1] = {"EXEC"};
        char ttl[32];
        const char *args[3] = {"1", "EX", ttl};
        size_t i;

        snprintf(ttl, sizeof(ttl), "%lld", (long long)r->ttl_s);
        if (!r->no_multi && rs_append(r, "MULTI", 1, multi, NULL) == -1)
                return -1;
        for (i = 0; i < mc->n_art; i++) {
                if (rs_cmd(r, "SET", rs_key(r, "%sdone:{%s}", r->ns, mc->arts[i]), 3,
                           args) == -1)
                        return -1;
        }
        for (i = 0; i < mc->n_alerts; i++) {
                if (rs_cmd(r, "SET", rs_key(r, "%salert:{%s}", r->ns, mc->alerts[i]), 3,
                           args) == -1)
                        return -1;
        }
        return r->no_multi ? 0 : rs_append(r, "EXEC", 1, exec, NULL);
}

static int redis_mark(struct store *s, const char *const *article_ids, size_t n_art,
                      const char *const *alert_ids, size_t n_alerts, char *errstr,
                      size_t errstr_size)
{
        struct redis_store *r = (struct redis_store *)s;
        struct mark_ctx mc = {article_ids, alert_ids, n_art, n_alerts};
        redisReply **rep = NULL;
        int rc;

        if (n_art + n_alerts == 0)
                return 0;
        if (rs_call(r, "mark", build_mark, &mc, &rep, errstr, errstr_size) == -1)
                return -1;
        rc = rs_check_tx(r, rep, errstr, errstr_size);
        replies_free(rep, r->n_pending);
        return rc;
}

struct claim_ctx {
        const char *channel, *alert_id;
};

static int build_claim(struct redis_store *r, void *ctx)
{
        const struct claim_ctx *cc = ctx;
        char ttl[32];
        const char *args[4] = {"1", "NX", "EX", ttl};

        snprintf(ttl, sizeof(ttl), "%lld", (long long)r->ttl_s);
        return rs_cmd(r, "SET",
                      rs_key(r, "%sclaim:%s:{%s}", r->ns, cc->channel, cc->alert_id), 4,
                      args);
}

static int redis_claim(struct store *s, const char *channel, const char *alert_id,
                       char *errstr, size_t errstr_size)
{
        struct redis_store *r = (struct redis_store *)s;
        struct claim_ctx cc = {channel, alert_id};
        redisReply **rep = NULL;
        int rc = -1;

        if (rs_call(r, "claim", build_claim, &cc, &rep, errstr, errstr_size) == -1)
                return -1;
        if (rep[0]->type == REDIS_REPLY_STATUS)
                rc = 1;
        else if (rep[0]->type == REDIS_REPLY_NIL)
                rc = 0;
        else
                set_err(errstr, errstr_size, "redis %s: SET NX: %s", r->where,
                        rep[0]->type == REDIS_REPLY_ERROR ? rep[0]->str
                                                          : "unexpected reply");
        replies_free(rep, r->n_pending);
        return rc;
}

static int build_ping(struct redis_store *r, void *ctx)
{
        const char *argv[1] = {"PING"};

        (void)ctx;
        return rs_append(r, "PING", 1, argv, NULL);
}

static int redis_ping(struct store *s, char *errstr, size_t errstr_size)
{
        struct redis_store *r = (struct redis_store *)s;
        redisReply **rep = NULL;
        int rc = 0;

        if (rs_call(r, "ping", build_ping, NULL, &rep, errstr, errstr_size) == -1)
                return -1;
        if (rep[0]->type == REDIS_REPLY_ERROR) {
                set_err(errstr, errstr_size, "redis %s: PING: %s", r->where, rep[0]->str);
                rc = -1;
        }
        replies_free(rep, r->n_pending);
        return rc;
}

/* ---- namespace clean-up -------------------------------------------- */

struct scan_ctx {
        const char *cursor;
        const char *pattern;
        const redisReply *keys; /* for UNLINK/DEL */
};

static int build_scan(struct redis_store *r, void *ctx)
{
        const struct scan_ctx *sc = ctx;
        const char *argv[6] = {"SCAN",      sc->cursor, "MATCH",
                               sc->pattern, "COUNT",    SCAN_COUNT};

        return rs_append(r, "SCAN", 6, argv, NULL);
}

static int build_unlink(struct redis_store *r, void *ctx)
{
        const struct scan_ctx *sc = ctx;
        const char *name = r->no_unlink ? "DEL" : "UNLINK";
        size_t i, n = sc->keys->elements;
        const char **argv = malloc((n + 1) * sizeof(*argv));
        size_t *lens = malloc((n + 1) * sizeof(*lens));
        int rc = -1;

        if (!argv || !lens)
                goto out;
        argv[0] = name;
        lens[0] = strlen(name);
        for (i = 0; i < n; i++) {
                argv[i + 1] = sc->keys->element[i]->str;
                lens[i + 1] = sc->keys->element[i]->len;
        }
        rc = rs_append(r, name, (int)n + 1, argv, lens);
out:
        free(argv);
        free(lens);
        return rc;
}

/* Deletes the keys of one SCAN reply. */
static int drop_keys(struct redis_store *r, struct scan_ctx *sc, char *errstr,
                     size_t errstr_size)
{
        redisReply **rep = NULL;
        int rc = -1;

        if (rs_call(r, "drop namespace", build_unlink, sc, &rep, errstr, errstr_size) ==
            -1)
                return -1;
        if (rep[0]->type == REDIS_REPLY_ERROR && !r->no_unlink &&
            strstr(rep[0]->str, "unknown command")) {
                replies_free(rep, r->n_pending);
                r->no_unlink = 1;
                return drop_keys(r, sc, errstr, errstr_size);
        }
        if (rep[0]->type == REDIS_REPLY_ERROR)
                set_err(errstr, errstr_size, "redis %s: %s: %s", r->where, r->names[0],
                        rep[0]->str);
        else
                rc = 0;
        replies_free(rep, r->n_pending);
        return rc;
}

/* The namespace as a SCAN MATCH pattern: glob characters escaped. */
static char *ns_pattern(const char *ns)
{
        char *pat = malloc(2 * strlen(ns) + 2), *o = pat;

        if (!pat)
                return NULL;
        for (; *ns; ns++) {
                if (strchr("*?[]\\", *ns))
                        *o++ = '\\';
                *o++ = *ns;
        }
        *o++ = '*';
        *o = 0;
        return pat;
}

static int scan_reply_ok(const redisReply *rep)
{
        return rep->type == REDIS_REPLY_ARRAY && rep->elements == 2 &&
               rep->element[0]->type == REDIS_REPLY_STRING &&
               rep->element[1]->type == REDIS_REPLY_ARRAY;
}

int store_redis_drop_namespace(struct store *s, char *errstr, size_t errstr_size)
{
        struct redis_store *r = (struct redis_store *)s;
        struct scan_ctx sc = {.cursor = "0"};
        redisReply **rep = NULL;
        char cursor[32];
        char *pat = NULL;
        int rc = -1;

        if (!s || s->ops != &redis_ops) {
                set_err(errstr, errstr_size, "drop namespace: not a redis store");
                return -1;
        }
        if (!(pat = ns_pattern(r->ns))) {
                set_err(errstr, errstr_size, "redis %s: drop namespace: out of memory",
                        r->where);
                return -1;
        }
        sc.pattern = pat;
        do {
                if (rs_call(r, "drop namespace", build_scan, &sc, &rep, errstr,
                            errstr_size) == -1)
                        goto out;
                if (!scan_reply_ok(rep[0])) {
                        set_err(errstr, errstr_size, "redis %s: SCAN: %s", r->where,
                                rep[0]->type == REDIS_REPLY_ERROR ? rep[0]->str
                                                                  : "unexpected reply");
                        goto out;
                }
                snprintf(cursor, sizeof(cursor), "%s", rep[0]->element[0]->str);
                sc.cursor = cursor;
                sc.keys = rep[0]->element[1];
                if (sc.keys->elements && drop_keys(r, &sc, errstr, errstr_size) == -1)
                        goto out;
                replies_free(rep, 1);
                rep = NULL;
        } while (strcmp(cursor, "0") != 0);
        log_info(LOG_CTX, "%s: dropped namespace %s", r->where, r->ns);
        rc = 0;
out:
        replies_free(rep, rep ? 1 : 0);
        free(pat);
        return rc;
}

unsigned long store_redis_round_trips(struct store *s)
{
        if (!s || s->ops != &redis_ops)
                return 0;
        return ((struct redis_store *)s)->round_trips;
}

/* ---- life cycle ---------------------------------------------------- */

static void redis_destroy(struct store *s)
{
        struct redis_store *r = (struct redis_store *)s;

        redisFree(r->c);
        url_clear(&r->u);
        free(r->ns);
        free(r->names);
        free(r->kbuf);
        free(r);
}

static const struct store_ops redis_ops = {
    .name = "redis",
    .needs_text = 1,
    .lookup = redis_lookup,
    .put = redis_put,
    .mark = redis_mark,
    .claim = redis_claim,
    .ping = redis_ping,
    .destroy = redis_destroy,
};

struct store *store_redis_new(const char *url, const struct store_opts *o, char *errstr,
                              size_t errstr_size)
{
        struct redis_store *r = calloc(1, sizeof(*r));

        if (!r) {
                set_err(errstr, errstr_size, "redis: out of memory");
                return NULL;
        }
        r->base.ops = &redis_ops;
        if (!url || url_parse(url, &r->u, errstr, errstr_size) == -1) {
                if (!url)
                        set_err(errstr, errstr_size, "redis url: missing");
                goto fail;
        }
        if (r->u.path)
                snprintf(r->where, sizeof(r->where), "%s", r->u.path);
        else
                snprintf(r->where, sizeof(r->where),
                         strchr(r->u.host, ':') ? "[%s]:%d" : "%s:%d", r->u.host,
                         r->u.port);
        r->ns = strdup(o && o->ns && *o->ns ? o->ns : DEFAULT_NS);
        r->ttl_s = o && o->ttl_s > 0 ? o->ttl_s : DEFAULT_TTL_S;
        r->no_multi = o && o->no_multi;
        r->timeout_ms = o && o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
        r->kcap = 256;
        r->kbuf = malloc(r->kcap);
        if (!r->ns || !r->kbuf) {
                set_err(errstr, errstr_size, "redis: out of memory");
                goto fail;
        }
        if (rs_connect(r, errstr, errstr_size) == -1)
                goto fail;
        return &r->base;
fail:
        redis_destroy(&r->base);
        return NULL;
}
