/* store_mem.c - the in-memory statement cache behind store.h, for
 * `replay --input` and tests.  Everything lives in open-addressing hash
 * tables so a lookup or a put costs O(1) per key, not a scan:
 *   keys    proposition key -> its records, sorted by ts then insertion
 *   recs    (key, article id, json) -> record, for idempotent re-puts
 *   done, alerts, claims   sets of byte strings
 * Records are parsed once, at put; a lookup hands out new references to
 * the same JSON objects, so callers must treat them as read-only.
 * Nothing expires: the TTL of store_opts is ignored. */
#include "store.h"

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
        size_t n_json;   /* records put as JSON, not parsed into cand yet */
        int64_t last_ts; /* ts of v[n - 1], so an in-order put reads no record */
        char name[];
};

/* A record and, in the same allocation, its strings. */
struct mrec {
        struct mkey *k;
        const char *article_id; /* in buf */
        const char *json;       /* in buf: the record text, or "#seq" */
        json_t *doc;            /* NULL until a JSON lookup when put as a candidate */
        struct cand cand;
        int has_cand;
        int text_in_buf; /* cand.st.text is in buf, not allocated */
        int64_t ts_ms;
        char buf[];
};

/* Records and keys are never freed one by one (nothing expires), so they
 * come from chunks: one mapping per chunk, in huge pages where the kernel
 * has them (MADV_HUGEPAGE on 2 MB aligned chunks).  The first write to a
 * fresh 4 KB page costs several microseconds even when it was faulted in
 * already (MAP_POPULATE; in the VM we measure on, about 6 us a page:
 * writing a ~1 KB record per statement to fresh pages was 5-6% of a
 * replay); a huge page pays that once per 2 MB.  Without huge pages the
 * pages are faulted in at once (MADV_POPULATE_WRITE).  Mapped memory
 * starts zeroed and is never reused. */
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
        struct mtab keys, recs, done, alerts, claims;
        struct mchunk *chunks; /* newest first */
        size_t next_chunk;     /* size of the next chunk */
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

