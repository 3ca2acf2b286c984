/* replay.c - `claimwatch replay` (see replay.h). */
#include "replay.h"

#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kafka.h"
#include "lexicon.h"
#include "log.h"
#include "pipeline.h"
#include "sink.h"
#include "store.h"

/* A batch of input messages with their own copies of the bytes. */
struct rbatch {
        struct item *items;
        char **bufs;
        size_t n, cap;
};

static int rbatch_add(struct rbatch *rb, const char *buf, size_t len, int64_t ts)
{
        char *copy;

        if (rb->n == rb->cap) {
                size_t cap = rb->cap ? rb->cap * 2 : 64;
                struct item *it = realloc(rb->items, cap * sizeof(*it));
                char **bv;

                if (!it)
                        return -1;
                rb->items = it;
                if (!(bv = realloc(rb->bufs, cap * sizeof(*bv))))
                        return -1;
                rb->bufs = bv;
                rb->cap = cap;
        }
        if (!(copy = malloc(len + 1)))
                return -1;
        memcpy(copy, buf, len);
        copy[len] = '\0';
        memset(&rb->items[rb->n], 0, sizeof(rb->items[rb->n]));
        rb->items[rb->n].buf = copy;
        rb->items[rb->n].len = len;
        rb->items[rb->n].ts_ms = ts;
        rb->bufs[rb->n++] = copy;
        return 0;
}

static void rbatch_reset(struct rbatch *rb)
{
        size_t i;

        pipeline_batch_clear(rb->items, rb->n);
        for (i = 0; i < rb->n; i++)
                free(rb->bufs[i]);
        rb->n = 0;
}

static void rbatch_free(struct rbatch *rb)
{
        rbatch_reset(rb);
        free(rb->items);
        free(rb->bufs);
}

/* Runs a batch; reports rejected inputs. first_no numbers them. */
static int rbatch_run(struct pipeline *pl, struct rbatch *rb, size_t first_no,
                      const char *what, char *errstr, size_t errstr_size)
{
        size_t i;

        if (pipeline_batch(pl, rb->items, rb->n, errstr, errstr_size) == -1)
                return -1;
        for (i = 0; i < rb->n; i++)
                if (rb->items[i].result == ITEM_BAD)
                        log_warn("replay", "%s %zu rejected: %s", what, first_no + i,
                                 rb->items[i].errstr);
        rbatch_reset(rb);
        return 0;
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

/* JSON lines, one article each; or, when the input does not start with
 * '{', the whole input is one (dateline text) article. */
static int replay_file(struct pipeline *pl, const struct config *cfg, FILE *fp,
                       char *errstr, size_t errstr_size)
{
        struct rbatch rb = {0};
        size_t len, lineno = 0, first = 1;
        char *data = slurp(fp, &len), *p, *end;
        int rc = -1;

        if (!data) {
                snprintf(errstr, errstr_size, "out of memory reading input");
                return -1;
        }
        p = data + strspn(data, " \t\r\n\xEF\xBB\xBF");
        if (*p != '{') {
                rc = rbatch_add(&rb, data, len, 0) == -1
                             ? -1
                             : rbatch_run(pl, &rb, 1, "input", errstr, errstr_size);
                goto done;
        }
        for (p = data; p < data + len; p = end + 1) {
                end = memchr(p, '\n', (size_t)(data + len - p));
                if (!end)
                        end = data + len;
                lineno++;
                if (strspn(p, " \t\r") >= (size_t)(end - p))
                        continue; /* blank line */
                if (rb.n == 0)
                        first = lineno;
                if (rbatch_add(&rb, p, (size_t)(end - p), 0) == -1)
                        goto done;
                if (rb.n >= (size_t)cfg->batch_size &&
                    rbatch_run(pl, &rb, first, "line", errstr, errstr_size) == -1)
                        goto done;
        }
        rc = rb.n ? rbatch_run(pl, &rb, first, "line", errstr, errstr_size) : 0;
done:
        rbatch_free(&rb);
        free(data);
        return rc;
}

/* Reads every partition of topic from the beginning to its end (no
 * consumer-group commits), keeping messages whose timestamp lies in
 * [from, to).  The mock broker answers timestamp lookups with -1, so the
 * window is applied by scanning. */
static int replay_topic(struct pipeline *pl, const struct config *cfg,
                        const struct replay_opts *ro, char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *conf = kafka_conf_new(cfg, errstr, errstr_size);
        rd_kafka_topic_partition_list_t *parts = NULL;
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_topic_t *rkt = NULL;
        struct rbatch rb = {0};
        rd_kafka_t *rk = NULL;
        char kerr[512];
        int i, eofs = 0, nparts = 0, rc = -1;
        size_t seen = 0;

        if (!conf)
                return -1;
        rd_kafka_conf_set(conf, "group.id", "claimwatch-replay", NULL, 0);
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", NULL, 0);
        rd_kafka_conf_set(conf, "enable.partition.eof", "true", NULL, 0);
        if (!(rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, kerr, sizeof(kerr)))) {
                rd_kafka_conf_destroy(conf);
                snprintf(errstr, errstr_size, "kafka: %s", kerr);
                return -1;
        }
        conf = NULL; /* now owned by rk */
        rkt = rd_kafka_topic_new(rk, ro->topic, NULL);
        if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR ||
            md->topic_cnt != 1 || md->topics[0].err) {
                snprintf(errstr, errstr_size, "topic %s: no metadata (does it exist?)",
                         ro->topic);
                goto done;
        }
        nparts = md->topics[0].partition_cnt;
        parts = rd_kafka_topic_partition_list_new(nparts);
        for (i = 0; i < nparts; i++)
                rd_kafka_topic_partition_list_add(parts, ro->topic,
                                                  md->topics[0].partitions[i].id)
                        ->offset = RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_poll_set_consumer(rk);
        if (rd_kafka_assign(rk, parts)) {
                snprintf(errstr, errstr_size, "topic %s: cannot assign partitions",
                         ro->topic);
                goto done;
        }
        while (eofs < nparts) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 1000);
                rd_kafka_timestamp_type_t tstype;
                int64_t ts;

                if (!m)
                        continue;
                if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                        eofs++;
                } else if (m->err) {
                        log_warn("replay", "%s", rd_kafka_message_errstr(m));
                } else {
                        ts = rd_kafka_message_timestamp(m, &tstype);
                        if ((!ro->from_ms || ts >= ro->from_ms) &&
                            (!ro->to_ms || ts < ro->to_ms)) {
                                seen++;
                                if (rbatch_add(&rb, m->payload ? m->payload : "", m->len,
                                               ts) == -1) {
                                        rd_kafka_message_destroy(m);
                                        goto done;
                                }
                        }
                }
                rd_kafka_message_destroy(m);
                if (rb.n >= (size_t)cfg->batch_size &&
                    rbatch_run(pl, &rb, seen - rb.n + 1, "message", errstr, errstr_size) == -1)
                        goto done;
        }
        rc = rb.n ? rbatch_run(pl, &rb, seen - rb.n + 1, "message", errstr, errstr_size) : 0;
