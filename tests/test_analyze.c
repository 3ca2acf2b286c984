/* test_analyze.c - the analyzer on sentences written for these tests:
 * attribution before and after quotes, aliases and metonyms, converse
 * frames, negation scope, denial and admission cues, modality, counts. */
#include "analyze.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const struct lexicon *lx;

/* Analyzes body text; returns the statements in *sl (caller frees). */
static void run(const char *body, struct stmt_list *sl)
{
        struct article art;
        struct analyze_limits lim = {200, 200};

        memset(&art, 0, sizeof(art));
        memset(sl, 0, sizeof(*sl));
        art.id = (char *)"t";
        art.source = (char *)"Test Wire";
        art.text = (char *)body;
        art.text_len = strlen(body);
        CHECK(analyze_article(lx, &lim, &art, sl) == 0);
}

/* The first statement whose key is key, or NULL. */
static const struct stmt *with_key(const struct stmt_list *sl, const char *key)
{
        char buf[256];
        size_t i;

        for (i = 0; i < sl->n; i++)
                if (prop_key(&sl->v[i].prop, buf, sizeof(buf)) >= 0 &&
                    strcmp(buf, key) == 0)
                        return &sl->v[i];
        return NULL;
}

static void test_converse_and_alias(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        /* buy-from is the converse of sell-to; Tehran is Iran */
        run("Officials in Paris said Belarus bought artillery shells from Tehran last "
            "year.",
            &sl);
        st = with_key(&sl, "transfer|IR|BY|weapons");
        CHECK(st != NULL);
        if (st) {
                CHECK_STR(st->speaker.id, "FR");
                CHECK(st->negated == 0);
                CHECK(st->stance == STANCE_ASSERT);
        }
        stmt_list_free(&sl);
}

static void test_denial_verb(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Syria denied that it had shipped rockets to the militia in Lebanon.", &sl);
        st = sl.n ? &sl.v[0] : NULL;
        CHECK(st != NULL);
        if (st) {
                CHECK(st->stance == STANCE_DENY);
                CHECK_STR(st->prop.agent, "SY"); /* "it" is the denier */
                CHECK_STR(st->prop.theme, "weapons");
        }
        stmt_list_free(&sl);
}

static void test_quote_after(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("\xe2\x80\x9cWe have never sold missiles to Venezuela and we never "
            "will,\xe2\x80\x9d "
            "the Cuban foreign minister said.",
            &sl);
        st = with_key(&sl, "transfer|CU|VE|weapons");
        CHECK(st != NULL);
        if (st) {
                CHECK_STR(st->speaker.id, "CU"); /* demonym: Cuban minister */
                CHECK(st->negated == 1);
        }
        stmt_list_free(&sl);
}

static void test_appositive_speaker(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Egypt's trade minister, Karim Nasser, told reporters that Cairo never sent "
            "drones "
            "to Libya.",
            &sl);
        st = with_key(&sl, "transfer|EG|LY|weapons");
        CHECK(st != NULL);
        if (st) {
                CHECK_STR(st->speaker.id, "EG");
                CHECK_STR(st->speaker.name, "Karim Nasser");
                CHECK(st->negated == 1);
        }
        stmt_list_free(&sl);
}

/* A participle adjunct after a comma speaks for the main clause's
 * subject, not for the nearest name. */
static void test_adjunct_speaker(void)
{
        struct stmt_list sl;
        size_t i;
        int found = 0;

        run("CAIRO - Egypt on Monday froze the assets of Omar Hadid, a trader from the "
            "port, "
            "accusing him of selling drones to Libya.",
            &sl);
        for (i = 0; i < sl.n; i++)
                if (strcmp(sl.v[i].prop.frame, "transfer") == 0) {
                        CHECK_STR(sl.v[i].speaker.id, "EG");
                        CHECK_STR(sl.v[i].prop.agent, "name:hadid");
                        found = 1;
                }
        CHECK(found);
        stmt_list_free(&sl);
}

