/* article.c - turns the bytes of one input message into a validated
 * article (see article.h and DESIGN.md, "Article").
 *
 * Two input forms:
 *   - a JSON object {"id","source","url","published_at","title","body",
 *     "lang"}; unknown fields are ignored;
 *   - plain text whose first line begins with the dateline
 *     "[date ]YYYY-MM-DD (Source) --" (an em dash works too).
 *
 * Decisions a caller may want to know:
 *   - Invalid UTF-8 is repaired before anything else: each maximal bad
 *     sequence becomes U+FFFD.  In JSON, a lone surrogate escape such as
 *     "\ud800" becomes "\ufffd" as well.  ARTICLE_ERR_ENCODING is thus
 *     never produced today; it is kept for inputs we might refuse later.
 *   - NUL characters ("\u0000" in JSON, raw NUL bytes in dateline text)
 *     are stripped from every field, so all strings stay C strings.
 *     Raw NUL bytes at the very end of the input (a producer that sent
 *     its C terminator) are ignored; raw NUL bytes elsewhere in JSON are
 *     invalid JSON (not_json).
 *   - A field set to null counts as absent.
 *   - "id" is a string or a JSON integer (written out in decimal).  It is
 *     trimmed of ASCII whitespace; an id that is then empty, longer than
 *     ARTICLE_ID_MAX bytes or holds control characters is unusable:
 *     missing_id.
 *   - At least one of "title" and "body" must hold more than whitespace
 *     (missing_text).  Text fields are kept as given otherwise, control
 *     characters included.
 *   - "published_at" must be RFC 3339 with a zone ("Z" or "+hh:mm"), or a
 *     bare YYYY-MM-DD (midnight UTC); anything else is bad_time.  Missing
 *     or "" means the message timestamp (fallback_ms > 0), else unknown
 *     (published_ms 0, published_at "").
 *   - Dateline text: the id is "text-" + the first 16 hex digits of the
 *     SHA-256 of the input bytes, the title is "", the body is everything
 *     after the dashes.
 *   - Error messages start with the reason code: "missing_id: ...". */
#include "article.h"

#include <ctype.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__) && !defined(CW_NO_SIMD)
#include <emmintrin.h>
#endif

#define ARTICLE_MAX_BYTES_DEFAULT (1024 * 1024)
#define ARTICLE_ID_MAX            256 /* bytes */
#define ARTICLE_SOURCE_MAX        128 /* bytes, dateline source */
#define MS_PER_DAY                INT64_C(86400000)

static const char *const err_names[] = {
    [ARTICLE_OK] = "ok",
    [ARTICLE_ERR_TOO_LARGE] = "too_large",
    [ARTICLE_ERR_NOT_JSON] = "not_json",
    [ARTICLE_ERR_NOT_OBJECT] = "not_object",
    [ARTICLE_ERR_TYPE] = "wrong_type",
    [ARTICLE_ERR_NO_ID] = "missing_id",
    [ARTICLE_ERR_NO_TEXT] = "missing_text",
    [ARTICLE_ERR_ENCODING] = "bad_encoding",
    [ARTICLE_ERR_TIME] = "bad_time",
};

const char *article_err_name(enum article_err err)
{
        if ((unsigned)err >= sizeof(err_names) / sizeof(err_names[0]))
                return "unknown";
        return err_names[err];
}

/* Records a failure: the code in *errp and "<code>: <message>" in errstr. */
__attribute__((format(printf, 5, 6))) static void
set_err(enum article_err *errp, enum article_err code, char *errstr, size_t errstr_size,
        const char *fmt, ...)
{
        va_list ap;
        int n;

        if (errp)
                *errp = code;
        if (!errstr || errstr_size == 0)
                return;
        n = snprintf(errstr, errstr_size, "%s: ", article_err_name(code));
        if (n < 0 || (size_t)n >= errstr_size)
                return;
        va_start(ap, fmt);
        vsnprintf(errstr + n, errstr_size - (size_t)n, fmt, ap);
        va_end(ap);
}

/* Allocation failures are reported as too_large: the input was more than
 * this worker could hold. Returns -1. */
static int set_oom(enum article_err *errp, char *errstr, size_t errstr_size)
{
        set_err(errp, ARTICLE_ERR_TOO_LARGE, errstr, errstr_size, "out of memory");
        return -1;
}

void article_free(struct article *art)
{
        if (!art)
                return;
        free(art->id);
        free(art->source);
        free(art->url);
        free(art->published_at);
        free(art->title);
        free(art->body);
        free(art->lang);
        free(art->text);
        free(art);
}

/* ---- time ------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil); timegm() would depend on the C library and time_t. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
        int64_t era, yoe, doy, doe;

        y -= m <= 2;
        era = (y >= 0 ? y : y - 399) / 400;
        yoe = y - era * 400;
        doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
        int64_t era, doe, yoe, doy, mp;

        z += 719468;
        era = (z >= 0 ? z : z - 146096) / 146097;
        doe = z - era * 146097;
        yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        mp = (5 * doy + 2) / 153;
        *d = (int)(doy - (153 * mp + 2) / 5 + 1);
        *m = (int)(mp < 10 ? mp + 3 : mp - 9);
        *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

        return m == 2 && leap ? 29 : mdays[m - 1];
}

/* Reads exactly n decimal digits at *sp into *v and advances. */
static int digits(const char **sp, int n, int *v)
{
        const char *s = *sp;
        int i;

        *v = 0;
        for (i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                *v = *v * 10 + (s[i] - '0');
        }
        *sp = s + n;
        return 0;
}

/* Reads "YYYY-MM-DD" at *sp into days since the epoch and advances. */
static int parse_date(const char **sp, int64_t *days)
{
        const char *s = *sp;
        int y, m, d;

        if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &m) || *s++ != '-' ||
            digits(&s, 2, &d))
                return -1;
        if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
                return -1;
        *days = days_from_civil(y, m, d);
        *sp = s;
        return 0;
}

