/* analyze.c - article text to statements.  A shallow, lexicon-driven
 * reading of each sentence: entity mentions (gazetteer, unknown proper
 * names, light coreference), attribution (reporting, denial and admission
 * verbs, quotes, "according to"), then the content clause: its frame
 * predicate and roles (converse and passive normalised), negation,
 * falsity words, modality and a quantity.  Pure: no I/O, no globals. */
#include "analyze.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define MAX_MENTION_TOKS 8
#define NEG_WINDOW       8
#define ROLE_WINDOW      8

/* An entity mention: tokens [t0, t1). */
struct mention {
        size_t t0, t1;
        struct entity ent;
        const char *kind; /* lexicon kind, "name" for unknown names */
};

/* Per-article working state. */
struct ctx {
        const struct lexicon *lx;
        const struct article *art;
        struct text_toks tt;
        const struct lex_word **w; /* per token */
        uint32_t *fl;              /* per token: w's flags (LX_*), TF_* bits */
        uint32_t *cls;             /* per token: closed-class bits (CL_*) */
        int *ment;                 /* per token: mention index or -1 */
        struct mention *mv;
        size_t nm, capm;
        struct entity last_subject; /* discourse: subject of the last statement */
        struct entity last_speaker;
        struct entity last_named; /* last named non-country entity */
        struct entity last_thing; /* last thing attacked ("thing:theatre") */
        int passive_fallback;     /* the agent was the speaker, by default */
        size_t naff;
        /* last: analyze_article zeroes the fields above only, as aff[i]
         * is read for i < naff alone */
        struct affil { /* "Russia's foreign minister, Sergei Lavrov" */
                char name_id[STMT_ID_MAX];
                struct entity ent;
        } aff[32];
};

/* A clause under analysis: tokens [c0, c1). */
struct clause {
        size_t s0; /* the sentence's first token */
        size_t c0, c1;
        struct entity speaker;
        int has_speaker;
        /* "..., accusing him of P": the person the adjunct is about,
         * what he/him/his in P refer to rather than the speaker */
        struct entity person;
        int has_person;
};

static const char *const be_forms[] = {"is",    "are", "was", "were", "be",  "been",
                                       "being", "'s",  "has", "have", "had", NULL};
static const char *const pronouns[] = {"it",  "its",  "he",    "his",    "him",     "she",
                                       "her", "they", "their", "them",   "we",      "our",
                                       "us",  "i",    "my",    "itself", "himself", NULL};
static const char *const coref_nouns[] = {
    "country",     "state",    "nation",    "government", "regime",   "company",
    "carmaker",    "firm",     "group",     "ministry",   "official", "spokesman",
    "spokeswoman", "minister", "president", NULL};
static const char *const titles[] = {"president",   "minister",
                                     "secretary",   "general",
                                     "chancellor",  "prime",
                                     "foreign",     "defence",
                                     "defense",     "deputy",
                                     "chief",       "spokesman",
                                     "spokeswoman", "chair",
                                     "chairman",    "director",
                                     "leader",      "commissioner",
                                     "governor",    "senator",
                                     "ambassador",  "mr",
                                     "mrs",         "ms",
                                     "dr",          "colonel-general",
                                     "colonel",     "brigadier",
                                     "admiral",     "supreme",
                                     "ayatollah",   "king",
                                     "queen",       "prince",
                                     "pope",        "sir",
                                     "lord",        "lady",
                                     "the",         NULL};
/* Capitalised words that do not start names. */
static const char *const not_names[] = {
    "the",      "a",       "an",        "in",        "on",       "at",       "but",
    "and",      "or",      "if",        "as",        "this",     "that",     "these",
    "those",    "he",      "she",       "it",        "they",     "we",       "i",
    "you",      "his",     "her",       "its",       "their",    "our",      "my",
    "your",     "there",   "when",      "while",     "after",    "before",   "since",
    "until",    "monday",  "tuesday",   "wednesday", "thursday", "friday",   "saturday",
    "sunday",   "january", "february",  "march",     "april",    "may",      "june",
    "july",     "august",  "september", "october",   "november", "december", "what",
    "who",      "why",     "how",       "where",     "for",      "from",     "with",
    "by",       "to",      "of",        "no",        "not",      "any",      "some",
    "all",      "one",     "two",       "three",     "about",    "several",  "many",
    "most",     "other",   "such",      "until",     "covid",    "covid-19", "asked",
    "speaking", "so",      "yet",       "neither",   "nor",      "even",     "also",
    "still",    "then",    "now",       "both",      "each",     "every",    "already",
    "nearly",   "almost",  "around",    "more",      "less",     "roughly",  NULL};

/* A bit of our own in the per-token lexicon flags (above every LX_*):
 * a capitalised word, no closed-class word, without digits, that may be
 * part of a name. */
#define TF_NAME 0x80000000u
/* More of our own: a double quote; the word "according" (attribution
 * reads the flags of a whole sentence to skip what it lacks). */
#define TF_DQUOTE    0x40000000u
#define TF_ACCORDING 0x20000000u

/* Closed-class word bits, looked up once per token. */
#define CL_NOTNAME      0x0001u /* capitalised but not a name */
#define CL_FUNC         0x0002u /* function word (not_names minus articles/preps) */
#define CL_TITLE        0x0004u /* President, minister */
#define CL_PREP         0x0008u /* any preposition */
#define CL_COREF        0x0010u /* the country, the group */
#define CL_PRON         0x0020u /* pronoun */
#define CL_PREP_PATIENT 0x0040u /* to, at, on, against ... */
#define CL_PREP_FROM    0x0080u /* from */
#define CL_PREP_BY      0x0100u /* by */
#define CL_PREP_NOUN    0x0200u /* prepositions after an event noun */
#define CL_BE           0x0400u /* forms of be (and have) */
#define CL_VBEF         0x0800u /* words before a verb: to, modals */
#define CL_SCALE        0x1000u /* thousand, million */
#define CL_SUBORD       0x2000u /* subordinators: so, because, after, if */
#define CL_REL          0x4000u /* relative pronouns: that, which, who */
#define CL_PREP_OVER    0x8000u /* over, through, across (@over frames) */

/* Copies src into dst[size], truncated: snprintf(dst, size, "%s", src)
 * without the format parsing (NULL too is copied as glibc prints it). */
static void str_copy(char *dst, size_t size, const char *src)
{
        size_t n;

        if (!src)
                src = "(null)";
        n = strlen(src);
        if (n >= size)
                n = size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
}

/* Whether w is one of the words of a NULL-ended list. */
static int in_list(const char *const *list, const char *w)
{
        /* the first letter rules out most words without a call */
        for (; *list; list++)
                if ((*list)[0] == w[0] && strcmp(*list, w) == 0)
                        return 1;
        return 0;
}

static const char *norm(const struct ctx *cx, size_t i)
{
        return cx->tt.v[i].norm;
}

/* Whether token i's normalised form is the string literal lit: one
 * fixed-size compare, as the form is TEXT_NORM_MAX bytes, zero-padded. */
#define norm_is(cx, i, lit)                                                              \
        (sizeof(lit) <= TEXT_NORM_MAX && memcmp(norm((cx), (i)), (lit), sizeof(lit)) == 0)

/* norm_is for s, a token's normalised form (norm(cx, i)). */
#define form_is(s, lit)                                                                  \
        (sizeof(lit) <= TEXT_NORM_MAX && memcmp((s), (lit), sizeof(lit)) == 0)

static int is_punct(const struct ctx *cx, size_t i, char c)
{
        return cx->tt.v[i].kind == TEXT_PUNCT && cx->tt.v[i].norm[0] == c;
}

static int has_flag(const struct ctx *cx, size_t i, unsigned f)
{
        return (cx->fl[i] & f) != 0;
}

/* Copies the original text of tokens [t0, t1) into buf. */
static void span_text(const struct ctx *cx, size_t t0, size_t t1, char *buf, size_t size)
{
        size_t a = cx->tt.v[t0].off, b = cx->tt.v[t1 - 1].off + cx->tt.v[t1 - 1].len,
               n = b - a;

        if (n >= size) {
                n = size - 1;
                while (n > 0 && ((unsigned char)cx->art->text[a + n] & 0xc0) == 0x80)
                        n--; /* do not cut a UTF-8 sequence */
        }
        memcpy(buf, cx->art->text + a, n);
        buf[n] = '\0';
}

static struct mention *mention_push(struct ctx *cx, size_t t0, size_t t1)
{
        struct mention *m;
        size_t i;

        if (cx->nm == cx->capm) {
                size_t cap = cx->capm ? cx->capm * 2 : 64;
                struct mention *v = realloc(cx->mv, cap * sizeof(*v));

                if (!v)
                        return NULL;
                cx->mv = v;
                cx->capm = cap;
        }
        m = &cx->mv[cx->nm];
        /* the caller writes the id and name (strings: the bytes after
         * their NULs are never read) */
        m->ent.id[0] = m->ent.name[0] = '\0';
        m->kind = NULL;
        m->t0 = t0;
        m->t1 = t1;
        for (i = t0; i < t1; i++)
                cx->ment[i] = (int)cx->nm;
        cx->nm++;
        return m;
}

/* Longest gazetteer alias starting at token i (< end); 0 when none. */
static size_t match_alias_ent(const struct ctx *cx, size_t i, size_t end,
                              const struct lex_entity **entp)
{
        const struct lex_word *w = cx->w[i];
        char phrase[256];
        size_t best = 0, k, n = 0, maxlen;
        uint32_t h = 0;
        int more = 1;

        if (!w || !(w->flags & LX_ENT))
                return 0;
        maxlen = w->ent_maxlen;
        for (k = 0; k < maxlen && i + k < end && more; k++) {
                const char *s = norm(cx, i + k);
                const struct lex_entity *e;

                if (k == 0) {
                        /* the phrase is the word itself: looked up at load */
                        h = cx->tt.v[i].hash;
                        e = lexicon_word_entity(cx->lx, w, &more);
                } else {
                        size_t l;

                        /* no alias goes on with the word: the lookups
                         * below would find nothing and end the loop */
                        if (!lexicon_alias_word_maybe(cx->lx, cx->tt.v[i + k].hash))
                                break;
                        /* text_hash_more(h, " "), then the word */
                        h = text_hash_more((h ^ ' ') * 16777619u, s);
                        /* no alias has the phrase's hash: the lookup
                         * would find nothing and end the loop */
                        if (!lexicon_entity_maybe(cx->lx, h))
                                break;
                        l = strlen(s);
                        if (k == 1) {
                                n = strlen(norm(cx, i));
                                memcpy(phrase, norm(cx, i), n);
                        }
                        if (n + l + 2 >= sizeof(phrase))
                                break;
                        phrase[n++] = ' ';
                        memcpy(phrase + n, s, l + 1);
                        n += l;
                        e = lexicon_entity_step(cx->lx, phrase, h, &more);
                }
                if (e) {
                        best = k + 1;
                        *entp = e;
                }
        }
        return best;
}

/* match_alias_ent, with the common case (no alias starts with the word)
 * decided inline. */
static inline size_t match_alias(const struct ctx *cx, size_t i, size_t end,
                                 const struct lex_entity **entp)
{
        const struct lex_word *w;
        const struct lex_entity *e;
        int more;

        if (!(cx->fl[i] & LX_ENT))
                return 0;
        /* the word alone, when no longer alias can follow (the first
         * round of match_alias_ent and the test that ends its second:
         * "the" and a word that continues no alias) */
        w = cx->w[i];
        e = lexicon_word_entity(cx->lx, w, &more);
        if (more && w->ent_maxlen > 1 && i + 1 < end &&
            lexicon_alias_word_maybe(cx->lx, cx->tt.v[i + 1].hash))
                return match_alias_ent(cx, i, end, entp);
        if (!e)
                return 0;
        *entp = e;
        return 1;
}

/* A capitalised word that may be part of a name (TF_NAME, set with the
 * lexicon flags). */
static int is_name_word(const struct ctx *cx, size_t i)
{
        return (cx->fl[i] & TF_NAME) != 0;
}

/* Whether the tokens [a, b) may stand between an organisation and a
 * person's name in an appositive: titles, possessive, commas, adjectives. */
static int appositive_gap(const struct ctx *cx, size_t a, size_t b)
{
        char lem[TEXT_NORM_MAX];
        size_t i;

        for (i = a; i < b; i++) {
                const struct text_tok *t = &cx->tt.v[i];

                if (t->kind == TEXT_PUNCT && t->norm[0] == ',')
                        continue;
                /* "Iran trained the Houthis": a verb ends the title */
                if (t->kind != TEXT_WORD || cx->ment[i] >= 0 ||
                    lexicon_past_verb_h(cx->lx, t->norm, t->hash, lem) ||
                    (cx->fl[i] & (LX_VERB | LX_NEG)) || (cx->cls[i] & CL_FUNC))
                        return 0;
        }
        return 1;
}

/* Whether a mention's kind is "name" (an unknown name): the first
 * letter answers for most kinds without a call. */
