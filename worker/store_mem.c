/* store_mem.c - the in-memory statement cache behind store.h, for
 * `replay --input` and tests.  Everything lives in open-addressing hash
 * tables so a lookup or a put costs O(1) per key, not a scan:
 *   keys    proposition key -> its records, sorted by ts then insertion
 *           (a re-put of a record is found among its key's records of
 *           the same ts: puts are idempotent)
 *   done, alerts, claims   sets of byte strings
 * A record put as a candidate is kept packed (struct mpack: its numbers,
 * and its strings end to end, a few hundred bytes instead of the ~1.1 KB
 * of a struct cand); a lookup with want_cands unpacks it into a struct
 * cand of the store's lookup scratch (valid until the next put, and on
 * until the next lookup after that).  A record put as JSON is parsed
 * once, at put, and into a candidate at its first want_cands lookup; a
 * lookup hands out new references to the same JSON objects, so callers
 * must treat them as read-only.
 * Nothing expires: the TTL of store_opts is ignored. */
#include "store.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "alert.h"
#include "log.h"

/* One open-addressing table of entries with their hashes; no deletion.
 * A slot holds both, so a probe misses the cache once, not twice. */
struct mslot {
        uint64_t hash;
        void *e; /* NULL: empty */
};

struct mtab {
        struct mslot *slots;
        size_t cap, n; /* cap is 0 or a power of two */
};

/* A set member: a byte string. */
struct mblob {
        size_t len;
        char data[];
};

struct mrec;

/* A proposition key and its records, oldest first. */
struct mkey {
        struct mrec **v;
        size_t n, cap;
        int64_t last_ts; /* ts of v[n - 1], so an in-order put reads no record */
        char name[];
};

/* The fixed-size strings of a struct stmt, in the order a packed record
 * keeps them. */
#define PACK_FIELD(f)                                                                    \
        {                                                                                \
                offsetof(struct stmt, f), sizeof(((struct stmt *)0)->f)                  \
        }
static const struct {
        size_t off, size;
} pack_fields[] = {
    PACK_FIELD(speaker.id),    PACK_FIELD(speaker.name), PACK_FIELD(claimant.id),
    PACK_FIELD(claimant.name), PACK_FIELD(prop.frame),   PACK_FIELD(prop.agent),
    PACK_FIELD(prop.patient),  PACK_FIELD(prop.theme),   PACK_FIELD(prop.qty.unit),
    PACK_FIELD(prop.qual),     PACK_FIELD(gist),
};
#define PACK_NFIELDS (sizeof(pack_fields) / sizeof(pack_fields[0]))
/* struct mpack.lens holds a length in a byte */
_Static_assert(STMT_ID_MAX <= 256 && STMT_NAME_MAX <= 256 && STMT_WORD_MAX <= 256 &&
                   sizeof(((struct stmt *)0)->gist) <= 256,
               "a fixed-size string of struct stmt is longer than 255 bytes");

/* A candidate packed: everything of a struct cand but its strings, which
 * open the record's buf: the fixed-size ones one after the other, each
 * lens[i] bytes and a NUL, then the text. */
struct mpack {
        json_t *article; /* a reference of the record's */
        const char *aid; /* borrowed from article, as the candidate had it */
        const char *cue; /* static */
        int64_t published_ms;
        double strength, qty_value;
        size_t off, len;
        int seq, stance, negated, modality, tscope, qty_has, qty_approx, background;
        unsigned char lens[PACK_NFIELDS];
        unsigned char set; /* put as a candidate: the record is packed */
};

/* A record and, in the same allocation, its strings. */
struct mrec {
        struct mkey *k;
        const char *article_id; /* in buf */
        const char *json;       /* in buf: the record text, or "#seq" */
        json_t *doc;            /* NULL until a JSON lookup when put as a candidate */
        struct cand *parsed;    /* put as JSON: its candidate, owned, made at
                                 * the first want_cands lookup; or NULL */
        int64_t ts_ms;
        struct mpack pack;
        char buf[];
};

/* Lookup results of packed records: struct cands in blocks that stay put
 * (pointers into them are handed out), reused from the first lookup after
 * a put on.  A block is a huge page (chunk_map), as the records were when
 * they were handed out in place: in 4 KB pages, writing and then matching
 * a batch's ~3 MB of candidates (replay_bench) took ~10% longer. */
