/* test_article_scan.c - the article JSON scanner against the jansson
 * path: for every input, whatever the scanner accepts must give the very
 * article (or error and message) the jansson path gives, and the default
 * path must always give the jansson path's answer.  Hand-written tricky
 * inputs, then every truncation and many byte mutations of a few. */
#include "article.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define T_0922_0300 INT64_C(1663815600000) /* 2022-09-22T03:00:00Z */

/* What we expect of the scanner for one input. */
enum want { DECLINES, ACCEPTS, EITHER };

static int accepted, declined;

static int same_str(const char *a, const char *b)
{
        return a && b && strcmp(a, b) == 0;
}

static int same_article(const struct article *a, const struct article *b)
{
        return same_str(a->id, b->id) && same_str(a->source, b->source) &&
               same_str(a->url, b->url) && same_str(a->published_at, b->published_at) &&
               same_str(a->title, b->title) && same_str(a->body, b->body) &&
               same_str(a->lang, b->lang) && a->published_ms == b->published_ms &&
               a->text_len == b->text_len && a->body_off == b->body_off &&
               memcmp(a->text, b->text, a->text_len + 1) == 0;
}

/* One parse's outcome. */
struct outcome {
        int rc;
        struct article *art;
        enum article_err err;
        char errstr[512];
};

static void run(struct outcome *o, enum article_json_path path, const char *in,
                size_t len)
{
        o->err = ARTICLE_OK;
        o->rc = article_parse_with(path, in, len, T_0922_0300, NULL, &o->art, &o->err,
                                   o->errstr, sizeof(o->errstr));
}

static int same_outcome(const struct outcome *a, const struct outcome *b)
{
        if (a->rc != b->rc || a->err != b->err || strcmp(a->errstr, b->errstr) != 0)
                return 0;
        return a->rc != 0 || same_article(a->art, b->art);
}

/* Parses in[0..len) every way and compares; returns the scanner's rc. */
static int differ(const char *in, size_t len, enum want want)
{
        struct outcome j, s, a;
        int ok = 1;

        run(&j, ARTICLE_JSON_JANSSON, in, len);
        run(&s, ARTICLE_JSON_SCANNER, in, len);
        run(&a, ARTICLE_JSON_AUTO, in, len);
        if (s.rc == 1) {
                declined++;
                ok = s.art == NULL && want != ACCEPTS;
        } else {
                accepted++;
                ok = same_outcome(&s, &j) && want != DECLINES;
        }
        ok = ok && same_outcome(&a, &j);
        CHECK(ok);
        if (!ok)
                fprintf(stderr,
                        "input %.*s\n  jansson %d %s | scanner %d %s | auto %d %s\n",
                        (int)(len > 200 ? 200 : len), in, j.rc, j.errstr, s.rc, s.errstr,
                        a.rc, a.errstr);
        article_free(j.art);
        article_free(s.art);
        article_free(a.art);
        return s.rc;
}

static int differ_str(const char *in, enum want want)
{
        return differ(in, strlen(in), want);
}

static void test_accepted(void)
{
        static const char *const in[] = {
            "{\"id\":\"a\",\"body\":\"b\"}",
            " \t\r\n{ \"id\" : \"a\" , \"body\" : \"b\" } \n\r\t ",
            "\xef\xbb\xbf{\"id\":\"a\",\"body\":\"b\"}",
            "{\"id\":\"a\",\"source\":\"S\",\"url\":\"u\",\"published_at\":"
            "\"2022-09-22T03:00:00+02:00\",\"title\":\"T\",\"body\":\"B\",\"lang\":"
            "\"en\"}",
            /* escapes of every kind, NUL dropped, a proper pair */
            "{\"id\":\"a\",\"body\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t "
            "\\u00e9\\u20AC\\ud83d\\ude00 x\\u0000y\"}",
            "{\"id\":\"a\\u0000b\",\"body\":\"\\u0000\\u0000text\"}",
            /* raw UTF-8 of 2, 3 and 4 bytes, DEL */
            "{\"id\":\"a\",\"title\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f\"}",
            /* unknown fields of every type, nested */
            "{\"x\":{\"id\":5,\"a\":[1,-2.5e10,true,false,null,\"s\",{},[]]},"
            "\"id\":\"top\",\"y\":[[[[{\"z\":[]}]]]],\"n\":-0.0E+0,\"body\":\"b\"}",
            /* repeated keys: the last one counts */
            "{\"id\":\"first\",\"body\":\"one\",\"id\":\"second\",\"body\":\"two\"}",
            "{\"id\":\"a\",\"body\":\"b\",\"title\":\"t\",\"title\":null}",
            /* an escaped key still names the field */
            "{\"\\u0069d\":\"esc\",\"b\\u006fdy\":\"b\"}",
            "{\"id\":\"a\",\"body\":\"b\",\"Body\":5,\"ids\":[],\"\":1}",
            /* integer ids */
            "{\"id\":42,\"body\":\"b\"}",
            "{\"id\":-0,\"body\":\"b\"}",
            "{\"id\":-123456789012345678,\"body\":\"b\"}",
            /* the checks after reading: same messages */
            "{\"body\":\"b\"}",
            "{\"id\":null,\"body\":\"b\"}",
            "{}",
            "{\"id\":\"   \",\"body\":\"b\"}",
            "{\"id\":\"a\\u0001\",\"body\":\"b\"}",
            "{\"id\":\"a\"}",
            "{\"id\":\"a\",\"title\":\" \\n\\t\",\"body\":\"\"}",
            "{\"id\":\"a\",\"body\":\"b\",\"published_at\":\"yesterday\"}",
            "{\"id\":\"a\",\"body\":\"b\",\"published_at\":\" 2022-09-22 \"}",
            "{\"id\":\"a\",\"body\":\"b\",\"published_at\":\"\"}",
            "{\"id\":\"  padded\\t\",\"body\":\"b\"}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":123456789012345678}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":1.5e250}",
        };
        size_t i;

        for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
                differ_str(in[i], ACCEPTS);
}