static int is_name_kind(const char *kind)
{
        return kind[0] == 'n' && strcmp(kind, "name") == 0;
}

/* Links a person's name to the state or organisation it speaks for:
 * "Russia's deputy foreign minister, Sergei Ryabkov" or "Sergei Shoigu,
 * Russia's defence minister"; later mentions of the name follow. */
static void affiliate(struct ctx *cx, size_t s0, size_t s1, struct mention *m)
{
        size_t i, lo = m->t0 > s0 + 7 ? m->t0 - 7 : s0;
        const struct mention *org = NULL;

        for (i = 0; i < cx->naff; i++) {
                /* both start "name:": the byte after it spares most
                 * pairs the strcmp */
                if (cx->aff[i].name_id[5] == m->ent.id[5] &&
                    strcmp(cx->aff[i].name_id, m->ent.id) == 0) {
                        str_copy(m->ent.id, sizeof(m->ent.id), cx->aff[i].ent.id);
                        return;
                }
        }
        for (i = m->t0; i > lo; i--) {
                int k = cx->ment[i - 1];

                if (k >= 0 && !is_name_kind(cx->mv[k].kind)) {
                        if (appositive_gap(cx, i, m->t0) && i < m->t0)
                                org = &cx->mv[k];
                        break;
                }
        }
        if (!org && m->t1 + 2 < s1 && is_punct(cx, m->t1, ',')) {
                size_t a = m->t1 + 1;

                if (norm_is(cx, a, "the"))
                        a++;
                if (a + 1 < s1 && cx->ment[a] >= 0 &&
                    !is_name_kind(cx->mv[cx->ment[a]].kind)) {
                        size_t e = cx->mv[cx->ment[a]].t1;

                        if (e < s1 &&
                            (norm_is(cx, e, "'s") || cx->tt.v[e].kind == TEXT_WORD))
                                org = &cx->mv[cx->ment[a]];
                }
        }
        if (!org || is_name_kind(org->kind))
                return;
        if (cx->naff < sizeof(cx->aff) / sizeof(cx->aff[0])) {
                str_copy(cx->aff[cx->naff].name_id, STMT_ID_MAX, m->ent.id);
                cx->aff[cx->naff++].ent = org->ent;
        }
        str_copy(m->ent.id, sizeof(m->ent.id), org->ent.id);
}

/* The singular of a common noun: theatres -> theatre, cities -> city
 * ("building" stays a noun, unlike text_lemma_guess's verb reading). */
static void noun_singular(const char *w, char *out)
{
        size_t n = strlen(w), c = n < TEXT_NORM_MAX ? n : TEXT_NORM_MAX - 1;

        /* str_copy(out, TEXT_NORM_MAX, w), inline */
        memcpy(out, w, c);
        out[c] = '\0';
        if (n > 4 && w[n - 3] == 'i' && w[n - 2] == 'e' && w[n - 1] == 's') {
                out[n - 3] = 'y';
                out[n - 2] = '\0';
        } else if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u') {
                out[n - 1] = '\0';
        }
}

/* Finds entity mentions in sentence tokens [s0, s1). */
static int find_mentions(struct ctx *cx, size_t s0, size_t s1)
{
        const uint32_t *fl = cx->fl;
        size_t i = s0;

        for (;;) {
                const struct lex_entity *e = NULL;
                size_t n;
                struct mention *m;

                /* most words start no alias and are no name */
                while (i < s1 && !(fl[i] & (LX_ENT | TF_NAME)))
                        i++;
                if (i >= s1)
                        break;
                n = match_alias(cx, i, s1, &e);

                if (n && (cx->tt.v[i].cap || cx->tt.v[i].kind != TEXT_WORD ||
                          norm_is(cx, i, "the"))) {
                        if (!(m = mention_push(cx, i, i + n)))
                                return -1;
                        str_copy(m->ent.id, sizeof(m->ent.id), e->id);
                        str_copy(m->ent.name, sizeof(m->ent.name), e->name);
                        m->kind = e->kind;
                        i += n;
                        continue;
                }
                if (is_name_word(cx, i) &&
                    !(cx->fl[i] & (LX_REPORT | LX_DENY | LX_ADMIT | LX_NEG))) {
                        size_t j = i, last;

                        while (j < s1 && j - i < MAX_MENTION_TOKS &&
                               is_name_word(cx, j) &&
                               !(j > i && match_alias(cx, j, s1, &e)))
                                j++;
                        last = j - 1;
                        /* a sentence-initial capital alone is not a name unless
                         * neither the lexicon nor WordNet's counts know the
                         * word ("Close to 600 people", not "Banksy") */
                        /* (a title alone is skipped either way, below:
                         * no lookup for it) */
                        if (j - i == 1 &&
                            (i == s0 || cx->tt.v[i].nl ||
                             cx->tt.v[i - 1].kind == TEXT_QUOTE) &&
                            (cx->w[i] || (cx->cls[i] & CL_TITLE) ||
                             lexicon_word_freq_h(cx->lx, norm(cx, i), cx->tt.v[i].hash) >
                                 0)) {
                                i++;
                                continue;
                        }
                        while (i < j && (cx->cls[i] & CL_TITLE))
                                i++;
                        if (i == j || (cx->cls[last] & CL_TITLE)) {
                                i = j; /* titles alone: "Deputy Secretary" */
                                continue;
                        }
                        if (!(m = mention_push(cx, i, j)))
                                return -1;
                        memcpy(m->ent.id, "name:", 5);
                        /* keyed without a plural: "the Houthis" and
                         * "Houthi fighters" are one group */
                        noun_singular(norm(cx, last), m->ent.id + 5);
                        span_text(cx, i, j, m->ent.name, sizeof(m->ent.name));
                        m->kind = "name";
                        affiliate(cx, s0, s1, m);
                        i = j;
                        continue;
                }
                i++;
        }
        return 0;
}

/* The entity a pronoun or "the country"-style phrase at i refers to. */
static const char *const preps_any[] = {"to",      "from", "with", "in",  "on",
                                        "against", "at",   "into", "for", "of",
                                        "by",      "over", "near", NULL};

/* The nearest earlier mention of the sentence that is not the object of
 * a preposition: what "it" or "the country" most likely refers to. */
static int nearest_subject(const struct ctx *cx, size_t s0, size_t i, struct entity *out)
{
        while (i > s0) {
                int k = cx->ment[--i];
                const struct mention *m;

                if (k < 0)
                        continue;
                m = &cx->mv[k];
                i = m->t0;
                if (m->t0 > s0 && (cx->cls[m->t0 - 1] & CL_PREP))
                        continue;
                *out = m->ent;
                return 1;
        }
        return 0;
}

static int resolve_coref(const struct ctx *cx, size_t i, const struct clause *cl,
                         struct entity *out)
{
        const char *s = norm(cx, i);

        /* "the" is CL_NOTNAME: the bit spares most words the strcmp */
        if ((cx->cls[i] & CL_NOTNAME) && form_is(s, "the") && i + 1 < cl->c1 &&
            (cx->cls[i + 1] & CL_COREF))
                s = norm(cx, i + 1);
        else if (!(cx->cls[i] & CL_PRON))
                return 0;
        if (form_is(s, "group") || form_is(s, "company") || form_is(s, "firm") ||
            form_is(s, "carmaker")) {
                if (cx->last_named.id[0]) {
                        *out = cx->last_named;
                        return 1;
                }
                return 0;
        }
        if (s[0] == 'w' || s[0] == 'o' || form_is(s, "us") || form_is(s, "i") ||
            form_is(s, "my")) {
                if (cl->has_speaker && cl->speaker.id[0]) {
                        *out = cl->speaker;
                        return 1;
                }
                return 0;
        }
        if ((s[0] == 'h' || s[0] == 's') && cl->has_person) {
                *out = cl->person;
                return 1;
        }
        if (s[0] == 'h' || s[0] == 's' || form_is(s, "official") ||
            form_is(s, "minister") || form_is(s, "president") ||
            form_is(s, "spokesman") || form_is(s, "spokeswoman")) {
                if (cl->has_speaker && cl->speaker.id[0])
                        *out = cl->speaker;
                else if (cx->last_speaker.id[0])
                        *out = cx->last_speaker;
                else
                        return 0;
                return 1;
        }
        /* it, its, they, the country, the state, the government */
        if (nearest_subject(cx, cl->s0, i, out))
                return 1;
        if (cl->has_speaker && cl->speaker.id[0]) {
                *out = cl->speaker;
                return 1;
        }
        if (cx->last_subject.id[0]) {
                *out = cx->last_subject;
                return 1;
        }
        return 0;
}

/* entity_at for a token that is a mention or may be a pronoun or "the". */
static int entity_at_slow(const struct ctx *cx, size_t i, const struct clause *cl,
                          struct entity *out)
{
        if (cx->ment[i] >= 0) {
                *out = cx->mv[cx->ment[i]].ent;
                return 1;
        }
        return resolve_coref(cx, i, cl, out);
}

/* The entity at token i: a mention, or a resolvable pronoun.  Most
 * tokens are neither a mention nor a pronoun nor "the" (resolve_coref
 * reads no other): answered inline. */
static inline int entity_at(const struct ctx *cx, size_t i, const struct clause *cl,
                            struct entity *out)
{
        if (cx->ment[i] < 0 && !(cx->cls[i] & (CL_NOTNAME | CL_PRON)))
                return 0;
        return entity_at_slow(cx, i, cl, out);
}

/* Nearest entity before token p within [lo, p), skipping nothing. */
static int entity_before(const struct ctx *cx, size_t lo, size_t p,
                         const struct clause *cl, struct entity *out, size_t *at)
{
        size_t i;

        for (i = p; i > lo; i--) {
                if (is_punct(cx, i - 1, ';'))
                        break;
                if (entity_at(cx, i - 1, cl, out)) {
                        if (at)
                                *at = i - 1;
                        return 1;
                }
        }
        return 0;
}

static int is_relative(const struct ctx *cx, size_t i)
{
        return (cx->cls[i] & CL_REL) != 0;
}

/* First entity after token p within (p, hi), at most ROLE_WINDOW tokens,
 * optionally only after one of the prepositions in preps. */
static int entity_after(const struct ctx *cx, size_t p, size_t hi, uint32_t preps,
                        const struct clause *cl, struct entity *out)
{
        size_t i, lim = p + 1 + ROLE_WINDOW * (preps ? 2 : 1);
        int seen_prep = preps == 0;

        for (i = p + 1; i < hi && i < lim; i++) {
                /* an entity inside a relative clause ("software that was
                 * hidden from US regulators") is not the verb's */
                if (is_punct(cx, i, ';') || is_punct(cx, i, '.') ||
                    ((cx->fl[i] & (LX_REPORT | LX_DENY)) && !preps) ||
                    (i > p + 1 && is_relative(cx, i)))
                        break;
                if (preps && (cx->cls[i] & preps)) {
                        seen_prep = 1;
                        continue;
                }
                if (seen_prep && entity_at(cx, i, cl, out))
                        return 1;
                if (preps && seen_prep && cx->tt.v[i].kind == TEXT_PUNCT)
                        seen_prep = 0;
        }
        return 0;
}

static const char *const preps_patient[] = {
    "to", "at", "on", "against", "into", "with", "toward", "towards", NULL};
static const char *const preps_from[] = {"from", NULL};
static const char *const preps_by[] = {"by", NULL};
static const char *const preps_over[] = {"over", "through", "across", "above", NULL};
static const char *const preps_noun[] = {"on", "against", "to", "into", "with",
                                         "of", "in",      "at", NULL};

/* The entity of a prepositional phrase right after the noun at p:
 * "attack on Ukraine", "ties to the group". */
static int noun_complement(const struct ctx *cx, size_t p, const struct clause *cl,
                           struct entity *out)
{
        size_t i, hi = p + 3 < cl->c1 ? p + 3 : cl->c1;

        for (i = p + 1; i < hi; i++) {
                if (cx->cls[i] & CL_PREP_NOUN) {
                        size_t j, hj = i + 5 < cl->c1 ? i + 5 : cl->c1;

                        for (j = i + 1; j < hj; j++) {
                                if (cx->tt.v[j].kind == TEXT_PUNCT)
                                        return 0;
                                if (entity_at(cx, j, cl, out))
                                        return 1;
                        }
                        return 0;
                }
        }
        return 0;
}

/* The head of the noun phrase starting at i: determiners, names and
 * adjectives, up to the last common noun ("the Mariupol drama theatre"
 * -> theatre).  Returns its index, or 0 when there is none within 5
 * tokens: function words, verbs, numbers and theme words end a phrase. */
