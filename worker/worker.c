/* worker.c - `claimwatch run`, the consumer-group worker (see worker.h).
 *
 * The loop: poll up to batch_size messages (or batch_timeout_ms), run them
 * through the pipeline, send rejects to the dead-letter topic, then store
 * the batch's offsets; librdkafka commits stored offsets in the background
 * and on close.  When the store or a sink fails, the batch is retried with
 * backoff and nothing is stored, so a crash redelivers it. */
#include "worker.h"

#include <librdkafka/rdkafka.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "kafka.h"
#include "kafka_stats.h"
#include "lexicon.h"
#include "log.h"
#include "metrics.h"
#include "pipeline.h"
#include "sink.h"
#include "store.h"

static int64_t mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read by the admin thread: the loop's last sign of life and whether
 * partitions are assigned. */
static _Atomic int64_t heartbeat_ms;
static atomic_int assigned;

struct worker {
        const struct config *cfg;
        struct admin *admin;
        struct store *probe;   /* the admin thread's own Redis connection */
        struct metric *batch_seconds;
        rd_kafka_t *consumer;
        rd_kafka_t *dlq; /* producer for rejected messages */
        struct lexicon *lx;
        struct store *st;
        struct sink *alerts; /* the alerts topic */
        struct pipeline *pl;
        rd_kafka_message_t **msgs;
        struct item *items;
};

static void worker_free(struct worker *w)
{
        admin_free(w->admin);
        store_free(w->probe);
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
        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
                rd_kafka_assign(rk, parts);
                atomic_store(&assigned, parts->cnt);
        } else {
                rd_kafka_assign(rk, NULL);
                atomic_store(&assigned, 0);
        }
}

static int on_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
        (void)rk;
        (void)opaque;
        metrics_from_rdkafka_stats(json, len);
        return 0; /* librdkafka frees json */
}

static rd_kafka_t *consumer_new(const struct config *cfg, char *errstr,
                                size_t errstr_size)
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
            rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", kerr,
                              sizeof(kerr))) {
                snprintf(errstr, errstr_size, "kafka: %s", kerr);
                rd_kafka_conf_destroy(conf);
                return NULL;
        }
        rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
        if (*cfg->admin) { /* consumer lag for /metrics */
                rd_kafka_conf_set(conf, "statistics.interval.ms", "5000", NULL, 0);
                rd_kafka_conf_set_stats_cb(conf, on_stats);
        }
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

static rd_kafka_t *producer_new(const struct config *cfg, char *errstr,
                                size_t errstr_size)
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

static double heartbeat_age(void *opaque)
{
        (void)opaque;
        return (double)(mono_ms() - atomic_load(&heartbeat_ms)) / 1000.0;
}

/* Ready: partitions assigned and Redis answering (on the admin thread's
 * own connection: hiredis contexts are not shared across threads). */
static int ready(void *opaque, char *why, size_t why_size)
{
        struct worker *w = opaque;
        char err[256];

        if (store_ping(w->probe, err, sizeof(err)) == -1) {
                snprintf(why, why_size, "redis: %s", err);
                return 0;
        }
        if (atomic_load(&assigned) == 0) {
                snprintf(why, why_size, "no partitions assigned");
                return 0;
        }
        return 1;
}

static int admin_open(struct worker *w, const struct config *cfg, char *errstr,
                      size_t errstr_size)
{
        static const double bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                        0.5,   1,    2.5,   5,    10,  30};
        struct store_opts so = {.ns = cfg->ns, .ttl_s = cfg->ttl_days * 86400,
                                .timeout_ms = 500};
        struct admin_checks checks = {.heartbeat_age = heartbeat_age, .ready = ready,
                                      .opaque = w, .max_heartbeat_age = 60};

        w->batch_seconds = metrics_histogram(
                "claimwatch_batch_seconds", "",
                "Time to process one batch (pipeline and dead letters), seconds.", bounds,
                sizeof(bounds) / sizeof(bounds[0]));
        atomic_store(&heartbeat_ms, mono_ms());
        if (!*cfg->admin)
                return 0;
        if (!(w->probe = store_redis_new(cfg->redis_url, &so, errstr, errstr_size)) ||
            !(w->admin = admin_new(cfg->admin, &checks, errstr, errstr_size)))
                return -1;
        return 0;
}

static int worker_open(struct worker *w, const struct config *cfg, char *errstr,
                       size_t errstr_size)
{
        const char *dir = cfg->lexicon_dir[0] ? cfg->lexicon_dir : lexicon_default_dir();
        struct store_opts so = {.ns = cfg->ns,
                                .ttl_s = cfg->ttl_days * 86400,
                                .timeout_ms = (int)cfg->redis_timeout_ms,
                                .no_multi = (int)cfg->redis_cluster};
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
            !(w->consumer = consumer_new(cfg, errstr, errstr_size)) ||
            admin_open(w, cfg, errstr, errstr_size) == -1)
                return -1;
        if (!(w->pl = pipeline_new(&pc, w->lx, w->st, &w->alerts, 1))) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        return 0;
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
                                log_warn("kafka", "consume: %s",
                                         rd_kafka_message_errstr(m));
                        rd_kafka_message_destroy(m);
                        continue;
                }
                w->msgs[n++] = m;
        }
        return n;
}

static struct metric *dlq_metric(const char *topic)
{
        char labels[300], esc[256];

        metrics_label_escape(esc, sizeof(esc), topic);
        snprintf(labels, sizeof(labels), "topic=\"%s\"", esc);
        return metrics_counter("claimwatch_dlq_messages_total", labels,
                               "Messages sent to the dead-letter topic, by source topic.");
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
                log_warn(ctx, "rejected to %s: %s", w->cfg->dlq_topic,
                         w->items[i].errstr);
                if (kafka_dlq_send(w->dlq, w->cfg->dlq_topic, m,
                                   article_err_name(w->items[i].err),
                                   w->items[i].errstr) == -1)
                        return -1;
                bad++;
                metric_add(dlq_metric(rd_kafka_topic_name(m->rkt)), 1);
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
                atomic_store(&heartbeat_ms, mono_ms());
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
        log_info("worker", "consuming %s as group %s; alerts to %s", cfg->topic,
                 cfg->group, cfg->alerts_topic);
        while (*running) {
                size_t i, n = poll_batch(&w, running);
                int64_t t0;
                int ok;

                atomic_store(&heartbeat_ms, mono_ms());
                if (n == 0)
                        continue;
                t0 = mono_ms();
                ok = process(&w, n, running) == 0;
                metric_observe(w.batch_seconds, (double)(mono_ms() - t0) / 1000.0);
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
