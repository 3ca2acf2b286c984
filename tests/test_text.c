/* test_text.c - tokens, offsets, folding and sentence splitting. */
#include "text.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"

static int abbrev(const void *ctx, const char *w)
{
        (void)ctx;
        return strcmp(w, "gen") == 0 || strcmp(w, "no") == 0;
}

static void test_tokens(void)
{
        const char *s = "The ministry\xe2\x80\x99s aide didn\xe2\x80\x99t sell 1,250 "
                        "tanks to the U.S. army.";
        struct text_toks tt = {0};
        size_t i;
        int saw_nt = 0, saw_s = 0, saw_us = 0;

        CHECK(text_tokenize(s, strlen(s), 1000, &tt) == 0);
        for (i = 0; i < tt.n; i++) {
                saw_nt |= strcmp(tt.v[i].norm, "n't") == 0;
                saw_s |= strcmp(tt.v[i].norm, "'s") == 0;
                saw_us |= strcmp(tt.v[i].norm, "u.s.") == 0;
                if (tt.v[i].kind == TEXT_NUM) {
                        CHECK(tt.v[i].num == 1250);
                        CHECK(strncmp(s + tt.v[i].off, "1,250", tt.v[i].len) == 0);
                }
        }
        CHECK(saw_nt);
        CHECK(saw_s);
        CHECK(saw_us);
        CHECK(strcmp(tt.v[0].norm, "the") == 0 && tt.v[0].cap);
        text_toks_free(&tt);
}

/* A number joined to a word by a hyphen is one word: "3.0-litre". */
static void test_measure_compound(void)
{
        const char *s = "its 1.6-litre engines and 22-year-old staff";
        struct text_toks tt = {0};

        CHECK(text_tokenize(s, strlen(s), 100, &tt) == 0);
        CHECK(tt.n == 6);
        if (tt.n == 6) {
                CHECK(strcmp(tt.v[1].norm, "1.6-litre") == 0);
                CHECK(tt.v[1].kind == TEXT_WORD && tt.v[1].len == 9);
                CHECK(strcmp(tt.v[4].norm, "22-year-old") == 0);
        }
        text_toks_free(&tt);
}

static void test_sentences(void)
{
        const char *s =
            "Gen. Ortiz spoke at No. 4 Main Street. He left early! "
            "\xe2\x80\x9cWe are done.\xe2\x80\x9d The talks ended.\n\nA new paragraph";
        struct text_toks tt = {0};
        struct text_sent *sv = NULL;
        long n;

        CHECK(text_tokenize(s, strlen(s), 1000, &tt) == 0);
        n = text_sentences(&tt, abbrev, NULL, 100, &sv);
        CHECK(n == 5);
        if (n == 5) {
                CHECK(strcmp(tt.v[sv[1].tok0].norm, "he") == 0);
                CHECK(tt.v[sv[2].tok0].kind == TEXT_QUOTE);
                CHECK(strcmp(tt.v[sv[4].tok0].norm, "a") == 0);
        }
        free(sv);
        /* the limit holds */
        n = text_sentences(&tt, abbrev, NULL, 2, &sv);
        CHECK(n == 2);
        free(sv);
        text_toks_free(&tt);
}

/* A paragraph break between two words splits a sentence without a
 * stop; a lower-case word after a stop, a capitalised word after no
 * stop, and words of every length inside a paragraph do not. */
static void test_paragraph_words(void)
{
        const char *s = "one two three\n\nfour Five six. seven eight\n\n"
                        "antidisestablishmentarianism word\nnine. Ten";
        struct text_toks tt = {0};
        struct text_sent *sv = NULL;
        long n;

        CHECK(text_tokenize(s, strlen(s), 1000, &tt) == 0);
        n = text_sentences(&tt, abbrev, NULL, 100, &sv);
        CHECK(n == 4);
        if (n == 4) {
                CHECK(sv[0].tok0 == 0 && sv[0].ntok == 3);
                CHECK(strcmp(tt.v[sv[1].tok0].norm, "four") == 0 && sv[1].ntok == 6);
                CHECK(strcmp(tt.v[sv[2].tok0].norm, "antidisestablishmentarianism") ==
                          0 &&
                      sv[2].ntok == 4);
                CHECK(strcmp(tt.v[sv[3].tok0].norm, "ten") == 0 && sv[3].ntok == 1);
        }
        free(sv);
        text_toks_free(&tt);
}

