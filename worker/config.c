/* config.c - the settings table and the four ways to fill it: defaults,
 * the JSON config file, CLAIMWATCH_* environment variables and flags
 * (see config.h).  Every layer goes through set_value(), so parsing and
 * bounds are checked the same way whatever the source.
 *
 * Conventions:
 * - after config_init() every string field is non-NULL; "" means unset
 *   (no admin listener, no Slack, lexicon_dir "" = lexicon_default_dir());
 * - kafka_props is a flat array of pairs: kafka_props[2*i] is the
 *   librdkafka property name, kafka_props[2*i + 1] its value, for i below
 *   n_kafka_props.  Setting a property again replaces its value, so the
 *   last layer wins;
 * - secret settings (secret = 1) may be read from a file: key
 *   "<name>_file" in the config file, CLAIMWATCH_<NAME>_FILE in the
 *   environment, config_set("<name>_file", path).  The file's trailing
 *   newline is trimmed.  The same works for kafka.* properties
 *   ("kafka.sasl.password_file", CLAIMWATCH_KAFKA_SASL_PASSWORD_FILE);
 * - secret values never appear in error messages or --help;
 * - unknown CLAIMWATCH_* variables are logged as warnings, not errors:
 *   environments carry leftovers, and failing a deploy over one helps no
 *   one.  CLAIMWATCH_BIN (used by tools and scripts) is ignored
 *   silently. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define ENV_PREFIX       "CLAIMWATCH_"
#define ENV_KAFKA_PREFIX "CLAIMWATCH_KAFKA_"
#define SECRET_FILE_MAX  (64 * 1024)

#define STR(field, def, secret, help)                                                    \
        {                                                                                \
#field, CONF_STRING, offsetof(struct config, field), def, 0, 0, secret,  \
                    help                                                                 \
        }
#define INT(field, def, min, max, help)                                                  \
        {                                                                                \
#field, CONF_INT, offsetof(struct config, field), def, min, max, 0, help \
        }
#define DBL(field, def, min, max, help)                                                  \
        {                                                                                \
#field, CONF_DOUBLE, offsetof(struct config, field), def, min, max, 0,   \
                    help                                                                 \
        }

const struct config_def config_defs[] = {
    STR(brokers, "localhost:9092", 0, "Kafka bootstrap servers, HOST:PORT[,...]"),
    STR(redis_url, "redis://127.0.0.1:6379/0", 1,
        "Redis URL of the statement store: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] "
        "or unix:/PATH (secret: it may hold a password; default "
        "redis://127.0.0.1:6379/0)"),
    {"namespace", CONF_STRING, offsetof(struct config, ns), "cw:", 0, 0, 0,
     "prefix of every Redis key"},
    STR(group, "claimwatch", 0, "Kafka consumer group"),
    STR(topic, "news.articles", 0, "topic the articles are read from"),
    STR(alerts_topic, "news.factcheck.alerts", 0, "topic alerts are published to"),
    STR(dlq_topic, "news.articles.dlq", 0,
        "dead-letter topic for articles that cannot be parsed"),
    STR(alerts_dlq_topic, "news.factcheck.alerts.dlq", 0,
        "dead-letter topic for alerts a webhook refused for good"),
    STR(slack_webhook_url, "", 1, "Slack incoming-webhook URL; empty: no Slack"),
    STR(webhook_url, "", 1, "generic webhook URL (Standard Webhooks); empty: none"),
    STR(webhook_secret, "", 1, "webhook signing secret, whsec_<base64>"),
    STR(admin, "", 0, "HOST:PORT for /metrics, /healthz, /readyz; empty: off"),
    STR(log_level, "info", 0, "error, warn, info or debug"),
    STR(log_format, "json", 0, "json or text"),
    STR(lexicon_dir, "", 0, "lexicon directory; empty: the built-in default"),
    INT(ttl_days, "180", 1, 3650, "days statements and markers stay in Redis"),
    INT(batch_size, "100", 1, 10000, "articles consumed per batch"),
    INT(batch_timeout_ms, "200", 1, 60000, "longest wait to fill a batch"),
    INT(max_article_bytes, "1048576", 1024, 67108864,
        "largest article accepted; larger ones go to the DLQ"),
    INT(max_sentences, "2000", 1, 1000000, "sentences analyzed per article"),
    INT(max_statements, "500", 1, 100000, "statements kept per article"),
    INT(max_candidates, "16", 2, 10000,
        "earlier statements compared per proposition key: all of them, or when a "
        "key holds more, the oldest half and the newest half"),
    INT(redis_timeout_ms, "2000", 1, 600000, "Redis connect and command timeout"),
    INT(redis_cluster, "0", 0, 1,
        "1: send writes as a plain pipeline, without MULTI/EXEC, so a cluster-aware "
        "proxy can route them by slot (the writes are idempotent)"),
    INT(delivery_timeout_ms, "30000", 1, 3600000,
        "how long a sink may take to deliver a batch of alerts"),
    DBL(review_threshold, "0.5", 0, 1, "confidence from which an alert is for review"),
    DBL(alert_threshold, "0.7", 0, 1, "confidence from which an alert is pushed (Slack)"),
    STR(notify_group, "", 0,
        "consumer group of `claimwatch notify`; empty: GROUP.notify"),
    INT(http_timeout_ms, "10000", 100, 600000, "timeout of one Slack or webhook request"),
    INT(http_backoff_ms, "500", 1, 600000,
        "first retry delay of a Slack or webhook post"),
    INT(http_backoff_max_ms, "30000", 1, 3600000,
        "longest retry delay (jittered, doubling)"),
    INT(http_retry_for_ms, "240000", 0, 86400000,
        "retry a failing post this long, then park the alert in alerts_dlq_topic"),
    INT(slack_interval_ms, "1000", 0, 60000,
        "least time between two posts to one Slack webhook"),
    INT(notify_pending_ms, "30000", 1000, 3600000,
        "life of an in-flight delivery marker, at least http_retry_for_ms + "
        "2 x http_timeout_ms + slack_interval_ms: after a crash, the wait before a "
        "retry"),
    {NULL, CONF_STRING, 0, NULL, 0, 0, 0, NULL},
};

static const char *const env_ignored[] = {"CLAIMWATCH_BIN", NULL};

static char **str_field(struct config *cfg, const struct config_def *d)
{
        return (char **)((char *)cfg + d->offset);
}

static int64_t *int_field(struct config *cfg, const struct config_def *d)
{
        return (int64_t *)((char *)cfg + d->offset);
}

static double *dbl_field(struct config *cfg, const struct config_def *d)
{
        return (double *)((char *)cfg + d->offset);
}

/* Compares a name with '-' and '_' treated alike. */
static int name_eq(const char *a, const char *b, size_t n)
{
        size_t i;

        for (i = 0; i < n; i++) {
                char ca = a[i] == '-' ? '_' : a[i];
                char cb = b[i] == '-' ? '_' : b[i];

                if (ca != cb || ca == '\0')
                        return 0;
        }
        return 1;
}

