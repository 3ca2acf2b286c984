/* notify.c - `claimwatch notify` (see notify.h): the alerts topic to the
 * HTTP sinks, at least once per (sink, alert), with Redis markers so a
 * redelivered alert is not posted again.
 *
 * The loop: poll a batch, parse the alerts, run one lane (thread) per
 * HTTP sink over the batch, park what a lane refused for good in the
 * alerts dead-letter topic, mark those parked, then store the batch's
 * offsets.  A lane that was stopped or lost Redis leaves its alerts
 * undone, and the batch is retried (or, when stopping, redelivered after
 * restart). */
#include "notify.h"

#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "consumer.h"
#include "kafka.h"
#include "log.h"
#include "metrics.h"
#include "sinks.h"
#include "store.h"

#define WAIT_STEP_MS 250 /* re-check of a held pending marker */
#define MARKER_MAX   160 /* "notify/<sink>/<alert id>" */

enum outcome {
        OUT_SKIP = 0, /* not for this sink, or done before */
        OUT_DONE,     /* delivered now */
        OUT_PARK,     /* refused for good: dead-letter topic */
        OUT_RETRY,    /* not finished: stopped, or Redis failed */
};

struct lane {
        struct notify *nf;
        struct sink *sk;
        struct store *done;    /* done markers, the store's TTL */
        struct store *pending; /* pending claims, notify_pending_ms */
        pthread_t thread;
        enum outcome *out;   /* per message of the batch */
        char **why;          /* OUT_PARK: the message */
        const char **reason; /* OUT_PARK: the code */
        struct metric *delivered, *parked, *skipped;
        atomic_int finished; /* set by the lane's thread when it ends */
};

struct notify {
        const struct config *cfg;
        volatile sig_atomic_t *running;
        struct consumer *consumer;
        rd_kafka_t *dlq;
        struct sink **sinks;
        size_t n_sinks;
        struct lane *lanes;
        size_t n_lanes;
        rd_kafka_message_t **msgs;
        struct alert *alerts; /* doc NULL: not an alert */
        int *dup;             /* an earlier message of the batch has the id */
        size_t n;
};

static void nap(const struct notify *nf, int ms)
{
        int64_t end = consumer_now_ms() + ms;

        while (*nf->running && consumer_now_ms() < end)
                usleep(20000);
}

/* ---- one lane: one sink over the batch ---- */

static void marker_id(const struct lane *ln, const char *alert_id, char *out, size_t size)
{
        snprintf(out, size, "notify/%s/%s", ln->sk->name, alert_id);
}

/* 1 when the done marker is set, 0 when not, -1 on error. */
static int is_done(struct lane *ln, const char *marker)
{
        const char *ids[1] = {marker};
        struct store_query q = {.article_ids = ids, .n_articles = 1};
        char err[256];
        int rc;

        if (store_lookup(ln->done, &q, err, sizeof(err)) < 0) {
                log_error(ln->sk->name, "redis: %s", err);
                return -1;
        }
        rc = q.done[0] ? 1 : 0;
        store_query_clear(&q);
        return rc;
}

/* Takes the pending marker of alert a, waiting while another holds it.
 * Returns 1 when we hold it and the alert is not done, 0 when it is done,
 * -1 on error or stop. */
static int take(struct lane *ln, const struct alert *a, const char *marker)
{
        char channel[sizeof(ln->sk->name) + 8], err[256];
        int waited = 0, rc;

        snprintf(channel, sizeof(channel), "notify:%s", ln->sk->name);
        for (;;) {
                if ((rc = is_done(ln, marker)) != 0)
                        return rc > 0 ? 0 : -1;
                rc = store_claim(ln->pending, channel, a->id, err, sizeof(err));
                if (rc < 0) {
                        log_error(ln->sk->name, "redis: %s", err);
                        return -1;
                }
                if (rc == 1) /* ours; done meanwhile? */
                        return (rc = is_done(ln, marker)) == 0 ? 1 : rc > 0 ? 0 : -1;
                if (!waited++)
                        log_warn(
                            ln->sk->name,
                            "alert %s is in flight elsewhere (or was when a notifier "
                            "died); waiting for it to finish or expire",
                            a->id);
                nap(ln->nf, WAIT_STEP_MS);
                if (!*ln->nf->running)
                        return -1;
        }
}