static size_t np_head(const struct ctx *cx, size_t i, size_t hi)
{
        size_t k, head = 0;

        if (i < hi && (norm_is(cx, i, "the") || norm_is(cx, i, "a") ||
                       norm_is(cx, i, "an") || norm_is(cx, i, "any")))
                i++;
        for (k = i; k < hi && k < i + 5; k++) {
                const struct text_tok *t = &cx->tt.v[k];
                const struct lex_word *w = cx->w[k];

                if (t->kind != TEXT_WORD || cx->cls[k] || text_is_stopword(t->norm) ||
                    (w && (w->flags & (LX_VERB | LX_THEME | LX_FRAME | LX_UNIT | LX_NEG |
                                       LX_HEDGE | LX_FALSE))) ||
                    isdigit((unsigned char)t->norm[0]))
                        break;
                if (!t->cap && !t->upper && cx->ment[k] < 0)
                        head = k;
        }
        return head;
}

/* Generic nouns that a definite phrase uses for a thing already named:
 * "the theatre ... hitting the building". */
static int generic_thing(const char *w)
{
        static const char *const g[] = {"building",  "site",   "facility",
                                        "structure", "place",  "venue",
                                        "premises",  "target", NULL};

        return in_list(g, w);
}

/* A thing as the patient of the predicate at p ("a strike on the
 * theatre", "hit the building"), for frames marked @thing: keyed by
 * the head noun ("thing:theatre"). */
static int thing_patient(struct ctx *cx, size_t p, char role, const struct clause *cl,
                         struct entity *out)
{
        size_t i = p + 1, h = 0;
        char lem[TEXT_NORM_MAX];

        if (role == 'n') {
                if (i < cl->c1 && (cx->cls[i] & (CL_PREP_PATIENT | CL_PREP_NOUN)) &&
                    !norm_is(cx, i, "in") && !norm_is(cx, i, "with"))
                        h = np_head(cx, i + 1, cl->c1);
        } else if (role == '+') {
                /* a verb's object names a specific thing: "hit the
                 * building", not "hit records" or "one hit wonder" */
                if (i < cl->c1 && (cx->cls[i] & CL_PREP_PATIENT))
                        i++;
                if (i < cl->c1 && norm_is(cx, i, "the"))
                        h = np_head(cx, i, cl->c1);
        }
        if (!h)
                return 0;
        noun_singular(norm(cx, h), lem);
        if (generic_thing(lem) && cx->last_thing.id[0]) {
                *out = cx->last_thing;
                return 1;
        }
        memset(out, 0, sizeof(*out));
        snprintf(out->id, sizeof(out->id), "thing:%s", lem);
        str_copy(out->name, sizeof(out->name), norm(cx, h));
        if (!generic_thing(lem))
                cx->last_thing = *out;
        return 1;
}

/* Whether the verb at p is passive: a form of be right before it. */
static int is_passive(const struct ctx *cx, size_t c0, size_t p)
{
        const char *s = norm(cx, p);
        size_t l = strlen(s), i;

        if (cx->w[p] && strcmp(cx->w[p]->lemma, s) == 0 &&
            !(l > 2 && strcmp(s + l - 2, "ed") == 0))
                return 0; /* a base form */
        if (l > 3 && (strcmp(s + l - 3, "ing") == 0 || s[l - 1] == 's'))
                return 0;
        for (i = p; i > c0 && p - i < 3; i--) {
                const char *b = norm(cx, i - 1);

                if (cx->cls[i - 1] & CL_BE)
                        return !form_is(b, "has") && !form_is(b, "have") &&
                               !form_is(b, "had");
                if (!(has_flag(cx, i - 1, LX_NEG) || form_is(b, "also") ||
                      form_is(b, "not") || form_is(b, "reportedly") ||
                      form_is(b, "already")))
                        break;
        }
        return 0;
}

static void set_role(char *dst, const struct entity *e)
{
        str_copy(dst, STMT_ID_MAX, e->id);
}

static const char *const verb_before[] = {
    "to", "will",  "would", "could",  "may",  "might", "not", "n't", "did",  "does",
    "do", "never", "can",   "should", "must", "also",  "had", "has", "have", NULL};

/* Possessive determiners: a frame word after one is a noun. */
static int possessive(const char *w)
{
        /* the first letter rules out most words without a strcmp */
        switch (w[0]) {
        case 'i':
        case 't':
        case 'h':
        case 'o':
        case 'm':
        case 'y':
                break;
        default:
                return 0;
        }
        return strcmp(w, "its") == 0 || strcmp(w, "their") == 0 ||
               strcmp(w, "his") == 0 || strcmp(w, "our") == 0 || strcmp(w, "my") == 0 ||
               strcmp(w, "your") == 0;
}

/* The role of the predicate at p: a word that is a verb and a noun of
 * its frame ("attack") reads as a verb after to, modals, auxiliaries,
 * pronouns and names, and as a noun after determiners and adjectives. */
static char role_at(const struct ctx *cx, size_t p)
{
        const struct lex_word *w = cx->w[p];

        if (!w->noun || p == 0)
                return w->role;
        if (possessive(norm(cx, p - 1)))
                return 'n'; /* "its attack on" */
        if (cx->cls[p - 1] & (CL_VBEF | CL_PRON))
                return w->role;
        /* "Russia attacked" is a verb, "a Russian attack" a noun */
        if (cx->ment[p - 1] >= 0 && strcmp(w->lemma, norm(cx, p)) != 0 &&
            !(p + 1 < cx->tt.n && (cx->cls[p + 1] & CL_PREP_NOUN)))
                return w->role;
        return 'n';
}

/* Verbs whose subject undergoes the sanction their object names:
 * "X received a fine", "X faces a penalty". */
static const char *const undergo_verbs[] = {
    "received", "receives", "receive",  "receiving", "got",    "gets",     "get",
    "getting",  "paid",     "pays",     "pay",       "paying", "faced",    "faces",
    "face",     "facing",   "incurred", "incurs",    "incur",  "accepted", NULL};

/* A sanction word at p ("fined", "a fine"): the one penalised is the
 * agent of the frame's negation ("X was fined" == X broke the rules).
 * The verb's passive subject ("X was fined", headline "X fined for
 * ..."), its object ("police fined X"), or for the noun its possessor
 * ("his fine") or the subject of a verb of undergoing ("X received a
 * fine").  The noun must end its phrase ("a fine," "a fine for"), so
 * the adjective ("a fine line", "is fine") is no sanction.  Returns 1
 * when the agent is found. */
static int sanction_agent(const struct ctx *cx, const struct clause *cl, size_t p,
                          const struct entity *subj, size_t subj_at, struct entity *agent)
{
        const char *s = norm(cx, p);
        const char *lem = cx->w[p]->lemma;
        size_t l = strlen(s), i;

        if (strcmp(s, lem) != 0 && l > 3 &&
            (strcmp(s + l - 2, "ed") == 0 || strcmp(s + l - 3, "ing") == 0)) {
                if (is_passive(cx, cl->c0, p))
                        return subj->id[0] ? (*agent = *subj, 1) : 0;
                if (entity_after(cx, p, cl->c1, 0, cl, agent))
                        return 1;
                /* a headline's reduced passive: "X fined for ..." */
                if (subj->id[0] && subj_at + 1 == p && strcmp(s + l - 2, "ed") == 0) {
                        *agent = *subj;
                        return 1;
                }
                return 0;
        }
        if (p + 1 < cl->c1 && cx->tt.v[p + 1].kind == TEXT_WORD &&
            !in_list((const char *const[]){"for", "over", "of", "from", "and", NULL},
                     norm(cx, p + 1)))
                return 0;
        if (p > cl->c0 && possessive(norm(cx, p - 1)) && entity_at(cx, p - 1, cl, agent))
                return 1;
        for (i = p; i > cl->c0 && p - i < 4; i--)
                if (in_list(undergo_verbs, norm(cx, i - 1)))
                        return subj->id[0] && subj_at < i - 1 ? (*agent = *subj, 1) : 0;
        return 0;
}

static const char *const lifted[] = {"lifted",  "eased",    "ended", "expired",
                                     "relaxed", "scrapped", NULL};

/* Whether clause cl puts a prohibition in force around the event at p:
 * a temporal subordinator (when, while, during, amid, despite) followed
 * within a few words by a word of prohibition.txt ("when rules banned
 * indoor mixing", "while the country was under lockdown"). */
static int prohibited_context(const struct ctx *cx, const struct clause *cl)
{
        static const char *const temporal[] = {"when", "while",   "during",
                                               "amid", "despite", NULL};
        size_t i, k;

        for (i = cl->c0; i < cl->c1; i++) {
                if (!in_list(temporal, norm(cx, i)))
                        continue;
                for (k = i + 1; k < cl->c1 && k < i + 12; k++) {
                        size_t j;

                        if (is_punct(cx, k, ';') || is_punct(cx, k, '.'))
                                break;
                        if (!has_flag(cx, k, LX_PROHIBIT))
                                continue;
                        /* "when the ban was lifted": no longer in force */
                        for (j = k + 1; j < cl->c1 && j < k + 6; j++)
                                if (in_list(lifted, norm(cx, j)))
                                        return 0;
                        return 1;
                }
        }
        return 0;
}

/* Whether the event noun at p is said to have happened: the subject
 * of "took place", "was held", "happened", or the object of a verb of
 * holding ("staff held parties", "hosted a gathering"). */
static int event_happened(const struct ctx *cx, const struct clause *cl, size_t p)
{
        static const char *const after[] = {"took",     "take",     "takes", "taking",
                                            "happened", "occurred", "went",  NULL};
        static const char *const hold[] = {
            "held",       "hold",    "holds",     "holding",   "hosted",    "host",
            "hosts",      "hosting", "threw",     "throw",     "thrown",    "throwing",
            "attended",   "attend",  "attending", "organised", "organized", "organising",
            "organizing", "had",     "staged",    "stage",     NULL};
        size_t i;

        for (i = p + 1; i < cl->c1 && i < p + 4; i++) {
                if (in_list(after, norm(cx, i)))
                        return 1;
                if ((cx->cls[i] & CL_BE) && i + 1 < cl->c1 &&
                    in_list(hold, norm(cx, i + 1)))
                        return 1; /* "a party was held" */
        }
        for (i = p; i > cl->c0 && p - i < 5; i--) {
                if (cx->tt.v[i - 1].kind == TEXT_PUNCT)
                        break;
                if (in_list(hold, norm(cx, i - 1)))
                        return 1;
        }
        return 0;
}

/* Who held the event at p: the place it happened ("took place in X",
 * "a party at X"), its possessor ("his party"), else the subject that
 * held it ("X hosted a party"). */
static int event_holder(const struct ctx *cx, const struct clause *cl, size_t p,
                        const struct entity *subj, int has_subj, struct entity *out)
{
        size_t i, k;

        for (i = p + 1; i < cl->c1 && i < p + 6; i++) {
                if (cx->tt.v[i].kind == TEXT_PUNCT || (cx->cls[i] & CL_SUBORD))
                        break;
                if (strcmp(norm(cx, i), "in") != 0 && strcmp(norm(cx, i), "at") != 0)
                        continue;
                for (k = i + 1; k < cl->c1 && k < i + 4; k++) {
                        if (cx->tt.v[k].kind == TEXT_PUNCT)
                                break;
                        if (entity_at(cx, k, cl, out))
                                return 1;
                }
        }
        for (i = p; i > cl->c0 && p - i < 3; i--)
                if (possessive(norm(cx, i - 1)))
                        return entity_at(cx, i - 1, cl, out);
        if (has_subj) {
                *out = *subj;
                return 1;
        }
        return 0;
}

/* Makes e the empty entity: its strings are read up to their NULs only
 * (a copy of an entity from a mention carries what its arrays held
 * after them too). */
static void entity_clear(struct entity *e)
{
        e->id[0] = e->name[0] = '\0';
}

/* Fills st->prop from the frame predicate at p in clause [c0, c1).
 * Returns 1 when the proposition has a frame and a role filler. */
static int frame_roles(struct ctx *cx, const struct clause *cl, size_t p, struct stmt *st,
                       struct entity *agent, struct entity *patient)
{
        const struct lex_word *w = cx->w[p];
        struct entity subj; /* read only when has_subj (or cleared) */
        size_t subj_at = 0;
        int has_subj = entity_before(cx, cl->c0, p, cl, &subj, &subj_at);
        char role = role_at(cx, p);

