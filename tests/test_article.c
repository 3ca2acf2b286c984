/* test_article.c - unit tests of article parsing: JSON and dateline text,
 * the error reasons, UTF-8 repair, NUL handling and RFC 3339 times. */
#include "article.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"

#define T_0922_0300 INT64_C(1663815600000) /* 2022-09-22T03:00:00Z */
#define T_0301      INT64_C(1677628800000) /* 2023-03-01T00:00:00Z */

static char errstr[512];
static enum article_err err;

/* Parses a NUL-terminated string with default limits. */
static struct article *parse(const char *s, int64_t fallback_ms)
{
        struct article *art = NULL;

        err = ARTICLE_OK;
        errstr[0] = '\0';
        if (article_parse(s, strlen(s), fallback_ms, NULL, &art, &err, errstr,
                          sizeof(errstr)) != 0) {
                CHECK(art == NULL);
                CHECK(err != ARTICLE_OK);
                CHECK(strncmp(errstr, article_err_name(err),
                              strlen(article_err_name(err))) == 0);
                return NULL;
        }
        CHECK(err == ARTICLE_OK);
        return art;
}

/* Expects s to fail with code and a message containing want. */
static void expect_fail(const char *s, enum article_err code, const char *want)
{
        struct article *art = parse(s, 0);

        CHECK(art == NULL);
        CHECK(err == code);
        if (err != code || (want && !strstr(errstr, want)))
                fprintf(stderr, "input %.60s: err %s, errstr \"%s\", want %s \"%s\"\n", s,
                        article_err_name(err), errstr, article_err_name(code),
                        want ? want : "");
        if (want)
                CHECK(strstr(errstr, want) != NULL);
        article_free(art);
}

static void test_good_json(void)
{
        struct article *art = parse(
            "{\"id\": \"wire-2023-0001\", \"source\": \"Wire\", "
            "\"url\": \"https://example.org/a\", "
            "\"published_at\": \"2022-09-22T03:00:00Z\", \"title\": \"Grain talks\", "
            "\"body\": \"The ministry said talks resumed.\", \"lang\": \"en\", "
            "\"extra\": {\"nested\": [1, 2, {\"x\": null}]}, \"score\": 3.5}",
            12345);

        CHECK(art != NULL);
        if (!art)
                return;
        CHECK_STR(art->id, "wire-2023-0001");
        CHECK_STR(art->source, "Wire");
        CHECK_STR(art->url, "https://example.org/a");
        CHECK_STR(art->published_at, "2022-09-22T03:00:00Z");
        CHECK(art->published_ms == T_0922_0300);
        CHECK_STR(art->title, "Grain talks");
        CHECK_STR(art->body, "The ministry said talks resumed.");
        CHECK_STR(art->lang, "en");
        CHECK_STR(art->text, "Grain talks\n\nThe ministry said talks resumed.");
        CHECK(art->text_len == strlen(art->text));
        CHECK(art->body_off == strlen("Grain talks\n\n"));
        CHECK_STR(art->text + art->body_off, art->body);
        article_free(art);
}

static void test_minimal_and_text_layout(void)
{
        struct article *art;

        /* Only a body: optional strings are "", text is the body. */
        art = parse("{\"id\":\"a1\",\"body\":\"Only body.\"}", 0);
        CHECK(art != NULL);
        if (art) {
                CHECK_STR(art->source, "");
                CHECK_STR(art->url, "");
                CHECK_STR(art->title, "");
                CHECK_STR(art->lang, "");
                CHECK_STR(art->published_at, "");
                CHECK(art->published_ms == 0);
                CHECK_STR(art->text, "Only body.");
                CHECK(art->body_off == 0);
        }
        article_free(art);

        /* Only a title: body_off points at the end. */
        art = parse("{\"id\":\"a2\",\"title\":\"Only title\",\"body\":\"   \"}", 0);
        CHECK(art != NULL);
        if (art) {
                CHECK_STR(art->text, "Only title");
                CHECK(art->body_off == art->text_len);
                CHECK_STR(art->body, "   ");
        }
        article_free(art);

        /* null counts as absent. */
        art = parse("{\"id\":\"a3\",\"title\":null,\"body\":\"B\",\"url\":null}", 0);
        CHECK(art != NULL);
        if (art) {
                CHECK_STR(art->title, "");
                CHECK_STR(art->url, "");
                CHECK_STR(art->text, "B");
        }
        article_free(art);

        /* BOM and whitespace before the object; trailing newline. */
        art = parse("\xef\xbb\xbf \n {\"id\":\"a4\",\"body\":\"x\"}\n", 0);
        CHECK(art != NULL);
        article_free(art);
}

