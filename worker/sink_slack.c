/* sink_slack.c - alerts to a Slack incoming webhook as Block Kit messages
 * (DESIGN.md, "Sinks").
 *
 * Article text is hostile input: every piece of it is escaped (& < >) and
 * sent in mrkdwn objects with "verbatim": true, so `<!channel>`, `@here`,
 * `<@U123>` or `<https://evil|click>` in a quote show as text and neither
 * notify anyone nor make a link.  The only links are the articles' own
 * URLs, and only http(s) ones, percent-encoded so they cannot end the
 * link early ('|', '>') or start another.  Limits (Block Kit): header
 * text 150, section text 3000 characters; we count UTF-16 units (what
 * Slack counts, at worst) and cut on character boundaries with "…". */
#include "sinks.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "sink_http.h"

#define HEADER_MAX   150  /* Block Kit: header text */
#define SECTION_MAX  3000 /* Block Kit: section text */
#define CONTEXT_MAX  300  /* ours: the context line */
#define FALLBACK_MAX 300  /* ours: the notification text */
#define URL_MAX      2000 /* longer article URLs are not linked */
#define LABEL_MAX    200  /* units of a link's label */

struct sink_slack {
        struct sink_http http; /* first: the sink handle points here */
};

/* Text being built for one text object, measured in UTF-16 units. */
struct text {
        char *buf;
        size_t len, cap;
        size_t units, max;
        int cut;
};

static int text_init(struct text *t, size_t max)
{
        t->cap = 4 * max + 16; /* 4 bytes per unit at most, plus NUL */
        t->buf = malloc(t->cap);
        t->len = t->units = 0;
        t->max = max;
        t->cut = 0;
        if (t->buf)
                t->buf[0] = '\0';
        return t->buf ? 0 : -1;
}

/* Appends bytes worth units if they fit (leaving room for "…" when more
 * may follow). Returns 0, or -1 and marks the text cut. */
static int put(struct text *t, const char *s, size_t n, size_t units)
{
        if (t->cut || t->units + units + 1 > t->max || t->len + n + 4 > t->cap) {
                if (!t->cut && t->units + 1 <= t->max) {
                        memcpy(t->buf + t->len, "\xe2\x80\xa6", 3); /* … */
                        t->len += 3;
                        t->units++;
                }
                t->cut = 1;
                t->buf[t->len] = '\0';
                return -1;
        }
        memcpy(t->buf + t->len, s, n);
        t->len += n;
        t->units += units;
        t->buf[t->len] = '\0';
        return 0;
}

/* Our own markup (ASCII or known-good UTF-8). */
static int raw(struct text *t, const char *s)
{
        return put(t, s, strlen(s), strlen(s));
}

#define ESC_ONELINE 1 /* newlines become spaces */
#define ESC_PLAIN   2 /* for plain_text: < > as look-alikes, & as is */

/* Appends untrusted text escaped for mrkdwn: & < > as entities (or, for
 * plain_text, whose escaping Slack documents less clearly, < > as the
 * look-alikes U+2039 U+203A, so no reading of it can see a mention),
 * invalid UTF-8 as U+FFFD, control characters as spaces.  Stops at the
 * limit with "…". */
static int esc(struct text *t, const char *s, int flags)
{
        const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)(s ? s : "");
        utf8proc_ssize_t len = (utf8proc_ssize_t)strlen((const char *)p);

        while (len > 0) {
                utf8proc_int32_t cp;
                utf8proc_ssize_t n = utf8proc_iterate(p, len, &cp);
                utf8proc_uint8_t enc[4];
                int rc;

                if (n <= 0) {
                        cp = 0xFFFD;
                        n = 1;
                }
                if ((flags & ESC_PLAIN) && (cp == '<' || cp == '>'))
                        rc = put(t, cp == '<' ? "\xe2\x80\xb9" : "\xe2\x80\xba", 3, 1);
                else if ((flags & ESC_PLAIN) && cp == '&')
                        rc = put(t, "&", 1, 1);
                else if (cp == '&')
                        rc = put(t, "&amp;", 5, 5);
                else if (cp == '<')
                        rc = put(t, "&lt;", 4, 4);
                else if (cp == '>')
                        rc = put(t, "&gt;", 4, 4);
                else if (cp < 0x20 || cp == 0x7f)
                        rc = put(t, cp == '\n' && !(flags & ESC_ONELINE) ? "\n" : " ", 1,
                                 1);
                else
                        rc = put(t, (const char *)enc,
                                 (size_t)utf8proc_encode_char(cp, enc),
                                 cp > 0xFFFF ? 2 : 1);
                if (rc < 0)
                        return -1;
                p += n;
                len -= n;
        }
        return 0;
}