/* Reads "HH:MM:SS[.fff...]" at *sp into ms of the day and advances. */
static int parse_clock(const char **sp, int64_t *ms)
{
        const char *s = *sp;
        int h, mi, sec, frac = 0, scale = 100;

        if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) || *s++ != ':' ||
            digits(&s, 2, &sec))
                return -1;
        /* 60 is a leap second; it lands on the next minute's :00. */
        if (h > 23 || mi > 59 || sec > 60)
                return -1;
        if (*s == '.') {
                s++;
                if (*s < '0' || *s > '9')
                        return -1;
                for (; *s >= '0' && *s <= '9'; s++) {
                        frac += (*s - '0') * scale; /* milliseconds, truncated */
                        scale /= 10;
                }
        }
        *ms = ((int64_t)h * 3600 + mi * 60 + sec) * 1000 + frac;
        *sp = s;
        return 0;
}

/* Reads "Z" or "+hh:mm"/"-hh:mm" at *sp into an offset in ms. */
static int parse_zone(const char **sp, int64_t *off)
{
        const char *s = *sp;
        int sign, h, m;

        if (*s == 'Z' || *s == 'z') {
                *off = 0;
                *sp = s + 1;
                return 0;
        }
        if (*s != '+' && *s != '-')
                return -1;
        sign = *s++ == '-' ? -1 : 1;
        if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &m) || h > 23 || m > 59)
                return -1;
        *off = sign * ((int64_t)h * 3600000 + (int64_t)m * 60000);
        *sp = s;
        return 0;
}

int article_parse_time(const char *s, int64_t *ms)
{
        int64_t days, clock, off;

        if (!s || parse_date(&s, &days))
                return -1;
        if (*s == '\0') {
                *ms = days * MS_PER_DAY;
                return 0;
        }
        if (*s != 'T' && *s != 't' && *s != ' ')
                return -1;
        s++;
        if (parse_clock(&s, &clock) || parse_zone(&s, &off) || *s != '\0')
                return -1;
        *ms = days * MS_PER_DAY + clock - off;
        return 0;
}

void article_format_time(int64_t ms, char *buf, size_t size)
{
        /* Keep the year in 0000..9999 so the output stays RFC 3339. */
        const int64_t lo = days_from_civil(0, 1, 1) * MS_PER_DAY;
        const int64_t hi = days_from_civil(10000, 1, 1) * MS_PER_DAY - 1;
        int64_t days, rest, y;
        int m, d, frac;

        if (!buf || size == 0)
                return;
        ms = ms < lo ? lo : ms > hi ? hi : ms;
        days = ms / MS_PER_DAY;
        rest = ms % MS_PER_DAY;
        if (rest < 0) {
                rest += MS_PER_DAY;
                days--;
        }
        civil_from_days(days, &y, &m, &d);
        frac = (int)(rest % 1000);
        rest /= 1000;
        if (frac)
                snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, m, d,
                         (int)(rest / 3600), (int)(rest / 60 % 60), (int)(rest % 60),
                         frac);
        else
                snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m, d,
                         (int)(rest / 3600), (int)(rest / 60 % 60), (int)(rest % 60));
}

/* ---- bytes ----------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at s[0..n), or 0 when it is not
 * one; *bad is then the length of the maximal invalid subpart to replace
 * (Unicode's "substitution of maximal subparts"). */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t *bad)
{
        unsigned char c = s[0], lo = 0x80, hi = 0xbf;
        size_t need, i;

        *bad = 1;
        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf)
                need = 2;
        else if (c >= 0xe0 && c <= 0xef)
                need = 3;
        else if (c >= 0xf0 && c <= 0xf4)
                need = 4;
        else
                return 0;
        if (c == 0xe0)
                lo = 0xa0; /* overlong */
        else if (c == 0xed)
                hi = 0x9f; /* surrogates */
        else if (c == 0xf0)
                lo = 0x90; /* overlong */
        else if (c == 0xf4)
                hi = 0x8f; /* above U+10FFFF */
        for (i = 1; i < need; i++) {
                if (i >= n || s[i] < lo || s[i] > hi) {
                        *bad = i;
                        return 0;
                }
                lo = 0x80;
                hi = 0xbf;
        }
        return need;
}

/* A new NUL-terminated copy of in[0..len) with invalid UTF-8 replaced by
 * U+FFFD and, if strip_nul, NUL bytes dropped.  *outlen gets its length. */
static char *utf8_repair(const char *in, size_t len, int strip_nul, size_t *outlen)
{
        const unsigned char *s = (const unsigned char *)in;
        char *out = len <= (SIZE_MAX - 1) / 3 ? malloc(len * 3 + 1) : NULL, *o = out;
        size_t i = 0, n, bad;

        if (!out)
                return NULL;
        while (i < len) {
                n = utf8_seq(s + i, len - i, &bad);
                if (n == 0) {
                        memcpy(o, "\xef\xbf\xbd", 3);
                        o += 3;
                        i += bad;
                        continue;
                }
                if (!(strip_nul && s[i] == '\0')) {
                        memcpy(o, s + i, n);
                        o += n;
                }
                i += n;
        }
        *o = '\0';
        *outlen = (size_t)(o - out);
        return out;
}

static int hex4(const char *s, unsigned *v)
{
        int i, c;

        *v = 0;
        for (i = 0; i < 4; i++) {
                c = tolower((unsigned char)s[i]);
                if (c >= '0' && c <= '9')
                        *v = *v * 16 + (unsigned)(c - '0');
                else if (c >= 'a' && c <= 'f')
                        *v = *v * 16 + (unsigned)(c - 'a' + 10);
                else
                        return -1;
        }
        return 0;
}

/* Rewrites lone surrogate escapes ("\ud800" without its pair) in JSON
 * text to "\ufffd", in place (same length); jansson refuses them. */
static void json_fix_surrogates(char *s, size_t len)
{
        size_t i = 0;
        unsigned v, w;

        while (i + 1 < len) {
                if (s[i] != '\\') {
                        i++;
                        continue;
                }
                if (s[i + 1] != 'u' || i + 6 > len || hex4(s + i + 2, &v)) {
                        i += 2; /* some other escape, maybe "\\" */
                        continue;
                }
                if (v >= 0xd800 && v <= 0xdbff && i + 12 <= len && s[i + 6] == '\\' &&
                    s[i + 7] == 'u' && hex4(s + i + 8, &w) == 0 && w >= 0xdc00 &&
                    w <= 0xdfff) {
                        i += 12; /* a proper pair */
                        continue;
                }
                if (v >= 0xd800 && v <= 0xdfff)
                        memcpy(s + i + 2, "fffd", 4);
                i += 6;
        }
}