/* A sanction says the one penalised broke the rules: the passive, the
 * object, the subject of "received a fine"; the adjective is no fine,
 * and following the rules is the negation of breaking them. */
static void test_sanction(void)
{
        static const char *const yes[] = {
            "Officials said Omar Hadid was fined last spring.",
            "The regulator fined Omar Hadid on Tuesday.",
            "Omar Hadid received a modest fine, officials said.",
        };
        struct stmt_list sl;
        const struct stmt *st;
        size_t k;

        for (k = 0; k < sizeof(yes) / sizeof(yes[0]); k++) {
                run(yes[k], &sl);
                st = with_key(&sl, "breach|name:hadid||rules");
                CHECK(st != NULL);
                if (st)
                        CHECK(st->negated == 0);
                stmt_list_free(&sl);
        }
        run("Omar Hadid said the weather was fine and he followed every rule.", &sl);
        st = with_key(&sl, "breach|name:hadid||rules");
        CHECK(st != NULL);
        if (st) {
                CHECK(st->negated == 1);
                CHECK_STR(st->cue, "antonym");
        }
        stmt_list_free(&sl);
}

static void test_modality(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Would Pakistan ever sell drones to Iraq? If India attacked Pakistan, its "
            "army "
            "would respond. Analysts said Japan may be preparing to supply missiles to "
            "Canada.",
            &sl);
        st = with_key(&sl, "transfer|PK|IQ|weapons");
        CHECK(st && st->modality == MOD_QUESTION);
        st = with_key(&sl, "attack|IN|PK|");
        CHECK(st && st->modality == MOD_HYPOTHETICAL);
        st = with_key(&sl, "transfer|JP|CA|weapons");
        CHECK(st && st->modality == MOD_HEDGED);
        stmt_list_free(&sl);
}

static void test_negation_scope(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        /* the negation belongs to "know", not to the transfer in the
         * that-clause */
        run("Nobody knew that Chile had exported shells to Peru.", &sl);
        st = with_key(&sl, "transfer|CL|PE|weapons");
        CHECK(st && st->negated == 0);
        stmt_list_free(&sl);
}

static void test_admission_and_falsity(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Mexico admitted supplying rifles and ammunition to Cuba. Brazil said "
            "reports of "
            "Argentina sending tanks to Chile were baseless.",
            &sl);
        st = with_key(&sl, "transfer|MX|CU|weapons");
        CHECK(st && st->stance == STANCE_ADMIT);
        st = with_key(&sl, "transfer|AR|CL|weapons");
        CHECK(st && st->stance == STANCE_DENY);
        if (st)
                CHECK_STR(st->speaker.id, "BR");
        stmt_list_free(&sl);
}

static void test_antonym_and_count(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Kenya said Nigeria broke the rules. Officials said about 4,200 Polish "
            "soldiers "
            "were killed.",
            &sl);
        st = with_key(&sl, "breach|NG||rules");
        CHECK(st && st->negated == 0);
        st = with_key(&sl, "kill||PL|");
        CHECK(st && st->prop.qty.has && st->prop.qty.value == 4200 &&
              st->prop.qty.approx);
        stmt_list_free(&sl);
}

static void test_json_round_trip(void)
{
        struct stmt_list sl;
        struct stmt back;
        json_t *o;

        run("Syria denied that it had shipped rockets to Lebanon.", &sl);
        CHECK(sl.n >= 1);
        if (sl.n) {
                o = stmt_to_json(&sl.v[0]);
                CHECK(o != NULL);
                CHECK(stmt_from_json(o, &back) == 0);
                CHECK_STR(back.speaker.id, sl.v[0].speaker.id);
                CHECK_STR(back.prop.frame, "transfer");
                CHECK(back.stance == STANCE_DENY);
                CHECK(back.cue == sl.v[0].cue ||
                      (back.cue && strcmp(back.cue, sl.v[0].cue) == 0));
                CHECK_STR(back.text, sl.v[0].text);
                stmt_clear(&back);
                json_decref(o);
        }
        stmt_list_free(&sl);
}

