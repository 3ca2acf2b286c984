/* lexicon.c - loads the analyzer's linguistic data (config/lexicon/ text files,
 * Debian's iso-codes country list, WordNet's irregular verb forms) into
 * hash tables, once, read-only afterwards.  Verb lemmas are expanded into
 * their inflected forms at load time so analysis never calls a
 * morphological analyser: one hash lookup per token. */
#include "lexicon.h"

#include <errno.h>
#include <pthread.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "text.h"

#define ISO3166_PATH     "/usr/share/iso-codes/json/iso_3166-1.json"
#define WORDNET_VERB_EXC "/usr/share/wordnet/verb.exc"
#define WORDNET_CNTLIST  "/usr/share/wordnet/cntlist.rev"
#define WORDNET_INDEX    "/usr/share/wordnet/index."
/* Words with more senses than this in a part of speech are too
 * ambiguous to lend a synonym ("make" has 49 verb senses). */
#define SYN_MAX_SENSES 6
#define MAX_NAMES      64

/* Keys shorter than this are held in their slot too. */
#define SLOT_KEY 16

/* An open-addressing string hash table; values are indexes.  Each slot
 * holds the key's hash and length next to its value, and a short key
 * (most words) itself, so a probe reads one 32-byte slot and compares
 * key bytes in the pool only for long keys whose hash agrees: a lookup
 * in the big WordNet maps costs one cache miss for the slot, not a
 * second one for the key. */
struct strmap_slot {
        uint32_t hash;
        uint32_t len;
        uint32_t koff; /* key offset in pool + 1; 0: the slot is free */
        int val;
        char key[SLOT_KEY]; /* len < SLOT_KEY: the key, NUL-padded */
};

struct strmap {
        struct strmap_slot *slots;
        char *pool; /* the keys, NUL-terminated, one after another */
        size_t cap, n, pool_len, pool_cap;
        /* One bit per hash value modulo 16 * cap, set for every key: most
         * words of a text are in no table, and a miss here costs one
         * read of a small, cache-resident bitmap instead of a probe. */
        uint64_t *filter;
};

/* The words map once more, for tokens (lexicon_word_tok): each slot
 * holds its key zero-padded, so a token's zero-padded normalised form
 * is compared with one fixed-size memcmp, and a filter (as in strmap)
 * answers most misses.  Forms of TOK_KEY bytes or more are left to the
 * words map.  The entry's flags ride along, so a caller needing only
 * them reads no struct lex_word. */
#define TOK_KEY 20

struct tokslot {
        char key[TOK_KEY]; /* "" for a free slot */
        uint32_t flags;    /* wordv[val].flags */
        uint32_t hash;
        int32_t val;
};

struct tokmap {
        struct tokslot *slots;
        uint64_t *filter; /* 16 * cap bits */
        size_t cap;
};

/* The tokmap once more with a caller's closed word classes merged in
 * (lexicon_word_toks_cls), built at the first call: a word of both
 * kinds takes one probe.  Keys of CLS_KEY bytes (shorter forms than
 * the tokmap's, as the slot holds the entry itself): a probe compares
 * two 8-byte words; no hash in the slot, as most probes hit. */
#define CLS_KEY 16

struct clsslot {
        char key[CLS_KEY];          /* "" for a free slot */
        uint32_t flags;             /* the entry's flags, 0 for a class word only */
        uint32_t cls;               /* the or of the bits of its classes */
        const struct lex_word *ent; /* NULL for a class word only */
};

struct clsmap {
        struct clsslot *slots;
        /* 16 * cap bits, indexed by the hash's high bits (the last
         * multiply of FNV-1a mixes every byte into them): one shift a
         * token */
        uint64_t *filter;
        unsigned fshift; /* 32 - log2(16 * cap) */
        size_t cap;
        const struct lex_class *classes; /* the array it was built from */
};

/* The filter of words after an alias's first: 32768 bits, indexed by
 * the high bits of a mix of the word's text_hash. */
#define ALIAS_WORD_BITS   32768u
#define ALIAS_WORD_BIT(h) ((uint32_t)(((h) ^ ((h) >> 15)) * 0x2c1b3c6du) >> 17)

struct lexicon {
        struct strmap words; /* form -> index into wordv */
        struct lex_word *wordv;
        size_t nword, capword;
        struct strmap aliases; /* phrase -> ALIAS_VAL(entity index, prefix) */
        struct strmap ids;     /* id -> entity index */
        struct lex_entity *entv;
        size_t nent, capent;
        struct strmap irregular; /* "lemma" -> index into irrv (form lists) */
        char **irrv;             /* space-separated forms per lemma */
        size_t nirr, capirr;
        char *frames[MAX_NAMES];
        int symmetric[MAX_NAMES];
        int count[MAX_NAMES];
        int thing[MAX_NAMES];
        int over[MAX_NAMES];    /* @over: over/through/across X is the patient */
        int implied[MAX_NAMES]; /* theme index + 1 (@theme), 0 for none */
        char *gists[MAX_NAMES];
        int nframes;
        char *themes[MAX_NAMES];
        int nthemes;
        char *units[MAX_NAMES];
        int nunits;
        struct strmap freq; /* lemma -> WordNet sense-tagged count */
        struct tokmap tok;  /* the words map again, keys inline */
        /* tok with the closed classes of lexicon_word_toks_cls: NULL
         * until its first call, then set once (under clsmu) */
        struct clsmap *_Atomic clsmap;
        pthread_mutex_t clsmu;
        int *walias; /* per word entry: its form's aliases value, or -1 */
        /* One bit per ALIAS_WORD_BIT(text_hash(w)) for every word w of an
         * alias after its first (lexicon_alias_word_maybe). */
        uint64_t alias_words[ALIAS_WORD_BITS / 64];
        /* WordNet synsets: lemma -> index into synv; synv[i] packs the
         * first offset in synoff (<< 4) and the sense count. */
        struct strmap syn;
        /* index.noun and index.verb's synsets are read at the first
         * synonym question (claim-level matching only): most runs never
         * ask, and they are half the load (index.verb's lemmas are read
         * at load, for verbs) */
        pthread_mutex_t synmu;
        int nouns_loaded;
        struct strmap verbs;   /* every single-word verb lemma of WordNet */
        struct strmap light;   /* light_verbs.txt: lemmas the SVO fallback skips */
        struct strmap irrpast; /* irregular form -> index into strv (lemma) */
        uint32_t *synv, *synoff;
        size_t nsyn, capsyn, nsynoff, capsynoff;
        struct strmap strings; /* interned strings (lemmas) */
        char **strv;
        size_t nstr, capstr;
};

/* The first slot to probe for hash h: the hash's high bits after a
 * multiplicative mix (cap is a power of two). */
static size_t strmap_home(uint32_t h, size_t cap)
{
        return (size_t)((h * 0x9e3779b1u) ^ (h >> 15)) & (cap - 1);
}

/* Whether NUL-terminated a equals b: inline, for the short keys here. */
static int key_eq(const char *a, const char *b)
{
        while (*a && *a == *b) {
                a++;
                b++;
        }
        return *a == *b;
}

/* The filter bit of hash h (16 * cap bits). */
static size_t strmap_fbit(uint32_t h, size_t cap)
{
        return (size_t)((h ^ (h >> 13)) * 0x85ebca6bu) & (cap * 16 - 1);
}

static void strmap_fset(struct strmap *m, uint32_t h)
{
        size_t b = strmap_fbit(h, m->cap);

        m->filter[b / 64] |= 1ull << (b % 64);
}