static void mark_done(struct lane *ln, const char *marker, const char *alert_id)
{
        const char *ids[1] = {marker};
        char err[256];
        int i;

        for (i = 0; i < 3; i++) {
                if (store_mark(ln->done, ids, 1, NULL, 0, err, sizeof(err)) == 0)
                        return;
        }
        /* The offset still gets committed, so only a rebalance before the
         * commit could post it again. */
        log_error(ln->sk->name, "alert %s delivered but not marked: %s", alert_id, err);
}

static enum outcome deliver(struct lane *ln, size_t i)
{
        const struct alert *a = &ln->nf->alerts[i];
        char marker[MARKER_MAX], err[512];
        const char *reason;
        int rc;

        if (!a->doc || ln->nf->dup[i] || !sinks_wants(ln->sk, a))
                return OUT_SKIP;
        marker_id(ln, a->id, marker, sizeof(marker));
        if ((rc = take(ln, a, marker)) <= 0)
                return rc == 0 ? OUT_SKIP : OUT_RETRY;
        if (sink_publish(ln->sk, a, err, sizeof(err)) == 0) {
                mark_done(ln, marker, a->id);
                log_debug(ln->sk->name, "alert %s delivered", a->id);
                return OUT_DONE;
        }
        if (!sinks_failed_for_good(ln->sk, &reason)) {
                log_warn(ln->sk->name, "alert %s not delivered, kept for later: %s",
                         a->id, err);
                return OUT_RETRY;
        }
        log_warn(ln->sk->name,
                 "alert %s refused for good (%s), to the dead-letter topic: %s", a->id,
                 reason, err);
        ln->why[i] = strdup(err);
        ln->reason[i] = reason;
        return OUT_PARK;
}

static void *lane_main(void *arg)
{
        struct lane *ln = arg;
        size_t i;

        for (i = 0; i < ln->nf->n; i++) {
                if (ln->out[i] != OUT_RETRY) /* settled in an earlier try */
                        continue;
                if (!*ln->nf->running)
                        break;
                ln->out[i] = deliver(ln, i);
                if (ln->out[i] == OUT_DONE)
                        metric_add(ln->delivered, 1);
                else if (ln->out[i] == OUT_SKIP)
                        metric_add(ln->skipped, 1);
        }
        return NULL;
}

/* ---- the batch ---- */

/* Parses message i into nf->alerts[i] (doc NULL when it is no alert). */
static void parse_one(struct notify *nf, size_t i)
{
        const rd_kafka_message_t *m = nf->msgs[i];
        struct alert *a = &nf->alerts[i];
        json_t *doc = json_loadb(m->payload ? m->payload : "", m->len, 0, NULL);
        const char *id = json_string_value(json_object_get(doc, "alert_id"));
        const char *level = json_string_value(json_object_get(doc, "level"));
        const char *kind = json_string_value(json_object_get(doc, "kind"));
        size_t k;

        memset(a, 0, sizeof(*a));
        /* ids end up in Redis keys: hex and the like only */
        if (!json_is_object(doc) || !id || !*id || strlen(id) > ALERT_ID_LEN ||
            strspn(id, "0123456789abcdefABCDEF-_") != strlen(id)) {
                json_decref(doc);
                return;
        }
        snprintf(a->id, sizeof(a->id), "%s", id);
        a->kind =
            kind && !strcmp(kind, "contradiction") ? ALERT_CONTRADICTION : ALERT_DENIAL;
        a->level =
            level && !strcmp(level, "alert") ? ALERT_LEVEL_ALERT : ALERT_LEVEL_REVIEW;
        a->subkind = "";
        a->confidence = json_number_value(json_object_get(doc, "confidence"));
        a->doc = doc;
        for (k = 0; k < i; k++) {
                if (nf->alerts[k].doc && !strcmp(nf->alerts[k].id, a->id))
                        nf->dup[i] = 1;
        }
}