static void test_ids(void)
{
        struct article *art;
        char big[600];

        art = parse("{\"id\": 42, \"body\": \"x\"}", 0);
        CHECK(art != NULL);
        if (art)
                CHECK_STR(art->id, "42");
        article_free(art);

        art = parse("{\"id\": -9007199254740993, \"body\": \"x\"}", 0);
        CHECK(art != NULL);
        if (art)
                CHECK_STR(art->id, "-9007199254740993");
        article_free(art);

        art = parse("{\"id\": \"  padded \", \"body\": \"x\"}", 0);
        CHECK(art != NULL);
        if (art)
                CHECK_STR(art->id, "padded");
        article_free(art);

        expect_fail("{\"body\": \"x\"}", ARTICLE_ERR_NO_ID,
                    "missing_id: article has no \"id\"");
        expect_fail("{\"id\": null, \"body\": \"x\"}", ARTICLE_ERR_NO_ID, "\"id\"");
        expect_fail("{\"id\": \"\", \"body\": \"x\"}", ARTICLE_ERR_NO_ID, "empty");
        expect_fail("{\"id\": \" \\t \", \"body\": \"x\"}", ARTICLE_ERR_NO_ID, "empty");
        expect_fail("{\"id\": \"a\\u0001b\", \"body\": \"x\"}", ARTICLE_ERR_NO_ID,
                    "control");
        expect_fail("{\"id\": 1.5, \"body\": \"x\"}", ARTICLE_ERR_TYPE,
                    "wrong_type: \"id\" is a number");
        expect_fail("{\"id\": true, \"body\": \"x\"}", ARTICLE_ERR_TYPE,
                    "\"id\" is a boolean");

        /* 256 bytes is the most an id may hold. */
        snprintf(big, sizeof(big), "{\"id\":\"%0256d\",\"body\":\"x\"}", 7);
        art = parse(big, 0);
        CHECK(art != NULL);
        if (art)
                CHECK(strlen(art->id) == 256);
        article_free(art);
        snprintf(big, sizeof(big), "{\"id\":\"%0257d\",\"body\":\"x\"}", 7);
        expect_fail(big, ARTICLE_ERR_NO_ID, "longer than 256");
}

static void test_missing_text_and_types(void)
{
        expect_fail("{\"id\":\"x\"}", ARTICLE_ERR_NO_TEXT, "missing_text");
        expect_fail("{\"id\":\"x\",\"title\":\"  \",\"body\":\"\\n\\t\"}",
                    ARTICLE_ERR_NO_TEXT, "\"body\"");
        expect_fail("{\"id\":\"x\",\"body\":12}", ARTICLE_ERR_TYPE,
                    "wrong_type: \"body\" is a number, want a string");
        expect_fail("{\"id\":\"x\",\"body\":\"b\",\"title\":{\"a\":1}}", ARTICLE_ERR_TYPE,
                    "\"title\" is an object");
        expect_fail("{\"id\":\"x\",\"body\":\"b\",\"source\":[\"Wire\"]}",
                    ARTICLE_ERR_TYPE, "\"source\" is an array");
        expect_fail("{\"id\":\"x\",\"body\":\"b\",\"published_at\":1663815600}",
                    ARTICLE_ERR_TYPE, "\"published_at\" is a number");
        expect_fail("{\"id\":\"x\",\"body\":\"b\",\"lang\":false}", ARTICLE_ERR_TYPE,
                    "\"lang\" is a boolean");
}

