/* worker.h - `claimwatch run`: the Kafka consumer-group worker loop.
 *
 * Consumes cfg->topic in batches, runs each batch through the pipeline
 * with the Redis store and the alerts-topic sink, sends unparseable
 * messages to the dead-letter topic, and stores a message's offset only
 * after its statements are written and its alerts delivered
 * (at-least-once).  Stops when *running drops to 0: finishes the batch,
 * commits, closes the consumer. */
#ifndef CW_WORKER_H
#define CW_WORKER_H

#include <signal.h>
#include <stddef.h>

#include "config.h"

/* Returns 0 after a clean stop, -1 with a message on a fatal error. */
int worker_run(const struct config *cfg, volatile sig_atomic_t *running, char *errstr,
               size_t errstr_size);

#endif
