/* itutil.c - helpers shared by the integration tests (see itutil.h). */
#include "itutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int itu_free_port(void)
{
        struct sockaddr_in a = {.sin_family = AF_INET};
        socklen_t len = sizeof(a);
        int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;

        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
            getsockname(fd, (struct sockaddr *)&a, &len) == 0)
                port = ntohs(a.sin_port);
        if (fd >= 0)
                close(fd);
        return port;
}

int itu_stop(pid_t pid, int sig)
{
        int status = 0;

        kill(pid, sig);
        if (waitpid(pid, &status, 0) != pid)
                return -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *itu_rec_json(const char *art_id, int64_t ts, int seq)
{
        char *s = malloc(256);

        if (s)
                snprintf(s, 256,
                         "{\"article\":{\"id\":\"%s\"},\"statement\":{\"text\":\"s%d\"},"
                         "\"ts\":%lld,\"seq\":%d}",
                         art_id, seq, (long long)ts, seq);
        return s;
}

const char *itu_rec_article(const json_t *rec)
{
        return json_string_value(json_object_get(json_object_get(rec, "article"), "id"));
}

int64_t itu_rec_ts(const json_t *rec)
{
        return json_integer_value(json_object_get(rec, "ts"));
}

json_t *itu_lookup_key(struct store *s, const char *key, size_t max)
{
        const char *keys[1] = {key};
        struct store_query q = {.keys = keys, .n_keys = 1, .max_per_key = max};
        char err[256] = "";
        json_t *a;

        if (store_lookup(s, &q, err, sizeof(err)) == -1) {
                fprintf(stderr, "lookup: %s\n", err);
                return NULL;
        }
        a = json_incref(q.recs[0]);
        store_query_clear(&q);
        return a;
}

int itu_put_one(struct store *s, const char *key, const char *art, int64_t ts, int seq)
{
        char *j = itu_rec_json(art, ts, seq), err[256] = "";
        struct store_rec r = {.key = key, .article_id = art, .ts_ms = ts, .json = j};
        int rc = store_put(s, &r, 1, err, sizeof(err));

        if (rc == -1)
                fprintf(stderr, "put: %s\n", err);
        free(j);
        return rc;
}

size_t itu_read_topic(const char *boot, const char *topic,
                      void (*fn)(const rd_kafka_message_t *m, void *ud), void *ud)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_topic_partition_list_t *parts;
        char err[256];
        rd_kafka_t *c;
        size_t n = 0;
        int idle = 0;

        rd_kafka_conf_set(conf, "bootstrap.servers", boot, err, sizeof(err));
        rd_kafka_conf_set(conf, "group.id", "it-reader", err, sizeof(err));
        rd_kafka_conf_set(conf, "enable.partition.eof", "true", err, sizeof(err));
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof(err));
        if (!(c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err)))) {
                rd_kafka_conf_destroy(conf);
                return 0;
        }
        rd_kafka_poll_set_consumer(c);
        parts = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(parts, topic, 0)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_assign(c, parts);
        rd_kafka_topic_partition_list_destroy(parts);
        while (idle < 20) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 500);

                if (!m) {
                        idle++;
                        continue;
                }
                if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                        rd_kafka_message_destroy(m);
                        break;
                }
                if (!m->err) {
                        fn(m, ud);
                        n++;
                }
                rd_kafka_message_destroy(m);
        }
        rd_kafka_consumer_close(c);
        rd_kafka_destroy(c);
        return n;
}

char *itu_header(const rd_kafka_message_t *m, const char *name)
{
        rd_kafka_headers_t *h = NULL;
        const void *v;
        size_t l;

        if (rd_kafka_message_headers(m, &h) != 0 ||
            rd_kafka_header_get_last(h, name, &v, &l) != 0)
                return NULL;
        return strndup(v, l);
}

int itu_mock_start(struct itu_mock *m, const char *const *topics, int partitions)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        char err[256];

        memset(m, 0, sizeof(*m));
        if (!(m->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err)))) {
                fprintf(stderr, "mock cluster host: %s\n", err);
                rd_kafka_conf_destroy(conf);
                return -1;
        }
        if (!(m->mc = rd_kafka_mock_cluster_new(m->rk, 1))) {
                fprintf(stderr, "mock cluster: could not start\n");
                itu_mock_stop(m);
                return -1;
        }
        snprintf(m->boot, sizeof(m->boot), "%s", rd_kafka_mock_cluster_bootstraps(m->mc));
        for (; topics && *topics; topics++)
                rd_kafka_mock_topic_create(m->mc, *topics, partitions, 1);
        return 0;
}

void itu_mock_stop(struct itu_mock *m)
{
        if (m->mc)
                rd_kafka_mock_cluster_destroy(m->mc);
        if (m->rk)
                rd_kafka_destroy(m->rk);
        memset(m, 0, sizeof(*m));
}

int itu_file_has(const char *path, const char *needle)
{
        char buf[1 << 16];
        FILE *fp = fopen(path, "r");
        size_t n = fp ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;

        if (fp)
                fclose(fp);
        buf[n] = '\0';
        return strstr(buf, needle) != NULL;
}
