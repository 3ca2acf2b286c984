/* test_sink_slack.c - the Slack sink's Block Kit message and its posting:
 *  1. a hostile alert (<!channel>, @here, <@U…>, <https://evil|click> in
 *     the quote and the names; a source URL with '|' and '>'; a
 *     javascript: URL) yields a payload in which nothing is live: every
 *     mrkdwn text is verbatim, the only '<' open our own links to the
 *     articles' http(s) URLs, percent-encoded;
 *  2. 10 KB quotes stay within Block Kit limits (header 150, section
 *     3000 UTF-16 units), cut on character boundaries with "…";
 *  3. a post reaches the loopback receiver as JSON, and two posts to one
 *     webhook are at least slack_interval_ms apart. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "check.h"
#include "httprecv.h"
#include "sinks.h"

#define HOSTILE                                                                          \
        "We never did it <!channel> @here <@U024BE7LH> <#C123|general> "                 \
        "<https://evil.example|click> & <!subteam^S123> `code` *bold*"

static json_t *article(const char *id, const char *url, const char *source)
{
        return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "source", source, "url",
                         url, "published_at", "2024-03-06T14:30:00Z", "title",
                         "Title <!everyone> & more");
}

static void make_alert(struct alert *a, const char *text, const char *old_text,
                       const char *summary)
{
        memset(a, 0, sizeof(*a));
        snprintf(a->id, sizeof(a->id), "00112233445566778899aabbccddeeff");
        a->kind = ALERT_DENIAL;
        a->level = ALERT_LEVEL_ALERT;
        a->subkind = "negation";
        a->doc = json_pack(
            "{s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:s, s:o, s:{s:{s:s, s:s}, s:s, s:s, "
            "s:s},"
            " s:{s:o, s:{s:{s:s, s:s}, s:s, s:s, s:s}}}",
            "schema", "claimwatch.alert/v1", "alert_id", a->id, "kind", "denial",
            "subkind", "negation", "level", "alert", "confidence", 0.82, "detected_at",
            "2024-03-06T15:00:00Z", "summary", summary, "article",
            article("a-2", "https://news.example/a|<!channel>>x&y=1 z", "Wire <!here>"),
            "statement", "speaker", "id", "KP", "name", "North Korea <@U1>", "stance",
            "deny", "polarity", "negative", "text", text, "against", "article",
            article("a-1", "javascript:alert(1)", "Old <b> Times"), "statement",
            "speaker", "id", "US", "name", "US officials", "stance", "assert", "polarity",
            "positive", "text", old_text);
}

/* Slack's worst-case count: UTF-16 code units. */
static size_t units(const char *s)
{
        const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
        utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s);
        size_t n = 0;

        while (len > 0) {
                utf8proc_int32_t cp;
                utf8proc_ssize_t k = utf8proc_iterate(p, len, &cp);

                if (k <= 0)
                        return (size_t)-1; /* not UTF-8 */
                n += cp > 0xFFFF ? 2 : 1;
                p += k;
                len -= k;
        }
        return n;
}

/* Calls fn on every text object (type + text) in the blocks. */
struct scan {
        int texts, not_verbatim, plain, too_long_header, too_long_section, bad_angle;
        int has_escaped_channel, links, evil, ellipsis;
        const char *want_link;
};

/* Every '<' must open "<WANT|label>" with no '<' inside. */
static void scan_angles(struct scan *sc, const char *t)
{
        const char *p;

        for (p = strchr(t, '<'); p; p = strchr(p + 1, '<')) {
                const char *end = strchr(p, '>');
                const char *inner = strchr(p + 1, '<');

                if (!end || (inner && inner < end) ||
                    strncmp(p + 1, sc->want_link, strlen(sc->want_link)) != 0 ||
                    p[1 + strlen(sc->want_link)] != '|')
                        sc->bad_angle++;
                else
                        sc->links++;
        }
}

