/* stmt.c - the claim model: statement lists, names of the enums, the
 * proposition key that indexes statements, and the JSON form used by
 * `claimwatch analyze`, the store and alerts. */
#include "stmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct stmt *stmt_list_push(struct stmt_list *sl, const struct stmt *st)
{
        if (sl->n == sl->cap) {
                size_t cap = sl->cap ? sl->cap * 2 : 16;
                struct stmt *v = realloc(sl->v, cap * sizeof(*v));

                if (!v)
                        return NULL;
                sl->v = v;
                sl->cap = cap;
        }
        sl->v[sl->n] = *st;
        return &sl->v[sl->n++];
}

void stmt_list_free(struct stmt_list *sl)
{
        size_t i;

        if (!sl)
                return;
        for (i = 0; i < sl->n; i++)
                stmt_clear(&sl->v[i]);
        free(sl->v);
        sl->v = NULL;
        sl->n = sl->cap = 0;
}

void stmt_clear(struct stmt *st)
{
        if (!st)
                return;
        free(st->text);
        st->text = NULL;
}

static const char *const stance_names[] = {"assert", "deny", "admit", "report"};
static const char *const modality_names[] = {"fact", "intent", "hedged", "hypothetical",
                                             "question"};
static const char *const tscope_names[] = {"past", "present", "future"};

const char *stance_name(enum stance s)
{
        return (unsigned)s < 4 ? stance_names[s] : "assert";
}

const char *modality_name(enum modality m)
{
        return (unsigned)m < 5 ? modality_names[m] : "fact";
}

const char *tscope_name(enum tscope t)
{
        return (unsigned)t < 3 ? tscope_names[t] : "present";
}

/* Index of name in names[0..n), or dflt. */
static int name_index(const char *name, const char *const *names, int n, int dflt)
{
        int i;

        if (!name)
                return dflt;
        for (i = 0; i < n; i++)
                if (strcmp(name, names[i]) == 0)
                        return i;
        return dflt;
}

int prop_key(const struct prop *p, char *buf, size_t size)
{
        const char *part[4] = {p->frame, p->agent, p->patient, p->theme};
        size_t n = 0, len;
        int i;

        if (!p->frame[0] || (!p->agent[0] && !p->patient[0]))
                return -1;
        /* by hand: snprintf was 2% of a replay (a key or two per statement) */
        for (i = 0; i < 4; i++) {
                len = strlen(part[i]);
                if (n + len + (i < 3) >= size)
                        return -1;
                memcpy(buf + n, part[i], len);
                n += len;
                if (i < 3)
                        buf[n++] = '|';
        }
        buf[n] = '\0';
        return (int)n;
}

/* The static cue names a statement may carry; stmt_from_json maps a
 * stored cue back onto one of these so `cue` stays a static string. */
static const char *const cue_names[] = {
    "deny",  "admit",   "negation",  "antonym", "falsity",  "report",     "said",
    "claim", "numeric", "wellbeing", "alive",   "sanction", "prohibited", NULL};

static const char *cue_intern(const char *s)
{
        int i;

        if (!s)
                return NULL;
        for (i = 0; cue_names[i]; i++)
                if (strcmp(s, cue_names[i]) == 0)
                        return cue_names[i];
        return NULL;
}

static json_t *entity_json(const struct entity *e)
{
        return json_pack("{s:s, s:s}", "id", e->id, "name", e->name);
}

/* Names of the bounds after QTY_EXACT, as serialized in "bound". */
static const char *const qty_bound_names[] = {"", "about", "at_least", "up_to"};

/* {"value","unit","approx":bool,"bound"}: "approx" says whether the number
 * is inexact (the older readers' field), "bound" how it bounds the value. */
static json_t *qty_json(const struct quantity *q)
{
        json_t *o = json_pack("{s:f, s:s, s:b}", "value", q->value, "unit", q->unit,
                              "approx", q->approx != QTY_EXACT);

        if (o && q->approx > QTY_EXACT && q->approx <= QTY_UP_TO)
                json_object_set_new(o, "bound", json_string(qty_bound_names[q->approx]));
        return o;
}

/* The inverse of qty_json; a record without "bound" is about its value
 * when "approx" is true. */
static int qty_approx_from_json(const json_t *q)
{
        const char *b = json_string_value(json_object_get(q, "bound"));
        int i;

        for (i = QTY_ABOUT; b && i <= QTY_UP_TO; i++)
                if (strcmp(b, qty_bound_names[i]) == 0)
                        return i;
        return json_is_true(json_object_get(q, "approx")) ? QTY_ABOUT : QTY_EXACT;
}

static json_t *prop_json(const struct prop *p)
{
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "frame", p->frame, "agent",
                              p->agent, "patient", p->patient, "theme", p->theme);

        if (o && p->qual[0])
                json_object_set_new(o, "qualifier", json_string(p->qual));
        if (o && p->qty.has)
                json_object_set_new(o, "quantity", qty_json(&p->qty));
        return o;
}

/* The length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_valid_len(const unsigned char *p)
{
        size_t n, i;

        if (p[0] < 0x80)
                return 1;
        if (p[0] >= 0xC2 && p[0] <= 0xDF)
                n = 2;
        else if (p[0] >= 0xE0 && p[0] <= 0xEF)
                n = 3;
        else if (p[0] >= 0xF0 && p[0] <= 0xF4)
                n = 4;
        else
                return 0;
        for (i = 1; i < n; i++)
                if ((p[i] & 0xC0) != 0x80)
                        return 0;
        if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
            (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))
                return 0; /* overlong, surrogate, past U+10FFFF */
        return n;
}