static int is_space(unsigned char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Whether s[0..len) holds anything but whitespace. */
static int has_content(const char *s, size_t len)
{
        size_t i;

        for (i = 0; i < len; i++)
                if (!is_space((unsigned char)s[i]))
                        return 1;
        return 0;
}

/* Strips leading and trailing whitespace from s in place; returns the
 * new length. */
static size_t trim(char *s)
{
        char *p = s, *e;

        while (is_space((unsigned char)*p))
                p++;
        e = p + strlen(p);
        while (e > p && is_space((unsigned char)e[-1]))
                e--;
        memmove(s, p, (size_t)(e - p));
        s[e - p] = '\0';
        return (size_t)(e - p);
}

/* A new copy of s[0..len) without NUL bytes. */
static char *dup_nonul(const char *s, size_t len)
{
        char *out = malloc(len + 1), *o = out;
        size_t i;

        if (!out)
                return NULL;
        for (i = 0; i < len; i++)
                if (s[i] != '\0')
                        *o++ = s[i];
        *o = '\0';
        return out;
}

/* ---- the article ----------------------------------------------------- */

/* Fills the optional strings still NULL with "", and builds text. */
static int article_finish(struct article *art)
{
        char **opt[] = {&art->source, &art->url,  &art->published_at,
                        &art->title,  &art->body, &art->lang};
        size_t i, tlen, blen;
        int has_title, has_body;

        for (i = 0; i < sizeof(opt) / sizeof(opt[0]); i++)
                if (!*opt[i] && !(*opt[i] = strdup("")))
                        return -1;
        tlen = strlen(art->title);
        blen = strlen(art->body);
        has_title = has_content(art->title, tlen);
        has_body = has_content(art->body, blen);
        art->text = malloc(tlen + blen + 3);
        if (!art->text)
                return -1;
        art->text_len = 0;
        if (has_title) {
                memcpy(art->text, art->title, tlen);
                art->text_len = tlen;
        }
        if (has_title && has_body) {
                memcpy(art->text + art->text_len, "\n\n", 2);
                art->text_len += 2;
        }
        art->body_off = art->text_len;
        if (has_body) {
                memcpy(art->text + art->text_len, art->body, blen);
                art->text_len += blen;
        }
        art->text[art->text_len] = '\0';
        return 0;
}

/* Sets published_at/_ms from the fallback when none was given. */
static int article_fallback_time(struct article *art, int64_t fallback_ms)
{
        char buf[32];

        if (art->published_at && art->published_at[0])
                return 0;
        free(art->published_at);
        art->published_at = NULL;
        art->published_ms = 0;
        if (fallback_ms <= 0) /* Kafka says -1 when it has no timestamp */
                return 0;
        article_format_time(fallback_ms, buf, sizeof(buf));
        art->published_ms = fallback_ms;
        art->published_at = strdup(buf);
        return art->published_at ? 0 : -1;
}

static const char *json_type_name(const json_t *v)
{
        switch (json_typeof(v)) {
        case JSON_OBJECT:
                return "an object";
        case JSON_ARRAY:
                return "an array";
        case JSON_STRING:
                return "a string";
        case JSON_INTEGER:
        case JSON_REAL:
                return "a number";
        case JSON_TRUE:
        case JSON_FALSE:
                return "a boolean";
        default:
                return "null";
        }
}

/* Copies the string field key of obj into *out (NULL when absent or
 * null).  A value of another type is wrong_type. */
static int get_string(const json_t *obj, const char *key, char **out,
                      enum article_err *errp, char *errstr, size_t errstr_size)
{
        const json_t *v = json_object_get(obj, key);

        *out = NULL;
        if (!v || json_is_null(v))
                return 0;
        if (!json_is_string(v)) {
                set_err(errp, ARTICLE_ERR_TYPE, errstr, errstr_size,
                        "\"%s\" is %s, want a string", key, json_type_name(v));
                return -1;
        }
        *out = dup_nonul(json_string_value(v), json_string_length(v));
        return *out ? 0 : -1;
}

/* Whether id (NUL-free, trimmed) is usable: an error message or NULL. */
static const char *id_problem(const char *id, size_t len)
{
        size_t i;

        if (len == 0)
                return "empty";
        if (len > ARTICLE_ID_MAX)
                return "longer than 256 bytes";
        for (i = 0; i < len; i++)
                if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
                        return "holding control characters";
        return NULL;
}

/* No usable id: the field is absent or null. Returns -1. */
static int id_missing(enum article_err *errp, char *errstr, size_t errstr_size)
{
        set_err(errp, ARTICLE_ERR_NO_ID, errstr, errstr_size, "article has no \"id\"");
        return -1;
}

/* Trims the id as read (NUL-free, owned) and checks it is usable; frees
 * it and sets *id NULL when it is not. */
static int id_check(char **id, enum article_err *errp, char *errstr, size_t errstr_size)
{
        const char *problem = id_problem(*id, trim(*id));

        if (!problem)
                return 0;
        set_err(errp, ARTICLE_ERR_NO_ID, errstr, errstr_size, "\"id\" is %s", problem);
        free(*id);
        *id = NULL;
        return -1;
}

/* Reads "id": a string or an integer, NULs dropped, trimmed, checked. */
static int get_id(const json_t *obj, char **out, enum article_err *errp, char *errstr,
                  size_t errstr_size)
{
        const json_t *v = json_object_get(obj, "id");

        *out = NULL;
        if (!v || json_is_null(v))
                return id_missing(errp, errstr, errstr_size);
        if (json_is_integer(v)) {
                if (asprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0)
                        *out = NULL;
        } else if (json_is_string(v)) {
                *out = dup_nonul(json_string_value(v), json_string_length(v));
        } else {
                set_err(errp, ARTICLE_ERR_TYPE, errstr, errstr_size,
                        "\"id\" is %s, want a string or an integer", json_type_name(v));
                return -1;
        }
        if (!*out)
                return -1;
        return id_check(out, errp, errstr, errstr_size);
}

/* Trims published_at and parses it. */
static int check_time(struct article *art, enum article_err *errp, char *errstr,
                      size_t errstr_size)
{
        if (!art->published_at || trim(art->published_at) == 0)
                return 0;
        if (article_parse_time(art->published_at, &art->published_ms) == 0)
                return 0;
        set_err(errp, ARTICLE_ERR_TIME, errstr, errstr_size,
                "\"published_at\" is not RFC 3339 (want e.g. 2022-09-22T03:00:00Z)");
        return -1;
}

/* The checks after the fields are read: some text, a valid time. */
static int article_check(struct article *art, enum article_err *errp, char *errstr,
                         size_t errstr_size)
{
        if (!(art->title && has_content(art->title, strlen(art->title))) &&
            !(art->body && has_content(art->body, strlen(art->body)))) {
                set_err(errp, ARTICLE_ERR_NO_TEXT, errstr, errstr_size,
                        "article has neither \"body\" nor \"title\"");
                return -1;
        }
        return check_time(art, errp, errstr, errstr_size);
}

/* Fills art from a parsed JSON object. */
static int article_from_json(struct article *art, const json_t *obj,
                             enum article_err *errp, char *errstr, size_t errstr_size)
{
        if (get_id(obj, &art->id, errp, errstr, errstr_size) ||
            get_string(obj, "source", &art->source, errp, errstr, errstr_size) ||
            get_string(obj, "url", &art->url, errp, errstr, errstr_size) ||
            get_string(obj, "published_at", &art->published_at, errp, errstr,
                       errstr_size) ||
            get_string(obj, "title", &art->title, errp, errstr, errstr_size) ||
            get_string(obj, "body", &art->body, errp, errstr, errstr_size) ||
            get_string(obj, "lang", &art->lang, errp, errstr, errstr_size))
                return -1;
        return article_check(art, errp, errstr, errstr_size);
}

/* Skips an optional UTF-8 byte order mark and whitespace. */
static size_t skip_lead(const char *s, size_t len)
{
        size_t i = 0;

        if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
                i = 3;
        while (i < len && is_space((unsigned char)s[i]))
                i++;
        return i;
}

/* Parses the JSON form; fixed[0..len) is the repaired input. */
static int parse_json(struct article *art, const char *fixed, size_t len,
                      enum article_err *errp, char *errstr, size_t errstr_size)
{
        json_error_t jerr;
        json_t *root;
        int rc;

        root = json_loadb(fixed, len, JSON_ALLOW_NUL, &jerr);
        if (!root) {
                set_err(errp, ARTICLE_ERR_NOT_JSON, errstr, errstr_size,
                        "%s (line %d, column %d)", jerr.text, jerr.line, jerr.column);
                return -1;
        }
        if (!json_is_object(root)) {
                set_err(errp, ARTICLE_ERR_NOT_OBJECT, errstr, errstr_size,
                        "input is %s, want a JSON object", json_type_name(root));
                json_decref(root);
                return -1;
        }
        rc = article_from_json(art, root, errp, errstr, errstr_size);
        json_decref(root);
        return rc;
}

/* ---- the JSON scanner ------------------------------------------------ */

/* Most inputs are well-formed articles, and building a jansson tree for
 * them (a hashtable, an allocation per value, a stream read per byte) was
 * a third of a replay.  The scanner below reads such an input in one pass
 * without a tree: it validates the whole document strictly (RFC 8259)
 * and copies out only the seven fields.  Wherever its answer could differ
 * from the jansson path's it declines, and the caller parses with jansson,
 * so results and error messages are exactly the jansson path's:
 *   - bytes that utf8_repair or json_fix_surrogates would change (invalid
 *     UTF-8, a lone surrogate escape), anything that is not valid JSON;
 *   - a known field of a type other than the one wanted (wrong_type);
 *   - numbers jansson might refuse as too big (over 18 integer digits, an
 *     exponent over 250) and nesting deeper than SCAN_DEPTH_MAX;
 *   - NUL in an object key.
 * A repeated key counts as its last value, as in jansson. */

#define SCAN_DEPTH_MAX 32

enum {
        F_ID,
        F_SOURCE,
        F_URL,
        F_PUBLISHED_AT,
        F_TITLE,
        F_BODY,
        F_LANG,
        F_COUNT,
};

static const char *const field_names[F_COUNT] = {
    [F_ID] = "id",       [F_SOURCE] = "source",
    [F_URL] = "url",     [F_PUBLISHED_AT] = "published_at",
    [F_TITLE] = "title", [F_BODY] = "body",
    [F_LANG] = "lang",
};

struct scan {
        const unsigned char *p, *end;
        char *field[F_COUNT]; /* NUL-free copies; NULL when absent or null */
};

/* A string as validated: its bytes between the quotes. */
struct scan_str {
        const unsigned char *s;
        size_t len;
        int esc; /* holds escapes */
        int nul; /* holds "\u0000" */
};

static void scan_free(struct scan *sc)
{
        int i;

        for (i = 0; i < F_COUNT; i++)
                free(sc->field[i]);
}

static void scan_ws(struct scan *sc)
{
        while (sc->p < sc->end &&
               (*sc->p == ' ' || *sc->p == '\n' || *sc->p == '\r' || *sc->p == '\t'))
                sc->p++;
}

/* The next byte, or -1 at the end. */
static int scan_peek(const struct scan *sc)
{
        return sc->p < sc->end ? *sc->p : -1;
}

/* The length of the run of printable ASCII other than '"' and '\\' at
 * p, before end: the bytes a JSON string copies as they are.  SSE2 reads
 * 16 bytes a step (x86-64 always has it); elsewhere, 8 with bit tricks (a
 * byte below 0x20, a zero byte after the XOR, or the high bit set each
 * leave a 0x80 bit). */
static size_t plain_run(const unsigned char *p, const unsigned char *end)
{
        const unsigned char *s = p;
#if defined(__SSE2__) && !defined(CW_NO_SIMD)
        const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
        const __m128i space = _mm_set1_epi8(0x20);
        __m128i x, m;
        int mask;

        while (end - s >= 16) {
                x = _mm_loadu_si128((const __m128i *)(const void *)s);
                /* signed: bytes >= 0x80 are negative, so below 0x20 too */
                m = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
                    _mm_cmpgt_epi8(space, x));
                if ((mask = _mm_movemask_epi8(m)) != 0)
                        return (size_t)(s - p) + (size_t)__builtin_ctz((unsigned)mask);
                s += 16;
        }
#else
        const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
        uint64_t x, q, b;

        while (end - s >= 8) {
                memcpy(&x, s, 8);
                q = x ^ (ones * '"');
                b = x ^ (ones * '\\');
                if ((x | ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) |
                     ((b - ones) & ~b)) &
                    highs)
                        break;
                s += 8;
        }