#define SCRATCH_BLOCK (CHUNK_HUGE / sizeof(struct cand))

/* What prefetch_recs reads of a record: its head, pack and the strings an
 * unpack copies (~70 bytes in the benchmark of bench/replay_bench.sh). */
#define PREFETCH_BYTES 320

/* Records and keys are never freed one by one (nothing expires), so they
 * come from chunks: one mapping per chunk, in huge pages where the kernel
 * has them (MADV_HUGEPAGE on 2 MB aligned chunks).  The first write to a
 * fresh 4 KB page costs several microseconds even when it was faulted in
 * already (MAP_POPULATE; in the VM we measure on, about 6 us a page:
 * writing a ~1 KB record per statement to fresh pages was 5-6% of a
 * replay); a huge page pays that once per 2 MB.  Without huge pages the
 * pages are faulted in at once (MADV_POPULATE_WRITE).  Mapped memory
 * starts zeroed and is never reused.  Fresh memory stays the dearest
 * part of a put even so (the kernel zeroing huge pages was ~13% of a
 * replay with ~1.1 KB records), hence packed records (~390 bytes). */
struct mchunk {
        struct mchunk *next;
        size_t size, used; /* bytes of the mapping, and of it in use */
};

#define CHUNK_HUGE  (2 * 1024 * 1024) /* huge page size, and chunk alignment */
#define CHUNK_FIRST CHUNK_HUGE
#define CHUNK_MAX   (8 * 1024 * 1024)
#define CHUNK_ALIGN 16

struct mem_store {
        struct store base;
        struct mtab keys, done, alerts, claims;
        struct mchunk *chunks; /* newest first */
        size_t next_chunk;     /* size of the next chunk */
        struct cand **scratch; /* n_scratch blocks of SCRATCH_BLOCK */
        size_t n_scratch, scratch_used;
        int scratch_stale; /* a put since the last lookup */
};

/* What a lookup compares entries against. */
struct mprobe {
        const char *key;
        const char *article_id;
        const char *json;
        const char *p; /* byte string, for sets */
        size_t len;
};

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME  1099511628211ULL

static uint64_t hash_bytes(uint64_t h, const void *p, size_t len)
{
        const unsigned char *b = p;
        size_t i;

        for (i = 0; i < len; i++) {
                h ^= b[i];
                h *= FNV_PRIME;
        }
        return h;
}

/* A string and its terminating NUL, so "ab"+"c" differs from "a"+"bc". */
static uint64_t hash_str(uint64_t h, const char *s)
{
        return hash_bytes(h, s, strlen(s) + 1);
}

static void *mtab_find(const struct mtab *t, uint64_t h,
                       int (*eq)(const void *entry, const struct mprobe *pr),
                       const struct mprobe *pr)
{
        size_t i;

        if (!t->cap)
                return NULL;
        for (i = h & (t->cap - 1); t->slots[i].e; i = (i + 1) & (t->cap - 1)) {
                if (t->slots[i].hash == h && eq(t->slots[i].e, pr))
                        return t->slots[i].e;
        }
        return NULL;
}

static void mtab_place(struct mslot *slots, size_t cap, uint64_t h, void *e)
{
        size_t i = h & (cap - 1);

        while (slots[i].e)
                i = (i + 1) & (cap - 1);
        slots[i].hash = h;
        slots[i].e = e;
}

static int mtab_grow(struct mtab *t)
{
        size_t cap = t->cap ? t->cap * 2 : 64, i;
        struct mslot *slots = calloc(cap, sizeof(*slots));

        if (!slots)
                return -1;
        for (i = 0; i < t->cap; i++) {
                if (t->slots[i].e)
                        mtab_place(slots, cap, t->slots[i].hash, t->slots[i].e);
        }
        free(t->slots);
        t->slots = slots;
        t->cap = cap;
        return 0;
}

/* Makes room for one more entry. Returns 0 or -1 when out of memory. */
static int mtab_reserve(struct mtab *t)
{
        if ((t->n + 1) * 10 > t->cap * 7)
                return mtab_grow(t);
        return 0;
}