done:
        rbatch_free(&rb);
        if (parts)
                rd_kafka_topic_partition_list_destroy(parts);
        if (md)
                rd_kafka_metadata_destroy(md);
        if (rkt)
                rd_kafka_topic_destroy(rkt);
        if (rk) {
                rd_kafka_consumer_close(rk);
                rd_kafka_destroy(rk);
        }
        return rc;
}

static double now_s(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void summary(const struct pipeline_stats *ps, double secs)
{
        fprintf(stderr,
                "replay: %llu articles, %llu rejected, %llu duplicates, %llu statements, "
                "%llu alerts (%llu denial, %llu contradiction; %llu alert, %llu review) "
                "in %.2fs, %.0f articles/s\n",
                (unsigned long long)ps->articles, (unsigned long long)ps->bad,
                (unsigned long long)ps->duplicates, (unsigned long long)ps->statements,
                (unsigned long long)ps->alerts, (unsigned long long)ps->by_kind[0],
                (unsigned long long)ps->by_kind[1], (unsigned long long)ps->by_level[1],
                (unsigned long long)ps->by_level[0], secs,
                secs > 0 ? (double)ps->articles / secs : 0.0);
}

int replay_run(const struct config *cfg, const struct replay_opts *ro, char *errstr,
               size_t errstr_size)
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
                                .timeout_ms = (int)cfg->redis_timeout_ms};
        struct lexicon *lx = NULL;
        struct store *st = NULL;
        struct sink *sk = NULL;
        struct pipeline *pl = NULL;
        FILE *in = NULL;
        char ns[64];
        double t0 = now_s();
        int rc = -1;

        if (ro->input) {
                in = strcmp(ro->input, "-") == 0 ? stdin : fopen(ro->input, "rb");
                if (!in) {
                        snprintf(errstr, errstr_size, "%s: %s", ro->input, strerror(errno));
                        return -2;
                }
        }
        if (!(lx = lexicon_load(dir, errstr, errstr_size)))
                goto done;
        snprintf(ns, sizeof(ns), "replay-%lld:", (long long)time(NULL));
        so.ns = ro->ns ? ro->ns : ns;
        if (ro->redis) {
                if (!(st = store_redis_new(ro->redis, &so, errstr, errstr_size)))
                        goto done;
        } else if (!(st = store_mem_new(&so))) {
                snprintf(errstr, errstr_size, "out of memory");
                goto done;
        }
        if (!(sk = sink_file_new(ro->output, errstr, errstr_size)))
                goto done;
        if (!(pl = pipeline_new(&pc, lx, st, &sk, 1))) {
                snprintf(errstr, errstr_size, "out of memory");
                goto done;
        }
        rc = in ? replay_file(pl, cfg, in, errstr, errstr_size)
                : replay_topic(pl, cfg, ro, errstr, errstr_size);
        if (!ro->quiet)
                summary(pipeline_stats(pl), now_s() - t0);
        if (ro->redis && !ro->keep) {
                char e2[256];

                if (store_redis_drop_namespace(st, e2, sizeof(e2)) == -1)
                        log_warn("replay", "could not drop namespace %s: %s", so.ns, e2);
        }
done:
        pipeline_free(pl);
        sink_free(sk);
        store_free(st);
        lexicon_free(lx);
        if (in && in != stdin)
                fclose(in);
        return rc;
}