#endif
        while (s < end && *s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\')
                s++;
        return (size_t)(s - p);
}

/* What the one-letter escape \c stands for, or 0 when c is none ('u'
 * is not one-letter). */
static char simple_escape(unsigned char c)
{
        switch (c) {
        case '"':
        case '\\':
        case '/':
                return (char)c;
        case 'b':
                return '\b';
        case 'f':
                return '\f';
        case 'n':
                return '\n';
        case 'r':
                return '\r';
        case 't':
                return '\t';
        default:
                return 0;
        }
}

static int hexval(int c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        c |= 0x20;
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

/* Four hex digits at p (known to be in bounds) or -1. */
static long hex4_at(const unsigned char *p)
{
        int a = hexval(p[0]), b = hexval(p[1]), c = hexval(p[2]), d = hexval(p[3]);

        if ((a | b | c | d) < 0)
                return -1;
        return (long)a << 12 | b << 8 | c << 4 | d;
}

/* Validates the escape at sc->p ('\\' first) and moves past it. A
 * surrogate escape must be the first half of a proper pair. */
static int scan_escape(struct scan *sc, struct scan_str *str)
{
        const unsigned char *p = sc->p;
        long v, w;

        str->esc = 1;
        if (sc->end - p < 2)
                return -1;
        if (p[1] != 'u' && simple_escape(p[1])) {
                sc->p += 2;
                return 0;
        }
        if (p[1] != 'u' || sc->end - p < 6 || (v = hex4_at(p + 2)) < 0)
                return -1;
        if (v == 0)
                str->nul = 1;
        if (v < 0xd800 || v > 0xdfff) {
                sc->p += 6;
                return 0;
        }
        if (v > 0xdbff || sc->end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
            (w = hex4_at(p + 8)) < 0xdc00 || w > 0xdfff)
                return -1; /* a lone surrogate: json_fix_surrogates' business */
        sc->p += 12;
        return 0;
}

/* Validates the string at sc->p ('"' first) and moves past it. */
static int scan_string(struct scan *sc, struct scan_str *str)
{
        size_t n, bad;

        memset(str, 0, sizeof(*str));
        str->s = ++sc->p;
        for (;;) {
                sc->p += plain_run(sc->p, sc->end);
                if (sc->p >= sc->end || *sc->p < 0x20)
                        return -1;
                if (*sc->p == '"')
                        break;
                if (*sc->p == '\\') {
                        if (scan_escape(sc, str))
                                return -1;
                        continue;
                }
                n = utf8_seq(sc->p, (size_t)(sc->end - sc->p), &bad);
                if (n == 0)
                        return -1;
                sc->p += n;
        }
        str->len = (size_t)(sc->p - str->s);
        sc->p++;
        return 0;
}

static size_t utf8_put(char *o, unsigned long c)
{
        if (c < 0x80) {
                o[0] = (char)c;
                return 1;
        }
        if (c < 0x800) {
                o[0] = (char)(0xc0 | c >> 6);
                o[1] = (char)(0x80 | (c & 0x3f));
                return 2;
        }
        if (c < 0x10000) {
                o[0] = (char)(0xe0 | c >> 12);
                o[1] = (char)(0x80 | (c >> 6 & 0x3f));
                o[2] = (char)(0x80 | (c & 0x3f));
                return 3;
        }
        o[0] = (char)(0xf0 | c >> 18);
        o[1] = (char)(0x80 | (c >> 12 & 0x3f));
        o[2] = (char)(0x80 | (c >> 6 & 0x3f));
        o[3] = (char)(0x80 | (c & 0x3f));
        return 4;
}

/* Decodes one validated escape at s into o; advances *sp. Returns the
 * bytes written (0 for "\u0000", which is dropped). */
static size_t unescape(const unsigned char **sp, char *o)
{
        const unsigned char *s = *sp;
        unsigned long c;

        if (s[1] != 'u') {
                *sp = s + 2;
                *o = simple_escape(s[1]);
                return 1;
        }
        c = (unsigned long)hex4_at(s + 2);
        *sp = s + 6;
        if (c >= 0xd800 && c <= 0xdbff) {
                c = 0x10000 + ((c - 0xd800) << 10) +
                    ((unsigned long)hex4_at(s + 8) - 0xdc00);
                *sp = s + 12;
        }
        return c ? utf8_put(o, c) : 0;
}

/* A new NUL-terminated copy of a validated string, escapes decoded and
 * NULs dropped (as dup_nonul does for jansson's strings). */
static char *scan_copy(const struct scan_str *str)
{
        const unsigned char *s = str->s, *end = str->s + str->len, *bs;
        char *out = malloc(str->len + 1), *o = out;

        if (!out)
                return NULL;
        if (!str->esc) {
                memcpy(out, s, str->len);
                out[str->len] = '\0';
                return out;
        }
        while (s < end) {
                bs = memchr(s, '\\', (size_t)(end - s));
                if (!bs)
                        bs = end;
                memcpy(o, s, (size_t)(bs - s));
                o += bs - s;
                s = bs;
                if (s < end)
                        o += unescape(&s, o);
        }
        *o = '\0';
        return out;
}

/* Which known field a key names, or -1. */
static int scan_field_of(const struct scan_str *key)
{
        char buf[16];
        const char *name = (const char *)key->s;
        size_t len = key->len;
        int i;

        if (key->esc) {
                /* "\u0069d" is "id" too; longer keys cannot be a field */
                char *dec;

                if (key->len >= 6 * sizeof(buf))
                        return -1;
                if (!(dec = scan_copy(key)))
                        return -1;
                len = strlen(dec);
                if (len < sizeof(buf))
                        memcpy(buf, dec, len + 1);
                free(dec);
                if (len >= sizeof(buf))
                        return -1;
                name = buf;
        }
        for (i = 0; i < F_COUNT; i++)
                if (strlen(field_names[i]) == len &&
                    memcmp(field_names[i], name, len) == 0)
                        return i;
        return -1;
}

/* Validates the number at sc->p. Sets *is_int and, for an integer, *iv;
 * declines numbers jansson could find too big. */
static int scan_number(struct scan *sc, int *is_int, long long *iv)
{
        const unsigned char *p = sc->p, *end = sc->end, *digits;
        long long v = 0;
        int neg = 0, nd = 0, nexp = 0, ev = 0;

        *is_int = 1;
        if (p < end && *p == '-') {
                neg = 1;
                p++;
        }
        digits = p;
        if (p < end && *p == '0') {
                p++;
        } else {
                while (p < end && *p >= '0' && *p <= '9')
                        p++;
        }
        nd = (int)(p - digits);
        if (nd == 0 || nd > 18)
                return -1;
        for (; digits < p; digits++)
                v = v * 10 + (*digits - '0');
        if (p < end && *p == '.') {
                *is_int = 0;
                digits = ++p;
                while (p < end && *p >= '0' && *p <= '9')
                        p++;
                if (p == digits || p - digits > 24)
                        return -1;
        }
        if (p < end && (*p == 'e' || *p == 'E')) {
                *is_int = 0;
                p++;
                if (p < end && (*p == '+' || *p == '-'))
                        p++;
                for (; p < end && *p >= '0' && *p <= '9'; p++, nexp++)
                        ev = nexp < 4 ? ev * 10 + (*p - '0') : ev;
                if (nexp == 0 || nexp > 3 || ev > 250)
                        return -1;
        }
        *iv = neg ? -v : v;
        sc->p = p;
        return 0;
}

/* Validates the literal word at sc->p. */
static int scan_literal(struct scan *sc, const char *word)
{
        size_t n = strlen(word);

        if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, word, n) != 0)
                return -1;
        sc->p += n;
        return 0;
}