static const struct config_def *find_n(const char *name, size_t n)
{
        const struct config_def *d;

        for (d = config_defs; d->name; d++) {
                if (strlen(d->name) == n && name_eq(d->name, name, n))
                        return d;
        }
        return NULL;
}

const struct config_def *config_find(const char *name)
{
        return name ? find_n(name, strlen(name)) : NULL;
}

/* The secret setting whose "<name>_file" form this is, or NULL. */
static const struct config_def *find_secret_file(const char *name)
{
        size_t n = strlen(name);
        const struct config_def *d;

        if (n < 6 || !name_eq(name + n - 5, "_file", 5))
                return NULL;
        d = find_n(name, n - 5);
        return d && d->secret ? d : NULL;
}

static int is_kafka_name(const char *name)
{
        return strncmp(name, "kafka.", 6) == 0 && name[6] != '\0';
}

char *config_read_secret(const char *what, const char *path, char *errstr,
                         size_t errstr_size)
{
        FILE *fp = fopen(path, "rb");
        char *buf = NULL;
        size_t n;

        if (!fp) {
                snprintf(errstr, errstr_size, "%s: cannot open %s: %s", what, path,
                         strerror(errno));
                return NULL;
        }
        buf = malloc(SECRET_FILE_MAX + 1);
        if (!buf) {
                snprintf(errstr, errstr_size, "%s: out of memory", what);
                goto fail;
        }
        n = fread(buf, 1, SECRET_FILE_MAX + 1, fp);
        if (ferror(fp) || n > SECRET_FILE_MAX) {
                snprintf(errstr, errstr_size, "%s: cannot read %s: %s", what, path,
                         ferror(fp) ? strerror(errno) : "file larger than 64 KiB");
                goto fail;
        }
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
                n--;
        buf[n] = '\0';
        if (strlen(buf) != n) {
                snprintf(errstr, errstr_size, "%s: %s contains a NUL byte", what, path);
                goto fail;
        }
        fclose(fp);
        return buf;
fail:
        free(buf);
        fclose(fp);
        return NULL;
}

