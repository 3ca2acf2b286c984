/* report.c - the replay report (see report.h). */
#include "report.h"

#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define TOP_SPEAKERS 10

struct seen_alert {
        char *article, *against, *speaker;
        char kind[16], subkind[32], level[8];
        int hit; /* matches a label */
};

struct label {
        char *article;
        char kind[16];
        json_t *against; /* array of ids */
        int matched, kind_ok;
};

struct report {
        struct seen_alert *al;
        size_t n_al, cap_al;
        struct label *lb;
        size_t n_lb, cap_lb;
        int has_labels;
};

struct report_sink {
        struct sink sk;
        struct report *rp;
        struct sink *out;
};

struct report *report_new(void)
{
        return calloc(1, sizeof(struct report));
}

void report_free(struct report *rp)
{
        size_t i;

        if (!rp)
                return;
        for (i = 0; i < rp->n_al; i++) {
                free(rp->al[i].article);
                free(rp->al[i].against);
                free(rp->al[i].speaker);
        }
        for (i = 0; i < rp->n_lb; i++) {
                free(rp->lb[i].article);
                json_decref(rp->lb[i].against);
        }
        free(rp->al);
        free(rp->lb);
        free(rp);
}

static const char *jstr(const json_t *o, const char *a, const char *b, const char *c)
{
        const json_t *v = json_object_get(o, a);

        if (b)
                v = json_object_get(v, b);
        if (c)
                v = json_object_get(v, c);
        return json_is_string(v) ? json_string_value(v) : "";
}

static int record(struct report *rp, const struct alert *a)
{
        struct seen_alert *s;

        if (rp->n_al == rp->cap_al) {
                size_t cap = rp->cap_al ? rp->cap_al * 2 : 64;
                struct seen_alert *v = realloc(rp->al, cap * sizeof(*v));

                if (!v)
                        return -1;
                rp->al = v;
                rp->cap_al = cap;
        }
        s = &rp->al[rp->n_al];
        memset(s, 0, sizeof(*s));
        s->article = strdup(jstr(a->doc, "article", "id", NULL));
        s->against = strdup(jstr(a->doc, "against", "article", "id"));
        s->speaker = strdup(jstr(a->doc, "statement", "speaker", "name"));
        if (!s->article || !s->against || !s->speaker) {
                free(s->article);
                free(s->against);
                free(s->speaker);
                return -1;
        }
        snprintf(s->kind, sizeof(s->kind), "%s", alert_kind_name(a->kind));
        snprintf(s->subkind, sizeof(s->subkind), "%s", a->subkind ? a->subkind : "");
        snprintf(s->level, sizeof(s->level), "%s", alert_level_name(a->level));
        rp->n_al++;
        return 0;
}

static int rs_publish(struct sink *sk, const struct alert *a, char *errstr,
                      size_t errstr_size)
{
        struct report_sink *rs = (struct report_sink *)sk;

        if (record(rs->rp, a) == -1) {
                snprintf(errstr, errstr_size, "report: out of memory");
                return -1;
        }
        return sink_publish(rs->out, a, errstr, errstr_size);
}

static int rs_flush(struct sink *sk, int timeout_ms, char *errstr, size_t errstr_size)
{
        struct report_sink *rs = (struct report_sink *)sk;

        return sink_flush(rs->out, timeout_ms, errstr, errstr_size);
}

static void rs_destroy(struct sink *sk)
{
        free(sk);
}

static const struct sink_ops report_sink_ops = {
    .kind = "report",
    .publish = rs_publish,
    .flush = rs_flush,
    .destroy = rs_destroy,
};

struct sink *report_sink_new(struct report *rp, struct sink *out)
{
        struct report_sink *rs = calloc(1, sizeof(*rs));

        if (!rs)
                return NULL;
        rs->sk.ops = &report_sink_ops;
        rs->sk.min_level = ALERT_LEVEL_REVIEW;
        snprintf(rs->sk.name, sizeof(rs->sk.name), "report:%.50s", out->name);
        rs->rp = rp;
        rs->out = out;
        return &rs->sk;
}

static int add_label(struct report *rp, json_t *o)
{
        const json_t *ag = json_object_get(o, "against");
        struct label *l;

        if (!json_is_string(json_object_get(o, "article")) || !json_is_array(ag))
                return -1;
        if (rp->n_lb == rp->cap_lb) {
                size_t cap = rp->cap_lb ? rp->cap_lb * 2 : 32;
                struct label *v = realloc(rp->lb, cap * sizeof(*v));

                if (!v)
                        return -1;
                rp->lb = v;
                rp->cap_lb = cap;
        }
        l = &rp->lb[rp->n_lb];
        memset(l, 0, sizeof(*l));
        if (!(l->article = strdup(json_string_value(json_object_get(o, "article")))))
                return -1;
        snprintf(l->kind, sizeof(l->kind), "%s", jstr(o, "kind", NULL, NULL));
        l->against = json_incref((json_t *)ag);
        rp->n_lb++;
        return 0;
}

