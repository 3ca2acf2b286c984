/* consumer.c - the consumer group and the process's health (see
 * consumer.h). */
#include "consumer.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "kafka.h"
#include "kafka_stats.h"
#include "log.h"
#include "store.h"

struct consumer {
        rd_kafka_t *rk;
        struct admin *admin;
        struct store *probe;          /* the admin thread's own Redis connection */
        _Atomic int64_t heartbeat_ms; /* read by the admin thread */
        atomic_int assigned;
};

int64_t consumer_now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
        struct consumer *cs = opaque;
        int assign = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;

        log_info("kafka", "rebalance: %s %d partition(s)",
                 assign ? "assigned" : "revoked", parts->cnt);
        rd_kafka_assign(rk, assign ? parts : NULL);
        atomic_store(&cs->assigned, assign ? parts->cnt : 0);
}

static int on_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
        (void)rk;
        (void)opaque;
        metrics_from_rdkafka_stats(json, len);
        return 0; /* librdkafka frees json */
}

static double heartbeat_age(void *opaque)
{
        struct consumer *cs = opaque;

        return (double)(consumer_now_ms() - atomic_load(&cs->heartbeat_ms)) / 1000.0;
}

/* Ready: partitions assigned and Redis answering. Runs on the admin
 * thread, with its own connection: hiredis contexts are not shared. */
static int ready(void *opaque, char *why, size_t why_size)
{
        struct consumer *cs = opaque;
        char err[256];

        if (store_ping(cs->probe, err, sizeof(err)) == -1) {
                snprintf(why, why_size, "redis: %s", err);
                return 0;
        }
        if (atomic_load(&cs->assigned) == 0) {
                snprintf(why, why_size, "no partitions assigned");
                return 0;
        }
        return 1;
}

static rd_kafka_t *subscribe(struct consumer *cs, const struct config *cfg,
                             const char *group, const char *topic, char *errstr,
                             size_t errstr_size)
{
        rd_kafka_conf_t *conf = kafka_conf_new(cfg, errstr, errstr_size);
        rd_kafka_topic_partition_list_t *topics;
        rd_kafka_resp_err_t err;
        rd_kafka_t *rk;
        char kerr[512];

        if (!conf)
                return NULL;
        /* at-least-once: an offset is stored only when its work is done */
        if (rd_kafka_conf_set(conf, "group.id", group, kerr, sizeof(kerr)) ||
            rd_kafka_conf_set(conf, "enable.auto.offset.store", "false", kerr,
                              sizeof(kerr)) ||
            rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", kerr,
                              sizeof(kerr)) ||
            (*cfg->admin && rd_kafka_conf_set(conf, "statistics.interval.ms", "5000",
                                              kerr, sizeof(kerr)))) {
                snprintf(errstr, errstr_size, "kafka: %s", kerr);
                rd_kafka_conf_destroy(conf);
                return NULL;
        }
        rd_kafka_conf_set_opaque(conf, cs);
        rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
        if (*cfg->admin) /* consumer lag for /metrics */
                rd_kafka_conf_set_stats_cb(conf, on_stats);
        if (!(rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, kerr, sizeof(kerr)))) {
                snprintf(errstr, errstr_size, "kafka consumer: %s", kerr);
                rd_kafka_conf_destroy(conf);
                return NULL;
        }
        conf = NULL; /* now owned by rk */
        rd_kafka_poll_set_consumer(rk);
        topics = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
        err = rd_kafka_subscribe(rk, topics);
        rd_kafka_topic_partition_list_destroy(topics);
        if (err) {
                snprintf(errstr, errstr_size, "subscribe %s: %s", topic,
                         rd_kafka_err2str(err));
                rd_kafka_destroy(rk);
                return NULL;
        }
        return rk;
}

static int health_open(struct consumer *cs, const struct config *cfg, char *errstr,
                       size_t errstr_size)
{
        struct store_opts so = {
            .ns = cfg->ns, .ttl_s = cfg->ttl_days * 86400, .timeout_ms = 500};
        struct admin_checks checks = {.heartbeat_age = heartbeat_age,
                                      .ready = ready,
                                      .opaque = cs,
                                      .max_heartbeat_age = 60};

        if (!*cfg->admin)
                return 0;
        if (!(cs->probe = store_redis_new(cfg->redis_url, &so, errstr, errstr_size)) ||
            !(cs->admin = admin_new(cfg->admin, &checks, errstr, errstr_size)))
                return -1;
        return 0;
}

struct consumer *consumer_new(const struct config *cfg, const char *group,
                              const char *topic, char *errstr, size_t errstr_size)
{
        struct consumer *cs = calloc(1, sizeof(*cs));

        if (!cs) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        atomic_store(&cs->heartbeat_ms, consumer_now_ms());
        if (!(cs->rk = subscribe(cs, cfg, group, topic, errstr, errstr_size)) ||
            health_open(cs, cfg, errstr, errstr_size) == -1) {
                consumer_close(cs);
                return NULL;
        }
        return cs;
}

void consumer_beat(struct consumer *cs)
{
        atomic_store(&cs->heartbeat_ms, consumer_now_ms());
}

size_t consumer_poll(struct consumer *cs, rd_kafka_message_t **msgs, size_t max,
                     int timeout_ms, volatile sig_atomic_t *running)
{
        int64_t deadline = consumer_now_ms() + timeout_ms;
        size_t n = 0;

        consumer_beat(cs);
        while (n < max && *running) {
                int64_t left = deadline - consumer_now_ms();
                rd_kafka_message_t *m;

                if (left <= 0 && n > 0)
                        break;
                m = rd_kafka_consumer_poll(cs->rk, left > 0 ? (int)left : 100);
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
                msgs[n++] = m;
        }
        consumer_beat(cs);
        return n;
}

void consumer_store(struct consumer *cs, rd_kafka_message_t *const *msgs, size_t n)
{
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)n);
        rd_kafka_resp_err_t err;
        size_t i;

        for (i = 0; i < n; i++)
                rd_kafka_topic_partition_list_add(l, rd_kafka_topic_name(msgs[i]->rkt),
                                                  msgs[i]->partition)
                    ->offset = msgs[i]->offset + 1;
        if ((err = rd_kafka_offsets_store(cs->rk, l)))
                log_warn("kafka", "storing offsets: %s", rd_kafka_err2str(err));
        rd_kafka_topic_partition_list_destroy(l);
}

void consumer_close(struct consumer *cs)
{
        if (!cs)
                return;
        if (cs->rk) {
                rd_kafka_commit(cs->rk, NULL, 0); /* what is stored */
                rd_kafka_consumer_close(cs->rk);
                rd_kafka_destroy(cs->rk);
        }
        admin_free(cs->admin);
        store_free(cs->probe);
        free(cs);
}