static int parse_int(const char *s, int64_t *out)
{
        char *end;
        long long v;

        if (!*s || isspace((unsigned char)*s))
                return -1;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno || *end)
                return -1;
        *out = v;
        return 0;
}

static int parse_double(const char *s, double *out)
{
        char *end;
        double v;

        if (!*s || isspace((unsigned char)*s))
                return -1;
        errno = 0;
        v = strtod(s, &end);
        if (errno || *end || !isfinite(v))
                return -1;
        *out = v;
        return 0;
}

static int set_string(struct config *cfg, const struct config_def *d, const char *value)
{
        char **f = str_field(cfg, d);
        char *dup = strdup(value ? value : "");

        if (!dup)
                return -1;
        free(*f);
        *f = dup;
        return 0;
}

/* Parses value for row d and stores it.  what names the source in
 * messages ("setting \"ttl_days\"", "CLAIMWATCH_TTL_DAYS"). */
static int set_value(struct config *cfg, const struct config_def *d, const char *value,
                     const char *what, char *errstr, size_t errstr_size)
{
        int64_t i;
        double x;

        switch (d->type) {
        case CONF_STRING:
                if (set_string(cfg, d, value) == 0)
                        return 0;
                snprintf(errstr, errstr_size, "%s: out of memory", what);
                return -1;
        case CONF_INT:
                if (parse_int(value, &i) < 0) {
                        snprintf(errstr, errstr_size, "%s: \"%s\" is not an integer",
                                 what, value);
                        return -1;
                }
                if ((double)i < d->min || (double)i > d->max) {
                        snprintf(errstr, errstr_size,
                                 "%s: %lld is out of bounds %.15g..%.15g", what,
                                 (long long)i, d->min, d->max);
                        return -1;
                }
                *int_field(cfg, d) = i;
                return 0;
        case CONF_DOUBLE:
                if (parse_double(value, &x) < 0) {
                        snprintf(errstr, errstr_size, "%s: \"%s\" is not a number", what,
                                 value);
                        return -1;
                }
                if (x < d->min || x > d->max) {
                        snprintf(errstr, errstr_size,
                                 "%s: %g is out of bounds %.15g..%.15g", what, x, d->min,
                                 d->max);
                        return -1;
                }
                *dbl_field(cfg, d) = x;
                return 0;
        }
        return -1;
}

/* Sets librdkafka property prop (without "kafka."), replacing an earlier
 * value so the last layer wins. */
static int set_kafka(struct config *cfg, const char *prop, const char *value)
{
        char *v = strdup(value), *n = NULL, **grown;
        size_t i;

        if (!v)
                return -1;
        for (i = 0; i < cfg->n_kafka_props; i++) {
                if (strcmp(cfg->kafka_props[2 * i], prop) == 0) {
                        free(cfg->kafka_props[2 * i + 1]);
                        cfg->kafka_props[2 * i + 1] = v;
                        return 0;
                }
        }
        n = strdup(prop);
        grown = realloc(cfg->kafka_props, (cfg->n_kafka_props + 1) * 2 * sizeof(*grown));
        if (!n || !grown) {
                free(v);
                free(n);
                return -1;
        }
        cfg->kafka_props = grown;
        grown[2 * cfg->n_kafka_props] = n;
        grown[2 * cfg->n_kafka_props + 1] = v;
        cfg->n_kafka_props++;
        return 0;
}