/* Adds an entry known to be absent. Returns 0 or -1 when out of memory. */
static int mtab_add(struct mtab *t, uint64_t h, void *e)
{
        if (mtab_reserve(t) == -1)
                return -1;
        mtab_place(t->slots, t->cap, h, e);
        t->n++;
        return 0;
}

static void mtab_free(struct mtab *t, void (*free_entry)(void *))
{
        size_t i;

        for (i = 0; i < t->cap; i++) {
                if (t->slots[i].e && free_entry)
                        free_entry(t->slots[i].e);
        }
        free(t->slots);
        memset(t, 0, sizeof(*t));
}

static size_t chunk_round(size_t n)
{
        return (n + CHUNK_ALIGN - 1) & ~(size_t)(CHUNK_ALIGN - 1);
}

/* A zeroed mapping of size bytes (a multiple of CHUNK_HUGE) aligned to
 * CHUNK_HUGE, or NULL. */
static void *chunk_map(size_t size)
{
        char *raw, *p;
        size_t head;

        raw = mmap(NULL, size + CHUNK_HUGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED)
                return NULL;
        /* keep the aligned middle, give back the slack on either side */
        head = (CHUNK_HUGE - (uintptr_t)raw % CHUNK_HUGE) % CHUNK_HUGE;
        p = raw + head;
        if (head)
                munmap(raw, head);
        if (CHUNK_HUGE - head)
                munmap(p + size, CHUNK_HUGE - head);
        if (madvise(p, size, MADV_HUGEPAGE) == 0)
                return p;
#ifdef MADV_POPULATE_WRITE
        (void)madvise(p, size, MADV_POPULATE_WRITE); /* best effort */
#endif
        return p;
}

/* size zeroed bytes that live as long as the store, or NULL. */
static void *arena_alloc(struct mem_store *m, size_t size)
{
        size_t hdr = chunk_round(sizeof(struct mchunk)), want;
        struct mchunk *c = m->chunks;
        void *p;

        size = chunk_round(size);
        if (!c || c->size - c->used < size) {
                want = m->next_chunk ? m->next_chunk : CHUNK_FIRST;
                if (want < CHUNK_MAX)
                        m->next_chunk = want * 2;
                if (want < hdr + size)
                        want = (hdr + size + CHUNK_HUGE - 1) / CHUNK_HUGE * CHUNK_HUGE;
                if (!(p = chunk_map(want)))
                        return NULL;
                c = p;
                c->next = m->chunks;
                c->size = want;
                c->used = hdr;
                m->chunks = c;
        }
        p = (char *)c + c->used;
        c->used += size;
        return p;
}

/* Gives back the latest arena_alloc (a record that was not kept). */
static void arena_undo(struct mem_store *m, void *p, size_t size)
{
        struct mchunk *c = m->chunks;

        size = chunk_round(size);
        if (c && (char *)p + size == (char *)c + c->used) {
                memset(p, 0, size);
                c->used -= size;
        }
}

static void arena_free(struct mem_store *m)
{
        struct mchunk *c, *next;

        for (c = m->chunks; c; c = next) {
                next = c->next;
                munmap(c, c->size);
        }
        m->chunks = NULL;
}

static int blob_eq(const void *entry, const struct mprobe *pr)
{
        const struct mblob *b = entry;

        return b->len == pr->len && memcmp(b->data, pr->p, pr->len) == 0;
}

static int key_eq(const void *entry, const struct mprobe *pr)
{
        return strcmp(((const struct mkey *)entry)->name, pr->key) == 0;
}

static int set_has(const struct mtab *t, const char *p, size_t len)
{
        struct mprobe pr = {.p = p, .len = len};

        return mtab_find(t, hash_bytes(FNV_OFFSET, p, len), blob_eq, &pr) != NULL;
}

/* Adds p[0..len) to the set. Returns 1 when added, 0 when present, -1. */
static int set_add(struct mtab *t, const char *p, size_t len)
{
        uint64_t h = hash_bytes(FNV_OFFSET, p, len);
        struct mprobe pr = {.p = p, .len = len};
        struct mblob *b;

        if (mtab_find(t, h, blob_eq, &pr))
                return 0;
        b = malloc(sizeof(*b) + len);
        if (!b)
                return -1;
        b->len = len;
        memcpy(b->data, p, len);
        if (mtab_add(t, h, b) == -1) {
                free(b);
                return -1;
        }
        return 1;
}

