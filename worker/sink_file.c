/* sink_file.c - alerts as JSON lines on stdout or in a file. */
#include "sink.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sink_file {
        struct sink sk;
        FILE *fp;
        int own; /* fp was opened here and is closed on destroy */
};

static int file_publish(struct sink *sk, const struct alert *a, char *errstr,
                        size_t errstr_size)
{
        struct sink_file *sf = (struct sink_file *)sk;
        char *line = alert_dumps(a);
        int rc = 0;

        if (!line || fprintf(sf->fp, "%s\n", line) < 0) {
                snprintf(errstr, errstr_size, "%s: write failed: %s", sk->name,
                         strerror(errno));
                rc = -1;
        }
        free(line);
        return rc;
}

static int file_flush(struct sink *sk, int timeout_ms, char *errstr, size_t errstr_size)
{
        struct sink_file *sf = (struct sink_file *)sk;

        (void)timeout_ms;
        if (fflush(sf->fp) != 0 || ferror(sf->fp)) {
                snprintf(errstr, errstr_size, "%s: write failed: %s", sk->name,
                         strerror(errno));
                return -1;
        }
        return 0;
}

static void file_destroy(struct sink *sk)
{
        struct sink_file *sf = (struct sink_file *)sk;

        if (sf->own)
                fclose(sf->fp);
        else
                fflush(sf->fp);
        free(sf);
}

static const struct sink_ops file_ops = {
    .kind = "file",
    .publish = file_publish,
    .flush = file_flush,
    .destroy = file_destroy,
};

struct sink *sink_file_new(const char *path, char *errstr, size_t errstr_size)
{
        struct sink_file *sf = calloc(1, sizeof(*sf));

        if (!sf) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        sf->sk.ops = &file_ops;
        sf->sk.min_level = ALERT_LEVEL_REVIEW;
        if (!path || strcmp(path, "-") == 0) {
                sf->fp = stdout;
                snprintf(sf->sk.name, sizeof(sf->sk.name), "stdout");
        } else {
                sf->fp = fopen(path, "w");
                if (!sf->fp) {
                        snprintf(errstr, errstr_size, "%s: %s", path, strerror(errno));
                        free(sf);
                        return NULL;
                }
                sf->own = 1;
                snprintf(sf->sk.name, sizeof(sf->sk.name), "file:%.58s", path);
        }
        return &sf->sk;
}
