/* test_metrics.c - the metrics registry renders the Prometheus text format
 * exactly (families grouped, HELP/TYPE once, escaping, cumulative
 * histogram buckets), counts exactly under concurrent updates, and
 * librdkafka statistics JSON becomes consumer-lag gauges. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kafka_stats.h"
#include "metrics.h"

#define N_INCR 100000

static void check_render(const char *want)
{
        char *got = metrics_render();

        CHECK_STR(got, want);
        free(got);
}

static void test_render(void)
{
        struct metric *ok, *bad, *temp, *again;

        metrics_reset();
        check_render("");
        ok = metrics_counter("cw_things_total", "result=\"ok\"", "Things done.");
        temp = metrics_gauge("cw_temp", "", "A gauge.\nWith \\ and a newline.");
        /* registered after another family: still rendered with its own */
        bad = metrics_counter("cw_things_total", "result=\"bad\"", "ignored");
        again = metrics_counter("cw_things_total", "result=\"ok\"", NULL);
        CHECK(ok && bad && temp);
        CHECK(again == ok);
        metric_add(ok, 3);
        metric_add(ok, 2);
        metric_add(bad, 1);
        metric_set(temp, -2.5);
        CHECK(metric_value(ok) == 5);
        CHECK(metric_value(temp) == -2.5);
        check_render("# HELP cw_things_total Things done.\n"
                     "# TYPE cw_things_total counter\n"
                     "cw_things_total{result=\"ok\"} 5\n"
                     "cw_things_total{result=\"bad\"} 1\n"
                     "# HELP cw_temp A gauge.\\nWith \\\\ and a newline.\n"
                     "# TYPE cw_temp gauge\n"
                     "cw_temp -2.5\n");

        /* wrong operation for the type: ignored */
        metric_set(ok, 100);
        metric_add(temp, 7);
        metric_observe(ok, 1);
        CHECK(metric_value(ok) == 5);
        CHECK(metric_value(temp) == -2.5);
        /* NULL handles are ignored */
        metric_add(NULL, 1);
        metric_set(NULL, 1);
        metric_observe(NULL, 1);
        CHECK(metric_value(NULL) == 0);
}

static void test_rejects(void)
{
        static const double down[] = {1, 0.5};
        static const double nan_bound[] = {NAN};

        metrics_reset();
        CHECK(metrics_counter("cw_a_total", "", "") != NULL);
        /* one family, one type */
        CHECK(metrics_gauge("cw_a_total", "x=\"1\"", "") == NULL);
        CHECK(metrics_histogram("cw_a_total", "", "", NULL, 0) == NULL);
        /* names */
        CHECK(metrics_counter("1cw", "", "") == NULL);
        CHECK(metrics_counter("cw-a", "", "") == NULL);
        CHECK(metrics_counter("", "", "") == NULL);
        CHECK(metrics_counter(NULL, "", "") == NULL);
        CHECK(metrics_counter("cw:ns_b", "", "") != NULL);
        /* a raw newline in labels would break the format */
        CHECK(metrics_counter("cw_c", "x=\"a\nb\"", "") == NULL);
        /* histogram bounds must ascend and be finite */
        CHECK(metrics_histogram("cw_h", "", "", down, 2) == NULL);
        CHECK(metrics_histogram("cw_h", "", "", nan_bound, 1) == NULL);
        CHECK(metrics_histogram("cw_h", "", "", NULL, 2) == NULL);
        check_render("# TYPE cw_a_total counter\n"
                     "cw_a_total 0\n"
                     "# TYPE cw:ns_b counter\n"
                     "cw:ns_b 0\n");
}

static void test_values(void)
{
        struct metric *g = NULL;

        metrics_reset();
        g = metrics_gauge("cw_g", "", "");
        metric_set(g, 0.1);
        check_render("# TYPE cw_g gauge\ncw_g 0.1\n");
        metric_set(g, 1.0 / 3);
        check_render("# TYPE cw_g gauge\ncw_g 0.33333333333333331\n");
        metric_set(g, 12345678);
        check_render("# TYPE cw_g gauge\ncw_g 12345678\n");
        metric_set(g, INFINITY);
        check_render("# TYPE cw_g gauge\ncw_g +Inf\n");
        metric_set(g, -INFINITY);
        check_render("# TYPE cw_g gauge\ncw_g -Inf\n");
        metric_set(g, NAN);
        check_render("# TYPE cw_g gauge\ncw_g NaN\n");
}

