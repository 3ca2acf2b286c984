/* consumer.h - the consumer-group plumbing `run` and `notify` share:
 * subscribe with at-least-once settings (offsets stored by us, only for
 * finished work; librdkafka commits what is stored), poll a batch, store
 * its offsets, commit and close.  It also keeps the process's health for
 * the admin endpoint (admin.h): the loop's heartbeat, whether partitions
 * are assigned, a Redis probe on the admin thread's own connection, and
 * consumer lag from librdkafka's statistics. */
#ifndef CW_CONSUMER_H
#define CW_CONSUMER_H

#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stddef.h>

#include "config.h"

struct consumer;

/* Joins group on topic and, when cfg->admin is set, serves /metrics,
 * /healthz and /readyz there. Returns a new consumer or NULL with a
 * message naming the bad setting. */
struct consumer *consumer_new(const struct config *cfg, const char *group,
                              const char *topic, char *errstr, size_t errstr_size);

/* Polls up to max messages within timeout_ms (returning early when
 * *running drops) into msgs; errors are logged, end-of-partition events
 * skipped. The caller destroys the messages. Beats the heartbeat. */
size_t consumer_poll(struct consumer *cs, rd_kafka_message_t **msgs, size_t max,
                     int timeout_ms, volatile sig_atomic_t *running);

/* Stores the offsets after msgs[0..n): they are done. */
void consumer_store(struct consumer *cs, rd_kafka_message_t *const *msgs, size_t n);

/* Tells /healthz the loop is alive (also while it waits and retries). */
void consumer_beat(struct consumer *cs);

/* Commits what is stored, leaves the group and frees; accepts NULL. */
void consumer_close(struct consumer *cs);

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t consumer_now_ms(void);

#endif