/* Sets "kafka.<prop>" or "kafka.<prop>_file" (value then names a file). */
static int set_kafka_named(struct config *cfg, const char *name, const char *value,
                           const char *what, char *errstr, size_t errstr_size)
{
        const char *prop = name + 6;
        size_t n = strlen(prop);
        char *secret = NULL, *p = NULL;
        int rc;

        if (n > 5 && strcmp(prop + n - 5, "_file") == 0) {
                secret = config_read_secret(what, value, errstr, errstr_size);
                p = strndup(prop, n - 5);
                if (!secret || !p) {
                        if (secret)
                                snprintf(errstr, errstr_size, "%s: out of memory", what);
                        free(secret);
                        free(p);
                        return -1;
                }
                rc = set_kafka(cfg, p, secret);
                free(p);
                free(secret);
        } else {
                rc = set_kafka(cfg, prop, value);
        }
        if (rc < 0)
                snprintf(errstr, errstr_size, "%s: out of memory", what);
        return rc;
}

/* Applies name = value, name being a setting, "<secret>_file" or
 * "kafka.<prop>[_file]".  Returns 0, -1 with a message, or 1 when the
 * name is unknown (no message). */
static int apply(struct config *cfg, const char *name, const char *value,
                 const char *what, char *errstr, size_t errstr_size)
{
        const struct config_def *d;
        char *secret;
        int rc;

        if (is_kafka_name(name))
                return set_kafka_named(cfg, name, value, what, errstr, errstr_size);
        if ((d = config_find(name)))
                return set_value(cfg, d, value, what, errstr, errstr_size);
        if (!(d = find_secret_file(name)))
                return 1;
        if (!(secret = config_read_secret(what, value, errstr, errstr_size)))
                return -1;
        rc = set_value(cfg, d, secret, what, errstr, errstr_size);
        free(secret);
        return rc;
}

int config_init(struct config *cfg)
{
        const struct config_def *d;
        char err[256];

        memset(cfg, 0, sizeof(*cfg));
        for (d = config_defs; d->name; d++) {
                if (set_value(cfg, d, d->def ? d->def : "", d->name, err, sizeof(err)) <
                    0)
                        goto fail;
        }
        return 0;
fail:
        config_clear(cfg);
        return -1;
}

int config_set(struct config *cfg, const char *name, const char *value, char *errstr,
               size_t errstr_size)
{
        char what[128];
        const struct config_def *d = config_find(name);
        int rc;

        if (!name || !value) {
                snprintf(errstr, errstr_size, "setting name and value required");
                return -1;
        }
        snprintf(what, sizeof(what), "setting \"%s\"", d ? d->name : name);
        rc = apply(cfg, name, value, what, errstr, errstr_size);
        if (rc > 0)
                snprintf(errstr, errstr_size, "unknown setting \"%s\"", name);
        return rc ? -1 : 0;
}

/* ---- the JSON file ---- */

/* A pass-through value as text: strings as they are, numbers and
 * booleans spelled out. Returns 0 or -1 for other types. */
static int json_scalar_text(const json_t *v, char *buf, size_t size, const char **out)
{
        if (json_is_string(v))
                *out = json_string_value(v);
        else if (json_is_integer(v))
                snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        else if (json_is_real(v))
                snprintf(buf, size, "%.15g", json_real_value(v));
        else if (json_is_boolean(v))
                snprintf(buf, size, "%s", json_is_true(v) ? "true" : "false");
        else
                return -1;
        if (!json_is_string(v))
                *out = buf;
        return 0;
}

static int file_kafka(struct config *cfg, const char *path, const char *key,
                      const json_t *v, char *errstr, size_t errstr_size)
{
        char what[512], num[64];
        const char *text = NULL;

        if (snprintf(what, sizeof(what), "%s: setting \"%s\"", path, key) >=
            (int)sizeof(what))
                strcpy(what + sizeof(what) - 4, "..."); /* a very long path */
        if (json_scalar_text(v, num, sizeof(num), &text) < 0) {
                snprintf(errstr, errstr_size, "%s wants a string, number or boolean",
                         what);
                return -1;
        }
        return set_kafka_named(cfg, key, text, what, errstr, errstr_size);
}