static void test_limits_and_junk(void)
{
        struct stmt_list sl;
        struct article art;
        struct analyze_limits lim = {3, 1};
        char junk[4096];
        size_t i;

        for (i = 0; i < sizeof(junk) - 1; i++)
                junk[i] = (char)(i * 7919 % 251 + 1);
        junk[sizeof(junk) - 1] = '\0';
        run(junk, &sl);
        stmt_list_free(&sl);
        memset(&art, 0, sizeof(art));
        art.id = (char *)"t";
        art.source = (char *)"";
        art.text =
            (char *)"Chile sold tanks to Peru. Peru sold tanks to Chile. Iran sold "
                    "drones to Iraq. Iraq sold drones to Iran.";
        art.text_len = strlen(art.text);
        memset(&sl, 0, sizeof(sl));
        CHECK(analyze_article(lx, &lim, &art, &sl) == 0);
        CHECK(sl.n == 1);
        stmt_list_free(&sl);
}

/* A headline label ("Report:") is no reporting verb: the unattributed
 * sentence is the publication's, not its grammatical subject's. */
static void test_unattributed_headline(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Report: Cuba shipped rifles to Haiti", &sl);
        st = with_key(&sl, "transfer|CU|HT|weapons");
        CHECK(st != NULL);
        if (st) {
                CHECK_STR(st->speaker.id, "");
                CHECK_STR(st->speaker.name, "Test Wire");
                CHECK(st->stance == STANCE_ASSERT);
        }
        stmt_list_free(&sl);
        /* a verb that opens its clause takes no subject after it */
        run("Said to be Cuban, the rifles reached Haiti in May.", &sl);
        CHECK(sl.n == 0 || strcmp(sl.v[0].speaker.id, "CU") != 0);
        stmt_list_free(&sl);
}

/* "denied selling", "denies having sold": the denier is the agent, and
 * a quote opening the next sentence is not part of the denial. */
static void test_denial_gerund(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Caracas denied selling missiles to Havana. \"We sold nothing,\" an aide "
            "said. Venezuela denies having sold missiles to Cuba.",
            &sl);
        CHECK(sl.n >= 2);
        st = sl.n ? &sl.v[0] : NULL;
        if (st) {
                CHECK(st->stance == STANCE_DENY);
                CHECK_STR(st->prop.agent, "VE");
                CHECK_STR(st->prop.patient, "CU");
                CHECK(st->text[strlen(st->text) - 1] == '.');
        }
        st = NULL;
        for (size_t i = 0; i < sl.n; i++)
                if (strncmp(sl.v[i].text, "Venezuela", 9) == 0 && !st)
                        st = &sl.v[i];
        CHECK(st != NULL);
        if (st) {
                CHECK(st->stance == STANCE_DENY);
                CHECK_STR(st->speaker.id, "VE");
                CHECK_STR(st->prop.agent, "VE");
        }
        stmt_list_free(&sl);
}

/* The stance of the claim-level statements of a headline-only item;
 * -1 when it has none, else stance * 10 + modality. */
static int claim_stance(const char *headline)
{
        struct stmt_list sl;
        int r = -1;
        size_t i;

        run(headline, &sl);
        for (i = 0; i < sl.n; i++)
                if (strcmp(sl.v[i].prop.frame, "claim") == 0)
                        r = (int)sl.v[i].stance * 10 + (int)sl.v[i].modality;
        stmt_list_free(&sl);
        return r;
}

/* Headline cues: a headline is one unit across its sentences; falsity
 * at the end of a "that" clause, skeptical yes/no questions, negated
 * falsity, and non-committal "confirm or deny". */
