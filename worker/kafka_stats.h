/* kafka_stats.h - librdkafka's statistics JSON (statistics.interval.ms,
 * rd_kafka_conf_set_stats_cb) turned into metrics (metrics.h). */
#ifndef CW_KAFKA_STATS_H
#define CW_KAFKA_STATS_H

#include <stddef.h>

/* Reads json[0..len), one statistics document as librdkafka's STATISTICS.md
 * describes it, and sets claimwatch_consumer_lag{topic,partition} from
 * topics -> partitions -> consumer_lag.  The internal partition -1 is
 * skipped, so is an unknown lag (-1) of a partition this consumer wants;
 * a partition it does not want (desired false: not assigned, or revoked)
 * is set to 0, so the sum over replicas stays right after a rebalance.
 * Returns the number of series set, or -1 when json does not parse.
 * json stays the caller's (a stats_cb returns 0 and librdkafka frees it).
 * Safe to call from any thread. */
int metrics_from_rdkafka_stats(const char *json, size_t len);

#endif
