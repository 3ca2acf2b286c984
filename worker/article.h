/* article.h - the article contract: parsing JSON or dateline text into a
 * validated, UTF-8 clean article (DESIGN.md, "Article").
 *
 * Parsing never aborts on bad input: it returns -1 with a reason code
 * (for the dead-letter topic's "error" header) and a message. */
#ifndef CW_ARTICLE_H
#define CW_ARTICLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Why an input was rejected; article_err_name() gives the header value. */
enum article_err {
        ARTICLE_OK = 0,
        ARTICLE_ERR_TOO_LARGE,  /* "too_large": over max_bytes */
        ARTICLE_ERR_NOT_JSON,   /* "not_json": neither JSON nor dateline text */
        ARTICLE_ERR_NOT_OBJECT, /* "not_object": JSON but not an object */
        ARTICLE_ERR_TYPE,       /* "wrong_type": a known field has the wrong type */
        ARTICLE_ERR_NO_ID,      /* "missing_id": no usable id */
        ARTICLE_ERR_NO_TEXT,    /* "missing_text": neither body nor title */
        ARTICLE_ERR_ENCODING,   /* "bad_encoding": bytes that cannot be repaired */
        ARTICLE_ERR_TIME,       /* "bad_time": published_at is not RFC 3339 */
};

struct article_limits {
        size_t max_bytes; /* whole input; default 1 MiB */
};

/* A parsed article. All strings are NUL-terminated valid UTF-8, owned by
 * the article; optional ones are "" when absent, never NULL. */
struct article {
        char *id;
        char *source;
        char *url;
        char *published_at; /* RFC 3339 as given, or made from the fallback */
        char *title;
        char *body;
        char *lang;
        int64_t published_ms; /* ms since the epoch; 0 when unknown */
        /* The text the analyzer reads: title, a blank line, body (either
         * part may be empty). Statement offsets index into it. */
        char *text;
        size_t text_len;
        size_t body_off; /* where body starts in text */
};

/* Parses one article from buf[0..len).  JSON objects per DESIGN.md, or
 * plain text whose first line is a dateline "date YYYY-MM-DD (Source) --"
 * (the text's id is then "text-" and a hash of the bytes).  Invalid UTF-8
 * is repaired (U+FFFD).  fallback_ms (a message timestamp, or 0) stands in
 * when published_at is missing.  On success stores a new article the
 * caller owns (article_free) in *artp and returns 0; on failure returns -1,
 * sets *err (may be NULL) and writes a message naming the problem. */
int article_parse(const char *buf, size_t len, int64_t fallback_ms,
                  const struct article_limits *lim, struct article **artp,
                  enum article_err *err, char *errstr, size_t errstr_size);

/* Which reader article_parse_with uses for the JSON form.  The scanner
 * reads an article in one pass without building a jansson tree; where
 * its answer could differ from jansson's (invalid JSON, a field of the
 * wrong type, ...) it declines. */
enum article_json_path {
        ARTICLE_JSON_AUTO = 0, /* the scanner, jansson where it declines */
        ARTICLE_JSON_SCANNER,  /* the scanner only (tests, the fuzzer) */
        ARTICLE_JSON_JANSSON,  /* jansson only: the reference */
};

/* article_parse through the given JSON reader.  With ARTICLE_JSON_SCANNER
 * returns 1, with nothing set, when the scanner declined a JSON object;
 * otherwise the result is what article_parse gives for the input. */
int article_parse_with(enum article_json_path path, const char *buf, size_t len,
                       int64_t fallback_ms, const struct article_limits *lim,
                       struct article **artp, enum article_err *err, char *errstr,
                       size_t errstr_size);

void article_free(struct article *art);

/* The reason code of an error, e.g. "missing_id". */
const char *article_err_name(enum article_err err);

/* Parses RFC 3339 ("2022-09-22T03:00:00Z", offsets and fractions too, or
 * a bare date) into ms since the epoch. Returns 0 or -1. */
int article_parse_time(const char *s, int64_t *ms);

/* A quick look at a JSON article for its publication time, without
 * parsing it: stores in *ms the published_ms article_parse would give
 * buf[0..len) if it accepts it, and returns 0; returns 1 when it cannot
 * tell for sure (not a JSON object, no or an empty published_at, a
 * repeated one, escapes in it or in a key, non-ASCII bytes in it...).
 * Bytes article_parse would reject may still get 0. */
int article_peek_time(const char *buf, size_t len, int64_t *ms);

/* Formats ms since the epoch as RFC 3339 UTC into buf (>= 25 bytes). */
void article_format_time(int64_t ms, char *buf, size_t size);

/* The article reference used in alerts and stored statements:
 * {"id","source","url","published_at","title"}. New reference. */
json_t *article_ref_json(const struct article *art);

#endif
