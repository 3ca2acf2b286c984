/* metrics.c - the process-wide metrics registry (see metrics.h) and its
 * rendering in the Prometheus text exposition format 0.0.4.
 *
 * A family is one metric name with one type and one # HELP; it holds one
 * series per label set.  Families and series are kept in registration
 * order in lists guarded by one mutex, which registration, rendering and
 * reset take.  Updates touch only a series' atomics and never the lock.
 * Gauge values and histogram sums are doubles kept as their uint64 bit
 * pattern (compare-and-swap for the sum); histogram buckets are counted
 * one by one and made cumulative when rendered, and _count is their total,
 * so the +Inf bucket always equals _count.
 *
 * The worker's metrics (registered where the events happen, names fixed
 * here so dashboards and alerts can rely on them):
 *
 *   claimwatch_articles_total{result="ok|rejected|duplicate"}   counter
 *       Articles consumed, by outcome.
 *   claimwatch_statements_total                                 counter
 *       Statements extracted from accepted articles.
 *   claimwatch_alerts_total{kind="denial|contradiction",level="review|alert"}
 *       Alerts raised.                                          counter
 *   claimwatch_sink_deliveries_total{sink="kafka|slack|webhook|file",
 *                                    result="ok|error"}         counter
 *       Alert deliveries attempted, by sink and outcome.
 *   claimwatch_sink_retries_total{sink}                         counter
 *       Deliveries retried after a temporary failure.
 *   claimwatch_dlq_messages_total{topic}                        counter
 *       Messages sent to the dead-letter topic, by source topic.
 *   claimwatch_redis_errors_total                               counter
 *       Failed store (Redis) calls.
 *   claimwatch_batch_seconds                                    histogram
 *       Time to process one batch (pipeline + dead letters), seconds;
 *       bounds 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10 30.
 *   claimwatch_consumer_lag{topic,partition}                    gauge
 *       Messages behind the high watermark, from librdkafka's statistics
 *       (kafka_stats.c); 0 for partitions this replica does not consume.
 *
 * Label values that come from outside (topics, sink names) go through
 * metrics_label_escape(). */
#include "metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum metric_type { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM };

static const char *const type_names[] = {"counter", "gauge", "histogram"};

struct family;

struct metric {
        struct family *fam;
        char *labels;              /* inside of the braces, "" for none */
        _Atomic uint64_t value;    /* counter: count; gauge: double bits */
        _Atomic uint64_t sum;      /* histogram: double bits */
        _Atomic uint64_t *buckets; /* histogram: n_bounds + 1, not cumulative */
        double *bounds;
        size_t n_bounds;
        struct metric *next;
};

struct family {
        char *name, *help;
        enum metric_type type;
        struct metric *first, *last;
        struct family *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct family *families, *families_last;

static uint64_t bits_of(double v)
{
        uint64_t u;

        memcpy(&u, &v, sizeof(u));
        return u;
}

static double double_of(uint64_t u)
{
        double v;

        memcpy(&v, &u, sizeof(v));
        return v;
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* */
static int valid_name(const char *name)
{
        const char *p;

        if (!name || !*name || (*name >= '0' && *name <= '9'))
                return 0;
        for (p = name; *p; p++) {
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                      (*p >= '0' && *p <= '9') || *p == '_' || *p == ':'))
                        return 0;
        }
        return 1;
}

/* A raw newline would end the sample line: values must be escaped. */
static int valid_labels(const char *labels)
{
        return !strchr(labels, '\n');
}

static int valid_bounds(const double *bounds, size_t n)
{
        size_t i;

        if (n && !bounds)
                return 0;
        for (i = 0; i < n; i++) {
                if (!isfinite(bounds[i]) || (i && !(bounds[i] > bounds[i - 1])))
                        return 0;
        }
        return 1;
}

static void metric_free(struct metric *m)
{
        if (!m)
                return;
        free(m->labels);
        free(m->buckets);
        free(m->bounds);
        free(m);
}

static void family_free(struct family *fam)
{
        struct metric *m, *next;

        if (!fam)
                return;
        for (m = fam->first; m; m = next) {
                next = m->next;
                metric_free(m);
        }
        free(fam->name);
        free(fam->help);
        free(fam);
}

static struct family *family_find(const char *name)
{
        struct family *fam;

        for (fam = families; fam; fam = fam->next)
                if (strcmp(fam->name, name) == 0)
                        return fam;
        return NULL;
}

static struct family *family_add(enum metric_type type, const char *name,
                                 const char *help)
{
        struct family *fam = calloc(1, sizeof(*fam));

        if (!fam || !(fam->name = strdup(name)) ||
            !(fam->help = strdup(help ? help : "")))
                goto fail;
        fam->type = type;
        if (families_last)
                families_last->next = fam;
        else
                families = fam;
        families_last = fam;
        return fam;
fail:
        family_free(fam);
        return NULL;
}

