/* kafka_stats.c - consumer lag per partition from librdkafka's statistics
 * JSON into the metrics registry (see kafka_stats.h). */
#include "kafka_stats.h"

#include <jansson.h>
#include <stdio.h>

#include "metrics.h"

#define LAG_NAME "claimwatch_consumer_lag"
#define LAG_HELP                                                                         \
        "Messages behind the partition's high watermark (librdkafka "                    \
        "consumer_lag; 0 when this replica does not consume the partition)."

/* Sets the lag gauge of one partition object; returns 1 when set. */
static int partition_lag(const char *topic_esc, json_t *part)
{
        json_t *id = json_object_get(part, "partition");
        json_t *lag = json_object_get(part, "consumer_lag");
        json_t *desired = json_object_get(part, "desired");
        char labels[512];
        json_int_t value;

        if (!json_is_integer(id) || json_integer_value(id) < 0 || !json_is_integer(lag))
                return 0;
        value = json_integer_value(lag);
        if (json_is_false(desired))
                value = 0;
        else if (value < 0)
                return 0;
        snprintf(labels, sizeof(labels), "topic=\"%s\",partition=\"%lld\"", topic_esc,
                 (long long)json_integer_value(id));
        metric_set(metrics_gauge(LAG_NAME, labels, LAG_HELP), (double)value);
        return 1;
}

static int topic_lag(const char *topic, json_t *t)
{
        json_t *parts = json_object_get(t, "partitions"), *part;
        const char *key;
        char esc[400];
        int n = 0;

        metrics_label_escape(esc, sizeof(esc), topic);
        json_object_foreach(parts, key, part) n += partition_lag(esc, part);
        return n;
}

int metrics_from_rdkafka_stats(const char *json, size_t len)
{
        json_t *root, *topics, *t;
        json_error_t jerr;
        const char *name;
        int n = 0;

        if (!json || !(root = json_loadb(json, len, 0, &jerr)))
                return -1;
        if (!json_is_object(root)) {
                json_decref(root);
                return -1;
        }
        topics = json_object_get(root, "topics");
        json_object_foreach(topics, name, t) n += topic_lag(name, t);
        json_decref(root);
        return n;
}