static int strmap_find_h(const struct strmap *m, const char *key, uint32_t h)
{
        size_t i, mask = m->cap - 1, b;

        if (!m->cap)
                return -1;
        i = strmap_home(h, m->cap);
        /* the slot's cache miss overlaps the filter's */
        __builtin_prefetch(&m->slots[i]);
        b = strmap_fbit(h, m->cap);
        if (!(m->filter[b / 64] & (1ull << (b % 64))))
                return -1;
        for (; m->slots[i].koff; i = (i + 1) & mask) {
                const struct strmap_slot *sl = &m->slots[i];

                if (sl->hash == h &&
                    key_eq(sl->len < SLOT_KEY ? sl->key : m->pool + sl->koff - 1, key))
                        return sl->val;
        }
        return -1;
}

static int strmap_find(const struct strmap *m, const char *key)
{
        return strmap_find_h(m, key, text_hash(key));
}

/* Moves m's keys into a table of cap slots (a power of two, at least
 * twice the keys). */
static int strmap_resize(struct strmap *m, size_t cap)
{
        struct strmap_slot *slots = calloc(cap, sizeof(*slots));
        uint64_t *filter = calloc(cap * 16 / 64, sizeof(*filter));
        size_t i, j;

        if (!slots || !filter) {
                free(slots);
                free(filter);
                return -1;
        }
        for (i = 0; i < m->cap; i++) {
                if (!m->slots[i].koff)
                        continue;
                for (j = strmap_home(m->slots[i].hash, cap); slots[j].koff;
                     j = (j + 1) & (cap - 1))
                        ;
                slots[j] = m->slots[i];
        }
        free(m->slots);
        free(m->filter);
        m->slots = slots;
        m->filter = filter;
        m->cap = cap;
        for (i = 0; i < cap; i++)
                if (slots[i].koff)
                        strmap_fset(m, slots[i].hash);
        return 0;
}

static int strmap_grow(struct strmap *m)
{
        return strmap_resize(m, m->cap ? m->cap * 2 : 1024);
}

/* Sizes m at once for n keys and pool bytes of them (NULs included):
 * the table it would grow to by doubling as they are put, without the
 * tables in between.  Returns 0 or -1. */
static int strmap_reserve(struct strmap *m, size_t n, size_t pool)
{
        size_t cap = m->cap ? m->cap : 1024;

        while (n * 2 > cap)
                cap *= 2;
        if (cap > m->cap && strmap_resize(m, cap) < 0)
                return -1;
        if (pool > m->pool_cap && pool < UINT32_MAX) {
                char *p = realloc(m->pool, pool);

                if (!p)
                        return -1;
                m->pool = p;
                m->pool_cap = pool;
        }
        return 0;
}

/* Copies key (len bytes and a NUL) into the pool; returns its offset + 1,
 * or 0 when out of memory. */
static uint32_t strmap_pool_add(struct strmap *m, const char *key, size_t len)
{
        size_t off = m->pool_len;

        if (off + len + 1 > m->pool_cap) {
                size_t cap = m->pool_cap ? m->pool_cap * 2 : 16384;
                char *p;

                while (cap < off + len + 1)
                        cap *= 2;
                if (cap >= UINT32_MAX || !(p = realloc(m->pool, cap)))
                        return 0;
                m->pool = p;
                m->pool_cap = cap;
        }
        memcpy(m->pool + off, key, len + 1);
        m->pool_len += len + 1;
        return (uint32_t)off + 1;
}

/* The value of key (len bytes, NUL-terminated, text_hash h) in m: its
 * own, or a new one (*isnew set) for the caller to fill.  NULL when out
 * of memory. */
static int *strmap_upsert(struct strmap *m, const char *key, size_t len, uint32_t h,
                          int *isnew)
{
        size_t i;
        uint32_t koff;

        *isnew = 0;
        if (len >= UINT32_MAX)
                return NULL;
        if (m->cap) {
                for (i = strmap_home(h, m->cap); m->slots[i].koff;
                     i = (i + 1) & (m->cap - 1)) {
                        struct strmap_slot *sl = &m->slots[i];

                        if (sl->hash == h && sl->len == len &&
                            memcmp(sl->len < SLOT_KEY ? sl->key : m->pool + sl->koff - 1,
                                   key, len) == 0)
                                return &sl->val;
                }
        }
        if ((m->n + 1) * 2 > m->cap && strmap_grow(m) < 0)
                return NULL;
        for (i = strmap_home(h, m->cap); m->slots[i].koff; i = (i + 1) & (m->cap - 1))
                ;
        if (!(koff = strmap_pool_add(m, key, len)))
                return NULL;
        m->slots[i].hash = h;
        m->slots[i].len = (uint32_t)len;
        m->slots[i].koff = koff;
        m->slots[i].val = -1;
        memset(m->slots[i].key, 0, SLOT_KEY);
        if (len < SLOT_KEY)
                memcpy(m->slots[i].key, key, len);
        m->n++;
        strmap_fset(m, h);
        *isnew = 1;
        return &m->slots[i].val;
}

/* Inserts or replaces key -> val (key copied). Returns 0 or -1. */
static int strmap_put(struct strmap *m, const char *key, int val)
{
        int isnew, *v = strmap_upsert(m, key, strlen(key), text_hash(key), &isnew);

        if (!v)
                return -1;
        *v = val;
        return 0;
}

static void strmap_free(struct strmap *m)
{
        free(m->slots);
        free(m->filter);
        free(m->pool);
}

/* Grows a vector v of n elements of size sz to hold one more. */
static int vec_reserve(void **v, size_t *cap, size_t n, size_t sz)
{
        void *nv;
        size_t c;

        if (n < *cap)
                return 0;
        c = *cap ? *cap * 2 : 256;
        if (!(nv = realloc(*v, c * sz)))
                return -1;
        *v = nv;
        *cap = c;
        return 0;
}

/* An interned copy of s that lives as long as the lexicon. */
static const char *intern(struct lexicon *lx, const char *s)
{
        int i = strmap_find(&lx->strings, s);
        char *c;

        if (i >= 0)
                return lx->strv[i];
        if (vec_reserve((void **)&lx->strv, &lx->capstr, lx->nstr, sizeof(char *)) < 0 ||
            !(c = strdup(s)))
                return NULL;
        if (strmap_put(&lx->strings, s, (int)lx->nstr) < 0) {
                free(c);
                return NULL;
        }
        lx->strv[lx->nstr++] = c;
        return c;
}

/* The entry of form, created empty when absent. */
static struct lex_word *word_get(struct lexicon *lx, const char *form)
{
        int i = strmap_find(&lx->words, form);
        struct lex_word *w;

        if (i >= 0)
                return &lx->wordv[i];
        if (vec_reserve((void **)&lx->wordv, &lx->capword, lx->nword, sizeof(*w)) < 0 ||
            strmap_put(&lx->words, form, (int)lx->nword) < 0)
                return NULL;
        w = &lx->wordv[lx->nword++];
        memset(w, 0, sizeof(*w));
        w->frame = w->theme = w->unit = -1;
        if (!(w->lemma = intern(lx, form)))
                return NULL;
        return w;
}

static void set_err(char *errstr, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *errstr, size_t size, const char *fmt, ...)
{
        va_list ap;

        if (!errstr || !size)
                return;
        va_start(ap, fmt);
        vsnprintf(errstr, size, fmt, ap);
        va_end(ap);
}

/* Normalises an alias into its lookup phrase: tokens' norms joined by
 * spaces. Returns the number of tokens (0 when empty or too long). */
static unsigned phrase_of(const char *s, char *out, size_t size, char *first,
                          size_t fsize)
{
        struct text_toks tt = {0};
        size_t i, n = 0;
        unsigned ntok = 0;

        out[0] = first[0] = '\0';
        if (text_tokenize(s, strlen(s), 16, &tt) < 0)
                return 0;
        for (i = 0; i < tt.n; i++) {
                size_t l = strlen(tt.v[i].norm);

                if (n + l + 2 >= size) {
                        ntok = 0;
                        break;
                }
                if (n)
                        out[n++] = ' ';
                memcpy(out + n, tt.v[i].norm, l + 1);
                n += l;
                ntok++;
        }
        if (ntok)
                snprintf(first, fsize, "%s", tt.v[0].norm);
        text_toks_free(&tt);
        return ntok;
}

