/* kafka.h - librdkafka set-up shared by the consumer, the producers and
 * replay: configuration from our settings (brokers, kafka.* pass-through),
 * librdkafka's logs through our logger, and the dead-letter producer. */
#ifndef CW_KAFKA_H
#define CW_KAFKA_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

#include "config.h"
#include "sink.h"

/* A new rd_kafka_conf_t with bootstrap.servers, the kafka.* pass-through
 * properties of cfg and our log callback. Returns NULL with a message
 * naming the bad property. Caller owns the result. */
rd_kafka_conf_t *kafka_conf_new(const struct config *cfg, char *errstr,
                                size_t errstr_size);

/* A new idempotent producer (dead letters) from cfg. Returns NULL with a
 * message naming the problem. */
rd_kafka_t *kafka_producer_new(const struct config *cfg, char *errstr,
                               size_t errstr_size);

/* Sends one rejected message to topic with its original bytes and key and
 * the headers "error" (reason code), "error_message", "source_topic",
 * "source_partition", "source_offset".  rk is a producer. Returns 0 or -1;
 * delivery is confirmed by the producer's flush. */
int kafka_dlq_send(rd_kafka_t *rk, const char *topic, const rd_kafka_message_t *msg,
                   const char *reason, const char *message);

/* The Kafka alerts-topic sink: key = alert_id, idempotent producer,
 * CloudEvents binary-mode headers, delivery reports checked on flush.
 * Returns NULL with a message when the producer cannot be made. */
struct sink *sink_kafka_new(const struct config *cfg, const char *topic, char *errstr,
                            size_t errstr_size);

#endif