static void test_not_json(void)
{
        char *deep;
        size_t i, n = 100000;

        expect_fail("", ARTICLE_ERR_NOT_JSON, "empty");
        expect_fail(" \n\t\r\n ", ARTICLE_ERR_NOT_JSON, "blank");
        expect_fail("hello, world", ARTICLE_ERR_NOT_JSON, "dateline");
        expect_fail("[{\"id\":\"x\",\"body\":\"b\"}]", ARTICLE_ERR_NOT_OBJECT,
                    "not_object: input is an array");
        expect_fail("42", ARTICLE_ERR_NOT_OBJECT, "a number");
        expect_fail("\"just a string\"", ARTICLE_ERR_NOT_OBJECT, "a string");
        expect_fail("null", ARTICLE_ERR_NOT_OBJECT, NULL);
        expect_fail("{\"id\":\"x\",\"body\":\"trunc", ARTICLE_ERR_NOT_JSON, "not_json: ");
        expect_fail("{\"id\":\"x\",\"body\":\"b\"", ARTICLE_ERR_NOT_JSON, NULL);
        expect_fail("{\"id\":\"x\",\"body\":\"b\"} trailing", ARTICLE_ERR_NOT_JSON, NULL);
        expect_fail("{\"id\":\"x\",\"body\":\"a\tb\"}", ARTICLE_ERR_NOT_JSON, "control");

        /* Deep nesting hits jansson's depth limit: a clean error. */
        deep = malloc(n + 64);
        CHECK(deep != NULL);
        if (!deep)
                return;
        for (i = 0; i < n; i++)
                deep[i] = '[';
        deep[n] = '\0';
        expect_fail(deep, ARTICLE_ERR_NOT_JSON, "depth");
        strcpy(deep, "{\"id\":\"x\",\"body\":\"b\",\"junk\":");
        for (i = strlen(deep); i < n; i++)
                deep[i] = '[';
        deep[n] = '\0';
        expect_fail(deep, ARTICLE_ERR_NOT_JSON, "depth");
        free(deep);
}

static void test_limits(void)
{
        struct article_limits lim = {.max_bytes = 16};
        struct article *art = NULL;
        const char *s = "{\"id\":\"x\",\"body\":\"longer than sixteen\"}";
        size_t n = 1024 * 1024 + 1;
        char *big;

        CHECK(article_parse(s, strlen(s), 0, &lim, &art, &err, errstr, sizeof(errstr)) ==
              -1);
        CHECK(art == NULL);
        CHECK(err == ARTICLE_ERR_TOO_LARGE);
        CHECK(strstr(errstr, "too_large: ") == errstr);
        lim.max_bytes = strlen(s);
        CHECK(article_parse(s, strlen(s), 0, &lim, &art, &err, errstr, sizeof(errstr)) ==
              0);
        article_free(art);

        /* Default: 1 MiB, checked before any parsing. */
        big = malloc(n);
        CHECK(big != NULL);
        if (!big)
                return;
        memset(big, ' ', n);
        big[0] = '{';
        art = NULL;
        CHECK(article_parse(big, n, 0, NULL, &art, &err, errstr, sizeof(errstr)) == -1);
        CHECK(err == ARTICLE_ERR_TOO_LARGE);
        free(big);

        /* NULL err and a tiny or missing errstr are fine. */
        CHECK(article_parse(s, strlen(s), 0, &lim, &art, NULL, NULL, 0) == 0);
        article_free(art);
        CHECK(article_parse("{}", 2, 0, NULL, &art, NULL, errstr, 4) == -1);
        CHECK(strlen(errstr) == 3);
        CHECK(article_parse("{}", 2, 0, NULL, &art, NULL, errstr, 1) == -1);
        CHECK(errstr[0] == '\0');
}

