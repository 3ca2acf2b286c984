/* kafka.c - librdkafka set-up shared by the consumer, the producers and
 * replay (see kafka.h): one configuration built from our settings,
 * librdkafka's own log lines routed through log.h, and the dead-letter
 * producer call. */
#include "kafka.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

#define DLQ_QUEUE_FULL_TRIES 50 /* x 100 ms of polling before giving up */

/* Property names whose values must never appear in a message: librdkafka
 * may echo a rejected value back in its error string. */
static int prop_is_secret(const char *name)
{
        return strstr(name, "password") || strstr(name, "secret") ||
               strstr(name, ".pem") || strstr(name, "sasl.oauthbearer.config") ||
               strstr(name, "ssl_key");
}

/* librdkafka log levels are syslog levels. */
static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
        const char *name = rk ? rd_kafka_name(rk) : "";

        /* The kafka.* pass-through goes to every client, so a consumer
         * property reaches the producers (and the reverse): expected, not
         * worth a warning on every start */
        if (level == 4 && strcmp(fac, "CONFWARN") == 0 &&
            strstr(buf, "will be ignored by this"))
                level = 7;
        if (level <= 3)
                log_error("rdkafka", "%s %s: %s", name, fac, buf);
        else if (level == 4)
                log_warn("rdkafka", "%s %s: %s", name, fac, buf);
        else if (level <= 6)
                log_info("rdkafka", "%s %s: %s", name, fac, buf);
        else
                log_debug("rdkafka", "%s %s: %s", name, fac, buf);
}

static int conf_set(rd_kafka_conf_t *conf, const char *name, const char *value,
                    char *errstr, size_t errstr_size)
{
        char err[512];

        if (rd_kafka_conf_set(conf, name, value, err, sizeof(err)) == RD_KAFKA_CONF_OK)
                return 0;
        if (prop_is_secret(name))
                snprintf(errstr, errstr_size, "kafka.%s: invalid value (not shown)",
                         name);
        else
                snprintf(errstr, errstr_size, "kafka.%s: %s", name, err);
        return -1;
}

rd_kafka_conf_t *kafka_conf_new(const struct config *cfg, char *errstr,
                                size_t errstr_size)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        size_t i;

        if (!conf) {
                snprintf(errstr, errstr_size, "kafka: out of memory");
                return NULL;
        }
        /* Ours first, so the kafka.* pass-through can override them. */
        if (conf_set(conf, "client.id", "claimwatch", errstr, errstr_size) < 0 ||
            conf_set(conf, "bootstrap.servers", cfg->brokers, errstr, errstr_size) < 0)
                goto fail;
        for (i = 0; i < cfg->n_kafka_props; i++) {
                if (conf_set(conf, cfg->kafka_props[2 * i], cfg->kafka_props[2 * i + 1],
                             errstr, errstr_size) < 0)
                        goto fail;
        }
        rd_kafka_conf_set_log_cb(conf, log_cb);
        return conf;
fail:
        rd_kafka_conf_destroy(conf);
        return NULL;
}

int kafka_dlq_send(rd_kafka_t *rk, const char *topic, const rd_kafka_message_t *msg,
                   const char *reason, const char *message)
{
        const char *src = msg->rkt ? rd_kafka_topic_name(msg->rkt) : "";
        char part[16], off[24];
        rd_kafka_resp_err_t err;
        int tries = 0;

        snprintf(part, sizeof(part), "%" PRId32, msg->partition);
        snprintf(off, sizeof(off), "%" PRId64, msg->offset);
        if (!reason)
                reason = "unknown";
        if (!message)
                message = "";
        do {
                err = rd_kafka_producev(
                    rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                    RD_KAFKA_V_VALUE(msg->payload, msg->len),
                    RD_KAFKA_V_KEY(msg->key, msg->key_len),
                    RD_KAFKA_V_HEADER("error", reason, -1),
                    RD_KAFKA_V_HEADER("error_message", message, -1),
                    RD_KAFKA_V_HEADER("source_topic", src, -1),
                    RD_KAFKA_V_HEADER("source_partition", part, -1),
                    RD_KAFKA_V_HEADER("source_offset", off, -1), RD_KAFKA_V_END);
                /* A full queue drains while we serve delivery reports. */
                if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                        rd_kafka_poll(rk, 100);
        } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && ++tries < DLQ_QUEUE_FULL_TRIES);
        if (err) {
                log_error("kafka", "%s [%" PRId32 "] @%" PRId64 ": dead-letter to %s: %s",
                          src, msg->partition, msg->offset, topic, rd_kafka_err2str(err));
                return -1;
        }
        return 0;
}

rd_kafka_t *kafka_producer_new(const struct config *cfg, char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *conf = kafka_conf_new(cfg, errstr, errstr_size);
        rd_kafka_t *rk;
        char kerr[512];

        if (!conf)
                return NULL;
        if (rd_kafka_conf_set(conf, "enable.idempotence", "true", kerr, sizeof(kerr)) ||
            !(rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, kerr, sizeof(kerr)))) {
                snprintf(errstr, errstr_size, "kafka producer: %s", kerr);
                rd_kafka_conf_destroy(conf);
                return NULL;
        }
        return rk;
}
