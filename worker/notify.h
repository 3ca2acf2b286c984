/* notify.h - `claimwatch notify`: delivers the alerts topic to Slack and
 * webhooks (DESIGN.md, "Sinks"), apart from the article worker so a slow
 * or failing receiver never stalls article consumption.
 *
 * It consumes cfg->alerts_topic as its own consumer group
 * (cfg->notify_group, default "<group>.notify") and, per batch, runs one
 * thread per HTTP sink.  Each (sink, alert) goes through two Redis
 * markers:
 *   pending  <ns>claim:notify:<sink>:{<alert id>}, SET NX with a TTL of
 *            notify_pending_ttl_ms(): one deliverer at a time;
 *   done     <ns>done:{notify/<sink>/<alert id>}, with the store's TTL:
 *            set after the receiver answered 2xx (or after the alert was
 *            parked in the dead-letter topic).
 * A redelivered alert whose marker is done is skipped; one whose pending
 * marker is held waits until it is released by expiry (the holder
 * crashed) or turns done.  An alert refused for good (4xx other than 408
 * and 429) or still failing after http_retry_for_ms goes to
 * cfg->alerts_dlq_topic with headers "sink", "error" (reason code) and
 * "error_message".  A batch's offsets are stored only when every sink
 * delivered or parked each of its alerts.
 *
 * The window that remains: a crash after the receiver accepted a post
 * and before the done marker was written (one Redis round trip, or the
 * receiver's own slowness) posts that alert again after restart, with
 * the same webhook-id so a Standard Webhooks receiver can drop it; Slack
 * has no such id and would show it twice. */
#ifndef CW_NOTIFY_H
#define CW_NOTIFY_H

#include <signal.h>
#include <stdint.h>
#include <stddef.h>

#include "config.h"

/* Runs until *running is 0 (SIGTERM): finishes or abandons the batch in
 * hand (abandoned alerts are redelivered), commits, leaves the group.
 * Returns 0; -2 with a message for a configuration error (a bad "sinks"
 * entry, no Slack or webhook sink); -1 when Kafka or Redis cannot be set
 * up. */
/* The life of a pending marker: notify_pending_ms, but never shorter than
 * one post with all its retries (http_retry_for_ms + 2 x http_timeout_ms +
 * slack_interval_ms), so a slow delivery keeps its claim and no second
 * notifier posts the same alert meanwhile. */
int64_t notify_pending_ttl_ms(const struct config *cfg);

int notify_run(const struct config *cfg, volatile sig_atomic_t *running, char *errstr,
               size_t errstr_size);

#endif
