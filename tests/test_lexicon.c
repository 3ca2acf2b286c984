/* test_lexicon.c - lookups the analyzer's speed rests on: the filter of
 * the words that continue an entity alias (lexicon_alias_word_maybe)
 * must never turn away a phrase that is an alias or starts one. */
#include "lexicon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "text.h"

/* Every word after the first of these aliases (entities.txt) passes. */
static void test_alias_words_pass(const struct lexicon *lx)
{
        static const char *const later[] = {"korea",    "jong", "un",       "'s",
                                            "regime",   "news", "agency",   "kremlin",
                                            "house",    "10",   "jinping",  "states",
                                            "zelensky", "of",   "republic", NULL};
        const char *const *w;

        for (w = later; *w; w++)
                CHECK(lexicon_alias_word_maybe(lx, text_hash(*w)));
        CHECK(lexicon_entity(lx, "north korea") != NULL);
        CHECK(lexicon_entity(lx, "kim jong un 's regime") != NULL);
}

/* Where the filter says no, the phrase it would extend is no alias and
 * no alias prefix, for every word of a text after every alias start. */
static void test_alias_words_sound(const struct lexicon *lx)
{
        static const char *const first[] = {"north", "kim", "the",    "white", "no",
                                            "joe",   "xi",  "korean", NULL};
        const char *text = "Kim Jong Un said North Korea and the Kremlin met at the "
                           "White House with Joe Biden, Xi Jinping and No 10 staff "
                           "on Korean Central News Agency reports about a regime.";
        struct text_toks tt = {0};
        const char *const *f;
        size_t i, no = 0, bad = 0;

        CHECK(text_tokenize(text, strlen(text), 100, &tt) == 0);
        for (f = first; *f; f++) {
                for (i = 0; i < tt.n; i++) {
                        char phrase[80];
                        int more = 0;
                        const struct lex_entity *e;

                        if (lexicon_alias_word_maybe(lx, tt.v[i].hash))
                                continue;
                        no++;
                        snprintf(phrase, sizeof(phrase), "%s %s", *f, tt.v[i].norm);
                        e = lexicon_entity_step(lx, phrase, text_hash(phrase), &more);
                        bad += e != NULL || more;
                }
        }
        CHECK(bad == 0);
        /* and it does turn words away ("met", "staff", "reports", ...:
         * 13 of the 34 tokens continue no alias) */
        CHECK(no >= 8 * 10);
        text_toks_free(&tt);
}

/* Made-up words: the filter is selective (a bug setting every bit
 * would pass the soundness test above). */
static void test_alias_words_selective(const struct lexicon *lx)
{
        char w[16];
        int i, pass = 0;

        for (i = 0; i < 1000; i++) {
                snprintf(w, sizeof(w), "zq%dxv", i);
                pass += lexicon_alias_word_maybe(lx, text_hash(w));
        }
        CHECK(pass < 100);
}

int main(void)
{
        char err[256];
        struct lexicon *lx = lexicon_load(NULL, err, sizeof(err));

        CHECK(lx != NULL);
        if (!lx) {
                fprintf(stderr, "test_lexicon: %s\n", err);
                return check_done("test_lexicon");
        }
        test_alias_words_pass(lx);
        test_alias_words_sound(lx);
        test_alias_words_selective(lx);
        lexicon_free(lx);
        return check_done("test_lexicon");
}