static int rec_eq(const void *entry, const struct mprobe *pr)
{
        const struct mrec *r = entry;

        return strcmp(r->k->name, pr->key) == 0 &&
               strcmp(r->article_id, pr->article_id) == 0 &&
               strcmp(r->json, pr->json) == 0;
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

static struct mkey *key_get(struct mem_store *m, const char *name)
{
        struct mkey *k = key_find(m, name);
        size_t size = sizeof(*k) + strlen(name) + 1;

        if (k)
                return k;
        if (mtab_reserve(&m->keys) == -1 || !(k = arena_alloc(m, size)))
                return NULL;
        strcpy(k->name, name);
        mtab_add(&m->keys, hash_str(FNV_OFFSET, name), k); /* room was made */
        return k;
}

/* Releases what a key holds (the key itself is in the arena). */
static void key_release(void *e)
{
        struct mkey *k = e;

        free(k->v);
}

/* Releases what a record holds (the record itself is in the arena). */
static void rec_release(void *e)
{
        struct mrec *r = e;

        json_decref(r->doc);
        if (r->has_cand && r->text_in_buf)
                json_decref(r->cand.article);
        else if (r->has_cand)
                cand_clear(&r->cand);
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

static int mem_lookup(struct store *s, struct store_query *q, char *errstr,
                      size_t errstr_size)
{
        struct mem_store *m = (struct mem_store *)s;
        struct mkey *k;
        size_t i, j, from, head, most;

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
        for (i = 0; i < q->n_keys; i++) {
                if (!q->want_cands && !(q->recs[i] = json_array()))
                        goto fail;
                if (!(k = key_find(m, q->keys[i])))
                        continue;
                most = q->max_per_key && k->n > q->max_per_key ? q->max_per_key : k->n;
                if (q->want_cands &&
                    !(q->cands[i].v = malloc((most ? most : 1) * sizeof(*q->cands[i].v))))
                        goto fail;
                /* all, or the oldest half and the newest half */
                head =
                    q->max_per_key && k->n > q->max_per_key ? q->max_per_key / 2 : k->n;
                from = q->max_per_key && k->n > q->max_per_key
                           ? k->n - (q->max_per_key - head)
                           : k->n;
                for (j = 0; j < k->n; j++) {
                        if (j == head && j < from)
                                j = from;
                        if (q->want_cands) {
                                struct mrec *r = k->v[j];

                                /* a record put as JSON: parse it once (when
                                 * there is none, r itself is not read: it
                                 * is cold, and the caller reads it soon) */
                                if (k->n_json && !r->has_cand &&
                                    cand_from_record(r->doc, &r->cand) == 0) {
                                        r->has_cand = 1;
                                        k->n_json--;
                                }
                                if (!k->n_json || r->has_cand)
                                        q->cands[i].v[q->cands[i].n++] = &r->cand;
                                continue;
                        }
                        if (!k->v[j]->doc &&
                            !(k->v[j]->doc = cand_to_record(&k->v[j]->cand)))
                                goto fail;
                        if (json_array_append(q->recs[i], k->v[j]->doc) == -1)
                                goto fail;
                }
        }
        return 0;
fail:
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

/* The bytes of the record rec_new makes of sr. */
static size_t rec_size(const struct store_rec *sr, const char *text)
{
        const char *st_text = sr->cand && sr->cand->st.text ? sr->cand->st.text : "";

        return sizeof(struct mrec) + strlen(sr->article_id) + 1 + strlen(text) + 1 +
               (sr->cand ? strlen(st_text) + 1 : 0);
}

/* A new record of sr with its strings (article id, text, and the
 * candidate's statement text) in one piece of the arena; NULL when out
 * of memory. */
static struct mrec *rec_new(struct mem_store *m, const struct store_rec *sr,
                            const char *text)
{
        const char *st_text = sr->cand && sr->cand->st.text ? sr->cand->st.text : "";
        size_t al = strlen(sr->article_id) + 1, tl = strlen(text) + 1;
        size_t xl = sr->cand ? strlen(st_text) + 1 : 0;
        struct mrec *r = arena_alloc(m, sizeof(*r) + al + tl + xl);

        if (!r)
                return NULL;
        r->article_id = memcpy(r->buf, sr->article_id, al);
        r->json = memcpy(r->buf + al, text, tl);
        r->ts_ms = sr->ts_ms;
        if (sr->cand) {
                r->cand = *sr->cand;
                r->cand.st.text = memcpy(r->buf + al + tl, st_text, xl);
                json_incref(r->cand.article);
                r->has_cand = 1;
                r->text_in_buf = 1;
        }
        return r;
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
        struct mprobe pr = {.key = sr->key, .article_id = sr->article_id, .json = text};
        uint64_t h =
            hash_str(hash_str(hash_str(FNV_OFFSET, sr->key), sr->article_id), text);
        json_error_t jerr;
        struct mkey *k;
        struct mrec *r = NULL;

        if (mtab_find(&m->recs, h, rec_eq, &pr))
                return 0;
        if (!(r = rec_new(m, sr, text)))
                return -1;
        if (!sr->cand)
                r->doc = sr->obj ? json_incref(sr->obj) : json_loads(sr->json, 0, &jerr);
        if (!r->has_cand && !json_is_object(r->doc)) {
                /* Like a Redis lookup skipping a member it cannot parse. */
                log_warn("store mem",
                         "record of article %s under %s is not a JSON object: %s",
                         sr->article_id, sr->key, r->doc ? "not an object" : jerr.text);
                rec_release(r);
                arena_undo(m, r, rec_size(sr, text));
                return 0;
        }
        if (!(k = key_get(m, sr->key)))
                goto fail;
        r->k = k;
        /* Room first, so the record lands in both places or in neither. */
        if (key_reserve(k) == -1 || mtab_add(&m->recs, h, r) == -1)
                goto fail;
        key_insert(k, r);
        k->n_json += !r->has_cand;
        return 0;
fail:
        rec_release(r);
        arena_undo(m, r, rec_size(sr, text));
        return -1;
}

static int mem_put(struct store *s, const struct store_rec *recs, size_t n, char *errstr,
                   size_t errstr_size)
{
        struct mem_store *m = (struct mem_store *)s;
        size_t i;

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

        mtab_free(&m->recs, rec_release);
        mtab_free(&m->keys, key_release);
        mtab_free(&m->done, free);
        mtab_free(&m->alerts, free);
        mtab_free(&m->claims, free);
        arena_free(m);
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
