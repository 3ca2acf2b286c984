/* replay.c - `claimwatch replay` (see replay.h).
 *
 * Three steps: collect the articles (a file, or every partition of a topic
 * read directly without a consumer group), keeping those whose
 * published_at falls in [warm_from or from, to); sort them by published_at
 * (stable), so "earlier" means earlier in the news, not in the log; run
 * them through the pipeline in batches — warm-up articles only fill the
 * store — into an isolated store.  A report goes to stderr. */
#include "replay.h"

#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kafka.h"
#include "lexicon.h"
#include "log.h"
#include "pipeline.h"
#include "report.h"
#include "sink.h"
#include "sinks.h"
#include "store.h"

/* One collected article and where it came from. */
struct entry {
        struct article *art;  /* NULL when its bytes are parsed again at its turn */
        size_t off;           /* where its bytes start in the input */
        size_t no;            /* input order, for a stable sort */
        size_t line;          /* its line in a file of JSON lines, or 0 */
        size_t len;           /* input bytes */
        int64_t published_ms; /* of the article */
};

/* The bytes of an input.  A regular file is read twice through one
 * window of memory that is reused (in input order to collect, then in
 * published_at order): fresh memory costs more than the reads (the kernel
 * zeroes each new page; ~2 ms a MB on the VM we measure on, so holding a
 * 64 MB file was ~8% of a replay).  Anything else (a pipe) is read whole
 * into data. */
struct input {
        const char *data; /* the whole input, when not a regular file */
        size_t len;       /* its bytes */
        int fd;           /* a regular file read through win, or -1 */
        char *win;        /* the window: file bytes [win_off, win_off + win_len) */
        size_t win_cap, win_len, win_off;
};

#define INPUT_WINDOW (1024 * 1024)

struct collect {
        struct entry *v;
        size_t n, cap;
        const struct replay_opts *ro;
        struct article_limits lim;
        struct report_counts counts;
        /* A file's articles are parsed to be sorted, then dropped and
         * parsed again from its bytes at their turn, which costs less than
         * keeping every article of a big file (fresh memory for each). */
        struct input in;
        int keep_src;
        size_t src_off;  /* input offset of the bytes collect_one is given */
        size_t src_line; /* and their line, or 0 */
};

static void input_close(struct input *in)
{
        if (in->fd < 0)
                free((char *)in->data);
        free(in->win);
        memset(in, 0, sizeof(*in));
        in->fd = -1;
}

static void collect_free(struct collect *co)
{
        size_t i;

        for (i = 0; i < co->n; i++)
                article_free(co->v[i].art);
        free(co->v);
        input_close(&co->in);
}

/* Parses one input and keeps it when it falls in the window.  where
 * names it in a rejection message (NULL: its line, co->src_line). */
static int collect_one(struct collect *co, const char *buf, size_t len, int64_t ts,
                       const char *where)
{
        const struct replay_opts *ro = co->ro;
        int64_t lo = ro->warm_from_ms ? ro->warm_from_ms : ro->from_ms, ms;
        struct article *art = NULL;
        enum article_err err;
        char errstr[256], line[48];
        struct entry *e;

        /* An input kept for later is parsed at its turn: a quick look for
         * published_at will do now, when it is inside the window (outside,
         * the parse tells a rejected article from one outside). */
        if (!co->keep_src || article_peek_time(buf, len, &ms) != 0 || (lo && ms < lo) ||
            (ro->to_ms && ms >= ro->to_ms)) {
                if (article_parse(buf, len, ts, &co->lim, &art, &err, errstr,
                                  sizeof(errstr)) == -1) {
                        if (!where) {
                                snprintf(line, sizeof(line), "line %zu", co->src_line);
                                where = line;
                        }
                        log_warn("replay", "%s rejected: %s", where, errstr);
                        co->counts.rejected++;
                        return 0;
                }
                ms = art->published_ms;
                if ((lo && ms < lo) || (ro->to_ms && ms >= ro->to_ms)) {
                        co->counts.outside++;
                        article_free(art);
                        return 0;
                }
                if (co->keep_src) {
                        article_free(art);
                        art = NULL;
                }
        }
        if (co->n == co->cap) {
                size_t cap = co->cap ? co->cap * 2 : 256;
                struct entry *v = realloc(co->v, cap * sizeof(*v));

                if (!v) {
                        article_free(art);
                        return -1;
                }
                co->v = v;
                co->cap = cap;
        }
        e = &co->v[co->n];
        e->art = art;
        e->off = co->src_off;
        e->line = co->src_line;
        e->len = len;
        e->no = co->n;
        e->published_ms = ms;
        co->n++;
        return 0;
}

