/* test_alert.c - alert ids are stable across processes and distinct
 * across inputs; alert documents follow claimwatch.alert/v1; stored
 * statement records round-trip. */
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "check.h"

static struct article *make_article(const char *json)
{
        struct article_limits lim = {0};
        struct article *art = NULL;
        enum article_err err;
        char errstr[256];

        if (article_parse(json, strlen(json), 0, &lim, &art, &err, errstr,
                          sizeof(errstr)))
                fprintf(stderr, "parse: %s\n", errstr);
        return art;
}

static void test_ids(void)
{
        char a[ALERT_ID_LEN + 1], b[ALERT_ID_LEN + 1];

        /* Pinned: sha256("claimwatch.alert/v1\0" "example-2\0" "example-1\0"
         * "3:0:denial"), first 16 bytes in hex, computed with Python's
         * hashlib. A change here breaks dedup of alerts already sent. */
        alert_make_id("example-2", 3, "example-1", 0, ALERT_DENIAL, a);
        CHECK_STR(a, "96933fbf5315c652c8cea989fa81b19b");
        alert_make_id("example-2", 3, "example-1", 0, ALERT_DENIAL, b);
        CHECK_STR(a, b);
        alert_make_id("example-2", 3, "example-1", 0, ALERT_CONTRADICTION, b);
        CHECK(strcmp(a, b) != 0);
        alert_make_id("example-2", 4, "example-1", 0, ALERT_DENIAL, b);
        CHECK(strcmp(a, b) != 0);
        alert_make_id("example-2", 3, "example-1", 1, ALERT_DENIAL, b);
        CHECK(strcmp(a, b) != 0);
        /* separators: ("ab","c") is not ("a","bc") */
        alert_make_id("ab", 0, "c", 0, ALERT_DENIAL, a);
        alert_make_id("a", 0, "bc", 0, ALERT_DENIAL, b);
        CHECK(strcmp(a, b) != 0);
        CHECK(strlen(a) == ALERT_ID_LEN && strspn(a, "0123456789abcdef") == ALERT_ID_LEN);
}

static void test_document(void)
{
        struct article *claim = make_article(
            "{\"id\":\"c-1\",\"source\":\"Desk\",\"published_at\":\"2024-01-02T03:04:"
            "05Z\","
            "\"title\":\"Claim\",\"body\":\"Officials said Ruritania sold rifles.\"}");
        struct article *den =
            make_article("{\"id\":\"d-1\",\"source\":\"Desk\",\"published_at\":\"2024-01-"
                         "05T00:00:00Z\","
                         "\"body\":\"Ruritania denied it <!channel> sold rifles.\"}");
        struct stmt st = {0}, old = {0};
        struct alert_list al = {0};
        struct cand c = {0}, back;
        json_t *rec, *doc;
        char *dump;

        CHECK(claim && den);
        if (!claim || !den)
                goto done;
        snprintf(old.speaker.id, sizeof(old.speaker.id), "org:officials");
        snprintf(old.speaker.name, sizeof(old.speaker.name), "officials");
        old.stance = STANCE_ASSERT;
        snprintf(old.prop.frame, sizeof(old.prop.frame), "transfer");
        snprintf(old.prop.agent, sizeof(old.prop.agent), "RT");
        old.text = strdup("Officials said Ruritania sold rifles.");
        rec = cand_record(claim, &old, 2);
        CHECK(rec != NULL);
        CHECK(cand_from_record(rec, &c) == 0);
        CHECK_STR(json_string_value(json_object_get(c.article, "id")), "c-1");
        CHECK(c.seq == 2);
        CHECK(c.published_ms == claim->published_ms);
        CHECK_STR(c.st.text, old.text);
        json_decref(rec);    /* c keeps its own reference to the article */
        rec = json_object(); /* not a record */
        CHECK(cand_from_record(rec, &back) == -1);
        json_decref(rec);

        snprintf(st.speaker.id, sizeof(st.speaker.id), "RT");
        snprintf(st.speaker.name, sizeof(st.speaker.name), "Ruritania");
        st.stance = STANCE_DENY;
        st.negated = 1;
        snprintf(st.gist, sizeof(st.gist), "Ruritania sells rifles");
        st.text = strdup("Ruritania denied it <!channel> sold rifles.");
        CHECK(alert_list_add(&al, ALERT_DENIAL, "negation", 0.8, ALERT_LEVEL_ALERT, den,
                             &st, 0, &c, 1700000000000LL) == 0);
        CHECK(al.n == 1);
        doc = al.v[0].doc;
        CHECK_STR(json_string_value(json_object_get(doc, "schema")),
                  "claimwatch.alert/v1");
        CHECK_STR(json_string_value(json_object_get(doc, "kind")), "denial");
        CHECK_STR(json_string_value(json_object_get(doc, "level")), "alert");
        CHECK_STR(json_string_value(json_object_get(doc, "alert_id")), al.v[0].id);
        CHECK_STR(json_string_value(json_object_get(doc, "detected_at")),
                  "2023-11-14T22:13:20Z");
        CHECK_STR(json_string_value(json_object_get(
                      json_object_get(json_object_get(doc, "against"), "article"), "id")),
                  "c-1");
        CHECK_STR(json_string_value(json_object_get(doc, "summary")),
                  "Ruritania denies the claim, reported by officials on 2024-01-02, that "
                  "Ruritania sells rifles");
        dump = alert_dumps(&al.v[0]);
        CHECK(dump && strstr(dump, "\"statement\"") &&
              strstr(dump, "\"polarity\":\"negative\""));
        free(dump);
done:
        free(st.text);
        free(old.text);
        cand_clear(&c);
        alert_list_free(&al);
        article_free(claim);
        article_free(den);
}

/* Regression (fuzz_analyze): fixed-size fields cut in half a character
 * must still serialize. */
static void test_scrub(void)
{
        char s1[] = "ab\xC3", s2[] = "\xE2\x82\xAC ok \xFF\xC3\xA9", s3[] = "";
        struct stmt st = {0};
        json_t *o;
        size_t i;

        utf8_scrub(s1);
        CHECK_STR(s1, "ab");
        utf8_scrub(s2);
        CHECK_STR(s2, "\xE2\x82\xAC ok \xC3\xA9");
        utf8_scrub(s3);
        CHECK_STR(s3, "");
        /* a name of 2-byte characters cut at an odd byte count */
        for (i = 0; i + 2 < sizeof(st.speaker.name); i += 2)
                memcpy(st.speaker.name + i, "\xC3\xA9", 2);
        st.speaker.name[sizeof(st.speaker.name) - 2] = '\xC3';
        st.speaker.name[sizeof(st.speaker.name) - 1] = '\0';
        st.text = strdup("A sentence.");
        o = stmt_to_json(&st);
        CHECK(o != NULL);
        CHECK(o && strlen(json_string_value(
                       json_object_get(json_object_get(o, "speaker"), "name"))) ==
                       sizeof(st.speaker.name) - 2);
        json_decref(o);
        free(st.text);
}

int main(void)
{
        test_ids();
        test_document();
        test_scrub();
        return check_done("test_alert");
}
