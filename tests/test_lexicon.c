/* test_lexicon.c - lookups the analyzer's speed rests on: the filter of
 * the words that continue an entity alias (lexicon_alias_word_maybe)
 * must never turn away a phrase that is an alias or starts one; the
 * merged lookup of words and closed classes (lexicon_word_toks_cls)
 * must answer as the two lookups would. */
#include "lexicon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* lexicon_word_toks_cls answers what lexicon_word_tok and a scan of the
 * classes would: the entry, its flags or-ed with the classes' flags,
 * the or of the classes' bits (a word in two classes, a word of the
 * lexicon in a class, a class word the lexicon lacks, a quote). */
static const char *const cls_a[] = {"the", "said", "of", "zqxv", "\"", NULL};
static const char *const cls_b[] = {"the", "denied", "colonel-general", NULL};
static const struct lex_class test_classes[] = {
    {cls_a, 0x1, 0}, {cls_b, 0x2, 0}, {cls_a + 4, 0, 0x40000000u}};

static uint32_t cls_scan(const char *norm, uint32_t *fl)
{
        uint32_t bits = 0;
        size_t k;

        for (k = 0; k < sizeof(test_classes) / sizeof(test_classes[0]); k++) {
                const char *const *w;

                for (w = test_classes[k].words; *w; w++)
                        if (strcmp(*w, norm) == 0) {
                                bits |= test_classes[k].bits;
                                *fl |= test_classes[k].flags;
                        }
        }
        return bits;
}

static void test_word_toks_cls(const struct lexicon *lx)
{
        const char *text = "The minister said \"the colonel-general denied it\" zqxv "
                           "of Russia; the internationalisationists said nothing.";
        static const struct lex_class other[] = {{cls_a, 0x1, 0}};
        struct text_toks tt = {0};
        const struct lex_word *out[64];
        uint32_t fl[64], cls[64];
        size_t i, ncls = 0, nq = 0;

        CHECK(text_tokenize(text, strlen(text), 64, &tt) == 0);
        CHECK(lexicon_word_toks_cls(lx, tt.v, tt.n, test_classes, 3, out, fl, cls) == 0);
        for (i = 0; i < tt.n; i++) {
                const struct lex_word *w =
                    lexicon_word_tok(lx, tt.v[i].norm, tt.v[i].hash);
                uint32_t f = w ? w->flags : 0, c = cls_scan(tt.v[i].norm, &f);

                CHECK(out[i] == w);
                CHECK(fl[i] == f);
                CHECK(cls[i] == c);
                ncls += c != 0;
                nq += (f & 0x40000000u) != 0;
        }
        /* The, the x2, said x2, of, zqxv, colonel-general, denied and
         * the two quotes (in cls_a too) */
        CHECK(ncls == 11);
        CHECK(nq == 2);
        CHECK(cls[0] == 3 && (fl[2] & LX_REPORT) && cls[2] == 1);
        /* the table was built for test_classes: other arrays are refused */
        CHECK(lexicon_word_toks_cls(lx, tt.v, tt.n, other, 1, out, fl, cls) == -1);
        text_toks_free(&tt);
}

/* A class word too long for the table is refused at the first call. */
static void test_word_toks_cls_long(void)
{
        static const char *const lng[] = {"twentycharacterwords", NULL};
        static const struct lex_class cl[] = {{lng, 1, 0}};
        char err[256];
        struct lexicon *lx = lexicon_load(NULL, err, sizeof(err));
        struct text_toks tt = {0};
        const struct lex_word *out[4];
        uint32_t fl[4], cls[4];

        CHECK(lx != NULL);
        if (!lx)
                return;
        CHECK(text_tokenize("a b", 3, 4, &tt) == 0);
        CHECK(lexicon_word_toks_cls(lx, tt.v, tt.n, cl, 1, out, fl, cls) == -1);
        text_toks_free(&tt);
        lexicon_free(lx);
}

/* index.verb's lemmas are there at load and its synsets at the first
 * synonym question: "buy" and "purchase" share only a verb synset. */
static void test_verbs_lazy(void)
{
        char err[256];
        struct lexicon *lx = lexicon_load(NULL, err, sizeof(err));

        CHECK(lx != NULL);
        if (!lx)
                return;
        CHECK(lexicon_is_verb(lx, "purchase"));
        CHECK(lexicon_is_verb(lx, "train"));
        CHECK(!lexicon_is_verb(lx, "zqxv"));
        CHECK(lexicon_synonym(lx, "buy", "purchase"));
        CHECK(lexicon_synonym(lx, "purchased", "buy") ||
              lexicon_synonym(lx, "purchases", "buy"));
        CHECK(!lexicon_synonym(lx, "buy", "sell"));
        lexicon_free(lx);
}

