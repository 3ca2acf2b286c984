/* worker.c - `claimwatch run`, the consumer-group worker (see worker.h).
 *
 * The loop: poll up to batch_size messages (or batch_timeout_ms), run them
 * through the pipeline, send rejects to the dead-letter topic, then store
 * the batch's offsets; librdkafka commits stored offsets in the background
 * and on close.  When the store or a sink fails, the batch is retried with
 * backoff and nothing is stored, so a crash redelivers it. */
#include "worker.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kafka.h"
#include "lexicon.h"
#include "log.h"
#include "pipeline.h"
#include "sink.h"
#include "store.h"

struct worker {
        const struct config *cfg;
        rd_kafka_t *consumer;
        rd_kafka_t *dlq;       /* producer for rejected messages */
        struct lexicon *lx;
        struct store *st;
        struct sink *alerts;   /* the alerts topic */
        struct pipeline *pl;
        rd_kafka_message_t **msgs;
        struct item *items;
};

static void worker_free(struct worker *w)
{
        pipeline_free(w->pl);
        sink_free(w->alerts);
        store_free(w->st);
        lexicon_free(w->lx);
        if (w->dlq) {
                rd_kafka_flush(w->dlq, 10000);
                rd_kafka_destroy(w->dlq);
        }
        if (w->consumer)
                rd_kafka_destroy(w->consumer);
        free(w->msgs);
        free(w->items);
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
        (void)opaque;
        log_info("kafka", "rebalance: %s %d partition(s)",
                 err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? "assigned" : "revoked",
                 parts->cnt);
        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS)
                rd_kafka_assign(rk, parts);
        else
                rd_kafka_assign(rk, NULL);
}

static rd_kafka_t *consumer_new(const struct config *cfg, char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *conf = kafka_conf_new(cfg, errstr, errstr_size);
        rd_kafka_topic_partition_list_t *topics;
        rd_kafka_resp_err_t err;
        rd_kafka_t *rk;
        char kerr[512];

        if (!conf)
                return NULL;
        /* at-least-once: we store an offset only when its article is done */
        if (rd_kafka_conf_set(conf, "group.id", cfg->group, kerr, sizeof(kerr)) ||
            rd_kafka_conf_set(conf, "enable.auto.offset.store", "false", kerr,
                              sizeof(kerr)) ||
            rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", kerr, sizeof(kerr))) {
                snprintf(errstr, errstr_size, "kafka: %s", kerr);
                rd_kafka_conf_destroy(conf);
                return NULL;
        }
        rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
        if (!(rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, kerr, sizeof(kerr)))) {
                snprintf(errstr, errstr_size, "kafka consumer: %s", kerr);
                rd_kafka_conf_destroy(conf);
                return NULL;
        }
        conf = NULL; /* now owned by rk */
        rd_kafka_poll_set_consumer(rk);
        topics = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(topics, cfg->topic, RD_KAFKA_PARTITION_UA);
        err = rd_kafka_subscribe(rk, topics);
        rd_kafka_topic_partition_list_destroy(topics);
        if (err) {
                snprintf(errstr, errstr_size, "subscribe %s: %s", cfg->topic,
                         rd_kafka_err2str(err));
                rd_kafka_destroy(rk);
                return NULL;
        }
        return rk;
}

static rd_kafka_t *producer_new(const struct config *cfg, char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *conf = kafka_conf_new(cfg, errstr, errstr_size);
        rd_kafka_t *rk;
        char kerr[512];

        if (!conf)
                return NULL;
        rd_kafka_conf_set(conf, "enable.idempotence", "true", NULL, 0);
        if (!(rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, kerr, sizeof(kerr)))) {
                snprintf(errstr, errstr_size, "kafka producer: %s", kerr);
                rd_kafka_conf_destroy(conf);
                return NULL;
        }
        return rk;
}

static int worker_open(struct worker *w, const struct config *cfg, char *errstr,
                       size_t errstr_size)
{
        const char *dir = cfg->lexicon_dir[0] ? cfg->lexicon_dir : lexicon_default_dir();
        struct store_opts so = {.ns = cfg->ns,
                                .ttl_s = cfg->ttl_days * 86400,
                                .timeout_ms = (int)cfg->redis_timeout_ms};
        struct pipeline_conf pc = {
                .art_limits = {.max_bytes = (size_t)cfg->max_article_bytes},
                .an_limits = {.max_sentences = (size_t)cfg->max_sentences,
                              .max_statements = (size_t)cfg->max_statements},
                .match = {.review_threshold = cfg->review_threshold,
                          .alert_threshold = cfg->alert_threshold},
                .max_candidates = (size_t)cfg->max_candidates,
        };

        w->cfg = cfg;
        w->msgs = calloc((size_t)cfg->batch_size, sizeof(*w->msgs));
        w->items = calloc((size_t)cfg->batch_size, sizeof(*w->items));
        if (!w->msgs || !w->items) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        if (!(w->lx = lexicon_load(dir, errstr, errstr_size)) ||
            !(w->st = store_redis_new(cfg->redis_url, &so, errstr, errstr_size)) ||
            !(w->alerts = sink_kafka_new(cfg, cfg->alerts_topic, errstr, errstr_size)) ||
            !(w->dlq = producer_new(cfg, errstr, errstr_size)) ||
            !(w->consumer = consumer_new(cfg, errstr, errstr_size)))
                return -1;
        if (!(w->pl = pipeline_new(&pc, w->lx, w->st, &w->alerts, 1))) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        return 0;
}