        entity_clear(agent);
        entity_clear(patient);
        cx->passive_fallback = 0;
        /* "journalists who linked him to it": a relative clause on a
         * common noun is what those others say, not the speaker's claim */
        if (p > cl->c0 + 1 && is_relative(cx, p - 1) && cx->ment[p - 2] < 0 &&
            cx->tt.v[p - 2].kind == TEXT_WORD && !cx->tt.v[p - 2].cap)
                return 0;
        if (role == '!') {
                if (!has_subj)
                        entity_clear(&subj);
                if (!sanction_agent(cx, cl, p, &subj, subj_at, agent))
                        return 0;
        } else if (role == '*') {
                /* an event held while a prohibition was in force */
                if (!event_happened(cx, cl, p) || !prohibited_context(cx, cl) ||
                    !event_holder(cx, cl, p, &subj, has_subj, agent))
                        return 0;
        } else if ((role == '+' || role == '-' || role == 'x' || role == '~') &&
                   is_passive(cx, cl->c0, p)) {
                if (has_subj)
                        *patient = subj;
                /* agentless passive in a speaker's denial: "no software
                 * was installed" speaks of the speaker's own conduct */
                if (!entity_after(cx, p, cl->c1, CL_PREP_BY, cl, agent) &&
                    cl->has_speaker && cl->speaker.id[0] && role != '~') {
                        *agent = cl->speaker;
                        cx->passive_fallback = 1;
                }
                if (role == '~') {
                        /* "weapons were bought from X": X is the agent */
                        entity_clear(patient);
                        entity_after(cx, p, cl->c1, CL_PREP_FROM, cl, agent);
                }
        } else {
                switch (role) {
                case '~':
                        if (has_subj)
                                *patient = subj;
                        entity_after(cx, p, cl->c1, CL_PREP_FROM, cl, agent);
                        break;
                case '<':
                        if (has_subj)
                                *patient = subj;
                        break;
                case 'x':
                        entity_after(cx, p, cl->c1, 0, cl, agent);
                        entity_after(cx, p, cl->c1, CL_PREP_PATIENT, cl, patient);
                        break;
                case 'n':
                        if (p > cl->c0 && entity_at(cx, p - 1, cl, agent))
                                ;
                        else if (p > cl->c0 + 1 && entity_at(cx, p - 2, cl, agent))
                                ;
                        else if (!entity_after(cx, p, cl->c1, CL_PREP_BY, cl, agent) &&
                                 has_subj)
                                *agent = subj;
                        /* light verbs: "Putin announced an operation" */
                        if (!agent->id[0] && cl->has_speaker && p < cl->c0 + 5)
                                *agent = cl->speaker;
                        if (!noun_complement(cx, p, cl, patient))
                                entity_clear(patient);
                        if (strcmp(agent->id, patient->id) == 0)
                                entity_clear(patient);
                        break;
                default: /* '+', '-', 'p' */
                        if (has_subj)
                                *agent = subj;
                        else if (cl->has_speaker && p <= cl->c0 + 2)
                                *agent = cl->speaker; /* "denied sending drones" */
                        if (!entity_after(cx, p, cl->c1, 0, cl, patient) &&
                            !entity_after(cx, p, cl->c1, CL_PREP_PATIENT, cl, patient) &&
                            lexicon_frame_over(cx->lx, w->frame))
                                entity_after(cx, p, cl->c1, CL_PREP_OVER, cl, patient);
                        break;
                }
        }
        if (agent->id[0] && strcmp(agent->id, patient->id) == 0)
                entity_clear(patient);
        /* a thing attacked: the patient when no entity is, and the
         * antecedent of "the building" later on either way */
        if (!patient->id[0] && lexicon_frame_thing(cx->lx, w->frame) &&
            !(is_passive(cx, cl->c0, p) && role != 'n')) {
                struct entity thing;

                if (thing_patient(cx, p, role, cl, &thing) && agent->id[0])
                        *patient = thing;
        }
        str_copy(st->prop.frame, sizeof(st->prop.frame),
                 lexicon_frame_name(cx->lx, w->frame));
        if (lexicon_frame_symmetric(cx->lx, w->frame) &&
            strcmp(agent->id, patient->id) > 0) {
                struct entity t = *agent;

                *agent = *patient;
                *patient = t;
        }
        set_role(st->prop.agent, agent);
        set_role(st->prop.patient, patient);
        if (role == '-')
                st->cue = "antonym";
        else if (role == '!')
                st->cue = "sanction";
        else if (role == '*')
                st->cue = "prohibited";
        /* "300 people died in the bombing of the theatre in X": a count
         * frame finds its owner later (count_owner) */
        return st->prop.agent[0] || st->prop.patient[0] ||
               lexicon_frame_count(cx->lx, w->frame);
}

static const char *const particles[] = {"out", "up", "off", "down", NULL};

/* The first frame predicate in [from, c1) whose noun modifier (if any)
 * is present; returns its index or c1. */
static size_t find_predicate(const struct ctx *cx, size_t from, size_t c1)
{
        size_t i;

        for (i = from; i < c1; i++) {
                const struct lex_word *w;

                /* the dense flags first: most words are no predicate */
                if (!(cx->fl[i] & LX_FRAME) || cx->ment[i] >= 0)
                        continue;
                w = cx->w[i];
                /* "stockpiling shells": a theme noun is not a verb here */
                if ((w->flags & LX_THEME) && w->role != 'n')
                        continue;
                if (w->req_prev && (i == 0 || strcmp(norm(cx, i - 1), w->req_prev) != 0))
                        continue;
                if (w->role == 'p' && (i == 0 || !(cx->cls[i - 1] & CL_BE)))
                        continue;
                /* a phrasal verb means something else: "broke out",
                 * "hit out at", "gave up" */
                if (w->role != 'n' && w->role != '*' && i + 1 < c1 &&
                    in_list(particles, norm(cx, i + 1)))
                        continue;
                /* "their own hands": after a possessive only a noun */
                if (w->role != 'n' && w->role != '!' && w->role != '*' && !w->noun &&
                    i > 0 && possessive(norm(cx, i - 1)))
                        continue;
                return i;
        }
        return c1;
}

static const char *const scale_words[] = {"thousand", "thousands", "million", "millions",
                                          "billion",  "billions",  "hundred", "hundreds",
                                          "dozen",    "dozens",    NULL};

static double scale_of(const char *s)
{
        if (strncmp(s, "thousand", 8) == 0)
                return 1e3;
        if (strncmp(s, "million", 7) == 0)
                return 1e6;
        if (strncmp(s, "billion", 7) == 0)
                return 1e9;
        if (strncmp(s, "hundred", 7) == 0)
                return 1e2;
        if (strncmp(s, "dozen", 5) == 0)
                return 12;
        return 1;
}

/* The bound a word before the number sets (QTY_* in stmt.h). */
static int approx_before(const struct ctx *cx, size_t c0, size_t i)
{
        const char *a = i > c0 ? norm(cx, i - 1) : "",
                   *b = i > c0 + 1 ? norm(cx, i - 2) : "";

        if (strcmp(a, "least") == 0 ||
            (strcmp(a, "than") == 0 && strcmp(b, "more") == 0) ||
            strcmp(a, "over") == 0 ||
            (strcmp(a, "than") == 0 && strcmp(b, "higher") == 0))
                return QTY_AT_LEAST;
        if (strcmp(a, "to") == 0 && strcmp(b, "up") == 0)
                return QTY_UP_TO;
        if (strcmp(a, "many") == 0 && strcmp(b, "as") == 0)
                return QTY_UP_TO;
        if (strcmp(a, "than") == 0 && (strcmp(b, "fewer") == 0 || strcmp(b, "less") == 0))
                return QTY_UP_TO;
        if (strcmp(a, "about") == 0 || strcmp(a, "around") == 0 ||
            strcmp(a, "some") == 0 || strcmp(a, "roughly") == 0 ||
            strcmp(a, "nearly") == 0 || strcmp(a, "almost") == 0 ||
            strcmp(a, "approximately") == 0 ||
            (strcmp(a, "to") == 0 && strcmp(b, "close") == 0) ||
            strcmp(a, "between") == 0 || strcmp(a, "estimated") == 0)
                return QTY_ABOUT;
        return QTY_EXACT;
}

/* The first number with a unit in [c0, c1): "175,000 troops", "millions
 * of rockets", "between 7,000 and 15,000 Russian soldiers". */
static size_t find_quantity(const struct ctx *cx, size_t c0, size_t c1,
                            struct quantity *q)
{
        size_t i, k;

        for (i = c0; i < c1; i++) {
                const struct text_tok *t = &cx->tt.v[i];
                double v;
                size_t j;

                if (t->kind != TEXT_NUM && !(cx->cls[i] & CL_SCALE))
                        continue;
                if (t->kind == TEXT_NUM && i > c0 && is_punct(cx, i - 1, '$'))
                        continue;
                v = t->kind == TEXT_NUM ? t->num : scale_of(t->norm);
                j = i + 1;
                if (t->kind == TEXT_NUM && j < c1 && (cx->cls[j] & CL_SCALE))
                        v *= scale_of(norm(cx, j++));
                if (j + 1 < c1 && (norm_is(cx, j, "and") || norm_is(cx, j, "to")) &&
                    cx->tt.v[j + 1].kind == TEXT_NUM) {
                        v = (v + cx->tt.v[j + 1].num) / 2; /* a range: its middle */
                        j += 2;
                }
                for (k = j; k < c1 && k < j + 4; k++) {
                        const struct lex_word *w = cx->w[k];

                        if (w && (w->flags & LX_UNIT)) {
                                q->has = 1;
                                q->value = v;
                                str_copy(q->unit, sizeof(q->unit),
                                         lexicon_unit_name(cx->lx, w->unit));
                                q->approx = approx_before(cx, c0, i);
                                if (t->kind != TEXT_NUM || (j > i + 1 && !q->approx))
                                        q->approx = QTY_ABOUT;
                                return k;
                        }
                        if (cx->tt.v[k].kind != TEXT_WORD || (cx->fl[k] & LX_VERB))
                                break;
                }
        }
        return c1;
}

/* Count frames ("5,937 Russian soldiers were killed"): the proposition
 * is whose people were counted, not who did it.  The owner is the
 * entity right before the counted unit ("Russian soldiers", "of its
 * servicemen"), else the first entity after the predicate (a place).
 * Returns -1 when there is no quantity (nothing to compare). */
static int count_owner(struct ctx *cx, const struct clause *cl, size_t p, size_t unit_at,
                       struct stmt *st, struct entity *agent, struct entity *patient)
{
        struct entity e;
        size_t i, lo;

        if (!st->prop.qty.has || unit_at >= cl->c1)
                return -1;
        memset(agent, 0, sizeof(*agent));
        st->prop.agent[0] = '\0';
        lo = unit_at > cl->c0 + 3 ? unit_at - 3 : cl->c0;
        for (i = unit_at; i > lo; i--) {
                if (entity_at(cx, i - 1, cl, &e)) {
                        *patient = e;
                        set_role(st->prop.patient, patient);
                        return 0;
                }
        }
        for (i = p + 1; i < cl->c1 && i < p + 12; i++) {
                if (cx->ment[i] >= 0) {
                        *patient = cx->mv[cx->ment[i]].ent;
                        set_role(st->prop.patient, patient);
                        return 0;
                }
        }
        return st->prop.patient[0] ? 0 : -1;
}

/* Modality, negation and falsity cues of the clause before the predicate. */
static void clause_cues(const struct ctx *cx, const struct clause *cl, size_t p,
                        size_t s0, size_t s1, struct stmt *st, int *falsity)
{
        size_t i, lo = p > cl->c0 + NEG_WINDOW ? p - NEG_WINDOW : cl->c0, hi = p;

        *falsity = 0;
        for (i = cl->c0; i < cl->c1; i++)
                if (has_flag(cx, i, LX_FALSE))
                        *falsity = 1;
        for (i = lo; i < p; i++) {
                const char *s = norm(cx, i);

                if (form_is(s, "that") || is_punct(cx, i, ';'))
                        lo = i + 1;
        }
        /* "an attack on Ukraine could come": a noun's modal follows it */
        if (cx->w[p] && (cx->w[p]->flags & LX_FRAME) && role_at(cx, p) == 'n')
                hi = p + 6 < cl->c1 ? p + 6 : cl->c1;
        for (i = lo; i < hi; i++) {
                if (i < p && has_flag(cx, i, LX_NEG) &&
                    !(i + 1 < p && norm_is(cx, i + 1, "only"))) {
                        st->negated = 1;
                        if (!st->cue || strcmp(st->cue, "antonym"))
                                st->cue = "negation";
                }
                if (has_flag(cx, i, LX_HYPO))
                        st->modality = MOD_HYPOTHETICAL;
                else if (has_flag(cx, i, LX_HEDGE) && st->modality != MOD_HYPOTHETICAL)
                        st->modality = MOD_HEDGED;
                else if (has_flag(cx, i, LX_INTENT) && st->modality == MOD_FACT)
                        st->modality = MOD_INTENT;
                if (norm_is(cx, i, "will"))
                        st->tscope = TIME_FUTURE;
        }
        if (s1 > 0 && is_punct(cx, s1 - 1, '?'))
                st->modality = MOD_QUESTION;
        for (i = s0; i < s1 && i < s0 + 2; i++)
                if (norm_is(cx, i, "if") || norm_is(cx, i, "any"))
                        st->modality = MOD_HYPOTHETICAL;
        for (i = cl->c0; i < cl->c1 && i < cl->c0 + 2; i++)
                if (norm_is(cx, i, "if"))
                        st->modality = MOD_HYPOTHETICAL;
}

