/* it_kafka.c - the Kafka pieces against librdkafka's mock cluster over
 * TCP: the alerts sink (key = alert id, CloudEvents headers, delivery
 * reports seen by flush) and the dead-letter producer (original bytes and
 * key, error headers). */
#include "kafka.h"

#include <librdkafka/rdkafka_mock.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "log.h"
#include "sink.h"

#define MAX_MSGS 8

/* Header name's value as a string (static buffer), or NULL. */
static const char *header(const rd_kafka_message_t *m, const char *name)
{
        static char buf[4][256];
        static int next;
        rd_kafka_headers_t *hdrs = NULL;
        const void *v;
        size_t n;
        char *out = buf[next++ % 4];

        if (rd_kafka_message_headers(m, &hdrs) || !hdrs ||
            rd_kafka_header_get_last(hdrs, name, &v, &n) || n >= sizeof(buf[0]))
                return NULL;
        memcpy(out, v, n);
        out[n] = '\0';
        return out;
}

/* Messages read back, and the consumer that owns them: librdkafka's
 * destroy waits until every message it handed out is destroyed. */
struct consumed {
        rd_kafka_t *rk;
        rd_kafka_message_t *m[MAX_MSGS];
        int n;
};

static void consumed_free(struct consumed *c)
{
        int i;

        for (i = 0; i < c->n; i++)
                rd_kafka_message_destroy(c->m[i]);
        if (c->rk) {
                rd_kafka_consumer_close(c->rk);
                rd_kafka_destroy(c->rk);
        }
        memset(c, 0, sizeof(*c));
}

/* Reads up to want messages from partition 0 of topic from the start. */
static void consume(const struct config *cfg, const char *topic, int want,
                    struct consumed *c)
{
        char err[512];
        rd_kafka_conf_t *conf = kafka_conf_new(cfg, err, sizeof(err));
        rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(1);
        int polls = 0;

        memset(c, 0, sizeof(*c));
        rd_kafka_conf_set(conf, "group.id", "it_kafka", err, sizeof(err));
        c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
        if (!c->rk) {
                fprintf(stderr, "consumer: %s\n", err);
                rd_kafka_topic_partition_list_destroy(parts);
                return;
        }
        rd_kafka_topic_partition_list_add(parts, topic, 0)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_assign(c->rk, parts);
        while (c->n < want && c->n < MAX_MSGS && polls++ < 100) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(c->rk, 100);

                if (m && !m->err)
                        c->m[c->n++] = m;
                else if (m)
                        rd_kafka_message_destroy(m);
        }
        rd_kafka_topic_partition_list_destroy(parts);
}

static void make_alert(struct alert *a, int i)
{
        memset(a, 0, sizeof(*a));
        a->kind = i % 2 ? ALERT_CONTRADICTION : ALERT_DENIAL;
        a->level = ALERT_LEVEL_ALERT;
        a->subkind = "negation";
        a->confidence = 0.9;
        alert_make_id("it-article", i, "it-earlier", 0, a->kind, a->id);
        a->doc = json_pack("{s:s, s:s, s:s, s:s, s:i}", "schema", "claimwatch.alert/v1",
                           "alert_id", a->id, "kind", alert_kind_name(a->kind),
                           "detected_at", "2022-09-22T03:00:00Z", "n", i);
}

static void test_sink(const struct config *cfg)
{
        char err[512] = "";
        struct sink *sk = sink_kafka_new(cfg, "it.alerts", err, sizeof(err));
        struct alert a[3];
        struct consumed c;
        int i;

        CHECK(sk != NULL);
        if (!sk) {
                fprintf(stderr, "sink_kafka_new: %s\n", err);
                return;
        }
        CHECK_STR(sk->name, "kafka:it.alerts");
        CHECK_STR(sk->ops->kind, "kafka");
        CHECK(sk->min_level == ALERT_LEVEL_REVIEW);
        for (i = 0; i < 3; i++) {
                make_alert(&a[i], i);
                CHECK(sk->ops->publish(sk, &a[i], err, sizeof(err)) == 0);
        }
        CHECK(sink_flush(sk, 10000, err, sizeof(err)) == 0);
        consume(cfg, "it.alerts", 3, &c);
        CHECK(c.n == 3);
        for (i = 0; i < c.n; i++) {
                rd_kafka_message_t **msgs = c.m;
                json_t *doc = json_loadb(msgs[i]->payload, msgs[i]->len, 0, NULL);

                CHECK(msgs[i]->key_len == ALERT_ID_LEN &&
                      memcmp(msgs[i]->key, a[i].id, ALERT_ID_LEN) == 0);
                CHECK_STR(json_string_value(json_object_get(doc, "alert_id")), a[i].id);
                CHECK_STR(header(msgs[i], "ce_specversion"), "1.0");
                CHECK_STR(header(msgs[i], "ce_type"),
                          i % 2 ? "claimwatch.alert.contradiction"
                                : "claimwatch.alert.denial");
                CHECK_STR(header(msgs[i], "ce_source"), "claimwatch");
                CHECK_STR(header(msgs[i], "ce_id"), a[i].id);
                CHECK_STR(header(msgs[i], "ce_time"), "2022-09-22T03:00:00Z");
                CHECK_STR(header(msgs[i], "content-type"), "application/json");
                json_decref(doc);
        }
        consumed_free(&c);
        for (i = 0; i < 3; i++)
                json_decref(a[i].doc);
        sink_free(sk);
}

