/* test_match.c - alert decisions on hand-made statements: denial against
 * an earlier claim or the article itself, contradiction of a denial,
 * self-reversal, numeric conflicts, and no alert for questions,
 * hypotheticals, repeated denials or agreeing statements. */
#include "match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const struct match_conf mc = {0.5, 0.7, NULL};

static struct article mkart(const char *id, int64_t ms)
{
        struct article art;

        memset(&art, 0, sizeof(art));
        art.id = (char *)id;
        art.source = (char *)"Desk";
        art.url = art.title = art.lang = (char *)"";
        art.published_at = (char *)"2024-01-01T00:00:00Z";
        art.published_ms = ms;
        return art;
}

static struct stmt mkst(const char *speaker, enum stance stance, int neg,
                        const char *agent, const char *patient)
{
        struct stmt st;

        memset(&st, 0, sizeof(st));
        snprintf(st.speaker.id, sizeof(st.speaker.id), "%s", speaker);
        snprintf(st.speaker.name, sizeof(st.speaker.name), "%s", speaker);
        st.stance = stance;
        st.negated = neg;
        snprintf(st.prop.frame, sizeof(st.prop.frame), "transfer");
        snprintf(st.prop.agent, sizeof(st.prop.agent), "%s", agent);
        snprintf(st.prop.patient, sizeof(st.prop.patient), "%s", patient);
        snprintf(st.prop.theme, sizeof(st.prop.theme), "weapons");
        st.strength = 0.9;
        st.text = (char *)"a sentence";
        return st;
}

static struct cand mkcand(const struct article *art, struct stmt st, int seq)
{
        struct cand c;

        memset(&c, 0, sizeof(c));
        c.st = st;
        c.st.text = strdup(st.text); /* cand_clear frees it */
        c.article = article_ref_json(art);
        c.published_ms = art->published_ms;
        c.seq = seq;
        return c;
}

static const char *against_id(const struct alert *a)
{
        return json_string_value(json_object_get(
            json_object_get(json_object_get(a->doc, "against"), "article"), "id"));
}

static void test_denial_then_contradiction(void)
{
        struct article a1 = mkart("a1", 1000), a2 = mkart("a2", 2000),
                       a3 = mkart("a3", 3000);
        struct stmt claim = mkst("FR", STANCE_ASSERT, 0, "CU", "VE");
        struct stmt denial = mkst("CU", STANCE_DENY, 0, "CU", "VE");
        struct stmt later = mkst("BR", STANCE_ASSERT, 0, "CU", "VE");
        struct stmt admit = mkst("CU", STANCE_ADMIT, 0, "CU", "VE");
        struct cand c[2];
        struct alert_list al = {0};

        c[0] = mkcand(&a1, claim, 0);
        CHECK(match_stmt(&mc, &a2, &denial, 0, c, 1, 0, &al) == 1);
        CHECK(al.n == 1 && al.v[0].kind == ALERT_DENIAL &&
              al.v[0].level == ALERT_LEVEL_ALERT);
        if (al.n)
                CHECK_STR(against_id(&al.v[0]), "a1");
        c[1] = mkcand(&a2, denial, 0);
        CHECK(match_stmt(&mc, &a3, &later, 0, c, 2, 0, &al) == 1);
        CHECK(al.n == 2 && al.v[1].kind == ALERT_CONTRADICTION);
        if (al.n == 2) {
                CHECK_STR(al.v[1].subkind, "negation");
                CHECK_STR(against_id(&al.v[1]), "a2");
        }
        /* the denier itself admits: a self-reversal */
        CHECK(match_stmt(&mc, &a3, &admit, 1, c, 2, 0, &al) == 1);
        if (al.n == 3)
                CHECK_STR(al.v[2].subkind, "self_reversal");
        alert_list_free(&al);
        cand_clear(&c[0]);
        cand_clear(&c[1]);
}

static void test_denial_in_same_article(void)
{
        struct article a1 = mkart("a1", 1000);
        struct stmt denial = mkst("CU", STANCE_DENY, 0, "CU", "VE");
        struct alert_list al = {0};

        denial.cue = "deny";
        /* no claim anywhere: an explicit denial verb reports the claim */
        CHECK(match_stmt(&mc, &a1, &denial, 0, NULL, 0, 0, &al) == 1);
        if (al.n)
                CHECK_STR(against_id(&al.v[0]), "a1");
        alert_list_free(&al);
}

