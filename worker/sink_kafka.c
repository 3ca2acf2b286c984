/* sink_kafka.c - the alerts-topic sink (DESIGN.md, "Sinks"): one
 * idempotent producer, key = alert id, value = the alert JSON, and
 * CloudEvents headers in Kafka binary mode (ce_specversion, ce_type,
 * ce_source, ce_id, ce_time, content-type) so consumers can route alerts
 * without parsing them.
 *
 * Delivery reports are served by rd_kafka_poll()/rd_kafka_flush() on the
 * caller's thread; they count failures until the next flush(), which
 * reports the window and starts a new one. */
#include "kafka.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define QUEUE_FULL_TRIES 50 /* x 100 ms of polling before publish gives up */

struct sink_kafka {
        struct sink sk; /* first: the sink handle points here */
        rd_kafka_t *rk;
        char *topic;
        size_t sent;   /* messages handed to librdkafka this window */
        size_t failed; /* delivery reports with an error this window */
        char last_err[256];
};

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        struct sink_kafka *sk = opaque;

        (void)rk;
        if (!m->err)
                return;
        sk->failed++;
        snprintf(sk->last_err, sizeof(sk->last_err), "%s", rd_kafka_err2str(m->err));
        log_error(sk->sk.name, "alert %.*s not delivered: %s", (int)m->key_len,
                  m->key ? (const char *)m->key : "", rd_kafka_err2str(m->err));
}

/* The alert's detected_at, or now when the document lacks one. */
static const char *alert_time(const struct alert *a, char *buf, size_t size)
{
        const char *t = json_string_value(json_object_get(a->doc, "detected_at"));
        time_t now;
        struct tm tm;

        if (t && *t)
                return t;
        now = time(NULL);
        gmtime_r(&now, &tm);
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return buf;
}

