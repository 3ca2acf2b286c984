/* sinks.c - the table of configured sinks (see sinks.h): checks the
 * config file's "sinks" entries, reads URLs and secrets from the entry or
 * from files, opens each sink, and wraps those with an "entities" list in
 * a routing sink that passes on only the alerts about those entities.
 * Secrets and URLs never reach a message or a log line: only hosts do. */
#include "sinks.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kafka.h"
#include "log.h"
#include "sink_http.h"

#define SECRET_FILE_MAX (64 * 1024)
#define MAX_SECRETS     8

/* A sink that passes on only alerts about some entities. */
struct sink_routed {
        struct sink sk;
        struct sink_ops ops; /* the inner kind, our functions */
        struct sink *inner;
        char **ents;
        size_t n_ents;
};

/* One entry being opened: what it owns until the sink is made. */
struct entry {
        const char *type, *name;
        char *url;
        char *secrets[MAX_SECRETS];
        size_t n_secrets;
        enum alert_level level;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
        curl_global_init(CURL_GLOBAL_DEFAULT);
}

void sink_conf_defaults(struct sink_conf *sc, const struct config *cfg, const char *kind)
{
        sc->timeout_ms = (int)cfg->http_timeout_ms;
        sc->backoff_ms = (int)cfg->http_backoff_ms;
        sc->backoff_max_ms = (int)cfg->http_backoff_max_ms;
        sc->retry_for_ms = (int)cfg->http_retry_for_ms;
        sc->interval_ms = strcmp(kind, "slack") == 0 ? (int)cfg->slack_interval_ms : 0;
}

/* ---- entity routing ---- */

static int is_id(const json_t *v, const char *id)
{
        return json_is_string(v) && strcmp(json_string_value(v), id) == 0;
}

/* 1 when id is one of the alert's entities: its "entities" (speakers and
 * roles) or, for documents without them, either speaker. */
static int about(const struct alert *a, const char *id)
{
        const json_t *doc = a->doc, *v;
        const json_t *st = json_object_get(doc, "statement");
        const json_t *ag = json_object_get(json_object_get(doc, "against"), "statement");
        size_t i;

        json_array_foreach(json_object_get(doc, "entities"), i, v)
        {
                if (is_id(v, id))
                        return 1;
        }
        return is_id(json_object_get(json_object_get(st, "speaker"), "id"), id) ||
               is_id(json_object_get(json_object_get(ag, "speaker"), "id"), id);
}

static int routed_match(const struct sink_routed *rt, const struct alert *a)
{
        size_t i;

        for (i = 0; i < rt->n_ents; i++) {
                if (about(a, rt->ents[i]))
                        return 1;
        }
        return 0;
}

static int routed_publish(struct sink *sk, const struct alert *a, char *errstr,
                          size_t errstr_size)
{
        struct sink_routed *rt = (struct sink_routed *)sk;

        if (!routed_match(rt, a))
                return 0;
        return rt->inner->ops->publish(rt->inner, a, errstr, errstr_size);
}

static int routed_flush(struct sink *sk, int timeout_ms, char *errstr, size_t errstr_size)
{
        struct sink_routed *rt = (struct sink_routed *)sk;

        return sink_flush(rt->inner, timeout_ms, errstr, errstr_size);
}

static void routed_destroy(struct sink *sk)
{
        struct sink_routed *rt = (struct sink_routed *)sk;
        size_t i;

        for (i = 0; i < rt->n_ents; i++)
                free(rt->ents[i]);
        free(rt->ents);
        sink_free(rt->inner);
        free(rt);
}

