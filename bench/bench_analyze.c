/* bench_analyze.c - analysis throughput: reads article bodies (a CSV with
 * the body in the last column, like shared/eval/corpus/news-bodies.csv,
 * or any text file taken as one article), analyzes them repeatedly on one
 * thread for a few seconds and prints MB/s of article text.
 *   bench_analyze [FILE] [SECONDS]   (default: the eval corpus, 3 s)
 * With --dump it prints instead everything the analyzer computes for each
 * article of each FILE, so an optimisation can be checked to change no
 * output (diff two dumps):
 *   bench_analyze --dump [--tokens] FILE...
 * FILE is a body CSV (last column), an Emergent CSV (claimHeadline and
 * articleHeadline read as headline-only articles, and the text.h
 * comparisons of each pair), JSON lines of articles, or one article.
 * --tokens adds every token and sentence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"
#include "text.h"

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

/* Splits RFC 4180 CSV into rows: calls row(fields, lens, n, arg) for
 * each row after the header (whose fields go to head(..) when given).
 * Returns 0, or -1 when out of memory or a callback fails. */
#define CSV_MAX_COLS 16
typedef int (*csv_row_fn)(char **f, size_t *lens, size_t n, void *arg);

static int parse_csv_rows(const char *s, size_t len, csv_row_fn head, csv_row_fn row,
                          void *arg)
{
        char *buf = malloc(len + 1), *f[CSV_MAX_COLS];
        size_t i = 0, n = 0, lens[CSV_MAX_COLS], col = 0;
        int header = 1, rc = -1;

        if (!buf)
                return -1;
        while (i < len) {
                size_t start = n;

                if (s[i] == '"') {
                        for (i++; i < len; i++) {
                                if (s[i] == '"' && i + 1 < len && s[i + 1] == '"')
                                        buf[n++] = s[i++];
                                else if (s[i] == '"')
                                        break;
                                else
                                        buf[n++] = s[i];
                        }
                        i++;
                } else {
                        while (i < len && s[i] != ',' && s[i] != '\n' && s[i] != '\r')
                                buf[n++] = s[i++];
                }
                if (i < len && s[i] == '\r')
                        i++;
                buf[n++] = '\0';
                if (col < CSV_MAX_COLS) {
                        f[col] = buf + start;
                        lens[col] = n - 1 - start;
                }
                col++;
                if (i < len && s[i] == ',') {
                        i++;
                        continue;
                }
                i++;
                if (col > CSV_MAX_COLS)
                        col = CSV_MAX_COLS;
                if (header ? head && head(f, lens, col, arg) < 0
                           : row(f, lens, col, arg) < 0)
                        goto out;
                header = 0;
                col = 0;
                n = 0;
        }
        rc = 0;
out:
        free(buf);
        return rc;
}

/* The body of an "id,body" row: its last column. */
static int body_row(char **f, size_t *lens, size_t n, void *arg)
{
        return n >= 2 ? push(arg, f[n - 1], lens[n - 1]) : 0;
}