static void test_histogram(void)
{
        static const double bounds[] = {0.25, 1, 10};
        struct metric *h, *plain;

        metrics_reset();
        h = metrics_histogram("cw_lat_seconds", "stage=\"x\"", "Latency.", bounds, 3);
        plain = metrics_histogram("cw_lat_seconds", "", NULL, bounds, 1);
        CHECK(h && plain);
        /* exact binary fractions, so the sum is exact */
        metric_observe(h, 0.125);
        metric_observe(h, 0.25); /* le is inclusive */
        metric_observe(h, 0.5);
        metric_observe(h, 4);
        metric_observe(h, 64);
        metric_observe(plain, 2);
        CHECK(metric_value(h) == 5);
        check_render("# HELP cw_lat_seconds Latency.\n"
                     "# TYPE cw_lat_seconds histogram\n"
                     "cw_lat_seconds_bucket{stage=\"x\",le=\"0.25\"} 2\n"
                     "cw_lat_seconds_bucket{stage=\"x\",le=\"1\"} 3\n"
                     "cw_lat_seconds_bucket{stage=\"x\",le=\"10\"} 4\n"
                     "cw_lat_seconds_bucket{stage=\"x\",le=\"+Inf\"} 5\n"
                     "cw_lat_seconds_sum{stage=\"x\"} 68.875\n"
                     "cw_lat_seconds_count{stage=\"x\"} 5\n"
                     "cw_lat_seconds_bucket{le=\"0.25\"} 0\n"
                     "cw_lat_seconds_bucket{le=\"+Inf\"} 1\n"
                     "cw_lat_seconds_sum 2\n"
                     "cw_lat_seconds_count 1\n");
}

static void check_escape(size_t dstsz, const char *in, const char *want)
{
        char buf[64];

        memset(buf, 'X', sizeof(buf));
        metrics_label_escape(buf, dstsz, in);
        CHECK_STR(buf, want);
        CHECK(strlen(buf) < dstsz);
}

static void test_escape(void)
{
        char one = 'X';

        check_escape(64, "news.articles", "news.articles");
        check_escape(64, "a\"b\\c\nd", "a\\\"b\\\\c\\nd");
        check_escape(64, "", "");
        /* truncation never splits an escape or a UTF-8 sequence */
        check_escape(4, "ab\"", "ab");
        check_escape(5, "ab\"", "ab\\\"");
        check_escape(3, "a\xc3\xa9", "a");
        check_escape(4, "a\xc3\xa9", "a\xc3\xa9");
        check_escape(64, "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac");
        metrics_label_escape(&one, 0, "abc");
        CHECK(one == 'X');
        metrics_label_escape(&one, 1, "abc");
        CHECK(one == '\0');
        metrics_label_escape(NULL, 10, "abc"); /* no crash */
}

struct worker_arg {
        struct metric *c, *h;
};

static void *incr(void *p)
{
        struct worker_arg *a = p;
        int i;

        for (i = 0; i < N_INCR; i++) {
                metric_add(a->c, 1);
                metric_observe(a->h, 0.5);
        }
        return NULL;
}

/* Registers series while another thread renders. */
static void *register_many(void *p)
{
        char labels[32];
        int i;

        (void)p;
        for (i = 0; i < 500; i++) {
                snprintf(labels, sizeof(labels), "i=\"%d\"", i);
                metric_add(metrics_counter("cw_reg_total", labels, "r"), 1);
        }
        return NULL;
}

static void test_concurrency(void)
{
        static const double bounds[] = {1};
        struct worker_arg a;
        pthread_t t[2];
        char *out, *p;
        int i, lines = 0;

        metrics_reset();
        a.c = metrics_counter("cw_incr_total", "", "");
        a.h = metrics_histogram("cw_obs", "", "", bounds, 1);
        for (i = 0; i < 2; i++)
                pthread_create(&t[i], NULL, incr, &a);
        for (i = 0; i < 2; i++)
                pthread_join(t[i], NULL);
        CHECK(metric_value(a.c) == 2.0 * N_INCR);
        CHECK(metric_value(a.h) == 2.0 * N_INCR);
        out = metrics_render();
        CHECK(out && strstr(out, "\ncw_incr_total 200000\n"));
        /* the CAS loop on the sum loses no update: 200000 x 0.5 */
        CHECK(out && strstr(out, "\ncw_obs_sum 100000\n"));
        free(out);

        pthread_create(&t[0], NULL, register_many, NULL);
        for (i = 0; i < 20; i++)
                free(metrics_render());
        pthread_join(t[0], NULL);
        out = metrics_render();
        for (p = out; p && (p = strstr(p, "\ncw_reg_total{")); p++)
                lines++;
        CHECK(lines == 500);
        CHECK(out && strstr(out, "\ncw_reg_total{i=\"499\"} 1\n"));
        free(out);
}