/* lexicon_past_verb_h answers as lexicon_past_verb: irregular forms,
 * regular ones with and without a final e, and words that are none. */
static void test_past_verb_h(const struct lexicon *lx)
{
        static const char *const forms[] = {"sold",   "sent",   "trained", "created",
                                            "walked", "the",    "zqxved",  "bed",
                                            "ed",     "united", NULL};
        /* "bed" is a form of verb.exc ("bed bed") */
        static const char *const lemmas[] = {"sell", "send", "train", "create", "walk",
                                             NULL,   NULL,   "bed",   NULL,     "unite"};
        size_t k;

        for (k = 0; forms[k]; k++) {
                char b1[TEXT_NORM_MAX], b2[TEXT_NORM_MAX];
                const char *a = lexicon_past_verb(lx, forms[k], b1),
                           *b =
                               lexicon_past_verb_h(lx, forms[k], text_hash(forms[k]), b2);

                CHECK((a == NULL) == (b == NULL));
                CHECK((a == NULL) == (lemmas[k] == NULL));
                if (a && b && lemmas[k]) {
                        CHECK_STR(a, lemmas[k]);
                        CHECK_STR(b, lemmas[k]);
                }
        }
}

/* The _h variants of lexicon_word_freq and lexicon_is_light_verb answer
 * as the plain ones; a wrong hash finds nothing. */
static void test_freq_light_h(const struct lexicon *lx)
{
        static const char *const words[] = {"make",  "house", "be",     "government",
                                            "zqxvw", "say",   "banksy", NULL};
        size_t k;

        CHECK(lexicon_word_freq(lx, "house") > 0);
        CHECK(lexicon_is_light_verb(lx, "make"));
        for (k = 0; words[k]; k++) {
                uint32_t h = text_hash(words[k]);

                CHECK(lexicon_word_freq_h(lx, words[k], h) ==
                      lexicon_word_freq(lx, words[k]));
                CHECK(lexicon_is_light_verb_h(lx, words[k], h) ==
                      lexicon_is_light_verb(lx, words[k]));
        }
        CHECK(lexicon_word_freq_h(lx, "house", text_hash("housf")) == 0);
        CHECK(!lexicon_is_light_verb_h(lx, "make", text_hash("makf")));
}

/* Writes text to dir/name. */
static void write_file(const char *dir, const char *name, const char *text)
{
        char path[512];
        FILE *fp;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        CHECK((fp = fopen(path, "w")) != NULL);
        if (fp) {
                fputs(text, fp);
                fclose(fp);
        }
}

/* A copy of the lexicon directory in a new temporary directory dir. */
static int copy_lexicon(char *dir)
{
        static const char *const names[] = {
            "report.txt",       "deny.txt",          "admit.txt",       "negation.txt",
            "falsity.txt",      "lying.txt",         "hedge.txt",       "intent.txt",
            "hypothetical.txt", "abbreviations.txt", "themes.txt",      "units.txt",
            "frames.txt",       "entities.txt",      "dismiss.txt",     "rumour.txt",
            "wellbeing.txt",    "prohibition.txt",   "light_verbs.txt", NULL};
        size_t k;

        if (!mkdtemp(dir))
                return -1;
        for (k = 0; names[k]; k++) {
                char src[512], dst[512], buf[4096];
                FILE *in, *out;
                size_t n;

                snprintf(src, sizeof(src), "%s/%s", lexicon_default_dir(), names[k]);
                snprintf(dst, sizeof(dst), "%s/%s", dir, names[k]);
                if (!(in = fopen(src, "r")))
                        return -1;
                if (!(out = fopen(dst, "w"))) {
                        fclose(in);
                        return -1;
                }
                while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
                        fwrite(buf, 1, n, out);
                fclose(in);
                fclose(out);
        }
        return 0;
}

static void remove_lexicon(const char *dir)
{
        char cmd[600];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        CHECK(system(cmd) == 0);
}

/* A bad line of a lexicon file fails the load with its file and line;
 * a missing file with its path. */