/* Sends message i to the alerts dead-letter topic. */
static int park(struct notify *nf, size_t i, const char *sink, const char *reason,
                const char *message)
{
        const rd_kafka_message_t *m = nf->msgs[i];
        char part[16], off[24];
        rd_kafka_resp_err_t err;

        snprintf(part, sizeof(part), "%d", (int)m->partition);
        snprintf(off, sizeof(off), "%lld", (long long)m->offset);
        err = rd_kafka_producev(
            nf->dlq, RD_KAFKA_V_TOPIC(nf->cfg->alerts_dlq_topic),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_VALUE(m->payload, m->len), RD_KAFKA_V_KEY(m->key, m->key_len),
            RD_KAFKA_V_HEADER("sink", sink, -1), RD_KAFKA_V_HEADER("error", reason, -1),
            RD_KAFKA_V_HEADER("error_message", message ? message : "", -1),
            RD_KAFKA_V_HEADER("source_topic", rd_kafka_topic_name(m->rkt), -1),
            RD_KAFKA_V_HEADER("source_partition", part, -1),
            RD_KAFKA_V_HEADER("source_offset", off, -1), RD_KAFKA_V_END);
        if (err)
                log_error("notify", "dead-letter to %s: %s", nf->cfg->alerts_dlq_topic,
                          rd_kafka_err2str(err));
        return err ? -1 : 0;
}

/* Parks what the lanes refused (and messages that are no alerts), waits
 * for the dead-letter topic, then marks the parked alerts done. */
static int park_all(struct notify *nf)
{
        size_t i, l, parked = 0;

        for (i = 0; i < nf->n; i++) {
                if (!nf->alerts[i].doc) {
                        if (park(nf, i, "-", "not_an_alert",
                                 "not a claimwatch alert (no alert_id)") < 0)
                                return -1;
                        parked++;
                }
                for (l = 0; l < nf->n_lanes; l++) {
                        struct lane *ln = &nf->lanes[l];

                        if (ln->out[i] != OUT_PARK)
                                continue;
                        if (park(nf, i, ln->sk->name, ln->reason[i], ln->why[i]) < 0)
                                return -1;
                        parked++;
                }
        }
        if (!parked)
                return 0;
        if (rd_kafka_flush(nf->dlq, (int)nf->cfg->delivery_timeout_ms) !=
            RD_KAFKA_RESP_ERR_NO_ERROR) {
                log_error("notify", "dead-letter topic %s: not confirmed",
                          nf->cfg->alerts_dlq_topic);
                return -1;
        }
        for (i = 0; i < nf->n; i++) {
                for (l = 0; l < nf->n_lanes; l++) {
                        struct lane *ln = &nf->lanes[l];
                        char marker[MARKER_MAX];

                        if (ln->out[i] != OUT_PARK)
                                continue;
                        marker_id(ln, nf->alerts[i].id, marker, sizeof(marker));
                        mark_done(ln, marker, nf->alerts[i].id);
                        metric_add(ln->parked, 1);
                        ln->out[i] = OUT_SKIP;
                }
        }
        return 0;
}

/* One thread per sink, so a slow receiver delays only its own posts
 * within the batch. */
static void *lane_thread(void *arg)
{
        struct lane *ln = arg;

        lane_main(ln);
        atomic_store(&ln->finished, 1);
        return NULL;
}

/* Runs every lane in its own thread and waits for them, beating the
 * heartbeat meanwhile: a sink waiting out a 429 is slow, not stuck. */
static void run_lanes(struct notify *nf)
{
        int *started = calloc(nf->n_lanes, sizeof(*started));
        size_t l, left;

        for (l = 0; l < nf->n_lanes; l++) {
                atomic_store(&nf->lanes[l].finished, 0);
                if (started && pthread_create(&nf->lanes[l].thread, NULL, lane_thread,
                                              &nf->lanes[l]) == 0)
                        started[l] = 1;
                else
                        lane_thread(&nf->lanes[l]);
        }
        do {
                consumer_beat(nf->consumer);
                for (l = 0, left = 0; l < nf->n_lanes; l++)
                        left += !atomic_load(&nf->lanes[l].finished);
                if (left)
                        usleep(50000);
        } while (left);
        for (l = 0; l < nf->n_lanes; l++) {
                if (started && started[l])
                        pthread_join(nf->lanes[l].thread, NULL);
        }
        free(started);
}