/* "X is lying", "accused X of lying": a denial aimed at X's own words. */
static void find_claimant(const struct ctx *cx, const struct clause *cl, struct stmt *st)
{
        size_t i, lo = cl->s0;
        struct entity e;

        for (i = lo; i < cl->c1; i++) {
                size_t at;

                if (!has_flag(cx, i, LX_LIE))
                        continue;
                if (entity_before(cx, lo, i, cl, &e, &at) && i - at <= 6 &&
                    !(cl->has_speaker && strcmp(e.id, cl->speaker.id) == 0)) {
                        st->claimant = e;
                        st->stance = STANCE_DENY;
                        st->cue = "falsity";
                }
                return;
        }
}

/* Writes the gist: the frame's template with names filled in. */
static void make_gist(const struct ctx *cx, int frame, const char *theme,
                      const struct entity *agent, const struct entity *patient,
                      struct stmt *st)
{
        const char *t = lexicon_frame_gist(cx->lx, frame), *p;
        size_t n = 0;

        if (!t) {
                snprintf(st->gist, sizeof(st->gist), "%.60s %.31s %.60s",
                         agent->name[0] ? agent->name : "someone", st->prop.frame,
                         patient->name[0] ? patient->name : "");
                return;
        }
        for (p = t; *p && n + 1 < sizeof(st->gist); p++) {
                const char *s = NULL;

                if (p[0] == '%' && p[1]) {
                        p++;
                        s = *p == 'A'   ? (agent->name[0] ? agent->name : "someone")
                            : *p == 'P' ? (patient->name[0] ? patient->name : "someone")
                            : *p == 'T' ? (theme[0] ? theme : "goods")
                                        : "";
                        /* n as snprintf counts: the whole of s */
                        str_copy(st->gist + n, sizeof(st->gist) - n, s);
                        n += strlen(s);
                        if (n >= sizeof(st->gist))
                                n = sizeof(st->gist) - 1;
                } else {
                        st->gist[n++] = *p;
                }
        }
        st->gist[n] = '\0';
}

/* "X, the businessman close to Y, said": the subject before an
 * appositive set off by commas right before the verb at v. */
static int appositive_speaker(const struct ctx *cx, size_t lo, size_t v,
                              const struct clause *cl, struct entity *out)
{
        size_t i, at;

        if (v < lo + 3 || !is_punct(cx, v - 1, ','))
                return 0;
        for (i = v - 1; i > lo && v - i < 14; i--) {
                if (!is_punct(cx, i - 1, ','))
                        continue;
                if (cx->tt.v[i].kind != TEXT_WORD || cx->tt.v[i].cap)
                        return 0; /* "..., Sergei Ryabkov, said": the name itself */
                return entity_before(cx, lo, i - 1, cl, out, &at);
        }
        return 0;
}

/* "X imposed sanctions on Y, accusing him of P": a present participle
 * after a comma opens a free adjunct, whose understood subject is the
 * subject of the main clause, not the nearest name.  The subject is the
 * first mention of [lo, v) that is no object of a preposition and no
 * dateline ("BRUSSELS -").  Returns 1 with *out set. */
static int adjunct_speaker(const struct ctx *cx, size_t lo, size_t v, struct entity *out)
{
        const char *s = norm(cx, v);
        size_t l = strlen(s), i;

        if (v < lo + 3 || !is_punct(cx, v - 1, ',') || l < 5 || strcmp(s + l - 3, "ing"))
                return 0;
        for (i = lo; i + 1 < v; i++) {
                const struct mention *m;

                if (cx->ment[i] < 0)
                        continue;
                m = &cx->mv[cx->ment[i]];
                i = m->t1 - 1;
                if (m->t0 > lo && (cx->cls[m->t0 - 1] & CL_PREP))
                        continue;
                if (m->t1 < v && cx->tt.v[m->t1].kind == TEXT_PUNCT &&
                    cx->tt.v[m->t1].norm[0] == '-')
                        continue;
                *out = m->ent;
                return 1;
        }
        return 0;
}

/* "P, the city council said on Friday.": the comma before the speaker
 * phrase right before the verb at v, when what follows the verb is no
 * clause of its own (no "that", no frame predicate).  Returns its
 * index, or s0. */
static size_t speaker_comma(const struct ctx *cx, size_t s0, size_t v, size_t s1)
{
        size_t i, c = s0;

        for (i = v; i > s0 + 2 && v - i < 6; i--)
                if (is_punct(cx, i - 1, ',')) {
                        c = i - 1;
                        break;
                }
        if (c == s0 || c + 1 == v)
                return s0;
        for (i = c + 1; i < v; i++)
                if (cx->tt.v[i].kind != TEXT_WORD || has_flag(cx, i, LX_VERB | LX_FRAME))
                        return s0;
        for (i = v + 1; i < s1; i++)
                if (norm_is(cx, i, "that") || has_flag(cx, i, LX_FRAME) ||
                    cx->tt.v[i].kind == TEXT_QUOTE)
                        return s0;
        return c;
}

/* The attribution of sentence [s0, s1): the speaker, the verb and the
 * content clause.  sfl is the sentence's token flags or-ed (~0u when
 * not known).  Returns the index of the attribution verb or s1. */
static size_t attribution(struct ctx *cx, size_t s0, size_t s1, uint32_t sfl,
                          struct clause *cl, struct stmt *st)
{
        size_t i, q0 = s1, q1 = s1, v = s1, comma;
        int inq = 0, adj;
        struct entity e;
        size_t at;

        cl->s0 = s0;
        cl->c0 = s0;
        cl->c1 = s1;
        /* without a reporting verb or "according" the loops below find
         * nothing, and the quotes alone change nothing */
        if (!(sfl & (LX_REPORT | LX_DENY | LX_ADMIT | TF_ACCORDING)))
                return s1;
        /* the first quoted span, if any */
        for (i = sfl & TF_DQUOTE ? s0 : s1; i < s1; i++) {
                if (cx->tt.v[i].kind == TEXT_QUOTE && cx->tt.v[i].norm[0] == '"') {
                        if (!inq && q0 == s1)
                                q0 = i;
                        else if (inq && q1 == s1)
                                q1 = i;
                        inq = !inq;
                }
        }
        for (i = s0; i < s1; i++) {
                /* most words are neither: one test of the flags */
                if (!(cx->fl[i] & (LX_REPORT | LX_DENY | LX_ADMIT | TF_ACCORDING)) ||
                    (i > q0 && i < q1))
                        continue;
                /* "Report: X did Y" is a label, not a reporting verb */
                /* "300 people are believed to have died": a raising
                 * passive hedges its own clause, it reports no one */
                if (has_flag(cx, i, LX_REPORT | LX_DENY | LX_ADMIT) &&
                    has_flag(cx, i, LX_VERB) && cx->ment[i] < 0 &&
                    !(i + 1 < s1 && is_punct(cx, i + 1, ':')) &&
                    !(i > s0 && (cx->cls[i - 1] & CL_BE) && i + 1 < s1 &&
                      norm_is(cx, i + 1, "to")) &&
                    /* "the toll announced by officials": a participle */
                    !(i + 1 < s1 && (cx->cls[i + 1] & CL_PREP_BY))) {
                        v = i;
                        break;
                }
                /* TF_ACCORDING: the word "according" */
                if ((cx->fl[i] & TF_ACCORDING) && i + 1 < s1 &&
                    norm_is(cx, i + 1, "to") &&
                    entity_at(cx, i + 2 < s1 ? i + 2 : i, cl, &e)) {
                        cl->speaker = e;
                        cl->has_speaker = 1;
                        cl->c1 = i;
                        return s1;
                }
        }
        if (v == s1)
                return s1;
        st->stance = has_flag(cx, v, LX_DENY)    ? STANCE_DENY
                     : has_flag(cx, v, LX_ADMIT) ? STANCE_ADMIT
                                                 : STANCE_ASSERT;
        /* "that would contradict X": a hypothetical attribution */
        if (v > s0 && has_flag(cx, v - 1, LX_HYPO))
                st->modality = MOD_HYPOTHETICAL;
        /* "there is no denying that P", "did not deny P": a negated
         * denial denies nothing; it leans towards P without stating it */
        if (st->stance == STANCE_DENY && ((v > s0 && has_flag(cx, v - 1, LX_NEG)) ||
                                          (v > s0 + 1 && has_flag(cx, v - 2, LX_NEG)))) {
                st->stance = STANCE_ASSERT;
                st->modality = MOD_HEDGED;
        }
        /* "has denied", "has repeatedly denied": a recap */
        for (i = v; i > s0 && v - i < 3; i--) {
                const char *b = norm(cx, i - 1);

                if (form_is(b, "has") || form_is(b, "have")) {
                        st->background = 1;
                        break;
                }
                if (cx->tt.v[i - 1].kind != TEXT_WORD || cx->ment[i - 1] >= 0 ||
                    strlen(b) < 3 || strcmp(b + strlen(b) - 2, "ly") != 0)
                        break; /* only an adverb may come between */
        }
        if (st->stance == STANCE_DENY)
                st->cue = "deny";
        else if (st->stance == STANCE_ADMIT)
                st->cue = "admit";
        /* the speaker: before the verb, else right after it when the
         * content comes first ("..., said X"): "said" opening a clause
         * takes no subject after it */
        if ((adj = adjunct_speaker(cx, q1 < v ? q1 : s0, v, &e))) {
                struct entity pe;

                if (appositive_speaker(cx, q1 < v ? q1 : s0, v, cl, &pe) ||
                    entity_before(cx, q1 < v ? q1 : s0, v, cl, &pe, &at)) {
                        cl->person = pe;
                        cl->has_person = strcmp(pe.id, e.id) != 0;
                }
        }
        /* adj: adjunct_speaker(cx, q1 < v ? q1 : s0, v, &e), e unchanged */
        if (adj || appositive_speaker(cx, q1 < v ? q1 : s0, v, cl, &e) ||
            entity_before(cx, q1 < v ? q1 : s0, v, cl, &e, &at) ||
            (v > s0 && (is_punct(cx, v - 1, ',') || cx->tt.v[v - 1].kind == TEXT_QUOTE) &&
             entity_after(cx, v, s1, 0, cl, &e))) {
                cl->speaker = e;
                cl->has_speaker = 1;
                cx->last_speaker = e;
        }
        if (q0 < q1 && q1 < s1 && q1 - q0 > 4 && (v > q1 || q0 <= v + 3)) {
                cl->c0 = q0 + 1; /* the quote is the content */
                cl->c1 = q1;
        } else if (v > s0 + 2 && is_punct(cx, v - 1, ',') == 0 &&
                   (v + 3 >= s1 || is_punct(cx, s1 - 1, '.')) && v + 1 < s1 &&
                   v + 3 >= s1) {
                cl->c1 = v; /* "P, X said." */
        } else if ((comma = speaker_comma(cx, s0, v, s1)) > s0) {
                cl->c1 = comma; /* "P, the council said on Friday." */
        } else {
                cl->c0 = v + 1;
                if (cl->c0 < s1 && norm_is(cx, cl->c0, "that"))
                        cl->c0++;
        }
        return v;
}

/* A measure compound in the clause ("3.0-litre engines", "12-inch
 * guns"): it singles out which things the clause is about. */
static void find_qualifier(const struct ctx *cx, const struct clause *cl, struct stmt *st)
{
        size_t i;

        for (i = cl->c0; i < cl->c1; i++) {
                const char *s = norm(cx, i), *h;

                if (cx->tt.v[i].kind == TEXT_WORD && isdigit((unsigned char)s[0]) &&
                    (h = strchr(s, '-')) && isalpha((unsigned char)h[1])) {
                        str_copy(st->prop.qual, sizeof(st->prop.qual), s);
                        return;
                }
        }
}

/* Whether the words between a subject and its verb at b, from a, are
 * only auxiliaries, negations, adverbs, a possessive 's and at most two
 * common nouns of the subject's phrase ("the Bolivian ministry was"). */
static int svo_between_ok(const struct ctx *cx, size_t a, size_t b)
{
        char lem[TEXT_NORM_MAX];
        size_t i, nouns = 0;

        for (i = a; i < b; i++) {
                const char *w = norm(cx, i);
                size_t n = strlen(w);

                if (cx->tt.v[i].kind != TEXT_WORD && strcmp(w, "'s") != 0)
                        return 0;
                if ((cx->cls[i] & (CL_VBEF | CL_BE)) || has_flag(cx, i, LX_NEG) ||
                    strcmp(w, "'s") == 0 || (n > 3 && strcmp(w + n - 2, "ly") == 0))
                        continue;
                if ((cx->cls[i] & ~CL_COREF) || cx->w[i] || cx->tt.v[i].cap ||
                    lexicon_past_verb_h(cx->lx, w, cx->tt.v[i].hash, lem) || ++nouns > 2)
                        return 0;
        }
        return 1;
}

/* The generic subject-verb-object fallback for events no frame names:
 * in an attributed clause, a past-tense verb (WordNet's verbs) with an
 * entity right before it and an entity as its object ("Iran trained
 * Houthi fighters" -> svo:train, IR, name:houthi); a passive swaps the
 * roles; after a denial or admission verb, a gerund takes the speaker
 * as subject ("denied hacking X").  Fills agent, patient, the verb index
 * and the lemma; returns 1 when both roles are found. */
