/* fuzz_article.c - libFuzzer target for article_parse: any bytes must give
 * either a well-formed article or a reason code and message, never a crash
 * or a leak.  The JSON scanner must give exactly what the jansson path
 * gives wherever it does not decline, and article_peek_time the
 * published_ms article_parse gives wherever it answers.  Also exercises
 * the time parser and the reference builder. */
#include "article.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Whether s is a C string of valid UTF-8 (jansson checks it for us). */
static int valid_utf8(const char *s)
{
        json_t *str;
        int ok;

        if (!s)
                return 0;
        str = json_string(s);
        ok = str != NULL;
        json_decref(str);
        return ok;
}

/* Checks the promises article.h makes about a parsed article. */
static void check_article(const struct article *art)
{
        const char *fields[] = {art->id,    art->source, art->url,  art->published_at,
                                art->title, art->body,   art->lang, art->text};
        json_t *ref;
        size_t i;

        for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
                if (!valid_utf8(fields[i]))
                        abort();
        if (!art->id[0] || strlen(art->text) != art->text_len ||
            art->body_off > art->text_len)
                abort();
        ref = article_ref_json(art);
        if (!ref)
                abort();
        json_decref(ref);
}

static int same_str(const char *a, const char *b)
{
        return a && b && strcmp(a, b) == 0;
}

/* Aborts unless the scanner (when it did not decline) and the default path
 * both give the jansson path's answer for data. */
static void check_paths(const uint8_t *data, size_t size,
                        const struct article_limits *lim)
{
        static const enum article_json_path paths[] = {ARTICLE_JSON_SCANNER,
                                                       ARTICLE_JSON_AUTO};
        struct article *ref = NULL, *art;
        enum article_err ref_err = ARTICLE_OK, err;
        char ref_str[256], errstr[256];
        int ref_rc, rc;
        size_t i;

        ref_rc = article_parse_with(ARTICLE_JSON_JANSSON, (const char *)data, size,
                                    1663815600000, lim, &ref, &ref_err, ref_str,
                                    sizeof(ref_str));
        for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
                art = NULL;
                err = ARTICLE_OK;
                rc = article_parse_with(paths[i], (const char *)data, size, 1663815600000,
                                        lim, &art, &err, errstr, sizeof(errstr));
                if (rc == 1 && paths[i] == ARTICLE_JSON_SCANNER && !art)
                        continue;
                if (rc != ref_rc || err != ref_err || strcmp(errstr, ref_str) != 0)
                        abort();
                if (rc == 0 &&
                    (!same_str(art->id, ref->id) || !same_str(art->source, ref->source) ||
                     !same_str(art->url, ref->url) ||
                     !same_str(art->published_at, ref->published_at) ||
                     !same_str(art->title, ref->title) ||
                     !same_str(art->body, ref->body) || !same_str(art->lang, ref->lang) ||
                     art->published_ms != ref->published_ms ||
                     art->text_len != ref->text_len || art->body_off != ref->body_off ||
                     memcmp(art->text, ref->text, ref->text_len + 1) != 0))
                        abort();
                article_free(art);
        }
        article_free(ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct article_limits lim = {.max_bytes = 64 * 1024};
        struct article *art = NULL;
        enum article_err err = ARTICLE_OK;
        char errstr[256], *s;
        char stamp[32];
        int64_t ms;

        if (article_parse((const char *)data, size, 1663815600000, &lim, &art, &err,
                          errstr, sizeof(errstr)) == 0) {
                if (!art || err != ARTICLE_OK)
                        abort();
                if (article_peek_time((const char *)data, size, &ms) == 0 &&
                    ms != art->published_ms)
                        abort();
                check_article(art);
                article_free(art);
        } else if (art || err == ARTICLE_OK ||
                   strncmp(errstr, article_err_name(err),
                           strlen(article_err_name(err)))) {
                abort();
        }

        check_paths(data, size, &lim);

        /* The same bytes as a time string: parse, format, parse again. */
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        if (article_parse_time(s, &ms) == 0) {
                int64_t again;

                article_format_time(ms, stamp, sizeof(stamp));
                if (ms >= 0 && ms < INT64_C(253402300800000) &&
                    (article_parse_time(stamp, &again) != 0 || again != ms))
                        abort();
        }
        free(s);
        return 0;
}