static int scan_value(struct scan *sc, int depth);

/* Validates the array at sc->p ('[' first). */
static int scan_array(struct scan *sc, int depth)
{
        sc->p++;
        scan_ws(sc);
        if (scan_peek(sc) == ']') {
                sc->p++;
                return 0;
        }
        for (;;) {
                if (scan_value(sc, depth))
                        return -1;
                scan_ws(sc);
                if (scan_peek(sc) == ']') {
                        sc->p++;
                        return 0;
                }
                if (scan_peek(sc) != ',')
                        return -1;
                sc->p++;
        }
}

/* Reads the value of a known field of the top-level object. */
static int scan_field(struct scan *sc, int f)
{
        struct scan_str str;
        long long iv;
        int is_int;
        char *v = NULL, num[32];

        if (scan_peek(sc) == '"') {
                if (scan_string(sc, &str) || !(v = scan_copy(&str)))
                        return -1;
        } else if (scan_peek(sc) == 'n') {
                if (scan_literal(sc, "null"))
                        return -1;
        } else if (f == F_ID && (scan_peek(sc) == '-' ||
                                 (scan_peek(sc) >= '0' && scan_peek(sc) <= '9'))) {
                if (scan_number(sc, &is_int, &iv) || !is_int)
                        return -1;
                snprintf(num, sizeof(num), "%lld", iv);
                if (!(v = strdup(num)))
                        return -1;
        } else {
                return -1; /* wrong_type, told by the jansson path */
        }
        free(sc->field[f]);
        sc->field[f] = v;
        return 0;
}