static int svo_roles(struct ctx *cx, const struct clause *cl, const struct stmt *st,
                     struct entity *agent, struct entity *patient, size_t *verb,
                     char *lemma)
{
        char buf[TEXT_NORM_MAX];
        size_t i, k, at = 0;

        for (i = cl->c0; i < cl->c1 && i < cl->c0 + 16; i++) {
                const char *w = norm(cx, i), *lem = NULL;
                struct entity subj, obj;
                int gerund = 0, passive;

                if (cx->tt.v[i].kind != TEXT_WORD || cx->tt.v[i].cap ||
                    cx->ment[i] >= 0 || cx->cls[i] ||
                    has_flag(cx, i,
                             LX_REPORT | LX_DENY | LX_ADMIT | LX_HEDGE | LX_INTENT |
                                 LX_HYPO | LX_NEG | LX_FALSE | LX_FRAME | LX_THEME |
                                 LX_UNIT))
                        continue;
                if (i == cl->c0 && st->stance != STANCE_ASSERT && strlen(w) > 5 &&
                    strcmp(w + strlen(w) - 3, "ing") == 0) {
                        text_lemma_guess(w, buf);
                        lem = lexicon_is_verb(cx->lx, buf) ? buf : NULL;
                        gerund = lem != NULL;
                } else {
                        lem = lexicon_past_verb_h(cx->lx, w, cx->tt.v[i].hash, buf);
                }
                if (!lem || lexicon_is_light_verb(cx->lx, lem))
                        continue;
                memset(&subj, 0, sizeof(subj));
                if (gerund) {
                        subj = cl->speaker;
                } else if (!entity_before(cx, cl->c0, i, cl, &subj, &at) ||
                           !svo_between_ok(cx, at + 1, i)) {
                        return 0; /* the first verb has no subject: not SVO */
                }
                passive = !gerund && is_passive(cx, cl->c0, i);
                memset(&obj, 0, sizeof(obj));
                if (passive) {
                        if (!entity_after(cx, i, cl->c1, CL_PREP_BY, cl, &obj))
                                return 0;
                } else {
                        /* the object right after the verb: "trained Houthi
                         * fighters", "hacked the Kremlin", "met with X" */
                        for (k = i + 1; k < cl->c1 && k < i + 4; k++) {
                                /* "changed his strategy": a possessive
                                 * pronoun is no object (a named possessor
                                 * is: "hacked Ukraine's election
                                 * commission" is about Ukraine) */
                                if (possessive(norm(cx, k)))
                                        return 0;
                                if (entity_at(cx, k, cl, &obj))
                                        break;
                                if (!(strcmp(norm(cx, k), "the") == 0 ||
                                      strcmp(norm(cx, k), "a") == 0 ||
                                      (cx->cls[k] & CL_PREP_PATIENT)))
                                        return 0;
                        }
                        if (!obj.id[0])
                                return 0;
                }
                *agent = passive ? obj : subj;
                *patient = passive ? subj : obj;
                if (!agent->id[0] || !patient->id[0] ||
                    strcmp(agent->id, patient->id) == 0)
                        return 0;
                *verb = i;
                str_copy(lemma, TEXT_NORM_MAX, lem);
                return 1;
        }
        return 0;
}

/* The third person singular of a verb lemma, for gists: trains,
 * watches, denies. */
static void verb_3sg(const char *lem, char *out, size_t size)
{
        size_t n = strlen(lem);

        if (n > 1 && lem[n - 1] == 'y' && !strchr("aeiou", lem[n - 2]))
                snprintf(out, size, "%.*sies", (int)(n - 1), lem);
        else if ((n > 0 && strchr("sxzo", lem[n - 1])) ||
                 (n > 1 &&
                  (strcmp(lem + n - 2, "ch") == 0 || strcmp(lem + n - 2, "sh") == 0)))
                snprintf(out, size, "%ses", lem);
        else
                snprintf(out, size, "%ss", lem);
}

/* Zeroes the fields of a statement that sentence_stmt's search for a
 * predicate and its roles reads and writes: stance to the gist.  Most
 * sentences make no statement, and stmt_zero_rest zeroes the other
 * fields only for one that may be made: memset(st, 0, sizeof(*st)) in
 * two parts. */
_Static_assert(offsetof(struct stmt, stance) < offsetof(struct stmt, gist),
               "stmt_zero_head and stmt_zero_rest split the struct at stance and gist");

static void stmt_zero_head(struct stmt *st)
{
        memset((char *)st + offsetof(struct stmt, stance), 0,
               offsetof(struct stmt, gist) - offsetof(struct stmt, stance));
}

/* The rest of stmt_zero_head: the speaker, the claimant, the gist and
 * what follows it (before find_claimant writes the claimant). */
static void stmt_zero_rest(struct stmt *st)
{
        memset(st, 0, offsetof(struct stmt, stance));
        memset(st->gist, 0, sizeof(*st) - offsetof(struct stmt, gist));
}

/* A statement from the SVO fallback (svo_roles) of clause cl. */
static int svo_stmt(struct ctx *cx, struct clause *cl, size_t s0, size_t s1,
                    struct stmt *st)
{
        struct entity agent, patient;
        char lemma[TEXT_NORM_MAX], v3[TEXT_NORM_MAX + 4];
        size_t p;
        int falsity;

        if (!cl->has_speaker || !svo_roles(cx, cl, st, &agent, &patient, &p, lemma))
                return 0;
        stmt_zero_rest(st);
        snprintf(st->prop.frame, sizeof(st->prop.frame), "svo:%.26s", lemma);
        set_role(st->prop.agent, &agent);
        set_role(st->prop.patient, &patient);
        clause_cues(cx, cl, p, s0, s1, st, &falsity);
        if (falsity && st->stance != STANCE_DENY && !st->negated) {
                st->stance = STANCE_DENY;
                st->cue = "falsity";
        }
        find_claimant(cx, cl, st);
        st->speaker = cl->speaker;
        verb_3sg(lemma, v3, sizeof(v3));
        snprintf(st->gist, sizeof(st->gist), "%.60s %.40s %.60s",
                 agent.name[0] ? agent.name : agent.id, v3,
                 patient.name[0] ? patient.name : patient.id);
        /* weaker than a frame: the verb is matched by its lemma only */
        st->strength = 0.7;
        cx->last_subject = agent;
        return 1;
}

#define PRED_KEEP 16 /* predicates clause_predicate remembers */

/* The predicate of clause cl whose roles frame_roles finds (filling st,
 * agent and patient), or cl->c1: the first sanction that has them ("X
 * received a fine" is no transfer: a sanction names what its clause is
 * about), else the first other predicate that has them.  One scan of
 * the clause: the other predicates met on the way are kept for the
 * second round (scanned again only past PRED_KEEP of them). */
static size_t clause_predicate(struct ctx *cx, struct clause *cl, struct stmt *st,
                               struct entity *agent, struct entity *patient)
{
        size_t pv[PRED_KEEP], np = 0, k, p;
        int more = 0;

        for (p = find_predicate(cx, cl->c0, cl->c1); p < cl->c1;
             p = find_predicate(cx, p + 1, cl->c1)) {
                if (cx->w[p]->role == '!') {
                        if (frame_roles(cx, cl, p, st, agent, patient))
                                return p;
                } else if (np < PRED_KEEP) {
                        pv[np++] = p;
                } else {
                        more = 1;
                }
        }
        for (k = 0; k < np; k++)
                if (frame_roles(cx, cl, pv[k], st, agent, patient))
                        return pv[k];
        if (!more)
                return cl->c1;
        for (p = find_predicate(cx, pv[np - 1] + 1, cl->c1); p < cl->c1;
             p = find_predicate(cx, p + 1, cl->c1))
                if (cx->w[p]->role != '!' && frame_roles(cx, cl, p, st, agent, patient))
                        return p;
        return cl->c1;
}

/* Builds the statement of sentence [s0, s1), whose token flags or-ed are
 * sfl; returns 1 when one was made. */
static int sentence_stmt(struct ctx *cx, size_t s0, size_t s1, uint32_t sfl,
                         struct stmt *st)
{
        struct clause cl;
        struct entity agent, patient;
        size_t v, p, i, unit_at;
        int falsity, theme = -1;

        /* the clause's entities are read only when has_speaker and
         * has_person say they are set (attribution sets s0, c0, c1) */
        cl.has_speaker = cl.has_person = 0;
        stmt_zero_head(st);
        v = attribution(cx, s0, s1, sfl, &cl, st);
        (void)v;
        /* without a frame word in the sentence no predicate is found */
        p = sfl & LX_FRAME ? clause_predicate(cx, &cl, st, &agent, &patient) : cl.c1;
        if (p >= cl.c1)
                return svo_stmt(cx, &cl, s0, s1, st);
        stmt_zero_rest(st);
        clause_cues(cx, &cl, p, s0, s1, st, &falsity);
        if (st->cue && strcmp(st->cue, "antonym") == 0 && st->negated)
                st->cue = "antonym";
        if (st->cue && strcmp(st->cue, "antonym") == 0)
                st->negated = !st->negated;
        if (falsity && st->stance != STANCE_DENY && !st->negated) {
                st->stance = STANCE_DENY;
                st->cue = "falsity";
        }
        find_claimant(cx, &cl, st);
        for (i = cl.c0; i < cl.c1; i++)
                if (has_flag(cx, i, LX_THEME)) {
                        theme = cx->w[i]->theme;
                        break;
                }
        if (theme < 0 && (cx->w[p]->role == '!' || cx->w[p]->role == '*'))
                theme = lexicon_frame_theme(cx->lx, cx->w[p]->frame);
        str_copy(st->prop.theme, sizeof(st->prop.theme),
                 lexicon_theme_name(cx->lx, theme));
        unit_at = find_quantity(cx, cl.c0, cl.c1, &st->prop.qty);
        /* numbers are compared only for count frames: elsewhere they
         * rarely measure the same thing ("11 million cars worldwide") */
        if (!lexicon_frame_count(cx->lx, cx->w[p]->frame)) {
                memset(&st->prop.qty, 0, sizeof(st->prop.qty));
                find_qualifier(cx, &cl, st);
        } else if (count_owner(cx, &cl, p, unit_at, st, &agent, &patient) < 0)
                return 0;
        if (!st->prop.agent[0] && !st->prop.patient[0])
                return 0;
        if (cl.has_speaker) {
                st->speaker = cl.speaker;
        } else {
                str_copy(st->speaker.name, sizeof(st->speaker.name), cx->art->source);
        }
        make_gist(cx, cx->w[p]->frame, st->prop.theme, &agent, &patient, st);
        st->strength = 0.6 + (st->prop.agent[0] && st->prop.patient[0] ? 0.2 : 0) +
                       (st->prop.theme[0] ? 0.1 : 0) + (cl.has_speaker ? 0.1 : 0);
        if (agent.id[0])
                cx->last_subject = agent;
        return 1;
}

static int add_stmt(struct ctx *cx, const struct analyze_limits *lim, size_t s0,
                    size_t s1, struct stmt *st, struct stmt_list *out);

/* Claim-level propositions for headline-only items (a rumour, a wire
 * flash, a social post): headlines rarely share a frame, so each one is
 * also keyed on its most salient words ("claim|banksy"): the words that
 * are rarest by WordNet's sense-tagged counts, names (unknown words)
 * first.  A headline with a denial, negation or falsity cue denies its
 * claim; match.c asks for at least two shared content words before it
 * calls one headline a denial of another. */
#define CLAIM_TERMS  5
#define HEADLINE_MAX 400 /* bytes: longer body-less text is no headline */

/* Keeps the CLAIM_TERMS rarest distinct terms seen so far. */
static void keep_rarest(char terms[][TEXT_NORM_MAX], unsigned *freq, size_t *nterm,
                        const char *lem, unsigned f)
{
        size_t k, worst = 0;

        for (k = 0; k < *nterm; k++)
                if (strcmp(terms[k], lem) == 0)
                        return;
        if (*nterm < CLAIM_TERMS) {
                k = (*nterm)++;
        } else {
                for (k = 1; k < CLAIM_TERMS; k++)
                        if (freq[k] > freq[worst])
                                worst = k;
                if (freq[worst] <= f)
                        return;
                k = worst;
        }
        memcpy(terms[k], lem, TEXT_NORM_MAX);
        freq[k] = f;
}

/* The parts of a hyphenated compound as salient terms: "Ebola-infected
 * birds" is about Ebola. */