static void test_utf8_repair(void)
{
        struct article *art;

        /* Latin-1 é, overlong "/", a truncated sequence before the quote. */
        art = parse(
            "{\"id\":\"u1\",\"title\":\"caf\xe9\",\"body\":\"a\xc0\xafz \xe2\x80\"}", 0);
        CHECK(art != NULL);
        if (art) {
                CHECK_STR(art->title, "caf\xef\xbf\xbd");
                CHECK_STR(art->body, "a\xef\xbf\xbd\xef\xbf\xbdz \xef\xbf\xbd");
                CHECK(strstr(art->text, "\xef\xbf\xbd") != NULL);
        }
        article_free(art);

        /* A UTF-16 surrogate encoded in UTF-8, a byte above U+10FFFF, and
         * valid multi-byte characters that must survive untouched. */
        art =
            parse("{\"id\":\"u2\",\"body\":\"\xed\xa0\x80|\xf5|\xe2\x80\x9cq\xe2\x80\x9d "
                  "\xf0\x9f\x93\xb0\"}",
                  0);
        CHECK(art != NULL);
        if (art)
                CHECK_STR(art->body, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd|"
                                     "\xe2\x80\x9cq\xe2\x80\x9d \xf0\x9f\x93\xb0");
        article_free(art);

        /* Lone surrogate escapes become U+FFFD; proper pairs are kept;
         * an escaped backslash before "ud800" is not an escape. */
        art = parse(
            "{\"id\":\"u3\",\"body\":\"a\\ud800b\\udc00c\\ud83d\\udcf0d\\\\ud800\"}", 0);
        CHECK(art != NULL);
        if (art)
                CHECK_STR(art->body, "a\xef\xbf\xbd"
                                     "b\xef\xbf\xbd"
                                     "c\xf0\x9f\x93\xb0"
                                     "d\\ud800");
        article_free(art);

        /* Bad bytes in a field name or an ignored field do no harm. */
        art = parse("{\"id\":\"u4\",\"b\xffody\":1,\"body\":\"ok\"}", 0);
        CHECK(art != NULL);
        article_free(art);
}

static void test_nul(void)
{
        struct article *art = NULL;
        const char with_term[] = "{\"id\":\"n2\",\"body\":\"x\"}\0\0";
        const char raw_mid[] = "{\"id\":\"n3\",\"body\":\"x\0y\"}";
        const char text_nul[] = "date 2023-03-01 (Desk) -- A\0B";

        /* "\u0000" is stripped from every field. */
        art = parse("{\"id\":\"n\\u00001\",\"title\":\"\\u0000\",\"body\":\"a\\u0000b\"}",
                    0);
        CHECK(art != NULL);
        if (art) {
                CHECK_STR(art->id, "n1");
                CHECK_STR(art->body, "ab");
                CHECK_STR(art->title, "");
                CHECK_STR(art->text, "ab");
        }
        article_free(art);

        /* Only NUL: no text left. */
        expect_fail("{\"id\":\"n4\",\"body\":\"\\u0000\"}", ARTICLE_ERR_NO_TEXT, NULL);

        /* A producer's C terminator(s) at the end are ignored. */
        art = NULL;
        CHECK(article_parse(with_term, sizeof(with_term) - 1, 0, NULL, &art, &err, errstr,
                            sizeof(errstr)) == 0);
        article_free(art);

        /* A raw NUL inside a JSON string is invalid JSON. */
        art = NULL;
        CHECK(article_parse(raw_mid, sizeof(raw_mid) - 1, 0, NULL, &art, &err, errstr,
                            sizeof(errstr)) == -1);
        CHECK(err == ARTICLE_ERR_NOT_JSON);

        /* In dateline text raw NULs are dropped. */
        art = NULL;
        CHECK(article_parse(text_nul, sizeof(text_nul) - 1, 0, NULL, &art, &err, errstr,
                            sizeof(errstr)) == 0);
        if (art)
                CHECK_STR(art->body, "AB");
        article_free(art);
}

static int64_t time_of(const char *s)
{
        int64_t ms = -12345;

        if (article_parse_time(s, &ms) != 0)
                return -12345;
        return ms;
}