/* Wraps inner (owned from now on, also on failure). */
static struct sink *routed_new(struct sink *inner, const json_t *ents, char *errstr,
                               size_t errstr_size)
{
        struct sink_routed *rt = calloc(1, sizeof(*rt));
        size_t i;
        json_t *v;

        if (!rt || !(rt->ents = calloc(json_array_size(ents) + 1, sizeof(char *))))
                goto oom;
        rt->inner = inner;
        rt->ops = (struct sink_ops){.kind = inner->ops->kind,
                                    .publish = routed_publish,
                                    .flush = routed_flush,
                                    .destroy = routed_destroy};
        rt->sk.ops = &rt->ops;
        rt->sk.min_level = inner->min_level;
        memcpy(rt->sk.name, inner->name, sizeof(rt->sk.name));
        json_array_foreach(ents, i, v)
        {
                if (!(rt->ents[rt->n_ents] = strdup(json_string_value(v)))) {
                        routed_destroy(&rt->sk);
                        snprintf(errstr, errstr_size, "sinks: out of memory");
                        return NULL;
                }
                rt->n_ents++;
        }
        return &rt->sk;
oom:
        free(rt);
        sink_free(inner);
        snprintf(errstr, errstr_size, "sinks: out of memory");
        return NULL;
}

struct sink *sinks_inner(struct sink *sk)
{
        if (sk && sk->ops->publish == routed_publish)
                return ((struct sink_routed *)sk)->inner;
        return sk;
}

int sinks_wants(const struct sink *sk, const struct alert *a)
{
        if (a->level < sk->min_level)
                return 0;
        if (sk->ops->publish == routed_publish)
                return routed_match((const struct sink_routed *)sk, a);
        return 1;
}

static int kind_is_http(const char *kind)
{
        return strcmp(kind, "slack") == 0 || strcmp(kind, "webhook") == 0;
}

int sinks_is_http(const struct sink *sk)
{
        return kind_is_http(sk->ops->kind);
}

int sinks_failed_for_good(const struct sink *sk, const char **reason)
{
        const struct sink_http *sh;

        sk = sinks_inner((struct sink *)sk);
        if (!sinks_is_http(sk)) {
                if (reason)
                        *reason = "error";
                return 0;
        }
        sh = (const struct sink_http *)sk;
        if (reason)
                *reason = sh->reason ? sh->reason : "error";
        return sh->for_good;
}

void sinks_set_running(struct sink **v, size_t n, volatile sig_atomic_t *running)
{
        size_t i;

        for (i = 0; i < n; i++) {
                struct sink *sk = sinks_inner(v[i]);

                if (sinks_is_http(sk))
                        ((struct sink_http *)sk)->running = running;
        }
}

/* ---- reading entries ---- */

static void entry_clear(struct entry *e)
{
        size_t i;

        if (e->url) {
                memset(e->url, 0, strlen(e->url));
                free(e->url);
        }
        for (i = 0; i < e->n_secrets; i++) {
                memset(e->secrets[i], 0, strlen(e->secrets[i]));
                free(e->secrets[i]);
        }
        memset(e, 0, sizeof(*e));
}

static int add_secret(struct entry *e, const char *s, size_t n, const char *where,
                      char *errstr, size_t errstr_size)
{
        if (e->n_secrets == MAX_SECRETS) {
                snprintf(errstr, errstr_size, "%s: more than %d secrets", where,
                         MAX_SECRETS);
                return -1;
        }
        if (!(e->secrets[e->n_secrets] = strndup(s, n))) {
                snprintf(errstr, errstr_size, "%s: out of memory", where);
                return -1;
        }
        e->n_secrets++;
        return 0;
}

/* Secrets separated by white space (a secret file, the environment). */
static int add_secret_list(struct entry *e, const char *s, const char *where,
                           char *errstr, size_t errstr_size)
{
        while (*s) {
                size_t n;

                s += strspn(s, " \t\r\n");
                n = strcspn(s, " \t\r\n");
                if (n && add_secret(e, s, n, where, errstr, errstr_size) < 0)
                        return -1;
                s += n;
        }
        return 0;
}