static struct metric *series_find(const struct family *fam, const char *labels)
{
        struct metric *m;

        for (m = fam->first; m; m = m->next)
                if (strcmp(m->labels, labels) == 0)
                        return m;
        return NULL;
}

static struct metric *series_add(struct family *fam, const char *labels,
                                 const double *bounds, size_t n_bounds)
{
        struct metric *m = calloc(1, sizeof(*m));
        size_t i;

        if (!m || !(m->labels = strdup(labels)))
                goto fail;
        m->fam = fam;
        if (fam->type == METRIC_HISTOGRAM) {
                m->buckets = calloc(n_bounds + 1, sizeof(*m->buckets));
                m->bounds = calloc(n_bounds ? n_bounds : 1, sizeof(*m->bounds));
                if (!m->buckets || !m->bounds)
                        goto fail;
                for (i = 0; i <= n_bounds; i++)
                        atomic_init(&m->buckets[i], 0);
                if (n_bounds)
                        memcpy(m->bounds, bounds, n_bounds * sizeof(*bounds));
                m->n_bounds = n_bounds;
        }
        atomic_init(&m->value, fam->type == METRIC_GAUGE ? bits_of(0.0) : 0);
        atomic_init(&m->sum, bits_of(0.0));
        if (fam->last)
                fam->last->next = m;
        else
                fam->first = m;
        fam->last = m;
        return m;
fail:
        metric_free(m);
        return NULL;
}

/* Finds or registers name{labels}; NULL on a bad name, a type that
 * differs from the family's, or no memory. */
static struct metric *metric_get(enum metric_type type, const char *name,
                                 const char *labels, const char *help,
                                 const double *bounds, size_t n_bounds)
{
        struct family *fam;
        struct metric *m = NULL;

        if (!labels)
                labels = "";
        if (!valid_name(name) || !valid_labels(labels) ||
            (type == METRIC_HISTOGRAM && !valid_bounds(bounds, n_bounds)))
                return NULL;
        pthread_mutex_lock(&lock);
        fam = family_find(name);
        if (!fam)
                fam = family_add(type, name, help);
        if (fam && fam->type == type) {
                m = series_find(fam, labels);
                if (!m)
                        m = series_add(fam, labels, bounds, n_bounds);
        }
        pthread_mutex_unlock(&lock);
        return m;
}

struct metric *metrics_counter(const char *name, const char *labels, const char *help)
{
        return metric_get(METRIC_COUNTER, name, labels, help, NULL, 0);
}

struct metric *metrics_gauge(const char *name, const char *labels, const char *help)
{
        return metric_get(METRIC_GAUGE, name, labels, help, NULL, 0);
}

struct metric *metrics_histogram(const char *name, const char *labels, const char *help,
                                 const double *bounds, size_t n_bounds)
{
        return metric_get(METRIC_HISTOGRAM, name, labels, help, bounds, n_bounds);
}

void metric_add(struct metric *m, uint64_t v)
{
        if (m && m->fam->type == METRIC_COUNTER)
                atomic_fetch_add_explicit(&m->value, v, memory_order_relaxed);
}

void metric_set(struct metric *m, double v)
{
        if (m && m->fam->type == METRIC_GAUGE)
                atomic_store_explicit(&m->value, bits_of(v), memory_order_relaxed);
}

void metric_observe(struct metric *m, double v)
{
        uint64_t old, sum;
        size_t i;

        if (!m || m->fam->type != METRIC_HISTOGRAM)
                return;
        /* the first bucket whose upper bound is >= v; NaN lands in +Inf */
        for (i = 0; i < m->n_bounds && !(v <= m->bounds[i]); i++)
                ;
        atomic_fetch_add_explicit(&m->buckets[i], 1, memory_order_relaxed);
        old = atomic_load_explicit(&m->sum, memory_order_relaxed);
        do {
                sum = bits_of(double_of(old) + v);
        } while (!atomic_compare_exchange_weak_explicit(
            &m->sum, &old, sum, memory_order_relaxed, memory_order_relaxed));
}

static uint64_t histogram_count(const struct metric *m)
{
        uint64_t n = 0;
        size_t i;

        for (i = 0; i <= m->n_bounds; i++)
                n += atomic_load_explicit(&m->buckets[i], memory_order_relaxed);
        return n;
}

/* Counters and gauges as documented; for a histogram, its _count. */
double metric_value(const struct metric *m)
{
        if (!m)
                return 0;
        switch (m->fam->type) {
        case METRIC_COUNTER:
                return (double)atomic_load_explicit(&m->value, memory_order_relaxed);
        case METRIC_GAUGE:
                return double_of(atomic_load_explicit(&m->value, memory_order_relaxed));
        case METRIC_HISTOGRAM:
                return (double)histogram_count(m);
        }
        return 0;
}