static void test_times(void)
{
        struct article *art;
        char buf[32];
        int64_t ms;

        CHECK(time_of("2022-09-22T03:00:00Z") == T_0922_0300);
        CHECK(time_of("2022-09-22T08:30:00+05:30") == T_0922_0300);
        CHECK(time_of("2022-09-21T23:00:00-04:00") == T_0922_0300);
        CHECK(time_of("2022-09-22T03:00:00+00:00") == T_0922_0300);
        CHECK(time_of("2022-09-22t03:00:00z") == T_0922_0300);
        CHECK(time_of("2022-09-22 03:00:00Z") == T_0922_0300);
        CHECK(time_of("2022-09-22T03:00:00.250Z") == T_0922_0300 + 250);
        CHECK(time_of("2022-09-22T03:00:00.5Z") == T_0922_0300 + 500);
        CHECK(time_of("2022-09-22T03:00:00.123456789Z") == T_0922_0300 + 123);
        CHECK(time_of("2022-09-22T08:30:00.075+05:30") == T_0922_0300 + 75);
        CHECK(time_of("2023-03-01") == T_0301);
        CHECK(time_of("2024-02-29T12:00:00Z") == INT64_C(1709208000000));
        CHECK(time_of("1900-01-01") == INT64_C(-2208988800000));
        CHECK(time_of("1970-01-01T00:00:00Z") == 0);

        CHECK(article_parse_time("2023-02-29", &ms) == -1);
        CHECK(article_parse_time("1900-02-29", &ms) == -1);
        CHECK(article_parse_time("2022-13-01", &ms) == -1);
        CHECK(article_parse_time("2022-09-22T03:00:00", &ms) == -1); /* no zone */
        CHECK(article_parse_time("2022-09-22T24:00:00Z", &ms) == -1);
        CHECK(article_parse_time("2022-09-22T03:00:00.Z", &ms) == -1);
        CHECK(article_parse_time("2022-09-22T03:00:00+0530", &ms) == -1);
        CHECK(article_parse_time("2022-09-22T03:00Z", &ms) == -1);
        CHECK(article_parse_time("2022-09-22Z", &ms) == -1);
        CHECK(article_parse_time("2022-9-22", &ms) == -1);
        CHECK(article_parse_time("2022-09-22T03:00:00Zjunk", &ms) == -1);
        CHECK(article_parse_time("", &ms) == -1);
        CHECK(article_parse_time(NULL, &ms) == -1);

        article_format_time(T_0922_0300, buf, sizeof(buf));
        CHECK_STR(buf, "2022-09-22T03:00:00Z");
        article_format_time(T_0922_0300 + 250, buf, sizeof(buf));
        CHECK_STR(buf, "2022-09-22T03:00:00.250Z");
        article_format_time(INT64_C(951868799999), buf, sizeof(buf));
        CHECK_STR(buf, "2000-02-29T23:59:59.999Z");
        article_format_time(-1, buf, sizeof(buf));
        CHECK_STR(buf, "1969-12-31T23:59:59.999Z");
        article_format_time(INT64_MAX, buf, sizeof(buf));
        CHECK_STR(buf, "9999-12-31T23:59:59.999Z");
        article_format_time(INT64_MIN, buf, sizeof(buf));
        CHECK_STR(buf, "0000-01-01T00:00:00Z");
        CHECK(time_of("2000-02-29T23:59:59.999Z") == INT64_C(951868799999));

        /* In an article: the given string is kept, ms computed. */
        art = parse(
            "{\"id\":\"t1\",\"body\":\"b\",\"published_at\":\" 2022-09-22T08:30:00+05:30 "
            "\"}",
            99);
        CHECK(art != NULL);
        if (art) {
                CHECK_STR(art->published_at, "2022-09-22T08:30:00+05:30");
                CHECK(art->published_ms == T_0922_0300);
        }
        article_free(art);

        expect_fail("{\"id\":\"t2\",\"body\":\"b\",\"published_at\":\"yesterday\"}",
                    ARTICLE_ERR_TIME, "bad_time: \"published_at\"");
        expect_fail(
            "{\"id\":\"t3\",\"body\":\"b\",\"published_at\":\"2022-02-30T00:00:00Z\"}",
            ARTICLE_ERR_TIME, NULL);
}

static void test_fallback(void)
{
        struct article *art;

        art = parse("{\"id\":\"f1\",\"body\":\"b\"}", T_0922_0300);
        CHECK(art != NULL);
        if (art) {
                CHECK_STR(art->published_at, "2022-09-22T03:00:00Z");
                CHECK(art->published_ms == T_0922_0300);
        }
        article_free(art);

        art = parse("{\"id\":\"f2\",\"body\":\"b\",\"published_at\":\"\"}",
                    T_0922_0300 + 7);
        CHECK(art != NULL);
        if (art) {
                CHECK_STR(art->published_at, "2022-09-22T03:00:00.007Z");
                CHECK(art->published_ms == T_0922_0300 + 7);
        }
        article_free(art);

        /* Kafka's "no timestamp" (-1) and 0 both mean unknown. */
        art = parse("{\"id\":\"f3\",\"body\":\"b\",\"published_at\":null}", -1);
        CHECK(art != NULL);
        if (art) {
                CHECK_STR(art->published_at, "");
                CHECK(art->published_ms == 0);
        }
        article_free(art);
}