void utf8_scrub(char *s)
{
        unsigned char *r = (unsigned char *)s, *w = r;

        while (*r) {
                size_t n = utf8_valid_len(r);

                if (n == 0) {
                        r++;
                        continue;
                }
                while (n--)
                        *w++ = *r++;
        }
        *w = '\0';
}

static int utf8_ok(const char *s)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t n;

        for (; *p; p += n)
                if ((n = utf8_valid_len(p)) == 0)
                        return 0;
        return 1;
}

/* Scrubs the fixed-size fields (not text). */
static void scrub_fixed(struct stmt *st)
{
        char *fields[] = {st->speaker.id,    st->speaker.name, st->claimant.id,
                          st->claimant.name, st->prop.frame,   st->prop.agent,
                          st->prop.patient,  st->prop.theme,   st->prop.qty.unit,
                          st->prop.qual,     st->gist};
        size_t i;

        for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
                if (!utf8_ok(fields[i]))
                        utf8_scrub(fields[i]);
}

void stmt_scrub(struct stmt *st)
{
        scrub_fixed(st);
        if (st->text && !utf8_ok(st->text))
                utf8_scrub(st->text);
}

json_t *stmt_to_json(const struct stmt *cst)
{
        struct stmt copy = *cst, *st = &copy;
        char key[256], *text = NULL;
        json_t *o;

        /* serialize a scrubbed copy, so a field cut in half a character
         * (a long name in a fixed buffer) cannot make this fail */
        scrub_fixed(st);
        if (st->text && !utf8_ok(st->text)) {
                if (!(text = strdup(st->text)))
                        return NULL;
                utf8_scrub(text);
                st->text = text;
        }

        o = json_pack("{s:o, s:s, s:s, s:s, s:s, s:o, s:s, s:f, s:I, s:I, s:s}",
                      "speaker", entity_json(&st->speaker), "stance",
                      stance_name(st->stance), "polarity",
                      st->negated ? "negative" : "positive", "modality",
                      modality_name(st->modality), "time", tscope_name(st->tscope),
                      "proposition", prop_json(&st->prop), "gist", st->gist, "strength",
                      st->strength, "offset", (json_int_t)st->off, "length",
                      (json_int_t)st->len, "text", st->text ? st->text : "");
        if (!o) {
                free(text);
                return NULL;
        }
        if (st->claimant.id[0] || st->claimant.name[0])
                json_object_set_new(o, "claimant", entity_json(&st->claimant));
        if (prop_key(&st->prop, key, sizeof(key)) >= 0)
                json_object_set_new(o, "key", json_string(key));
        if (st->cue)
                json_object_set_new(o, "cue", json_string(st->cue));
        free(text);
        return o;
}

/* Copies the string member `name` of o into buf (truncating at a UTF-8
 * boundary is not needed: ids and names are written by us). */
static void copy_str(const json_t *o, const char *name, char *buf, size_t size)
{
        const char *s = json_string_value(json_object_get(o, name));
        size_t n;

        buf[0] = '\0';
        if (!s || !size)
                return;
        n = strlen(s);
        if (n >= size)
                n = size - 1;
        memcpy(buf, s, n);
        buf[n] = '\0';
}

static void entity_from_json(const json_t *o, struct entity *e)
{
        copy_str(o, "id", e->id, sizeof(e->id));
        copy_str(o, "name", e->name, sizeof(e->name));
}

static void prop_from_json(const json_t *o, struct prop *p)
{
        const json_t *q = json_object_get(o, "quantity");

        copy_str(o, "frame", p->frame, sizeof(p->frame));
        copy_str(o, "agent", p->agent, sizeof(p->agent));
        copy_str(o, "patient", p->patient, sizeof(p->patient));
        copy_str(o, "theme", p->theme, sizeof(p->theme));
        copy_str(o, "qualifier", p->qual, sizeof(p->qual));
        if (json_is_object(q)) {
                p->qty.has = 1;
                p->qty.value = json_number_value(json_object_get(q, "value"));
                copy_str(q, "unit", p->qty.unit, sizeof(p->qty.unit));
                p->qty.approx = qty_approx_from_json(q);
        }
}

int stmt_from_json(const json_t *o, struct stmt *st)
{
        const json_t *prop = json_object_get(o, "proposition");
        const char *text = json_string_value(json_object_get(o, "text"));
        json_int_t off = json_integer_value(json_object_get(o, "offset"));
        json_int_t len = json_integer_value(json_object_get(o, "length"));

        memset(st, 0, sizeof(*st));
        if (!json_is_object(o) || !json_is_object(prop))
                return -1;
        entity_from_json(json_object_get(o, "speaker"), &st->speaker);
        entity_from_json(json_object_get(o, "claimant"), &st->claimant);
        st->stance = name_index(json_string_value(json_object_get(o, "stance")),
                                stance_names, 4, STANCE_ASSERT);
        st->negated = name_index(json_string_value(json_object_get(o, "polarity")),
                                 (const char *const[]){"positive", "negative"}, 2, 0);
        st->modality = name_index(json_string_value(json_object_get(o, "modality")),
                                  modality_names, 5, MOD_FACT);
        st->tscope = name_index(json_string_value(json_object_get(o, "time")),
                                tscope_names, 3, TIME_PRESENT);
        prop_from_json(prop, &st->prop);
        copy_str(o, "gist", st->gist, sizeof(st->gist));
        st->strength = json_number_value(json_object_get(o, "strength"));
        st->cue = cue_intern(json_string_value(json_object_get(o, "cue")));
        st->off = off > 0 ? (size_t)off : 0;
        st->len = len > 0 ? (size_t)len : 0;
        st->text = strdup(text ? text : "");
        return st->text ? 0 : -1;
}