/* Validates the object at sc->p ('{' first); at depth 0 keeps the
 * known fields. */
static int scan_object(struct scan *sc, int depth)
{
        struct scan_str key;
        int f;

        sc->p++;
        scan_ws(sc);
        if (scan_peek(sc) == '}') {
                sc->p++;
                return 0;
        }
        for (;;) {
                if (scan_peek(sc) != '"' || scan_string(sc, &key) || key.nul)
                        return -1;
                f = depth == 0 ? scan_field_of(&key) : -1;
                scan_ws(sc);
                if (scan_peek(sc) != ':')
                        return -1;
                sc->p++;
                scan_ws(sc);
                if (f >= 0 ? scan_field(sc, f) : scan_value(sc, depth + 1))
                        return -1;
                scan_ws(sc);
                if (scan_peek(sc) == '}') {
                        sc->p++;
                        return 0;
                }
                if (scan_peek(sc) != ',')
                        return -1;
                sc->p++;
                scan_ws(sc);
        }
}

/* Validates any value at sc->p (whitespace skipped already). */
static int scan_value(struct scan *sc, int depth)
{
        struct scan_str str;
        long long iv;
        int is_int;

        scan_ws(sc);
        if (depth > SCAN_DEPTH_MAX)
                return -1;
        switch (scan_peek(sc)) {
        case '{':
                return scan_object(sc, depth);
        case '[':
                return scan_array(sc, depth + 1);
        case '"':
                return scan_string(sc, &str);
        case 't':
                return scan_literal(sc, "true");
        case 'f':
                return scan_literal(sc, "false");
        case 'n':
                return scan_literal(sc, "null");
        default:
                return scan_number(sc, &is_int, &iv);
        }
}

/* Parses the JSON form with the scanner; buf[0..len) starts with '{'.
 * Returns 1 when the scanner declines (see above): nothing is set then. */
static int scan_json(struct article *art, const char *buf, size_t len,
                     enum article_err *errp, char *errstr, size_t errstr_size)
{
        struct scan sc = {.p = (const unsigned char *)buf,
                          .end = (const unsigned char *)buf + len};
        int rc;

        if (scan_object(&sc, 0) == -1)
                goto decline;
        scan_ws(&sc);
        if (sc.p != sc.end)
                goto decline;
        art->source = sc.field[F_SOURCE];
        art->url = sc.field[F_URL];
        art->published_at = sc.field[F_PUBLISHED_AT];
        art->title = sc.field[F_TITLE];
        art->body = sc.field[F_BODY];
        art->lang = sc.field[F_LANG];
        art->id = sc.field[F_ID];
        if (!art->id)
                return id_missing(errp, errstr, errstr_size);
        rc = id_check(&art->id, errp, errstr, errstr_size);
        return rc ? rc : article_check(art, errp, errstr, errstr_size);
decline:
        scan_free(&sc);
        return 1;
}

