/* itutil.h - small helpers the integration tests share: a free loopback
 * port, and stopping a child process with its exit code. */
#ifndef CW_ITUTIL_H
#define CW_ITUTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "store.h"

/* A loopback TCP port nobody listens on now (bound to 0, read, closed);
 * 0 when none could be had. */
int itu_free_port(void);

/* Sends sig to pid and waits for it. Returns its exit code, or 128 + the
 * signal that ended it. */
int itu_stop(pid_t pid, int sig);

/* Whether the first 64 KB of the file at path (a child's log) hold
 * needle. */
int itu_file_has(const char *path, const char *needle);

/* Store tests: a statement record as the pipeline writes it, reduced to
 * what the stores look at (article id, ts, seq). Caller frees. */
char *itu_rec_json(const char *art_id, int64_t ts, int seq);

/* The article id / ts of a record. */
const char *itu_rec_article(const json_t *rec);
int64_t itu_rec_ts(const json_t *rec);

/* The records of one key (new reference), or NULL with the error printed. */
json_t *itu_lookup_key(struct store *s, const char *key, size_t max);

/* Puts one record made by itu_rec_json. Returns store_put's result. */
int itu_put_one(struct store *s, const char *key, const char *art, int64_t ts, int seq);

/* Reads partition 0 of topic at boot from the beginning to its end (or
 * 10 s of silence), without committing, calling fn for every message.
 * Returns the number of messages read. */
size_t itu_read_topic(const char *boot, const char *topic,
                      void (*fn)(const rd_kafka_message_t *m, void *ud), void *ud);

/* The last value of header name as a new string, or NULL. */
char *itu_header(const rd_kafka_message_t *m, const char *name);

/* A Kafka-protocol cluster for a test: librdkafka's mock cluster, run in
 * this process and reached over TCP at boot (one broker). */
struct itu_mock {
        rd_kafka_t *rk;
        rd_kafka_mock_cluster_t *mc;
        char boot[256];
};

/* Starts the cluster with topics (NULL-terminated), each with partitions
 * partitions. Returns 0, or -1 with a message on stderr. */
int itu_mock_start(struct itu_mock *m, const char *const *topics, int partitions);

/* Stops it; accepts a zeroed struct. */
void itu_mock_stop(struct itu_mock *m);

#endif
