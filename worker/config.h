/* config.h - every setting in one table (STYLE.md 11): name, type, field,
 * default, bounds, help.  The same table drives the JSON config file, the
 * CLAIMWATCH_<NAME> environment variables, the command-line flags,
 * validation and --help.  Precedence: defaults < file < env < flags.
 *
 * Keys "kafka.<property>" in the file (or CLAIMWATCH_KAFKA_<PROPERTY>,
 * dots as underscores) pass through to librdkafka unchanged. */
#ifndef CW_CONFIG_H
#define CW_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_t; /* jansson */

struct config {
        char *brokers;
        char *redis_url;
        char *ns; /* Redis key prefix, "cw:" */
        char *group;
        char *topic;
        char *alerts_topic;
        char *dlq_topic;
        char *alerts_dlq_topic;
        char *slack_webhook_url;
        char *webhook_url;
        char *webhook_secret;
        char *admin; /* HOST:PORT of /metrics, /healthz, /readyz */
        char *log_level;
        char *log_format;
        char *lexicon_dir;
        int64_t ttl_days;
        int64_t batch_size;
        int64_t batch_timeout_ms;
        int64_t max_article_bytes;
        int64_t max_sentences;
        int64_t max_statements;
        int64_t max_candidates; /* newest earlier statements read per key */
        int64_t redis_timeout_ms;
        int64_t redis_cluster; /* 1: no MULTI/EXEC, for a cluster-aware proxy */
        int64_t delivery_timeout_ms;
        double review_threshold;
        double alert_threshold;
        /* alert delivery (notify.c, sink_http.c) */
        char *notify_group;          /* "": group + ".notify" */
        int64_t http_timeout_ms;     /* one HTTP request */
        int64_t http_backoff_ms;     /* first retry delay */
        int64_t http_backoff_max_ms; /* cap of the retry delay */
        int64_t http_retry_for_ms;   /* give up (DLQ) after retrying this long */
        int64_t slack_interval_ms;   /* least time between two Slack posts */
        int64_t notify_pending_ms;   /* life of an in-flight delivery marker */
        /* the config file's "sinks" array, a deep copy validated by
         * sinks_open() (sinks.h); NULL when the file has none */
        struct json_t *sinks;
        /* kafka.* pass-through, name/value pairs in order of precedence */
        char **kafka_props;
        size_t n_kafka_props;
};

enum config_type { CONF_STRING, CONF_INT, CONF_DOUBLE };

/* One row of the settings table. */
struct config_def {
        const char *name; /* file key and flag name ("alerts_topic" -> --alerts-topic) */
        enum config_type type;
        size_t offset;   /* offsetof(struct config, field) */
        const char *def; /* default, as text; NULL for none */
        double min, max; /* bounds for numbers */
        int secret;      /* never logged or printed */
        const char *help;
};

/* The table, terminated by a row with name NULL. */
extern const struct config_def config_defs[];

/* Fills cfg with the defaults. Returns 0 or -1 (out of memory). */
int config_init(struct config *cfg);

/* Applies a JSON config file. Returns 0, or -1 with a message naming the
 * file and the bad key. */
int config_load_file(struct config *cfg, const char *path, char *errstr,
                     size_t errstr_size);

/* Applies CLAIMWATCH_* variables from envp (NULL: the process
 * environment). Returns 0, or -1 naming the bad variable. */
int config_load_env(struct config *cfg, char **envp, char *errstr, size_t errstr_size);

/* Sets one setting by name (flags, tests). "kafka.x" names pass through.
 * Returns 0, or -1 naming the setting and the bad value. */
int config_set(struct config *cfg, const char *name, const char *value, char *errstr,
               size_t errstr_size);

/* Checks cross-setting rules (thresholds ordered, secret form).
 * Returns 0 or -1 with a message. */
int config_validate(const struct config *cfg, char *errstr, size_t errstr_size);

/* Finds the table row for a flag or file name ("alerts-topic" or
 * "alerts_topic"), or NULL. */
const struct config_def *config_find(const char *name);

/* Prints the settings (name, env, default, help) for --help. */
void config_print_help(FILE *fp);

/* Reads a secret from a file (at most 64 KiB), trailing newlines trimmed.
 * Returns a new string, or NULL with a message that names what and path,
 * never the content. */
char *config_read_secret(const char *what, const char *path, char *errstr,
                         size_t errstr_size);

/* Frees the strings cfg owns; accepts a zeroed cfg. */
void config_clear(struct config *cfg);

#endif
