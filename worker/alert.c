/* alert.c - alert documents (schema claimwatch.alert/v1), their stable
 * ids, and the statement records the store keeps (see alert.h). */
#include "alert.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void cand_clear(struct cand *c)
{
        if (!c)
                return;
        stmt_clear(&c->st);
        json_decref(c->article);
        c->article = NULL;
}

json_t *cand_record(const struct article *art, const struct stmt *st, int seq)
{
        json_t *rec = json_object();

        if (!rec)
                return NULL;
        if (json_object_set_new(rec, "article", article_ref_json(art)) ||
            json_object_set_new(rec, "statement", stmt_to_json(st)) ||
            json_object_set_new(rec, "ts", json_integer(art->published_ms)) ||
            json_object_set_new(rec, "seq", json_integer(seq))) {
                json_decref(rec);
                return NULL;
        }
        return rec;
}

int cand_from_record(const json_t *rec, struct cand *c)
{
        const json_t *a = json_object_get(rec, "article");
        const json_t *s = json_object_get(rec, "statement");

        memset(c, 0, sizeof(*c));
        if (!json_is_object(a) || !json_is_string(json_object_get(a, "id")) ||
            !json_is_object(s))
                return -1;
        if (stmt_from_json(s, &c->st) == -1)
                return -1;
        /* records are read-only: share the article, don't copy it */
        c->article = json_incref((json_t *)a);
        c->aid = json_string_value(json_object_get(a, "id"));
        c->published_ms = json_integer_value(json_object_get(rec, "ts"));
        c->seq = (int)json_integer_value(json_object_get(rec, "seq"));
        if (!c->article) {
                stmt_clear(&c->st);
                return -1;
        }
        return 0;
}

json_t *cand_to_record(const struct cand *c)
{
        json_t *rec = json_object();

        if (!rec)
                return NULL;
        if (json_object_set(rec, "article", c->article) ||
            json_object_set_new(rec, "statement", stmt_to_json(&c->st)) ||
            json_object_set_new(rec, "ts", json_integer(c->published_ms)) ||
            json_object_set_new(rec, "seq", json_integer(c->seq))) {
                json_decref(rec);
                return NULL;
        }
        return rec;
}

int cand_copy(struct cand *dst, const struct cand *src)
{
        *dst = *src;
        dst->st.text = strdup(src->st.text ? src->st.text : "");
        if (!dst->st.text)
                return -1;
        json_incref(dst->article);
        return 0;
}

void alert_make_id(const char *art_id, int seq, const char *against_id, int against_seq,
                   enum alert_kind kind, char out[ALERT_ID_LEN + 1])
{
        static const char hex[] = "0123456789abcdef";
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdlen = 0, i;
        char nums[64];
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();

        /* NUL separators keep ("ab","c") and ("a","bc") apart. */
        snprintf(nums, sizeof(nums), "%d:%d:%s", seq, against_seq, alert_kind_name(kind));
        if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
                EVP_DigestUpdate(ctx, "claimwatch.alert/v1", 20);
                EVP_DigestUpdate(ctx, art_id, strlen(art_id) + 1);
                EVP_DigestUpdate(ctx, against_id, strlen(against_id) + 1);
                EVP_DigestUpdate(ctx, nums, strlen(nums));
                EVP_DigestFinal_ex(ctx, md, &mdlen);
        }
        EVP_MD_CTX_free(ctx);
        for (i = 0; i < ALERT_ID_LEN / 2; i++) {
                out[2 * i] = hex[i < mdlen ? md[i] >> 4 : 0];
                out[2 * i + 1] = hex[i < mdlen ? md[i] & 15 : 0];
        }
        out[ALERT_ID_LEN] = '\0';
}

const char *alert_kind_name(enum alert_kind k)
{
        return k == ALERT_DENIAL ? "denial" : "contradiction";
}

const char *alert_level_name(enum alert_level l)
{
        return l == ALERT_LEVEL_ALERT ? "alert" : "review";
}

/* The part of a statement an alert shows. New reference. */
static json_t *stmt_brief(const struct stmt *cst)
{
        struct stmt copy = *cst, *st = &copy;
        json_t *o;

        /* a scrubbed copy (the text too: it is shared), so a name cut in
         * half a character cannot make the alert fail */
        if (!(copy.text = strdup(cst->text ? cst->text : "")))
                return NULL;
        stmt_scrub(st);
        o = json_pack("{s:{s:s, s:s}, s:s, s:s, s:s}", "speaker", "id", st->speaker.id,
                      "name", st->speaker.name, "stance", stance_name(st->stance),
                      "polarity", st->negated ? "negative" : "positive", "text",
                      st->text);
        free(copy.text);
        return o;
}

/* Who a statement is from, for a summary: its speaker, else "a report". */
static const char *who(const struct stmt *st)
{
        return st->speaker.name[0] ? st->speaker.name : "a report";
}

/* What the proposition is, for a summary: the analyzer's gist, else the
 * sentence itself in quotes (cut at a UTF-8 boundary). */
static void what(const struct stmt *st, char *buf, size_t size)
{
        const char *t = st->text ? st->text : "";
        size_t n = strlen(t);

        if (st->gist[0]) {
                snprintf(buf, size, "%s", st->gist);
                return;
        }
        if (n > 200) {
                n = 200;
                while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
                        n--;
        }
        snprintf(buf, size, "\"%.*s%s\"", (int)n, t, n < strlen(t) ? "…" : "");
}

