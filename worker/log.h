/* log.h - one family of log macros for the whole worker.
 *
 * Lines go to stderr, as JSON objects (the default, for log collectors) or
 * as plain text for terminals.  The macros test the level before any
 * formatting happens, so a disabled debug line costs one comparison.
 * The context argument names where the line comes from ("kafka",
 * "sink slack", "news.articles [3] @42"); it may be NULL. */
#ifndef CW_LOG_H
#define CW_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };
enum log_format { LOG_FORMAT_JSON = 0, LOG_FORMAT_TEXT = 1 };

/* The current threshold: lines above it are dropped. */
extern int log_threshold;

/* Sets level and format. Returns 0, or -1 when a name is unknown. */
int log_setup(const char *level, const char *format);

/* Formats and writes one line; use the macros below instead. */
void log_write(enum log_level lvl, const char *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define LOG_AT(lvl, ctx, ...)                                                            \
        do {                                                                             \
                if ((int)(lvl) <= log_threshold)                                         \
                        log_write((lvl), (ctx), __VA_ARGS__);                            \
        } while (0)
#define log_error(ctx, ...) LOG_AT(LOG_ERROR, ctx, __VA_ARGS__)
#define log_warn(ctx, ...)  LOG_AT(LOG_WARN, ctx, __VA_ARGS__)
#define log_info(ctx, ...)  LOG_AT(LOG_INFO, ctx, __VA_ARGS__)
#define log_debug(ctx, ...) LOG_AT(LOG_DEBUG, ctx, __VA_ARGS__)

#endif