static int file_kafka_object(struct config *cfg, const char *path, const json_t *obj,
                             char *errstr, size_t errstr_size)
{
        const char *prop;
        json_t *v;
        char key[512];

        if (!json_is_object(obj)) {
                snprintf(errstr, errstr_size,
                         "%s: setting \"kafka\" wants an object of librdkafka properties",
                         path);
                return -1;
        }
        json_object_foreach((json_t *)obj, prop, v)
        {
                snprintf(key, sizeof(key), "kafka.%s", prop);
                if (!*prop || file_kafka(cfg, path, key, v, errstr, errstr_size) < 0) {
                        if (!*prop)
                                snprintf(errstr, errstr_size,
                                         "%s: empty property name in \"kafka\"", path);
                        return -1;
                }
        }
        return 0;
}

/* "sinks": an array of sink objects, kept as a deep copy; sinks_open()
 * checks the objects themselves. */
static int file_sinks(struct config *cfg, const char *path, const json_t *v, char *errstr,
                      size_t errstr_size)
{
        json_t *copy;

        if (!json_is_array(v)) {
                snprintf(errstr, errstr_size,
                         "%s: setting \"sinks\" wants an array of sink objects", path);
                return -1;
        }
        if (!(copy = json_deep_copy(v))) {
                snprintf(errstr, errstr_size, "%s: out of memory", path);
                return -1;
        }
        json_decref(cfg->sinks);
        cfg->sinks = copy;
        return 0;
}

/* Checks a file value's JSON type against row d; text gets the value. */
static int file_typed(const struct config_def *d, const json_t *v, char *buf, size_t size,
                      const char **text)
{
        switch (d->type) {
        case CONF_STRING:
                if (!json_is_string(v))
                        return -1;
                *text = json_string_value(v);
                return 0;
        case CONF_INT:
                if (!json_is_integer(v))
                        return -1;
                break;
        case CONF_DOUBLE:
                if (!json_is_number(v))
                        return -1;
                break;
        }
        return json_scalar_text(v, buf, size, text);
}

static const char *type_name(enum config_type t)
{
        return t == CONF_STRING ? "a string" : t == CONF_INT ? "an integer" : "a number";
}

static int file_key(struct config *cfg, const char *path, const char *key,
                    const json_t *v, char *errstr, size_t errstr_size)
{
        const struct config_def *d = config_find(key);
        const struct config_def *sf = d ? NULL : find_secret_file(key);
        char what[512], num[64];
        const char *text;
        int rc;

        if (strcmp(key, "kafka") == 0)
                return file_kafka_object(cfg, path, v, errstr, errstr_size);
        if (strcmp(key, "sinks") == 0)
                return file_sinks(cfg, path, v, errstr, errstr_size);
        if (is_kafka_name(key))
                return file_kafka(cfg, path, key, v, errstr, errstr_size);
        snprintf(what, sizeof(what), "%s: setting \"%s\"", path, key);
        if (!d && !sf) {
                snprintf(errstr, errstr_size, "%s: unknown setting \"%s\"", path, key);
                return -1;
        }
        if (file_typed(d ? d : sf, v, num, sizeof(num), &text) < 0) {
                snprintf(errstr, errstr_size, "%s wants %s", what,
                         sf ? "a file name" : type_name(d->type));
                return -1;
        }
        rc = apply(cfg, key, text, what, errstr, errstr_size);
        return rc ? -1 : 0;
}

/* A secret given both directly and as a file in one layer is ambiguous. */
static int both_forms(const char *a_set, const char *b_set, const char *a, const char *b,
                      const char *where, char *errstr, size_t errstr_size)
{
        if (!a_set || !b_set)
                return 0;
        snprintf(errstr, errstr_size, "%s%s and %s are both set; use one", where, a, b);
        return -1;
}

static int file_check_secrets(const json_t *root, const char *path, char *errstr,
                              size_t errstr_size)
{
        const struct config_def *d;
        char fname[128], where[512];

        snprintf(where, sizeof(where), "%s: ", path);
        for (d = config_defs; d->name; d++) {
                if (!d->secret)
                        continue;
                snprintf(fname, sizeof(fname), "%s_file", d->name);
                if (both_forms(json_object_get(root, d->name) ? "" : NULL,
                               json_object_get(root, fname) ? "" : NULL, d->name, fname,
                               where, errstr, errstr_size) < 0)
                        return -1;
        }
        return 0;
}