static struct mkey *key_find(const struct mem_store *m, const char *name)
{
        struct mprobe pr = {.key = name};

        return mtab_find(&m->keys, hash_str(FNV_OFFSET, name), key_eq, &pr);
}

/* A new key, known to be absent. */
static struct mkey *key_add(struct mem_store *m, const char *name)
{
        struct mkey *k;
        size_t size = sizeof(*k) + strlen(name) + 1;

        if (mtab_reserve(&m->keys) == -1 || !(k = arena_alloc(m, size)))
                return NULL;
        strcpy(k->name, name);
        mtab_add(&m->keys, hash_str(FNV_OFFSET, name), k); /* room was made */
        return k;
}

/* Releases what a record holds (the record itself is in the arena). */
static void rec_release(void *e)
{
        struct mrec *r = e;

        json_decref(r->doc);
        if (r->pack.set)
                json_decref(r->pack.article);
        cand_clear(r->parsed);
        free(r->parsed);
}

/* Releases what a key holds (the key itself is in the arena). */
static void key_release(void *e)
{
        struct mkey *k = e;
        size_t i;

        for (i = 0; i < k->n; i++)
                rec_release(k->v[i]);
        free(k->v);
}

/* Inserts r after every record of its key with ts <= r's, so records stay
 * ordered by ts, then insertion.  In-order puts append in O(1). */
static int key_reserve(struct mkey *k)
{
        size_t cap = k->cap ? k->cap * 2 : 4;
        struct mrec **v;

        if (k->n < k->cap)
                return 0;
        if (!(v = realloc(k->v, cap * sizeof(*v))))
                return -1;
        k->v = v;
        k->cap = cap;
        return 0;
}

/* Inserts r after every record of its key with ts <= r's, so records stay
 * ordered by ts, then insertion.  In-order puts append in O(1).  The
 * caller made room with key_reserve. */
static void key_insert(struct mkey *k, struct mrec *r)
{
        size_t lo = 0, hi = k->n, mid;

        if (k->n && k->last_ts > r->ts_ms) {
                while (lo < hi) {
                        mid = lo + (hi - lo) / 2;
                        if (k->v[mid]->ts_ms <= r->ts_ms)
                                lo = mid + 1;
                        else
                                hi = mid;
                }
        } else {
                lo = k->n;
        }
        memmove(k->v + lo + 1, k->v + lo, (k->n - lo) * sizeof(*k->v));
        k->v[lo] = r;
        k->n++;
        k->last_ts = k->v[k->n - 1]->ts_ms;
}

static void set_err(char *errstr, size_t errstr_size, const char *msg)
{
        if (errstr && errstr_size)
                snprintf(errstr, errstr_size, "%s", msg);
}

/* Copies n bytes (a string and its NUL) from s to d: most are short, and
 * for them two overlapping fixed-size copies beat a call of memcpy. */
static inline void copy_str(char *d, const char *s, size_t n)
{
        char lo[16], hi[16];
        uint64_t a, b;
        uint32_t x, y;

        if (n <= 3) {
                d[0] = s[0];
                d[n / 2] = s[n / 2];
                d[n - 1] = s[n - 1];
        } else if (n <= 8) {
                memcpy(&x, s, 4);
                memcpy(&y, s + n - 4, 4);
                memcpy(d, &x, 4);
                memcpy(d + n - 4, &y, 4);
        } else if (n <= 16) {
                memcpy(&a, s, 8);
                memcpy(&b, s + n - 8, 8);
                memcpy(d, &a, 8);
                memcpy(d + n - 8, &b, 8);
        } else if (n <= 32) {
                memcpy(lo, s, 16);
                memcpy(hi, s + n - 16, 16);
                memcpy(d, lo, 16);
                memcpy(d + n - 16, hi, 16);
        } else {
                memcpy(d, s, n);
        }
}

/* Writes the candidate of packed record r into c: every field, so c
 * reads as the candidate that was put (its strings up to their NULs). The
 * text and the article are borrowed from the record. */