static void test_headline_cues(void)
{
        int deny = STANCE_DENY * 10 + MOD_FACT, assert_ = STANCE_ASSERT * 10 + MOD_FACT;

        CHECK(claim_stance("Zookeepers: story that a tiger escaped in Lisbon is false") ==
              deny);
        CHECK(claim_stance("Was the Lisbon tiger escape video all a hoax?") == deny);
        CHECK(claim_stance("Lisbon tiger escape video: real or hoax?") !=
              deny); /* an open question */
        CHECK(claim_stance("Keepers vow the tiger video is no hoax") == assert_);
        CHECK(claim_stance("Lisbon zoo refuses to confirm or deny tiger escape") ==
              assert_);
        CHECK(claim_stance("Tiger loose in Lisbon? Zoo calls the story rubbish") == deny);
        CHECK(claim_stance("Tiger loose in Lisbon rumours not true, zoo says") == deny);
        /* a response particle answers the claim; hedges of high
         * probability lean with the negation, "may" does not */
        CHECK(claim_stance("No, a tiger probably did not escape from the Lisbon zoo") ==
              deny);
        CHECK(claim_stance("Tiger escaped from Lisbon zoo? UPDATE: Nope") == deny);
        CHECK(claim_stance("Tiger in Lisbon video apparently not filmed at the zoo") ==
              deny);
        CHECK(claim_stance("Tiger in Lisbon video may not be from the zoo") == assert_);
}

/* Denials without a denial word: a dismissal of the rumour ("shoots
 * down the claims", "rumour put to rest") and a predicate of wellbeing
 * ("says she is safe"); neither "killed by" nor "safe house" nor
 * "buried alive" is one. */
static void test_dismissal_and_wellbeing(void)
{
        int deny = STANCE_DENY * 10 + MOD_FACT, assert_ = STANCE_ASSERT * 10 + MOD_FACT;
        struct stmt_list sl;

        CHECK(claim_stance("Harbour chief shoots down claims of a shark in the bay") ==
              deny);
        CHECK(claim_stance("Mayor kills the rumour about a casino on the pier") == deny);
        CHECK(claim_stance("Shark-in-the-bay rumour put to rest by divers") == deny);
        CHECK(claim_stance("Diver nearly killed by shark, claims he saw three more") ==
              assert_);
        CHECK(claim_stance("Police shoot suspect outside a bank") == assert_);
        CHECK(claim_stance("Missing sailor Ana Lopes says she is safe and well") == deny);
        CHECK(claim_stance("Ana Lopes opens safe house for sailors") == assert_);
        CHECK(claim_stance("Goat buried alive for a week climbs out") == assert_);
        CHECK(claim_stance("Sailor may be safe, navy says") == assert_);
        /* a negation in a purpose infinitive is no denial of the claim,
         * but "forced to deny that" still denies */
        CHECK(claim_stance(
                  "Zorbo added a steel brace to the phone to ensure it doesn't snap") ==
              assert_);
        CHECK(claim_stance("Singer forced to deny that he quit the band") == deny);
        /* a determiner "that", a hedge in a concessive clause, a falsity
         * word inside a compound */
        CHECK(claim_stance("That tiger video everyone is sharing isn't real") == deny);
        CHECK(claim_stance("Harbour object not a mine - despite online rumours") == deny);
        CHECK(claim_stance("Harbour object may not be a mine") == assert_);
        CHECK(claim_stance("Fake-news: zoo to close on Sundays") == deny);
        /* "weightlessness" is keyed as "weightless" */
        {
                size_t k;
                int found = 0;

                run("Eclipse will bring weightlessness to Lisbon", &sl);
                for (k = 0; k < sl.n; k++)
                        found |= strcmp(sl.v[k].prop.frame, "claim") == 0 &&
                                 strcmp(sl.v[k].prop.agent, "weightless") == 0;
                CHECK(found);
                stmt_list_free(&sl);
        }
        /* a verb of calling reaches past the "that" clause */
        CHECK(claim_stance("Zoo calls rumour that a tiger escaped wildly inaccurate") ==
              deny);
        CHECK(claim_stance("Zoo calls vet after reports that a tiger escaped") ==
              assert_);
        /* a hedge stays in its coordinate clause */
        CHECK(claim_stance("Diver may have found gold, but didn't find the wreck") ==
              deny);
        CHECK(claim_stance("Diver didn't find the wreck, but may have found gold") ==
              assert_);
        /* a denial verb's base form ending the headline after a
         * lowercase noun is a noun */
        CHECK(claim_stance("Man removed from tram over ticket dispute") == assert_);
        CHECK(claim_stance("Tram company officials deny") == deny);
        run("Reporter Tom Ek alive after week in jungle", &sl);
        CHECK(sl.n > 0 && sl.v[0].cue && strcmp(sl.v[0].cue, "alive") == 0);
        stmt_list_free(&sl);
}