static const char dateline[] =
    "date 2023-03-01 (Desk) -- The ministry denied reports that it had sold "
    "grain to the neighbouring state.\n\n\"We have never sold grain abroad,\" a "
    "spokesperson said on Wednesday.\n";

static void test_dateline(void)
{
        struct article *art, *again;
        char *copy;
        size_t i;

        art = parse(dateline, T_0922_0300);
        CHECK(art != NULL);
        if (!art)
                return;
        CHECK_STR(art->source, "Desk");
        CHECK_STR(art->published_at, "2023-03-01T00:00:00Z");
        CHECK(art->published_ms == T_0301);
        CHECK_STR(art->title, "");
        CHECK(strncmp(art->body, "The ministry denied reports", 27) == 0);
        CHECK(strstr(art->body, "spokesperson said on Wednesday.") != NULL);
        CHECK_STR(art->text, art->body);
        CHECK(art->body_off == 0);
        CHECK(strncmp(art->id, "text-", 5) == 0);
        CHECK(strlen(art->id) == 5 + 16);
        for (i = 5; art->id[i]; i++)
                CHECK(strchr("0123456789abcdef", art->id[i]) != NULL);

        /* The id is a hash of the bytes: stable, and different for other text. */
        again = parse(dateline, 0);
        CHECK(again != NULL);
        if (again)
                CHECK_STR(again->id, art->id);
        article_free(again);
        copy = strdup(dateline);
        copy[strlen(copy) - 2] = '!';
        again = parse(copy, 0);
        CHECK(again != NULL);
        if (again)
                CHECK(strcmp(again->id, art->id) != 0);
        article_free(again);
        free(copy);
        article_free(art);

        /* The seed's shape: a leading space, no blank before the body. */
        art = parse(" date 2021-12-31 (Evening Post) --Officials said nothing.", 0);
        CHECK(art != NULL);
        if (art) {
                CHECK_STR(art->source, "Evening Post");
                CHECK_STR(art->body, "Officials said nothing.");
                CHECK_STR(art->published_at, "2021-12-31T00:00:00Z");
        }
        article_free(art);

        /* BOM, no "date" word, an em dash, bad UTF-8 repaired. */
        art = parse(
            "\xef\xbb\xbf\n2023-03-01 (Desk) \xe2\x80\x94 Caf\xe9 owners protested.", 0);
        CHECK(art != NULL);
        if (art) {
                CHECK_STR(art->source, "Desk");
                CHECK_STR(art->body, "Caf\xef\xbf\xbd owners protested.");
        }
        article_free(art);

        expect_fail("date 2023-03-01 (Desk) --   \n ", ARTICLE_ERR_NO_TEXT, "no body");
        expect_fail("date 2023-02-30 (Desk) -- text", ARTICLE_ERR_NOT_JSON, NULL);
        expect_fail("date 2023-03-01 () -- text", ARTICLE_ERR_NOT_JSON, NULL);
        expect_fail("date 2023-03-01 (Desk) text", ARTICLE_ERR_NOT_JSON, NULL);
        expect_fail("date 2023-03-01 (De\nsk) -- text", ARTICLE_ERR_NOT_JSON, NULL);
        expect_fail("date 2023-03-01 (Desk -- text", ARTICLE_ERR_NOT_JSON, NULL);
        expect_fail("Some prose (Desk) -- 2023-03-01", ARTICLE_ERR_NOT_JSON, NULL);
}

