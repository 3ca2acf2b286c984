/* fuzz_article.c - libFuzzer target for article_parse: any bytes must give
 * either a well-formed article or a reason code and message, never a crash
 * or a leak.  Also exercises the time parser and the reference builder. */
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
                check_article(art);
                article_free(art);
        } else if (art || err == ARTICLE_OK ||
                   strncmp(errstr, article_err_name(err),
                           strlen(article_err_name(err)))) {
                abort();
        }

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