int config_load_file(struct config *cfg, const char *path, char *errstr,
                     size_t errstr_size)
{
        json_error_t jerr;
        json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
        const char *key;
        json_t *v;
        int rc = -1;

        if (!root) {
                if (jerr.line > 0)
                        snprintf(errstr, errstr_size, "%s: line %d column %d: %s", path,
                                 jerr.line, jerr.column, jerr.text);
                else
                        snprintf(errstr, errstr_size, "%s: %s", path, jerr.text);
                return -1;
        }
        if (!json_is_object(root)) {
                snprintf(errstr, errstr_size, "%s: not a JSON object", path);
                goto done;
        }
        if (file_check_secrets(root, path, errstr, errstr_size) < 0)
                goto done;
        json_object_foreach(root, key, v)
        {
                if (file_key(cfg, path, key, v, errstr, errstr_size) < 0)
                        goto done;
        }
        rc = 0;
done:
        json_decref(root);
        return rc;
}

/* ---- the environment ---- */

/* "alerts_topic" -> "CLAIMWATCH_ALERTS_TOPIC" */
static void env_var_name(const struct config_def *d, char *out, size_t size)
{
        size_t o = snprintf(out, size, ENV_PREFIX), i;

        for (i = 0; d->name[i] && o + 1 < size; i++, o++)
                out[o] = (char)toupper((unsigned char)d->name[i]);
        out[o] = '\0';
}

extern char **environ;

/* "SECURITY_PROTOCOL" -> "kafka.security.protocol" */
static void env_kafka_name(const char *rest, size_t n, char *out, size_t size)
{
        size_t i, o = snprintf(out, size, "kafka.");

        for (i = 0; i < n && o + 1 < size; i++, o++)
                out[o] = rest[i] == '_' ? '.' : (char)tolower((unsigned char)rest[i]);
        out[o] = '\0';
}

/* The setting name of CLAIMWATCH_<REST>: lower case, "_FILE" kept as
 * "_file"; kafka properties get dots and a "_file" suffix. */
static void env_setting_name(const char *var, size_t n, char *out, size_t size)
{
        const char *rest = var + strlen(ENV_PREFIX);
        size_t i, len = n - strlen(ENV_PREFIX);

        if (strncmp(var, ENV_KAFKA_PREFIX, strlen(ENV_KAFKA_PREFIX)) == 0) {
                const char *p = var + strlen(ENV_KAFKA_PREFIX);
                size_t pn = n - strlen(ENV_KAFKA_PREFIX);
                int file = pn > 5 && strncmp(p + pn - 5, "_FILE", 5) == 0;

                env_kafka_name(p, file ? pn - 5 : pn, out, size);
                if (file && strlen(out) + 6 < size)
                        strcat(out, "_file");
                return;
        }
        for (i = 0; i < len && i + 1 < size; i++)
                out[i] = (char)tolower((unsigned char)rest[i]);
        out[i < size ? i : size - 1] = '\0';
}

static int env_ignored_name(const char *var, size_t n)
{
        int i;

        for (i = 0; env_ignored[i]; i++) {
                if (strlen(env_ignored[i]) == n && strncmp(env_ignored[i], var, n) == 0)
                        return 1;
        }
        return 0;
}

/* The value of name in envp, or NULL. */
static const char *env_get(char **envp, const char *name)
{
        size_t n = strlen(name);

        for (; *envp; envp++) {
                if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
                        return *envp + n + 1;
        }
        return NULL;
}

static int env_check_secrets(char **envp, char *errstr, size_t errstr_size)
{
        const struct config_def *d;
        char var[128], fvar[140];

        for (d = config_defs; d->name; d++) {
                if (!d->secret)
                        continue;
                env_var_name(d, var, sizeof(var));
                snprintf(fvar, sizeof(fvar), "%s_FILE", var);
                if (both_forms(env_get(envp, var), env_get(envp, fvar), var, fvar, "",
                               errstr, errstr_size) < 0)
                        return -1;
        }
        return 0;
}

/* Our variables are upper case: CLAIMWATCH_alerts_topic is not ours. */
static int env_well_formed(const char *var, size_t n)
{
        size_t i;

        if (n <= strlen(ENV_PREFIX))
                return 0;
        for (i = 0; i < n; i++) {
                if (!isupper((unsigned char)var[i]) && !isdigit((unsigned char)var[i]) &&
                    var[i] != '_')
                        return 0;
        }
        return 1;
}