static void test_no_alert(void)
{
        struct article a1 = mkart("a1", 1000), a2 = mkart("a2", 2000);
        struct stmt claim = mkst("FR", STANCE_ASSERT, 0, "CU", "VE");
        struct stmt q = mkst("CU", STANCE_ASSERT, 1, "CU", "VE");
        struct stmt again = mkst("BR", STANCE_ASSERT, 0, "CU", "VE");
        struct stmt old_denial = mkst("CU", STANCE_ASSERT, 1, "CU", "VE");
        struct stmt bystander = mkst("BR", STANCE_ASSERT, 1, "CU", "VE");
        struct cand c[2];
        struct alert_list al = {0};

        c[0] = mkcand(&a1, claim, 0);
        q.modality = MOD_QUESTION;
        CHECK(match_stmt(&mc, &a2, &q, 0, c, 1, 0, &al) == 0);
        q.modality = MOD_HYPOTHETICAL;
        CHECK(match_stmt(&mc, &a2, &q, 0, c, 1, 0, &al) == 0);
        /* agreeing with the claim is no conflict */
        CHECK(match_stmt(&mc, &a2, &again, 0, c, 1, 0, &al) == 0);
        /* a negative statement by someone not party to P is not a denial */
        CHECK(match_stmt(&mc, &a2, &bystander, 0, c, 1, 0, &al) == 0);
        /* a party repeating its own earlier denial is not news */
        c[1] = mkcand(&a1, old_denial, 1);
        CHECK(match_stmt(&mc, &a2, &old_denial, 0, c, 2, 0, &al) == 0);
        CHECK(al.n == 0);
        alert_list_free(&al);
        cand_clear(&c[0]);
        cand_clear(&c[1]);
}

static void test_numeric(void)
{
        struct article a1 = mkart("a1", 1000), a2 = mkart("a2", 2000);
        struct article far = mkart("a3", 1000 + 200LL * 24 * 3600 * 1000);
        struct stmt x = mkst("PL", STANCE_ASSERT, 0, "", "UA");
        struct stmt y = mkst("UA", STANCE_ASSERT, 0, "", "UA");
        struct stmt z = mkst("UA", STANCE_ASSERT, 0, "", "UA");
        struct cand c[1];
        struct alert_list al = {0};

        snprintf(x.prop.frame, sizeof(x.prop.frame), "kill");
        y.prop = z.prop = x.prop;
        x.prop.qty = (struct quantity){1, 9000, "people", 1};
        y.prop.qty = (struct quantity){1, 1200, "people", 0};
        z.prop.qty = (struct quantity){1, 8500, "people", 0};
        c[0] = mkcand(&a1, x, 0);
        CHECK(match_stmt(&mc, &a2, &y, 0, c, 1, 0, &al) == 1);
        if (al.n)
                CHECK_STR(al.v[0].subkind, "numeric");
        /* within the approximation: no conflict */
        CHECK(match_stmt(&mc, &a2, &z, 0, c, 1, 0, &al) == 0);
        /* about 600 against about 300: the ranges do not meet and the
         * numbers differ by more than half */
        {
                struct stmt u = x, w = y;
                struct cand c2[1];

                u.prop = y.prop;
                u.prop.qty = (struct quantity){1, 300, "people", QTY_ABOUT};
                w.prop.qty = (struct quantity){1, 600, "people", QTY_ABOUT};
                c2[0] = mkcand(&a1, u, 0);
                CHECK(match_stmt(&mc, &a2, &w, 0, c2, 1, 0, &al) == 1);
                /* about 400 against about 300: the ranges meet */
                w.prop.qty.value = 400;
                CHECK(match_stmt(&mc, &a2, &w, 0, c2, 1, 0, &al) == 0);
                cand_clear(&c2[0]);
        }
        /* tallies months apart move: no conflict */
        CHECK(match_stmt(&mc, &far, &y, 0, c, 1, 0, &al) == 0);
        alert_list_free(&al);
        cand_clear(&c[0]);
}

/* A store keeps statements as JSON: "at least" and "up to" must come back
 * as bounds, not as "about", or a lower bound of 5,000 would no longer
 * be consistent with a later 9,000. */