/* Runs the lanes until every (sink, alert) is done or parked. Returns 0
 * when the offsets may be stored, -1 when stopped first. */
static int run_batch(struct notify *nf)
{
        int backoff_ms = 500;
        size_t i, l;

        for (l = 0; l < nf->n_lanes; l++) {
                for (i = 0; i < nf->n; i++) {
                        nf->lanes[l].out[i] = OUT_RETRY;
                        nf->lanes[l].why[i] = NULL;
                }
        }
        for (;;) {
                int left = 0;

                run_lanes(nf);
                if (park_all(nf) < 0)
                        left = 1;
                for (l = 0; l < nf->n_lanes; l++) {
                        for (i = 0; i < nf->n; i++)
                                left |= nf->lanes[l].out[i] == OUT_RETRY;
                }
                if (!left)
                        return 0;
                if (!*nf->running)
                        return -1;
                log_warn("notify", "batch of %zu not finished; retrying in %d ms", nf->n,
                         backoff_ms);
                nap(nf, backoff_ms);
                if (backoff_ms < 30000)
                        backoff_ms *= 2;
        }
}

int64_t notify_pending_ttl_ms(const struct config *cfg)
{
        /* one post may retry for http_retry_for_ms, plus the request in
         * flight and the pacing of a Slack webhook: the marker must
         * outlive it, or a second notifier could take the alert over */
        int64_t post =
            cfg->http_retry_for_ms + 2 * cfg->http_timeout_ms + cfg->slack_interval_ms;

        return cfg->notify_pending_ms > post ? cfg->notify_pending_ms : post;
}

/* ---- the consumer loop ---- */

static int lane_open(struct notify *nf, struct lane *ln, struct sink *sk, char *errstr,
                     size_t errstr_size)
{
        const struct config *cfg = nf->cfg;
        struct store_opts done = {.ns = cfg->ns,
                                  .ttl_s = cfg->ttl_days * 86400,
                                  .timeout_ms = (int)cfg->redis_timeout_ms,
                                  .no_multi = (int)cfg->redis_cluster};
        struct store_opts pending = done;
        char labels[160], esc[SINK_NAME_MAX * 2 + 8];
        size_t n = (size_t)cfg->batch_size;

        pending.ttl_s = (notify_pending_ttl_ms(cfg) + 999) / 1000;
        ln->nf = nf;
        ln->sk = sk;
        metrics_label_escape(esc, sizeof(esc), sk->name);
        snprintf(labels, sizeof(labels), "sink=\"%s\"", esc);
        ln->delivered = metrics_counter("claimwatch_notify_delivered_total", labels,
                                        "alerts delivered to a sink");
        ln->parked =
            metrics_counter("claimwatch_notify_parked_total", labels,
                            "alerts a sink refused for good (dead-letter topic)");
        ln->skipped = metrics_counter("claimwatch_notify_skipped_total", labels,
                                      "alerts not for a sink, or delivered before");
        if (!(ln->out = calloc(n, sizeof(*ln->out))) ||
            !(ln->why = calloc(n, sizeof(*ln->why))) ||
            !(ln->reason = calloc(n, sizeof(*ln->reason)))) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        if (!(ln->done = store_redis_new(cfg->redis_url, &done, errstr, errstr_size)) ||
            !(ln->pending =
                  store_redis_new(cfg->redis_url, &pending, errstr, errstr_size)))
                return -1;
        return 0;
}