static int env_one(struct config *cfg, const char *entry, char *errstr,
                   size_t errstr_size)
{
        const char *eq = strchr(entry, '=');
        char var[256], name[256];
        size_t n;
        int rc;

        if (!eq || strncmp(entry, ENV_PREFIX, strlen(ENV_PREFIX)) != 0)
                return 0;
        n = (size_t)(eq - entry);
        if (n >= sizeof(var) || env_ignored_name(entry, n))
                return 0;
        memcpy(var, entry, n);
        var[n] = '\0';
        if (!env_well_formed(var, n)) {
                log_warn("config", "ignoring unknown variable %s", var);
                return 0;
        }
        env_setting_name(var, n, name, sizeof(name));
        rc = apply(cfg, name, eq + 1, var, errstr, errstr_size);
        if (rc > 0)
                log_warn("config", "ignoring unknown variable %s", var);
        return rc < 0 ? -1 : 0;
}

int config_load_env(struct config *cfg, char **envp, char *errstr, size_t errstr_size)
{
        char **e;

        if (!envp)
                envp = environ;
        if (!envp)
                return 0;
        if (env_check_secrets(envp, errstr, errstr_size) < 0)
                return -1;
        for (e = envp; *e; e++) {
                if (env_one(cfg, *e, errstr, errstr_size) < 0)
                        return -1;
        }
        return 0;
}

/* ---- validation ---- */

static int is_base64(const char *s)
{
        size_t n = strlen(s), i, pad = 0;

        if (n == 0 || n % 4 != 0)
                return 0;
        while (pad < 2 && n - pad > 0 && s[n - 1 - pad] == '=')
                pad++;
        for (i = 0; i < n - pad; i++) {
                if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/')
                        return 0;
        }
        return n > pad;
}

static int one_of(const char *s, const char *const *names)
{
        for (; *names; names++) {
                if (strcmp(s, *names) == 0)
                        return 1;
        }
        return 0;
}

static int valid_hostport(const char *s)
{
        const char *colon = strrchr(s, ':');
        int64_t port;

        if (!colon) /* ":9464" listens on every interface */
                return 0;
        return parse_int(colon + 1, &port) == 0 && port >= 0 && port <= 65535;
}