static void scan_text(struct scan *sc, const json_t *obj, const char *block_type)
{
        const char *type = json_string_value(json_object_get(obj, "type"));
        const char *t = json_string_value(json_object_get(obj, "text"));
        size_t u;

        if (!t || !type)
                return;
        sc->texts++;
        u = units(t);
        if (!strcmp(type, "mrkdwn") && !json_is_true(json_object_get(obj, "verbatim")))
                sc->not_verbatim++;
        if (!strcmp(type, "plain_text"))
                sc->plain++;
        if (!strcmp(block_type, "header") && u > 150)
                sc->too_long_header++;
        if (u > 3000)
                sc->too_long_section++;
        if (strstr(t, "&lt;!channel&gt;"))
                sc->has_escaped_channel++;
        if (strstr(t, "evil.example") && !strstr(t, "&lt;https://evil.example|click&gt;"))
                sc->evil++;
        if (strstr(t, "\xe2\x80\xa6"))
                sc->ellipsis++;
        scan_angles(sc, t);
}

static void scan_payload(struct scan *sc, json_t *msg)
{
        json_t *b, *e;
        size_t i, j;

        json_array_foreach(json_object_get(msg, "blocks"), i, b)
        {
                const char *bt = json_string_value(json_object_get(b, "type"));

                scan_text(sc, json_object_get(b, "text"), bt ? bt : "");
                json_array_foreach(json_object_get(b, "elements"), j, e)
                    scan_text(sc, e, bt ? bt : "");
        }
}

static void test_hostile(void)
{
        struct scan sc = {.want_link =
                              "https://news.example/a%7C%3C!channel%3E%3Ex&amp;y=1%20z"};
        struct alert a;
        json_t *msg, *blocks;
        char *p;
        const char *fb;

        make_alert(&a, HOSTILE, "They did ship it. <!here|here> @channel",
                   "North Korea <!channel> denies the claim");
        p = sink_slack_payload(&a);
        CHECK(p != NULL);
        msg = p ? json_loads(p, 0, NULL) : NULL;
        CHECK(msg != NULL);
        blocks = json_object_get(msg, "blocks");
        CHECK(json_array_size(blocks) == 5);
        CHECK_STR(json_string_value(json_object_get(json_array_get(blocks, 0), "type")),
                  "header");
        CHECK_STR(json_string_value(json_object_get(json_array_get(blocks, 4), "type")),
                  "context");
        scan_payload(&sc, msg);
        CHECK(sc.texts == 5);
        CHECK(sc.not_verbatim == 0);
        CHECK(sc.plain == 1); /* the header */
        CHECK(sc.bad_angle == 0);
        CHECK(sc.links == 1); /* the new article's URL; javascript: is not linked */
        CHECK(sc.evil == 0);
        CHECK(sc.has_escaped_channel >= 2); /* summary and quote */
        /* nothing live anywhere in the serialized message */
        CHECK(p && !strstr(p, "<!") && !strstr(p, "<@") && !strstr(p, "<#") &&
              !strstr(p, "<https://evil") && !strstr(p, "javascript:alert(1)|"));
        CHECK(p && strstr(p, "&lt;@U024BE7LH&gt;") && strstr(p, "@here"));
        CHECK(p && strstr(p, "00112233445566778899aabbccddeeff")); /* context */
        CHECK(p && strstr(p, "Old &lt;b&gt; Times")); /* unlinked source as text */
        fb = json_string_value(json_object_get(msg, "text"));
        CHECK(fb && !strchr(fb, '<'));
        CHECK(json_is_false(json_object_get(msg, "unfurl_links")));
        json_decref(msg);
        free(p);
        json_decref(a.doc);
}

static char *repeat(const char *piece, size_t bytes)
{
        size_t n = strlen(piece), i;
        char *s = malloc(bytes + n + 1);

        for (i = 0; i + n <= bytes; i += n)
                memcpy(s + i, piece, n);
        s[i] = '\0';
        return s;
}

