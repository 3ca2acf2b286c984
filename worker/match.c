/* match.c - decides alerts for one new statement against the candidate
 * statements of the same proposition key.
 *
 * A statement "says not-P" when it is negative, or when its speaker
 * denies P (the two cancel: "denied that it did not").  Then:
 *   denial         the new statement says not-P, made by a party to P or
 *                  with an explicit denial cue, and someone else said P
 *                  (earlier, or in this article); a denial aimed at a
 *                  named claimant ("X is lying") targets X's statements;
 *                  a denial the party made before is news again only in
 *                  new words, against a claim, and not in the present
 *                  perfect ("X has denied P" is a recap);
 *   contradiction  the new statement says P as a fact and an earlier
 *                  article said not-P (self_reversal when the speaker is
 *                  the same, antonym when a predicate antonym carried the
 *                  polarity, negation otherwise), or the new statement
 *                  says not-P against the same speaker's earlier P;
 *   numeric        both say P with incompatible quantities of one unit,
 *                  published within a few weeks of each other.
 * Questions and hypotheticals never alert. */
#include "match.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define NUMERIC_WINDOW_MS (60LL * 24 * 3600 * 1000)
#define NUMERIC_RATIO     1.5
#define CLAIM_OVERLAP     2 /* content words a denial shares with the claim */

/* 1 when st says not-P, 0 when it says P. */
static int says_not(const struct stmt *st)
{
        return st->negated ^ (st->stance == STANCE_DENY);
}

static int can_alert(const struct stmt *st)
{
        return st->modality != MOD_QUESTION && st->modality != MOD_HYPOTHETICAL;
}

/* A plain factual assertion: what may contradict a denial. */
static int is_factual(const struct stmt *st)
{
        return st->modality == MOD_FACT || st->stance == STANCE_ADMIT;
}

/* Whether the proposition is specific enough to contradict: two of
 * agent, patient and theme are known. */
static int is_complete(const struct stmt *st)
{
        return (st->prop.agent[0] != 0) + (st->prop.patient[0] != 0) +
                   (st->prop.theme[0] != 0) >=
               2;
}

static int same_speaker(const struct stmt *a, const struct stmt *b)
{
        return a->speaker.id[0] && strcmp(a->speaker.id, b->speaker.id) == 0;
}

/* Whether c may be about the things st is about: a statement that
 * singles them out ("the 3.0-litre engines") speaks of nothing else. */
static int same_things(const struct stmt *st, const struct cand *c)
{
        return !st->prop.qual[0] || strcmp(st->prop.qual, c->st.prop.qual) == 0;
}

/* Whether two statements come from the same sentence, word for word
 * (a syndicated copy of one report). */
static int same_text(const struct stmt *a, const struct stmt *b)
{
        return a->text && b->text && strcmp(a->text, b->text) == 0;
}

/* Whether st's speaker is a party to its proposition. */
static int is_party(const struct stmt *st)
{
        return st->speaker.id[0] && (strcmp(st->speaker.id, st->prop.agent) == 0 ||
                                     strcmp(st->speaker.id, st->prop.patient) == 0);
}

static int is_same_article(const struct article *art, const struct cand *c)
{
        const char *id =
            c->aid ? c->aid : json_string_value(json_object_get(c->article, "id"));

        return id && strcmp(id, art->id) == 0;
}

/* Bounds [lo, hi] of a quantity, by its approximation. */
static void qty_bounds(const struct quantity *q, double *lo, double *hi)
{
        switch (q->approx) {
        case QTY_AT_LEAST:
                *lo = q->value;
                *hi = INFINITY;
                break;
        case QTY_UP_TO:
                *lo = 0;
                *hi = q->value;
                break;
        case QTY_ABOUT:
                *lo = q->value / 1.25;
                *hi = q->value * 1.25;
                break;
        default:
                *lo = *hi = q->value;
                break;
        }
}

static int qty_conflict(const struct quantity *a, const struct quantity *b)
{
        double alo, ahi, blo, bhi;

        if (!a->has || !b->has || strcmp(a->unit, b->unit) != 0 || a->value <= 0 ||
            b->value <= 0)
                return 0;
        /* the ranges the approximations allow do not meet, and the
         * numbers themselves differ by more than half */
        qty_bounds(a, &alo, &ahi);
        qty_bounds(b, &blo, &bhi);
        if (alo <= bhi && blo <= ahi)
                return 0;
        return a->value > b->value * NUMERIC_RATIO || b->value > a->value * NUMERIC_RATIO;
}

static enum alert_level level_of(const struct match_conf *mc, double conf)
{
        return conf >= mc->alert_threshold ? ALERT_LEVEL_ALERT : ALERT_LEVEL_REVIEW;
}

static double confidence(const struct stmt *st, const struct cand *c, double base)
{
        double s = (st->strength + c->st.strength) / 2;

        if (s <= 0)
                s = 0.6;
        s = base * (0.6 + 0.4 * s);
        return s > 1 ? 1 : s;
}