static int valid_url(const char *s)
{
        return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* Checks the settings each on its own (beyond the table's bounds). */
static int validate_each(const struct config *cfg, char *errstr, size_t errstr_size)
{
        static const char *const levels[] = {"error", "warn", "info", "debug", NULL};
        static const char *const formats[] = {"json", "text", NULL};
        static const char *const required[] = {"brokers", "group", "topic", NULL};
        const char *const *r;

        for (r = required; *r; r++) {
                const struct config_def *d = config_find(*r);

                if (!**str_field((struct config *)cfg, d)) {
                        snprintf(errstr, errstr_size, "%s must not be empty", *r);
                        return -1;
                }
        }
        if (!one_of(cfg->log_level, levels)) {
                snprintf(errstr, errstr_size,
                         "log_level: \"%s\" is not one of error, warn, info, debug",
                         cfg->log_level);
                return -1;
        }
        if (!one_of(cfg->log_format, formats)) {
                snprintf(errstr, errstr_size, "log_format: \"%s\" is not json or text",
                         cfg->log_format);
                return -1;
        }
        if (*cfg->admin && !valid_hostport(cfg->admin)) {
                snprintf(errstr, errstr_size, "admin: \"%s\" is not HOST:PORT",
                         cfg->admin);
                return -1;
        }
        if (*cfg->redis_url && strncmp(cfg->redis_url, "redis://", 8) != 0 &&
            strncmp(cfg->redis_url, "unix:", 5) != 0) {
                /* the URL may hold a password: never echo it */
                snprintf(errstr, errstr_size,
                         "redis_url: not a redis://[:PASSWORD@]HOST[:PORT][/DB] or "
                         "unix:/PATH URL");
                return -1;
        }
        return 0;
}

/* Checks the secret settings without ever printing them. */
static int validate_secrets(const struct config *cfg, char *errstr, size_t errstr_size)
{
        if (*cfg->slack_webhook_url && !valid_url(cfg->slack_webhook_url)) {
                snprintf(errstr, errstr_size,
                         "slack_webhook_url: not an http:// or https:// URL");
                return -1;
        }
        if (*cfg->webhook_url && !valid_url(cfg->webhook_url)) {
                snprintf(errstr, errstr_size,
                         "webhook_url: not an http:// or https:// URL");
                return -1;
        }
        if (*cfg->webhook_secret && (strncmp(cfg->webhook_secret, "whsec_", 6) != 0 ||
                                     !is_base64(cfg->webhook_secret + 6))) {
                snprintf(errstr, errstr_size,
                         "webhook_secret: not of the form whsec_<base64>");
                return -1;
        }
        if (*cfg->webhook_url && !*cfg->webhook_secret) {
                snprintf(errstr, errstr_size,
                         "webhook_url is set but webhook_secret is not (webhooks are "
                         "signed)");
                return -1;
        }
        return 0;
}

int config_validate(const struct config *cfg, char *errstr, size_t errstr_size)
{
        if (validate_each(cfg, errstr, errstr_size) < 0 ||
            validate_secrets(cfg, errstr, errstr_size) < 0)
                return -1;
        if (cfg->review_threshold > cfg->alert_threshold) {
                snprintf(errstr, errstr_size,
                         "review_threshold (%g) must not exceed alert_threshold (%g)",
                         cfg->review_threshold, cfg->alert_threshold);
                return -1;
        }
        if (strcmp(cfg->topic, cfg->alerts_topic) == 0 ||
            strcmp(cfg->topic, cfg->dlq_topic) == 0) {
                snprintf(errstr, errstr_size,
                         "topic \"%s\" must differ from alerts_topic and dlq_topic",
                         cfg->topic);
                return -1;
        }
        return 0;
}

/* ---- --help ---- */

static void help_flag(const struct config_def *d, char *out, size_t size)
{
        size_t o = snprintf(out, size, "--"), i;

        for (i = 0; d->name[i] && o + 1 < size; i++, o++)
                out[o] = d->name[i] == '_' ? '-' : d->name[i];
        out[o] = '\0';
}

void config_print_help(FILE *fp)
{
        const struct config_def *d;
        char flag[64], env[80], def[80], help[256];

        fprintf(fp, "Settings (precedence: defaults < --config file < environment < "
                    "flags):\n");
        for (d = config_defs; d->name; d++) {
                help_flag(d, flag, sizeof(flag));
                env_var_name(d, env, sizeof(env));
                if (d->secret)
                        snprintf(def, sizeof(def), "(secret)");
                else if (!d->def || !*d->def)
                        snprintf(def, sizeof(def), "\"\"");
                else
                        snprintf(def, sizeof(def), "%s", d->def);
                if (d->type != CONF_STRING)
                        snprintf(help, sizeof(help), "%s (%.15g..%.15g)", d->help, d->min,
                                 d->max);
                else if (d->secret)
                        snprintf(help, sizeof(help), "%s; or from a file: %s_FILE",
                                 d->help, env);
                else
                        snprintf(help, sizeof(help), "%s", d->help);
                fprintf(fp, "  %-22s %-32s %-26s %s\n", flag, env, def, help);
        }
        fprintf(fp, "  %-22s %-32s %-26s %s\n", "kafka.PROP (file)",
                "CLAIMWATCH_KAFKA_PROP", "",
                "librdkafka property PROP (dots as underscores in the environment)");
        fprintf(fp, "Config file keys are the names above with '_' (\"alerts_topic\"), "
                    "\"kafka\": {\"PROP\": value} or \"kafka.PROP\"; \"NAME_file\" reads "
                    "a secret from a file; \"sinks\": [{\"type\": \"slack\", ...}] "
                    "lists alert sinks (README, \"Alert delivery\").\n");
}

void config_clear(struct config *cfg)
{
        const struct config_def *d;
        size_t i;

        if (!cfg)
                return;
        for (d = config_defs; d->name; d++) {
                if (d->type == CONF_STRING)
                        free(*str_field(cfg, d));
        }
        for (i = 0; i < 2 * cfg->n_kafka_props; i++)
                free(cfg->kafka_props[i]);
        free(cfg->kafka_props);
        json_decref(cfg->sinks);
        memset(cfg, 0, sizeof(*cfg));
}
