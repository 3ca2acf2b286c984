/* lexicon.c - loads the analyzer's linguistic data (config/lexicon/ text files,
 * Debian's iso-codes country list, WordNet's irregular verb forms) into
 * hash tables, once, read-only afterwards.  Verb lemmas are expanded into
 * their inflected forms at load time so analysis never calls a
 * morphological analyser: one hash lookup per token. */
#include "lexicon.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
        /* filled to 3/4 rather than 1/2: the big WordNet maps a text
         * asks little of (freq, verbs), in half the memory */
        int dense;
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

/* Moves m's keys into a table of cap slots (a power of two with room
 * for them: strmap_over). */
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

/* Whether m is as full as it may be for n keys of capacity cap. */
static int strmap_over(const struct strmap *m, size_t n, size_t cap)
{
        return m->dense ? n * 4 > cap * 3 : n * 2 > cap;
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

        while (strmap_over(m, n, cap))
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
        if (strmap_over(m, m->n + 1, m->cap) && strmap_grow(m) < 0)
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

/* The index in strv of an interned copy of s (len bytes, text_hash h),
 * or -1 when out of memory. */
static int intern_idx(struct lexicon *lx, const char *s, size_t len, uint32_t h)
{
        int isnew, *v;
        char *c;

        if (vec_reserve((void **)&lx->strv, &lx->capstr, lx->nstr, sizeof(char *)) < 0 ||
            !(v = strmap_upsert(&lx->strings, s, len, h, &isnew)))
                return -1;
        if (!isnew)
                return *v;
        if (!(c = malloc(len + 1)))
                return -1; /* the load fails: the map is not used again */
        memcpy(c, s, len + 1);
        *v = (int)lx->nstr;
        lx->strv[lx->nstr++] = c;
        return *v;
}

/* An interned copy of s that lives as long as the lexicon. */
static const char *intern(struct lexicon *lx, const char *s)
{
        int i = intern_idx(lx, s, strlen(s), text_hash(s));

        return i >= 0 ? lx->strv[i] : NULL;
}

/* The entry of form, created empty when absent. */
static struct lex_word *word_get(struct lexicon *lx, const char *form)
{
        size_t len = strlen(form);
        uint32_t h = text_hash(form);
        int isnew, *v;
        struct lex_word *w;
        int i;

        if (vec_reserve((void **)&lx->wordv, &lx->capword, lx->nword, sizeof(*w)) < 0 ||
            !(v = strmap_upsert(&lx->words, form, len, h, &isnew)))
                return NULL;
        if (!isnew)
                return &lx->wordv[*v];
        *v = (int)lx->nword;
        w = &lx->wordv[lx->nword++];
        memset(w, 0, sizeof(*w));
        w->frame = w->theme = w->unit = -1;
        /* the form's hash serves its interned copy too */
        if ((i = intern_idx(lx, form, len, h)) < 0)
                return NULL;
        w->lemma = lx->strv[i];
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

/* Reads the file at path whole into a new buffer (free), NUL-terminated,
 * its length in *len: one read for a regular file.  Returns it, or NULL
 * with errno set (ENOMEM when out of memory). */
static char *file_read(const char *path, size_t *len)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC), err;
        struct stat st;
        size_t cap, n = 0;
        char *buf = NULL;

        if (fd < 0)
                return NULL;
        cap = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
        for (;;) {
                ssize_t r;

                if (!buf || n == cap) {
                        char *nb;

                        if (buf)
                                cap *= 2; /* the file grew */
                        if (!(nb = realloc(buf, cap + 1))) {
                                err = ENOMEM;
                                goto fail;
                        }
                        buf = nb;
                }
                r = read(fd, buf + n, cap - n);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0) {
                        err = errno;
                        goto fail;
                }
                if (r == 0)
                        break;
                n += (size_t)r;
        }
        close(fd);
        buf[n] = '\0';
        *len = n;
        return buf;
fail:
        free(buf);
        close(fd);
        errno = err;
        return NULL;
}

/* The length of the line at p (the text ending at end) as fgets with a
 * buffer of size bytes reads it: up to and with its newline, at most
 * size - 1 bytes. */
static size_t line_len(const char *p, const char *end, size_t size)
{
        size_t max = (size_t)(end - p) < size - 1 ? (size_t)(end - p) : size - 1;
        const char *nl = memchr(p, '\n', max);

        return nl ? (size_t)(nl - p) + 1 : max;
}