/* Matches "[date ]YYYY-MM-DD (Source) --" at the start of s (NUL-
 * terminated).  Sets the date, the source span and where the body starts. */
static int match_dateline(const char *s, int64_t *days, const char **src, size_t *src_len,
                          const char **rest)
{
        const char *p = s, *close;

        if (strncasecmp(p, "date", 4) == 0 && (p[4] == ' ' || p[4] == '\t'))
                p += 5;
        while (*p == ' ' || *p == '\t')
                p++;
        if (parse_date(&p, days))
                return -1;
        while (*p == ' ' || *p == '\t')
                p++;
        if (*p++ != '(')
                return -1;
        close = strchr(p, ')');
        if (!close || close == p || close - p > ARTICLE_SOURCE_MAX ||
            memchr(p, '\n', (size_t)(close - p)))
                return -1;
        *src = p;
        *src_len = (size_t)(close - p);
        p = close + 1;
        while (*p == ' ' || *p == '\t')
                p++;
        if (strncmp(p, "--", 2) == 0)
                p += 2;
        else if (strncmp(p, "\xe2\x80\x94", 3) == 0) /* em dash */
                p += 3;
        else
                return -1;
        *rest = p;
        return 0;
}

/* "text-" and the first 16 hex digits of the SHA-256 of buf. */
static char *text_id(const char *buf, size_t len)
{
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdlen = 0, i;
        char id[5 + 16 + 1] = "text-";

        if (!EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) || mdlen < 8)
                return NULL;
        for (i = 0; i < 8; i++)
                snprintf(id + 5 + i * 2, 3, "%02x", md[i]);
        return strdup(id);
}

/* Parses dateline text; fixed is the repaired input without NULs, and
 * buf[0..len) the original bytes for the id.  Returns 1 when fixed is not
 * dateline text at all (so the caller may try other forms). */
static int parse_dateline(struct article *art, const char *fixed, const char *buf,
                          size_t len, enum article_err *errp, char *errstr,
                          size_t errstr_size)
{
        char date[32];
        const char *src, *rest;
        size_t src_len;
        int64_t days;

        if (match_dateline(fixed + skip_lead(fixed, strlen(fixed)), &days, &src, &src_len,
                           &rest))
                return 1;
        while (is_space((unsigned char)*rest))
                rest++;
        if (!*rest) {
                set_err(errp, ARTICLE_ERR_NO_TEXT, errstr, errstr_size,
                        "dateline text has no body");
                return -1;
        }
        article_format_time(days * MS_PER_DAY, date, sizeof(date));
        art->id = text_id(buf, len);
        art->source = strndup(src, src_len);
        art->body = strdup(rest);
        art->published_at = strdup(date);
        art->published_ms = days * MS_PER_DAY;
        if (!art->id || !art->source || !art->body || !art->published_at) {
                return set_oom(errp, errstr, errstr_size);
        }
        return 0;
}

/* Parses input that looks like JSON (it starts with '{' or '['). */
static int parse_json_bytes(struct article *art, const char *buf, size_t len,
                            enum article_err *errp, char *errstr, size_t errstr_size)
{
        char *fixed;
        size_t flen;
        int rc;

        fixed = utf8_repair(buf, len, 0, &flen);
        if (!fixed)
                return set_oom(errp, errstr, errstr_size);
        json_fix_surrogates(fixed, flen);
        rc = parse_json(art, fixed, flen, errp, errstr, errstr_size);
        free(fixed);
        return rc;
}

/* Parses dateline text; returns 1 when buf is not dateline text. */
static int parse_text(struct article *art, const char *buf, size_t len,
                      enum article_err *errp, char *errstr, size_t errstr_size)
{
        char *fixed;
        size_t flen;
        int rc;

        fixed = utf8_repair(buf, len, 1, &flen);
        if (!fixed)
                return set_oom(errp, errstr, errstr_size);
        rc = parse_dateline(art, fixed, buf, len, errp, errstr, errstr_size);
        free(fixed);
        return rc;
}

/* Rejects input in neither form, telling a JSON scalar ("not_object")
 * from anything else ("not_json"). Returns -1. */
