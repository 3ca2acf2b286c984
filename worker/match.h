/* match.h - deciding alerts: a new statement against the candidate
 * statements of the same proposition (DESIGN.md, "match").  Pure. */
#ifndef CW_MATCH_H
#define CW_MATCH_H

#include "alert.h"
#include "article.h"
#include "lexicon.h"
#include "stmt.h"

struct match_conf {
        double review_threshold; /* confidence for level "review" */
        double alert_threshold;  /* confidence for level "alert" */
        /* WordNet synonyms for the word overlap of claim-level
         * statements (boob, breast); NULL: exact words only */
        const struct lexicon *lx;
};

/* Compares statement st (index seq of art) with cands[0..n), the
 * statements of the same proposition key: those of earlier articles,
 * oldest first, then the other statements of art itself (before or after
 * st: an article may deny a claim it reports further down).  Appends at
 * most one alert per conflicting proposition to out; `against` is the
 * earliest conflicting statement, or when only art itself holds the claim,
 * art.
 * Returns the number of alerts added, or -1 when out of memory. */
int match_stmt(const struct match_conf *mc, const struct article *art,
               const struct stmt *st, int seq, const struct cand *cands, size_t n,
               int64_t now_ms, struct alert_list *out);

/* Whether st can raise any alert at all (match_stmt returns 0 otherwise,
 * whatever the candidates): not a question or hypothetical, and a claim,
 * a complete proposition or a quantity.  Lets a caller skip gathering
 * candidates. */
int match_may_alert(const struct stmt *st);

/* The same over pointers to the candidates, so a caller that holds them
 * elsewhere (the store, the batch) need not copy them. */
int match_stmt_ptrs(const struct match_conf *mc, const struct article *art,
                    const struct stmt *st, int seq, const struct cand *const *cands,
                    size_t n, int64_t now_ms, struct alert_list *out);

#endif