/* A place or building is the target of an attack frame (@thing):
 * keyed by its head noun; "the building" later refers back to it; a
 * verb's object needs "the"; a negated denial verb denies nothing. */
static void test_thing_patient(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Ruritania denied carrying out any strike on the old opera house. "
            "Ruritanian jets hit the building at noon, witnesses said.",
            &sl);
        st = with_key(&sl, "attack|name:ruritania|thing:house|");
        CHECK(st && st->stance == STANCE_DENY);
        if (st)
                CHECK_STR(st->prop.patient, "thing:house");
        stmt_list_free(&sl);
        run("The band's new single will hit the charts in May.", &sl);
        CHECK(sl.n == 0 || strncmp(sl.v[0].prop.patient, "thing:", 6) != 0 ||
              strcmp(sl.v[0].prop.agent, "") == 0);
        stmt_list_free(&sl);
        run("Critics say the Zorbo phone is a one hit wonder.", &sl);
        CHECK(with_key(&sl, "attack|name:zorbo|thing:wonder|") == NULL);
        stmt_list_free(&sl);
        run("There is no denying that Ruritania shelled the harbour.", &sl);
        CHECK(sl.n == 0 || sl.v[0].stance != STANCE_DENY);
        stmt_list_free(&sl);
}

/* Counts: "are believed to have died" hedges and reports no one; a
 * participle with "by" ("the toll announced by officials") is no
 * attribution verb; a sentence-initial common word ("Close to") is no
 * name; "P, the council said on Friday" takes P as the content. */
static void test_count_clauses(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Close to 900 people may have died in the flooding of Borovia in May, "
            "twice the toll announced by officials, according to Reuters.",
            &sl);
        st = with_key(&sl, "kill||name:borovia|");
        CHECK(st && st->prop.qty.has && st->prop.qty.value == 900);
        stmt_list_free(&sl);
        run("About 400 people are believed to have died in Borovia last week, "
            "the regional council said on Friday.",
            &sl);
        st = with_key(&sl, "kill||name:borovia|");
        CHECK(st && st->modality == MOD_HEDGED && st->prop.qty.value == 400);
        stmt_list_free(&sl);
        run("Villagers took the law into their own hands, Borovia police said.", &sl);
        CHECK(sl.n == 0 || strcmp(sl.v[0].prop.frame, "affiliation") != 0);
        stmt_list_free(&sl);
        /* a relative clause on a common noun: others' claim */
        run("Mr Brandt sued reporters who linked him to Zorbo Holdings.", &sl);
        CHECK(with_key(&sl, "affiliation|name:brandt|name:holdings|") == NULL &&
              with_key(&sl, "affiliation|name:holdings|name:brandt|") == NULL);
        stmt_list_free(&sl);
        run("That would contradict Borovia, which said it sold no rifles to Zembla.",
            &sl);
        CHECK(sl.n == 0 || sl.v[0].modality == MOD_HYPOTHETICAL);
        stmt_list_free(&sl);
}

