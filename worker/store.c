/* store.c - what every statement cache shares: freeing a store through
 * its operations table and releasing a lookup's results (store.h). */
#include "store.h"

#include <stdlib.h>

void store_free(struct store *s)
{
        if (!s)
                return;
        s->ops->destroy(s);
}

void store_query_clear(struct store_query *q)
{
        size_t i;

        if (!q)
                return;
        if (q->recs) {
                for (i = 0; i < q->n_keys; i++)
                        json_decref(q->recs[i]);
        }
        if (q->cands) {
                for (i = 0; i < q->n_keys; i++)
                        free(q->cands[i].v);
        }
        free(q->cands);
        free(q->recs);
        free(q->done);
        q->cands = NULL;
        q->recs = NULL;
        q->done = NULL;
}