static void test_declined(void)
{
        static const char *const in[] = {
            /* not JSON */
            "{\"id\":\"a\",\"body\":\"b\"",
            "{\"id\":\"a\",\"body\":\"b\",}",
            "{\"id\":\"a\" \"body\":\"b\"}",
            "{\"id\":\"a\",\"body\":\"b\"} x",
            "{\"id\":\"a\",\"body\":\"b\"}{}",
            "{\"id\":\"a\",\"body\":\"b\"}\f",
            "{'id':'a'}",
            "{id:\"a\"}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":01}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":1.}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":.5}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":+1}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":1e}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":-}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":NaN}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":tru}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":truex}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":nul}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":[1,]}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":[1 2]}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":{\"k\"}}",
            "{\"id\":\"a\",\"body\":\"tab\there\"}",
            "{\"id\":\"a\",\"body\":\"nl\nhere\"}",
            "{\"id\":\"a\",\"body\":\"bad \\x escape\"}",
            "{\"id\":\"a\",\"body\":\"bad \\u12 escape\"}",
            "{\"id\":\"a\",\"body\":\"bad \\u12g4 escape\"}",
            "{\"id\":\"a\",\"body\":\"trailing \\",
            /* what utf8_repair or json_fix_surrogates change */
            "{\"id\":\"a\",\"body\":\"lone \\ud800 high\"}",
            "{\"id\":\"a\",\"body\":\"lone \\udc00 low\"}",
            "{\"id\":\"a\",\"body\":\"two highs \\ud800\\ud800\\udc00\"}",
            "{\"id\":\"a\",\"body\":\"end \\ud83d\"}",
            "{\"id\":\"a\",\"body\":\"bad \xff byte\"}",
            "{\"id\":\"a\",\"body\":\"overlong \xc0\xaf\"}",
            "{\"id\":\"a\",\"body\":\"surrogate \xed\xa0\x80\"}",
            "{\"id\":\"a\",\"body\":\"cut \xe2\x82\"}",
            "{\"id\":\"a\",\"body\":\"b\",\"k\xff\":1}",
            /* wrong types of known fields, also when the id is missing */
            "{\"id\":\"a\",\"body\":5}",
            "{\"id\":\"a\",\"body\":\"b\",\"title\":true}",
            "{\"id\":\"a\",\"body\":\"b\",\"lang\":[\"en\"]}",
            "{\"id\":\"a\",\"body\":\"b\",\"url\":{}}",
            "{\"id\":1.5,\"body\":\"b\"}",
            "{\"id\":1e3,\"body\":\"b\"}",
            "{\"id\":true,\"body\":\"b\"}",
            "{\"id\":[\"a\"],\"body\":\"b\"}",
            "{\"body\":[],\"title\":\"t\"}",
            "{\"id\":5,\"id\":[],\"body\":\"b\"}",
            /* numbers jansson may find too big */
            "{\"id\":9223372036854775807,\"body\":\"b\"}",
            "{\"id\":99999999999999999999999,\"body\":\"b\"}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":1e999}",
            "{\"id\":\"a\",\"body\":\"b\",\"n\":1e-400}",
            /* NUL in a key */
            "{\"id\":\"a\",\"body\":\"b\",\"k\\u0000\":1}",
            "{\"i\\u0000d\":\"a\",\"body\":\"b\"}",
        };
        size_t i;

        for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
                differ_str(in[i], DECLINES);
}