static void test_limits(void)
{
        /* 10 KB quotes of 2-, 3- and 4-byte characters and escapes */
        char *big = repeat("caf\xc3\xa9 & <\xe2\x82\xac> \xf0\x9f\x98\x80 ", 10240);
        char *old = repeat("\xe2\x80\x9cwe did\xe2\x80\x9d ", 10240);
        char *summary = repeat("\xc3\xa9\xf0\x9f\x98\x80", 1000);
        struct scan sc = {.want_link =
                              "https://news.example/a%7C%3C!channel%3E%3Ex&amp;y=1%20z"};
        struct alert a;
        json_t *msg;
        char *p;

        make_alert(&a, big, old, summary);
        p = sink_slack_payload(&a);
        msg = p ? json_loads(p, 0, NULL) : NULL; /* jansson insists on valid UTF-8 */
        CHECK(msg != NULL);
        scan_payload(&sc, msg);
        CHECK(sc.texts == 5);
        CHECK(sc.too_long_header == 0);
        CHECK(sc.too_long_section == 0);
        CHECK(sc.ellipsis >= 3); /* header and both quotes were cut */
        CHECK(sc.bad_angle == 0);
        CHECK(sc.links == 1);
        if (msg) {
                json_t *b = json_array_get(json_object_get(msg, "blocks"), 2);
                const char *t = json_string_value(
                    json_object_get(json_object_get(b, "text"), "text"));

                /* the quote used the room it had */
                CHECK(t && units(t) > 2900 && units(t) <= 3000);
                /* never half an entity */
                CHECK(t && strstr(t, "&amp;") && !strstr(t, "&a\xe2\x80\xa6") &&
                      !strstr(t, "&l\xe2\x80\xa6"));
        }
        json_decref(msg);
        free(p);
        json_decref(a.doc);
        free(big);
        free(old);
        free(summary);
}

static int64_t ms_between(const struct hr_req *a, const struct hr_req *b)
{
        return b->t_ms - a->t_ms;
}

static void test_post_and_pace(void)
{
        struct sink_conf sc = {.name = "desk",
                               .level = ALERT_LEVEL_ALERT,
                               .timeout_ms = 2000,
                               .backoff_ms = 50,
                               .backoff_max_ms = 100,
                               .retry_for_ms = 2000,
                               .interval_ms = 1000};
        struct httprecv *hr = httprecv_start();
        char url[128], err[512] = "";
        struct sink *sk;
        struct alert a;

        CHECK(hr != NULL);
        if (!hr)
                return;
        httprecv_url(hr, "/services/T000/B000/XXXX", url, sizeof(url));
        sc.url = url;
        sk = sink_slack_new(&sc, err, sizeof(err));
        CHECK(sk != NULL);
        make_alert(&a, "We never sold arms.", "They sold arms.", "North Korea denies it");
        CHECK(sk && sink_publish(sk, &a, err, sizeof(err)) == 0);
        CHECK(sk && sink_publish(sk, &a, err, sizeof(err)) == 0);
        CHECK(httprecv_count(hr) == 2);
        if (httprecv_count(hr) == 2) {
                const struct hr_req *q = httprecv_req(hr, 0);
                json_t *msg = json_loadb(q->body, q->body_len, 0, NULL);
                char *want = sink_slack_payload(&a);

                CHECK_STR(httprecv_header(q, "content-type"), "application/json");
                CHECK(msg && json_array_size(json_object_get(msg, "blocks")) == 5);
                CHECK(want && strlen(want) == q->body_len &&
                      !memcmp(want, q->body, q->body_len));
                CHECK(ms_between(q, httprecv_req(hr, 1)) >= 990);
                printf("two Slack posts %lld ms apart\n",
                       (long long)ms_between(q, httprecv_req(hr, 1)));
                json_decref(msg);
                free(want);
        }
        /* the level filter: a review alert is not posted */
        a.level = ALERT_LEVEL_REVIEW;
        CHECK(sk && sink_publish(sk, &a, err, sizeof(err)) == 0);
        CHECK(httprecv_count(hr) == 2);
        sink_free(sk);
        json_decref(a.doc);
        httprecv_stop(hr);
}

int main(void)
{
        test_hostile();
        test_limits();
        test_post_and_pace();
        return check_done("test_sink_slack");
}