/* A quote that opens the next sentence belongs to it, even when no space
 * separates it from the stop; a quote that closes stays with its stop,
 * also across sentences inside one quotation. */
static void test_opening_quote(void)
{
        const char *s = "Chile denied buying jets.\"We buy none,\" a spokesman said. "
                        "\"It is over. We go home.\" He left.";
        struct text_toks tt = {0};
        struct text_sent *sv = NULL;
        long n;

        CHECK(text_tokenize(s, strlen(s), 1000, &tt) == 0);
        n = text_sentences(&tt, abbrev, NULL, 100, &sv);
        CHECK(n == 5);
        if (n == 5) {
                CHECK(strcmp(tt.v[sv[0].tok0 + sv[0].ntok - 1].norm, ".") == 0);
                CHECK(tt.v[sv[1].tok0].kind == TEXT_QUOTE);
                CHECK(tt.v[sv[2].tok0].kind == TEXT_QUOTE);
                /* "We go home." keeps its closing quote */
                CHECK(tt.v[sv[3].tok0 + sv[3].ntok - 1].kind == TEXT_QUOTE);
                CHECK(strcmp(tt.v[sv[4].tok0].norm, "he") == 0);
        }
        free(sv);
        text_toks_free(&tt);
}

/* A headline's negation bears on a claim through the words it negates. */
static void test_negation_on(void)
{
        /* the parts of a hyphenated compound are content words */
        CHECK(text_overlap("Goat farm hit by anthrax", "Anthrax-infected goats found") ==
              2);
        /* demonyms and derivations are one word; a negated saying, an
         * existence idiom and a copula's whole predicate */
        CHECK(text_overlap("Borovian meteor", "Meteor hits Borovia") == 2);
        CHECK(text_overlap("State of the art", "Statement of the art") == 1);
        CHECK(text_negation_on("Mayor did not say the pier will close",
                               "Mayor told residents the harbour is shut"));
        CHECK(text_negation_on("The tiger escape is not a thing", "Tiger escapes zoo"));
        CHECK(text_negation_on("Ana Lopes is not the diver who found a wreck off Malta",
                               "Ana Lopes found a wreck near Malta"));
        CHECK(!text_negation_on("Ana Lopes found no wreck", "Ana Lopes climbs Everest"));
        /* a verbless negation bears on its subject when the claim has it
         * as a common noun, not when it is a name */
        CHECK(text_negation_on("League says stadium deal not imminent",
                               "The league will sign a stadium deal in May"));
        CHECK(!text_negation_on("Ana Lopes not missing, just on holiday",
                                "Ana Lopes broke her wrist"));
        /* negated death bears on any word of death */
        CHECK(text_negation_on("Rebel commander not dead, aides say",
                               "Rebel commander killed in raid"));
        CHECK(text_negation_on("Singer hasn't died", "Singer is dead"));
        CHECK(!text_negation_on("Singer hasn't died", "Singer arrested"));
        CHECK(text_mentions_harm("Yacht stolen from marina", 0));
        CHECK(!text_mentions_harm("Yacht stolen from marina", 1));
        CHECK(text_mentions_harm("Climber found dead", 1));
        CHECK(!text_mentions_harm("Climber reaches summit", 0));
        CHECK(text_negation_on("No, the mayor was not arrested",
                               "Mayor arrested in Porto"));
        CHECK(text_negation_on("Mayor hasn't actually been arrested", "Mayor arrested"));
        CHECK(text_negation_on("Was the mayor arrested? He wasn't", "Mayor arrested"));
        CHECK(
            !text_negation_on("Mayor not missing, just on holiday", "Mayor broke a leg"));
        CHECK(!text_negation_on("Plumber has no idea how his van got to the desert",
                                "Plumber's van seen in the desert"));
        CHECK(text_negation_on("Striker isn't the highest earner",
                               "Striker is the "
                               "highest-paid player"));
}

static void test_lemma_guess(void)
{
        char out[TEXT_NORM_MAX];

        text_lemma_guess("shipped", out);
        CHECK_STR(out, "ship");
        text_lemma_guess("carries", out);
        CHECK_STR(out, "carry");
        text_lemma_guess("planning", out);
        CHECK_STR(out, "plan");
        text_lemma_guess("boxes", out);
        CHECK_STR(out, "box");
}