/* The shortest of %.15g / %.17g that reads back as v; Prometheus' names
 * for the special values. */
static void put_double(FILE *f, double v)
{
        char buf[40];

        if (isnan(v)) {
                fputs("NaN", f);
        } else if (isinf(v)) {
                fputs(v > 0 ? "+Inf" : "-Inf", f);
        } else {
                snprintf(buf, sizeof(buf), "%.15g", v);
                if (strtod(buf, NULL) != v)
                        snprintf(buf, sizeof(buf), "%.17g", v);
                fputs(buf, f);
        }
}

/* # HELP text escapes backslash and newline. */
static void put_help(FILE *f, const char *s)
{
        for (; *s; s++) {
                if (*s == '\\')
                        fputs("\\\\", f);
                else if (*s == '\n')
                        fputs("\\n", f);
                else
                        fputc(*s, f);
        }
}

/* name{labels} or name{labels,le="x"}, without braces when empty. */
static void put_series(FILE *f, const char *name, const char *suffix, const char *labels,
                       const double *le)
{
        fprintf(f, "%s%s", name, suffix);
        if (!*labels && !le)
                return;
        fprintf(f, "{%s", labels);
        if (le) {
                fprintf(f, "%sle=\"", *labels ? "," : "");
                put_double(f, *le);
                fputc('"', f);
        }
        fputc('}', f);
}

static void render_histogram(FILE *f, const struct family *fam, const struct metric *m)
{
        const double inf = INFINITY;
        uint64_t cum = 0;
        size_t i;

        for (i = 0; i <= m->n_bounds; i++) {
                cum += atomic_load_explicit(&m->buckets[i], memory_order_relaxed);
                put_series(f, fam->name, "_bucket", m->labels,
                           i < m->n_bounds ? &m->bounds[i] : &inf);
                fprintf(f, " %llu\n", (unsigned long long)cum);
        }
        put_series(f, fam->name, "_sum", m->labels, NULL);
        fputc(' ', f);
        put_double(f, double_of(atomic_load_explicit(&m->sum, memory_order_relaxed)));
        fputc('\n', f);
        put_series(f, fam->name, "_count", m->labels, NULL);
        fprintf(f, " %llu\n", (unsigned long long)cum);
}

static void render_family(FILE *f, const struct family *fam)
{
        const struct metric *m;

        if (!fam->first)
                return;
        if (*fam->help) {
                fprintf(f, "# HELP %s ", fam->name);
                put_help(f, fam->help);
                fputc('\n', f);
        }
        fprintf(f, "# TYPE %s %s\n", fam->name, type_names[fam->type]);
        for (m = fam->first; m; m = m->next) {
                if (fam->type == METRIC_HISTOGRAM) {
                        render_histogram(f, fam, m);
                        continue;
                }
                put_series(f, fam->name, "", m->labels, NULL);
                fputc(' ', f);
                if (fam->type == METRIC_COUNTER)
                        fprintf(f, "%llu",
                                (unsigned long long)atomic_load_explicit(
                                    &m->value, memory_order_relaxed));
                else
                        put_double(f, metric_value(m));
                fputc('\n', f);
        }
}

char *metrics_render(void)
{
        const struct family *fam;
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        int err;

        if (!f)
                return NULL;
        pthread_mutex_lock(&lock);
        for (fam = families; fam; fam = fam->next)
                render_family(f, fam);
        pthread_mutex_unlock(&lock);
        err = ferror(f);
        if (fclose(f) != 0 || err) {
                free(buf);
                return NULL;
        }
        return buf;
}

void metrics_reset(void)
{
        struct family *fam, *next;

        pthread_mutex_lock(&lock);
        for (fam = families; fam; fam = next) {
                next = fam->next;
                family_free(fam);
        }
        families = families_last = NULL;
        pthread_mutex_unlock(&lock);
}

/* Bytes in the UTF-8 sequence that starts at s (1 for ASCII or a stray
 * byte), never past the end of the string. */
static size_t utf8_seq_len(const char *s)
{
        unsigned char c = (unsigned char)*s;
        size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1, i;

        for (i = 1; i < n; i++)
                if (((unsigned char)s[i] & 0xC0) != 0x80)
                        return i;
        return n;
}

void metrics_label_escape(char *dst, size_t dstsz, const char *value)
{
        size_t o = 0, n;

        if (!dst || dstsz == 0)
                return;
        while (value && *value) {
                const char *rep = value;

                n = utf8_seq_len(value);
                if (*value == '\\')
                        rep = "\\\\";
                else if (*value == '"')
                        rep = "\\\"";
                else if (*value == '\n')
                        rep = "\\n";
                if (rep != value)
                        n = 2;
                if (o + n >= dstsz)
                        break;
                memcpy(dst + o, rep, n);
                o += n;
                value += rep != value ? 1 : n;
        }
        dst[o] = '\0';
}