/* Adds an entity or finds the one with id; returns its index or -1. */
static int entity_add(struct lexicon *lx, const char *id, const char *name,
                      const char *kind)
{
        int i = strmap_find(&lx->ids, id);
        struct lex_entity *e;

        if (i >= 0) {
                if (name && !(lx->entv[i].name = intern(lx, name)))
                        return -1;
                if (kind && !(lx->entv[i].kind = intern(lx, kind)))
                        return -1;
                return i;
        }
        if (vec_reserve((void **)&lx->entv, &lx->capent, lx->nent, sizeof(*e)) < 0)
                return -1;
        e = &lx->entv[lx->nent];
        if (!(e->id = intern(lx, id)) || !(e->name = intern(lx, name ? name : id)) ||
            !(e->kind = intern(lx, kind ? kind : "org")))
                return -1;
        if (strmap_put(&lx->ids, id, (int)lx->nent) < 0)
                return -1;
        return (int)lx->nent++;
}

/* Values of the aliases map: the entity index + 1 (0: none) times two,
 * plus one when a longer alias starts with the phrase. */
#define ALIAS_VAL(ent, prefix) (((ent) + 1) * 2 + ((prefix) ? 1 : 0))
#define ALIAS_ENT(val)         ((val) / 2 - 1)

/* Marks every proper prefix of phrase (at spaces) as one. */
static int alias_prefixes(struct lexicon *lx, char *phrase)
{
        char *sp;

        for (sp = strchr(phrase, ' '); sp; sp = strchr(sp + 1, ' ')) {
                int v;

                *sp = '\0';
                v = strmap_find(&lx->aliases, phrase);
                if (v < 0 ? strmap_put(&lx->aliases, phrase, ALIAS_VAL(-1, 1)) < 0
                          : strmap_put(&lx->aliases, phrase, v | 1) < 0) {
                        *sp = ' ';
                        return -1;
                }
                *sp = ' ';
        }
        return 0;
}

/* Sets the alias_words bits of the words of phrase after its first. */
static void alias_words_add(struct lexicon *lx, const char *phrase)
{
        const char *sp;

        for (sp = strchr(phrase, ' '); sp; sp = strchr(sp + 1, ' ')) {
                char w[TEXT_NORM_MAX];
                const char *e = strchr(sp + 1, ' ');
                size_t n = e ? (size_t)(e - sp - 1) : strlen(sp + 1);
                uint32_t b;

                if (n >= sizeof(w))
                        n = sizeof(w) - 1; /* never: a token's form is shorter */
                memcpy(w, sp + 1, n);
                w[n] = '\0';
                b = ALIAS_WORD_BIT(text_hash(w));
                lx->alias_words[b / 64] |= 1ull << (b % 64);
        }
}

static int alias_add(struct lexicon *lx, int ent, const char *alias)
{
        char phrase[256], first[TEXT_NORM_MAX];
        unsigned ntok = phrase_of(alias, phrase, sizeof(phrase), first, sizeof(first));
        struct lex_word *w;

        if (!ntok)
                return 0;
        {
                int v = strmap_find(&lx->aliases, phrase);

                if (v < 0 ? strmap_put(&lx->aliases, phrase, ALIAS_VAL(ent, 0)) < 0
                    : ALIAS_ENT(v) < 0
                        ? strmap_put(&lx->aliases, phrase, ALIAS_VAL(ent, 1)) < 0
                        : 0)
                        return -1;
        }
        if (alias_prefixes(lx, phrase) < 0)
                return -1;
        alias_words_add(lx, phrase);
        if (!(w = word_get(lx, first)))
                return -1;
        w->flags |= LX_ENT;
        if (ntok > w->ent_maxlen)
                w->ent_maxlen = ntok;
        return 0;
}

/* Loads Debian's ISO 3166-1 list: alpha-2 ids with their names. */
static int load_iso(struct lexicon *lx, char *errstr, size_t errsz)
{
        const char *path = getenv("CLAIMWATCH_ISO3166");
        json_error_t jerr;
        json_t *root, *arr, *c;
        size_t i;
        int rc = -1;

        if (!path)
                path = ISO3166_PATH;
        if (access(path, R_OK) != 0)
                return 0; /* optional: the alias file still names the big ones */
        if (!(root = json_load_file(path, 0, &jerr))) {
                set_err(errstr, errsz, "%s:%d: %s", path, jerr.line, jerr.text);
                return -1;
        }
        arr = json_object_get(root, "3166-1");
        json_array_foreach(arr, i, c)
        {
                const char *id = json_string_value(json_object_get(c, "alpha_2"));
                const char *name = json_string_value(json_object_get(c, "name"));
                const char *common = json_string_value(json_object_get(c, "common_name"));
                const char *official =
                    json_string_value(json_object_get(c, "official_name"));
                int e;

                if (!id || !name)
                        continue;
                if ((e = entity_add(lx, id, common ? common : name, "country")) < 0)
                        goto out;
                if ((!strchr(name, ',') && alias_add(lx, e, name) < 0) ||
                    (common && alias_add(lx, e, common) < 0) ||
                    (official && alias_add(lx, e, official) < 0))
                        goto out;
        }
        rc = 0;
out:
        json_decref(root);
        return rc;
}

/* Reads WordNet's cntlist.rev ("arrest%2:35:00:: 1 20"): how often each
 * lemma was tagged in the SemCor corpus, summed over its senses.  A rough
 * commonness measure: rare and unknown words are the salient ones. */
static int load_freq(struct lexicon *lx)
{
        FILE *fp = fopen(WORDNET_CNTLIST, "r");
        char line[256];

        if (!fp)
                return 0;
        while (fgets(line, sizeof(line), fp)) {
                char *pct = strchr(line, '%'), *sp = strrchr(line, ' ');
                int old, cnt;

                if (!pct || !sp || pct - line >= TEXT_NORM_MAX ||
                    memchr(line, '_', pct - line))
                        continue;
                *pct = '\0';
                cnt = atoi(sp + 1);
                old = strmap_find(&lx->freq, line);
                if (strmap_put(&lx->freq, line, (old > 0 ? old : 0) + cnt) < 0) {
                        fclose(fp);
                        return -1;
                }
        }
        fclose(fp);
        return 0;
}

/* Reads the synset offsets of WordNet's index.noun and index.verb
 * ("boob n 2 4 @ #p %p + 2 0 10039391 05554405"): two words that share
 * a synset are synonyms (boob, breast).  Offsets are tagged with the part
 * of speech (the files are separate), and multi-word lemmas and very
 * ambiguous words are left out. */