/* A sentence a fact-checker would write about the alert. */
static void summarize(char *buf, size_t size, enum alert_kind kind, const char *subkind,
                      const struct stmt *st, const struct cand *against, int same_article)
{
        char gist[256], date[16] = "";
        const char *pub =
            json_string_value(json_object_get(against->article, "published_at"));

        if (pub && strlen(pub) >= 10)
                snprintf(date, sizeof(date), "%.10s", pub);
        what(kind == ALERT_DENIAL ? st : &against->st, gist, sizeof(gist));
        if (kind == ALERT_DENIAL) {
                if (same_article || !date[0])
                        snprintf(buf, size,
                                 "%s denies the claim, reported by %s, that %s", who(st),
                                 who(&against->st), gist);
                else
                        snprintf(buf, size,
                                 "%s denies the claim, reported by %s on %s, that %s",
                                 who(st), who(&against->st), date, gist);
        } else if (strcmp(subkind, "self_reversal") == 0) {
                snprintf(buf, size, "%s now says what it denied on %s: %s", who(st),
                         date[0] ? date : "an earlier date", gist);
        } else if (strcmp(subkind, "numeric") == 0) {
                snprintf(buf, size, "%s gives a figure that contradicts %s on %s: %s",
                         who(st), who(&against->st), date[0] ? date : "an earlier date",
                         gist);
        } else {
                /* against a denial (a party's account of its own
                 * conduct, "we followed the rules", denies the breach) */
                snprintf(buf, size, "%s contradicts the %s by %s on %s that %s", who(st),
                         against->st.stance == STANCE_DENY || against->st.negated
                             ? "denial"
                             : "statement",
                         who(&against->st), date[0] ? date : "an earlier date", gist);
        }
}

/* Appends id to arr unless it is empty or already there. */
static void add_entity(json_t *arr, const char *id)
{
        size_t i;
        json_t *v;

        if (!id || !*id)
                return;
        json_array_foreach(arr, i, v)
        {
                if (strcmp(json_string_value(v), id) == 0)
                        return;
        }
        json_array_append_new(arr, json_string(id));
}

/* The entity ids an alert is about, for routing alerts to sinks
 * (sinks.h): both speakers and the new proposition's roles. */
static json_t *alert_entities(const struct stmt *st, const struct cand *against)
{
        json_t *arr = json_array();

        if (!arr)
                return NULL;
        add_entity(arr, st->speaker.id);
        add_entity(arr, st->prop.agent);
        add_entity(arr, st->prop.patient);
        add_entity(arr, against->st.speaker.id);
        add_entity(arr, against->st.prop.agent);
        add_entity(arr, against->st.prop.patient);
        return arr;
}

static int list_grow(struct alert_list *al)
{
        size_t cap = al->cap ? al->cap * 2 : 8;
        struct alert *v;

        if (al->n < al->cap)
                return 0;
        v = realloc(al->v, cap * sizeof(*v));
        if (!v)
                return -1;
        al->v = v;
        al->cap = cap;
        return 0;
}

int alert_list_add(struct alert_list *al, enum alert_kind kind, const char *subkind,
                   double confidence, enum alert_level level, const struct article *art,
                   const struct stmt *st, int seq, const struct cand *against,
                   int64_t detected_ms)
{
        const char *against_id =
            json_string_value(json_object_get(against->article, "id"));
        int same = against_id && strcmp(against_id, art->id) == 0;
        char summary[1024], stamp[40];
        struct alert *a;
        json_t *doc;

        if (!against_id || list_grow(al) == -1)
                return -1;
        a = &al->v[al->n];
        memset(a, 0, sizeof(*a));
        alert_make_id(art->id, seq, against_id, against->seq, kind, a->id);
        a->kind = kind;
        a->level = level;
        a->subkind = subkind;
        a->confidence = confidence;
        summarize(summary, sizeof(summary), kind, subkind, st, against, same);
        utf8_scrub(summary); /* names may end in half a character */
        article_format_time(detected_ms, stamp, sizeof(stamp));
        doc = json_pack(
            "{s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:s, s:o, s:o, s:{s:O, s:o}}", "schema",
            "claimwatch.alert/v1", "alert_id", a->id, "kind", alert_kind_name(kind),
            "subkind", subkind, "level", alert_level_name(level), "confidence",
            (double)((int)(confidence * 1000 + 0.5)) / 1000, "detected_at", stamp,
            "summary", summary, "article", article_ref_json(art), "statement",
            stmt_brief(st), "against", "article", against->article, "statement",
            stmt_brief(&against->st));
        if (!doc || json_object_set_new(doc, "entities", alert_entities(st, against))) {
                json_decref(doc);
                return -1;
        }
        a->doc = doc;
        al->n++;
        return 0;
}

void alert_list_free(struct alert_list *al)
{
        size_t i;

        if (!al)
                return;
        for (i = 0; i < al->n; i++)
                json_decref(al->v[i].doc);
        free(al->v);
        memset(al, 0, sizeof(*al));
}

char *alert_dumps(const struct alert *a)
{
        return json_dumps(a->doc,
                          JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
}