static int emit(const struct match_conf *mc, const struct article *art,
                const struct stmt *st, int seq, const struct cand *c,
                enum alert_kind kind, const char *subkind, double conf, int64_t now_ms,
                struct alert_list *out)
{
        if (conf < mc->review_threshold)
                return 0;
        if (alert_list_add(out, kind, subkind, conf, level_of(mc, conf), art, st, seq, c,
                           now_ms) < 0)
                return -1;
        return 1;
}

/* The denial alert of st, if any: against the earliest statement of P by
 * someone else (the named claimant when there is one). */
static int match_denial(const struct match_conf *mc, const struct article *art,
                        const struct stmt *st, int seq, const struct cand *const *cands,
                        size_t n, int64_t now_ms, struct alert_list *out)
{
        const struct cand *best = NULL, *prev = NULL;
        size_t i;
        double base;

        if (!(st->stance == STANCE_DENY || is_party(st)) || !is_complete(st))
                return 0;
        /* the party denied P before: a copy of that report (syndication)
         * or a recap in the present perfect ("X has denied P") is no new
         * denial; "X denied on Tuesday", in new words, is */
        for (i = 0; i < n; i++) {
                const struct cand *c = cands[i];

                if (is_same_article(art, c) || !says_not(&c->st) ||
                    !same_speaker(st, &c->st))
                        continue;
                if (st->background || same_text(st, &c->st))
                        return 0;
                prev = c;
        }
        for (i = 0; i < n && !best; i++) {
                const struct cand *c = cands[i];

                if (says_not(&c->st) || !can_alert(&c->st) || same_speaker(st, &c->st) ||
                    !same_things(st, c))
                        continue;
                if (st->claimant.id[0] && strcmp(st->claimant.id, c->st.speaker.id) != 0)
                        continue;
                best = c;
        }
        base = st->stance == STANCE_DENY ? 0.95 : 0.85;
        if (best)
                return emit(mc, art, st, seq, best, ALERT_DENIAL, "negation",
                            confidence(st, best, base), now_ms, out);
        if (st->stance == STANCE_DENY && st->cue && strcmp(st->cue, "deny") == 0 &&
            !st->claimant.id[0] && !prev) {
                /* "X denied that P" reports the claim P itself */
                struct cand self;
                int rc;

                memset(&self, 0, sizeof(self));
                self.st = *st;
                self.st.stance = STANCE_REPORT;
                self.st.negated = 0;
                self.seq = seq;
                self.published_ms = art->published_ms;
                if (!(self.article = article_ref_json(art)))
                        return -1;
                rc = emit(mc, art, st, seq, &self, ALERT_DENIAL, "negation",
                          confidence(st, &self, 0.8), now_ms, out);
                json_decref(self.article);
                return rc;
        }
        return 0;
}

/* Whether an earlier article after the denial d already carried st's
 * speaker saying P as a fact: the reversal is old news, not a new alert. */
static int restated(const struct cand *const *cands, size_t n, const struct article *art,
                    const struct stmt *st, const struct cand *d)
{
        size_t i;

        for (i = 0; i < n; i++) {
                const struct cand *c = cands[i];

                if (c == d || is_same_article(art, c) ||
                    c->published_ms < d->published_ms || says_not(&c->st) ||
                    !is_factual(&c->st) || !same_speaker(st, &c->st))
                        continue;
                return 1;
        }
        return 0;
}

/* The contradiction of st, if any, against earlier articles. */
static int match_contradiction(const struct match_conf *mc, const struct article *art,
                               const struct stmt *st, int seq,
                               const struct cand *const *cands, size_t n, int64_t now_ms,
                               struct alert_list *out)
{
        int sn = says_not(st);
        size_t i;

        if (!is_complete(st))
                return 0;
        for (i = 0; i < n; i++) {
                const struct cand *c = cands[i];
                const char *sub;

                if (is_same_article(art, c) || !can_alert(&c->st) || !same_things(st, c))
                        continue;
                if (!sn && says_not(&c->st) && is_factual(st)) {
                        if (restated(cands, n, art, st, c))
                                return 0;
                        if (same_speaker(st, &c->st))
                                sub = "self_reversal";
                        else if ((st->cue && strcmp(st->cue, "antonym") == 0) ||
                                 (c->st.cue && strcmp(c->st.cue, "antonym") == 0))
                                sub = "antonym";
                        else
                                sub = "negation";
                        return emit(mc, art, st, seq, c, ALERT_CONTRADICTION, sub,
                                    confidence(st, c, 0.9), now_ms, out);
                }
                if (sn && !says_not(&c->st) && same_speaker(st, &c->st) &&
                    c->st.modality == MOD_FACT)
                        return emit(mc, art, st, seq, c, ALERT_CONTRADICTION,
                                    "self_reversal", confidence(st, c, 0.85), now_ms,
                                    out);
        }
        return 0;
}