/* With the broker down, messages time out and flush must say so. */
static void test_sink_failure(const struct config *cfg0, rd_kafka_mock_cluster_t *mc)
{
        struct config cfg = *cfg0;
        char err[512] = "";
        struct sink *sk;
        struct alert a;

        cfg.delivery_timeout_ms = 1000;
        sk = sink_kafka_new(&cfg, "it.alerts.down", err, sizeof(err));
        CHECK(sk != NULL);
        if (!sk)
                return;
        rd_kafka_mock_broker_set_down(mc, 1);
        make_alert(&a, 7);
        CHECK(sk->ops->publish(sk, &a, err, sizeof(err)) == 0);
        err[0] = '\0';
        CHECK(sink_flush(sk, 10000, err, sizeof(err)) < 0);
        CHECK(strstr(err, "kafka:it.alerts.down") != NULL);
        CHECK(strstr(err, "1 of 1") != NULL);
        rd_kafka_mock_broker_set_up(mc, 1);
        /* The failures belonged to the last window. */
        CHECK(sink_flush(sk, 100, err, sizeof(err)) == 0);
        json_decref(a.doc);
        sink_free(sk);
}

static void test_dlq(const struct config *cfg)
{
        static const char bytes[] = "{\"id\": \"x\", \"body\": \"\xff\xfe\0tail";
        char err[512] = "";
        rd_kafka_conf_t *conf = kafka_conf_new(cfg, err, sizeof(err));
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        rd_kafka_message_t in = {0}, **out;
        struct consumed c;

        CHECK(rk != NULL);
        if (!rk)
                return;
        in.rkt = rd_kafka_topic_new(rk, "news.articles", NULL);
        in.partition = 2;
        in.offset = 42;
        in.payload = (void *)bytes;
        in.len = sizeof(bytes) - 1;
        in.key = (void *)"k1";
        in.key_len = 2;
        CHECK(kafka_dlq_send(rk, "it.dlq", &in, "not_json", "neither JSON nor text") ==
              0);
        CHECK(rd_kafka_flush(rk, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
        consume(cfg, "it.dlq", 1, &c);
        out = c.m;
        CHECK(c.n == 1);
        if (c.n == 1) {
                CHECK(out[0]->len == sizeof(bytes) - 1 &&
                      memcmp(out[0]->payload, bytes, sizeof(bytes) - 1) == 0);
                CHECK(out[0]->key_len == 2 && memcmp(out[0]->key, "k1", 2) == 0);
                CHECK_STR(header(out[0], "error"), "not_json");
                CHECK_STR(header(out[0], "error_message"), "neither JSON nor text");
                CHECK_STR(header(out[0], "source_topic"), "news.articles");
                CHECK_STR(header(out[0], "source_partition"), "2");
                CHECK_STR(header(out[0], "source_offset"), "42");
        }
        consumed_free(&c);
        rd_kafka_topic_destroy(in.rkt);
        rd_kafka_destroy(rk);
}

static void test_conf_errors(const struct config *cfg0)
{
        struct config cfg;
        char err[512] = "";
        rd_kafka_conf_t *conf;

        config_init(&cfg);
        CHECK(config_set(&cfg, "kafka.no.such.property", "1", err, sizeof(err)) == 0);
        CHECK(kafka_conf_new(&cfg, err, sizeof(err)) == NULL);
        CHECK(strstr(err, "kafka.no.such.property") != NULL);
        config_clear(&cfg);

        /* Pass-through wins over ours: it is applied after them. */
        config_init(&cfg);
        config_set(&cfg, "brokers", cfg0->brokers, err, sizeof(err));
        config_set(&cfg, "kafka.client.id", "it-client", err, sizeof(err));
        conf = kafka_conf_new(&cfg, err, sizeof(err));
        CHECK(conf != NULL);
        if (conf) {
                char v[128];
                size_t vn = sizeof(v);

                CHECK(rd_kafka_conf_get(conf, "client.id", v, &vn) == RD_KAFKA_CONF_OK);
                CHECK_STR(v, "it-client");
                vn = sizeof(v);
                CHECK(rd_kafka_conf_get(conf, "bootstrap.servers", v, &vn) ==
                      RD_KAFKA_CONF_OK);
                CHECK_STR(v, cfg0->brokers);
                rd_kafka_conf_destroy(conf);
        }
        config_clear(&cfg);
}

int main(void)
{
        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_t *host;
        rd_kafka_mock_cluster_t *mc;
        struct config cfg;

        log_setup("warn", "text");
        host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        mc = host ? rd_kafka_mock_cluster_new(host, 1) : NULL;
        if (!mc) {
                fprintf(stderr, "no mock cluster: %s\n", err);
                return 1;
        }
        rd_kafka_mock_topic_create(mc, "it.alerts", 1, 1);
        rd_kafka_mock_topic_create(mc, "it.alerts.down", 1, 1);
        rd_kafka_mock_topic_create(mc, "it.dlq", 1, 1);
        config_init(&cfg);
        config_set(&cfg, "brokers", rd_kafka_mock_cluster_bootstraps(mc), err,
                   sizeof(err));

        test_conf_errors(&cfg);
        test_dlq(&cfg);
        test_sink(&cfg);
        test_sink_failure(&cfg, mc);

        config_clear(&cfg);
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(host);
        return check_done("it_kafka");
}