static void test_bound_round_trip(void)
{
        struct article a1 = mkart("a1", 1000), a2 = mkart("a2", 2000);
        struct stmt x = mkst("PL", STANCE_ASSERT, 0, "", "UA"), back, y;
        struct cand c[1];
        struct alert_list al = {0};
        int b;

        snprintf(x.prop.frame, sizeof(x.prop.frame), "kill");
        for (b = QTY_EXACT; b <= QTY_UP_TO; b++) {
                json_t *o;

                x.prop.qty = (struct quantity){1, 5000, "people", b};
                o = stmt_to_json(&x);
                CHECK(o && stmt_from_json(o, &back) == 0);
                CHECK(back.prop.qty.approx == b);
                CHECK(json_is_true(json_object_get(
                          json_object_get(json_object_get(o, "proposition"), "quantity"),
                          "approx")) == (b != QTY_EXACT));
                json_decref(o);
                stmt_clear(&back);
        }
        /* "at least 5,000" then "9,000": consistent after the round trip */
        x.prop.qty = (struct quantity){1, 5000, "people", QTY_AT_LEAST};
        {
                json_t *o = stmt_to_json(&x);

                CHECK(stmt_from_json(o, &back) == 0);
                json_decref(o);
        }
        y = mkst("UA", STANCE_ASSERT, 0, "", "UA");
        y.prop = back.prop;
        y.prop.qty = (struct quantity){1, 9000, "people", QTY_EXACT};
        c[0] = mkcand(&a1, back, 0);
        CHECK(match_stmt(&mc, &a2, &y, 0, c, 1, 0, &al) == 0);
        stmt_clear(&back);
        /* a record written before "bound" existed reads as "about" */
        {
                json_t *o =
                    json_loads("{\"proposition\":{\"frame\":\"kill\",\"quantity\":"
                               "{\"value\":3,\"unit\":\"people\",\"approx\":true}},"
                               "\"text\":\"t\"}",
                               0, NULL);

                CHECK(o && stmt_from_json(o, &back) == 0 &&
                      back.prop.qty.approx == QTY_ABOUT);
                json_decref(o);
                stmt_clear(&back);
        }
        alert_list_free(&al);
        cand_clear(&c[0]);
}

/* A denial about the 12-inch guns says nothing about guns in general:
 * it is matched only with statements about the same 12-inch guns. */
static void test_qualifier(void)
{
        struct article a1 = mkart("a1", 1000), a2 = mkart("a2", 2000),
                       a3 = mkart("a3", 3000);
        struct stmt general = mkst("US", STANCE_ASSERT, 0, "CU", "VE");
        struct stmt specific = mkst("GB", STANCE_ASSERT, 0, "CU", "VE");
        struct stmt denial = mkst("CU", STANCE_ASSERT, 1, "CU", "VE");
        struct cand c[2];
        struct alert_list al = {0};

        snprintf(specific.prop.qual, sizeof(specific.prop.qual), "12-inch");
        snprintf(denial.prop.qual, sizeof(denial.prop.qual), "12-inch");
        c[0] = mkcand(&a1, general, 0);
        c[1] = mkcand(&a2, specific, 0);
        CHECK(match_stmt(&mc, &a3, &denial, 0, c, 2, 0, &al) == 1);
        if (al.n)
                CHECK_STR(against_id(&al.v[0]), "a2");
        alert_list_free(&al);
        /* with only the general claim on file there is nothing to deny */
        CHECK(match_stmt(&mc, &a3, &denial, 0, c, 1, 0, &al) == 0);
        alert_list_free(&al);
        cand_clear(&c[0]);
        cand_clear(&c[1]);
}

/* A party that denied P before: in new words and against a claim, the
 * denial is news again; a word-for-word copy (syndication), a recap in
 * the present perfect ("has denied") or a bare repeat with no claim on
 * file is not. */
static void test_repeated_denial(void)
{
        struct article a1 = mkart("a1", 1000), a2 = mkart("a2", 2000);
        struct stmt claim = mkst("FR", STANCE_ASSERT, 0, "CU", "VE");
        struct stmt first = mkst("CU", STANCE_DENY, 0, "CU", "VE");
        struct stmt again = mkst("CU", STANCE_DENY, 0, "CU", "VE");
        struct cand c[2];
        struct alert_list al = {0};

        first.cue = again.cue = "deny";
        first.text = (char *)"Cuba denied shipping arms to Venezuela.";
        again.text =
            (char *)"Cuba insisted on Friday that no arms had gone to Venezuela.";
        c[0] = mkcand(&a1, claim, 0);
        c[1] = mkcand(&a1, first, 1);
        CHECK(match_stmt(&mc, &a2, &again, 0, c, 2, 0, &al) == 1);
        if (al.n)
                CHECK_STR(against_id(&al.v[0]), "a1");
        alert_list_free(&al);
        again.background = 1;
        CHECK(match_stmt(&mc, &a2, &again, 0, c, 2, 0, &al) == 0);
        again.background = 0;
        again.text = first.text;
        CHECK(match_stmt(&mc, &a2, &again, 0, c, 2, 0, &al) == 0);
        /* no claim on file: the earlier denial was the news */
        again.text = (char *)"Cuba again denied that it shipped arms to Venezuela.";
        CHECK(match_stmt(&mc, &a2, &again, 0, c + 1, 1, 0, &al) == 0);
        CHECK(al.n == 0);
        alert_list_free(&al);
        cand_clear(&c[0]);
        cand_clear(&c[1]);
}