static int load_synsets(struct lexicon *lx, size_t k0, size_t k1)
{
        static const char *const pos[] = {"noun", "verb"};
        char path[64], line[4096];
        size_t k;

        for (k = k0; k < k1; k++) {
                FILE *fp;

                snprintf(path, sizeof(path), "%s%s", WORDNET_INDEX, pos[k]);
                if (!(fp = fopen(path, "r")))
                        continue;
                while (fgets(line, sizeof(line), fp)) {
                        char *tok[64], *save = NULL, *t;
                        int nt = 0, nsense, nptr, i, old;
                        uint32_t first = (uint32_t)lx->nsynoff;

                        if (line[0] == ' ' || strchr(line, '_'))
                                continue; /* licence header, multi-word */
                        for (t = strtok_r(line, " \n", &save); t && nt < 64;
                             t = strtok_r(NULL, " \n", &save))
                                tok[nt++] = t;
                        if (nt < 4 || strlen(tok[0]) >= TEXT_NORM_MAX)
                                continue;
                        if (k == 1 && strmap_find(&lx->verbs, tok[0]) < 0 &&
                            strmap_put(&lx->verbs, tok[0], 1) < 0)
                                goto fail;
                        nsense = atoi(tok[2]);
                        nptr = atoi(tok[3]);
                        /* lemma pos synset_cnt p_cnt ptr... sense_cnt
                         * tagsense_cnt offset... */
                        if (nsense <= 0 || nsense > SYN_MAX_SENSES ||
                            nt != 4 + nptr + 2 + nsense)
                                continue;
                        for (i = 0; i < nsense; i++) {
                                if (vec_reserve((void **)&lx->synoff, &lx->capsynoff,
                                                lx->nsynoff, sizeof(uint32_t)) < 0)
                                        goto fail;
                                lx->synoff[lx->nsynoff++] =
                                    (uint32_t)strtoul(tok[nt - nsense + i], NULL, 10) *
                                        2 +
                                    (uint32_t)k;
                        }
                        old = strmap_find(&lx->syn, tok[0]);
                        if (old >= 0) {
                                /* a noun and a verb: keep the noun's senses and
                                 * the verb's; they are contiguous only when
                                 * stored again together */
                                uint32_t o = lx->synv[old] >> 4, n = lx->synv[old] & 15;
                                uint32_t j;

                                if (n + (uint32_t)nsense > 15) {
                                        lx->nsynoff = first;
                                        continue;
                                }
                                for (j = 0; j < n; j++) {
                                        if (vec_reserve((void **)&lx->synoff,
                                                        &lx->capsynoff, lx->nsynoff,
                                                        sizeof(uint32_t)) < 0)
                                                goto fail;
                                        lx->synoff[lx->nsynoff++] = lx->synoff[o + j];
                                }
                                lx->synv[old] = (first << 4) | (n + (uint32_t)nsense);
                                continue;
                        }
                        if (vec_reserve((void **)&lx->synv, &lx->capsyn, lx->nsyn,
                                        sizeof(uint32_t)) < 0 ||
                            strmap_put(&lx->syn, tok[0], (int)lx->nsyn) < 0)
                                goto fail;
                        lx->synv[lx->nsyn++] = (first << 4) | (uint32_t)nsense;
                }
                fclose(fp);
                continue;
        fail:
                fclose(fp);
                return -1;
        }
        return 0;
}

/* Reads the verb lemmas of WordNet's index.verb into lx->verbs, as
 * load_synsets(lx, 1, 2) would (the same lines, the same order), without
 * their synsets: those are read at the first synonym question, and the
 * verbs are needed at once (lexicon_past_verb). */
static int load_verbs(struct lexicon *lx)
{
        FILE *fp = fopen(WORDNET_INDEX "verb", "r");
        char line[4096];

        if (!fp)
                return 0;
        while (fgets(line, sizeof(line), fp)) {
                char *save = NULL, *t, *lemma = NULL;
                int nt = 0;

                if (line[0] == ' ' || strchr(line, '_'))
                        continue; /* licence header, multi-word */
                /* load_synsets takes lines of 4 tokens or more */
                for (t = strtok_r(line, " \n", &save); t && nt < 4;
                     t = strtok_r(NULL, " \n", &save))
                        if (nt++ == 0)
                                lemma = t;
                if (nt < 4 || strlen(lemma) >= TEXT_NORM_MAX)
                        continue;
                if (strmap_find(&lx->verbs, lemma) < 0 &&
                    strmap_put(&lx->verbs, lemma, 1) < 0) {
                        fclose(fp);
                        return -1;
                }
        }
        fclose(fp);
        return 0;
}

/* The synset entry of w or of its singular or base form, or -1. */
static int syn_find(const struct lexicon *lx, const char *w)
{
        char b[TEXT_NORM_MAX];
        int i;

        if ((i = strmap_find(&lx->syn, w)) >= 0 || strlen(w) >= sizeof(b))
                return i;
        text_lemma_guess(w, b); /* breasts -> breast, parties -> party */
        return strcmp(b, w) ? strmap_find(&lx->syn, b) : -1;
}

int lexicon_is_light_verb(const struct lexicon *lx, const char *lemma)
{
        return strmap_find(&lx->light, lemma) >= 0;
}

int lexicon_is_verb(const struct lexicon *lx, const char *lemma)
{
        return strmap_find(&lx->verbs, lemma) >= 0;
}

const char *lexicon_past_verb_h(const struct lexicon *lx, const char *form, uint32_t hash,
                                char *buf)
{
        size_t n = strlen(form);
        int i;

        if (!lx->verbs.n || n < 3 || n >= TEXT_NORM_MAX)
                return NULL;
        if ((i = strmap_find_h(&lx->irrpast, form, hash)) >= 0)
                return lx->strv[i];
        if (n < 5 || form[n - 2] != 'e' || form[n - 1] != 'd')
                return NULL;
        text_lemma_guess(form, buf);
        hash = text_hash(buf);
        if (strmap_find_h(&lx->verbs, buf, hash) >= 0)
                return buf;
        n = strlen(buf);
        if (n + 1 < TEXT_NORM_MAX) {
                buf[n] = 'e'; /* created -> create */
                buf[n + 1] = '\0';
                /* the hash of the stem, continued */
                if (strmap_find_h(&lx->verbs, buf, text_hash_more(hash, buf + n)) >= 0)
                        return buf;
        }
        return NULL;
}

const char *lexicon_past_verb(const struct lexicon *lx, const char *form, char *buf)
{
        return lexicon_past_verb_h(lx, form, text_hash(form), buf);
}

int lexicon_synonym(const struct lexicon *lx, const char *a, const char *b)
{
        int ia, ib;
        uint32_t i, j, oa, na, ob, nb;

        if (!lx)
                return 0;
        if (!lx->nouns_loaded) {
                struct lexicon *m = (struct lexicon *)lx; /* a cache fill */

                pthread_mutex_lock(&m->synmu);
                /* verbs first, then nouns: the order of a load of both */
                if (!m->nouns_loaded &&
                    (load_synsets(m, 1, 2) < 0 || load_synsets(m, 0, 1) < 0))
                        log_warn("lexicon", "WordNet synsets: out of memory");
                m->nouns_loaded = 1;
                pthread_mutex_unlock(&m->synmu);
        }
        if (!lx->nsyn || (ia = syn_find(lx, a)) < 0 || (ib = syn_find(lx, b)) < 0)
                return 0;
        oa = lx->synv[ia] >> 4;
        na = lx->synv[ia] & 15;
        ob = lx->synv[ib] >> 4;
        nb = lx->synv[ib] & 15;
        for (i = 0; i < na; i++)
                for (j = 0; j < nb; j++)
                        if (lx->synoff[oa + i] == lx->synoff[ob + j])
                                return 1;
        return 0;
}

