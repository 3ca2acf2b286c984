/* sink.h - where alerts go (DESIGN.md, "Sinks").  A sink is a table of
 * operations (sink_file.c, sink_kafka.c, ...) behind one handle.
 *
 * publish() hands one alert over (it may only queue it); flush() waits
 * until everything handed over is delivered or has failed for good and
 * returns -1 if anything failed, so the caller knows whether it may mark
 * the alerts delivered and commit the articles' offsets. */
#ifndef CW_SINK_H
#define CW_SINK_H

#include <stddef.h>

#include "alert.h"

struct sink;

struct sink_ops {
        const char *kind; /* "file", "kafka", "slack", "webhook" */
        int (*publish)(struct sink *sk, const struct alert *a, char *errstr,
                       size_t errstr_size);
        int (*flush)(struct sink *sk, int timeout_ms, char *errstr, size_t errstr_size);
        void (*destroy)(struct sink *sk);
};

/* Common head of every sink; implementations embed it first. */
struct sink {
        const struct sink_ops *ops;
        char name[64];              /* "kafka:news.factcheck.alerts", "stdout" */
        enum alert_level min_level; /* alerts below it are not published */
};

/* JSON lines to a file ("-" or NULL for stdout), flushed on flush().
 * Returns NULL with a message when the file cannot be opened. */
struct sink *sink_file_new(const char *path, char *errstr, size_t errstr_size);

/* Publishes alert JSON to sink's level filter then the sink. Returns 0
 * (also when filtered out) or -1. */
int sink_publish(struct sink *sk, const struct alert *a, char *errstr,
                 size_t errstr_size);

static inline int sink_flush(struct sink *sk, int timeout_ms, char *e, size_t es)
{
        return sk->ops->flush(sk, timeout_ms, e, es);
}

/* Frees the sink; accepts NULL. */
void sink_free(struct sink *sk);

#endif