/* Reads up to len bytes of the file at off into buf; fewer only at the
 * end of the file.  Returns the bytes read, or -1. */
static ssize_t read_at(int fd, char *buf, size_t len, size_t off)
{
        size_t got = 0;
        ssize_t r;

        while (got < len) {
                r = pread(fd, buf + got, len - got, (off_t)(off + got));
                if (r == -1 && errno == EINTR)
                        continue;
                if (r == -1)
                        return -1;
                if (r == 0)
                        break;
                got += (size_t)r;
        }
        return (ssize_t)got;
}

/* Makes the window hold at least cap bytes. Returns 0 or -1. */
static int window_reserve(struct input *in, size_t cap)
{
        char *w;

        if (cap <= in->win_cap)
                return 0;
        if (!(w = realloc(in->win, cap + 1)))
                return -1;
        in->win = w;
        in->win_cap = cap;
        return 0;
}

/* Fills the window with the file's bytes from off on: want bytes at
 * least (the window grows to hold them), as many as fit when more.
 * Returns the bytes in the window, or -1 (out of memory, read error). */
static ssize_t window_fill(struct input *in, size_t off, size_t want, size_t more)
{
        ssize_t got;

        if (window_reserve(in, want > more ? want : more) == -1)
                return -1;
        got = read_at(in->fd, in->win, want > more ? want : more, off);
        in->win_off = off;
        in->win_len = got > 0 ? (size_t)got : 0;
        in->win[in->win_len] = '\0';
        return got;
}

/* The len bytes of the input at off, or NULL when they cannot be read
 * (errno ENODATA: the file shrank since they were collected; a read
 * error; ENOMEM).  The pointer stays valid until the next call.  ahead says the
 * next bytes wanted are close after these, so a whole window is read. */
static const char *input_bytes(struct input *in, size_t off, size_t len, int ahead)
{
        ssize_t got;

        if (in->fd < 0 && off + len <= in->len)
                return in->data + off;
        if (in->fd >= 0 && off >= in->win_off && off + len <= in->win_off + in->win_len)
                return in->win + (off - in->win_off);
        if (in->fd >= 0 &&
            (got = window_fill(in, off, len, ahead ? INPUT_WINDOW : len)) < 0)
                return NULL;
        if (in->fd < 0 || (size_t)got < len) {
                errno = ENODATA;
                return NULL;
        }
        return in->win + (off - in->win_off);
}

/* Reads a whole stream into memory. */
static char *slurp(FILE *fp, size_t *lenp)
{
        size_t cap = 1 << 16, len = 0, got;
        char *buf = malloc(cap + 1), *nb;

        while (buf && (got = fread(buf + len, 1, cap - len, fp)) > 0) {
                len += got;
                if (len == cap) {
                        cap *= 2;
                        if (!(nb = realloc(buf, cap + 1))) {
                                free(buf);
                                return NULL;
                        }
                        buf = nb;
                }
        }
        if (buf)
                buf[len] = '\0';
        *lenp = len;
        return buf;
}

/* A regular file read from its start is read through the window; any
 * other input is read whole. */
static int input_open(struct input *in, FILE *fp)
{
        struct stat sb;
        int fd = fileno(fp);

        memset(in, 0, sizeof(*in));
        in->fd = -1;
        if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && ftello(fp) == 0) {
                in->fd = fd;
                return 0;
        }
        in->data = slurp(fp, &in->len);
        return in->data ? 0 : -1;
}

/* The length of the run of bytes of set at p, before end. */
static size_t span_of(const char *p, const char *end, const char *set)
{
        const char *s = p;

        while (s < end && *s && strchr(set, *s))
                s++;
        return (size_t)(s - p);
}

/* Collects the lines of buf[0..len), which starts at input offset base.
 * A last line without its newline is collected only when eof says the
 * input ends there.  Returns the bytes consumed (complete lines), or -1
 * when out of memory. */