static int hexval_ok(int c)
{
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The URL made safe inside <URL|label>: http(s) only, bytes that could
 * end or split the link percent-encoded, & as &amp;.  Returns 0, or -1
 * when it must not become a link. */
static int link_url(const char *url, char *out, size_t size)
{
        static const char hex[] = "0123456789ABCDEF";
        size_t o = 0, i;

        if (!url || strlen(url) > URL_MAX ||
            (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0))
                return -1;
        for (i = 0; url[i]; i++) {
                unsigned char c = (unsigned char)url[i];

                if (o + 6 >= size)
                        return -1;
                if (c == '&') {
                        memcpy(out + o, "&amp;", 5);
                        o += 5;
                } else if (c <= 0x20 || c >= 0x7f || c == '|' || c == '<' || c == '>' ||
                           c == '"' || c == '`' || c == '\\' ||
                           (c == '%' &&
                            !(hexval_ok(url[i + 1]) && hexval_ok(url[i + 2])))) {
                        out[o++] = '%';
                        out[o++] = hex[c >> 4];
                        out[o++] = hex[c & 15];
                } else {
                        out[o++] = (char)c;
                }
        }
        out[o] = '\0';
        return 0;
}

static const char *jstr(const json_t *o, const char *key)
{
        const char *s = json_string_value(json_object_get(o, key));

        return s ? s : "";
}

/* "<url|Source: title>" when the article has an http(s) URL, else the
 * source name as text.  All or nothing: a link is never cut. */
static int source(struct text *t, const json_t *art)
{
        char url[3 * URL_MAX + 8];
        struct text label;
        const char *src = jstr(art, "source");
        int rc;

        if (text_init(&label, LABEL_MAX) < 0)
                return -1;
        esc(&label, *src ? src : "source", ESC_ONELINE);
        if (*jstr(art, "title")) {
                raw(&label, ": ");
                esc(&label, jstr(art, "title"), ESC_ONELINE);
        }
        if (link_url(jstr(art, "url"), url, sizeof(url)) == 0 &&
            t->units + strlen(url) + label.units + 4 < t->max) {
                raw(t, "<");
                put(t, url, strlen(url), strlen(url));
                raw(t, "|");
                put(t, label.buf, label.len, label.units);
                rc = raw(t, ">");
        } else {
                rc = put(t, label.buf, label.len, label.units);
        }
        free(label.buf);
        return rc;
}

/* One statement: who, stance, when, where, and the sentence quoted. */
static json_t *statement_section(const char *title, const json_t *art, const json_t *st)
{
        const json_t *sp = json_object_get(st, "speaker");
        const char *pub = jstr(art, "published_at");
        struct text t;
        json_t *block;

        if (text_init(&t, SECTION_MAX) < 0)
                return NULL;
        raw(&t, "*");
        raw(&t, title);
        raw(&t, "* \xe2\x80\x94 *");
        esc(&t, *jstr(sp, "name") ? jstr(sp, "name") : "unattributed", ESC_ONELINE);
        raw(&t, "* (");
        esc(&t, jstr(st, "stance"), ESC_ONELINE);
        raw(&t, ", ");
        esc(&t, jstr(st, "polarity"), ESC_ONELINE);
        raw(&t, ")\n");
        if (strlen(pub) >= 10) {
                char date[11];

                snprintf(date, sizeof(date), "%.10s", pub);
                esc(&t, date, ESC_ONELINE);
                raw(&t, " \xc2\xb7 ");
        }
        source(&t, art);
        raw(&t, "\n> ");
        esc(&t, jstr(st, "text"), ESC_ONELINE);
        block = json_pack("{s:s, s:{s:s, s:s%, s:b}}", "type", "section", "text", "type",
                          "mrkdwn", "text", t.buf, t.len, "verbatim", 1);
        free(t.buf);
        return block;
}

/* Kind, subkind, confidence, level and the summary. */
static json_t *summary_section(const json_t *doc)
{
        json_t *conf = json_object_get(doc, "confidence");
        char line[160];
        struct text t;
        json_t *block;

        if (text_init(&t, SECTION_MAX) < 0)
                return NULL;
        raw(&t, "*Kind:* ");
        esc(&t, jstr(doc, "kind"), ESC_ONELINE);
        raw(&t, " / ");
        esc(&t, jstr(doc, "subkind"), ESC_ONELINE);
        snprintf(line, sizeof(line), "   *Confidence:* %.2f   *Level:* ",
                 json_number_value(conf));
        raw(&t, line);
        esc(&t, jstr(doc, "level"), ESC_ONELINE);
        raw(&t, "\n");
        esc(&t, jstr(doc, "summary"), ESC_ONELINE);
        block = json_pack("{s:s, s:{s:s, s:s%, s:b}}", "type", "section", "text", "type",
                          "mrkdwn", "text", t.buf, t.len, "verbatim", 1);
        free(t.buf);
        return block;
}

static json_t *header_block(const json_t *doc)
{
        const char *kind = jstr(doc, "kind");
        struct text t;
        json_t *block;

        if (text_init(&t, HEADER_MAX) < 0)
                return NULL;
        raw(&t, strcmp(kind, "denial") == 0          ? "Denial: "
                : strcmp(kind, "contradiction") == 0 ? "Contradiction: "
                                                     : "Alert: ");
        esc(&t, jstr(doc, "summary"), ESC_ONELINE | ESC_PLAIN);
        block = json_pack("{s:s, s:{s:s, s:s%, s:b}}", "type", "header", "text", "type",
                          "plain_text", "text", t.buf, t.len, "emoji", 0);
        free(t.buf);
        return block;
}

static json_t *context_block(const json_t *doc)
{
        struct text t;
        json_t *block;

        if (text_init(&t, CONTEXT_MAX) < 0)
                return NULL;
        raw(&t, "claimwatch alert ");
        esc(&t, jstr(doc, "alert_id"), ESC_ONELINE);
        raw(&t, " \xc2\xb7 detected ");
        esc(&t, jstr(doc, "detected_at"), ESC_ONELINE);
        block = json_pack("{s:s, s:[{s:s, s:s%, s:b}]}", "type", "context", "elements",
                          "type", "mrkdwn", "text", t.buf, t.len, "verbatim", 1);
        free(t.buf);
        return block;
}

/* The notification text (shown where blocks are not). */
static json_t *fallback(const json_t *doc)
{
        struct text t;
        json_t *s;

        if (text_init(&t, FALLBACK_MAX) < 0)
                return NULL;
        raw(&t, "claimwatch ");
        esc(&t, jstr(doc, "kind"), ESC_ONELINE);
        raw(&t, ": ");
        esc(&t, jstr(doc, "summary"), ESC_ONELINE);
        s = json_stringn(t.buf, t.len);
        free(t.buf);
        return s;
}

char *sink_slack_payload(const struct alert *a)
{
        const json_t *doc = a->doc, *against = json_object_get(doc, "against");
        json_t *msg, *b;
        char *out;
        size_t i;

        msg = json_pack(
            "{s:o?, s:[o?, o?, o?, o?, o?], s:b, s:b}", "text", fallback(doc), "blocks",
            header_block(doc), summary_section(doc),
            statement_section("New statement", json_object_get(doc, "article"),
                              json_object_get(doc, "statement")),
            statement_section("Earlier statement", json_object_get(against, "article"),
                              json_object_get(against, "statement")),
            context_block(doc), "unfurl_links", 0, "unfurl_media", 0);
        if (!msg || json_is_null(json_object_get(msg, "text"))) {
                json_decref(msg);
                return NULL;
        }
        json_array_foreach(json_object_get(msg, "blocks"), i, b)
        {
                if (!json_is_object(b)) { /* out of memory in a builder */
                        json_decref(msg);
                        return NULL;
                }
        }
        out = json_dumps(msg, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(msg);
        return out;
}

static struct curl_slist *slack_headers(void *ctx, const char *body, size_t len)
{
        struct curl_slist *l = curl_slist_append(NULL, "Content-Type: application/json"),
                          *n;

        (void)ctx;
        (void)body;
        (void)len;
        if (l && !(n = curl_slist_append(l, "Expect:"))) {
                curl_slist_free_all(l);
                return NULL;
        }
        return l;
}

static int slack_publish(struct sink *sk, const struct alert *a, char *errstr,
                         size_t errstr_size)
{
        struct sink_slack *ss = (struct sink_slack *)sk;
        char *body = sink_slack_payload(a);
        int rc;

        if (!body) {
                snprintf(errstr, errstr_size, "sink %s: alert %s: out of memory",
                         sk->name, a->id);
                ss->http.for_good = 0;
                ss->http.reason = "oom";
                return -1;
        }
        rc = sink_http_post(&ss->http, a->id, body, strlen(body), slack_headers, ss,
                            errstr, errstr_size);
        free(body);
        return rc;
}

static int slack_flush(struct sink *sk, int timeout_ms, char *errstr, size_t errstr_size)
{
        (void)sk;
        (void)timeout_ms;
        (void)errstr;
        (void)errstr_size;
        return 0; /* publish() returns only when done */
}

static void slack_destroy(struct sink *sk)
{
        struct sink_slack *ss = (struct sink_slack *)sk;

        sink_http_clear(&ss->http);
        free(ss);
}

static const struct sink_ops slack_ops = {
    .kind = "slack",
    .publish = slack_publish,
    .flush = slack_flush,
    .destroy = slack_destroy,
};

struct sink *sink_slack_new(const struct sink_conf *sc, char *errstr, size_t errstr_size)
{
        struct sink_slack *ss = calloc(1, sizeof(*ss));

        if (!ss) {
                snprintf(errstr, errstr_size, "slack sink: out of memory");
                return NULL;
        }
        if (sink_http_init(&ss->http, &slack_ops, sc, errstr, errstr_size) < 0) {
                slack_destroy(&ss->http.sk);
                return NULL;
        }
        return &ss->http.sk;
}
