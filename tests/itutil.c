/* itutil.c - helpers shared by the integration tests (see itutil.h). */
#include "itutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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
