/* test_notify.c - the life of a notifier's pending marker: never shorter
 * than one post with all its retries, so a slow delivery keeps its claim
 * and no second notifier posts the same alert meanwhile. */
#include "notify.h"

#include <string.h>

#include "check.h"
#include "config.h"

int main(void)
{
        struct config cfg;
        char err[256];

        CHECK(config_init(&cfg) == 0);
        /* defaults: 240 s of retries outlast the 30 s marker */
        CHECK(notify_pending_ttl_ms(&cfg) ==
              cfg.http_retry_for_ms + 2 * cfg.http_timeout_ms + cfg.slack_interval_ms);
        CHECK(notify_pending_ttl_ms(&cfg) > cfg.notify_pending_ms);
        /* a longer marker than any post is kept as set */
        CHECK(config_set(&cfg, "notify_pending_ms", "3600000", err, sizeof(err)) == 0);
        CHECK(notify_pending_ttl_ms(&cfg) == 3600000);
        /* no retries: the marker covers the request and the pacing */
        CHECK(config_set(&cfg, "notify_pending_ms", "1000", err, sizeof(err)) == 0);
        CHECK(config_set(&cfg, "http_retry_for_ms", "0", err, sizeof(err)) == 0);
        CHECK(notify_pending_ttl_ms(&cfg) ==
              2 * cfg.http_timeout_ms + cfg.slack_interval_ms);
        config_clear(&cfg);
        return check_done("test_notify");
}