int report_load_labels(struct report *rp, const char *path, char *errstr,
                       size_t errstr_size)
{
        FILE *fp = fopen(path, "r");
        char *line = NULL;
        size_t cap = 0, lineno = 0;
        ssize_t len;
        int rc = 0;

        if (!fp) {
                snprintf(errstr, errstr_size, "%s: cannot open labels file", path);
                return -1;
        }
        rp->has_labels = 1;
        while (rc == 0 && (len = getline(&line, &cap, fp)) != -1) {
                json_error_t jerr;
                json_t *o;

                lineno++;
                if (strspn(line, " \t\r\n") == (size_t)len)
                        continue;
                o = json_loadb(line, (size_t)len, 0, &jerr);
                if (!o || add_label(rp, o) == -1) {
                        snprintf(errstr, errstr_size,
                                 "%s:%zu: want {\"article\": id, \"kind\": ..., "
                                 "\"against\": [ids]}",
                                 path, lineno);
                        rc = -1;
                }
                json_decref(o);
        }
        free(line);
        fclose(fp);
        return rc;
}

static int label_has(const struct label *l, const char *id)
{
        size_t i;

        for (i = 0; i < json_array_size(l->against); i++)
                if (!strcmp(json_string_value(json_array_get(l->against, i))
                                ? json_string_value(json_array_get(l->against, i))
                                : "",
                            id))
                        return 1;
        return 0;
}

/* Scores alerts against labels as shared/eval/eval.py does: an alert is a
 * hit when its article and its against-article match a label; per kind,
 * only alerts and labels of that kind count. */
struct score {
        unsigned tp, fp, fn;
};

static void score(struct report *rp, const char *kind, struct score *sc)
{
        size_t i, j;

        memset(sc, 0, sizeof(*sc));
        for (j = 0; j < rp->n_lb; j++)
                rp->lb[j].matched = rp->lb[j].kind_ok = 0;
        for (i = 0; i < rp->n_al; i++) {
                struct seen_alert *a = &rp->al[i];

                if (kind && strcmp(a->kind, kind))
                        continue;
                a->hit = 0;
                for (j = 0; j < rp->n_lb; j++) {
                        struct label *l = &rp->lb[j];

                        if (kind && strcmp(l->kind, kind))
                                continue;
                        if (!strcmp(l->article, a->article) && label_has(l, a->against)) {
                                a->hit = l->matched = 1;
                                l->kind_ok |= !strcmp(l->kind, a->kind);
                        }
                }
                sc->fp += !a->hit;
        }
        for (j = 0; j < rp->n_lb; j++) {
                if (kind && strcmp(rp->lb[j].kind, kind))
                        continue;
                sc->tp += rp->lb[j].matched;
                sc->fn += !rp->lb[j].matched;
        }
}