static int parse_csv(const char *s, size_t len, struct bodies *b)
{
        return parse_csv_rows(s, len, NULL, body_row, b);
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

static double clock_s(clockid_t id)
{
        struct timespec ts;

        clock_gettime(id, &ts);
        return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_s(void)
{
        return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this thread: on a shared machine the figure that counts
 * less of the other processes' work. */
static double cpu_s(void)
{
        return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

/* Prints the statements of art (and with tokens, its tokens and
 * sentences) under a "# label" line. */
static int dump_article(const struct lexicon *lx, const struct article *art,
                        const char *label, int tokens)
{
        struct analyze_limits lim = {2000, 500};
        struct stmt_list sl = {0};
        size_t i;

        if (analyze_article(lx, &lim, art, &sl) != 0)
                return -1;
        printf("# %s: %zu statements\n", label, sl.n);
        for (i = 0; i < sl.n; i++) {
                json_t *o = stmt_to_json(&sl.v[i]);
                char *js = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

                printf("%s\n", js ? js : "(null)");
                free(js);
                json_decref(o);
        }
        stmt_list_free(&sl);
        if (tokens) {
                struct text_toks tt = {0};
                struct text_sent *sv = NULL;
                long ns;

                if (text_tokenize(art->text, art->text_len, 2000 * 80, &tt) < 0 ||
                    (ns = text_sentences(&tt, lexicon_is_abbrev, lx, 2000, &sv)) < 0)
                        return -1;
                for (i = 0; i < tt.n; i++) {
                        const struct text_tok *t = &tt.v[i];
                        size_t z = strlen(t->norm);

                        /* text.h: the normalised form is zero-padded */
                        while (++z < TEXT_NORM_MAX)
                                if (t->norm[z]) {
                                        fprintf(stderr, "%s: token %zu not zero-padded\n",
                                                label, i);
                                        return -1;
                                }

                        printf("t %u %u %d %d%d%d%d%d %.17g %08x %s\n", t->off, t->len,
                               t->kind, t->cap, t->upper, t->para, t->nl,
                               text_is_stopword(t->norm), t->num, t->hash, t->norm);
                }
                for (i = 0; i < (size_t)ns; i++)
                        printf("s %zu %zu\n", sv[i].tok0, sv[i].ntok);
                free(sv);
                text_toks_free(&tt);
        }
        return 0;
}

/* An article of text alone (a headline when body is ""). */
static void raw_article(struct article *art, const char *title, char *text, size_t len)
{
        memset(art, 0, sizeof(*art));
        art->id = (char *)"dump";
        art->source = (char *)"Dump";
        art->url = art->published_at = art->lang = (char *)"";
        art->title = (char *)title;
        art->body = (char *)(title[0] ? "" : text);
        art->text = text;
        art->text_len = len;
}

struct dump {
        const struct lexicon *lx;
        const char *file;
        size_t n;
        int tokens;
        int claim_col, head_col; /* Emergent columns, -1 for a body CSV */
};

static int dump_head(char **f, size_t *lens, size_t n, void *arg)
{
        struct dump *d = arg;
        size_t i;

        (void)lens;
        for (i = 0; i < n; i++) {
                if (strcmp(f[i], "claimHeadline") == 0)
                        d->claim_col = (int)i;
                else if (strcmp(f[i], "articleHeadline") == 0)
                        d->head_col = (int)i;
        }
        return 0;
}

static int dump_row(char **f, size_t *lens, size_t n, void *arg)
{
        struct dump *d = arg;
        struct article art;
        char label[512];

        d->n++;
        if (d->claim_col < 0 || d->head_col < 0) {
                if (n < 2 || !lens[n - 1])
                        return 0;
                raw_article(&art, "", f[n - 1], lens[n - 1]);
                snprintf(label, sizeof(label), "%s:%zu body", d->file, d->n);
                return dump_article(d->lx, &art, label, d->tokens);
        }
        if ((size_t)d->claim_col >= n || (size_t)d->head_col >= n)
                return 0;
        {
                char *c = f[d->claim_col], *h = f[d->head_col];

                raw_article(&art, c, c, lens[d->claim_col]);
                snprintf(label, sizeof(label), "%s:%zu claim", d->file, d->n);
                if (dump_article(d->lx, &art, label, d->tokens) < 0)
                        return -1;
                raw_article(&art, h, h, lens[d->head_col]);
                snprintf(label, sizeof(label), "%s:%zu headline", d->file, d->n);
                if (dump_article(d->lx, &art, label, d->tokens) < 0)
                        return -1;
                printf("p overlap %d neg_on %d %d shares %d harm %d %d %d %d\n",
                       text_overlap(h, c), text_negation_on(h, c), text_negation_on(c, h),
                       text_shares_negation(h, c), text_mentions_harm(h, 0),
                       text_mentions_harm(h, 1), text_mentions_harm(c, 0),
                       text_mentions_harm(c, 1));
        }
        return 0;
}

/* Dumps every article of one file (see the comment at the top). */
static int dump_file(const struct lexicon *lx, const char *path, int tokens)
{
        struct dump d = {lx, path, 0, tokens, -1, -1};
        struct article_limits alim = {64 << 20};
        struct article *art = NULL;
        size_t len;
        char *buf = slurp(path, &len), label[512];
        int rc = -1;

        if (!buf) {
                fprintf(stderr, "bench_analyze: cannot read %s\n", path);
                return -1;
        }
        if (strstr(path, ".csv")) {
                rc = parse_csv_rows(buf, len, dump_head, dump_row, &d);
        } else if (strstr(path, ".jsonl")) {
                char *line = buf, *nl;

                rc = 0;
                for (; rc == 0 && *line; line = nl ? nl + 1 : line + strlen(line)) {
                        nl = strchr(line, '\n');
                        d.n++;
                        if (article_parse(line, nl ? (size_t)(nl - line) : strlen(line),
                                          0, &alim, &art, NULL, NULL, 0) != 0)
                                continue;
                        snprintf(label, sizeof(label), "%s:%zu %s", path, d.n, art->id);
                        rc = dump_article(lx, art, label, tokens);
                        article_free(art);
                }
        } else if (article_parse(buf, len, 0, &alim, &art, NULL, NULL, 0) == 0) {
                snprintf(label, sizeof(label), "%s article", path);
                rc = dump_article(lx, art, label, tokens);
                article_free(art);
        } else {
                struct article raw;

                raw_article(&raw, "", buf, len);
                snprintf(label, sizeof(label), "%s raw", path);
                rc = dump_article(lx, &raw, label, tokens);
        }
        free(buf);
        return rc;
}

static int dump_main(int argc, char **argv)
{
        struct lexicon *lx;
        char err[256];
        int i = 2, tokens = 0, rc = 0;

        if (i < argc && strcmp(argv[i], "--tokens") == 0) {
                tokens = 1;
                i++;
        }
        if (!(lx = lexicon_load(NULL, err, sizeof(err)))) {
                fprintf(stderr, "bench_analyze: %s\n", err);
                return 2;
        }
        for (; i < argc && rc == 0; i++)
                rc = dump_file(lx, argv[i], tokens);
        lexicon_free(lx);
        return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
        const char *path = argc > 1 ? argv[1] : DEFAULT_CORPUS;
        double secs = argc > 2 ? atof(argv[2]) : 3.0, t0, t, c0, c;
        struct analyze_limits lim = {2000, 1000};
        struct bodies b = {0};
        struct lexicon *lx;
        char err[256], *buf;
        size_t len, i, rounds = 0, stmts = 0, bytes = 0;

        if (argc > 1 && strcmp(argv[1], "--dump") == 0)
                return dump_main(argc, argv);
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
        c0 = cpu_s();
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
        c = cpu_s() - c0;
        printf("bench_analyze: %zu articles x %zu rounds, %.1f MB in %.2f s: %.1f MB/s "
               "(%.1f MB/s of CPU time), %.1f statements/article\n",
               b.n, rounds, bytes / 1e6, t, bytes / 1e6 / t, bytes / 1e6 / c,
               (double)stmts / (b.n * rounds));
        for (i = 0; i < b.n; i++)
                free(b.v[i]);
        free(b.v);
        lexicon_free(lx);
        return 0;
}
