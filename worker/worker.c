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
#include <unistd.h>

#include "consumer.h"
#include "kafka.h"
#include "lexicon.h"
#include "log.h"
#include "metrics.h"
#include "pipeline.h"
#include "sink.h"
#include "store.h"

struct worker {
        const struct config *cfg;
        struct consumer *consumer;
        rd_kafka_t *dlq; /* producer for rejected messages */
        struct lexicon *lx;
        struct store *st;
        struct sink *alerts; /* the alerts topic */
        struct pipeline *pl;
        struct metric *batch_seconds;
        rd_kafka_message_t **msgs;
        struct item *items;
};

static void worker_free(struct worker *w)
{
        consumer_close(w->consumer); /* commits what is stored */
        pipeline_free(w->pl);
        sink_free(w->alerts);
        store_free(w->st);
        lexicon_free(w->lx);
        if (w->dlq) {
                rd_kafka_flush(w->dlq, 10000);
                rd_kafka_destroy(w->dlq);
        }
        free(w->msgs);
        free(w->items);
}

static int worker_open(struct worker *w, const struct config *cfg, char *errstr,
                       size_t errstr_size)
{
        static const double bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                        0.5,   1,    2.5,   5,    10,  30};
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
        w->batch_seconds = metrics_histogram(
            "claimwatch_batch_seconds", "",
            "Time to process one batch (pipeline and dead letters), seconds.", bounds,
            sizeof(bounds) / sizeof(bounds[0]));
        w->msgs = calloc((size_t)cfg->batch_size, sizeof(*w->msgs));
        w->items = calloc((size_t)cfg->batch_size, sizeof(*w->items));
        if (!w->msgs || !w->items) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        if (!(w->lx = lexicon_load(dir, errstr, errstr_size)) ||
            !(w->st = store_redis_new(cfg->redis_url, &so, errstr, errstr_size)) ||
            !(w->alerts = sink_kafka_new(cfg, cfg->alerts_topic, errstr, errstr_size)) ||
            !(w->dlq = kafka_producer_new(cfg, errstr, errstr_size)) ||
            !(w->consumer =
                  consumer_new(cfg, cfg->group, cfg->topic, errstr, errstr_size)))
                return -1;
        if (!(w->pl = pipeline_new(&pc, w->lx, w->st, &w->alerts, 1))) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        return 0;
}

static struct metric *dlq_metric(const char *topic)
{
        char labels[300], esc[256];

        metrics_label_escape(esc, sizeof(esc), topic);
        snprintf(labels, sizeof(labels), "topic=\"%s\"", esc);
        return metrics_counter(
            "claimwatch_dlq_messages_total", labels,
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
                consumer_beat(w->consumer); /* retrying is not hanging */
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
                size_t i, n = consumer_poll(w.consumer, w.msgs, (size_t)cfg->batch_size,
                                            (int)cfg->batch_timeout_ms, running);
                int64_t t0 = consumer_now_ms();
                int ok;

                if (n == 0)
                        continue;
                ok = process(&w, n, running) == 0;
                metric_observe(w.batch_seconds,
                               (double)(consumer_now_ms() - t0) / 1000.0);
                if (ok)
                        consumer_store(w.consumer, w.msgs, n);
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
        rc = 0;
done:
        worker_free(&w);
        return rc;
}
