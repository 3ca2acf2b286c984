/* log.c - JSON or text log lines on stderr (see log.h). */
#include "log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

int log_threshold = LOG_INFO;
static enum log_format log_fmt = LOG_FORMAT_JSON;

static const char *level_names[] = {"error", "warn", "info", "debug"};

int log_setup(const char *level, const char *format)
{
        int i, found = 0;

        if (level) {
                for (i = 0; i < 4; i++) {
                        if (strcmp(level, level_names[i]) == 0) {
                                log_threshold = i;
                                found = 1;
                        }
                }
                if (!found)
                        return -1;
        }
        if (format) {
                if (strcmp(format, "json") == 0)
                        log_fmt = LOG_FORMAT_JSON;
                else if (strcmp(format, "text") == 0)
                        log_fmt = LOG_FORMAT_TEXT;
                else
                        return -1;
        }
        return 0;
}

void log_write(enum log_level lvl, const char *ctx, const char *fmt, ...)
{
        char msg[2048], stamp[96];
        struct timespec ts;
        struct tm tm;
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                 tm.tm_sec, (int)(ts.tv_nsec / 1000000));

        if (log_fmt == LOG_FORMAT_TEXT) {
                fprintf(stderr, "%s %-5s %s%s%s\n", stamp, level_names[lvl],
                        ctx ? ctx : "", ctx ? ": " : "", msg);
        } else {
                /* jansson escapes the message, so article text in a log
                 * line cannot forge another line or field. */
                json_t *o = json_pack("{s:s, s:s, s:s}", "time", stamp, "level",
                                      level_names[lvl], "msg", msg);
                char *line;

                if (o && ctx)
                        json_object_set_new(o, "ctx", json_string(ctx));
                line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
                if (line)
                        fprintf(stderr, "%s\n", line);
                else /* not UTF-8: say so rather than drop the line */
                        fprintf(stderr,
                                "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":"
                                "\"(log message was not valid UTF-8)\"}\n",
                                stamp, level_names[lvl]);
                free(line);
                json_decref(o);
        }
}
