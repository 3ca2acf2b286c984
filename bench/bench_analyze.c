/* bench_analyze.c - analysis throughput: reads article bodies (a CSV with
 * the body in the last column, like shared/eval/corpus/news-bodies.csv,
 * or any text file taken as one article), analyzes them repeatedly on one
 * thread for a few seconds and prints MB/s of article text.
 *   bench_analyze [FILE] [SECONDS]   (default: the eval corpus, 3 s) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"

#define DEFAULT_CORPUS "/work/shared/eval/corpus/news-bodies.csv"

struct bodies {
        char **v;
        size_t n, cap, bytes;
};

static int push(struct bodies *b, const char *s, size_t len)
{
        char *c;

        if (len == 0)
                return 0;
        if (b->n == b->cap) {
                size_t cap = b->cap ? b->cap * 2 : 256;
                char **v = realloc(b->v, cap * sizeof(*v));

                if (!v)
                        return -1;
                b->v = v;
                b->cap = cap;
        }
        if (!(c = malloc(len + 1)))
                return -1;
        memcpy(c, s, len);
        c[len] = '\0';
        b->v[b->n++] = c;
        b->bytes += len;
        return 0;
}

/* Splits a two-column CSV ("id,body" with RFC 4180 quoting) into bodies. */
static int parse_csv(const char *s, size_t len, struct bodies *b)
{
        size_t i = 0, n;
        char *field = malloc(len + 1);
        int col = 0, header = 1;

        if (!field)
                return -1;
        while (i < len) {
                n = 0;
                if (s[i] == '"') {
                        for (i++; i < len; i++) {
                                if (s[i] == '"' && i + 1 < len && s[i + 1] == '"')
                                        field[n++] = s[i++];
                                else if (s[i] == '"')
                                        break;
                                else
                                        field[n++] = s[i];
                        }
                        i++;
                } else {
                        while (i < len && s[i] != ',' && s[i] != '\n')
                                field[n++] = s[i++];
                }
                if (col == 1 && !header && push(b, field, n) < 0) {
                        free(field);
                        return -1;
                }
                if (i < len && s[i] == ',') {
                        col++;
                } else {
                        col = 0;
                        header = 0;
                }
                i++;
        }
        free(field);
        return 0;
}

static char *slurp(const char *path, size_t *len)
{
        FILE *fp = fopen(path, "rb");
        char *buf = NULL;
        long n;

        if (!fp)
                return NULL;
        if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
            fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
            fread(buf, 1, (size_t)n, fp) == (size_t)n) {
                buf[n] = '\0';
                *len = (size_t)n;
        } else {
                free(buf);
                buf = NULL;
        }
        fclose(fp);
        return buf;
}

static double now_s(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
        const char *path = argc > 1 ? argv[1] : DEFAULT_CORPUS;
        double secs = argc > 2 ? atof(argv[2]) : 3.0, t0, t;
        struct analyze_limits lim = {2000, 1000};
        struct bodies b = {0};
        struct lexicon *lx;
        char err[256], *buf;
        size_t len, i, rounds = 0, stmts = 0, bytes = 0;

        if (!(buf = slurp(path, &len))) {
                fprintf(stderr, "bench_analyze: cannot read %s\n", path);
                return 2;
        }
        if ((strstr(path, ".csv") ? parse_csv(buf, len, &b) : push(&b, buf, len)) < 0 ||
            !b.n) {
                fprintf(stderr, "bench_analyze: no article text in %s\n", path);
                return 2;
        }
        free(buf);
        if (!(lx = lexicon_load(NULL, err, sizeof(err)))) {
                fprintf(stderr, "bench_analyze: %s\n", err);
                return 2;
        }
        t0 = now_s();
        do {
                for (i = 0; i < b.n; i++) {
                        struct article art;
                        struct stmt_list sl = {0};

                        memset(&art, 0, sizeof(art));
                        art.id = (char *)"bench";
                        art.source = (char *)"Bench";
                        art.title = (char *)"";
                        art.body = b.v[i];
                        art.text = b.v[i];
                        art.text_len = strlen(b.v[i]);
                        if (analyze_article(lx, &lim, &art, &sl) != 0)
                                return 1;
                        stmts += sl.n;
                        bytes += art.text_len;
                        stmt_list_free(&sl);
                }
                rounds++;
                t = now_s() - t0;
        } while (t < secs);
        printf("bench_analyze: %zu articles x %zu rounds, %.1f MB in %.2f s: %.1f MB/s, "
               "%.1f statements/article\n",
               b.n, rounds, bytes / 1e6, t, bytes / 1e6 / t,
               (double)stmts / (b.n * rounds));
        for (i = 0; i < b.n; i++)
                free(b.v[i]);
        free(b.v);
        lexicon_free(lx);
        return 0;
}