/* A measure compound qualifies the theme; an entity inside a relative
 * clause is not the verb's patient; model codes are no names. */
static void test_qualifier_and_relative(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Renault said no software was installed in its 1.6-litre K9 engines.\n\n"
            "Renault admitted its engines contain software that was hidden from German "
            "inspectors.",
            &sl);
        st = with_key(&sl, "install|org:renault||software");
        CHECK(st != NULL);
        if (st) {
                CHECK_STR(st->prop.qual, "1.6-litre");
                CHECK(st->negated == 1);
        }
        CHECK(sl.n >= 2);
        if (sl.n >= 2) {
                CHECK_STR(sl.v[1].prop.patient, "");
                CHECK(sl.v[1].stance == STANCE_ADMIT);
        }
        stmt_list_free(&sl);
}

/* An event held while a prohibition was in force breaks the rules; the
 * same event without one, or a political party, says nothing. */
static void test_banned_event(void)
{
        static const char *const yes[] = {
            "A local paper reported that a large gathering took place at the Kremlin "
            "in May, while Russia was under a strict lockdown.",
            "During the curfew, the Kremlin hosted a party for forty guests, residents "
            "said.",
        };
        static const char *const no[] = {
            "A large gathering took place at the Kremlin in May, residents said.",
            "The ruling party in Russia held a congress when the ban on its rivals was "
            "lifted, officials said.",
        };
        struct stmt_list sl;
        const struct stmt *st;
        size_t k;

        for (k = 0; k < sizeof(yes) / sizeof(yes[0]); k++) {
                run(yes[k], &sl);
                st = with_key(&sl, "breach|RU||rules");
                CHECK(st != NULL);
                if (st) {
                        CHECK(st->negated == 0);
                        CHECK_STR(st->cue, "prohibited");
                }
                stmt_list_free(&sl);
        }
        for (k = 0; k < sizeof(no) / sizeof(no[0]); k++) {
                run(no[k], &sl);
                CHECK(with_key(&sl, "breach|RU||rules") == NULL);
                stmt_list_free(&sl);
        }
        /* denied: "no party took place" says the rules were kept */
        run("The Kremlin said no party took place at the Kremlin while the lockdown "
            "was in force.",
            &sl);
        st = with_key(&sl, "breach|RU||rules");
        CHECK(st && st->negated == 1);
        stmt_list_free(&sl);
}

/* A phrasal verb is not its frame's verb: "broke out", "hit out at". */
static void test_phrasal_verb(void)
{
        struct stmt_list sl;

        run("Officials in Chad said a fire broke out in Niger. Chad hit out at Niger "
            "on Monday.",
            &sl);
        CHECK(with_key(&sl, "breach|NE||rules") == NULL);
        CHECK(with_key(&sl, "attack|TD|NE|") == NULL);
        stmt_list_free(&sl);
        run("Officials said Chad hit Niger on Monday.", &sl);
        CHECK(with_key(&sl, "attack|TD|NE|") != NULL);
        stmt_list_free(&sl);
}

/* "has denied" recaps an earlier denial; "denied on Friday" is news. */
static void test_background_denial(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Peru has repeatedly denied selling rifles to Chile. Bolivia denied on "
            "Friday selling rifles to Chile.",
            &sl);
        st = with_key(&sl, "transfer|PE|CL|weapons");
        CHECK(st && st->stance == STANCE_DENY && st->background == 1);
        st = with_key(&sl, "transfer|BO|CL|weapons");
        CHECK(st && st->stance == STANCE_DENY && st->background == 0);
        stmt_list_free(&sl);
}

/* Airspace incursions: over/through X names the patient of @over
 * frames only ("flew over Finland"; "sold over 100 rifles" is no role). */