static int entry_secrets(struct entry *e, const json_t *o, const char *where,
                         char *errstr, size_t errstr_size)
{
        const json_t *one = json_object_get(o, "secret"),
                     *many = json_object_get(o, "secrets");
        const json_t *file = json_object_get(o, "secret_file"), *v;
        char *text;
        size_t i;
        int rc;

        if (!!one + !!many + !!file > 1) {
                snprintf(errstr, errstr_size,
                         "%s: use one of secret, secrets, secret_file", where);
                return -1;
        }
        if (one) {
                if (!json_is_string(one)) {
                        snprintf(errstr, errstr_size, "%s: \"secret\" wants a string",
                                 where);
                        return -1;
                }
                return add_secret_list(e, json_string_value(one), where, errstr,
                                       errstr_size);
        }
        if (many) {
                json_array_foreach(many, i, v)
                {
                        if (!json_is_string(v)) {
                                snprintf(errstr, errstr_size,
                                         "%s: \"secrets\" wants an array of strings",
                                         where);
                                return -1;
                        }
                        if (add_secret(e, json_string_value(v), json_string_length(v),
                                       where, errstr, errstr_size) < 0)
                                return -1;
                }
                if (!json_is_array(many)) {
                        snprintf(errstr, errstr_size,
                                 "%s: \"secrets\" wants an array of strings", where);
                        return -1;
                }
                return 0;
        }
        if (!file)
                return 0;
        if (!json_is_string(file)) {
                snprintf(errstr, errstr_size, "%s: \"secret_file\" wants a file name",
                         where);
                return -1;
        }
        if (!(text = config_read_secret(where, json_string_value(file), errstr,
                                        errstr_size)))
                return -1;
        rc = add_secret_list(e, text, where, errstr, errstr_size);
        memset(text, 0, strlen(text));
        free(text);
        return rc;
}

static int entry_url(struct entry *e, const json_t *o, const char *where, char *errstr,
                     size_t errstr_size)
{
        const json_t *url = json_object_get(o, "url"),
                     *file = json_object_get(o, "url_file");

        if (!!url + !!file != 1 || !json_is_string(url ? url : file)) {
                snprintf(errstr, errstr_size,
                         "%s: needs \"url\" or \"url_file\" (a string)", where);
                return -1;
        }
        if (url)
                e->url = strdup(json_string_value(url));
        else if (!(e->url = config_read_secret(where, json_string_value(file), errstr,
                                               errstr_size)))
                return -1;
        if (!e->url) {
                snprintf(errstr, errstr_size, "%s: out of memory", where);
                return -1;
        }
        if (strncasecmp(e->url, "http://", 7) != 0 &&
            strncasecmp(e->url, "https://", 8) != 0) {
                snprintf(errstr, errstr_size, "%s: url is not http:// or https://",
                         where);
                return -1;
        }
        return 0;
}

static int valid_name(const char *s)
{
        size_t n = strlen(s), i;

        if (n == 0 || n > SINK_NAME_MAX)
                return 0;
        for (i = 0; i < n; i++) {
                if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
                        return 0;
        }
        return 1;
}

/* Keys an entry of type may have. */
static int key_allowed(const char *type, const char *key)
{
        static const char *const common[] = {"type", "name", "level", "entities", NULL};
        static const char *const http[] = {"url", "url_file", NULL};
        static const char *const hook[] = {"secret", "secrets", "secret_file", NULL};
        const char *const *k;
        int is_http = kind_is_http(type);

        for (k = common; *k; k++)
                if (!strcmp(*k, key))
                        return 1;
        for (k = http; is_http && *k; k++)
                if (!strcmp(*k, key))
                        return 1;
        for (k = hook; !strcmp(type, "webhook") && *k; k++)
                if (!strcmp(*k, key))
                        return 1;
        return (!strcmp(type, "file") && !strcmp(key, "path")) ||
               (!strcmp(type, "kafka") && !strcmp(key, "topic"));
}

static int check_entities(const json_t *ents, const char *where, char *errstr,
                          size_t errstr_size)
{
        size_t i;
        json_t *v;

        if (!json_is_array(ents) || json_array_size(ents) == 0)
                goto bad;
        json_array_foreach(ents, i, v)
        {
                if (!json_is_string(v) || json_string_length(v) == 0)
                        goto bad;
        }
        return 0;
bad:
        snprintf(errstr, errstr_size,
                 "%s: \"entities\" wants a non-empty array of entity ids (\"KP\")",
                 where);
        return -1;
}