static ssize_t collect_lines(struct collect *co, const char *buf, size_t len, size_t base,
                             int eof, size_t *lineno)
{
        const char *p, *end, *stop = buf + len;

        for (p = buf; p < stop; p = end + 1) {
                end = memchr(p, '\n', (size_t)(stop - p));
                if (!end && !eof)
                        break;
                if (!end)
                        end = stop;
                ++*lineno;
                if (span_of(p, end, " \t\r") >= (size_t)(end - p))
                        continue; /* blank line */
                co->src_off = base + (size_t)(p - buf);
                co->src_line = *lineno;
                if (collect_one(co, p, (size_t)(end - p), 0, NULL) == -1)
                        return -1;
        }
        return p > stop ? (ssize_t)len : (ssize_t)(p - buf);
}

/* Whether the input is JSON lines: its first byte but blanks and a BOM
 * is '{'.  Otherwise the whole input is one (dateline text) article. */
static int is_json_lines(const char *p, const char *stop)
{
        p += span_of(p, stop, " \t\r\n");
        if (stop - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
                p += 3;
        return p < stop && *p == '{';
}

/* A regular file, through the window: complete lines of each window are
 * collected, and the next window starts at the first line not done (a
 * line longer than the window grows it). */
static int collect_window(struct collect *co, char *errstr, size_t errstr_size)
{
        struct input *in = &co->in;
        size_t pos = 0, lineno = 0, want = INPUT_WINDOW;
        ssize_t got, used;
        int eof;

        for (;;) {
                if ((got = window_fill(in, pos, want, want)) < 0)
                        goto fail;
                eof = (size_t)got < want;
                if (pos == 0 && !is_json_lines(in->win, in->win + got)) {
                        if (!eof) { /* one article: read it whole */
                                want *= 2;
                                continue;
                        }
                        co->src_off = 0;
                        return collect_one(co, in->win, (size_t)got, 0, "input") == -1
                                   ? (snprintf(errstr, errstr_size, "out of memory"), -1)
                                   : 0;
                }
                used = collect_lines(co, in->win, (size_t)got, pos, eof, &lineno);
                if (used < 0) {
                        snprintf(errstr, errstr_size, "out of memory reading input");
                        return -1;
                }
                if (eof)
                        return 0;
                if (used == 0)
                        want *= 2; /* a line longer than the window */
                pos += (size_t)used;
        }
fail:
        snprintf(errstr, errstr_size, "%s: %s", co->ro->input, strerror(errno));
        return -1;
}

/* JSON lines, one article each; or, when the input does not start with
 * '{', the whole input is one (dateline text) article. */
static int collect_file(struct collect *co, FILE *fp, char *errstr, size_t errstr_size)
{
        size_t lineno = 0;

        if (input_open(&co->in, fp) == -1) {
                snprintf(errstr, errstr_size, "out of memory reading input");
                return -1;
        }
        co->keep_src = 1;
        if (co->in.fd >= 0)
                return collect_window(co, errstr, errstr_size);
        co->src_off = 0;
        if (!is_json_lines(co->in.data, co->in.data + co->in.len))
                return collect_one(co, co->in.data, co->in.len, 0, "input");
        if (collect_lines(co, co->in.data, co->in.len, 0, 1, &lineno) == -1) {
                snprintf(errstr, errstr_size, "out of memory reading input");
                return -1;
        }
        return 0;
}

/* Whether a signal asked the replay to stop. */
static int interrupted(const struct replay_opts *ro)
{
        return ro->running && !*ro->running;
}

/* Start offsets: the first offset at or after the window's start where the
 * broker answers timestamp lookups, else the beginning (the mock broker
 * answers -1, so the window is then applied by scanning). */
static void start_offsets(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *parts,
                          int64_t lo)
{
        rd_kafka_topic_partition_list_t *q;
        int i;

        for (i = 0; i < parts->cnt; i++)
                parts->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
        if (!lo)
                return;
        q = rd_kafka_topic_partition_list_copy(parts);
        for (i = 0; i < q->cnt; i++)
                q->elems[i].offset = lo;
        if (rd_kafka_offsets_for_times(rk, q, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                for (i = 0; i < q->cnt; i++)
                        if (q->elems[i].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
                            q->elems[i].offset >= 0)
                                parts->elems[i].offset = q->elems[i].offset;
        }
        rd_kafka_topic_partition_list_destroy(q);
}

static rd_kafka_t *replay_consumer(const struct config *cfg, char *errstr,
                                   size_t errstr_size)
{
        rd_kafka_conf_t *conf = kafka_conf_new(cfg, errstr, errstr_size);
        char kerr[512];
        rd_kafka_t *rk;

        if (!conf)
                return NULL;
        /* A group id is required by the client, but nothing is ever
         * committed: partitions are assigned, not subscribed. */
        rd_kafka_conf_set(conf, "group.id", "claimwatch-replay", NULL, 0);
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", NULL, 0);
        rd_kafka_conf_set(conf, "enable.auto.offset.store", "false", NULL, 0);
        rd_kafka_conf_set(conf, "enable.partition.eof", "true", NULL, 0);
        if (!(rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, kerr, sizeof(kerr)))) {
                rd_kafka_conf_destroy(conf);
                snprintf(errstr, errstr_size, "kafka: %s", kerr);
                return NULL;
        }
        rd_kafka_poll_set_consumer(rk);
        return rk;
}

/* Reads every partition of the topic to its end.  A message timestamp
 * past --to does not end a partition: producers set CreateTime, which
 * need not grow along the log, and the window is on published_at. */
static int collect_topic(struct collect *co, const struct config *cfg, char *errstr,
                         size_t errstr_size)
{
        const struct replay_opts *ro = co->ro;
        rd_kafka_t *rk = replay_consumer(cfg, errstr, errstr_size);
        rd_kafka_topic_partition_list_t *parts = NULL;
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_topic_t *rkt = NULL;
        int i, done = 0, nparts, rc = -1;
        char *stopped = NULL, where[160];

        if (!rk)
                return -1;
        rkt = rd_kafka_topic_new(rk, ro->topic, NULL);
        if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR ||
            md->topic_cnt != 1 || md->topics[0].err || md->topics[0].partition_cnt == 0) {
                snprintf(errstr, errstr_size, "topic %s: no metadata (does it exist?)",
                         ro->topic);
                goto done;
        }
        nparts = md->topics[0].partition_cnt;
        parts = rd_kafka_topic_partition_list_new(nparts);
        stopped = calloc((size_t)nparts, 1);
        for (i = 0; i < nparts; i++)
                rd_kafka_topic_partition_list_add(parts, ro->topic,
                                                  md->topics[0].partitions[i].id);
        start_offsets(rk, parts, ro->warm_from_ms ? ro->warm_from_ms : ro->from_ms);
        if (!stopped || rd_kafka_assign(rk, parts)) {
                snprintf(errstr, errstr_size, "topic %s: cannot assign partitions",
                         ro->topic);
                goto done;
        }
        while (done < nparts && !interrupted(ro)) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 1000);
                int64_t ts;
                int p;

                if (!m)
                        continue;
                p = m->partition >= 0 && m->partition < nparts ? m->partition : 0;
                ts = rd_kafka_message_timestamp(m, NULL);
                if (stopped[p]) {
                        /* already past the window */
                } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                        stopped[p] = 1;
                        done++;
                } else if (m->err) {
                        log_warn("replay", "%s", rd_kafka_message_errstr(m));
                } else {
                        snprintf(where, sizeof(where), "%s [%d] @%lld", ro->topic, p,
                                 (long long)m->offset);
                        if (collect_one(co, m->payload ? m->payload : "", m->len,
                                        ts > 0 ? ts : 0, where) == -1) {
                                rd_kafka_message_destroy(m);
                                snprintf(errstr, errstr_size, "out of memory");
                                goto done;
                        }
                }
                rd_kafka_message_destroy(m);
        }
        rc = 0;
