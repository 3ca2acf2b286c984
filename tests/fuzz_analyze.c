/* fuzz_analyze.c - libFuzzer target for the analyzer: arbitrary bytes,
 * parsed as an article when they are one and otherwise taken as raw body
 * text, must analyze without a crash, a leak or an unbounded result, and
 * every statement must serialize to JSON and back. */
#include "analyze.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct lexicon *lx;

static void check_stmts(const struct stmt_list *sl, size_t text_len)
{
        size_t i;

        for (i = 0; i < sl->n; i++) {
                json_t *o = stmt_to_json(&sl->v[i]);
                struct stmt back;

                if (!o || sl->v[i].off + sl->v[i].len > text_len)
                        abort();
                if (stmt_from_json(o, &back) != 0)
                        abort();
                stmt_clear(&back);
                json_decref(o);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct analyze_limits lim = {64, 32};
        struct article_limits alim = {1 << 20};
        struct article *art = NULL, raw;
        struct stmt_list sl = {0};
        char *text;

        if (!lx) {
                char err[256];

                if (!(lx = lexicon_load(NULL, err, sizeof(err)))) {
                        fprintf(stderr, "fuzz_analyze: %s\n", err);
                        abort();
                }
        }
        if (article_parse((const char *)data, size, 0, &alim, &art, NULL, NULL, 0) == 0) {
                if (analyze_article(lx, &lim, art, &sl) != 0)
                        abort();
                check_stmts(&sl, art->text_len);
                if (sl.n > lim.max_statements)
                        abort();
                stmt_list_free(&sl);
                article_free(art);
        }
        /* the raw bytes as body text (NUL-terminated copy; may hold
         * invalid UTF-8 and NULs: the analyzer must cope) */
        if (!(text = malloc(size + 1)))
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        memset(&raw, 0, sizeof(raw));
        raw.id = (char *)"fuzz";
        raw.source = (char *)"Fuzz";
        raw.text = text;
        raw.text_len = size;
        if (analyze_article(lx, &lim, &raw, &sl) != 0)
                abort();
        if (sl.n > lim.max_statements)
                abort();
        stmt_list_free(&sl);
        free(text);
        return 0;
}