static rd_kafka_resp_err_t produce(struct sink_kafka *sk, const struct alert *a,
                                   const char *json)
{
        char type[64], tbuf[32];

        snprintf(type, sizeof(type), "claimwatch.alert.%s", alert_kind_name(a->kind));
        return rd_kafka_producev(
            sk->rk, RD_KAFKA_V_TOPIC(sk->topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(a->id, strlen(a->id)),
            RD_KAFKA_V_VALUE((void *)json, strlen(json)),
            RD_KAFKA_V_HEADER("ce_specversion", "1.0", -1),
            RD_KAFKA_V_HEADER("ce_type", type, -1),
            RD_KAFKA_V_HEADER("ce_source", "claimwatch", -1),
            RD_KAFKA_V_HEADER("ce_id", a->id, -1),
            RD_KAFKA_V_HEADER("ce_time", alert_time(a, tbuf, sizeof(tbuf)), -1),
            RD_KAFKA_V_HEADER("content-type", "application/json", -1), RD_KAFKA_V_END);
}

static int sk_publish(struct sink *s, const struct alert *a, char *errstr,
                      size_t errstr_size)
{
        struct sink_kafka *sk = (struct sink_kafka *)s;
        char *json = alert_dumps(a);
        rd_kafka_resp_err_t err;
        int tries = 0;

        if (!json) {
                snprintf(errstr, errstr_size, "%s: alert %s: out of memory", s->name,
                         a->id);
                return -1;
        }
        while ((err = produce(sk, a, json)) == RD_KAFKA_RESP_ERR__QUEUE_FULL &&
               ++tries < QUEUE_FULL_TRIES)
                rd_kafka_poll(sk->rk, 100);
        free(json);
        if (err) {
                snprintf(errstr, errstr_size, "%s: alert %s: %s", s->name, a->id,
                         rd_kafka_err2str(err));
                return -1;
        }
        sk->sent++;
        rd_kafka_poll(sk->rk, 0);
        return 0;
}

static int sk_flush(struct sink *s, int timeout_ms, char *errstr, size_t errstr_size)
{
        struct sink_kafka *sk = (struct sink_kafka *)s;
        size_t sent = sk->sent, failed;
        int left, rc = 0;
        char fatal[256];

        rd_kafka_flush(sk->rk, timeout_ms);
        rd_kafka_poll(sk->rk, 0);
        left = rd_kafka_outq_len(sk->rk);
        failed = sk->failed;
        if (rd_kafka_fatal_error(sk->rk, fatal, sizeof(fatal))) {
                snprintf(errstr, errstr_size, "%s: producer failed: %s", s->name, fatal);
                rc = -1;
        } else if (failed) {
                snprintf(errstr, errstr_size, "%s: %zu of %zu alerts not delivered: %s",
                         s->name, failed, sent, sk->last_err);
                rc = -1;
        } else if (left > 0) {
                snprintf(errstr, errstr_size,
                         "%s: %d messages still undelivered after %d ms", s->name, left,
                         timeout_ms);
                rc = -1;
        }
        /* A new window; reports for messages still queued count in it. */
        sk->sent = left > 0 ? (size_t)left : 0;
        sk->failed = 0;
        return rc;
}

static void sk_destroy(struct sink *s)
{
        struct sink_kafka *sk = (struct sink_kafka *)s;

        if (sk->rk) {
                /* The caller flushed what it cared about; give stragglers
                 * a moment, then drop them rather than hang shutdown. */
                rd_kafka_flush(sk->rk, 1000);
                if (rd_kafka_outq_len(sk->rk) > 0) {
                        log_warn(s->name, "dropping %d undelivered messages",
                                 rd_kafka_outq_len(sk->rk));
                        rd_kafka_purge(sk->rk, RD_KAFKA_PURGE_F_QUEUE |
                                                   RD_KAFKA_PURGE_F_INFLIGHT);
                        rd_kafka_poll(sk->rk, 0);
                }
                rd_kafka_destroy(sk->rk);
        }
        free(sk->topic);
        free(sk);
}

static const struct sink_ops sink_kafka_ops = {
    .kind = "kafka",
    .publish = sk_publish,
    .flush = sk_flush,
    .destroy = sk_destroy,
};

/* True when the pass-through already sets property name. */
static int has_prop(const struct config *cfg, const char *name)
{
        size_t i;

        for (i = 0; i < cfg->n_kafka_props; i++) {
                if (strcmp(cfg->kafka_props[2 * i], name) == 0)
                        return 1;
        }
        return 0;
}

/* Our producer settings on top of kafka_conf_new(): idempotence is not
 * negotiable (DESIGN.md), the delivery timeout is ours unless kafka.*
 * names one. */
static int producer_conf(rd_kafka_conf_t *conf, const struct config *cfg, char *errstr,
                         size_t errstr_size)
{
        char num[24], err[256];

        snprintf(num, sizeof(num), "%lld", (long long)cfg->delivery_timeout_ms);
        if ((!has_prop(cfg, "delivery.timeout.ms") &&
             !has_prop(cfg, "message.timeout.ms") &&
             rd_kafka_conf_set(conf, "delivery.timeout.ms", num, err, sizeof(err))) ||
            rd_kafka_conf_set(conf, "enable.idempotence", "true", err, sizeof(err)) ||
            rd_kafka_conf_set(conf, "acks", "all", err, sizeof(err))) {
                snprintf(errstr, errstr_size, "alerts producer: %s", err);
                return -1;
        }
        return 0;
}

struct sink *sink_kafka_new(const struct config *cfg, const char *topic, char *errstr,
                            size_t errstr_size)
{
        struct sink_kafka *sk = calloc(1, sizeof(*sk));
        rd_kafka_conf_t *conf = NULL;
        char err[512];

        if (!topic)
                topic = cfg->alerts_topic;
        if (!sk || !(sk->topic = strdup(topic))) {
                snprintf(errstr, errstr_size, "kafka sink: out of memory");
                goto fail;
        }
        sk->sk.ops = &sink_kafka_ops;
        sk->sk.min_level = ALERT_LEVEL_REVIEW;
        snprintf(sk->sk.name, sizeof(sk->sk.name), "kafka:%s", topic);
        if (!(conf = kafka_conf_new(cfg, errstr, errstr_size)) ||
            producer_conf(conf, cfg, errstr, errstr_size) < 0)
                goto fail;
        rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
        rd_kafka_conf_set_opaque(conf, sk);
        if (!(sk->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err)))) {
                snprintf(errstr, errstr_size, "%s: %s", sk->sk.name, err);
                goto fail;
        }
        conf = NULL; /* now owned by rk */
        return &sk->sk;
fail:
        if (conf)
                rd_kafka_conf_destroy(conf);
        if (sk)
                sk_destroy(&sk->sk);
        return NULL;
}