/* The shape of librdkafka's statistics (STATISTICS.md), cut down to what
 * we read plus neighbours, for a consumer with two assigned partitions
 * (one whose lag is not known yet), one revoked, and the internal -1. */
static const char stats_json[] =
    "{\"name\":\"claimwatch#consumer-1\",\"client_id\":\"claimwatch\","
    "\"type\":\"consumer\",\"ts\":5016483227792,\"time\":1527060869,"
    "\"brokers\":{\"localhost:9092/1\":{\"name\":\"localhost:9092/1\",\"nodeid\":1,"
    "\"toppars\":{\"news.articles-0\":{\"topic\":\"news.articles\",\"partition\":0}}}},"
    "\"topics\":{"
    " \"news.articles\":{\"topic\":\"news.articles\",\"metadata_age\":9060,"
    "  \"partitions\":{"
    "   \"0\":{\"partition\":0,\"leader\":1,\"desired\":true,\"unknown\":false,"
    "          \"fetch_state\":\"active\",\"app_offset\":58,\"committed_offset\":50,"
    "          \"hi_offset\":100,\"consumer_lag\":42},"
    "   \"1\":{\"partition\":1,\"leader\":1,\"desired\":true,\"unknown\":false,"
    "          \"fetch_state\":\"offset-query\",\"app_offset\":-1001,"
    "          \"hi_offset\":-1001,\"consumer_lag\":-1},"
    "   \"2\":{\"partition\":2,\"leader\":1,\"desired\":false,\"unknown\":false,"
    "          \"fetch_state\":\"none\",\"app_offset\":-1001,"
    "          \"hi_offset\":300,\"consumer_lag\":-1},"
    "   \"-1\":{\"partition\":-1,\"leader\":-1,\"desired\":false,\"unknown\":false,"
    "           \"consumer_lag\":-1}}},"
    " \"alerts\":{\"topic\":\"alerts\",\"partitions\":{"
    "   \"3\":{\"partition\":3,\"desired\":true,\"consumer_lag\":7}}}},"
    "\"cgrp\":{\"state\":\"up\",\"join_state\":\"steady\",\"assignment_size\":3},"
    "\"rxmsgs\":58}";

static int apply(const char *json)
{
        return metrics_from_rdkafka_stats(json, strlen(json));
}

static void test_kafka_stats(void)
{
        const char *later = "{\"topics\":{\"alerts\":{\"partitions\":{\"3\":"
                            "{\"partition\":3,\"desired\":true,\"consumer_lag\":0}}}}}";
        char *out;

        metrics_reset();
        CHECK(apply(stats_json) == 3);
        out = metrics_render();
        CHECK(out && strstr(out, "# TYPE claimwatch_consumer_lag gauge\n"));
        CHECK(out && strstr(out, "\nclaimwatch_consumer_lag{topic=\"news.articles\","
                                 "partition=\"0\"} 42\n"));
        CHECK(out && strstr(out, "\nclaimwatch_consumer_lag{topic=\"news.articles\","
                                 "partition=\"2\"} 0\n"));
        CHECK(out && strstr(out, "\nclaimwatch_consumer_lag{topic=\"alerts\","
                                 "partition=\"3\"} 7\n"));
        CHECK(out && !strstr(out, "partition=\"1\""));
        CHECK(out && !strstr(out, "partition=\"-1\""));
        free(out);

        /* len is honoured: a document cut short does not parse */
        CHECK(metrics_from_rdkafka_stats(later, strlen(later) - 1) == -1);
        /* a later document updates the same series */
        CHECK(apply(later) == 1);
        CHECK(metric_value(metrics_gauge("claimwatch_consumer_lag",
                                         "topic=\"alerts\",partition=\"3\"", NULL)) == 0);
        CHECK(apply("{\"name\":\"p\",\"type\":\"producer\",\"topics\":{}}") == 0);
        CHECK(apply("{}") == 0);
        CHECK(apply("[1]") == -1);
        CHECK(apply("not json") == -1);
        CHECK(metrics_from_rdkafka_stats(NULL, 0) == -1);
        /* wrong types in the right places are skipped, not trusted */
        CHECK(apply("{\"topics\":{\"t\":{\"partitions\":{"
                    "\"0\":{\"partition\":\"0\",\"consumer_lag\":5},"
                    "\"1\":{\"partition\":1,\"consumer_lag\":\"5\"}}},"
                    "\"u\":{\"partitions\":[]},\"v\":7}}") == 0);
        metrics_reset();
}

int main(void)
{
        test_render();
        test_rejects();
        test_values();
        test_histogram();
        test_escape();
        test_concurrency();
        test_kafka_stats();
        return check_done("test_metrics");
}