/* Claim-level overlap counts WordNet synonyms when the configuration
 * carries a lexicon: "third boob" against "third breast" shares two
 * words, not one. */
static void test_claim_synonyms(void)
{
        char err[256];
        struct lexicon *lx = lexicon_load(NULL, err, sizeof(err));
        struct match_conf syn = {0.5, 0.7, NULL};
        struct article a1 = mkart("a1", 1000), a2 = mkart("a2", 2000);
        struct stmt claim = mkst("", STANCE_ASSERT, 0, "", "");
        struct stmt denial = mkst("", STANCE_DENY, 0, "", "");
        struct cand c;
        struct alert_list al = {0};

        CHECK(lx != NULL);
        syn.lx = lx;
        snprintf(claim.prop.frame, sizeof(claim.prop.frame), "claim");
        snprintf(claim.prop.theme, sizeof(claim.prop.theme), "term");
        denial.prop = claim.prop;
        claim.text = (char *)"Florida woman got a third breast";
        denial.text = (char *)"Third boob was a hoax";
        denial.cue = "falsity";
        c = mkcand(&a1, claim, 0);
        CHECK(match_stmt(&mc, &a2, &denial, 0, &c, 1, 0, &al) == 0);
        CHECK(match_stmt(&syn, &a2, &denial, 0, &c, 1, 0, &al) == 1);
        if (al.n)
                CHECK(al.v[0].kind == ALERT_DENIAL);
        alert_list_free(&al);
        /* a headline claim is about its subject: the same speaker on both
         * sides ("X tweeted ..." / "X's manager: a hoax") is no bar */
        cand_clear(&c);
        snprintf(claim.speaker.id, sizeof(claim.speaker.id), "name:ortiz");
        snprintf(denial.speaker.id, sizeof(denial.speaker.id), "name:ortiz");
        claim.text = (char *)"Singer Rosa Ortiz tweeted about the stadium fire";
        denial.text = (char *)"Tweets attributed to Rosa Ortiz were a hoax, agent says";
        c = mkcand(&a1, claim, 0);
        CHECK(match_stmt(&mc, &a2, &denial, 0, &c, 1, 0, &al) == 1);
        alert_list_free(&al);
        cand_clear(&c);
        lexicon_free(lx);
}

/* match_may_alert: what can never alert is skipped before candidates
 * are gathered; it must agree with match_stmt. */
static void test_may_alert(void)
{
        struct article a1 = mkart("a1", 1000), a2 = mkart("a2", 2000);
        struct stmt claim = mkst("FR", STANCE_ASSERT, 0, "CU", "VE");
        struct stmt half = mkst("CU", STANCE_DENY, 0, "CU", "");
        struct stmt q = mkst("CU", STANCE_DENY, 0, "CU", "VE");
        struct cand c;
        struct alert_list al = {0};

        half.prop.theme[0] = '\0'; /* agent only: incomplete */
        q.modality = MOD_QUESTION;
        CHECK(match_may_alert(&claim));
        CHECK(!match_may_alert(&half));
        CHECK(!match_may_alert(&q));
        c = mkcand(&a1, claim, 0);
        CHECK(match_stmt(&mc, &a2, &half, 0, &c, 1, 0, &al) == 0);
        half.prop.qty.has = 1;
        CHECK(match_may_alert(&half));
        snprintf(q.prop.frame, sizeof(q.prop.frame), "claim");
        q.modality = MOD_FACT;
        q.prop.agent[0] = q.prop.patient[0] = q.prop.theme[0] = '\0';
        CHECK(match_may_alert(&q));
        alert_list_free(&al);
        cand_clear(&c);
}

int main(void)
{
        test_denial_then_contradiction();
        test_denial_in_same_article();
        test_no_alert();
        test_repeated_denial();
        test_may_alert();
        test_claim_synonyms();
        test_numeric();
        test_bound_round_trip();
        test_qualifier();
        return check_done("test_match");
}