/* Reads WordNet's verb.exc ("sold sell") into lemma -> "form form". */
static int load_irregular(struct lexicon *lx)
{
        FILE *fp = fopen(WORDNET_VERB_EXC, "r");
        char line[256], form[128], lemma[128];

        if (!fp)
                return 0;
        while (fgets(line, sizeof(line), fp)) {
                int i;

                if (sscanf(line, "%127s %127s", form, lemma) != 2)
                        continue;
                if (strlen(form) < TEXT_NORM_MAX && strmap_find(&lx->irrpast, form) < 0) {
                        if (!intern(lx, lemma) ||
                            strmap_put(&lx->irrpast, form,
                                       strmap_find(&lx->strings, lemma)) < 0)
                                goto fail;
                }
                i = strmap_find(&lx->irregular, lemma);
                if (i < 0) {
                        if (vec_reserve((void **)&lx->irrv, &lx->capirr, lx->nirr,
                                        sizeof(char *)) < 0 ||
                            !(lx->irrv[lx->nirr] = strdup(form)) ||
                            strmap_put(&lx->irregular, lemma, (int)lx->nirr) < 0)
                                goto fail;
                        lx->nirr++;
                } else {
                        size_t n = strlen(lx->irrv[i]) + strlen(form) + 2;
                        char *s = realloc(lx->irrv[i], n);

                        if (!s)
                                goto fail;
                        strcat(strcat(s, " "), form);
                        lx->irrv[i] = s;
                }
        }
        fclose(fp);
        return 0;
fail:
        fclose(fp);
        return -1;
}

