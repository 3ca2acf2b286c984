/* report.h - what a replay found: counts of articles, statements and
 * alerts (by kind, subkind, level), the most-alerted speakers, throughput,
 * and with a labels file, precision, recall and F1 per kind with the
 * misses and false alarms listed.  Rendered as text, JSON or Markdown.
 *
 * The report watches alerts through a sink that wraps the real output
 * sink, so it sees exactly what was published. */
#ifndef CW_REPORT_H
#define CW_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "pipeline.h"
#include "sink.h"

struct report;

struct report *report_new(void);
void report_free(struct report *rp);

/* A sink that records every alert in rp, then hands it to out. The
 * wrapper borrows rp and out; free it with sink_free before them. */
struct sink *report_sink_new(struct report *rp, struct sink *out);

/* Loads labels (JSON lines {"article", "kind", "against": [ids]}).
 * Returns 0, or -1 with a message naming the file and line. */
int report_load_labels(struct report *rp, const char *path, char *errstr,
                       size_t errstr_size);

/* Counts kept beside the pipeline's. */
struct report_counts {
        uint64_t rejected; /* inputs the parser refused */
        uint64_t warm;     /* articles stored during warm-up */
        uint64_t outside;  /* inputs outside the time window */
        double seconds;
};

/* Writes the report in format "text", "json" or "md". Returns 0, or -1
 * when the format is unknown. */
int report_write(const struct report *rp, const struct pipeline_stats *ps,
                 const struct report_counts *rc, const char *format, FILE *fp);

#endif
