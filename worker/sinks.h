/* sinks.h - the configured alert sinks (DESIGN.md, "Sinks"): Slack
 * incoming webhooks (sink_slack.c), Standard Webhooks (sink_webhook.c),
 * both over sink_http.c, plus the Kafka and file sinks of sink.h, opened
 * from the config file's "sinks" array and the single-sink environment
 * settings (CLAIMWATCH_SLACK_WEBHOOK_URL, CLAIMWATCH_WEBHOOK_URL +
 * CLAIMWATCH_WEBHOOK_SECRET).
 *
 * A sink entry in the config file:
 *   {"type": "slack" | "webhook" | "kafka" | "file",
 *    "name": "desk-korea",              letters, digits, '.', '_', '-'
 *    "url": "https://..." | "url_file": PATH,          slack, webhook
 *    "secret": "whsec_..." | "secrets": [...] | "secret_file": PATH,
 *                                       webhook; several for rotation
 *    "level": "alert" | "review",       the lowest level it takes
 *    "entities": ["KP", "KR"],          optional: only alerts about them
 *    "path": "alerts.jsonl",            file ("-" for stdout)
 *    "topic": "..."}                    kafka (default alerts_topic)
 *
 * Slack and webhook publish() post synchronously: they return once the
 * alert is delivered, refused for good, or retried for http_retry_for_ms
 * (then sinks_failed_for_good() says so), or stopped (see
 * sinks_set_running).  URLs and secrets are never logged: only the host. */
#ifndef CW_SINKS_H
#define CW_SINKS_H

#include <signal.h>
#include <stddef.h>

#include "config.h"
#include "sink.h"

#define SINK_NAME_MAX 48 /* characters of a sink's name */

/* What sink_slack_new and sink_webhook_new need. Strings are copied. */
struct sink_conf {
        const char *name;           /* the sink's name: dedup channel, logs */
        const char *url;            /* http:// or https:// (secret) */
        const char *const *secrets; /* webhook: whsec_<base64>, n_secrets */
        size_t n_secrets;
        enum alert_level level;         /* alerts below it are not published */
        int timeout_ms;                 /* one request */
        int backoff_ms, backoff_max_ms; /* retry delays, doubling, jittered */
        int retry_for_ms;               /* retry budget of one alert */
        int interval_ms;                /* least time between two posts */
};

/* Fills sc's numbers from the settings (http_*, slack_interval_ms for
 * kind "slack", 0 otherwise); leaves name, url and secrets alone. */
void sink_conf_defaults(struct sink_conf *sc, const struct config *cfg, const char *kind);

/* A Slack incoming-webhook sink: one Block Kit message per alert.
 * Returns NULL with a message (never the URL) on a bad configuration. */
struct sink *sink_slack_new(const struct sink_conf *sc, char *errstr, size_t errstr_size);

/* The Block Kit message for alert a, as JSON text (caller frees), or NULL
 * when out of memory.  Article text is escaped (& < >) and sent as
 * verbatim mrkdwn, so it cannot mention anyone or make a link; header
 * text stays within 150 and section text within 3000 UTF-16 units, cut
 * on character boundaries. */
char *sink_slack_payload(const struct alert *a);

/* A Standard Webhooks sink: POST of the alert JSON with webhook-id
 * (= alert_id), webhook-timestamp and webhook-signature.  Needs at least
 * one secret. Returns NULL with a message (never a secret). */
struct sink *sink_webhook_new(const struct sink_conf *sc, char *errstr,
                              size_t errstr_size);

/* Writes the webhook-signature header value for one request into out:
 * "v1,<base64 HMAC-SHA256(key, id.ts.body)>" for each secret, space
 * separated, where key is the base64-decoded part after "whsec_".
 * Returns 0, or -1 when a secret is malformed or out is too small. */
int sink_webhook_sign(const char *const *secrets, size_t n_secrets, const char *id,
                      const char *ts, const char *body, size_t len, char *out,
                      size_t out_size);

/* Opens every configured sink (the "sinks" array, then the environment
 * singles "slack" and "webhook") into a new array *out of *n sinks.
 * Returns 0 (also with no sinks), or -1 with a message naming the entry
 * and key; nothing stays open on failure. */
int sinks_open(const struct config *cfg, struct sink ***out, size_t *n, char *errstr,
               size_t errstr_size);

/* Frees the sinks and the array; accepts NULL. */
void sinks_close(struct sink **v, size_t n);

/* 1 when sk takes alert a (level and entity routing), else 0. */
int sinks_wants(const struct sink *sk, const struct alert *a);

/* The sink under an entity-routing wrapper (or sk itself). */
struct sink *sinks_inner(struct sink *sk);

/* 1 for Slack and webhook sinks (HTTP, delivered by `claimwatch notify`). */
int sinks_is_http(const struct sink *sk);

/* After publish() returned -1 on an HTTP sink: 1 when the alert cannot
 * be delivered (a permanent HTTP error, or retries ran out), so it
 * belongs in the dead-letter topic; 0 when it may succeed later (we were
 * stopped).  *reason gets a short code ("http_400", "retries_exhausted",
 * ...). */
int sinks_failed_for_good(const struct sink *sk, const char **reason);

/* HTTP sinks stop waiting and retrying once *running is 0. */
void sinks_set_running(struct sink **v, size_t n, volatile sig_atomic_t *running);

#endif