static void keep_parts(const struct ctx *cx, char terms[][TEXT_NORM_MAX], unsigned *freq,
                       size_t *nterm, const char *w)
{
        char buf[TEXT_NORM_MAX], lem[TEXT_NORM_MAX], *part, *save = NULL;

        str_copy(buf, sizeof(buf), w);
        for (part = strtok_r(buf, "-", &save); part; part = strtok_r(NULL, "-", &save)) {
                if (strlen(part) < 3 || text_is_stopword(part) ||
                    isdigit((unsigned char)part[0]))
                        continue;
                text_lemma_guess(part, lem);
                keep_rarest(terms, freq, nterm, lem, lexicon_word_freq(cx->lx, lem));
        }
}

/* Predicative adjectives of truth: "not true", "isn't real" call a
 * claim false whatever hedges the headline. */
static const char *const veridical[] = {"true",    "real",     "accurate",  "correct",
                                        "genuine", "credible", "authentic", NULL};

static int is_veridical(const char *w)
{
        return in_list(veridical, w);
}

/* "refused to confirm or deny", "neither confirm nor deny": a denial
 * verb coordinated with an admission verb commits to nothing. */
static int noncommittal(const struct ctx *cx, size_t s0, size_t i, size_t s1)
{
        const char *a = i > s0 ? norm(cx, i - 1) : "",
                   *b = i + 1 < s1 ? norm(cx, i + 1) : "";

        if ((strcmp(a, "or") == 0 || strcmp(a, "nor") == 0) && i > s0 + 1 &&
            has_flag(cx, i - 2, LX_ADMIT | LX_REPORT))
                return 1;
        return (strcmp(b, "or") == 0 || strcmp(b, "nor") == 0) && i + 2 < s1 &&
               has_flag(cx, i + 2, LX_ADMIT | LX_REPORT);
}

/* "no hoax", "not a fake": a negated falsity word affirms. */
static int negated_falsity(const struct ctx *cx, size_t s0, size_t i)
{
        return (i > s0 && has_flag(cx, i - 1, LX_NEG)) ||
               (i > s0 + 1 && has_flag(cx, i - 2, LX_NEG));
}

/* Whether the falsity word at i ends its sentence as the predicate of
 * "be": "reports that the town is closed are false", "was a hoax". */
static int predicative(const struct ctx *cx, size_t s0, size_t i, size_t s1)
{
        size_t k;

        if (i + 1 < s1 && cx->tt.v[i + 1].kind == TEXT_WORD)
                return 0;
        for (k = i; k > s0 && i - k < 4; k--)
                if (cx->cls[k - 1] & CL_BE)
                        return 1;
        return 0;
}

/* A yes/no question about falsity ("Was the video a hoax?"): it opens
 * with a form of be and offers no alternative ("real or fake?"). */
static int doubt_question(const struct ctx *cx, size_t s0, size_t s1)
{
        size_t i;

        if (!(cx->cls[s0] & CL_BE) || s1 < s0 + 3)
                return 0;
        for (i = s0; i < s1; i++)
                if (norm_is(cx, i, "or"))
                        return 0;
        return has_flag(cx, s1 - 2, LX_FALSE);
}

/* A dismissal of a rumour at i: "kills the rumour", "shoots down the
 * congressman's claims", "rumour squashed", "claims put to rest". */
static int dismissal(const struct ctx *cx, size_t s0, size_t i, size_t s1)
{
        size_t k;

        if (has_flag(cx, i, LX_DISMISS)) {
                /* the object: "shoots down the congressman's claims" */
                for (k = i + 1; k < s1 && k < i + 6; k++) {
                        /* "almost killed by a shock, claims...": passive */
                        if (cx->tt.v[k].kind == TEXT_PUNCT ||
                            cx->tt.v[k].kind == TEXT_QUOTE || (cx->cls[k] & CL_PREP_BY))
                                break;
                        if (has_flag(cx, k, LX_RUMOUR))
                                return 1;
                }
                /* reduced passive: "stolen Batmobile rumour squashed" */
                return (i > s0 && has_flag(cx, i - 1, LX_RUMOUR)) ||
                       (i > s0 + 1 && (cx->cls[i - 1] & CL_BE) &&
                        has_flag(cx, i - 2, LX_RUMOUR));
        }
        /* "put/lay the rumours to rest", "rumour put to rest" */
        if (norm_is(cx, i, "rest") && i > s0 + 2 && norm_is(cx, i - 1, "to")) {
                for (k = i - 2; k > s0 && i - k < 7; k--)
                        if (has_flag(cx, k, LX_RUMOUR))
                                return 1;
                return has_flag(cx, s0, LX_RUMOUR);
        }
        return 0;
}

/* Whether w looks like a past participle: "buried", "eaten". */
static int participle(const char *w)
{
        size_t n = strlen(w);

        return n > 4 && ((w[n - 2] == 'e' && (w[n - 1] == 'd' || w[n - 1] == 'n')));
}

/* Verbs whose participle with "alive" reports survival. */
static int survival_verb(const char *w)
{
        static const char *const v[] = {"found",   "rescued", "discovered",
                                        "pulled",  "freed",   "released",
                                        "located", "seen",    NULL};

        return in_list(v, w);
}

/* A predicate of wellbeing at i ("says she is safe", "alive and well"):
 * predicative, not before a noun ("safe house"), and not negated. */
static int wellbeing(const struct ctx *cx, size_t s0, size_t i, size_t s1)
{
        const struct text_tok *n = i + 1 < s1 ? &cx->tt.v[i + 1] : NULL;

        if (!has_flag(cx, i, LX_WELL) || (i > s0 && has_flag(cx, i - 1, LX_NEG)))
                return 0;
        /* "buried alive", "burned alive": a depictive of the harm itself;
         * "found alive", "rescued alive" report survival */
        if (i > s0 && participle(norm(cx, i - 1)) && !survival_verb(norm(cx, i - 1)))
                return 0;
        return !n || n->kind != TEXT_WORD || strcmp(n->norm, "and") == 0 ||
               strcmp(n->norm, "but") == 0 || (cx->cls[i + 1] & CL_SUBORD) ||
               (cx->cls[i + 1] & CL_PREP);
}

/* Verbs that predicate something of their object: "calls X false". */
static int calling_verb(const char *w)
{
        static const char *const v[] = {
            "call",   "calls",    "called",  "deem",  "deems",  "deemed",  "label",
            "labels", "labelled", "labeled", "brand", "brands", "branded", NULL};

        return in_list(v, w);
}

/* A plural (or third person) form: "officials deny" has a subject;
 * a modifier in a compound is singular ("greeting dispute"). */
static int ends_in_s(const char *w)
{
        size_t n = strlen(w);

        return n > 2 && w[n - 1] == 's' && w[n - 2] != 's';
}

/* Whether a part of the hyphenated word w is a falsity word. */
static int falsity_part(const struct ctx *cx, const char *w)
{
        char buf[TEXT_NORM_MAX], *part, *save = NULL;
        const struct lex_word *lw;

        if (!strchr(w, '-'))
                return 0;
        str_copy(buf, sizeof(buf), w);
        for (part = strtok_r(buf, "-", &save); part; part = strtok_r(NULL, "-", &save))
                if ((lw = lexicon_word(cx->lx, part)) && (lw->flags & LX_FALSE))
                        return 1;
        return 0;
}

/* The cues of one headline sentence [s0, s1): *deny for a denial verb
 * or falsity word in the main clause (or a falsity predicate at the
 * end: "reports that X happened are false"), *neg for a negation. */
/* Hedges of high probability: "apparently not", "probably didn't" lean
 * the same way as the negation they qualify, so they do not stop it
 * from denying (unlike "may or may not"). */
static int probable(const char *w)
{
        static const char *const p[] = {"probably", "likely", "apparently", NULL};

        return in_list(p, w);
}

static void claim_cues(const struct ctx *cx, size_t s0, size_t s1, int *deny, int *neg,
                       int *hedge, int *falsity, int *well)
{
        size_t i;
        int sub = 0, cur_hedge = 0, cur_neg = 0, calling = 0;

        for (i = s0; i < s1; i++) {
                const struct lex_word *w = cx->w[i];

                /* "X may have done A, but didn't do B": a hedge stays in
                 * its coordinate clause unless that clause negates */
                if (norm_is(cx, i, "but")) {
                        if (cur_hedge && cur_neg)
                                *hedge = 1;
                        cur_hedge = cur_neg = 0;
                }
                /* cues count in the main clause only: "adopted a boy so he
                 * won't turn", "caught after they used fake passports";
                 * "once again" is an adverb */
                /* "That panel you heard about isn't real": a sentence-
                 * initial "that" before a noun is a determiner */
                if ((cx->cls[i] & CL_SUBORD) &&
                    !(i + 1 < s1 && norm_is(cx, i + 1, "again")) &&
                    !(i == s0 && norm_is(cx, i, "that") && i + 1 < s1 &&
                      !cx->cls[i + 1] && !has_flag(cx, i + 1, LX_VERB)))
                        sub = 1;
                /* a purpose infinitive with a clause of its own: "added
                 * braces to ensure it doesn't bend" */
                if (norm_is(cx, i, "to") && i + 2 < s1 &&
                    cx->tt.v[i + 1].kind == TEXT_WORD &&
                    !has_flag(cx, i + 1, LX_DENY | LX_REPORT | LX_ADMIT) &&
                    ((cx->cls[i + 2] & (CL_PRON | CL_REL))))
                        sub = 1;
                /* a colon starts a new clause: "Officials: X is false" */
                if (is_punct(cx, i, ':'))
                        sub = 0;
                /* "calls the rumour that X wildly inaccurate": a verb of
                 * calling takes the falsity word as its object's
                 * predicate, past the "that" clause */
                if (!sub && calling_verb(norm(cx, i)))
                        calling = 1;
                if (w && (w->flags & LX_FALSE) && !negated_falsity(cx, s0, i) &&
                    !(i + 1 < s1 && has_flag(cx, i + 1, LX_HEDGE))) {
                        *falsity = 1;
                        if (!sub || predicative(cx, s0, i, s1) ||
                            (calling &&
                             (i + 1 == s1 || cx->tt.v[i + 1].kind != TEXT_WORD)))
                                *deny = 1;
                }
                /* "over Christmas greeting dispute": a base form that
                 * ends the headline after a singular noun is a noun */
                if (!sub && w && (w->flags & LX_DENY) && !noncommittal(cx, s0, i, s1) &&
                    !(i + 1 == s1 || (i + 2 == s1 && cx->tt.v[i + 1].kind == TEXT_PUNCT)
                          ? strcmp(w->lemma, norm(cx, i)) == 0 && i > s0 &&
                                cx->tt.v[i - 1].kind == TEXT_WORD && !cx->cls[i - 1] &&
                                !cx->tt.v[i - 1].cap && cx->ment[i - 1] < 0 &&
                                !ends_in_s(norm(cx, i - 1))
                          : 0))
                        *deny = 1;
                if (!sub && dismissal(cx, s0, i, s1))
                        *deny = 1;
                /* "alive" answers death only; "safe" any harm */
                if (wellbeing(cx, s0, i, s1) && *well != 2)
                        *well = norm_is(cx, i, "alive") ? 1 : 2;
                /* "in Nevada, not Texas": a contrast, not a denial */
                if (!sub && w && (w->flags & LX_NEG) &&
                    !(i > s0 && is_punct(cx, i - 1, ',')) &&
                    !(i + 1 < s1 && has_flag(cx, i + 1, LX_FALSE)) &&
                    !(i + 2 < s1 && has_flag(cx, i + 2, LX_FALSE))) {
                        *neg = 1;
                        cur_neg = 1;
                        if (i + 1 < s1 && is_veridical(norm(cx, i + 1)))
                                *deny = 1;
                }
                /* a response particle answers the claim outright: "No,
                 * a spider probably didn't ...", "... UPDATE: Nope" */
                if ((strcmp(norm(cx, i), "no") == 0 ||
                     strcmp(norm(cx, i), "nope") == 0) &&
                    (i == s0 || cx->tt.v[i - 1].kind == TEXT_PUNCT) &&
                    (i + 1 == s1 || is_punct(cx, i + 1, ',') ||
                     is_punct(cx, i + 1, '.') || is_punct(cx, i + 1, '!')))
                        *deny = 1;
                /* "not a bomb, despite rumours": a hedge in a subordinate
                 * clause does not hedge the main one */
                if (w && ((w->flags & LX_HYPO) ||
                          (!sub && (w->flags & LX_HEDGE) && !probable(norm(cx, i)))))
                        cur_hedge = 1;
                /* "Fake-news: X", "photoshopped-image": a falsity part */
                if (!w && cx->tt.v[i].kind == TEXT_WORD &&
                    falsity_part(cx, norm(cx, i)) && !negated_falsity(cx, s0, i)) {
                        *falsity = 1;
                        if (!sub)
                                *deny = 1;
                }
        }
        if (cur_hedge)
                *hedge = 1;
}

/* Claim-level statements of a headline-only item: its sentences
 * sv[0..ns) read as one unit ("X dead? Another death hoax"). */