static void test_hostile(void)
{
        const char s[] = {'\xff', '\xe2', '\x80', 'a', '\0', '"',
                          '\xf4', '\x8f', '.',    '1', ','};
        struct text_toks tt = {0};
        struct text_sent *sv = NULL;

        CHECK(text_tokenize(s, sizeof(s), 1000, &tt) == 0);
        CHECK(text_sentences(&tt, abbrev, NULL, 10, &sv) >= 0);
        free(sv);
        text_toks_free(&tt);
}

/* Multi-word aliases are hashed token by token: the running hash must be
 * the hash of the whole phrase, and tokens carry the hash of their form. */
static void test_hash_more(void)
{
        struct text_toks tt = {0};

        CHECK(text_hash_more(text_hash("north"), " korea") == text_hash("north korea"));
        CHECK(text_hash_more(text_hash(""), "x") == text_hash("x"));
        CHECK(text_hash("ab") != text_hash("ba"));
        CHECK(text_tokenize("The Kremlin\xe2\x80\x99s \xe2\x80\x9c"
                            "denial\xe2\x80\x9d",
                            28, 100, &tt) == 0);
        CHECK(tt.n == 6);
        for (size_t i = 0; i < tt.n; i++)
                CHECK(tt.v[i].hash == text_hash(tt.v[i].norm));
        if (tt.n == 6) {
                CHECK_STR(tt.v[2].norm, "'s");
                CHECK_STR(tt.v[3].norm, "\"");
        }
        text_toks_free(&tt);
}

/* text_norm_has_digit against strpbrk for every byte at every place of
 * a zero-padded form, after letters, UTF-8 bytes and other digits. */
static void test_norm_has_digit(void)
{
        char norm[TEXT_NORM_MAX];
        int b, p, bad = 0;

        for (p = 0; p < TEXT_NORM_MAX - 1; p++) {
                for (b = 1; b < 256; b++) {
                        int want;

                        memset(norm, 0, sizeof(norm));
                        memset(norm, p % 2 ? 'z' : '\xb9', (size_t)p);
                        norm[p] = (char)b;
                        want = strpbrk(norm, "0123456789") != NULL;
                        bad += text_norm_has_digit(norm) != want;
                }
        }
        CHECK(bad == 0);
        memset(norm, 0, sizeof(norm));
        memcpy(norm, "v6", 2);
        CHECK(text_norm_has_digit(norm));
        memcpy(norm, "u.s.", 4);
        CHECK(!text_norm_has_digit(norm));
        memset(norm, 'k', TEXT_NORM_MAX - 1);
        CHECK(!text_norm_has_digit(norm));
        norm[TEXT_NORM_MAX - 2] = '9';
        CHECK(text_norm_has_digit(norm));
        /* ':' and '/' border the digits */
        memset(norm, 0, sizeof(norm));
        memcpy(norm, ":/:/", 5);
        CHECK(!text_norm_has_digit(norm));
}

/* Offsets, lengths and line flags around runs of spaces (the tokenizer
 * steps over the space after a token without a round of its loop). */
static void test_spacing(void)
{
        const char *s = "Hi there,  you. \nNew\n\n para  x ";
        static const struct {
                unsigned off, len;
                int nl, para;
        } want[] = {{0, 2, 1, 1},  {3, 5, 0, 0},  {8, 1, 0, 0},  {11, 3, 0, 0},
                    {14, 1, 0, 0}, {17, 3, 1, 0}, {23, 4, 1, 1}, {29, 1, 0, 0}};
        struct text_toks tt = {0};
        size_t i, n = sizeof(want) / sizeof(want[0]);

        CHECK(text_tokenize(s, strlen(s), 100, &tt) == 0);
        CHECK(tt.n == n);
        for (i = 0; i < tt.n && i < n; i++) {
                CHECK(tt.v[i].off == want[i].off);
                CHECK(tt.v[i].len == want[i].len);
                CHECK(tt.v[i].nl == want[i].nl);
                CHECK(tt.v[i].para == want[i].para);
        }
        text_toks_free(&tt);
}

/* A text of more tokens than the first allocation holds ("a,a,a,..."
 * is a token a byte), and max_toks cutting it short. */
