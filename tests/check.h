/* check.h - the tiny assertion kit our CTest executables share.
 * A failed CHECK prints file:line and the expression and counts a failure;
 * check_done() prints "N passed, N failed" and gives the exit code. */
#ifndef CW_CHECK_H
#define CW_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_pass, check_fail;

#define CHECK(expr)                                                                      \
        do {                                                                             \
                if (expr) {                                                              \
                        check_pass++;                                                    \
                } else {                                                                 \
                        check_fail++;                                                    \
                        fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                                #expr);                                                  \
                }                                                                        \
        } while (0)

#define CHECK_STR(a, b)                                                                  \
        do {                                                                             \
                const char *a_ = (a), *b_ = (b);                                         \
                if (a_ && b_ && strcmp(a_, b_) == 0) {                                   \
                        check_pass++;                                                    \
                } else {                                                                 \
                        check_fail++;                                                    \
                        fprintf(stderr, "%s:%d: %s == \"%s\", want \"%s\"\n", __FILE__,  \
                                __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");   \
                }                                                                        \
        } while (0)

static inline int check_done(const char *name)
{
        printf("%s: %d passed, %d failed\n", name, check_pass, check_fail);
        return check_fail ? 1 : 0;
}

#endif