static int is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* atoi of the text from s to e (the end of its line), as on a string
 * ending at e: strtol's value, clamped to a long, cast to int. */
static int atoi_to(const char *s, const char *e)
{
        unsigned long v = 0, lim;
        int neg = 0, over = 0;

        while (s < e && is_space(*s))
                s++;
        if (s < e && (*s == '-' || *s == '+'))
                neg = *s++ == '-';
        lim = neg ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
        for (; s < e && *s >= '0' && *s <= '9'; s++) {
                unsigned d = (unsigned)(*s - '0');

                if (v > (lim - d) / 10)
                        over = 1;
                else
                        v = v * 10 + d;
        }
        if (over)
                v = lim;
        return neg ? (int)(long)(0 - v) : (int)(long)v;
}

/* A country of the ISO 3166-1 list: its strings, NULL when absent or
 * not strings. */
struct iso_country {
        const char *id, *name, *common, *official;
};

/* Adds the country c as load_iso does. Returns 0 or -1. */
static int iso_add(struct lexicon *lx, const struct iso_country *c)
{
        int e;

        if (!c->id || !c->name)
                return 0;
        if ((e = entity_add(lx, c->id, c->common ? c->common : c->name, "country")) < 0)
                return -1;
        if ((!strchr(c->name, ',') && alias_add(lx, e, c->name) < 0) ||
            (c->common && alias_add(lx, e, c->common) < 0) ||
            (c->official && alias_add(lx, e, c->official) < 0))
                return -1;
        return 0;
}

/* The ISO list read with jansson: its error messages for a bad file. */
static int load_iso_jansson(struct lexicon *lx, const char *path, char *errstr,
                            size_t errsz)
{
        json_error_t jerr;
        json_t *root, *arr, *c;
        size_t i;
        int rc = -1;

        if (!(root = json_load_file(path, 0, &jerr))) {
                set_err(errstr, errsz, "%s:%d: %s", path, jerr.line, jerr.text);
                return -1;
        }
        arr = json_object_get(root, "3166-1");
        json_array_foreach(arr, i, c)
        {
                struct iso_country ic = {
                    json_string_value(json_object_get(c, "alpha_2")),
                    json_string_value(json_object_get(c, "name")),
                    json_string_value(json_object_get(c, "common_name")),
                    json_string_value(json_object_get(c, "official_name")),
                };

                if (iso_add(lx, &ic) < 0)
                        goto out;
        }
        rc = 0;
out:
        json_decref(root);
        return rc;
}

/* A reader of the JSON subset of the ISO list (objects, arrays, strings,
 * true, false, null), decoding strings in place: the list without a tree
 * of jansson values.  Anything else, or anything invalid, fails it, and
 * the list is read with jansson instead. */
struct jrd {
        char *p, *end;
        int depth;
        struct iso_country *v; /* the countries of the last "3166-1" */
        size_t n, cap;
};

