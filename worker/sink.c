/* sink.c - what every sink shares: the level filter and freeing. */
#include "sink.h"

int sink_publish(struct sink *sk, const struct alert *a, char *errstr, size_t errstr_size)
{
        if (a->level < sk->min_level)
                return 0;
        return sk->ops->publish(sk, a, errstr, errstr_size);
}

void sink_free(struct sink *sk)
{
        if (sk)
                sk->ops->destroy(sk);
}