static void test_many_tokens(void)
{
        char s[4001];
        struct text_toks tt = {0};
        size_t i;

        for (i = 0; i < 4000; i++)
                s[i] = i % 2 ? ',' : 'a';
        s[4000] = '\0';
        CHECK(text_tokenize(s, 4000, 100000, &tt) == 0);
        CHECK(tt.n == 4000);
        if (tt.n == 4000) {
                CHECK(tt.v[3999].off == 3999 && tt.v[3999].norm[0] == ',');
                CHECK(tt.v[3998].off == 3998 && strcmp(tt.v[3998].norm, "a") == 0);
        }
        text_toks_free(&tt);
        CHECK(text_tokenize(s, 4000, 1500, &tt) == 0);
        CHECK(tt.n == 1500);
        text_toks_free(&tt);
}

/* Where a word of ASCII letters ends at a dot or an apostrophe, ahead
 * of the text's last 32 bytes and within them. */
static void test_word_ends(void)
{
        static const char *const want[] = {
            "kyiv", ".",  "russia", "'s",      "u.s.",     "ab",  ".",  "cd", "do",
            "n't",  "ca", "n't",    "i",       "'d",       "we",  "'m", "x",  ".",
            "a.b.", "it", "'t",     "o'neill", "russia's", "end", "."};
        const char *s = "Kyiv. Russia's U.S. ab.cd don't can't I'd we'm X. a.b. it't "
                        "O'Neill RUSSIA'S end.";
        struct text_toks tt = {0};
        size_t i, n = sizeof(want) / sizeof(want[0]);
        char pad[200];

        CHECK(text_tokenize(s, strlen(s), 100, &tt) == 0);
        CHECK(tt.n == n);
        for (i = 0; i < tt.n && i < n; i++)
                CHECK_STR(tt.v[i].norm, want[i]);
        CHECK(tt.v[0].len == 4 && tt.v[2].len == 6 && tt.v[3].len == 2);
        text_toks_free(&tt);
        /* the same words within 32 bytes of the end */
        snprintf(pad, sizeof(pad), "%s", "Ab. Cd's x.");
        CHECK(text_tokenize(pad, strlen(pad), 100, &tt) == 0);
        CHECK(tt.n == 6);
        if (tt.n == 6) {
                CHECK_STR(tt.v[0].norm, "ab");
                CHECK_STR(tt.v[2].norm, "cd");
                CHECK_STR(tt.v[3].norm, "'s");
                CHECK_STR(tt.v[4].norm, "x");
                CHECK(tt.v[0].cap && !tt.v[0].upper);
        }
        text_toks_free(&tt);
}

/* Where each token of the fast path starts after the word before it:
 * one space, two, a tab, a hyphen or an apostrophe that continue the
 * word, a non-ASCII letter (offsets, forms and hashes; the text is long
 * enough that the words are read 33 bytes or more before its end). */
static void test_word_steps(void)
{
        static const char *const want[] = {"alpha", "beta",          ".",      "gamma",
                                           "'s",    "delta-epsilon", "zeta'n", "eta",
                                           "theta", "caf\xc3\xa9",   "iota",   "kappa"};
        static const unsigned off[] = {0, 6, 10, 13, 18, 21, 35, 42, 46, 52, 58, 63};
        const char *s =
            "alpha beta.  gamma's delta-epsilon zeta'n eta\ttheta caf\xc3\xa9 iota "
            "kappa                                        ";
        struct text_toks tt = {0};
        size_t i, n = sizeof(want) / sizeof(want[0]);

        CHECK(text_tokenize(s, strlen(s), 100, &tt) == 0);
        CHECK(tt.n == n);
        for (i = 0; i < tt.n && i < n; i++) {
                CHECK_STR(tt.v[i].norm, want[i]);
                CHECK(tt.v[i].off == off[i]);
                CHECK(tt.v[i].hash == text_hash(want[i]));
        }
        text_toks_free(&tt);
}

int main(void)
{
        test_word_ends();
        test_paragraph_words();
        test_word_steps();
        test_norm_has_digit();
        test_spacing();
        test_many_tokens();
        test_hash_more();
        test_tokens();
        test_sentences();
        test_opening_quote();
        test_measure_compound();
        test_negation_on();
        test_lemma_guess();
        test_hostile();
        return check_done("test_text");
}