/* Inputs the scanner never sees (not a '{' first) and raw NULs. */
static void test_other_forms(void)
{
        static const char nul_inside[] = "{\"id\":\"a\",\0\"body\":\"b\"}";
        static const char nul_after[] = "{\"id\":\"a\",\"body\":\"b\"}\0\0";
        static const char nul_str[] = "{\"id\":\"a\",\"body\":\"b\0c\"}";

        differ_str("[{\"id\":\"a\",\"body\":\"b\"}]", EITHER);
        differ_str("\"just a string\"", EITHER);
        differ_str("date 2022-09-22 (Wire) -- The ministry said so.", EITHER);
        differ_str("   ", EITHER);
        differ_str("", EITHER);
        differ(nul_inside, sizeof(nul_inside) - 1, DECLINES);
        differ(nul_after, sizeof(nul_after) - 1, ACCEPTS);
        differ(nul_str, sizeof(nul_str) - 1, DECLINES);
}

/* Objects and arrays nested to just under and over the scanner's limit,
 * and far past it (jansson's own limit). */
static void test_depth(void)
{
        size_t depths[] = {30, 31, 32, 33, 40, 3000}, i, k;
        char *buf = malloc(3000 * 6 + 64), *p;

        if (!buf)
                return;
        for (i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
                p = buf + sprintf(buf, "{\"id\":\"a\",\"x\":");
                for (k = 0; k < depths[i]; k++) {
                        if (k % 2)
                                *p++ = '[';
                        else
                                p += sprintf(p, "{\"k\":");
                }
                *p++ = '1';
                for (k = depths[i]; k-- > 0;)
                        *p++ = k % 2 ? ']' : '}';
                p += sprintf(p, ",\"body\":\"b\"}");
                differ(buf, (size_t)(p - buf), depths[i] < 30 ? ACCEPTS : EITHER);
        }
        free(buf);
}

/* A big body full of escapes and multi-byte characters. */
static void test_huge(void)
{
        size_t n = 200000, i;
        char *buf = malloc(n * 8 + 64), *p = buf;

        if (!buf)
                return;
        p += sprintf(p, "{\"id\":\"big\",\"body\":\"");
        for (i = 0; i < n; i++) {
                static const char *const piece[] = {
                    "word ",          "\\n",    "\\u00e9", "\xe2\x82\xac", "\\\"",
                    "\\ud83d\\ude00", "\\u0000"};
                const char *s = piece[i % 7];

                memcpy(p, s, strlen(s));
                p += strlen(s);
        }
        p += sprintf(p, "\"}");
        CHECK(differ(buf, (size_t)(p - buf), ACCEPTS) == 0);
        free(buf);
}

static const char *const seeds[] = {
    "{\"id\":\"wire-1\",\"source\":\"Wire\",\"url\":\"https://e.org/"
    "a?b=1\",\"published_at\":"
    "\"2022-09-22T03:00:00Z\",\"title\":\"Talks \\u201cresume\\u201d\",\"body\":\"The "
    "minister said \\\"no\\\".\\n\\nIt was \xc3\xa9t\xc3\xa9 \\ud83d\\ude00.\","
    "\"lang\":\"en\",\"tags\":[\"a\",{\"b\":[1,2.5,-3e2,true,false,null]}]}",
    "{\"id\":12345,\"title\":\"  "
    "\",\"body\":\"x\\u0000y\",\"published_at\":\"2022-09-22\"}",
};

/* Every prefix of the seeds: truncated documents. */
static void test_truncations(void)
{
        size_t i, k, len;

        for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
                len = strlen(seeds[i]);
                CHECK(differ(seeds[i], len, ACCEPTS) == 0);
                for (k = 0; k < len; k++)
                        differ(seeds[i], k, EITHER);
        }
}

/* Byte mutations of the seeds: replace, insert and delete bytes with ones
 * that matter to a JSON reader (xorshift, fixed seed). */
static void test_mutations(void)
{
        static const char alphabet[] =
            "{}[]\",:\\u0d8fe+-.1 \t\nntrl\x00\x7f\xc3\xa9\xed\xff";
        uint64_t x = 88172645463325252ULL;
        char buf[512];
        size_t i, len, pos, r;
        int round;

        for (round = 0; round < 20000; round++) {
                const char *seed = seeds[round % 2];

                len = strlen(seed);
                memcpy(buf, seed, len);
                for (r = 0; r < (size_t)(1 + round % 3); r++) {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        pos = (size_t)(x % len);
                        i = (size_t)((x >> 32) % (sizeof(alphabet) - 1));
                        if ((x >> 20) % 3 == 0 && len + 1 < sizeof(buf)) {
                                memmove(buf + pos + 1, buf + pos, len - pos);
                                len++;
                        } else if ((x >> 20) % 3 == 1 && len > 1) {
                                memmove(buf + pos, buf + pos + 1, len - pos - 1);
                                len--;
                                continue;
                        }
                        buf[pos] = alphabet[i];
                }
                differ(buf, len, EITHER);
        }
}

int main(void)
{
        test_accepted();
        test_declined();
        test_other_forms();
        test_depth();
        test_huge();
        test_truncations();
        test_mutations();
        /* the mutations must reach both sides */
        CHECK(accepted > 1000);
        CHECK(declined > 1000);
        printf("scanner accepted %d inputs, declined %d\n", accepted, declined);
        return check_done("test_article_scan");
}