static void test_ref_and_names(void)
{
        struct article *art =
            parse("{\"id\":\"r1\",\"source\":\"Wire\",\"title\":\"T\",\"body\":\"B\","
                  "\"published_at\":\"2022-09-22T03:00:00Z\",\"lang\":\"en\"}",
                  0);
        json_t *ref;

        CHECK(art != NULL);
        if (art) {
                ref = article_ref_json(art);
                CHECK(ref != NULL);
                CHECK(json_object_size(ref) == 5);
                CHECK_STR(json_string_value(json_object_get(ref, "id")), "r1");
                CHECK_STR(json_string_value(json_object_get(ref, "source")), "Wire");
                CHECK_STR(json_string_value(json_object_get(ref, "url")), "");
                CHECK_STR(json_string_value(json_object_get(ref, "published_at")),
                          "2022-09-22T03:00:00Z");
                CHECK_STR(json_string_value(json_object_get(ref, "title")), "T");
                CHECK(json_object_get(ref, "body") == NULL);
                json_decref(ref);
        }
        article_free(art);
        article_free(NULL);

        CHECK_STR(article_err_name(ARTICLE_OK), "ok");
        CHECK_STR(article_err_name(ARTICLE_ERR_TOO_LARGE), "too_large");
        CHECK_STR(article_err_name(ARTICLE_ERR_NOT_JSON), "not_json");
        CHECK_STR(article_err_name(ARTICLE_ERR_NOT_OBJECT), "not_object");
        CHECK_STR(article_err_name(ARTICLE_ERR_TYPE), "wrong_type");
        CHECK_STR(article_err_name(ARTICLE_ERR_NO_ID), "missing_id");
        CHECK_STR(article_err_name(ARTICLE_ERR_NO_TEXT), "missing_text");
        CHECK_STR(article_err_name(ARTICLE_ERR_ENCODING), "bad_encoding");
        CHECK_STR(article_err_name(ARTICLE_ERR_TIME), "bad_time");
        CHECK_STR(article_err_name((enum article_err)99), "unknown");
}

/* article_peek_time answers with what article_parse gives, or not at
 * all; it answers for ordinary articles (or replay gains nothing). */
static void expect_peek(const char *s, int want_rc)
{
        struct article *art = parse(s, 0);
        int64_t ms = -1;
        int rc = article_peek_time(s, strlen(s), &ms);

        CHECK(rc == want_rc);
        if (rc != want_rc)
                fprintf(stderr, "peek %.80s: %d, want %d\n", s, rc, want_rc);
        if (rc == 0 && art) {
                CHECK(ms == art->published_ms);
                CHECK(ms > 0);
        }
        article_free(art);
}

static void test_peek_time(void)
{
        /* answers */
        expect_peek(
            "{\"id\":\"a\",\"published_at\":\"2022-09-22T03:00:00Z\",\"body\":\"x\"}", 0);
        expect_peek(
            "\xEF\xBB\xBF { \"body\" : \"He said \\\"no\\\" \\\\\" , \"published_at\" : "
            "\" 2022-09-22T05:00:00+02:00 \" ,\"id\":\"a\"}",
            0);
        expect_peek(
            "{\"id\":\"a\",\"meta\":{\"published_at\":\"1999-01-01\",\"x\":[1,{\"y\":\"}"
            "\"}]},"
            "\"n\":-1.5e3,\"t\":true,\"published_at\":\"2023-03-01\",\"body\":\"x\"}",
            0);
        /* a rejected article may still get an answer */
        expect_peek("{\"published_at\":\"2022-09-22T03:00:00Z\"}", 0);
        /* no answer */
        expect_peek("{\"id\":\"a\",\"body\":\"x\"}", 1);
        expect_peek("{\"id\":\"a\",\"published_at\":\"\",\"body\":\"x\"}", 1);
        expect_peek("{\"id\":\"a\",\"published_at\":null,\"body\":\"x\"}", 1);
        expect_peek("{\"id\":\"a\",\"published_at\":\"2022-09-22\",\"published_at\":"
                    "\"2023-03-01\","
                    "\"body\":\"x\"}",
                    1);
        expect_peek("{\"id\":\"a\",\"published\\u005fat\":\"2022-09-22\",\"body\":\"x\"}",
                    1);
        expect_peek("{\"id\":\"a\",\"published_at\":\"2022-09-22T03:00:00\\u005a\","
                    "\"body\":\"x\"}",
                    1);
        expect_peek("{\"id\":\"a\",\"published_at\":\"yesterday\",\"body\":\"x\"}", 1);
        expect_peek("date 2022-09-22 (Desk) -- Text.", 1);
        expect_peek("[{\"published_at\":\"2022-09-22\"}]", 1);
        expect_peek("{\"id\":\"a\",\"published_at\":\"2022-09-22", 1);
}

int main(void)
{
        test_good_json();
        test_minimal_and_text_layout();
        test_ids();
        test_missing_text_and_types();
        test_not_json();
        test_limits();
        test_utf8_repair();
        test_nul();
        test_times();
        test_fallback();
        test_dateline();
        test_ref_and_names();
        test_peek_time();
        return check_done("test_article");
}