static int claim_stmts(struct ctx *cx, const struct analyze_limits *lim,
                       const struct text_sent *sv, size_t ns, struct stmt_list *out)
{
        struct stmt base;
        struct clause cl = {0};
        char terms[CLAIM_TERMS][TEXT_NORM_MAX];
        unsigned freq[CLAIM_TERMS];
        size_t i, k, nterm = 0, si, s0, s1;
        int deny = 0, neg = 0, hedge = 0, question = 1, qdeny = 0, well = 0;

        if (!ns)
                return 0;
        memset(&base, 0, sizeof(base));
        for (si = 0; si < ns; si++) {
                int d = 0, ng = 0, h = 0, f = 0, wb = 0;

                s0 = sv[si].tok0;
                s1 = s0 + sv[si].ntok;
                if (!cl.has_speaker) {
                        memset(&cl, 0, sizeof(cl));
                        attribution(cx, s0, s1, ~0u, &cl, &base);
                }
                claim_cues(cx, s0, s1, &d, &ng, &h, &f, &wb);
                if (is_punct(cx, s1 - 1, '?')) {
                        /* a question asserts nothing, but one that asks
                         * whether it was a hoax voices doubt */
                        qdeny |= f && doubt_question(cx, s0, s1);
                } else {
                        question = 0;
                        deny |= d;
                        neg |= ng;
                        hedge |= h;
                        if (wb > well)
                                well = wb;
                }
                for (i = s0; i < s1; i++) {
                        const struct lex_word *w = cx->w[i];
                        char lem[TEXT_NORM_MAX];

                        if (cx->tt.v[i].kind != TEXT_WORD || strlen(norm(cx, i)) < 3 ||
                            cx->cls[i] || text_is_stopword(norm(cx, i)) ||
                            (w &&
                             (w->flags & (LX_REPORT | LX_DENY | LX_ADMIT | LX_NEG |
                                          LX_FALSE | LX_HEDGE | LX_INTENT | LX_HYPO))))
                                continue;
                        if (w && (w->flags & LX_VERB))
                                str_copy(lem, sizeof(lem), w->lemma);
                        else
                                text_lemma_guess(norm(cx, i), lem);
                        /* "weightlessness" and "weightless" key alike */
                        {
                                size_t ll = strlen(lem);

                                if (ll > 8 && strcmp(lem + ll - 4, "ness") == 0)
                                        lem[ll - 4] = '\0';
                        }
                        if (strchr(lem, '-') && !isdigit((unsigned char)lem[0])) {
                                keep_parts(cx, terms, freq, &nterm, norm(cx, i));
                                continue;
                        }
                        keep_rarest(terms, freq, &nterm, lem,
                                    lexicon_word_freq(cx->lx, lem));
                }
        }
        /* a negation denies unless the headline hedges ("may or may not") */
        base.stance = deny || qdeny || (neg && !hedge) ? STANCE_DENY : STANCE_ASSERT;
        base.cue = deny || qdeny ? "claim" : "negation";
        /* "X says she is safe": a denial of harm, matched only with a
         * claim of harm (match.c); a hedge ("may be safe") commits to
         * nothing */
        if (base.stance == STANCE_ASSERT && well && !hedge) {
                base.stance = STANCE_DENY;
                base.cue = well == 1 ? "alive" : "wellbeing";
        }
        base.modality = question && !qdeny ? MOD_QUESTION : MOD_FACT;
        base.strength = qdeny && !deny ? 0.4 : 0.6;
        if (cl.has_speaker)
                base.speaker = cl.speaker;
        else
                str_copy(base.speaker.name, sizeof(base.speaker.name), cx->art->source);
        s0 = sv[0].tok0;
        s1 = sv[ns - 1].tok0 + sv[ns - 1].ntok;
        for (k = 0; k < nterm; k++) {
                struct stmt st = base;

                snprintf(st.prop.frame, sizeof(st.prop.frame), "claim");
                str_copy(st.prop.agent, sizeof(st.prop.agent), terms[k]);
                /* an unknown word (a name) is salient enough on its own */
                str_copy(st.prop.theme, sizeof(st.prop.theme),
                         freq[k] == 0 ? "name" : "term");
                span_text(cx, s0, s1, st.gist, sizeof(st.gist));
                if (add_stmt(cx, lim, s0, s1, &st, out) < 0)
                        return -1;
        }
        return 0;
}

/* Remembers the things attacked in a sentence ("the bombing of the
 * drama theatre") as antecedents of "the building" later on. */
static void note_things(struct ctx *cx, size_t s0, size_t s1)
{
        struct clause cl;
        struct entity thing;
        size_t i;
        int ready = 0;

        for (i = s0; i < s1; i++) {
                const struct lex_word *w;

                /* the dense flags first: most words are no frame word */
                if (!(cx->fl[i] & LX_FRAME))
                        continue;
                w = cx->w[i];
                if (lexicon_frame_thing(cx->lx, w->frame) && role_at(cx, i) == 'n') {
                        if (!ready) { /* the clause, at the first thing */
                                memset(&cl, 0, sizeof(cl));
                                cl.s0 = cl.c0 = s0;
                                cl.c1 = s1;
                                ready = 1;
                        }
                        thing_patient(cx, i, 'n', &cl, &thing);
                }
        }
}

/* Remembers the last named entity (no country, no person) of the
 * sentence whose mentions are cx->mv[nm0..nm) for coreference: the
 * mentions of a sentence are pushed in token order. */
static void note_entities(struct ctx *cx, size_t nm0)
{
        size_t k;

        for (k = cx->nm; k > nm0; k--) {
                const struct mention *m = &cx->mv[k - 1];

                if (!(m->kind[0] == 'c' && strcmp(m->kind, "country") == 0) &&
                    !(m->kind[0] == 'p' && strcmp(m->kind, "person") == 0)) {
                        cx->last_named = m->ent;
                        return;
                }
        }
}

static int add_stmt(struct ctx *cx, const struct analyze_limits *lim, size_t s0,
                    size_t s1, struct stmt *st, struct stmt_list *out)
{
        size_t a = cx->tt.v[s0].off, b = cx->tt.v[s1 - 1].off + cx->tt.v[s1 - 1].len;

        if (lim && lim->max_statements && out->n >= lim->max_statements)
                return 0;
        st->off = a;
        st->len = b - a;
        if (!(st->text = strndup(cx->art->text + a, b - a)))
                return -1;
        if (!stmt_list_push(out, st)) {
                free(st->text);
                return -1;
        }
        return 0;
}

static const char *const subordinators[] = {
    "so",    "because", "after",   "when",    "while",    "if",     "that",
    "which", "who",     "whom",    "since",   "although", "though", "unless",
    "until", "before",  "despite", "whether", "where",    "once",   NULL};

static const char *const relatives[] = {"that", "which", "who", NULL};
static const char *const according[] = {"according", NULL};
static const char *const dquote[] = {"\"", NULL};

/* The closed classes, looked up with the lexicon's words: one probe a
 * token (lexicon_word_toks_cls). */
static const struct lex_class closed_classes[] = {
    {not_names, CL_NOTNAME, 0},
    {not_names + 6, CL_FUNC, 0},
    {titles, CL_TITLE, 0},
    {preps_any, CL_PREP, 0},
    {coref_nouns, CL_COREF, 0},
    {pronouns, CL_PRON, 0},
    {preps_patient, CL_PREP_PATIENT, 0},
    {preps_from, CL_PREP_FROM, 0},
    {preps_by, CL_PREP_BY, 0},
    {preps_over, CL_PREP_OVER, 0},
    {preps_noun, CL_PREP_NOUN, 0},
    {be_forms, CL_BE, 0},
    {verb_before, CL_VBEF, 0},
    {scale_words, CL_SCALE, 0},
    {subordinators, CL_SUBORD, 0},
    {relatives, CL_REL, 0},
    {according, 0, TF_ACCORDING},
    {dquote, 0, TF_DQUOTE},
};

/* The flags of sentence [s0, s1) or-ed, after TF_NAME is added to
 * those of its tokens (fl: the lexicon's flags, cls: the closed-class
 * bits); ment[i] = -1 for its tokens.  Done a sentence at a time, just
 * before the sentence is read (TF_NAME and ment of later sentences are
 * not read before): one pass over the tokens for all three.  The arrays
 * are in locals, so the stores to them need no reload of the
 * pointers. */
static uint32_t sentence_flags(const struct text_tok *tv, size_t s0, size_t s1,
                               uint32_t *fl, const uint32_t *cls, int *ment)
{
        uint32_t sfl = 0;
        size_t i;

        for (i = s0; i < s1; i++) {
                uint32_t f = fl[i];

                /* only words are capitalised.  "V6", "A3": model codes
                 * with digits name no speaker */
                if (tv[i].cap && !(cls[i] & CL_NOTNAME) &&
                    !text_norm_has_digit(tv[i].norm))
                        fl[i] = f |= TF_NAME;
                ment[i] = -1;
                sfl |= f;
        }
        return sfl;
}

/* lexicon_is_abbrev for text_sentences, from the flags already looked
 * up: norm is the normalised form of one of the article's tokens (else
 * the lexicon is asked). */
static int tok_is_abbrev(const void *ctx, const char *norm)
{
        const struct ctx *cx = ctx;
        uintptr_t p = (uintptr_t)norm, v0 = (uintptr_t)cx->tt.v,
                  v1 = (uintptr_t)(cx->tt.v + cx->tt.n);

        if (p < v0 || p >= v1 ||
            (p - v0) % sizeof(struct text_tok) != offsetof(struct text_tok, norm))
                return lexicon_is_abbrev(cx->lx, norm);
        return (cx->fl[(p - v0) / sizeof(struct text_tok)] & LX_ABBREV) != 0;
}

int analyze_article(const struct lexicon *lx, const struct analyze_limits *lim,
                    const struct article *art, struct stmt_list *out)
{
        struct ctx cx;
        struct text_sent *sv = NULL;
        size_t max_sents = lim && lim->max_sentences ? lim->max_sentences : 2000, i, n1;
        long ns;
        int rc = -1, headline_only =
                         (!art->body || !art->body[0]) && art->text_len <= HEADLINE_MAX;

        memset(&cx, 0, offsetof(struct ctx, aff));
        cx.lx = lx;
        cx.art = art;
        if (!art->text || !art->text_len)
                return 0;
        if (text_tokenize(art->text, art->text_len, max_sents * 80, &cx.tt) < 0)
                goto out;
        /* the per-token arrays, in one allocation: w, then fl, cls and
         * ment (4-byte elements), each with one spare entry at the end */
        n1 = cx.tt.n + 1;
        if (!(cx.w = malloc(n1 * (sizeof(*cx.w) + sizeof(*cx.fl) + sizeof(*cx.cls) +
                                  sizeof(*cx.ment)))))
                goto out;
        cx.fl = (uint32_t *)(cx.w + n1);
        cx.cls = cx.fl + n1;
        cx.ment = (int *)(cx.cls + n1);
        if (lexicon_word_toks_cls(lx, cx.tt.v, cx.tt.n, closed_classes,
                                  sizeof(closed_classes) / sizeof(closed_classes[0]),
                                  cx.w, cx.fl, cx.cls) < 0)
                goto out;
        i = cx.tt.n;
        /* mentions start at capitalised words and aliases: rarely more
         * than one token in four (mention_push grows the array) */
        cx.capm = i / 4 + 16;
        if (!(cx.mv = malloc(cx.capm * sizeof(*cx.mv))))
                goto out;
        cx.w[i] = NULL;
        cx.fl[i] = cx.cls[i] = 0;
        cx.ment[i] = -1;
        if ((ns = text_sentences(&cx.tt, tok_is_abbrev, &cx, max_sents, &sv)) < 0)
                goto out;
        for (i = 0; i < (size_t)ns; i++) {
                size_t s0 = sv[i].tok0, s1 = s0 + sv[i].ntok, nm0 = cx.nm;
                uint32_t sfl = sentence_flags(cx.tt.v, s0, s1, cx.fl, cx.cls, cx.ment);
                struct stmt st;

                if ((sfl & (LX_ENT | TF_NAME)) && find_mentions(&cx, s0, s1) < 0)
                        goto out;
                /* Without a frame predicate sentence_stmt makes no
                 * statement, and its only other effect, remembering the
                 * speaker, needs an attribution verb: skip sentences
                 * that have neither.  Likewise the notes below only act
                 * on mentions and frame words of the sentence. */
                if ((sfl & (LX_FRAME | LX_REPORT | LX_DENY | LX_ADMIT)) &&
                    sentence_stmt(&cx, s0, s1, sfl, &st) &&
                    add_stmt(&cx, lim, s0, s1, &st, out) < 0)
                        goto out;
                if (cx.nm > nm0)
                        note_entities(&cx, nm0);
                if (sfl & LX_FRAME)
                        note_things(&cx, s0, s1);
        }
        if (headline_only && claim_stmts(&cx, lim, sv, (size_t)ns, out) < 0)
                goto out;
        rc = 0;
out:
        free(sv);
        free(cx.w);
        free(cx.mv);
        text_toks_free(&cx.tt);
        return rc;
}