static int is_vowel(char c)
{
        return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Calls add(lx, form, ...) for each inflected form of the verb lemma:
 * -s/-es/-ies, -ed/-d/-ied, -ing, consonant doubling, WordNet irregulars. */
static int verb_forms(struct lexicon *lx, const char *lemma, char forms[][TEXT_NORM_MAX])
{
        size_t n = strlen(lemma);
        int k = 0, irr;
        char last = n ? lemma[n - 1] : 0, stem[TEXT_NORM_MAX];

        if (n == 0 || n + 5 >= TEXT_NORM_MAX)
                return 0;
        snprintf(forms[k++], TEXT_NORM_MAX, "%s", lemma);
        if (last == 'y' && n > 1 && !is_vowel(lemma[n - 2])) {
                snprintf(stem, sizeof(stem), "%.*s", (int)n - 1, lemma);
                snprintf(forms[k++], TEXT_NORM_MAX, "%.24sies", stem);
                snprintf(forms[k++], TEXT_NORM_MAX, "%.24sied", stem);
                snprintf(forms[k++], TEXT_NORM_MAX, "%sing", lemma);
        } else {
                int es = last == 's' || last == 'x' || last == 'z' ||
                         (n > 1 && (lemma[n - 2] == 'c' || lemma[n - 2] == 's') &&
                          last == 'h');

                snprintf(forms[k++], TEXT_NORM_MAX, "%s%s", lemma, es ? "es" : "s");
                snprintf(forms[k++], TEXT_NORM_MAX, "%s%s", lemma,
                         last == 'e' ? "d" : "ed");
                if (last == 'e' && n > 2 && lemma[n - 2] != 'e')
                        snprintf(forms[k++], TEXT_NORM_MAX, "%.*sing", (int)n - 1, lemma);
                else
                        snprintf(forms[k++], TEXT_NORM_MAX, "%sing", lemma);
                /* ship -> shipped, admit -> admitted (both spellings are
                 * harmless: the wrong one never occurs) */
                if (n >= 3 && !is_vowel(last) && last != 'w' && last != 'x' &&
                    last != 'y' && is_vowel(lemma[n - 2]) && !is_vowel(lemma[n - 3])) {
                        snprintf(forms[k++], TEXT_NORM_MAX, "%s%ced", lemma, last);
                        snprintf(forms[k++], TEXT_NORM_MAX, "%s%cing", lemma, last);
                }
        }
        if ((irr = strmap_find(&lx->irregular, lemma)) >= 0) {
                const char *p = lx->irrv[irr];

                while (*p && k < 14) {
                        size_t l = strcspn(p, " ");

                        if (l < TEXT_NORM_MAX)
                                snprintf(forms[k++], TEXT_NORM_MAX, "%.*s", (int)l, p);
                        p += l;
                        while (*p == ' ')
                                p++;
                }
        }
        return k;
}

/* Adds flag to every form of a verb lemma. */
static int add_verb(struct lexicon *lx, const char *lemma, unsigned flag, int frame,
                    char role)
{
        char forms[16][TEXT_NORM_MAX];
        const char *lem = intern(lx, lemma);
        int k = verb_forms(lx, lemma, forms), i;

        if (!lem)
                return -1;
        for (i = 0; i < k; i++) {
                struct lex_word *w = word_get(lx, forms[i]);

                if (!w)
                        return -1;
                w->flags |= flag | LX_VERB;
                if (!(w->flags & (LX_REPORT | LX_DENY | LX_ADMIT)) || w->lemma == NULL ||
                    (flag & (LX_REPORT | LX_DENY | LX_ADMIT)) || frame >= 0)
                        w->lemma = lem;
                if (frame >= 0 && w->frame < 0) {
                        w->frame = frame;
                        w->role = role;
                }
        }
        return 0;
}

/* Index of name in the table names[0..*n), appended when new. */
static int name_index(char **names, int *n, const char *name)
{
        int i;

        for (i = 0; i < *n; i++)
                if (strcmp(names[i], name) == 0)
                        return i;
        if (*n >= MAX_NAMES || !(names[*n] = strdup(name)))
                return -1;
        return (*n)++;
}

/* Strips comments and surrounding blanks; returns NULL for empty lines. */
static char *clean_line(char *line)
{
        char *p = strchr(line, '#'), *e;

        if (p)
                *p = '\0';
        while (*line == ' ' || *line == '\t')
                line++;
        e = line + strlen(line);
        while (e > line &&
               (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
                *--e = '\0';
        return *line ? line : NULL;
}

enum file_kind { F_VERBS, F_WORDS, F_CLASSES, F_FRAMES, F_ENTITIES, F_LIGHT };

struct lex_file {
        const char *name;
        enum file_kind kind;
        unsigned flag;
};

static const struct lex_file lex_files[] = {
    {"report.txt", F_VERBS, LX_REPORT},     {"deny.txt", F_VERBS, LX_DENY},
    {"admit.txt", F_VERBS, LX_ADMIT},       {"negation.txt", F_WORDS, LX_NEG},
    {"falsity.txt", F_WORDS, LX_FALSE},     {"lying.txt", F_WORDS, LX_LIE | LX_FALSE},
    {"hedge.txt", F_WORDS, LX_HEDGE},       {"intent.txt", F_WORDS, LX_INTENT},
    {"hypothetical.txt", F_WORDS, LX_HYPO}, {"abbreviations.txt", F_WORDS, LX_ABBREV},
    {"themes.txt", F_CLASSES, LX_THEME},    {"units.txt", F_CLASSES, LX_UNIT},
    {"frames.txt", F_FRAMES, LX_FRAME},     {"entities.txt", F_ENTITIES, 0},
    {"dismiss.txt", F_VERBS, LX_DISMISS},   {"rumour.txt", F_WORDS, LX_RUMOUR},
    {"wellbeing.txt", F_WORDS, LX_WELL},    {"prohibition.txt", F_WORDS, LX_PROHIBIT},
    {"light_verbs.txt", F_LIGHT, 0},
};

static int line_frames(struct lexicon *lx, char *line)
{
        char frame[64], role[64], w1[64], w2[64];
        int n = sscanf(line, "%63s %63s %63s %63s", frame, role, w1, w2), f;
        struct lex_word *w;

        if (n >= 2 && strcmp(frame, "@count") == 0) {
                if ((f = name_index(lx->frames, &lx->nframes, role)) < 0)
                        return -1;
                lx->count[f] = 1;
                return 0;
        }
        if (n >= 2 && strcmp(frame, "@over") == 0) {
                if ((f = name_index(lx->frames, &lx->nframes, role)) < 0)
                        return -1;
                lx->over[f] = 1;
                return 0;
        }
        if (n >= 2 && strcmp(frame, "@thing") == 0) {
                if ((f = name_index(lx->frames, &lx->nframes, role)) < 0)
                        return -1;
                lx->thing[f] = 1;
                return 0;
        }
        if (n >= 3 && strcmp(frame, "@theme") == 0) {
                int t = name_index(lx->themes, &lx->nthemes, w1);

                if ((f = name_index(lx->frames, &lx->nframes, role)) < 0 || t < 0)
                        return -1;
                lx->implied[f] = t + 1;
                return 0;
        }
        if (n >= 2 && strcmp(frame, "@symmetric") == 0) {
                if ((f = name_index(lx->frames, &lx->nframes, role)) < 0)
                        return -1;
                lx->symmetric[f] = 1;
                return 0;
        }
        if (n >= 3 && strcmp(frame, "@gist") == 0) {
                const char *tmpl = strstr(line, w1);

                if ((f = name_index(lx->frames, &lx->nframes, role)) < 0)
                        return -1;
                free(lx->gists[f]);
                return (lx->gists[f] = strdup(tmpl)) ? 0 : -1;
        }
        if (n < 3 || !strchr("+~<-xnp!*", role[0]) || role[1])
                return -1;
        if ((f = name_index(lx->frames, &lx->nframes, frame)) < 0)
                return -1;
        if (role[0] != 'n' && role[0] != 'p' && role[0] != '*')
                return add_verb(lx, w1, LX_FRAME, f, role[0]);
        if (!(w = word_get(lx, n == 4 ? w2 : w1)))
                return -1;
        if ((w->flags & LX_FRAME) && w->frame == f && w->role != 'n' && w->role != 'p') {
                w->noun = 1; /* attack: a verb and a noun of one frame */
                return 0;
        }
        w->flags |= LX_FRAME;
        w->frame = f;
        w->role = role[0];
        if (n == 4 && !(w->req_prev = intern(lx, w1)))
                return -1;
        return 0;
}

static int line_classes(struct lexicon *lx, char *line, unsigned flag)
{
        char cls[64], word[64];
        struct lex_word *w;
        int c;

        if (sscanf(line, "%63s %63s", cls, word) != 2)
                return -1;
        if (flag == LX_THEME)
                c = name_index(lx->themes, &lx->nthemes, cls);
        else
                c = name_index(lx->units, &lx->nunits, cls);
        if (c < 0 || !(w = word_get(lx, word)))
                return -1;
        w->flags |= flag;
        if (flag == LX_THEME)
                w->theme = c;
        else
                w->unit = c;
        return 0;
}

/* "ID KIND Name | alias | alias" */
static int line_entities(struct lexicon *lx, char *line)
{
        char id[64], kind[32], *p, *tok, *save = NULL;
        int n = 0, e = -1;

        if (sscanf(line, "%63s %31s %n", id, kind, &n) != 2 || n <= 0)
                return -1;
        p = line + n;
        for (tok = strtok_r(p, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
                char *t = clean_line(tok);

                if (!t)
                        continue;
                if (e < 0 && (e = entity_add(lx, id, t, kind)) < 0)
                        return -1;
                if (alias_add(lx, e, t) < 0)
                        return -1;
        }
        return e < 0 ? -1 : 0;
}

static int load_file(struct lexicon *lx, const char *dir, const struct lex_file *lf,
                     char *errstr, size_t errsz)
{
        char path[PATH_MAX], buf[2048], *line;
        FILE *fp;
        int lineno = 0, rc = 0;

        snprintf(path, sizeof(path), "%s/%s", dir, lf->name);
        if (!(fp = fopen(path, "r"))) {
                set_err(errstr, errsz, "%s: %s", path, strerror(errno));
                return -1;
        }
        while (rc == 0 && fgets(buf, sizeof(buf), fp)) {
                struct lex_word *w;

                lineno++;
                if (!(line = clean_line(buf)))
                        continue;
                switch (lf->kind) {
                case F_VERBS:
                        rc = add_verb(lx, line, lf->flag, -1, 0);
                        break;
                case F_WORDS:
                        w = word_get(lx, line);
                        rc = w ? 0 : -1;
                        if (w)
                                w->flags |= lf->flag;
                        break;
                case F_CLASSES:
                        rc = line_classes(lx, line, lf->flag);
                        break;
                case F_FRAMES:
                        rc = line_frames(lx, line);
                        break;
                case F_ENTITIES:
                        rc = line_entities(lx, line);
                        break;
                case F_LIGHT: /* lemmas apart from the word map: no flags */
                        rc = strmap_find(&lx->light, line) >= 0
                                 ? 0
                                 : strmap_put(&lx->light, line, 1);
                        break;
                }
        }
        fclose(fp);
        if (rc < 0)
                set_err(errstr, errsz, "%s:%d: bad entry", path, lineno);
        return rc;
}

/* Looks every word entry's form up in the aliases map once, for
 * lexicon_word_entity.  Returns 0 or -1. */
static int walias_build(struct lexicon *lx)
{
        const struct strmap *m = &lx->words;
        size_t i;

        if (!(lx->walias = malloc((lx->nword + 1) * sizeof(*lx->walias))))
                return -1;
        for (i = 0; i <= lx->nword; i++)
                lx->walias[i] = -1;
        for (i = 0; i < m->cap; i++) {
                const struct strmap_slot *sl = &m->slots[i];

                if (sl->koff)
                        lx->walias[sl->val] =
                            strmap_find_h(&lx->aliases, m->pool + sl->koff - 1, sl->hash);
        }
        return 0;
}

/* Builds lx->tok from the words map (keys shorter than TOK_KEY).
 * Returns 0 or -1. */
static int tokmap_build(struct lexicon *lx)
{
        const struct strmap *m = &lx->words;
        struct tokmap *t = &lx->tok;
        size_t i, cap = 1024;

        while (cap < m->n * 2)
                cap *= 2;
        if (!(t->slots = calloc(cap, sizeof(*t->slots))) ||
            !(t->filter = calloc(cap * 16 / 64, sizeof(*t->filter))))
                return -1;
        t->cap = cap;
        for (i = 0; i < m->cap; i++) {
                const struct strmap_slot *sl = &m->slots[i];
                size_t j, b;

                if (!sl->koff || sl->len >= TOK_KEY || sl->len == 0)
                        continue;
                for (j = strmap_home(sl->hash, cap); t->slots[j].key[0];
                     j = (j + 1) & (cap - 1))
                        ;
                memcpy(t->slots[j].key, m->pool + sl->koff - 1, sl->len);
                t->slots[j].hash = sl->hash;
                t->slots[j].val = sl->val;
                t->slots[j].flags = lx->wordv[sl->val].flags;
                b = strmap_fbit(sl->hash, cap);
                t->filter[b / 64] |= 1ull << (b % 64);
        }
        return walias_build(lx);
}

static void clsmap_free(struct clsmap *cm)
{
        if (!cm)
                return;
        free(cm->slots);
        free(cm->filter);
        free(cm);
}

/* The slot of cm for the zero-padded key whose text_hash is hash: its
 * own, or the free slot where it goes. */
static struct clsslot *clsmap_slot(struct clsmap *cm, const char *key, uint32_t hash)
{
        size_t k;

        for (k = strmap_home(hash, cm->cap); cm->slots[k].key[0];
             k = (k + 1) & (cm->cap - 1))
                if (memcmp(cm->slots[k].key, key, CLS_KEY) == 0)
                        break;
        return &cm->slots[k];
}

/* Adds the form key (zero-padded, shorter than CLS_KEY) to cm, with its
 * entry ent (NULL for none). */
static void clsmap_add(struct clsmap *cm, const char *key, uint32_t hash, uint32_t bits,
                       uint32_t flags, const struct lex_word *ent)
{
        struct clsslot *sl = clsmap_slot(cm, key, hash);
        size_t b = hash >> cm->fshift;

        if (!sl->key[0]) {
                memcpy(sl->key, key, CLS_KEY);
                sl->ent = ent;
        }
        sl->flags |= flags;
        sl->cls |= bits;
        cm->filter[b / 64] |= 1ull << (b % 64);
}

/* Builds the tokmap of lx with the words of classes merged in.  Returns
 * it, or NULL when out of memory or a class word is TOK_KEY bytes or
 * more. */
static struct clsmap *clsmap_build(const struct lexicon *lx,
                                   const struct lex_class *classes, size_t nclasses)
{
        struct clsmap *cm = calloc(1, sizeof(*cm));
        size_t i, nw = 0, cap = 1024;
        const char *const *w;

        if (!cm)
                return NULL;
        for (i = 0; i < nclasses; i++)
                for (w = classes[i].words; *w; w++) {
                        if (strlen(*w) >= CLS_KEY || !**w)
                                goto fail;
                        nw++;
                }
        for (i = 0; i < lx->tok.cap; i++)
                nw += lx->tok.slots[i].key[0] != 0;
        while (cap < nw * 2)
                cap *= 2;
        if (!(cm->slots = calloc(cap, sizeof(*cm->slots))) ||
            !(cm->filter = calloc(cap * 16 / 64, sizeof(*cm->filter))))
                goto fail;
        cm->cap = cap;
        for (cm->fshift = 32; (1ull << (32 - cm->fshift)) < cap * 16; cm->fshift--)
                ;
        cm->classes = classes;
        for (i = 0; i < lx->tok.cap; i++) {
                const struct tokslot *t = &lx->tok.slots[i];

                /* longer forms are looked up in the words map */
                if (t->key[0] && !t->key[CLS_KEY - 1])
                        clsmap_add(cm, t->key, t->hash, 0, t->flags, &lx->wordv[t->val]);
        }
        for (i = 0; i < nclasses; i++)
                for (w = classes[i].words; *w; w++) {
                        char key[CLS_KEY] = {0};

                        memcpy(key, *w, strlen(*w));
                        clsmap_add(cm, key, text_hash(*w), classes[i].bits,
                                   classes[i].flags, NULL);
                }
        return cm;
fail:
        clsmap_free(cm);
        return NULL;
}

/* lx's clsmap for classes, built at the first call (a cache fill, as
 * the lexicon is otherwise read-only).  NULL when out of memory or lx's
 * map is of other classes. */
static const struct clsmap *clsmap_get(const struct lexicon *lx,
                                       const struct lex_class *classes, size_t nclasses)
{
        struct lexicon *m = (struct lexicon *)lx;
        struct clsmap *cm = atomic_load_explicit(&m->clsmap, memory_order_acquire);

        if (!cm) {
                pthread_mutex_lock(&m->clsmu);
                if (!(cm = atomic_load_explicit(&m->clsmap, memory_order_relaxed)) &&
                    (cm = clsmap_build(lx, classes, nclasses)))
                        atomic_store_explicit(&m->clsmap, cm, memory_order_release);
                pthread_mutex_unlock(&m->clsmu);
        }
        return cm && cm->classes == classes ? cm : NULL;
}

struct lexicon *lexicon_load(const char *dir, char *errstr, size_t errstr_size)
{
        struct lexicon *lx = calloc(1, sizeof(*lx));
        size_t i;

        if (!lx) {
                set_err(errstr, errstr_size, "out of memory");
                return NULL;
        }
        if (!dir)
                dir = lexicon_default_dir();
        pthread_mutex_init(&lx->synmu, NULL);
        pthread_mutex_init(&lx->clsmu, NULL);
        if (load_irregular(lx) < 0 || load_freq(lx) < 0 || load_verbs(lx) < 0 ||
            load_iso(lx, errstr, errstr_size) < 0)
                goto fail;
        for (i = 0; i < sizeof(lex_files) / sizeof(lex_files[0]); i++)
                if (load_file(lx, dir, &lex_files[i], errstr, errstr_size) < 0)
                        goto fail;
        if (tokmap_build(lx) < 0) {
                set_err(errstr, errstr_size, "out of memory");
                goto fail;
        }
        return lx;
fail:
        lexicon_free(lx);
        return NULL;
}

void lexicon_free(struct lexicon *lx)
{
        size_t i;
        int k;

        if (!lx)
                return;
        strmap_free(&lx->words);
        strmap_free(&lx->aliases);
        strmap_free(&lx->ids);
        strmap_free(&lx->irregular);
        strmap_free(&lx->strings);
        strmap_free(&lx->freq);
        free(lx->tok.slots);
        free(lx->walias);
        free(lx->tok.filter);
        clsmap_free(atomic_load_explicit(&lx->clsmap, memory_order_relaxed));
        pthread_mutex_destroy(&lx->clsmu);
        strmap_free(&lx->syn);
        pthread_mutex_destroy(&lx->synmu);
        strmap_free(&lx->verbs);
        strmap_free(&lx->light);
        strmap_free(&lx->irrpast);
        free(lx->synv);
        free(lx->synoff);
        for (i = 0; i < lx->nirr; i++)
                free(lx->irrv[i]);
        for (i = 0; i < lx->nstr; i++)
                free(lx->strv[i]);
        for (k = 0; k < lx->nframes; k++) {
                free(lx->frames[k]);
                free(lx->gists[k]);
        }
        for (k = 0; k < lx->nthemes; k++)
                free(lx->themes[k]);
        for (k = 0; k < lx->nunits; k++)
                free(lx->units[k]);
        free(lx->irrv);
        free(lx->strv);
        free(lx->wordv);
        free(lx->entv);
        free(lx);
}

const char *lexicon_default_dir(void)
{
        static char buf[PATH_MAX];
        const char *env = getenv("CLAIMWATCH_LEXICON_DIR");
        char exe[PATH_MAX];
        ssize_t n;

        if (env && *env)
                return env;
        n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n > 0) {
                char *slash;

                exe[n] = '\0';
                if ((slash = strrchr(exe, '/'))) {
                        *slash = '\0';
                        snprintf(buf, sizeof(buf), "%.*s/../config/lexicon",
                                 PATH_MAX - 32, exe);
                        if (access(buf, R_OK) == 0)
                                return buf;
                }
        }
#ifdef CW_INSTALLED_LEXICON_DIR
        if (access(CW_INSTALLED_LEXICON_DIR, R_OK) == 0)
                return CW_INSTALLED_LEXICON_DIR;
#endif
#ifdef CW_SOURCE_LEXICON_DIR
        return CW_SOURCE_LEXICON_DIR;
#else
        return "config/lexicon";
#endif
}

const struct lex_word *lexicon_word(const struct lexicon *lx, const char *norm)
{
        int i = strmap_find(&lx->words, norm);

        return i >= 0 ? &lx->wordv[i] : NULL;
}

const struct lex_word *lexicon_word_hashed(const struct lexicon *lx, const char *norm,
                                           uint32_t hash)
{
        int i = strmap_find_h(&lx->words, norm, hash);

        return i >= 0 ? &lx->wordv[i] : NULL;
}

/* lexicon_word_tok, inline for lexicon_word_toks. */
static inline const struct lex_word *word_tok(const struct lexicon *lx, const char *norm,
                                              uint32_t hash)
{
        const struct tokmap *t = &lx->tok;
        size_t i, b = strmap_fbit(hash, t->cap);

        if (norm[TOK_KEY - 1])
                return lexicon_word_hashed(lx, norm, hash); /* a long form */
        if (!(t->filter[b / 64] & (1ull << (b % 64))))
                return NULL;
        for (i = strmap_home(hash, t->cap); t->slots[i].key[0];
             i = (i + 1) & (t->cap - 1))
                if (t->slots[i].hash == hash &&
                    memcmp(t->slots[i].key, norm, TOK_KEY) == 0)
                        return &lx->wordv[t->slots[i].val];
        return NULL;
}

const struct lex_word *lexicon_word_tok(const struct lexicon *lx, const char *norm,
                                        uint32_t hash)
{
        return word_tok(lx, norm, hash);
}

void lexicon_word_toks(const struct lexicon *lx, const struct text_tok *v, size_t n,
                       const struct lex_word **out)
{
        size_t i;

        for (i = 0; i < n; i++)
                out[i] = word_tok(lx, v[i].norm, v[i].hash);
}

void lexicon_word_toks_flags(const struct lexicon *lx, const struct text_tok *v, size_t n,
                             const struct lex_word **out, uint32_t *flags)
{
        /* the table in locals: the stores to out and flags cannot
         * change it, so it is not read again a token */
        const struct tokslot *slots = lx->tok.slots;
        const uint64_t *filter = lx->tok.filter;
        const struct lex_word *wordv = lx->wordv;
        size_t i, cap = lx->tok.cap;

        for (i = 0; i < n; i++) {
                const char *norm = v[i].norm;
                uint32_t hash = v[i].hash;
                size_t k, b = strmap_fbit(hash, cap);

                out[i] = NULL;
                flags[i] = 0;
                if (norm[TOK_KEY - 1]) { /* a long form */
                        if ((out[i] = lexicon_word_hashed(lx, norm, hash)))
                                flags[i] = out[i]->flags;
                        continue;
                }
                if (!(filter[b / 64] & (1ull << (b % 64))))
                        continue;
                for (k = strmap_home(hash, cap); slots[k].key[0];
                     k = (k + 1) & (cap - 1)) {
                        if (slots[k].hash == hash &&
                            memcmp(slots[k].key, norm, TOK_KEY) == 0) {
                                out[i] = &wordv[slots[k].val];
                                flags[i] = slots[k].flags;
                                break;
                        }
                }
        }
}

int lexicon_word_toks_cls(const struct lexicon *lx, const struct text_tok *v, size_t n,
                          const struct lex_class *classes, size_t nclasses,
                          const struct lex_word **out, uint32_t *flags, uint32_t *cls)
{
        const struct clsmap *cm = clsmap_get(lx, classes, nclasses);
        const struct clsslot *slots;
        const uint64_t *filter;
        unsigned fshift;
        size_t i, cap;

        if (!cm)
                return -1;
        /* the table in locals, as in lexicon_word_toks_flags */
        slots = cm->slots;
        filter = cm->filter;
        fshift = cm->fshift;
        cap = cm->cap;
        for (i = 0; i < n; i++) {
                const char *norm = v[i].norm;
                uint32_t hash = v[i].hash, f = 0, c = 0, b = hash >> fshift;
                const struct lex_word *w = NULL;
                size_t k;

                if (norm[CLS_KEY - 1]) { /* a long form: in no class */
                        if ((w = lexicon_word_hashed(lx, norm, hash)))
                                f = w->flags;
                } else if (filter[b / 64] & (1ull << (b % 64))) {
                        uint64_t n0, n1;

                        memcpy(&n0, norm, 8);
                        memcpy(&n1, norm + 8, 8);
                        for (k = strmap_home(hash, cap);; k = (k + 1) & (cap - 1)) {
                                const struct clsslot *sl = &slots[k];
                                uint64_t k0, k1;

                                memcpy(&k0, sl->key, 8);
                                memcpy(&k1, sl->key + 8, 8);
                                /* a free slot matches only an empty form,
                                 * and answers as a miss */
                                if (!((k0 ^ n0) | (k1 ^ n1))) {
                                        w = sl->ent;
                                        f = sl->flags;
                                        c = sl->cls;
                                        break;
                                }
                                if (!sl->key[0])
                                        break;
                        }
                }
                out[i] = w;
                flags[i] = f;
                cls[i] = c;
        }
        return 0;
}

unsigned lexicon_word_freq(const struct lexicon *lx, const char *lemma)
{
        int i = strmap_find(&lx->freq, lemma);

        return i > 0 ? (unsigned)i : 0;
}

const struct lex_entity *lexicon_entity(const struct lexicon *lx, const char *phrase)
{
        int more;

        return lexicon_entity_step(lx, phrase, text_hash(phrase), &more);
}

const struct lex_entity *lexicon_entity_step(const struct lexicon *lx, const char *phrase,
                                             uint32_t hash, int *more)
{
        int v = strmap_find_h(&lx->aliases, phrase, hash);

        *more = v >= 0 && (v & 1);
        return v >= 0 && ALIAS_ENT(v) >= 0 ? &lx->entv[ALIAS_ENT(v)] : NULL;
}

const struct lex_entity *lexicon_word_entity(const struct lexicon *lx,
                                             const struct lex_word *w, int *more)
{
        int v = lx->walias[w - lx->wordv];

        *more = v >= 0 && (v & 1);
        return v >= 0 && ALIAS_ENT(v) >= 0 ? &lx->entv[ALIAS_ENT(v)] : NULL;
}

int lexicon_entity_maybe(const struct lexicon *lx, uint32_t hash)
{
        const struct strmap *m = &lx->aliases;
        size_t b;

        if (!m->cap)
                return 0;
        b = strmap_fbit(hash, m->cap);
        return (m->filter[b / 64] & (1ull << (b % 64))) != 0;
}

int lexicon_alias_word_maybe(const struct lexicon *lx, uint32_t hash)
{
        uint32_t b = ALIAS_WORD_BIT(hash);

        return (lx->alias_words[b / 64] & (1ull << (b % 64))) != 0;
}

const struct lex_entity *lexicon_entity_by_id(const struct lexicon *lx, const char *id)
{
        int i = strmap_find(&lx->ids, id);

        return i >= 0 ? &lx->entv[i] : NULL;
}

const char *lexicon_frame_name(const struct lexicon *lx, int frame)
{
        return frame >= 0 && frame < lx->nframes ? lx->frames[frame] : "";
}

int lexicon_frame_symmetric(const struct lexicon *lx, int frame)
{
        return frame >= 0 && frame < lx->nframes && lx->symmetric[frame];
}

int lexicon_frame_theme(const struct lexicon *lx, int frame)
{
        return frame >= 0 && frame < lx->nframes ? lx->implied[frame] - 1 : -1;
}

int lexicon_frame_over(const struct lexicon *lx, int frame)
{
        return frame >= 0 && frame < lx->nframes && lx->over[frame];
}

int lexicon_frame_thing(const struct lexicon *lx, int frame)
{
        return frame >= 0 && frame < lx->nframes && lx->thing[frame];
}

int lexicon_frame_count(const struct lexicon *lx, int frame)
{
        return frame >= 0 && frame < lx->nframes && lx->count[frame];
}

const char *lexicon_frame_gist(const struct lexicon *lx, int frame)
{
        return frame >= 0 && frame < lx->nframes ? lx->gists[frame] : NULL;
}

const char *lexicon_theme_name(const struct lexicon *lx, int theme)
{
        return theme >= 0 && theme < lx->nthemes ? lx->themes[theme] : "";
}

const char *lexicon_unit_name(const struct lexicon *lx, int unit)
{
        return unit >= 0 && unit < lx->nunits ? lx->units[unit] : "";
}

int lexicon_is_abbrev(const void *ctx, const char *norm)
{
        const struct lex_word *w = lexicon_word(ctx, norm);

        return w && (w->flags & LX_ABBREV);
}

unsigned lexicon_word_freq_h(const struct lexicon *lx, const char *lemma, uint32_t hash)
{
        int i = strmap_find_h(&lx->freq, lemma, hash);

        return i > 0 ? (unsigned)i : 0;
}

int lexicon_is_light_verb_h(const struct lexicon *lx, const char *lemma, uint32_t hash)
{
        return strmap_find_h(&lx->light, lemma, hash) >= 0;
}