/* Type, name, level and the keys of entry o. */
static int entry_head(struct entry *e, const json_t *o, const char *where, char *errstr,
                      size_t errstr_size)
{
        const char *key, *level;
        json_t *v;

        e->type = json_string_value(json_object_get(o, "type"));
        e->name = json_string_value(json_object_get(o, "name"));
        if (!e->type || (strcmp(e->type, "slack") && strcmp(e->type, "webhook") &&
                         strcmp(e->type, "kafka") && strcmp(e->type, "file"))) {
                snprintf(errstr, errstr_size,
                         "%s: \"type\" must be slack, webhook, kafka or file", where);
                return -1;
        }
        if (!e->name || !valid_name(e->name)) {
                snprintf(errstr, errstr_size,
                         "%s: \"name\" must be 1-%d letters, digits, '.', '_' or '-'",
                         where, SINK_NAME_MAX);
                return -1;
        }
        json_object_foreach((json_t *)o, key, v)
        {
                if (!key_allowed(e->type, key)) {
                        snprintf(errstr, errstr_size,
                                 "%s: unknown key \"%s\" for type %s", where, key,
                                 e->type);
                        return -1;
                }
        }
        e->level = strcmp(e->type, "slack") == 0 ? ALERT_LEVEL_ALERT : ALERT_LEVEL_REVIEW;
        if ((v = json_object_get(o, "level"))) {
                level = json_string_value(v);
                if (!level || (strcmp(level, "alert") && strcmp(level, "review"))) {
                        snprintf(errstr, errstr_size,
                                 "%s: \"level\" must be \"alert\" or \"review\"", where);
                        return -1;
                }
                e->level =
                    strcmp(level, "alert") == 0 ? ALERT_LEVEL_ALERT : ALERT_LEVEL_REVIEW;
        }
        if ((v = json_object_get(o, "entities")) &&
            check_entities(v, where, errstr, errstr_size) < 0)
                return -1;
        return 0;
}

/* ---- opening ---- */

static struct sink *open_http(const struct config *cfg, struct entry *e, char *errstr,
                              size_t errstr_size)
{
        struct sink_conf sc = {0};

        sink_conf_defaults(&sc, cfg, e->type);
        sc.name = e->name;
        sc.url = e->url;
        sc.secrets = (const char *const *)e->secrets;
        sc.n_secrets = e->n_secrets;
        sc.level = e->level;
        if (strcmp(e->type, "slack") == 0)
                return sink_slack_new(&sc, errstr, errstr_size);
        return sink_webhook_new(&sc, errstr, errstr_size);
}

static struct sink *open_other(const struct config *cfg, const json_t *o, struct entry *e,
                               char *errstr, size_t errstr_size)
{
        struct sink *sk;

        if (strcmp(e->type, "file") == 0) {
                const json_t *path = json_object_get(o, "path");

                if (path && !json_is_string(path)) {
                        snprintf(errstr, errstr_size, "sink %s: \"path\" wants a string",
                                 e->name);
                        return NULL;
                }
                sk = sink_file_new(path ? json_string_value(path) : "-", errstr,
                                   errstr_size);
        } else {
                const json_t *topic = json_object_get(o, "topic");

                if (topic && !json_is_string(topic)) {
                        snprintf(errstr, errstr_size, "sink %s: \"topic\" wants a string",
                                 e->name);
                        return NULL;
                }
                sk = sink_kafka_new(cfg, topic ? json_string_value(topic) : NULL, errstr,
                                    errstr_size);
        }
        if (sk) {
                sk->min_level = e->level;
                snprintf(sk->name, sizeof(sk->name), "%s", e->name);
        }
        return sk;
}

/* Opens entry o (index i of "sinks"); the sink or NULL. */
static struct sink *open_entry(const struct config *cfg, const json_t *o, size_t i,
                               char *errstr, size_t errstr_size)
{
        struct entry e = {0};
        struct sink *sk = NULL;
        const json_t *ents;
        char where[96];

        snprintf(where, sizeof(where), "sinks[%zu]", i);
        if (!json_is_object(o)) {
                snprintf(errstr, errstr_size, "%s: not an object", where);
                return NULL;
        }
        if (entry_head(&e, o, where, errstr, errstr_size) < 0)
                goto done;
        snprintf(where, sizeof(where), "sinks[%zu] (%s)", i, e.name);
        if (kind_is_http(e.type)) {
                if (entry_url(&e, o, where, errstr, errstr_size) < 0 ||
                    entry_secrets(&e, o, where, errstr, errstr_size) < 0)
                        goto done;
                sk = open_http(cfg, &e, errstr, errstr_size);
        } else {
                sk = open_other(cfg, o, &e, errstr, errstr_size);
        }
        if (sk && (ents = json_object_get(o, "entities")))
                sk = routed_new(sk, ents, errstr, errstr_size);
done:
        entry_clear(&e);
        return sk;
}