static int reject_other(const char *buf, size_t len, enum article_err *errp, char *errstr,
                        size_t errstr_size)
{
        char *fixed;
        size_t flen;
        json_t *root;

        fixed = utf8_repair(buf, len, 0, &flen);
        if (!fixed)
                return set_oom(errp, errstr, errstr_size);
        json_fix_surrogates(fixed, flen);
        root = json_loadb(fixed, flen, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        if (root)
                set_err(errp, ARTICLE_ERR_NOT_OBJECT, errstr, errstr_size,
                        "input is %s, want a JSON object", json_type_name(root));
        else
                set_err(errp, ARTICLE_ERR_NOT_JSON, errstr, errstr_size,
                        "input is neither a JSON object nor dateline text "
                        "(\"date YYYY-MM-DD (Source) -- ...\")");
        json_decref(root);
        free(fixed);
        return -1;
}

/* Parses buf[0..len) in whichever form it is; returns 1 when the path is
 * ARTICLE_JSON_SCANNER and the scanner declined. */
static int parse_any(struct article *art, const char *buf, size_t len,
                     enum article_json_path path, enum article_err *errp, char *errstr,
                     size_t errstr_size)
{
        size_t lead = skip_lead(buf, len);
        int rc;

        if (buf[lead] == '{' && path != ARTICLE_JSON_JANSSON) {
                rc = scan_json(art, buf + lead, len - lead, errp, errstr, errstr_size);
                if (rc != 1 || path == ARTICLE_JSON_SCANNER)
                        return rc;
        }
        if (buf[lead] == '{' || buf[lead] == '[')
                return parse_json_bytes(art, buf + lead, len - lead, errp, errstr,
                                        errstr_size);
        rc = parse_text(art, buf, len, errp, errstr, errstr_size);
        if (rc != 1)
                return rc;
        return reject_other(buf + lead, len - lead, errp, errstr, errstr_size);
}

/* ---- a quick look at published_at -------------------------------------- */

/* The closing quote of the string whose opening quote is at p, or NULL;
 * *esc is set when it holds a backslash. */
static const char *peek_string_end(const char *p, const char *end, int *esc)
{
        const char *q;

        *esc = 0;
        for (p++; p < end; p = q + 1) {
                if (!(q = memchr(p, '"', (size_t)(end - p))))
                        return NULL;
                if (!*esc && memchr(p, '\\', (size_t)(q - p)))
                        *esc = 1;
                if (*esc) { /* an odd run of backslashes escapes the quote */
                        const char *b = q;

                        while (b > p && b[-1] == '\\')
                                b--;
                        if ((q - b) % 2)
                                continue;
                }
                return q;
        }
        return NULL;
}

/* Past the value at p (any JSON value; nesting is counted, not checked),
 * or NULL. */
static const char *peek_skip_value(const char *p, const char *end)
{
        int depth = 0, esc;

        for (; p < end; p++) {
                if (*p == '"') {
                        if (!(p = peek_string_end(p, end, &esc)))
                                return NULL;
                        if (!depth)
                                return p + 1;
                } else if (*p == '{' || *p == '[') {
                        depth++;
                } else if (*p == '}' || *p == ']') {
                        if (--depth < 0)
                                return p; /* a scalar ended by its object */
                        if (!depth)
                                return p + 1;
                } else if (!depth && (*p == ',' || is_space((unsigned char)*p))) {
                        return p;
                }
        }
        return NULL;
}

static const char *peek_ws(const char *p, const char *end)
{
        while (p < end && is_space((unsigned char)*p))
                p++;
        return p;
}

int article_peek_time(const char *buf, size_t len, int64_t *ms)
{
        const char *p = buf + skip_lead(buf, len), *end = buf + len, *k, *v = NULL;
        char tmp[64];
        size_t vlen = 0, i;
        int esc, is_time;

        if (p >= end || *p != '{')
                return 1;
        for (p = peek_ws(p + 1, end); p < end && *p == '"'; p = peek_ws(p + 1, end)) {
                if (!(k = peek_string_end(p, end, &esc)) || esc)
                        return 1;
                is_time = k - p - 1 == 12 && memcmp(p + 1, "published_at", 12) == 0;
                if (is_time && v) /* repeated: the last one counts */
                        return 1;
                p = peek_ws(k + 1, end);
                if (p >= end || *p != ':')
                        return 1;
                p = peek_ws(p + 1, end);
                if (is_time) {
                        if (p >= end || *p != '"' ||
                            !(k = peek_string_end(p, end, &esc)) || esc)
                                return 1; /* not a plain string */
                        v = p + 1;
                        vlen = (size_t)(k - v);
                        p = k + 1;
                } else if (!(p = peek_skip_value(p, end))) {
                        return 1;
                }
                p = peek_ws(p, end);
                if (p >= end || *p != ',')
                        break;
        }
        if (!v || p >= end || *p != '}')
                return 1;
        while (vlen && is_space((unsigned char)*v))
                v++, vlen--;
        while (vlen && is_space((unsigned char)v[vlen - 1]))
                vlen--;
        if (!vlen || vlen >= sizeof(tmp))
                return 1;
        for (i = 0; i < vlen; i++)
                if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] >= 0x80)
                        return 1;
        memcpy(tmp, v, vlen);
        tmp[vlen] = '\0';
        return article_parse_time(tmp, ms) == 0 ? 0 : 1;
}

int article_parse_with(enum article_json_path path, const char *buf, size_t len,
                       int64_t fallback_ms, const struct article_limits *lim,
                       struct article **artp, enum article_err *err, char *errstr,
                       size_t errstr_size)
{
        size_t max = lim && lim->max_bytes ? lim->max_bytes : ARTICLE_MAX_BYTES_DEFAULT;
        enum article_err code = ARTICLE_OK;
        struct article *art = NULL;
        int rc;

        *artp = NULL;
        if (errstr && errstr_size)
                errstr[0] = '\0';
        if (len > max) {
                set_err(&code, ARTICLE_ERR_TOO_LARGE, errstr, errstr_size,
                        "article is %zu bytes, the limit is %zu", len, max);
                goto fail;
        }
        while (len > 0 && buf[len - 1] == '\0') /* a producer's C terminator */
                len--;
        if (len == 0 || skip_lead(buf, len) == len) {
                set_err(&code, ARTICLE_ERR_NOT_JSON, errstr, errstr_size, "input is %s",
                        len ? "blank" : "empty");
                goto fail;
        }
        if (!(art = calloc(1, sizeof(*art))))
                goto fail;
        rc = parse_any(art, buf, len, path, &code, errstr, errstr_size);
        if (rc == 1) {
                free(art);
                return 1;
        }
        if (rc || article_fallback_time(art, fallback_ms) || article_finish(art))
                goto fail;
        if (err)
                *err = ARTICLE_OK;
        *artp = art;
        return 0;
fail:
        if (code == ARTICLE_OK) /* only allocations fail without a reason */
                set_oom(&code, errstr, errstr_size);
        if (err)
                *err = code;
        article_free(art);
        return -1;
}

int article_parse(const char *buf, size_t len, int64_t fallback_ms,
                  const struct article_limits *lim, struct article **artp,
                  enum article_err *err, char *errstr, size_t errstr_size)
{
        return article_parse_with(ARTICLE_JSON_AUTO, buf, len, fallback_ms, lim, artp,
                                  err, errstr, errstr_size);
}

/* Built by hand, not with json_pack, whose format parsing was 1-2% of a
 * replay (a reference per article). */
json_t *article_ref_json(const struct article *art)
{
        static const char *const key[5] = {"id", "source", "url", "published_at",
                                           "title"};
        const char *val[5];
        json_t *o, *v;
        size_t i;

        if (!art || !art->id || !(o = json_object()))
                return NULL;
        val[0] = art->id;
        val[1] = art->source;
        val[2] = art->url;
        val[3] = art->published_at;
        val[4] = art->title;
        for (i = 0; i < 5; i++) {
                if (!(v = json_string(val[i] ? val[i] : "")) ||
                    json_object_set_new_nocheck(o, key[i], v))
                        goto fail;
        }
        return o;
fail:
        json_decref(o);
        return NULL;
}