static void pack_unpack(const struct mrec *r, struct cand *c)
{
        const struct mpack *pk = &r->pack;
        const char *p = r->buf;
        size_t i;

        for (i = 0; i < PACK_NFIELDS; i++) {
                copy_str((char *)&c->st + pack_fields[i].off, p, pk->lens[i] + 1u);
                p += pk->lens[i] + 1u;
        }
        c->st.stance = (enum stance)pk->stance;
        c->st.negated = pk->negated;
        c->st.modality = (enum modality)pk->modality;
        c->st.tscope = (enum tscope)pk->tscope;
        c->st.prop.qty.has = pk->qty_has;
        c->st.prop.qty.value = pk->qty_value;
        c->st.prop.qty.approx = pk->qty_approx;
        c->st.strength = pk->strength;
        c->st.cue = pk->cue;
        c->st.background = pk->background;
        c->st.off = pk->off;
        c->st.len = pk->len;
        c->st.text = (char *)p; /* read-only, like the whole candidate */
        c->article = pk->article;
        c->aid = pk->aid;
        c->published_ms = pk->published_ms;
        c->seq = pk->seq;
}

/* A struct cand of the lookup scratch, or NULL when out of memory. */
static struct cand *scratch_get(struct mem_store *m)
{
        size_t b = m->scratch_used / SCRATCH_BLOCK;
        struct cand **v;

        if (b == m->n_scratch) {
                if (!(v = realloc(m->scratch, (b + 1) * sizeof(*v))))
                        return NULL;
                m->scratch = v;
                if (!(v[b] = chunk_map(CHUNK_HUGE)))
                        return NULL;
                m->n_scratch++;
        }
        return &m->scratch[b][m->scratch_used++ % SCRATCH_BLOCK];
}

/* The candidate of record r for a lookup: NULL when r is not one (put as
 * JSON that is no candidate record) or when out of memory (*oom set). */
static const struct cand *rec_cand(struct mem_store *m, struct mrec *r, int *oom)
{
        struct cand *c;

        if (r->pack.set) {
                if (!(c = scratch_get(m))) {
                        *oom = 1;
                        return NULL;
                }
                pack_unpack(r, c);
                return c;
        }
        if (r->parsed)
                return r->parsed;
        /* put as JSON: parse it once */
        if (!(c = malloc(sizeof(*c)))) {
                *oom = 1;
                return NULL;
        }
        if (cand_from_record(r->doc, c) == -1) {
                free(c);
                return NULL;
        }
        return r->parsed = c;
}

/* The record document of r (made once when r was put as a candidate);
 * NULL when out of memory. */
static json_t *rec_doc(struct mrec *r)
{
        struct cand c;

        if (!r->doc && r->pack.set) {
                pack_unpack(r, &c);
                r->doc = cand_to_record(&c);
        }
        return r->doc;
}

/* Which records of k a lookup returns: all but [*head, *from) (the
 * oldest half and the newest half of max when k holds more). */
static void key_range(const struct mkey *k, size_t max, size_t *head, size_t *from)
{
        *head = max && k->n > max ? max / 2 : k->n;
        *from = max && k->n > max ? k->n - (max - *head) : k->n;
}

/* Asks for the pointers to the records of k a lookup returns. */
static void prefetch_range(const struct mkey *k, size_t max)
{
        size_t head, from;

        if (!k->n)
                return;
        key_range(k, max, &head, &from);
        __builtin_prefetch(k->v);
        if (head)
                __builtin_prefetch(&k->v[head - 1]);
        if (from < k->n) {
                __builtin_prefetch(&k->v[from]);
                __builtin_prefetch(&k->v[k->n - 1]);
        }
}

/* Asks for the records of k a lookup returns to be read into the cache
 * at once: they are cold, and one after the other each would stall the
 * unpacking for a whole memory round trip. */
static void prefetch_recs(const struct mkey *k, size_t max)
{
        size_t j, b, head, from;

        key_range(k, max, &head, &from);
        for (j = 0; j < k->n; j++) {
                if (j == head && j < from)
                        j = from;
                for (b = 0; b < PREFETCH_BYTES; b += 64)
                        __builtin_prefetch((const char *)k->v[j] + b);
        }
}

