/* mockbroker.c - a Kafka-protocol broker for local runs and tests.
 *
 * There is no Kafka package on these machines; librdkafka's mock cluster
 * (rdkafka_mock.h) speaks the real protocol over TCP, consumer groups and
 * offset commits included, so the worker, replay and kcat can talk to it
 * as to a real cluster.  The brokers listen on 127.0.0.1, random ports.
 *
 *   cw-mockbroker [--brokers N] [--partitions N] [--topic T]...
 *                 [--port-file FILE]
 *
 * The first line on stdout is the bootstrap list ("127.0.0.1:PORT,...");
 * it is also written to --port-file (atomically, via a rename) for
 * scripts that start us in the background.  Runs until SIGTERM/SIGINT.
 *
 * Topics: those named with --topic are created with --partitions
 * partitions.  Any other topic is created the first time a client asks
 * for its metadata, with the mock's own default of 4 partitions whatever
 * --partitions says.  Checked with 2.0.2: producers, simple consumers
 * (kcat -C) and group consumers (kcat -G, allow.auto.create.topics left
 * false) all create it; only a metadata request for all topics (kcat -L)
 * creates nothing.  So a test of "unknown topic" handling cannot use the
 * mock; pre-create topics with --topic when the partition count matters.
 * Known limits of librdkafka 2.0.2's mock: about 5 MB kept per partition,
 * and timestamp lookups (offsetsForTimes) answer -1. */
#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TOPICS 64

static volatile sig_atomic_t running = 1;

struct opts {
        int brokers;
        int partitions;
        const char *topics[MAX_TOPICS];
        int n_topics;
        const char *port_file;
        int verbose;
};

static void on_signal(int sig)
{
        (void)sig;
        running = 0;
}

static void usage(FILE *fp)
{
        fprintf(fp,
                "usage: cw-mockbroker [--brokers N] [--partitions N] [--topic T]...\n"
                "                     [--port-file FILE] [--verbose]\n"
                "A librdkafka mock Kafka cluster on 127.0.0.1.  Prints the bootstrap\n"
                "servers as the first line on stdout and runs until SIGTERM/SIGINT.\n"
                "  --brokers N      brokers in the cluster (default 1)\n"
                "  --partitions N   partitions of each --topic (default 4)\n"
                "  --topic T        create topic T at start (repeatable); other\n"
                "                   topics are auto-created with 4 partitions\n"
                "  --port-file F    also write the bootstrap servers to F\n"
                "  --verbose        show librdkafka's log lines\n");
}

static int parse_count(const char *s, int max, int *out)
{
        char *end;
        long v;

        errno = 0;
        v = s ? strtol(s, &end, 10) : 0;
        if (!s || errno || *end || end == s || v < 1 || v > max)
                return -1;
        *out = (int)v;
        return 0;
}

/* Returns 0, 1 for --help, or -1 after printing a message. */
static int parse_args(int argc, char **argv, struct opts *o)
{
        int i;

        for (i = 1; i < argc; i++) {
                const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

                if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
                        return 1;
                if (strcmp(a, "--verbose") == 0) {
                        o->verbose = 1;
                        continue;
                }
                if (!v) {
                        fprintf(stderr, "cw-mockbroker: %s: missing value or unknown\n",
                                a);
                        return -1;
                }
                if (strcmp(a, "--brokers") == 0 && parse_count(v, 64, &o->brokers) == 0)
                        ;
                else if (strcmp(a, "--partitions") == 0 &&
                         parse_count(v, 10000, &o->partitions) == 0)
                        ;
                else if (strcmp(a, "--topic") == 0 && *v && o->n_topics < MAX_TOPICS)
                        o->topics[o->n_topics++] = v;
                else if (strcmp(a, "--port-file") == 0 && *v)
                        o->port_file = v;
                else {
                        fprintf(stderr, "cw-mockbroker: bad option or value: %s %s\n", a,
                                v);
                        return -1;
                }
                i++;
        }
        return 0;
}

/* Writes the bootstrap list to path via a temporary file and a rename,
 * so a reader polling for path never sees half of it. */
static int write_port_file(const char *path, const char *boot)
{
        char tmp[4096];
        FILE *fp;

        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        if (!(fp = fopen(tmp, "w")))
                goto fail;
        fprintf(fp, "%s\n", boot);
        if (fclose(fp) != 0 || rename(tmp, path) != 0)
                goto fail;
        return 0;
fail:
        fprintf(stderr, "cw-mockbroker: %s: %s\n", path, strerror(errno));
        return -1;
}

static void quiet_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
        (void)rk;
        if (level <= 3)
                fprintf(stderr, "cw-mockbroker: %s: %s\n", fac, buf);
}

/* A handle for the cluster to live in.  It never connects anywhere. */
static rd_kafka_t *host_handle(int verbose)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        char err[512];
        rd_kafka_t *rk;

        rd_kafka_conf_set(conf, "client.id", "cw-mockbroker", err, sizeof(err));
        if (!verbose)
                rd_kafka_conf_set_log_cb(conf, quiet_log);
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        if (!rk) {
                fprintf(stderr, "cw-mockbroker: %s\n", err);
                rd_kafka_conf_destroy(conf);
        }
        return rk;
}

static int create_topics(rd_kafka_mock_cluster_t *mc, const struct opts *o)
{
        int i, rf = o->brokers < 3 ? o->brokers : 3;
        rd_kafka_resp_err_t err;

        for (i = 0; i < o->n_topics; i++) {
                err = rd_kafka_mock_topic_create(mc, o->topics[i], o->partitions, rf);
                if (err) {
                        fprintf(stderr, "cw-mockbroker: topic %s: %s\n", o->topics[i],
                                rd_kafka_err2str(err));
                        return -1;
                }
        }
        return 0;
}

int main(int argc, char **argv)
{
        struct opts o = {.brokers = 1, .partitions = 4};
        struct sigaction sa;
        struct timespec nap = {0, 100 * 1000 * 1000};
        rd_kafka_t *rk = NULL;
        rd_kafka_mock_cluster_t *mc = NULL;
        const char *boot;
        int rc = parse_args(argc, argv, &o), status = 1;

        if (rc != 0) {
                usage(rc > 0 ? stdout : stderr);
                return rc > 0 ? 0 : 2;
        }
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);

        if (!(rk = host_handle(o.verbose)) ||
            !(mc = rd_kafka_mock_cluster_new(rk, o.brokers))) {
                fprintf(stderr, "cw-mockbroker: cannot start the mock cluster\n");
                goto done;
        }
        if (create_topics(mc, &o) < 0)
                goto done;
        boot = rd_kafka_mock_cluster_bootstraps(mc);
        if (o.port_file && write_port_file(o.port_file, boot) < 0)
                goto done;
        printf("%s\n", boot);
        fflush(stdout);
        while (running)
                nanosleep(&nap, NULL);
        status = 0;
done:
        if (mc)
                rd_kafka_mock_cluster_destroy(mc);
        if (rk)
                rd_kafka_destroy(rk);
        if (o.port_file && status == 0)
                remove(o.port_file);
        return status;
}