static void test_bad_files(void)
{
        char dir[] = "/tmp/test_lexicon.XXXXXX", err[512], want[600];
        struct lexicon *lx;

        CHECK(copy_lexicon(dir) == 0);
        write_file(dir, "frames.txt", "# comment\n\nattack + attack\nbogus\n");
        CHECK((lx = lexicon_load(dir, err, sizeof(err))) == NULL);
        snprintf(want, sizeof(want), "%s/frames.txt:4: bad entry", dir);
        CHECK_STR(err, want);
        write_file(dir, "frames.txt", "attack + attack\n");
        write_file(dir, "themes.txt", "money cash\nlonely\n");
        CHECK((lx = lexicon_load(dir, err, sizeof(err))) == NULL);
        snprintf(want, sizeof(want), "%s/themes.txt:2: bad entry", dir);
        CHECK_STR(err, want);
        write_file(dir, "themes.txt", "money cash\n");
        write_file(dir, "entities.txt", "KP country North Korea | DPRK\n\nXX\n");
        CHECK((lx = lexicon_load(dir, err, sizeof(err))) == NULL);
        snprintf(want, sizeof(want), "%s/entities.txt:3: bad entry", dir);
        CHECK_STR(err, want);
        write_file(dir, "entities.txt", "KP country North Korea | DPRK\n");
        CHECK((lx = lexicon_load(dir, err, sizeof(err))) != NULL);
        CHECK(lx && lexicon_entity(lx, "dprk") == lexicon_entity_by_id(lx, "KP"));
        lexicon_free(lx);
        snprintf(want, sizeof(want), "%s/units.txt", dir);
        CHECK(unlink(want) == 0);
        CHECK((lx = lexicon_load(dir, err, sizeof(err))) == NULL);
        snprintf(want, sizeof(want), "%s/units.txt: No such file or directory", dir);
        CHECK_STR(err, want);
        remove_lexicon(dir);
}

/* The ISO 3166 list: escapes and UTF-8 decoded, the last of equal keys
 * taken, other values skipped; a bad file fails the load with its line
 * (jansson's message). */
static void test_iso_list(void)
{
        char dir[] = "/tmp/test_lexicon.XXXXXX", path[600], err[512], want[700];
        struct lexicon *lx;
        const struct lex_entity *e;

        CHECK(mkdtemp(dir) != NULL);
        snprintf(path, sizeof(path), "%s/iso.json", dir);
        write_file(
            dir, "iso.json",
            "{\"x\": [1, true, null, {\"a\": \"b\"}],\n"
            " \"3166-1\": [\n"
            "  {\"alpha_2\": \"QA\", \"name\": \"Old\", \"name\": \"Qu\\u00e9 "
            "\\\"Land\\\"\",\n"
            "   \"common_name\": \"Qland\", \"official_name\": null},\n"
            "  {\"alpha_2\": \"QB\", \"name\": \"B\xc3\xa9, Q\", \"numeric\": \"001\"},\n"
            "  {\"alpha_2\": \"QC\"}, \"junk\", []\n"
            " ]}\n");
        CHECK(setenv("CLAIMWATCH_ISO3166", path, 1) == 0);
        lx = lexicon_load(NULL, err, sizeof(err));
        CHECK(lx != NULL);
        if (lx) {
                CHECK((e = lexicon_entity_by_id(lx, "QA")) != NULL);
                CHECK(e && strcmp(e->name, "Qland") == 0);
                CHECK(lexicon_entity(lx, "qland") == e);
                CHECK(lexicon_entity(lx, "old") == NULL);
                CHECK((e = lexicon_entity_by_id(lx, "QB")) != NULL);
                CHECK(e && strcmp(e->name, "B\xc3\xa9, Q") == 0);
                CHECK(lexicon_entity_by_id(lx, "QC") == NULL);
                CHECK(lexicon_entity_by_id(lx, "AW") == NULL);
                lexicon_free(lx);
        }
        write_file(dir, "iso.json",
                   "{\"3166-1\": [\n {\"alpha_2\": \"QA\",\n \"name\": 1x}]}\n");
        CHECK((lx = lexicon_load(NULL, err, sizeof(err))) == NULL);
        snprintf(want, sizeof(want), "%s:3: ", path);
        CHECK(strncmp(err, want, strlen(want)) == 0);
        write_file(dir, "iso.json",
                   "{\"3166-1\": [{\"alpha_2\": \"QA\", \"name\": \"A\\u0000\"}]}");
        CHECK((lx = lexicon_load(NULL, err, sizeof(err))) == NULL);
        snprintf(want, sizeof(want), "%s:1: ", path);
        CHECK(strncmp(err, want, strlen(want)) == 0);
        CHECK(unsetenv("CLAIMWATCH_ISO3166") == 0);
        remove_lexicon(dir);
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
        test_word_toks_cls(lx);
        test_past_verb_h(lx);
        test_freq_light_h(lx);
        test_word_toks_cls_long();
        test_verbs_lazy();
        test_bad_files();
        test_iso_list();
        lexicon_free(lx);
        return check_done("test_lexicon");
}
