/* text.h - the analyzer's view of raw text: tokens with byte offsets into
 * the original, a normalised lower-case ASCII form (curly quotes, dashes,
 * no-break spaces and apostrophes folded), numbers parsed, and sentences
 * split on token boundaries with abbreviations respected.  Pure. */
#ifndef CW_TEXT_H
#define CW_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define TEXT_NORM_MAX 32 /* normalised form, truncated */

enum text_kind {
        TEXT_WORD = 0, /* letters, digits inside, inner apostrophes/hyphens */
        TEXT_NUM,      /* 175,000  0.25  2014 */
        TEXT_PUNCT,    /* . , ; : ! ? ( ) - $ % and the like */
        TEXT_QUOTE,    /* " or a curly double quote, or a quoting apostrophe */
};

struct text_tok {
        uint32_t off, len; /* bytes in the original text */
        /* lower case; punctuation as ASCII; every byte after the
         * terminating NUL is zero too, so fixed-size compares work */
        char norm[TEXT_NORM_MAX];
        double num;    /* TEXT_NUM: the value */
        uint32_t hash; /* text_hash(norm) */
        uint8_t kind;  /* enum text_kind */
        uint8_t cap;   /* first letter upper case */
        uint8_t upper; /* every letter upper case (2+ letters) */
        uint8_t para;  /* a blank line (or start) precedes it */
        uint8_t nl;    /* a line break precedes it */
};

struct text_toks {
        struct text_tok *v;
        size_t n, cap;
};

/* Appends the tokens of s[0..len) to out, at most max_toks in all.
 * Offsets are relative to s. Returns 0, -1 when out of memory. */
int text_tokenize(const char *s, size_t len, size_t max_toks, struct text_toks *out);

void text_toks_free(struct text_toks *tt);

/* Whether a token's normalised form (struct text_tok.norm: TEXT_NORM_MAX
 * bytes, zero after its NUL) holds an ASCII digit: strpbrk(norm,
 * "0123456789") != NULL, eight bytes at a time. */
int text_norm_has_digit(const char *norm);

/* FNV-1a hash of a NUL-terminated string: the hash every table of
 * normalised words uses, so a token is hashed once. */
uint32_t text_hash(const char *s);
/* text_hash of a string that continues one whose hash is h: the hash of
 * "ab" is text_hash_more(text_hash("a"), "b"). */
uint32_t text_hash_more(uint32_t h, const char *s);

/* A sentence: tokens [tok0, tok0 + ntok). */
struct text_sent {
        size_t tok0, ntok;
};

/* Splits tokens into sentences: after . ! ? (and a closing quote) when a
 * capitalised word, a quote, a number or a paragraph follows and the word
 * before is not an abbreviation (is_abbrev(ctx, norm) != 0); at every
 * paragraph break.  Stores a malloc'ed array in *sentsp (caller frees)
 * holding at most max_sents.  Returns the count, or -1 when out of memory. */
long text_sentences(const struct text_toks *tt,
                    int (*is_abbrev)(const void *, const char *), const void *ctx,
                    size_t max_sents, struct text_sent **sentsp);

/* Crude English lemma for words the lexicon does not know: strips
 * -ies/-ied, -es, -s, -ed, -ing (undoubling consonants).  Writes into out
 * (TEXT_NORM_MAX bytes). */
void text_lemma_guess(const char *w, char *out);

/* Whether a normalised word is an English function word (the, of, has,
 * which ...): a closed class, kept here as code. */
int text_is_stopword(const char *norm);

/* How many distinct content words (lemmatised, function words left out)
 * two texts share; at most 64 words of each are read. */
int text_overlap(const char *a, const char *b);

/* Whether two content words are synonyms (lexicon_synonym). */
typedef int (*text_synonym_fn)(const void *ctx, const char *a, const char *b);

/* text_overlap, where a pair of words also counts when syn (if not NULL)
 * calls them synonyms. */
int text_overlap_syn(const char *a, const char *b, text_synonym_fn syn, const void *ctx);

/* Whether both texts hold the same negated word ("don't shoot" in a
 * quoted slogan): a negation they share denies nothing. */
int text_shares_negation(const char *a, const char *b);

/* Whether a negation of text a bears on text b: a response particle
 * ("No, ...", "Nope") or a negated word (one of the two content words
 * after the negation: "hasn't been arrested") that b holds too. */
int text_negation_on(const char *a, const char *b);

/* Whether s speaks of harm to someone or something: death (dead, died,
 * killed, beheaded) and, unless death_only, capture, theft, injury,
 * arrest ("kidnapped", "stolen", "missing").  A headline that says its
 * subject is safe or alive denies such a claim. */
int text_mentions_harm(const char *s, int death_only);

#endif