static void jrd_ws(struct jrd *r)
{
        while (r->p < r->end &&
               (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
                r->p++;
}

/* The value of the four hex digits at p in *v; -1 when they are not. */
static int hex4(const char *p, unsigned *v)
{
        int i;

        *v = 0;
        for (i = 0; i < 4; i++) {
                char c = p[i];

                if (c >= '0' && c <= '9')
                        *v = *v * 16 + (unsigned)(c - '0');
                else if (c >= 'a' && c <= 'f')
                        *v = *v * 16 + (unsigned)(c - 'a' + 10);
                else if (c >= 'A' && c <= 'F')
                        *v = *v * 16 + (unsigned)(c - 'A' + 10);
                else
                        return -1;
        }
        return 0;
}

/* The length of the valid UTF-8 sequence at p (before end), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
        unsigned char c = p[0], lo = 0x80, hi = 0xbf;
        size_t n, i;

        if (c >= 0xc2 && c <= 0xdf)
                n = 2;
        else if (c >= 0xe0 && c <= 0xef)
                n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        else if (c >= 0xf0 && c <= 0xf4)
                n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        else
                return 0;
        if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
                return 0;
        for (i = 2; i < n; i++)
                if (p[i] < 0x80 || p[i] > 0xbf)
                        return 0;
        return n;
}

/* Decodes the string at r->p (its opening quote) in place; returns it,
 * NUL-terminated, or NULL. */
static char *jrd_str(struct jrd *r)
{
        char *s = ++r->p, *w = s;

        while (r->p < r->end) {
                unsigned char c = (unsigned char)*r->p;
                unsigned u, u2;

                if (c == '"') {
                        r->p++;
                        *w = '\0';
                        return s;
                }
                if (c < 0x20)
                        return NULL;
                if (c >= 0x80) {
                        size_t n = utf8_len((const unsigned char *)r->p,
                                            (const unsigned char *)r->end);

                        if (!n)
                                return NULL;
                        memmove(w, r->p, n);
                        w += n;
                        r->p += n;
                        continue;
                }
                if (c != '\\') {
                        *w++ = *r->p++;
                        continue;
                }
                if (r->end - r->p < 2)
                        return NULL;
                c = (unsigned char)r->p[1];
                r->p += 2;
                if (c != 'u') {
                        const char *esc = strchr("\"\"\\\\//b\bf\fn\nr\rt\t", c);

                        if (!c || !esc || (esc - "\"\"\\\\//b\bf\fn\nr\rt\t") % 2)
                                return NULL;
                        *w++ = esc[1];
                        continue;
                }
                if (r->end - r->p < 4 || hex4(r->p, &u) < 0 || u == 0 ||
                    (u >= 0xdc00 && u <= 0xdfff))
                        return NULL;
                r->p += 4;
                if (u >= 0xd800 && u <= 0xdbff) {
                        if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' ||
                            hex4(r->p + 2, &u2) < 0 || u2 < 0xdc00 || u2 > 0xdfff)
                                return NULL;
                        r->p += 6;
                        u = 0x10000 + ((u - 0xd800) << 10) + (u2 - 0xdc00);
                }
                if (u < 0x80) {
                        *w++ = (char)u;
                } else if (u < 0x800) {
                        *w++ = (char)(0xc0 | (u >> 6));
                        *w++ = (char)(0x80 | (u & 0x3f));
                } else if (u < 0x10000) {
                        *w++ = (char)(0xe0 | (u >> 12));
                        *w++ = (char)(0x80 | ((u >> 6) & 0x3f));
                        *w++ = (char)(0x80 | (u & 0x3f));
                } else {
                        *w++ = (char)(0xf0 | (u >> 18));
                        *w++ = (char)(0x80 | ((u >> 12) & 0x3f));
                        *w++ = (char)(0x80 | ((u >> 6) & 0x3f));
                        *w++ = (char)(0x80 | (u & 0x3f));
                }
        }
        return NULL;
}

/* What jrd_value is reading: a value to check only, the "3166-1" array,
 * or one of its elements. */
enum jrd_ctx { JR_ANY, JR_LIST, JR_COUNTRY };

/* Reads the value at r->p (blanks before it skipped); a string's text
 * in *str (NULL for other values).  Returns 0 or -1. */
static int jrd_value(struct jrd *r, enum jrd_ctx ctx, const char **str);

/* Reads an object's members; at the root, the countries of "3166-1",
 * and for a country, its strings into c. */
static int jrd_object(struct jrd *r, int root, struct iso_country *c)
{
        r->p++;
        jrd_ws(r);
        if (r->p < r->end && *r->p == '}') {
                r->p++;
                return 0;
        }
        for (;;) {
                const char *key, *str, **slot = NULL;
                enum jrd_ctx ctx = JR_ANY;

                if (r->p >= r->end || *r->p != '"' || !(key = jrd_str(r)))
                        return -1;
                jrd_ws(r);
                if (r->p >= r->end || *r->p++ != ':')
                        return -1;
                if (root && strcmp(key, "3166-1") == 0) {
                        r->n = 0; /* the last of equal keys counts */
                        ctx = JR_LIST;
                } else if (c) {
                        slot = strcmp(key, "alpha_2") == 0         ? &c->id
                               : strcmp(key, "name") == 0          ? &c->name
                               : strcmp(key, "common_name") == 0   ? &c->common
                               : strcmp(key, "official_name") == 0 ? &c->official
                                                                   : NULL;
                }
                if (jrd_value(r, ctx, &str) < 0)
                        return -1;
                if (slot)
                        *slot = str;
                jrd_ws(r);
                if (r->p < r->end && *r->p == ',') {
                        r->p++;
                        jrd_ws(r);
                        continue;
                }
                if (r->p < r->end && *r->p == '}') {
                        r->p++;
                        return 0;
                }
                return -1;
        }
}

static int jrd_array(struct jrd *r, enum jrd_ctx ctx)
{
        r->p++;
        jrd_ws(r);
        if (r->p < r->end && *r->p == ']') {
                r->p++;
                return 0;
        }
        for (;;) {
                const char *str;

                if (jrd_value(r, ctx == JR_LIST ? JR_COUNTRY : JR_ANY, &str) < 0)
                        return -1;
                jrd_ws(r);
                if (r->p < r->end && *r->p == ',') {
                        r->p++;
                        continue;
                }
                if (r->p < r->end && *r->p == ']') {
                        r->p++;
                        return 0;
                }
                return -1;
        }
}

static int jrd_value(struct jrd *r, enum jrd_ctx ctx, const char **str)
{
        int rc = -1;

        *str = NULL;
        jrd_ws(r);
        if (r->p >= r->end || ++r->depth > 32)
                return -1;
        switch (*r->p) {
        case '"':
                rc = (*str = jrd_str(r)) ? 0 : -1;
                break;
        case '{':
                if (ctx == JR_COUNTRY) {
                        struct iso_country c = {NULL, NULL, NULL, NULL};

                        if ((rc = jrd_object(r, 0, &c)) == 0) {
                                if (vec_reserve((void **)&r->v, &r->cap, r->n,
                                                sizeof(*r->v)) < 0)
                                        return -1;
                                r->v[r->n++] = c;
                        }
                } else {
                        rc = jrd_object(r, r->depth == 1, NULL);
                }
                break;
        case '[':
                rc = jrd_array(r, ctx);
                break;
        case 't':
        case 'f':
        case 'n': {
                const char *lit = *r->p == 't' ? "true" : *r->p == 'f' ? "false" : "null";
                size_t n = strlen(lit);

                if ((size_t)(r->end - r->p) >= n && memcmp(r->p, lit, n) == 0) {
                        r->p += n;
                        rc = 0;
                }
                break;
        }
        default: /* numbers too: left to jansson */
                break;
        }
        r->depth--;
        return rc;
}

/* Loads Debian's ISO 3166-1 list: alpha-2 ids with their names. */
static int load_iso(struct lexicon *lx, char *errstr, size_t errsz)
{
        const char *path = getenv("CLAIMWATCH_ISO3166");
        struct jrd r = {0};
        size_t len, i;
        char *buf;
        int rc = -1;

        if (!path)
                path = ISO3166_PATH;
        if (access(path, R_OK) != 0)
                return 0; /* optional: the alias file still names the big ones */
        if (!(buf = file_read(path, &len)))
                return load_iso_jansson(lx, path, errstr, errsz);
        r.p = buf;
        r.end = buf + len;
        jrd_ws(&r);
        if (r.p < r.end && *r.p == '{' &&
            jrd_value(&r, JR_ANY, &(const char *){NULL}) == 0) {
                jrd_ws(&r);
                if (r.p == r.end) {
                        for (i = 0; i < r.n; i++)
                                if (iso_add(lx, &r.v[i]) < 0)
                                        goto out;
                        rc = 0;
                        goto out;
                }
        }
        rc = load_iso_jansson(lx, path, errstr, errsz);
out:
        free(r.v);
        free(buf);
        return rc;
}
/* A key in a file's buffer, NUL-ended, with its value: a lemma of
 * cntlist.rev with the count of its line, or of its run of consecutive
 * lines (the file is sorted: a lemma's senses are adjacent), summed as
 * the lines' own puts would; a verb lemma of index.verb. */
struct keyref {
        uint32_t off, len, hash; /* hash: set by keys_put */
        int val;
};

/* Puts the n keys of v (in buf; pool bytes with their NULs) into m, a
 * dense map (filled to 3/4) sized for them at once (strmap_reserve):
 * a new key takes its value, one already there keeps its own (sum 0) or
 * adds it to its own if positive (sum 1).  The keys are hashed first and
 * their slots fetched a few keys ahead: the inserts into a big, fresh
 * table do not wait for memory one after another.  Returns 0 or -1. */
static int keys_put(struct strmap *m, const char *buf, struct keyref *v, size_t n,
                    size_t pool, int sum)
{
        enum { AHEAD = 8 };
        size_t i;

        m->dense = 1;
        if (strmap_reserve(m, n, pool) < 0)
                return -1;

        for (i = 0; i < n; i++)
                v[i].hash = text_hash(buf + v[i].off);
        for (i = 0; i < n; i++) {
                int isnew, *val;

                if (i + AHEAD < n)
                        __builtin_prefetch(
                            &m->slots[strmap_home(v[i + AHEAD].hash, m->cap)], 1);
                if (!(val =
                          strmap_upsert(m, buf + v[i].off, v[i].len, v[i].hash, &isnew)))
                        return -1;
                if (isnew)
                        *val = v[i].val;
                else if (sum)
                        *val = (*val > 0 ? *val : 0) + v[i].val;
        }
        return 0;
}

/* Parses cntlist.rev's text (buf, len bytes) into runs (*v, *n of them,
 * *cap allocated) and the bytes their lemmas take with their NULs into
 * *pool; merges a line into the run before when its lemma is the same
 * and merge is set.  Sets *neg when a count is negative.  Returns 0 or
 * -1. */
static int freq_parse(char *buf, size_t len, int merge, struct keyref **v, size_t *n,
                      size_t *cap, size_t *pool, int *neg)
{
        char *p = buf, *end = buf + len;
        size_t l;

        *n = *pool = 0;
        *neg = 0;
        for (; p < end; p += l) {
                const char *pct, *sp;
                struct keyref *r = *n ? &(*v)[*n - 1] : NULL;
                uint32_t klen;
                int cnt;

                l = line_len(p, end, 256);
                pct = memchr(p, '%', l < TEXT_NORM_MAX ? l : TEXT_NORM_MAX);
                for (sp = p + l; sp > p && sp[-1] != ' '; sp--)
                        ;
                if (!pct || sp == p || memchr(p, '_', (size_t)(pct - p)))
                        continue;
                klen = (uint32_t)(pct - p);
                cnt = atoi_to(sp, p + l);
                *neg |= cnt < 0;
                if (merge && r && r->len == klen && memcmp(buf + r->off, p, klen) == 0) {
                        r->val += cnt; /* no clamp: counts are not negative */
                        continue;
                }
                p[klen] = '\0'; /* the '%' */
                if (vec_reserve((void **)v, cap, *n, sizeof(**v)) < 0)
                        return -1;
                r = &(*v)[(*n)++];
                r->off = (uint32_t)(p - buf);
                r->len = klen;
                r->val = cnt;
                *pool += klen + 1;
        }
        return 0;
}

/* Reads WordNet's cntlist.rev ("arrest%2:35:00:: 1 20"): how often each
 * lemma was tagged in the SemCor corpus, summed over its senses.  A rough
 * commonness measure: rare and unknown words are the salient ones.  The
 * file is read whole and its lemmas counted first, so the map is sized
 * once. */
static int load_freq(struct lexicon *lx)
{
        size_t len, n, cap = 0, pool;
        char *buf = file_read(WORDNET_CNTLIST, &len);
        struct keyref *v = NULL;
        int neg, rc = -1;

        if (!buf)
                return errno == ENOMEM ? -1 : 0;
        if (len >= UINT32_MAX || freq_parse(buf, len, 1, &v, &n, &cap, &pool, &neg) < 0)
                goto out;
        /* a negative count: the sums of runs would skip the clamp of each
         * line's put below, so every line is its own run */
        if (neg) {
                free(buf); /* its lemmas are cut at their '%' */
                free(v);
                v = NULL;
                cap = 0;
                if (!(buf = file_read(WORDNET_CNTLIST, &len)) ||
                    freq_parse(buf, len, 0, &v, &n, &cap, &pool, &neg) < 0)
                        goto out;
        }
        if (keys_put(&lx->freq, buf, v, n, pool, 1) < 0)
                goto out;
        rc = 0;
out:
        free(v);
        free(buf);
        return rc;
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
 * verbs are needed at once (lexicon_past_verb).  The file is read whole
 * and its lemmas listed first, so the map is sized once. */
static int load_verbs(struct lexicon *lx)
{
        size_t len, l, n = 0, cap = 0, pool = 0;
        char *buf = file_read(WORDNET_INDEX "verb", &len), *p, *end;
        struct keyref *v = NULL;
        int rc = -1;

        if (!buf)
                return errno == ENOMEM ? -1 : 0;
        if (len >= UINT32_MAX)
                goto out;
        end = buf + len;
        for (p = buf; p < end; p += l) {
                char *q, *lemma = NULL, *lend = NULL;
                int nt = 0;

                l = line_len(p, end, 4096);
                if (p[0] == ' ' || memchr(p, '_', l))
                        continue; /* licence header, multi-word */
                /* load_synsets takes lines of 4 tokens or more (strtok_r
                 * on " \n") */
                for (q = p; q < p + l && nt < 4;) {
                        while (q < p + l && (*q == ' ' || *q == '\n'))
                                q++;
                        if (q == p + l)
                                break;
                        if (nt++ == 0)
                                lemma = q;
                        while (q < p + l && *q != ' ' && *q != '\n')
                                q++;
                        if (nt == 1)
                                lend = q;
                }
                if (nt < 4 || lend - lemma >= TEXT_NORM_MAX)
                        continue;
                *lend = '\0'; /* a blank: more tokens follow */
                if (vec_reserve((void **)&v, &cap, n, sizeof(*v)) < 0)
                        goto out;
                v[n].off = (uint32_t)(lemma - buf);
                v[n].len = (uint32_t)(lend - lemma);
                v[n].val = 1;
                pool += v[n].len + 1;
                n++;
        }
        if (keys_put(&lx->verbs, buf, v, n, pool, 0) < 0)
                goto out;
        rc = 0;
out:
        free(v);
        free(buf);
        return rc;
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

/* Copies the next word of [*p, e) (sscanf's "%127s": blanks skipped, at
 * most size - 1 bytes) into w; returns 0, or -1 when none is left. */
static int scan_word(const char **p, const char *e, char *w, size_t size)
{
        const char *s = *p;
        size_t n = 0;

        while (s < e && is_space(*s))
                s++;
        if (s == e)
                return -1;
        while (s < e && !is_space(*s) && n < size - 1)
                w[n++] = *s++;
        w[n] = '\0';
        *p = s;
        return 0;
}

/* Reads WordNet's verb.exc ("sold sell") into lemma -> "form form".  The
 * file is read whole and its maps sized for its lines at once. */
static int load_irregular(struct lexicon *lx)
{
        size_t len, l, nlines = 0;
        char *buf = file_read(WORDNET_VERB_EXC, &len), form[128], lemma[128];
        const char *p, *end;
        int rc = -1;

        if (!buf)
                return errno == ENOMEM ? -1 : 0;
        end = buf + len;
        for (p = buf; p < end; p += l, nlines++)
                l = line_len(p, end, 256);
        if (strmap_reserve(&lx->irrpast, nlines, 0) < 0 ||
            strmap_reserve(&lx->strings, nlines, 0) < 0)
                goto out;
        for (p = buf; p < end; p += l) {
                const char *q = p;
                size_t flen;
                uint32_t fh;
                int i, isnew, *v;

                l = line_len(p, end, 256);
                if (scan_word(&q, p + l, form, sizeof(form)) < 0 ||
                    scan_word(&q, p + l, lemma, sizeof(lemma)) < 0)
                        continue;
                flen = strlen(form);
                fh = text_hash(form);
                if (flen < TEXT_NORM_MAX) {
                        if (!(v = strmap_upsert(&lx->irrpast, form, flen, fh, &isnew)))
                                goto out;
                        if (isnew && (*v = intern_idx(lx, lemma, strlen(lemma),
                                                      text_hash(lemma))) < 0)
                                goto out;
                }
                if (!(v = strmap_upsert(&lx->irregular, lemma, strlen(lemma),
                                        text_hash(lemma), &isnew)))
                        goto out;
                if (isnew) {
                        if (vec_reserve((void **)&lx->irrv, &lx->capirr, lx->nirr,
                                        sizeof(char *)) < 0 ||
                            !(lx->irrv[lx->nirr] = strdup(form)))
                                goto out;
                        *v = (int)lx->nirr++;
                } else {
                        size_t n;
                        char *s;

                        i = *v;
                        n = strlen(lx->irrv[i]) + flen + 2;
                        if (!(s = realloc(lx->irrv[i], n)))
                                goto out;
                        strcat(strcat(s, " "), form);
                        lx->irrv[i] = s;
                }
        }
        rc = 0;
out:
        free(buf);
        return rc;
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