/* The single sinks of the environment settings. */
static struct sink *open_single(const struct config *cfg, const char *type, char *errstr,
                                size_t errstr_size)
{
        struct entry e = {0};
        struct sink *sk = NULL;

        e.type = type;
        e.name = type;
        e.level = strcmp(type, "slack") == 0 ? ALERT_LEVEL_ALERT : ALERT_LEVEL_REVIEW;
        e.url = strdup(strcmp(type, "slack") == 0 ? cfg->slack_webhook_url
                                                  : cfg->webhook_url);
        if (!e.url)
                snprintf(errstr, errstr_size, "sinks: out of memory");
        else if (strcmp(type, "slack") == 0 ||
                 add_secret_list(&e, cfg->webhook_secret, "webhook_secret", errstr,
                                 errstr_size) == 0)
                sk = open_http(cfg, &e, errstr, errstr_size);
        entry_clear(&e);
        return sk;
}

static int push(struct sink ***v, size_t *n, struct sink *sk, char *errstr,
                size_t errstr_size)
{
        struct sink **grown;
        size_t i;

        for (i = 0; i < *n; i++) {
                if (strcmp((*v)[i]->name, sk->name) == 0) {
                        snprintf(errstr, errstr_size, "sinks: two sinks named \"%s\"",
                                 sk->name);
                        sink_free(sk);
                        return -1;
                }
        }
        if (!(grown = realloc(*v, (*n + 1) * sizeof(*grown)))) {
                snprintf(errstr, errstr_size, "sinks: out of memory");
                sink_free(sk);
                return -1;
        }
        *v = grown;
        (*v)[(*n)++] = sk;
        return 0;
}

static void log_sink(const struct sink *sk)
{
        const struct sink *in = sinks_inner((struct sink *)sk);
        const char *host = sinks_is_http(in) ? ((const struct sink_http *)in)->host : "";

        log_info("sinks", "sink %s: %s%s%s, level %s%s", sk->name, sk->ops->kind,
                 *host ? " to " : "", host, alert_level_name(sk->min_level),
                 in != sk ? ", routed by entity" : "");
}

int sinks_open(const struct config *cfg, struct sink ***out, size_t *n, char *errstr,
               size_t errstr_size)
{
        struct sink **v = NULL, *sk;
        size_t i, k = 0;
        json_t *o;

        pthread_once(&curl_once, curl_init);
        *out = NULL;
        *n = 0;
        if (cfg->sinks && !json_is_array(cfg->sinks)) {
                snprintf(errstr, errstr_size, "sinks: not an array");
                return -1;
        }
        json_array_foreach(cfg->sinks, i, o)
        {
                if (!(sk = open_entry(cfg, o, i, errstr, errstr_size)) ||
                    push(&v, &k, sk, errstr, errstr_size) < 0)
                        goto fail;
        }
        if (*cfg->slack_webhook_url &&
            (!(sk = open_single(cfg, "slack", errstr, errstr_size)) ||
             push(&v, &k, sk, errstr, errstr_size) < 0))
                goto fail;
        if (*cfg->webhook_url &&
            (!(sk = open_single(cfg, "webhook", errstr, errstr_size)) ||
             push(&v, &k, sk, errstr, errstr_size) < 0))
                goto fail;
        for (i = 0; i < k; i++)
                log_sink(v[i]);
        *out = v;
        *n = k;
        return 0;
fail:
        sinks_close(v, k);
        return -1;
}

void sinks_close(struct sink **v, size_t n)
{
        size_t i;

        for (i = 0; i < n; i++)
                sink_free(v[i]);
        free(v);
}