/* Appends the records of k a lookup returns to result i of q. */
static int lookup_key(struct mem_store *m, struct store_query *q, size_t i,
                      const struct mkey *k)
{
        size_t j, from, head, most;
        const struct cand *c;
        int oom = 0;

        most = q->max_per_key && k->n > q->max_per_key ? q->max_per_key : k->n;
        if (q->want_cands &&
            !(q->cands[i].v = malloc((most ? most : 1) * sizeof(*q->cands[i].v))))
                return -1;
        key_range(k, q->max_per_key, &head, &from);
        for (j = 0; j < k->n; j++) {
                if (j == head && j < from)
                        j = from;
                if (q->want_cands) {
                        if ((c = rec_cand(m, k->v[j], &oom)))
                                q->cands[i].v[q->cands[i].n++] = c;
                        else if (oom)
                                return -1;
                        continue;
                }
                if (!rec_doc(k->v[j]) ||
                    json_array_append(q->recs[i], k->v[j]->doc) == -1)
                        return -1;
        }
        return 0;
}

static int mem_lookup(struct store *s, struct store_query *q, char *errstr,
                      size_t errstr_size)
{
        struct mem_store *m = (struct mem_store *)s;
        struct mkey **kv = NULL;
        size_t i;

        if (m->scratch_stale) {
                /* what the lookups before the last put handed out is over */
                m->scratch_used = 0;
                m->scratch_stale = 0;
        }
        q->done = calloc(q->n_articles ? q->n_articles : 1, sizeof(*q->done));
        if (q->want_cands)
                q->cands = calloc(q->n_keys ? q->n_keys : 1, sizeof(*q->cands));
        else
                q->recs = calloc(q->n_keys ? q->n_keys : 1, sizeof(*q->recs));
        if (!q->done || (!q->recs && !q->cands))
                goto fail;
        for (i = 0; i < q->n_articles; i++) {
                const char *id = q->article_ids[i];

                q->done[i] = set_has(&m->done, id, strlen(id));
        }
        /* the keys first, so the records of the next key are on their way
         * while those of this one are unpacked */
        if (!(kv = malloc((q->n_keys ? q->n_keys : 1) * sizeof(*kv))))
                goto fail;
        for (i = 0; i < q->n_keys; i++) {
                if ((kv[i] = key_find(m, q->keys[i])) && q->want_cands)
                        prefetch_range(kv[i], q->max_per_key);
        }
        if (q->want_cands && q->n_keys && kv[0])
                prefetch_recs(kv[0], q->max_per_key);
        for (i = 0; i < q->n_keys; i++) {
                if (!q->want_cands && !(q->recs[i] = json_array()))
                        goto fail;
                if (q->want_cands && i + 1 < q->n_keys && kv[i + 1])
                        prefetch_recs(kv[i + 1], q->max_per_key);
                if (kv[i] && lookup_key(m, q, i, kv[i]) == -1)
                        goto fail;
        }
        free(kv);
        return 0;
fail:
        free(kv);
        store_query_clear(q);
        set_err(errstr, errstr_size, "store mem: lookup: out of memory");
        return -1;
}

/* "#seq": how a record put without its text is known. */
static void seq_ident(char *buf, long long seq)
{
        char tmp[24];
        size_t n = 0;
        unsigned long long u =
            seq < 0 ? 0ULL - (unsigned long long)seq : (unsigned long long)seq;

        do
                tmp[n++] = (char)('0' + u % 10);
        while ((u /= 10) > 0);
        *buf++ = '#';
        if (seq < 0)
                *buf++ = '-';
        while (n > 0)
                *buf++ = tmp[--n];
        *buf = '\0';
}

/* The length of fixed-size string field i of st, without its NUL (a
 * field that has none is cut at its last byte). */
static size_t pack_len(const struct stmt *st, size_t i)
{
        return strnlen((const char *)st + pack_fields[i].off, pack_fields[i].size - 1);
}

/* The bytes the strings of c take in a packed record; the lengths of
 * its fixed-size strings go to lens, for pack_set. */
static size_t pack_size(const struct cand *c, unsigned char *lens)
{
        size_t i, n = strlen(c->st.text ? c->st.text : "") + 1, len;

        for (i = 0; i < PACK_NFIELDS; i++) {
                len = pack_len(&c->st, i);
                lens[i] = (unsigned char)len;
                n += len + 1;
        }
        return n;
}

