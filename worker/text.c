/* text.c - tokens and sentences over raw UTF-8 article text, with byte
 * offsets into the original so evidence can be quoted exactly.  Typographic
 * characters are folded to ASCII in the normalised form only. */
#include "text.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 sequence at s[i..len); returns its code point and
 * stores its byte length in *n (1 for invalid bytes, taken as U+FFFD). */
static uint32_t utf8_next(const unsigned char *s, size_t i, size_t len, size_t *n)
{
        unsigned c = s[i];

        if (c < 0x80) {
                *n = 1;
                return c;
        }
        if (c >= 0xc2 && c < 0xe0 && i + 1 < len && (s[i + 1] & 0xc0) == 0x80) {
                *n = 2;
                return ((c & 0x1f) << 6) | (s[i + 1] & 0x3f);
        }
        if (c >= 0xe0 && c < 0xf0 && i + 2 < len && (s[i + 1] & 0xc0) == 0x80 &&
            (s[i + 2] & 0xc0) == 0x80) {
                *n = 3;
                return ((c & 0x0f) << 12) | ((s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);
        }
        if (c >= 0xf0 && c < 0xf5 && i + 3 < len && (s[i + 1] & 0xc0) == 0x80 &&
            (s[i + 2] & 0xc0) == 0x80 && (s[i + 3] & 0xc0) == 0x80) {
                *n = 4;
                return ((c & 0x07) << 18) | ((s[i + 1] & 0x3f) << 12) |
                       ((s[i + 2] & 0x3f) << 6) | (s[i + 3] & 0x3f);
        }
        *n = 1;
        return 0xfffd;
}

/* Character classes after folding. */
enum cclass { C_SPACE, C_NL, C_ALPHA, C_DIGIT, C_APOS, C_DQUOTE, C_DASH, C_PUNCT };

/* Classes of the ASCII characters, built on first use. */
static unsigned char ascii_class[128];
static pthread_once_t ascii_once = PTHREAD_ONCE_INIT;

/* For the ASCII word fast path: word_low[c] is the normalised byte of an
 * ASCII letter or digit, WL_CONT for the bytes that may continue a word
 * past such a run (apostrophe, hyphen, dot, and every non-ASCII byte),
 * WL_SPACE for the space (the reader of a word learns whether a space
 * follows it from the value it holds, and keeps no byte), 0 for every
 * other byte; word_cont[c] is set for the WL_CONT bytes.
 * punct_kind[c] is 1 + the kind of the one-byte token an ASCII
 * punctuation mark, hyphen or double quote makes, 0 for other bytes. */
#define WL_SPACE 1
#define WL_DOT   2 /* the WL_CONT bytes, told apart: '.', '\'', others */
#define WL_APOS  3
#define WL_CONT  4 /* the largest: a word reader stops at <= WL_CONT */
static unsigned char word_low[256], word_cont[256], punct_kind[256];

static void word_tables_build(void);

static void ascii_build(void)
{
        int c;

        word_tables_build();
        for (c = 0; c < 128; c++) {
                enum cclass cc = C_PUNCT;

                if (c == '\n')
                        cc = C_NL;
                else if (isspace(c) || c < 0x20)
                        cc = C_SPACE;
                else if (isalpha(c))
                        cc = C_ALPHA;
                else if (isdigit(c))
                        cc = C_DIGIT;
                else if (c == '\'')
                        cc = C_APOS;
                else if (c == '"')
                        cc = C_DQUOTE;
                else if (c == '-')
                        cc = C_DASH;
                ascii_class[c] = (unsigned char)cc;
                if (cc == C_PUNCT || cc == C_DASH || cc == C_DQUOTE)
                        punct_kind[c] = 1 + (cc == C_DQUOTE ? TEXT_QUOTE : TEXT_PUNCT);
        }
}

static enum cclass classify(uint32_t cp, char *ascii)
{
        *ascii = 0;
        if (cp < 0x80) {
                *ascii = (char)cp;
                return (enum cclass)ascii_class[cp];
        }
        switch (cp) {
        case 0xa0:
        case 0x2000:
        case 0x2001:
        case 0x2002:
        case 0x2003:
        case 0x2009:
        case 0x200a:
        case 0x200b:
        case 0x202f:
        case 0x3000:
        case 0xfeff:
                return C_SPACE;
        case 0x2028:
        case 0x2029:
        case 0x85:
                return C_NL;
        case 0x2018:
        case 0x2019:
        case 0x2032:
        case 0x02bc:
                *ascii = '\'';
                return C_APOS;
        case 0x201c:
        case 0x201d:
        case 0x201e:
        case 0x00ab:
        case 0x00bb:
        case 0x2033:
                *ascii = '"';
                return C_DQUOTE;
        case 0x2010:
        case 0x2011:
        case 0x2012:
        case 0x2013:
        case 0x2014:
        case 0x2015:
        case 0x2212:
                *ascii = '-';
                return C_DASH;
        case 0x2026:
                *ascii = '.';
                return C_PUNCT;
        case 0x20ac:
        case 0xa3:
        case 0xa5:
                *ascii = '$';
                return C_PUNCT;
        default:
                break;
        }
        if ((cp >= 0x2000 && cp <= 0x206f) || cp == 0xfffd ||
            (cp >= 0xa1 && cp <= 0xbf) || cp == 0xd7 || cp == 0xf7)
                return C_PUNCT;
        return C_ALPHA; /* accented and non-Latin letters */
}

/* ASCII tests that do not go through the C library's locale tables.  The
 * program runs in the C locale, where isalpha() and friends mean exactly
 * these ranges (and bytes >= 0x80 are in no class). */
static int a_upper(unsigned c)
{
        return c - 'A' < 26u;
}

static int a_alpha(unsigned c)
{
        return (c | 0x20u) - 'a' < 26u;
}

static int a_digit(unsigned c)
{
        return c - '0' < 10u;
}

static unsigned a_lower(unsigned c)
{
        return a_upper(c) ? c | 0x20u : c;
}

/* Makes room for at least want more tokens. Returns 0 or -1. */
static int toks_reserve(struct text_toks *tt, size_t want)
{
        size_t cap = tt->cap ? tt->cap : 256;
        struct text_tok *v;

        if (tt->cap - tt->n >= want)
                return 0;
        while (cap - tt->n < want)
                cap *= 2;
        if (!(v = realloc(tt->v, cap * sizeof(*v))))
                return -1;
        tt->v = v;
        tt->cap = cap;
        return 0;
}

#define HASH_SEED  2166136261u /* FNV-1a */
#define HASH_PRIME 16777619u

uint32_t text_hash_more(uint32_t h, const char *s)
{
        while (*s)
                h = (h ^ (unsigned char)*s++) * HASH_PRIME;
        return h;
}

uint32_t text_hash(const char *s)
{
        return text_hash_more(HASH_SEED, s);
}

int text_norm_has_digit(const char *norm)
{
        const uint64_t ones = 0x0101010101010101ull;
        uint64_t any = 0;
        size_t k;

        for (k = 0; k < TEXT_NORM_MAX; k += 8) {
                uint64_t x;

                memcpy(&x, norm + k, 8);
                x ^= ones * '0'; /* digits become the bytes 0..9 */
                /* a byte below 10 borrows into its high bit (exact for
                 * "some byte is", bounds below 128) */
                any |= (x - ones * 10) & ~x & ones * 0x80;
                if (!(x >> 56 ^ '0'))
                        break; /* a NUL in this chunk: zeros after it */
        }
        return any != 0;
}

void text_toks_free(struct text_toks *tt)
{
        if (!tt)
                return;
        free(tt->v);
        tt->v = NULL;
        tt->n = tt->cap = 0;
}

/* Appends c (lower-cased) to the token's normalised form, updating its
 * hash *h. */
static void norm_add(struct text_tok *t, size_t *nn, uint32_t *h, char c)
{
        if (*nn + 1 < TEXT_NORM_MAX) {
                unsigned char l = (unsigned char)a_lower((unsigned char)c);

                t->norm[(*nn)++] = (char)l;
                *h = (*h ^ l) * HASH_PRIME;
        }
}

/* Appends the raw bytes of a non-ASCII letter to the normalised form. */
static void norm_add_raw(struct text_tok *t, size_t *nn, uint32_t *h,
                         const unsigned char *p, size_t k)
{
        if (*nn + k < TEXT_NORM_MAX) {
                size_t j;

                memcpy(t->norm + *nn, p, k);
                *nn += k;
                for (j = 0; j < k; j++)
                        *h = (*h ^ p[j]) * HASH_PRIME;
        }
}

/* Scans a word starting at i: letters and digits, inner apostrophes,
 * hyphens and dots of acronyms (U.S.).  Returns the end offset; sets
 * t->norm and t->hash. */
static size_t scan_word(const unsigned char *s, size_t i, size_t len, struct text_tok *t)
{
        size_t nn = 0, k, letters = 0, uppers = 0;
        uint32_t h = HASH_SEED;
        char a;

        while (i < len) {
                unsigned c = s[i];
                uint32_t cp;
                enum cclass cc;

                /* fast path: ASCII letters and digits */
                if (a_alpha(c)) {
                        letters++;
                        uppers += c <= 'Z';
                        if (nn + 1 < TEXT_NORM_MAX) {
                                t->norm[nn++] = (char)(c | 0x20);
                                h = (h ^ (c | 0x20)) * HASH_PRIME;
                        }
                        i++;
                        continue;
                }
                if (a_digit(c)) {
                        if (nn + 1 < TEXT_NORM_MAX) {
                                t->norm[nn++] = (char)c;
                                h = (h ^ c) * HASH_PRIME;
                        }
                        i++;
                        continue;
                }
                /* other ASCII ends the word unless it may join two parts */
                if (c < 0x80 && c != '\'' && c != '-' && c != '.')
                        break;
                cp = utf8_next(s, i, len, &k);
                cc = classify(cp, &a);
                if (cc == C_ALPHA || cc == C_DIGIT) {
                        if (a) {
                                letters += a_alpha((unsigned char)a) != 0;
                                uppers += a_upper((unsigned char)a) != 0;
                                norm_add(t, &nn, &h, a);
                        } else {
                                letters++;
                                norm_add_raw(t, &nn, &h, s + i, k);
                        }
                        i += k;
                        continue;
                }
                if ((cc == C_APOS || cc == C_DASH || (cc == C_PUNCT && a == '.')) &&
                    i + k < len) {
                        size_t k2;
                        char a2;
                        enum cclass c2 = classify(utf8_next(s, i + k, len, &k2), &a2);

                        /* n't and 's start tokens of their own */
                        if (cc == C_APOS && c2 == C_ALPHA && nn > 0 &&
                            (a2 == 's' || a2 == 't' || a2 == 'd' || a2 == 'm'))
                                break;
                        if (c2 == C_ALPHA || (c2 == C_DIGIT && cc != C_PUNCT)) {
                                /* a dot continues only single-letter acronyms */
                                if (cc == C_PUNCT &&
                                    !(nn == 1 || (nn >= 2 && t->norm[nn - 2] == '.')))
                                        break;
                                norm_add(t, &nn, &h, cc == C_DASH ? '-' : a);
                                i += k;
                                continue;
                        }
                        if (cc == C_PUNCT && nn >= 2 && t->norm[nn - 2] == '.') {
                                norm_add(t, &nn, &h, '.'); /* final dot of U.S. */
                                i += k;
                        }
                }
                break;
        }
        t->norm[nn] = '\0';
        t->hash = h;
        t->upper = letters >= 2 && uppers == letters;
        /* "doesn't" was cut before the n: give "n't" its own token */
        if (nn > 2 && t->norm[nn - 1] == 'n' && i < len &&
            (s[i] >= 0x80 || s[i] == '\'')) {
                size_t k2;
                char a2;

                if (classify(utf8_next(s, i, len, &k2), &a2) == C_APOS && i + k2 < len &&
                    (s[i + k2] | 0x20) == 't') {
                        t->norm[nn - 1] = '\0';
                        t->hash = text_hash(t->norm);
                        return i - 1;
                }
        }
        return i;
}

/* Scans a number: digits with thousands commas and a decimal point. */
static size_t scan_number(const unsigned char *s, size_t i, size_t len,
                          struct text_tok *t)
{
        size_t nn = 0;
        double v = 0, scale = 0;
        uint32_t h = HASH_SEED;

        while (i < len) {
                if (a_digit(s[i])) {
                        if (scale > 0) {
                                v += (s[i] - '0') * scale;
                                scale /= 10;
                        } else {
                                v = v * 10 + (s[i] - '0');
                        }
                        norm_add(t, &nn, &h, (char)s[i]);
                        i++;
                } else if (s[i] == ',' && i + 3 < len && a_digit(s[i + 1]) &&
                           a_digit(s[i + 2]) && a_digit(s[i + 3]) &&
                           (i + 4 >= len || !a_digit(s[i + 4])) && scale == 0) {
                        i++;
                } else if (s[i] == '.' && scale == 0 && i + 1 < len &&
                           a_digit(s[i + 1])) {
                        scale = 0.1;
                        norm_add(t, &nn, &h, '.');
                        i++;
                } else {
                        break;
                }
        }
        t->norm[nn] = '\0';
        t->hash = h;
        t->num = v;
        t->kind = TEXT_NUM;
        return i;
}

/* Whether s[i..] is the apostrophe and t of "n't" ending a word; stores
 * the end offset in *end. */
static int is_nt(const unsigned char *s, size_t i, size_t len, size_t *end)
{
        size_t k;
        char a;

        if (s[i] != '\'' && s[i] < 0x80)
                return 0;
        if (classify(utf8_next(s, i, len, &k), &a) != C_APOS || i + k >= len ||
            (s[i + k] != 't' && s[i + k] != 'T'))
                return 0;
        if (i + k + 1 < len && a_alpha(s[i + k + 1]))
                return 0;
        *end = i + k + 1;
        return 1;
}

/* The token starting at s[i] (not a space), of class cc (ASCII a) and k
 * bytes, the ntok-th of the text (t[-1] is the one before): fills t and
 * returns the end offset. */
static size_t scan_token(const unsigned char *s, size_t i, size_t len, size_t k,
                         enum cclass cc, char a, size_t ntok, struct text_tok *t)
{
        size_t end;

        if (cc == C_DIGIT) {
                end = scan_number(s, i, len, t);
                /* 22-year-old, 3.0-litre, F-22: a word after all */
                if (end < len && (a_alpha(s[end]) || (s[end] == '-' && end + 1 < len &&
                                                      a_alpha(s[end + 1])))) {
                        struct text_tok w;
                        size_t nn = strlen(t->norm);

                        memset(&w, 0, sizeof(w));
                        if (s[end] == '-' && nn + 1 < TEXT_NORM_MAX)
                                t->norm[nn++] = '-';
                        end = scan_word(s, end + (s[end] == '-'), len, &w);
                        snprintf(t->norm + nn, TEXT_NORM_MAX - nn, "%s", w.norm);
                        t->kind = TEXT_WORD;
                        t->hash = text_hash(t->norm);
                }
                return end;
        }
        if (cc == C_ALPHA && (s[i] | 0x20) == 'n' && i + 2 < len &&
            is_nt(s, i + 1, len, &end)) {
                t->kind = TEXT_WORD;
                strcpy(t->norm, "n't");
                t->hash = text_hash(t->norm);
                return end;
        }
        if (cc == C_ALPHA) {
                t->kind = TEXT_WORD;
                t->cap =
                    a_upper(s[i]) || (k == 2 && s[i] == 0xc3 && (s[i + 1] & 0x3f) < 0x1f);
                end = scan_word(s, i, len, t);
                return end > i ? end : i + k;
        }
        if (cc == C_APOS && i + k < len && a_alpha(s[i + k]) && ntok > 1 &&
            t[-1].kind == TEXT_WORD && t[-1].off + t[-1].len == i) {
                /* 's, n't, 'd, 'm joined to the previous word */
                size_t nn = 1;
                uint32_t h = (HASH_SEED ^ '\'') * HASH_PRIME;

                t->kind = TEXT_WORD;
                t->norm[0] = '\'';
                end = i + k;
                while (end < len && a_alpha(s[end]) && nn + 1 < TEXT_NORM_MAX) {
                        unsigned l = s[end++] | 0x20;

                        t->norm[nn++] = (char)l;
                        h = (h ^ l) * HASH_PRIME;
                }
                t->norm[nn] = '\0';
                t->hash = h;
                return end;
        }
        if (cc == C_DQUOTE || cc == C_APOS) {
                t->kind = TEXT_QUOTE;
                t->norm[0] = cc == C_DQUOTE ? '"' : '\'';
        } else {
                t->kind = TEXT_PUNCT;
                t->norm[0] = a ? a : '#';
        }
        t->hash = (HASH_SEED ^ (unsigned char)t->norm[0]) * HASH_PRIME;
        return i + k;
}

static void word_tables_build(void)
{
        unsigned c;

        for (c = 0; c < 256; c++) {
                word_cont[c] = c >= 0x80 || c == '\'' || c == '-' || c == '.';
                word_low[c] = (unsigned char)(a_alpha(c)     ? c | 0x20
                                              : a_digit(c)   ? c
                                              : c == '.'     ? WL_DOT
                                              : c == '\''    ? WL_APOS
                                              : word_cont[c] ? WL_CONT
                                              : c == ' '     ? WL_SPACE
                                                             : 0);
        }
}

/* Whether the ASCII word s[i0..i), after letters upper-case letters, has
 * two letters or more, all upper case (decided at its first lower-case
 * letter, mostly the second). */
static int all_upper(const unsigned char *s, size_t i0, size_t i, unsigned letters)
{
        for (; i0 < i; i0++) {
                if (a_upper(s[i0]))
                        letters++;
                else if (a_alpha(s[i0]))
                        return 0;
        }
        return letters >= 2;
}

/* Whether p[k], a byte that may continue the word of ASCII letters and
 * digits p[0..k) (word_cont), ends it all the same, as scan_word would
 * decide: a dot after two characters or more (only a single letter
 * makes an acronym: "U.S."; the dot after "Ukraine" ends a sentence),
 * or an apostrophe before the s, d or m of a clitic, which starts a
 * token of its own ("Russia's").  p[k + 1] is read when more > 1. */
static int word_cont_ends(const unsigned char *p, size_t k, size_t more)
{
        if (p[k] == '.')
                return k >= 2;
        return p[k] == '\'' && more > 1 &&
               (p[k + 1] == 's' || p[k + 1] == 'd' || p[k + 1] == 'm');
}

/* The common token: a word of ASCII letters and digits starting with a
 * letter at s[i], ended by the text's end or an ASCII byte that cannot
 * continue it (not an apostrophe, hyphen or dot, except as
 * word_cont_ends allows), and short enough for
 * the normalised form (zero-filled by the caller).  Fills t as
 * scan_token would and returns the end offset, or returns 0 when the
 * word is no such one (scan_token then reads it). */
/* The word of ASCII letters and digits at p, 33 bytes or more before the
 * text's end (no test of the end), as scan_ascii_word reads it: its
 * lower-case form into n (zero-filled: no NUL to write), its hash into
 * *hp.  Returns its length, or 0 when it is no such word (28 bytes or
 * more, or continued by a byte word_cont_ends does not allow). */
static inline size_t ascii_word_at(const unsigned char *p, char *n, uint32_t *hp,
                                   unsigned *endp)
{
        uint32_t h = HASH_SEED;
        size_t k = 0;
        unsigned l;

        /* four letters a round */
        for (;;) {
                if ((l = word_low[p[k]]) <= WL_CONT)
                        break;
                n[k++] = (char)l;
                h = (h ^ l) * HASH_PRIME;
                if ((l = word_low[p[k]]) <= WL_CONT)
                        break;
                n[k++] = (char)l;
                h = (h ^ l) * HASH_PRIME;
                if ((l = word_low[p[k]]) <= WL_CONT)
                        break;
                n[k++] = (char)l;
                h = (h ^ l) * HASH_PRIME;
                if ((l = word_low[p[k]]) <= WL_CONT)
                        break;
                n[k++] = (char)l;
                h = (h ^ l) * HASH_PRIME;
                if (k >= 28)
                        return 0;
        }
        /* the class of the byte that ended it is in l: no need to keep
         * the byte itself */
        /* word_cont_ends(p, k, 2) from the class of the byte that
         * ended it: the byte itself is not kept */
        if (l >= WL_DOT &&
            (l == WL_DOT ? k < 2
                         : l == WL_CONT ||
                               (p[k + 1] != 's' && p[k + 1] != 'd' && p[k + 1] != 'm')))
                return 0;
        *hp = h;
        *endp = l;
        return k;
}

static inline size_t scan_ascii_word(const unsigned char *s, size_t i, size_t len,
                                     struct text_tok *t)
{
        size_t i0 = i, lim = len - i < TEXT_NORM_MAX - 1 ? len : i + TEXT_NORM_MAX - 1;
        uint32_t h = HASH_SEED;
        unsigned l = word_low[s[i]];
        char *n = t->norm;

        if (len - i > TEXT_NORM_MAX) {
                unsigned end;
                size_t k = ascii_word_at(s + i, n, &h, &end);

                if (!k)
                        return 0;
                t->kind = TEXT_WORD;
                t->cap = a_upper(s[i0]);
                t->upper = t->cap && all_upper(s, i0 + 1, i + k, 1);
                t->hash = h;
                return i + k;
        }
        do {
                *n++ = (char)l;
                h = (h ^ l) * HASH_PRIME;
        } while (++i < lim && (l = word_low[s[i]]) > WL_CONT);
        if (i < len &&
            (i == lim || (word_cont[s[i]] && !word_cont_ends(s + i0, i - i0, len - i))))
                return 0;
        *n = '\0';
        t->kind = TEXT_WORD;
        t->cap = a_upper(s[i0]);
        /* a lower-case first letter settles it */
        t->upper = t->cap && all_upper(s, i0 + 1, i, 1);
        t->hash = h;
        return i;
}

/* Reads the run of common tokens at s[i]: words of ASCII letters and
 * digits that start with a letter (ascii_word_at) and ASCII punctuation
 * marks, 33 bytes or more before the text's end, one space apart at
 * most, into v[*np..stop).  The first
 * one follows nls line breaks (text_tokenize), the others none.
 * Returns the offset after them; stops, without filling v[*np], at the
 * first token that is none of them (text_tokenize reads that one). */
static size_t ascii_words(const unsigned char *s, size_t i, size_t len,
                          struct text_tok *v, size_t *np, size_t stop, int nls)
{
        size_t n = *np, lim = len > TEXT_NORM_MAX ? len - TEXT_NORM_MAX : 0;
        unsigned char para = nls >= 2, nl = nls >= 1;

        while (n < stop && i < lim) {
                struct text_tok *t = &v[n];
                const unsigned char *p = s + i;
                unsigned c = p[0];
                uint32_t h;
                size_t k, step;

                memset(t->norm, 0, sizeof(t->norm));
                if (word_low[c] >= 'a') {
                        unsigned end;

                        if (!(k = ascii_word_at(p, t->norm, &h, &end)))
                                break;
                        t->kind = TEXT_WORD;
                        t->cap = a_upper(c);
                        t->upper = t->cap && all_upper(p, 1, k, 1);
                        step = k + (end == WL_SPACE);
                } else if (punct_kind[c]) {
                        k = 1;
                        step = 1 + (p[1] == ' ');
                        t->norm[0] = (char)c;
                        h = (HASH_SEED ^ c) * HASH_PRIME;
                        t->kind = punct_kind[c] - 1;
                        t->cap = t->upper = 0;
                } else {
                        break;
                }
                t->off = (uint32_t)i;
                t->len = (uint32_t)k;
                t->num = 0;
                t->hash = h;
                t->para = para;
                t->nl = nl;
                para = nl = 0;
                n++;
                /* the space after it: no round of the loop */
                i += step;
        }
        *np = n;
        return i;
}

/* The class of the character at s[i] (not ASCII), its ASCII folding in
 * *a and its length in *k. */
static enum cclass classify_at(const unsigned char *s, size_t i, size_t len, char *a,
                               size_t *k)
{
        return classify(utf8_next(s, i, len, k), a);
}

int text_tokenize(const char *str, size_t len, size_t max_toks, struct text_toks *out)
{
        const unsigned char *s = (const unsigned char *)str;
        size_t i = 0, n, stop;
        struct text_tok *v;
        int nls = 2;

        pthread_once(&ascii_once, ascii_build);
        /* English runs at about one token per five bytes: one allocation
         * for most texts */
        if (toks_reserve(out, (len / 4 < max_toks ? len / 4 : max_toks) + 16) < 0)
                return -1;
        /* the array in locals: stores to tokens cannot change them */
        v = out->v;
        n = out->n;
        /* one test a token: the array's end or max_toks, the first */
        stop = out->cap < max_toks ? out->cap : max_toks;
        while (i < len) {
                unsigned c = s[i];
                struct text_tok *t;
                enum cclass cc;
                size_t end, k = 1;
                char a = (char)c;

                if (c == ' ') { /* fast path */
                        i++;
                        continue;
                }
                if (word_low[c] >= 'a' || punct_kind[c]) { /* common */
                        size_t n0 = n;

                        i = ascii_words(s, i, len, v, &n, stop, nls);
                        if (n > n0) {
                                nls = 0;
                                continue;
                        }
                }
                if (c < 0x80) {
                        cc = (enum cclass)ascii_class[c];
                } else {
                        char a2;
                        size_t k2;

                        cc = classify_at(s, i, len, &a2, &k2);
                        a = a2;
                        k = k2;
                }
                if (cc == C_SPACE || cc == C_NL) {
                        nls += cc == C_NL;
                        i += k;
                        continue;
                }
                if (n >= stop) {
                        if (n >= max_toks)
                                break;
                        out->n = n;
                        if (toks_reserve(out, 1) < 0)
                                return -1;
                        v = out->v;
                        stop = out->cap < max_toks ? out->cap : max_toks;
                }
                t = &v[n++];
                memset(t->norm, 0, sizeof(t->norm));
                t->off = (uint32_t)i;
                t->num = 0;
                t->para = nls >= 2;
                t->nl = nls >= 1;
                nls = 0;
                if (cc == C_ALPHA && c < 0x80 && (end = scan_ascii_word(s, i, len, t))) {
                        t->len = (uint32_t)(end - i);
                        /* the space after a word: no round of the loop */
                        i = end + (end < len && s[end] == ' ');
                        continue;
                }
                if (c < 0x80 && (cc == C_PUNCT || cc == C_DASH || cc == C_DQUOTE)) {
                        /* ASCII punctuation and the double quote */
                        t->kind = cc == C_DQUOTE ? TEXT_QUOTE : TEXT_PUNCT;
                        t->cap = t->upper = 0;
                        t->norm[0] = (char)c;
                        t->hash = (HASH_SEED ^ c) * HASH_PRIME;
                        end = i + 1;
                } else {
                        t->kind = 0;
                        t->cap = t->upper = 0;
                        end = scan_token(s, i, len, k, cc, a, n, t);
                        if (end <= i)
                                end = i + k;
                }
                t->len = (uint32_t)(end - i);
                i = end + (end < len && s[end] == ' ');
        }
        out->n = n;
        return 0;
}

/* Whether t is a word inside a paragraph (kind TEXT_WORD, no para):
 * both bytes tested with one load of the four from kind to para. */
_Static_assert(offsetof(struct text_tok, para) == offsetof(struct text_tok, kind) + 3,
               "kind, cap, upper and para are adjacent");
static inline int inner_word(const struct text_tok *t)
{
        static const unsigned char mb[4] = {0xff, 0, 0, 0xff};
        uint32_t x, m;

        memcpy(&x, &t->kind, 4);
        memcpy(&m, mb, 4);
        return (x & m) == 0; /* TEXT_WORD is 0 */
}

static int ends_sentence(const struct text_tok *t)
{
        return t->kind == TEXT_PUNCT &&
               (t->norm[0] == '.' || t->norm[0] == '!' || t->norm[0] == '?');
}

static int starts_sentence(const struct text_tok *t)
{
        return t->para || t->cap || t->kind == TEXT_QUOTE || t->kind == TEXT_NUM ||
               (t->kind == TEXT_PUNCT && t->norm[0] != ',' && t->norm[0] != ')');
}

static int sent_push(struct text_sent **v, size_t *n, size_t *cap, size_t tok0,
                     size_t end)
{
        if (end <= tok0)
                return 0;
        if (*n == *cap) {
                size_t c = *cap ? *cap * 2 : 32;
                struct text_sent *nv = realloc(*v, c * sizeof(*nv));

                if (!nv)
                        return -1;
                *v = nv;
                *cap = c;
        }
        (*v)[*n].tok0 = tok0;
        (*v)[*n].ntok = end - tok0;
        (*n)++;
        return 0;
}

long text_sentences(const struct text_toks *tt,
                    int (*is_abbrev)(const void *, const char *), const void *ctx,
                    size_t max_sents, struct text_sent **sentsp)
{
        struct text_sent *v = NULL;
        const struct text_tok *tv = tt->v;
        size_t n = 0, cap = 0, start = 0, i, nt = tt->n;
        int inq = 0; /* a double quote is open */

        for (i = 0; i < nt && n < max_sents; i++) {
                const struct text_tok *t;
                size_t end;
                int q;

                /* a word inside a paragraph neither quotes nor ends:
                 * skipped in a tight loop */
                for (t = tv + i; t < tv + nt && inner_word(t); t++)
                        ;
                i = (size_t)(t - tv);
                if (i == nt)
                        break;
                t = &tv[i];
                if (i > start && t->para) {
                        if (sent_push(&v, &n, &cap, start, i) < 0)
                                goto fail;
                        start = i;
                }
                if (t->para)
                        inq = 0;
                if (t->kind == TEXT_QUOTE && t->norm[0] == '"')
                        inq = !inq;
                if (!ends_sentence(t))
                        continue;
                end = i + 1;
                q = inq;
                /* closing quotes and brackets attached to the stop; a
                 * quote when none is open opens the next sentence */
                while (end < tt->n &&
                       tt->v[end].off == tt->v[end - 1].off + tt->v[end - 1].len &&
                       ((tt->v[end].kind == TEXT_QUOTE &&
                         (tt->v[end].norm[0] != '"' || q)) ||
                        (tt->v[end].kind == TEXT_PUNCT &&
                         (ends_sentence(&tt->v[end]) || tt->v[end].norm[0] == ')')))) {
                        if (tt->v[end].kind == TEXT_QUOTE && tt->v[end].norm[0] == '"')
                                q = 0;
                        end++;
                }
                if (end < tt->n && !tt->v[end].para && !starts_sentence(&tt->v[end]))
                        continue;
                if (t->norm[0] == '.' && i > start && tt->v[i - 1].kind == TEXT_WORD &&
                    end == i + 1 && is_abbrev && is_abbrev(ctx, tt->v[i - 1].norm))
                        continue;
                if (sent_push(&v, &n, &cap, start, end) < 0)
                        goto fail;
                inq = q;
                start = end;
                i = end - 1;
        }
        if (start < tt->n && n < max_sents && sent_push(&v, &n, &cap, start, tt->n) < 0)
                goto fail;
        *sentsp = v;
        return (long)n;
fail:
        free(v);
        return -1;
}

static int is_vowel(char c)
{
        return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

void text_lemma_guess(const char *w, char *out)
{
        size_t n = strlen(w);

        if (n >= TEXT_NORM_MAX)
                n = TEXT_NORM_MAX - 1;
        memcpy(out, w, n);
        out[n] = '\0';
        if (n > 4 &&
            (strcmp(out + n - 3, "ies") == 0 || strcmp(out + n - 3, "ied") == 0)) {
                strcpy(out + n - 3, "y");
        } else if (n > 5 && strcmp(out + n - 3, "ing") == 0) {
                out[n - 3] = '\0';
                n -= 3;
                if (n > 2 && out[n - 1] == out[n - 2] && !is_vowel(out[n - 1]) &&
                    out[n - 1] != 'l' && out[n - 1] != 's')
                        out[n - 1] = '\0';
        } else if (n > 4 && strcmp(out + n - 2, "ed") == 0) {
                out[n - 2] = '\0';
                n -= 2;
                if (n > 2 && out[n - 1] == out[n - 2] && !is_vowel(out[n - 1]) &&
                    out[n - 1] != 'l' && out[n - 1] != 's')
                        out[n - 1] = '\0';
        } else if (n > 4 && (strcmp(out + n - 4, "sses") == 0 ||
                             strcmp(out + n - 4, "ches") == 0 ||
                             strcmp(out + n - 4, "shes") == 0 ||
                             strcmp(out + n - 3, "xes") == 0)) {
                out[n - 2] = '\0';
        } else if (n > 3 && out[n - 1] == 's' && out[n - 2] != 's' && out[n - 2] != 'u' &&
                   out[n - 2] != 'i') {
                out[n - 1] = '\0';
        }
}

static const char *const stopwords[] = {
    "a",       "about",  "after", "again",  "all",    "also",   "am",      "an",
    "and",     "any",    "are",   "as",     "at",     "be",     "because", "been",
    "before",  "being",  "but",   "by",     "can",    "could",  "did",     "do",
    "does",    "doing",  "down",  "during", "each",   "few",    "for",     "from",
    "further", "had",    "has",   "have",   "having", "he",     "her",     "here",
    "hers",    "him",    "his",   "how",    "i",      "if",     "in",      "into",
    "is",      "it",     "its",   "just",   "me",     "more",   "most",    "my",
    "no",      "nor",    "not",   "now",    "of",     "off",    "on",      "once",
    "only",    "or",     "other", "our",    "out",    "over",   "own",     "same",
    "she",     "should", "so",    "some",   "such",   "than",   "that",    "the",
    "their",   "them",   "then",  "there",  "these",  "they",   "this",    "those",
    "through", "to",     "too",   "under",  "until",  "up",     "very",    "was",
    "we",      "were",   "what",  "when",   "where",  "which",  "while",   "who",
    "whom",    "why",    "will",  "with",   "would",  "you",    "your",    "'s",
    "n't",     "says",   "said",  "say",    "new",    "report", "reports", "reported",
    "claim",   "claims", "via",   "just",   "yes",    "get",    "got",     "may",
    "might",   "must",   "one",   "two",    "first",  "last",   NULL};

/* The stop words in an open-addressing table by text_hash, built once. */
#define STOP_SIZE 512 /* power of two, > 2x the words above */
static const char *stop_table[STOP_SIZE];
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static void stop_build(void)
{
        const char *const *p;

        for (p = stopwords; *p; p++) {
                uint32_t i = text_hash(*p) & (STOP_SIZE - 1);

                while (stop_table[i] && strcmp(stop_table[i], *p) != 0)
                        i = (i + 1) & (STOP_SIZE - 1);
                stop_table[i] = *p;
        }
}

int text_is_stopword(const char *norm)
{
        uint32_t i;

        pthread_once(&stop_once, stop_build);
        for (i = text_hash(norm) & (STOP_SIZE - 1); stop_table[i];
             i = (i + 1) & (STOP_SIZE - 1))
                if (strcmp(stop_table[i], norm) == 0)
                        return 1;
        return 0;
}

/* Adds the parts of a hyphenated word ("ebola-infected": ebola,
 * infected) to out[0..n) when new; returns the new count. */
static size_t hyphen_parts(const char *w, char (*out)[TEXT_NORM_MAX], size_t n,
                           size_t max)
{
        char buf[TEXT_NORM_MAX], lem[TEXT_NORM_MAX], *part, *save = NULL;
        size_t j;

        if (!strchr(w, '-') || isdigit((unsigned char)w[0]))
                return n; /* "16-year-old" is a measure, not a topic */
        snprintf(buf, sizeof(buf), "%s", w);
        for (part = strtok_r(buf, "-", &save); part && n < max;
             part = strtok_r(NULL, "-", &save)) {
                if (strlen(part) < 3 || text_is_stopword(part) ||
                    isdigit((unsigned char)part[0]))
                        continue;
                text_lemma_guess(part, lem);
                for (j = 0; j < n && strcmp(out[j], lem) != 0; j++)
                        ;
                if (j == n)
                        memcpy(out[n++], lem, TEXT_NORM_MAX);
        }
        return n;
}

/* The distinct content lemmas of s, at most max of them. */
static size_t content_words(const char *s, char (*out)[TEXT_NORM_MAX], size_t max)
{
        struct text_toks tt = {0};
        size_t i, j, n = 0;

        if (text_tokenize(s, strlen(s), 256, &tt) < 0)
                return 0;
        for (i = 0; i < tt.n && n < max; i++) {
                char lem[TEXT_NORM_MAX];

                if (tt.v[i].kind != TEXT_WORD || strlen(tt.v[i].norm) < 3 ||
                    text_is_stopword(tt.v[i].norm))
                        continue;
                text_lemma_guess(tt.v[i].norm, lem);
                for (j = 0; j < n && strcmp(out[j], lem) != 0; j++)
                        ;
                if (j == n)
                        memcpy(out[n++], lem, TEXT_NORM_MAX);
                n = hyphen_parts(tt.v[i].norm, out, n, max);
        }
        text_toks_free(&tt);
        return n;
}

/* Whether a and b are one word with a derivational or demonym suffix
 * apart: weightless/weightlessness, Nicaragua/Nicaraguan. */
static int suffix_related(const char *a, const char *b)
{
        static const char *const suf[] = {"n",    "an", "ian",  "ese",
                                          "ness", "ly", "ster", NULL};
        size_t la = strlen(a), lb = strlen(b);
        const char *const *p;

        if (la > lb) {
                const char *t = a;

                a = b;
                b = t;
                la = lb;
                lb = strlen(b);
        }
        if (la < 5 || strncmp(a, b, la) != 0)
                return 0;
        for (p = suf; *p; p++)
                if (strcmp(b + la, *p) == 0)
                        return 1;
        return 0;
}

static int same_word(const char *a, const char *b)
{
        return strcmp(a, b) == 0 || suffix_related(a, b);
}

int text_overlap(const char *a, const char *b)
{
        return text_overlap_syn(a, b, NULL, NULL);
}

int text_overlap_syn(const char *a, const char *b, text_synonym_fn syn, const void *ctx)
{
        char wa[64][TEXT_NORM_MAX], wb[64][TEXT_NORM_MAX];
        size_t na = content_words(a, wa, 64), nb = content_words(b, wb, 64), i, j;
        int n = 0;

        for (i = 0; i < na; i++)
                for (j = 0; j < nb; j++)
                        if (same_word(wa[i], wb[j]) || (syn && syn(ctx, wa[i], wb[j]))) {
                                n++;
                                break;
                        }
        return n;
}

static int is_negator(const char *w)
{
        return strcmp(w, "not") == 0 || strcmp(w, "n't") == 0 || strcmp(w, "no") == 0 ||
               strcmp(w, "never") == 0;
}

static int is_negator_wide(const char *w)
{
        return is_negator(w) || strcmp(w, "nope") == 0 || strcmp(w, "cannot") == 0 ||
               strcmp(w, "nothing") == 0 || strcmp(w, "none") == 0 ||
               strcmp(w, "neither") == 0 || strcmp(w, "nobody") == 0;
}

/* Whether token i is a response particle: "No, ...", "... ? Nope." */
static int is_response(const struct text_toks *tt, size_t i)
{
        int before =
            i == 0 || tt->v[i - 1].kind == TEXT_PUNCT || tt->v[i - 1].kind == TEXT_QUOTE;
        int after = i + 1 == tt->n ||
                    (tt->v[i + 1].kind == TEXT_PUNCT && tt->v[i + 1].norm[0] != '-');

        return before && after;
}

/* Whether w is one of the words of a NULL-ended list. */
static int word_in(const char *const *list, const char *w)
{
        for (; *list; list++)
                if (strcmp(*list, w) == 0)
                        return 1;
        return 0;
}

/* Adverbs between a negation and its focus: "didn't actually". */
static int is_focus_adverb(const char *w)
{
        static const char *const adv[] = {
            "actually", "really", "even", "ever", "yet", "still", "exactly",
            "necessarily", "entirely", "quite", "always", "officially", "likely",
            "probably",
            /* light verbs: "not going to become weightless" */
            "going", "become", "becoming", "get", "getting", NULL};

        return word_in(adv, w);
}

static int is_epistemic(const char *w)
{
        static const char *const ep[] = {
            "idea",  "clue", "sure", "doubt", "wonder",  "longer",  "matter",
            "limit", "way",  "know", "knows", "certain", "comment", NULL};

        return word_in(ep, w);
}

/* Whether w is one part of the hyphenated compound c ("highest-paid"). */
static int hyphen_part(const char *c, const char *w)
{
        size_t n = strlen(w);
        const char *p = c;

        if (!strchr(c, '-') || n < 3)
                return 0;
        while (p) {
                if (strncmp(p, w, n) == 0 && (p[n] == '-' || p[n] == '\0'))
                        return 1;
                p = strchr(p, '-');
                if (p)
                        p++;
        }
        return 0;
}

/* Words of harm, for denials by a predicate of wellbeing ("X is safe")
 * and for negated death ("not dead" against "was killed").  Surface
 * forms: HARM_DEATH for death, HARM_OTHER for other harm. */
enum { HARM_NONE, HARM_DEATH, HARM_OTHER };

static const struct {
        const char *w;
        int cls;
} harm_words[] = {
    {"dead", HARM_DEATH},      {"die", HARM_DEATH},          {"dies", HARM_DEATH},
    {"died", HARM_DEATH},      {"dying", HARM_DEATH},        {"death", HARM_DEATH},
    {"kill", HARM_DEATH},      {"kills", HARM_DEATH},        {"killed", HARM_DEATH},
    {"murdered", HARM_DEATH},  {"slain", HARM_DEATH},        {"beheaded", HARM_DEATH},
    {"beheading", HARM_DEATH}, {"behead", HARM_DEATH},       {"executed", HARM_DEATH},
    {"captured", HARM_OTHER},  {"capture", HARM_OTHER},      {"kidnapped", HARM_OTHER},
    {"kidnap", HARM_OTHER},    {"kidnapping", HARM_OTHER},   {"abducted", HARM_OTHER},
    {"hostage", HARM_OTHER},   {"stolen", HARM_OTHER},       {"stole", HARM_OTHER},
    {"steal", HARM_OTHER},     {"missing", HARM_OTHER},      {"injured", HARM_OTHER},
    {"hurt", HARM_OTHER},      {"wounded", HARM_OTHER},      {"attacked", HARM_OTHER},
    {"shot", HARM_OTHER},      {"arrested", HARM_OTHER},     {"detained", HARM_OTHER},
    {"jailed", HARM_OTHER},    {"hospitalized", HARM_OTHER}, {"hospitalised", HARM_OTHER},
    {"infected", HARM_OTHER},  {"beaten", HARM_OTHER},       {"destroyed", HARM_OTHER},
};

static int harm_class(const char *w)
{
        size_t i;

        for (i = 0; i < sizeof(harm_words) / sizeof(harm_words[0]); i++)
                if (strcmp(harm_words[i].w, w) == 0)
                        return harm_words[i].cls;
        return HARM_NONE;
}

int text_mentions_harm(const char *s, int death_only)
{
        struct text_toks tt = {0};
        size_t i;
        int found = 0;

        if (text_tokenize(s, strlen(s), 256, &tt) < 0)
                return 0;
        for (i = 0; i < tt.n && !found; i++) {
                int c = harm_class(tt.v[i].norm);

                found = c == HARM_DEATH || (c == HARM_OTHER && !death_only);
        }
        text_toks_free(&tt);
        return found;
}

/* Forms of the verbs of saying a negation may deny: "did not say". */
static int is_saying(const char *w)
{
        static const char *const v[] = {"say",   "said",  "says",  "tell",
                                        "told",  "claim", "tweet", "tweeted",
                                        "write", "wrote", NULL};

        return word_in(v, w);
}

static int mentions_saying(const char *s)
{
        struct text_toks tt = {0};
        size_t i;
        int found = 0;

        if (text_tokenize(s, strlen(s), 256, &tt) < 0)
                return 0;
        for (i = 0; i < tt.n && !found; i++)
                found = is_saying(tt.v[i].norm) || strcmp(tt.v[i].norm, "tells") == 0 ||
                        strcmp(tt.v[i].norm, "claims") == 0;
        text_toks_free(&tt);
        return found;
}

/* Whether s holds the lemma lem as a lower-case word (a common noun or
 * another content word, not a name). */
static int common_noun_in(const char *s, const char *lem)
{
        struct text_toks tt = {0};
        size_t i;
        int found = 0;

        if (text_tokenize(s, strlen(s), 256, &tt) < 0)
                return 0;
        for (i = 0; i < tt.n && !found; i++) {
                char l[TEXT_NORM_MAX];

                if (tt.v[i].kind != TEXT_WORD || tt.v[i].cap)
                        continue;
                text_lemma_guess(tt.v[i].norm, l);
                found = same_word(l, lem);
        }
        text_toks_free(&tt);
        return found;
}

/* Whether the negation at i follows a form of be: "is not", "isn't". */
static int after_copula(const struct text_toks *tt, size_t i)
{
        static const char *const be[] = {"is", "are", "was", "were", "'s", "'re", NULL};

        return i > 0 && word_in(be, tt->v[i - 1].norm);
}

int text_negation_on(const char *a, const char *b)
{
        struct text_toks ta = {0};
        char wb[64][TEXT_NORM_MAX];
        size_t nb = content_words(b, wb, 64), i, j, k;
        int found = 0;

        if (text_tokenize(a, strlen(a), 256, &ta) < 0)
                goto out;
        for (i = 0; i < ta.n && !found; i++) {
                size_t seen = 0;

                if (!is_negator_wide(ta.v[i].norm))
                        continue;
                /* "No, ...", and an elliptical "he wasn't", "probably
                 * not": the negation takes the whole claim */
                if (is_response(&ta, i) || i + 1 == ta.n ||
                    (ta.v[i + 1].kind == TEXT_PUNCT && i + 2 == ta.n)) {
                        found = 1;
                        break;
                }
                /* "X did not say P" against "X told ... P": a negated
                 * saying denies the saying */
                if (i + 1 < ta.n && is_saying(ta.v[i + 1].norm) && mentions_saying(b)) {
                        found = 1;
                        break;
                }
                /* "NHL expansion not imminent", "students not among the
                 * dead": a verbless negation bears on its subject when
                 * the claim has it as a common noun (lower case there; a
                 * name is the topic: "Kim not missing" says nothing
                 * about his ankles) */
                if (i > 0 && i + 1 < ta.n && strcmp(ta.v[i].norm, "not") == 0 &&
                    ta.v[i - 1].kind == TEXT_WORD && strlen(ta.v[i - 1].norm) >= 3 &&
                    !text_is_stopword(ta.v[i - 1].norm)) {
                        char lem[TEXT_NORM_MAX];

                        text_lemma_guess(ta.v[i - 1].norm, lem);
                        if (common_noun_in(b, lem)) {
                                found = 1;
                                break;
                        }
                }
                /* "X is not a thing": existence denied */
                if (i + 3 == ta.n && strcmp(ta.v[i + 1].norm, "a") == 0 &&
                    strcmp(ta.v[i + 2].norm, "thing") == 0) {
                        found = 1;
                        break;
                }
                /* "X is not the hero who tackled ...": after a copula the
                 * whole predicate, relative clause included, is in scope */
                for (j = i + 1; j < ta.n && j < i + (after_copula(&ta, i) ? 14 : 6) &&
                                seen < (after_copula(&ta, i) ? 8u : 2u) && !found;
                     j++) {
                        char lem[TEXT_NORM_MAX];

                        if (ta.v[j].kind == TEXT_PUNCT)
                                break;
                        if (ta.v[j].kind != TEXT_WORD || strlen(ta.v[j].norm) < 3 ||
                            text_is_stopword(ta.v[j].norm) ||
                            is_focus_adverb(ta.v[j].norm))
                                continue;
                        /* "no idea how", "not sure", "no one": ignorance
                         * and quantifiers deny nothing */
                        if (seen == 0 && is_epistemic(ta.v[j].norm))
                                break;
                        seen++;
                        text_lemma_guess(ta.v[j].norm, lem);
                        /* "not dead", "hasn't died" against "was killed" */
                        if (harm_class(ta.v[j].norm) == HARM_DEATH &&
                            text_mentions_harm(b, 1)) {
                                found = 1;
                                break;
                        }
                        for (k = 0; k < nb && !found; k++)
                                found = same_word(lem, wb[k]) ||
                                        hyphen_part(wb[k], lem) ||
                                        hyphen_part(lem, wb[k]);
                }
        }
out:
        text_toks_free(&ta);
        return found;
}

int text_shares_negation(const char *a, const char *b)
{
        struct text_toks ta = {0}, tb = {0};
        size_t i, j;
        int found = 0;

        if (text_tokenize(a, strlen(a), 256, &ta) < 0 ||
            text_tokenize(b, strlen(b), 256, &tb) < 0)
                goto out;
        for (i = 0; i + 1 < ta.n && !found; i++) {
                if (!is_negator(ta.v[i].norm))
                        continue;
                for (j = 0; j + 1 < tb.n && !found; j++)
                        found = is_negator(tb.v[j].norm) &&
                                strcmp(ta.v[i + 1].norm, tb.v[j + 1].norm) == 0;
        }
out:
        text_toks_free(&ta);
        text_toks_free(&tb);
        return found;
}