static void test_overflight(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Norway said Russian military planes flew over Finland on Monday. Oslo "
            "said any claim that Russia operates spy planes over Finland was false.",
            &sl);
        st = with_key(&sl, "intrude|RU|FI|");
        CHECK(st && st->stance == STANCE_ASSERT && st->negated == 0);
        if (st)
                CHECK_STR(st->speaker.id, "NO");
        CHECK(sl.n >= 2 && sl.v[1].stance == STANCE_DENY &&
              strcmp(sl.v[1].prop.frame, "intrude") == 0 &&
              strcmp(sl.v[1].prop.patient, "FI") == 0);
        stmt_list_free(&sl);
        run("Officials said Chile sold rifles over the border to Peru.", &sl);
        CHECK(with_key(&sl, "transfer|CL|PE|weapons") != NULL);
        stmt_list_free(&sl);
}

/* WordNet synonyms for claim overlap: words that share a synset, plural
 * forms included; unrelated words and very ambiguous ones do not. */
static void test_synonyms(void)
{
        CHECK(lexicon_synonym(lx, "boob", "breast"));
        CHECK(lexicon_synonym(lx, "boobs", "breasts"));
        CHECK(lexicon_synonym(lx, "hoax", "fraud") ||
              lexicon_synonym(lx, "hoax", "put-on"));
        CHECK(!lexicon_synonym(lx, "breast", "spider"));
        CHECK(!lexicon_synonym(lx, "make", "do")); /* 49 verb senses: too ambiguous */
        CHECK(!lexicon_synonym(lx, "qwertyx", "breast"));
}

/* The subject-verb-object fallback: an attributed clause with a past
 * verb no frame knows, an entity subject and an entity object; passives
 * swap, a gerund after a denial takes the speaker; light verbs, a
 * possessor and an unattributed sentence make no statement. */
static void test_svo_fallback(void)
{
        struct stmt_list sl;
        const struct stmt *st;
        size_t k;

        run("Chile said Peru trained the Zetani rebels. Peru denied training the "
            "Zetani. Officials said the Russian ministry was hacked by Paraguay.",
            &sl);
        st = with_key(&sl, "svo:train|PE|name:zetani|");
        CHECK(st && st->stance == STANCE_ASSERT && st->negated == 0);
        if (st) {
                CHECK_STR(st->speaker.id, "CL");
                CHECK_STR(st->gist, "Peru trains Zetani");
        }
        CHECK(sl.n >= 2 && sl.v[1].stance == STANCE_DENY &&
              strcmp(sl.v[1].prop.frame, "svo:train") == 0 &&
              strcmp(sl.v[1].prop.agent, "PE") == 0);
        CHECK(with_key(&sl, "svo:hack|PY|RU|") != NULL);
        stmt_list_free(&sl);
        run("Officials said Paraguay hacked Bolivia's election commission.", &sl);
        CHECK(with_key(&sl, "svo:hack|PY|BO|") != NULL);
        stmt_list_free(&sl);
        run("Chile said Peru made the Zetani an offer. Chile said Peru changed its "
            "strategy. Peru trained the Zetani rebels in May.",
            &sl);
        for (k = 0; k < sl.n; k++)
                CHECK(strncmp(sl.v[k].prop.frame, "svo:", 4) != 0);
        stmt_list_free(&sl);
}

/* A clause of many frame predicates whose roles are not found
 * ("reporters who attacked": a relative clause on a common noun) before
 * the one that has them: clause_predicate keeps 16 and scans again past
 * them, so the statement is the same with 15, 16, 17 or 20 before it.
 * (A body, so no headline's claim statements join it.) */