static void notify_free(struct notify *nf)
{
        size_t l;

        for (l = 0; l < nf->n_lanes; l++) {
                store_free(nf->lanes[l].done);
                store_free(nf->lanes[l].pending);
                free(nf->lanes[l].out);
                free(nf->lanes[l].why);
                free(nf->lanes[l].reason);
        }
        free(nf->lanes);
        sinks_close(nf->sinks, nf->n_sinks);
        if (nf->dlq) {
                rd_kafka_flush(nf->dlq, 10000);
                rd_kafka_destroy(nf->dlq);
        }
        consumer_close(nf->consumer);
        free(nf->msgs);
        free(nf->alerts);
        free(nf->dup);
}

static int notify_open(struct notify *nf, char *errstr, size_t errstr_size)
{
        const struct config *cfg = nf->cfg;
        size_t n = (size_t)cfg->batch_size, i;
        char group[512];

        if (sinks_open(cfg, &nf->sinks, &nf->n_sinks, errstr, errstr_size) < 0)
                return -2;
        sinks_set_running(nf->sinks, nf->n_sinks, nf->running);
        if (!(nf->lanes = calloc(nf->n_sinks + 1, sizeof(*nf->lanes))) ||
            !(nf->msgs = calloc(n, sizeof(*nf->msgs))) ||
            !(nf->alerts = calloc(n, sizeof(*nf->alerts))) ||
            !(nf->dup = calloc(n, sizeof(*nf->dup)))) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        for (i = 0; i < nf->n_sinks; i++) {
                if (!sinks_is_http(nf->sinks[i])) {
                        log_warn("notify", "sink %s (%s) is not delivered by notify",
                                 nf->sinks[i]->name, nf->sinks[i]->ops->kind);
                        continue;
                }
                if (lane_open(nf, &nf->lanes[nf->n_lanes++], nf->sinks[i], errstr,
                              errstr_size) < 0)
                        return -1;
        }
        if (!nf->n_lanes) {
                snprintf(
                    errstr, errstr_size,
                    "notify: no Slack or webhook sink configured (slack_webhook_url, "
                    "webhook_url or \"sinks\" in the config file)");
                return -2;
        }
        if (*cfg->notify_group)
                snprintf(group, sizeof(group), "%s", cfg->notify_group);
        else
                snprintf(group, sizeof(group), "%s.notify", cfg->group);
        if (!(nf->dlq = kafka_producer_new(cfg, errstr, errstr_size)) ||
            !(nf->consumer =
                  consumer_new(cfg, group, cfg->alerts_topic, errstr, errstr_size)))
                return -1;
        log_info("notify", "consuming %s as group %s; %zu sink(s); refused alerts to %s",
                 cfg->alerts_topic, group, nf->n_lanes, cfg->alerts_dlq_topic);
        return 0;
}

static void batch_clear(struct notify *nf)
{
        size_t i, l;

        for (i = 0; i < nf->n; i++) {
                json_decref(nf->alerts[i].doc);
                nf->alerts[i].doc = NULL;
                nf->dup[i] = 0;
                for (l = 0; l < nf->n_lanes; l++) {
                        free(nf->lanes[l].why[i]);
                        nf->lanes[l].why[i] = NULL;
                }
                rd_kafka_message_destroy(nf->msgs[i]);
        }
        nf->n = 0;
}

int notify_run(const struct config *cfg, volatile sig_atomic_t *running, char *errstr,
               size_t errstr_size)
{
        struct notify nf = {.cfg = cfg, .running = running};
        int rc = -1;
        size_t i;

        if ((rc = notify_open(&nf, errstr, errstr_size)) < 0)
                goto done;
        while (*running) {
                int ok;

                if ((nf.n = consumer_poll(nf.consumer, nf.msgs, (size_t)cfg->batch_size,
                                          (int)cfg->batch_timeout_ms, running)) == 0)
                        continue;
                for (i = 0; i < nf.n; i++)
                        parse_one(&nf, i);
                ok = run_batch(&nf) == 0;
                if (ok)
                        consumer_store(nf.consumer, nf.msgs, nf.n);
                batch_clear(&nf);
                if (!ok)
                        break;
        }
        log_info("notify", "stopping");
        rc = 0;
done:
        notify_free(&nf);
        return rc;
}
