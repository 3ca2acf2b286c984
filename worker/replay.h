/* replay.h - `claimwatch replay`: articles from a file (JSON lines, or one
 * dateline text article) or from a Kafka topic over a time range, through
 * the whole pipeline, into an isolated store, alerts on stdout or a file,
 * a summary on stderr.  Never commits offsets, never touches the
 * production namespace. */
#ifndef CW_REPLAY_H
#define CW_REPLAY_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#include "config.h"

struct replay_opts {
        const char *input;       /* file or "-"; NULL: read the topic */
        const char *output;      /* alerts file; NULL or "-": stdout */
        const char *redis;       /* Redis URL; NULL: in-memory store */
        const char *ns;          /* namespace; NULL: "replay-<time>:" */
        int keep;                /* keep the replay namespace afterwards */
        const char *topic;       /* with brokers from cfg */
        int64_t from_ms, to_ms;  /* window on published_at; 0: open */
        int64_t warm_from_ms;    /* store (no alerts) articles in [warm_from, from) */
        const char *labels;      /* labels file (JSON lines) to score alerts against */
        const char *report;      /* "text" (default), "json" or "md" */
        const char *report_file; /* NULL: stderr */
        int quiet;               /* no report, no progress */
        int live_sinks;          /* also deliver to the configured Slack and
                                  * webhook sinks (failures are logged) */
        /* cleared by a signal handler: stop after the current batch (NULL:
         * run to the end) */
        volatile sig_atomic_t *running;
};

/* Runs the replay. Returns 0, or -1 with a message (1 = runtime error).
 * Returns -2 with a message when the input cannot be opened (usage).
 * Returns -3 when *running was cleared: the report covers the articles
 * done so far, and the replay namespace is dropped as usual. */
int replay_run(const struct config *cfg, const struct replay_opts *ro, char *errstr,
               size_t errstr_size);

#endif