static void prf(const struct score *sc, double *p, double *r, double *f)
{
        *p = sc->tp + sc->fp ? (double)sc->tp / (sc->tp + sc->fp) : 0.0;
        *r = sc->tp + sc->fn ? (double)sc->tp / (sc->tp + sc->fn) : 0.0;
        *f = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0.0;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The most-alerted speakers: names and counts, most first. */
static json_t *top_speakers(const struct report *rp)
{
        const char **names = malloc((rp->n_al ? rp->n_al : 1) * sizeof(*names));
        json_t *arr = json_array();
        size_t i, j, k;

        if (!names || !arr) {
                free(names);
                return arr;
        }
        for (i = 0; i < rp->n_al; i++)
                names[i] = rp->al[i].speaker;
        qsort(names, rp->n_al, sizeof(*names), cmp_str);
        for (i = 0; i < rp->n_al; i = j) {
                for (j = i; j < rp->n_al && !strcmp(names[i], names[j]); j++)
                        ;
                json_array_append_new(arr, json_pack("{s:s, s:i}", "name", names[i],
                                                     "alerts", (int)(j - i)));
        }
        free(names);
        /* selection of the top N by count, stable */
        for (i = 0; i < json_array_size(arr) && i < TOP_SPEAKERS; i++) {
                size_t best = i;

                for (k = i + 1; k < json_array_size(arr); k++)
                        if (json_integer_value(
                                json_object_get(json_array_get(arr, k), "alerts")) >
                            json_integer_value(
                                json_object_get(json_array_get(arr, best), "alerts")))
                                best = k;
                if (best != i) {
                        json_t *t = json_incref(json_array_get(arr, best));

                        json_array_remove(arr, best);
                        json_array_insert_new(arr, i, t);
                }
        }
        while (json_array_size(arr) > TOP_SPEAKERS)
                json_array_remove(arr, TOP_SPEAKERS);
        return arr;
}

/* Counts alerts by one field into a JSON object. */
static json_t *count_by(const struct report *rp, size_t field_off)
{
        json_t *o = json_object();
        size_t i;

        for (i = 0; i < rp->n_al; i++) {
                const char *k = (const char *)&rp->al[i] + field_off;

                json_object_set_new(
                    o, k, json_integer(json_integer_value(json_object_get(o, k)) + 1));
        }
        return o;
}

static json_t *score_json(struct report *rp, const char *kind)
{
        struct score sc;
        double p, r, f;

        score(rp, kind, &sc);
        prf(&sc, &p, &r, &f);
        return json_pack("{s:i, s:i, s:i, s:f, s:f, s:f}", "tp", sc.tp, "fp", sc.fp, "fn",
                         sc.fn, "precision", p, "recall", r, "f1", f);
}

/* Everything, as one JSON object; the text and md forms render it. */
static json_t *report_json(const struct report *crp, const struct pipeline_stats *ps,
                           const struct report_counts *rc)
{
        struct report *rp = (struct report *)crp; /* scoring marks hits */
        json_t *o = json_pack(
            "{s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:{s:I, s:o, s:o, s:o}, s:o,"
            " s:{s:f, s:f, s:f}}",
            "articles", "processed", (json_int_t)(ps->articles - rc->warm), "warm_up",
            (json_int_t)rc->warm, "rejected", (json_int_t)(rc->rejected + ps->bad),
            "duplicates", (json_int_t)ps->duplicates, "outside_window",
            (json_int_t)rc->outside, "statements", (json_int_t)ps->statements, "alerts",
            "total", (json_int_t)rp->n_al, "by_kind",
            count_by(rp, offsetof(struct seen_alert, kind)), "by_subkind",
            count_by(rp, offsetof(struct seen_alert, subkind)), "by_level",
            count_by(rp, offsetof(struct seen_alert, level)), "top_speakers",
            top_speakers(rp), "throughput", "seconds", rc->seconds, "articles_per_s",
            rc->seconds > 0 ? (ps->articles + rc->warm) / rc->seconds : 0.0, "mb_per_s",
            rc->seconds > 0 ? ps->bytes / 1e6 / rc->seconds : 0.0);
        json_t *lab, *miss, *fa;
        size_t i;

        if (!o || !rp->has_labels)
                return o;
        lab = json_pack("{s:o, s:{s:o, s:o}}", "overall", score_json(rp, NULL), "by_kind",
                        "denial", score_json(rp, "denial"), "contradiction",
                        score_json(rp, "contradiction"));
        /* the overall pass last, so hit/matched flags describe it */
        json_object_set_new(lab, "overall", score_json(rp, NULL));
        miss = json_array();
        fa = json_array();
        for (i = 0; i < rp->n_lb; i++)
                if (!rp->lb[i].matched)
                        json_array_append_new(
                            miss, json_pack("{s:s, s:s, s:O}", "article",
                                            rp->lb[i].article, "kind", rp->lb[i].kind,
                                            "against", rp->lb[i].against));
        for (i = 0; i < rp->n_al; i++)
                if (!rp->al[i].hit)
                        json_array_append_new(fa, json_pack("{s:s, s:s, s:s}", "article",
                                                            rp->al[i].article, "kind",
                                                            rp->al[i].kind, "against",
                                                            rp->al[i].against));
        json_object_set_new(lab, "misses", miss);
        json_object_set_new(lab, "false_alarms", fa);
        json_object_set_new(o, "labels", lab);
        return o;
}

static void write_counts(FILE *fp, const char *title, json_t *o, int md)
{
        const char *k;
        json_t *v;

        int first = 1;

        fprintf(fp, md ? "| %s |" : "  %-12s", title);
        json_object_foreach(o, k, v)
        {
                fprintf(fp, "%s %s %lld", md && !first ? "," : "", k,
                        (long long)json_integer_value(v));
                first = 0;
        }
        fputs(md ? " |\n" : "\n", fp);
}

static void write_score(FILE *fp, const char *name, json_t *s, int md)
{
        fprintf(fp,
                md ? "| %s | %.3f | %.3f | %.3f | %lld | %lld | %lld |\n"
                   : "  %-14s precision %.3f  recall %.3f  F1 %.3f  (tp %lld, fp %lld, "
                     "fn %lld)\n",
                name, json_real_value(json_object_get(s, "precision")),
                json_real_value(json_object_get(s, "recall")),
                json_real_value(json_object_get(s, "f1")),
                (long long)json_integer_value(json_object_get(s, "tp")),
                (long long)json_integer_value(json_object_get(s, "fp")),
                (long long)json_integer_value(json_object_get(s, "fn")));
}

static void write_human(FILE *fp, json_t *o, int md)
{
        json_t *a = json_object_get(o, "articles"), *al = json_object_get(o, "alerts");
        json_t *t = json_object_get(o, "throughput"), *lab = json_object_get(o, "labels"),
               *v;
        size_t i;

        fprintf(fp, md ? "## Replay report\n\n| what | counts |\n|---|---|\n"
                       : "replay report\n");
        write_counts(fp, "articles", a, md);
        fprintf(fp, md ? "| %s | %lld |\n" : "  %-12s %lld\n", "statements",
                (long long)json_integer_value(json_object_get(o, "statements")));
        fprintf(fp, md ? "| %s | %lld |\n" : "  %-12s %lld\n", "alerts",
                (long long)json_integer_value(json_object_get(al, "total")));
        write_counts(fp, "by kind", json_object_get(al, "by_kind"), md);
        write_counts(fp, "by subkind", json_object_get(al, "by_subkind"), md);
        write_counts(fp, "by level", json_object_get(al, "by_level"), md);
        fprintf(fp,
                md ? "| %s | %.2f s, %.0f articles/s, %.1f MB/s |\n"
                   : "  %-12s %.2f s, %.0f articles/s, %.1f MB/s\n",
                "throughput", json_real_value(json_object_get(t, "seconds")),
                json_real_value(json_object_get(t, "articles_per_s")),
                json_real_value(json_object_get(t, "mb_per_s")));
        fprintf(fp,
                md ? "\n### Most-alerted speakers\n\n" : "  most-alerted speakers:\n");
        json_array_foreach(json_object_get(o, "top_speakers"), i, v)
            fprintf(fp, md ? "- %s: %lld\n" : "    %-30s %lld\n",
                    json_string_value(json_object_get(v, "name")),
                    (long long)json_integer_value(json_object_get(v, "alerts")));
        if (!lab)
                return;
        fprintf(
            fp,
            md ? "\n### Against labels\n\n| | precision | recall | F1 | tp | fp | fn |\n"
                 "|---|---|---|---|---|---|---|\n"
               : "  against labels:\n");
        write_score(fp, "all", json_object_get(lab, "overall"), md);
        write_score(fp, "denial",
                    json_object_get(json_object_get(lab, "by_kind"), "denial"), md);
        write_score(fp, "contradiction",
                    json_object_get(json_object_get(lab, "by_kind"), "contradiction"),
                    md);
        json_array_foreach(json_object_get(lab, "misses"), i, v)
        {
                char *ag = json_dumps(json_object_get(v, "against"), JSON_COMPACT);

                fprintf(fp,
                        md ? "- missed %s %s against %s\n"
                           : "  missed       %s %s against %s\n",
                        json_string_value(json_object_get(v, "kind")),
                        json_string_value(json_object_get(v, "article")), ag ? ag : "");
                free(ag);
        }
        json_array_foreach(json_object_get(lab, "false_alarms"), i, v) fprintf(
            fp,
            md ? "- false alarm %s %s against %s\n" : "  false alarm  %s %s against %s\n",
            json_string_value(json_object_get(v, "kind")),
            json_string_value(json_object_get(v, "article")),
            json_string_value(json_object_get(v, "against")));
}

int report_write(const struct report *rp, const struct pipeline_stats *ps,
                 const struct report_counts *rc, const char *format, FILE *fp)
{
        json_t *o;

        if (!format)
                format = "text";
        if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "md"))
                return -1;
        if (!(o = report_json(rp, ps, rc)))
                return -1;
        if (!strcmp(format, "json")) {
                char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

                if (s)
                        fprintf(fp, "%s\n", s);
                free(s);
        } else {
                write_human(fp, o, !strcmp(format, "md"));
        }
        json_decref(o);
        return 0;
}