/* Packs c into r, its strings at the start of r->buf (pack_size bytes,
 * which measured lens), with a new reference to its article. */
static void pack_set(struct mrec *r, const struct cand *c, const unsigned char *lens)
{
        const struct stmt *st = &c->st;
        struct mpack *pk = &r->pack;
        char *p = r->buf;
        size_t i, n;

        for (i = 0; i < PACK_NFIELDS; i++) {
                n = lens[i];
                pk->lens[i] = (unsigned char)n;
                memcpy(p, (const char *)st + pack_fields[i].off, n);
                p[n] = '\0';
                p += n + 1;
        }
        n = strlen(st->text ? st->text : "");
        memcpy(p, st->text ? st->text : "", n + 1);
        pk->stance = (int)st->stance;
        pk->negated = st->negated;
        pk->modality = (int)st->modality;
        pk->tscope = (int)st->tscope;
        pk->qty_has = st->prop.qty.has;
        pk->qty_value = st->prop.qty.value;
        pk->qty_approx = st->prop.qty.approx;
        pk->strength = st->strength;
        pk->cue = st->cue;
        pk->background = st->background;
        pk->off = st->off;
        pk->len = st->len;
        pk->article = json_incref(c->article);
        pk->aid = c->aid;
        pk->published_ms = c->published_ms;
        pk->seq = c->seq;
        pk->set = 1;
}

/* A new record of sr with its strings (the packed candidate's first, so
 * an unpack reads on from the head, then article id and text) in one
 * piece of the arena, *size bytes; NULL when out of memory. */
static struct mrec *rec_new(struct mem_store *m, const struct store_rec *sr,
                            const char *text, size_t *size)
{
        size_t al = strlen(sr->article_id) + 1, tl = strlen(text) + 1;
        unsigned char lens[PACK_NFIELDS];
        size_t xl = sr->cand ? pack_size(sr->cand, lens) : 0;
        struct mrec *r;

        *size = sizeof(*r) + al + tl + xl;
        if (!(r = arena_alloc(m, *size)))
                return NULL;
        r->article_id = memcpy(r->buf + xl, sr->article_id, al);
        r->json = memcpy(r->buf + xl + al, text, tl);
        r->ts_ms = sr->ts_ms;
        if (sr->cand)
                pack_set(r, sr->cand, lens);
        return r;
}

/* Whether key k holds the record of article aid with text (or "#seq")
 * at ts: an earlier put of it.  Records are ordered by ts, so only those
 * of the same ts are compared (a search from the end for the usual
 * in-order put).  The same statement at another time is another record,
 * as it is in Redis, whose records hold their ts. */
