/* metrics.h - process-wide counters, gauges and histograms, rendered in
 * the Prometheus text format for /metrics (admin.c).
 *
 * A metric is registered once (name + label set) and updated through its
 * handle; updates are lock-free atomics so the hot path pays one atomic
 * add.  Registration takes a lock and may happen at any time (per-sink or
 * per-partition series appear when first seen).  Handles live until
 * metrics_reset(). */
#ifndef CW_METRICS_H
#define CW_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct metric;

/* Returns the handle of counter name{labels}, registering it on first use.
 * labels is the inside of the braces ('kind="denial",level="alert"') or
 * "" for none; help is the # HELP text of the family. NULL when out of
 * memory (updates to a NULL handle are ignored). */
struct metric *metrics_counter(const char *name, const char *labels, const char *help);

/* The same for a gauge (a value that goes up and down). */
struct metric *metrics_gauge(const char *name, const char *labels, const char *help);

/* A histogram with the given upper bounds (ascending, +Inf implied). */
struct metric *metrics_histogram(const char *name, const char *labels, const char *help,
                                 const double *bounds, size_t n_bounds);

void metric_add(struct metric *m, uint64_t v);   /* counters */
void metric_set(struct metric *m, double v);     /* gauges */
void metric_observe(struct metric *m, double v); /* histograms */

/* The current value of a counter or gauge (tests); for a histogram, the
 * number of observations. */
double metric_value(const struct metric *m);

/* Renders every metric in the Prometheus text exposition format (0.0.4).
 * Returns a new NUL-terminated string the caller frees, or NULL. */
char *metrics_render(void);

/* Forgets every metric (tests); handles become invalid. */
void metrics_reset(void);

/* Copies value into dst escaped for use inside a label value's double
 * quotes (backslash, double quote and newline become \\, \" and \n), e.g.
 * for topic names: snprintf(labels, n, "topic=\"%s\"", escaped).  Always
 * NUL-terminates when dstsz > 0; an escape sequence or a UTF-8 character
 * is never cut in half when dst is too small (the value is truncated
 * before it). */
void metrics_label_escape(char *dst, size_t dstsz, const char *value);

#endif