done:
        free(stopped);
        if (parts)
                rd_kafka_topic_partition_list_destroy(parts);
        if (md)
                rd_kafka_metadata_destroy(md);
        if (rkt)
                rd_kafka_topic_destroy(rkt);
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        return rc;
}

static int cmp_entry(const void *a, const void *b)
{
        const struct entry *x = a, *y = b;

        if (x->published_ms != y->published_ms)
                return x->published_ms < y->published_ms ? -1 : 1;
        return x->no < y->no ? -1 : x->no > y->no;
}

static double mono_s(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(size_t done, size_t total, double t0, int final)
{
        double el = mono_s() - t0, rate = el > 0 ? done / el : 0;

        fprintf(stderr, "\rreplay: %zu/%zu articles, %.0f/s, ETA %.0fs   %s", done, total,
                rate, rate > 0 ? (total - done) / rate : 0.0, final ? "\n" : "");
        fflush(stderr);
}

/* The article of entry i, parsed again from its bytes when it was not
 * kept, into *artp (the caller owns it).  Returns 0, 1 when the bytes
 * are gone (the file changed since they were collected: the article is
 * counted as rejected and skipped), or -1 when out of memory. */
static int entry_take(struct collect *co, size_t i, struct article **artp)
{
        struct entry *e = &co->v[i];
        enum article_err err = ARTICLE_OK;
        const char *src;
        char errstr[256], where[48];
        int ahead;

        *artp = e->art;
        e->art = NULL;
        if (*artp)
                return 0;
        ahead = i + 1 < co->n && co->v[i + 1].off > e->off &&
                co->v[i + 1].off - e->off < INPUT_WINDOW;
        if (!(src = input_bytes(&co->in, e->off, e->len, ahead))) {
                if (errno == ENOMEM)
                        return -1;
                log_warn("replay",
                         "input changed while replaying: article of %zu bytes at offset "
                         "%zu skipped",
                         e->len, e->off);
                co->counts.rejected++;
                return 1;
        }
        if (article_parse(src, e->len, 0, &co->lim, artp, &err, errstr, sizeof(errstr)) ==
            -1) {
                if (strstr(errstr, "out of memory"))
                        return -1;
                /* only looked at when collected (article_peek_time) */
                snprintf(where, sizeof(where), "line %zu", e->line);
                log_warn("replay", "%s rejected: %s", e->line ? where : "input", errstr);
                co->counts.rejected++;
                return 1;
        }
        return 0;
}

/* Runs the sorted entries in batches; a batch never mixes warm-up and
 * window articles. The pipeline takes over each article. */
static int run_entries(struct pipeline *pl, struct collect *co, size_t batch_size,
                       int show_progress, char *errstr, size_t errstr_size)
{
        struct item *items = calloc(batch_size, sizeof(*items));
        double t0 = mono_s(), last = 0;
        size_t i = 0, n, k;
        int rc = 0, took;

        if (!items) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        while (rc == 0 && i < co->n && !interrupted(co->ro)) {
                int warm = co->ro->from_ms && co->v[i].published_ms < co->ro->from_ms;

                for (n = 0; n < batch_size && i < co->n; i++) {
                        struct entry *e = &co->v[i];

                        if (n > 0 && warm != (co->ro->from_ms &&
                                              e->published_ms < co->ro->from_ms))
                                break;
                        memset(&items[n], 0, sizeof(items[n]));
                        items[n].len = e->len;
                        /* now owned by the pipeline */
                        if ((took = entry_take(co, i, &items[n].art)) == -1) {
                                rc = -1;
                                break;
                        }
                        n += took == 0;
                }
                if (rc == -1) {
                        pipeline_batch_clear(items, n);
                        snprintf(errstr, errstr_size, "out of memory");
                        break;
                }
                pipeline_set_warm(pl, warm);
                rc = pipeline_batch(pl, items, n, errstr, errstr_size);
                if (warm)
                        for (k = 0; k < n; k++)
                                co->counts.warm += items[k].result == ITEM_OK;
                pipeline_batch_clear(items, n);
                if (show_progress && mono_s() - last > 0.5) {
                        progress(i, co->n, t0, 0);
                        last = mono_s();
                }
        }
        if (show_progress)
                progress(i, co->n, t0, 1);
        free(items);
        return rc;
}

/* A live sink under replay: a failure is logged and counted, and the
 * replay goes on (a sample file should show every problem of a Slack or
 * webhook configuration, not stop at the first). */
struct tolerant_sink {
        struct sink sk;
        struct sink *inner;
        unsigned long failures;
};

static int tol_publish(struct sink *sk, const struct alert *a, char *errstr,
                       size_t errstr_size)
{
        struct tolerant_sink *t = (struct tolerant_sink *)sk;

        if (sink_publish(t->inner, a, errstr, errstr_size) == -1) {
                t->failures++;
                log_warn("replay", "%s: alert %s not delivered: %s", t->inner->name,
                         a->id, errstr);
        }
        return 0;
}

static int tol_flush(struct sink *sk, int timeout_ms, char *errstr, size_t errstr_size)
{
        struct tolerant_sink *t = (struct tolerant_sink *)sk;

        if (sink_flush(t->inner, timeout_ms, errstr, errstr_size) == -1) {
                t->failures++;
                log_warn("replay", "%s: %s", t->inner->name, errstr);
        }
        return 0;
}

static void tol_destroy(struct sink *sk)
{
        struct tolerant_sink *t = (struct tolerant_sink *)sk;

        if (t->failures)
                log_warn("replay", "%s: %lu delivery failure(s)", t->inner->name,
                         t->failures);
        free(sk);
}

static const struct sink_ops tolerant_ops = {
    .kind = "live",
    .publish = tol_publish,
    .flush = tol_flush,
    .destroy = tol_destroy,
};

/* The pieces a replay owns; freed in reverse order of making. */
struct replay {
        struct lexicon *lx;
        struct store *st;
        struct sink **live; /* sinks_open's array */
        size_t n_live;
        struct sink **all; /* what the pipeline publishes to */
        size_t n_all;
        struct sink *out, *watch;
        struct report *rp;
        struct pipeline *pl;
        FILE *in, *rfp;
        char ns[64];
};

static void replay_close(struct replay *r)
{
        size_t i;

        pipeline_free(r->pl);
        for (i = 1; i < r->n_all; i++) /* the tolerant wrappers */
                sink_free(r->all[i]);
        free(r->all);
        sinks_close(r->live, r->n_live);
        sink_free(r->watch);
        sink_free(r->out);
        report_free(r->rp);
        store_free(r->st);
        lexicon_free(r->lx);
        if (r->in && r->in != stdin)
                fclose(r->in);
        if (r->rfp && r->rfp != stderr)
                fclose(r->rfp);
}

/* Opens the configured sinks; keeps the Slack and webhook ones, each
 * behind a tolerant wrapper. */
static int open_live(struct replay *r, const struct config *cfg, char *errstr,
                     size_t errstr_size)
{
        struct sink **all;
        size_t i;

        if (sinks_open(cfg, &r->live, &r->n_live, errstr, errstr_size) == -1)
                return -1;
        if (!(all = realloc(r->all, (1 + r->n_live) * sizeof(*all)))) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        r->all = all;
        for (i = 0; i < r->n_live; i++) {
                struct tolerant_sink *t;

                if (!sinks_is_http(r->live[i])) {
                        log_info("replay",
                                 "%s: not a Slack or webhook sink, not used by replay",
                                 r->live[i]->name);
                        continue;
                }
                if (!(t = calloc(1, sizeof(*t)))) {
                        snprintf(errstr, errstr_size, "out of memory");
                        return -1;
                }
                t->sk.ops = &tolerant_ops;
                t->sk.min_level = ALERT_LEVEL_REVIEW; /* the inner sink filters */
                snprintf(t->sk.name, sizeof(t->sk.name), "live:%.50s", r->live[i]->name);
                t->inner = r->live[i];
                r->all[r->n_all++] = &t->sk;
                log_info("replay", "live delivery to %s", r->live[i]->name);
        }
        if (r->n_all == 1) {
                snprintf(
                    errstr, errstr_size,
                    "--live-sinks: no Slack or webhook sink is configured (set "
                    "CLAIMWATCH_SLACK_WEBHOOK_URL, CLAIMWATCH_WEBHOOK_URL or \"sinks\")");
                return -1;
        }
        return 0;
}

static int replay_open(struct replay *r, const struct config *cfg,
                       const struct replay_opts *ro, char *errstr, size_t errstr_size)
{
        const char *dir = cfg->lexicon_dir[0] ? cfg->lexicon_dir : lexicon_default_dir();
        struct pipeline_conf pc = {
            .art_limits = {.max_bytes = (size_t)cfg->max_article_bytes},
            .an_limits = {.max_sentences = (size_t)cfg->max_sentences,
                          .max_statements = (size_t)cfg->max_statements},
            .match = {.review_threshold = cfg->review_threshold,
                      .alert_threshold = cfg->alert_threshold},
            .max_candidates = (size_t)cfg->max_candidates,
        };
        struct store_opts so = {.ttl_s = cfg->ttl_days * 86400,
                                .timeout_ms = (int)cfg->redis_timeout_ms,
                                .no_multi = (int)cfg->redis_cluster};

        if (ro->input) {
                r->in = strcmp(ro->input, "-") == 0 ? stdin : fopen(ro->input, "rb");
                if (!r->in) {
                        snprintf(errstr, errstr_size, "%s: %s", ro->input,
                                 strerror(errno));
                        return -2;
                }
        }
        if (ro->report && strcmp(ro->report, "text") && strcmp(ro->report, "json") &&
            strcmp(ro->report, "md")) {
                snprintf(errstr, errstr_size, "--report: \"%s\" is not text, json or md",
                         ro->report);
                return -2;
        }
        r->rfp = ro->report_file ? fopen(ro->report_file, "w") : stderr;
        if (!r->rfp) {
                snprintf(errstr, errstr_size, "%s: %s", ro->report_file, strerror(errno));
                return -2;
        }
        if (!(r->rp = report_new()))
                return -1;
        if (ro->labels &&
            report_load_labels(r->rp, ro->labels, errstr, errstr_size) == -1)
                return -2;
        if (!(r->lx = lexicon_load(dir, errstr, errstr_size)))
                return -2;
        snprintf(r->ns, sizeof(r->ns), "replay-%lld-%ld:", (long long)time(NULL),
                 (long)getpid());
        so.ns = ro->ns ? ro->ns : r->ns;
        r->st = ro->redis ? store_redis_new(ro->redis, &so, errstr, errstr_size)
                          : store_mem_new(&so);
        if (!r->st)
                return -1;
        if (!(r->out = sink_file_new(ro->output, errstr, errstr_size)))
                return -2;
        if (!(r->watch = report_sink_new(r->rp, r->out)) ||
            !(r->all = calloc(1, sizeof(*r->all)))) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        r->all[r->n_all++] = r->watch;
        if (ro->live_sinks && open_live(r, cfg, errstr, errstr_size) == -1)
                return -2;
        if (!(r->pl = pipeline_new(&pc, r->lx, r->st, r->all, r->n_all))) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        return 0;
}

int replay_run(const struct config *cfg, const struct replay_opts *ro, char *errstr,
               size_t errstr_size)
{
        struct collect co = {.ro = ro,
                             .lim = {.max_bytes = (size_t)cfg->max_article_bytes}};
        struct replay r = {0};
        double t0 = mono_s();
        int rc;

        rc = replay_open(&r, cfg, ro, errstr, errstr_size);
        if (rc == 0)
                rc = r.in ? collect_file(&co, r.in, errstr, errstr_size)
                          : collect_topic(&co, cfg, errstr, errstr_size);
        if (rc == 0) {
                qsort(co.v, co.n, sizeof(*co.v), cmp_entry);
                rc = run_entries(r.pl, &co, (size_t)cfg->batch_size,
                                 !ro->quiet && isatty(STDERR_FILENO) && co.n > 1000,
                                 errstr, errstr_size);
        }
        if (rc == 0 && interrupted(ro)) {
                log_warn("replay",
                         "interrupted: the report covers the articles done so far");
                rc = -3;
        }
        if ((rc == 0 || rc == -3) && !ro->quiet) {
                co.counts.seconds = mono_s() - t0;
                report_write(r.rp, pipeline_stats(r.pl), &co.counts, ro->report, r.rfp);
        }
        if (r.st && ro->redis && !ro->keep) {
                char e2[256];

                if (store_redis_drop_namespace(r.st, e2, sizeof(e2)) == -1)
                        log_warn("replay", "could not drop namespace %s: %s",
                                 ro->ns ? ro->ns : r.ns, e2);
        }
        collect_free(&co);
        replay_close(&r);
        return rc;
}