static int match_numeric(const struct match_conf *mc, const struct article *art,
                         const struct stmt *st, int seq, const struct cand *const *cands,
                         size_t n, int64_t now_ms, struct alert_list *out)
{
        size_t i;

        if (!st->prop.qty.has || says_not(st))
                return 0;
        for (i = 0; i < n; i++) {
                const struct cand *c = cands[i];
                int64_t dt = art->published_ms - c->published_ms;

                if (is_same_article(art, c) || says_not(&c->st) ||
                    same_speaker(st, &c->st) || !c->st.prop.qty.has ||
                    dt > NUMERIC_WINDOW_MS || dt < -NUMERIC_WINDOW_MS)
                        continue;
                if (qty_conflict(&st->prop.qty, &c->st.prop.qty))
                        return emit(mc, art, st, seq, c, ALERT_CONTRADICTION, "numeric",
                                    confidence(st, c, 0.85), now_ms, out);
        }
        return 0;
}

static int synonym(const void *lx, const char *a, const char *b)
{
        return lexicon_synonym(lx, a, b);
}

/* Claim-level propositions (headline-only items, frame "claim"): a
 * headline that denies shares at least CLAIM_OVERLAP content words with
 * the earliest headline that asserted the claim. Denials only. */
static int match_claim(const struct match_conf *mc, const struct article *art,
                       const struct stmt *st, int seq, const struct cand *const *cands,
                       size_t n, int64_t now_ms, struct alert_list *out)
{
        size_t i;

        if (!says_not(st))
                return 0;
        for (i = 0; i < n; i++) {
                const struct cand *c = cands[i];
                int ov;

                /* the speaker is no bar: a headline's claim is about its
                 * subject ("X tweeted ..."), and "X's manager says it was
                 * a hoax" resolves to X as well */
                if (says_not(&c->st) || !can_alert(&c->st) || is_same_article(art, c) ||
                    !c->st.text || !st->text)
                        continue;
                /* the shared key word is a name: one word is enough */
                ov = text_overlap_syn(st->text, c->st.text, synonym, mc->lx);
                if (ov < (strcmp(st->prop.theme, "name") == 0 ? 1 : CLAIM_OVERLAP))
                        continue;
                if (text_shares_negation(st->text, c->st.text))
                        return 0; /* the negation is part of the topic */
                /* a bare negation denies the claim only when it bears on
                 * the claim's own words: "X was not arrested" against "X
                 * arrested", not "X not missing" against "X hurt" */
                if (st->cue && strcmp(st->cue, "negation") == 0 &&
                    !text_negation_on(st->text, c->st.text))
                        continue;
                /* "X is safe" denies only a claim of harm, "X is alive"
                 * only a claim of death */
                if (st->cue &&
                    (strcmp(st->cue, "wellbeing") == 0 ||
                     strcmp(st->cue, "alive") == 0) &&
                    !text_mentions_harm(c->st.text, strcmp(st->cue, "alive") == 0))
                        continue;
                return emit(mc, art, st, seq, c, ALERT_DENIAL, "negation",
                            confidence(st, c, ov >= 3 ? 0.8 : 0.7), now_ms, out);
        }
        return 0;
}

int match_may_alert(const struct stmt *st)
{
        return can_alert(st) && (strcmp(st->prop.frame, "claim") == 0 ||
                                 is_complete(st) || st->prop.qty.has);
}

int match_stmt_ptrs(const struct match_conf *mc, const struct article *art,
                    const struct stmt *st, int seq, const struct cand *const *cands,
                    size_t n, int64_t now_ms, struct alert_list *out)
{
        int rc;

        if (!can_alert(st))
                return 0;
        if (strcmp(st->prop.frame, "claim") == 0)
                return match_claim(mc, art, st, seq, cands, n, now_ms, out);
        if (says_not(st)) {
                rc = match_contradiction(mc, art, st, seq, cands, n, now_ms, out);
                if (rc != 0)
                        return rc;
                return match_denial(mc, art, st, seq, cands, n, now_ms, out);
        }
        rc = match_contradiction(mc, art, st, seq, cands, n, now_ms, out);
        if (rc != 0)
                return rc;
        return match_numeric(mc, art, st, seq, cands, n, now_ms, out);
}

int match_stmt(const struct match_conf *mc, const struct article *art,
               const struct stmt *st, int seq, const struct cand *cands, size_t n,
               int64_t now_ms, struct alert_list *out)
{
        const struct cand **pv = malloc((n ? n : 1) * sizeof(*pv));
        size_t i;
        int rc;

        if (!pv)
                return -1;
        for (i = 0; i < n; i++)
                pv[i] = &cands[i];
        rc = match_stmt_ptrs(mc, art, st, seq, pv, n, now_ms, out);
        free(pv);
        return rc;
}