static int64_t mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Polls up to batch_size messages within batch_timeout_ms. */
static size_t poll_batch(struct worker *w, volatile sig_atomic_t *running)
{
        int64_t deadline = mono_ms() + w->cfg->batch_timeout_ms;
        size_t n = 0;

        while (n < (size_t)w->cfg->batch_size && *running) {
                int64_t left = deadline - mono_ms();
                rd_kafka_message_t *m;

                if (left <= 0 && n > 0)
                        break;
                m = rd_kafka_consumer_poll(w->consumer, left > 0 ? (int)left : 100);
                if (!m) {
                        if (left <= 0)
                                break;
                        continue;
                }
                if (m->err) {
                        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                                log_warn("kafka", "consume: %s", rd_kafka_message_errstr(m));
                        rd_kafka_message_destroy(m);
                        continue;
                }
                w->msgs[n++] = m;
        }
        return n;
}

/* Sends the batch's rejects to the dead-letter topic and waits for them. */
static int send_rejects(struct worker *w, size_t n)
{
        size_t i, bad = 0;

        for (i = 0; i < n; i++) {
                const rd_kafka_message_t *m = w->msgs[i];
                char ctx[160];

                if (w->items[i].result != ITEM_BAD)
                        continue;
                snprintf(ctx, sizeof(ctx), "%s [%d] @%lld", rd_kafka_topic_name(m->rkt),
                         (int)m->partition, (long long)m->offset);
                log_warn(ctx, "rejected to %s: %s", w->cfg->dlq_topic, w->items[i].errstr);
                if (kafka_dlq_send(w->dlq, w->cfg->dlq_topic, m,
                                   article_err_name(w->items[i].err), w->items[i].errstr) == -1)
                        return -1;
                bad++;
        }
        if (bad && rd_kafka_flush(w->dlq, (int)w->cfg->delivery_timeout_ms) !=
                           RD_KAFKA_RESP_ERR_NO_ERROR)
                return -1;
        return 0;
}

/* Runs one batch until it is done or we are told to stop. Returns 0 when
 * done (offsets may be stored), -1 when stopped before. */
static int process(struct worker *w, size_t n, volatile sig_atomic_t *running)
{
        int backoff_ms = 100;
        char err[512];
        size_t i;

        for (i = 0; i < n; i++) {
                memset(&w->items[i], 0, sizeof(w->items[i]));
                w->items[i].buf = w->msgs[i]->payload ? w->msgs[i]->payload : "";
                w->items[i].len = w->msgs[i]->len;
                w->items[i].ts_ms = rd_kafka_message_timestamp(w->msgs[i], NULL);
                if (w->items[i].ts_ms < 0)
                        w->items[i].ts_ms = 0;
        }
        for (;;) {
                if (pipeline_batch(w->pl, w->items, n, err, sizeof(err)) == 0 &&
                    send_rejects(w, n) == 0)
                        return 0;
                pipeline_batch_clear(w->items, n);
                log_error("worker", "batch of %zu failed, retrying in %d ms: %s", n,
                          backoff_ms, err);
                if (!*running)
                        return -1;
                usleep((useconds_t)backoff_ms * 1000);
                if (backoff_ms < 10000)
                        backoff_ms *= 2;
                if (!*running)
                        return -1;
        }
}

static void store_offsets(struct worker *w, size_t n)
{
        size_t i;

        for (i = 0; i < n; i++) {
                rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);

                rd_kafka_topic_partition_list_add(l, rd_kafka_topic_name(w->msgs[i]->rkt),
                                                  w->msgs[i]->partition)
                        ->offset = w->msgs[i]->offset + 1;
                rd_kafka_offsets_store(w->consumer, l);
                rd_kafka_topic_partition_list_destroy(l);
        }
}

int worker_run(const struct config *cfg, volatile sig_atomic_t *running, char *errstr,
               size_t errstr_size)
{
        struct worker w = {0};
        const struct pipeline_stats *ps;
        int rc = -1;

        if (worker_open(&w, cfg, errstr, errstr_size) == -1)
                goto done;
        log_info("worker", "consuming %s as group %s; alerts to %s", cfg->topic, cfg->group,
                 cfg->alerts_topic);
        while (*running) {
                size_t i, n = poll_batch(&w, running);
                int ok;

                if (n == 0)
                        continue;
                ok = process(&w, n, running) == 0;
                if (ok)
                        store_offsets(&w, n);
                pipeline_batch_clear(w.items, n);
                for (i = 0; i < n; i++)
                        rd_kafka_message_destroy(w.msgs[i]);
                if (!ok)
                        break;
        }
        ps = pipeline_stats(w.pl);
        log_info("worker",
                 "stopping: %llu articles, %llu rejected, %llu duplicates, %llu alerts",
                 (unsigned long long)ps->articles, (unsigned long long)ps->bad,
                 (unsigned long long)ps->duplicates, (unsigned long long)ps->alerts);
        /* commits the stored offsets, leaves the group */
        rd_kafka_commit(w.consumer, NULL, 0);
        rd_kafka_consumer_close(w.consumer);
        rc = 0;
done:
        worker_free(&w);
        return rc;
}