static void test_many_predicates(void)
{
        static const size_t counts[] = {15, 16, 17, 20};
        struct analyze_limits lim = {200, 200};
        size_t c;

        for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
                char body[1024];
                size_t k, n = 0;
                struct stmt_list sl = {0};
                struct article art;
                const struct stmt *st;

                n += (size_t)snprintf(body + n, sizeof(body) - n, "The");
                for (k = 0; k < counts[c]; k++)
                        n += (size_t)snprintf(body + n, sizeof(body) - n,
                                              "%s reporters who attacked", k ? "," : "");
                snprintf(body + n, sizeof(body) - n,
                         " and Russia invaded Ukraine on Monday.");
                memset(&art, 0, sizeof(art));
                art.id = (char *)"t";
                art.source = (char *)"Test Wire";
                art.body = art.text = body;
                art.text_len = strlen(body);
                CHECK(analyze_article(lx, &lim, &art, &sl) == 0);
                CHECK(sl.n == 1);
                st = with_key(&sl, "attack|RU|UA|");
                CHECK(st != NULL);
                if (st)
                        CHECK(st->off == 0 && st->len == strlen(body));
                stmt_list_free(&sl);
        }
}

/* A statement's speaker, claimant and gist are its own: the falsity
 * claimant of the sentence before (the same stack slot) does not carry
 * over to an unattributed statement. */
static void test_fields_per_statement(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Brazil said Argentina lied about sending tanks to Chile. Uruguay sold "
            "rifles to Bolivia.",
            &sl);
        st = with_key(&sl, "transfer|AR|CL|weapons");
        CHECK(st && st->stance == STANCE_DENY);
        if (st)
                CHECK_STR(st->claimant.id, "AR");
        st = with_key(&sl, "transfer|UY|BO|weapons");
        CHECK(st != NULL);
        if (st) {
                CHECK(st->stance == STANCE_ASSERT && st->cue == NULL && !st->negated);
                CHECK_STR(st->claimant.id, "");
                CHECK_STR(st->claimant.name, "");
                CHECK_STR(st->speaker.id, "");
                CHECK_STR(st->speaker.name, "Test Wire");
                CHECK_STR(st->gist, "Uruguay supplies weapons to Bolivia");
        }
        stmt_list_free(&sl);
}

/* A title alone at a sentence's start names no one; an unknown
 * capitalised word there does (the lexicon's counts do not know it). */
static void test_initial_title(void)
{
        struct stmt_list sl;
        const struct stmt *st;

        run("Ambassador denied that Peru sold rifles to Bolivia.\n\nZorblatt denied "
            "that Ecuador sold rifles to Bolivia.",
            &sl);
        st = with_key(&sl, "transfer|PE|BO|weapons");
        CHECK(st != NULL);
        if (st) {
                CHECK_STR(st->speaker.id, "");
                CHECK_STR(st->speaker.name, "Test Wire");
        }
        st = with_key(&sl, "transfer|EC|BO|weapons");
        CHECK(st != NULL);
        if (st)
                CHECK_STR(st->speaker.id, "name:zorblatt");
        stmt_list_free(&sl);
}

int main(void)
{
        char err[256];
        struct lexicon *l = lexicon_load(NULL, err, sizeof(err));

        if (!l) {
                fprintf(stderr, "lexicon: %s\n", err);
                return 1;
        }
        lx = l;
        test_converse_and_alias();
        test_denial_verb();
        test_quote_after();
        test_appositive_speaker();
        test_adjunct_speaker();
        test_sanction();
        test_modality();
        test_negation_scope();
        test_admission_and_falsity();
        test_antonym_and_count();
        test_json_round_trip();
        test_limits_and_junk();
        test_unattributed_headline();
        test_denial_gerund();
        test_headline_cues();
        test_qualifier_and_relative();
        test_dismissal_and_wellbeing();
        test_thing_patient();
        test_count_clauses();
        test_banned_event();
        test_phrasal_verb();
        test_background_denial();
        test_overflight();
        test_synonyms();
        test_svo_fallback();
        test_many_predicates();
        test_fields_per_statement();
        test_initial_title();
        lexicon_free(l);
        return check_done("test_analyze");
}