static int key_has(const struct mkey *k, int64_t ts, const char *aid, const char *text)
{
        size_t lo = 0, hi = k->n, mid;

        if (!k->n || k->last_ts < ts)
                return 0;
        while (lo < hi) { /* the first record with ts or later */
                mid = lo + (hi - lo) / 2;
                if (k->v[mid]->ts_ms < ts)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        for (; lo < k->n && k->v[lo]->ts_ms == ts; lo++)
                if (strcmp(k->v[lo]->article_id, aid) == 0 &&
                    strcmp(k->v[lo]->json, text) == 0)
                        return 1;
        return 0;
}

/* Keeps one record unless it is already there. Returns 0 or -1. */
static int mem_put_one(struct mem_store *m, const struct store_rec *sr)
{
        /* Without the text, a record is known by its article and its
         * statement index ("#seq"), which is what makes it unique. */
        char ident[32];
        const char *text = sr->json;

        if (!text) {
                seq_ident(ident, sr->cand ? (long long)sr->cand->seq
                                          : (long long)json_integer_value(
                                                json_object_get(sr->obj, "seq")));
                text = ident;
        }
        json_error_t jerr;
        struct mkey *k = key_find(m, sr->key);
        struct mrec *r = NULL;
        size_t size;

        if (k && key_has(k, sr->ts_ms, sr->article_id, text))
                return 0;
        if (!(r = rec_new(m, sr, text, &size)))
                return -1;
        if (!sr->cand)
                r->doc = sr->obj ? json_incref(sr->obj) : json_loads(sr->json, 0, &jerr);
        if (!r->pack.set && !json_is_object(r->doc)) {
                /* Like a Redis lookup skipping a member it cannot parse. */
                log_warn("store mem",
                         "record of article %s under %s is not a JSON object: %s",
                         sr->article_id, sr->key, r->doc ? "not an object" : jerr.text);
                rec_release(r);
                arena_undo(m, r, size);
                return 0;
        }
        if (!k && !(k = key_add(m, sr->key)))
                goto fail;
        r->k = k;
        /* Room first, so the record lands in both places or in neither. */
        if (key_reserve(k) == -1)
                goto fail;
        key_insert(k, r);
        return 0;
fail:
        rec_release(r);
        arena_undo(m, r, size);
        return -1;
}

static int mem_put(struct store *s, const struct store_rec *recs, size_t n, char *errstr,
                   size_t errstr_size)
{
        struct mem_store *m = (struct mem_store *)s;
        size_t i;

        m->scratch_stale = 1; /* store.h: lookup candidates last until a put */
        for (i = 0; i < n; i++) {
                if (!recs[i].key || !recs[i].article_id ||
                    (!recs[i].json && !recs[i].obj && !recs[i].cand)) {
                        set_err(errstr, errstr_size,
                                "store mem: put: record without key, article id or json");
                        return -1;
                }
                if (mem_put_one(m, &recs[i]) == -1) {
                        set_err(errstr, errstr_size, "store mem: put: out of memory");
                        return -1;
                }
        }
        return 0;
}

static int mem_mark(struct store *s, const char *const *article_ids, size_t n_art,
                    const char *const *alert_ids, size_t n_alerts, char *errstr,
                    size_t errstr_size)
{
        struct mem_store *m = (struct mem_store *)s;
        size_t i;

        for (i = 0; i < n_art; i++) {
                if (set_add(&m->done, article_ids[i], strlen(article_ids[i])) == -1)
                        goto fail;
        }
        for (i = 0; i < n_alerts; i++) {
                if (set_add(&m->alerts, alert_ids[i], strlen(alert_ids[i])) == -1)
                        goto fail;
        }
        return 0;
fail:
        set_err(errstr, errstr_size, "store mem: mark: out of memory");
        return -1;
}

static int mem_claim(struct store *s, const char *channel, const char *alert_id,
                     char *errstr, size_t errstr_size)
{
        struct mem_store *m = (struct mem_store *)s;
        size_t lc = strlen(channel), la = strlen(alert_id);
        char buf[256], *p = buf;
        int rc;

        /* channel NUL alert_id: no channel/id pair can alias another. */
        if (lc + 1 + la > sizeof(buf) && !(p = malloc(lc + 1 + la)))
                goto fail;
        memcpy(p, channel, lc + 1);
        memcpy(p + lc + 1, alert_id, la);
        rc = set_add(&m->claims, p, lc + 1 + la);
        if (p != buf)
                free(p);
        if (rc == -1)
                goto fail;
        return rc;
fail:
        set_err(errstr, errstr_size, "store mem: claim: out of memory");
        return -1;
}

static int mem_ping(struct store *s, char *errstr, size_t errstr_size)
{
        (void)s;
        (void)errstr;
        (void)errstr_size;
        return 0;
}

static void mem_destroy(struct store *s)
{
        struct mem_store *m = (struct mem_store *)s;

        mtab_free(&m->keys, key_release);
        mtab_free(&m->done, free);
        mtab_free(&m->alerts, free);
        mtab_free(&m->claims, free);
        arena_free(m);
        while (m->n_scratch > 0)
                munmap(m->scratch[--m->n_scratch], CHUNK_HUGE);
        free(m->scratch);
        free(m);
}

static const struct store_ops mem_ops = {
    .name = "memory",
    .native_cands = 1,
    .lookup = mem_lookup,
    .put = mem_put,
    .mark = mem_mark,
    .claim = mem_claim,
    .ping = mem_ping,
    .destroy = mem_destroy,
};

struct store *store_mem_new(const struct store_opts *o)
{
        struct mem_store *m = calloc(1, sizeof(*m));

        (void)o; /* namespace and TTL mean nothing in one process */
        if (!m)
                return NULL;
        m->base.ops = &mem_ops;
        return &m->base;
}
