/* pipeline.h - one batch of input messages through parse -> analyze ->
 * match -> store -> publish (DESIGN.md, "Data flow").  Shared by
 * `replay` (file or topic) and `run` (the Kafka worker), which differ only
 * in where messages come from and when offsets are committed. */
#ifndef CW_PIPELINE_H
#define CW_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "analyze.h"
#include "article.h"
#include "lexicon.h"
#include "match.h"
#include "sink.h"
#include "store.h"

enum item_result {
        ITEM_PENDING = 0,
        ITEM_OK,       /* processed: statements stored, alerts delivered */
        ITEM_BAD,      /* rejected by the parser: goes to the dead-letter topic */
        ITEM_DUPLICATE /* processed before (redelivery): nothing done */
};

/* One input message of a batch. */
struct item {
        /* in */
        const char *buf;
        size_t len;
        int64_t ts_ms; /* message timestamp, fallback for published_at; 0 none */
        /* in, optional: an article the caller parsed already (the pipeline
         * then skips parsing and owns it); NULL otherwise */
        struct article *art;
        /* out */
        enum item_result result;
        enum article_err err;
        char errstr[256];
        size_t n_stmts, n_alerts;
};

struct pipeline_conf {
        struct article_limits art_limits;
        struct analyze_limits an_limits;
        struct match_conf match;
        size_t max_candidates;   /* newest earlier statements read per key */
        int warm;                /* store statements but raise no alerts */
        int64_t (*now_ms)(void); /* clock for detected_at; NULL: real time */
};

/* Counters since the pipeline was made. */
struct pipeline_stats {
        uint64_t articles, bad, duplicates, statements;
        uint64_t alerts, by_kind[2], by_level[2];
        uint64_t store_calls, store_errors, sink_errors;
        uint64_t bytes;
};

struct pipeline;

/* Makes a pipeline over a lexicon, a store and sinks; it borrows all of
 * them (they must outlive it). Returns NULL when out of memory. */
struct pipeline *pipeline_new(const struct pipeline_conf *pc, const struct lexicon *lx,
                              struct store *st, struct sink **sinks, size_t n_sinks);
void pipeline_free(struct pipeline *pl);

/* Processes items[0..n) in order; an article sees every earlier item of
 * the batch as earlier news.  Bad items are marked ITEM_BAD with a reason
 * and do not fail the batch.  Returns 0 when every good item is done
 * (stored, alerts flushed, marked), -1 when the store or a sink failed:
 * then nothing of the batch may be committed and the caller retries it. */
int pipeline_batch(struct pipeline *pl, struct item *items, size_t n, char *errstr,
                   size_t errstr_size);

/* Releases the articles a batch left in items. */
void pipeline_batch_clear(struct item *items, size_t n);

const struct pipeline_stats *pipeline_stats(const struct pipeline *pl);

/* Switches warm-up mode: statements are stored, no alerts are raised. */
void pipeline_set_warm(struct pipeline *pl, int warm);

#endif
