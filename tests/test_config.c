/* test_config.c - the settings table: defaults < file < env < flags,
 * kafka.* pass-through, secrets from files, error messages that name the
 * key, validation and --help. */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static char tmpdir[] = "/tmp/cw-test-config-XXXXXX";

/* Writes text to tmpdir/name and returns the path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
        static char path[4][512];
        static int next;
        char *p = path[next++ % 4];
        FILE *fp;

        snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
        fp = fopen(p, "w");
        if (!fp)
                return p;
        fputs(text, fp);
        fclose(fp);
        return p;
}

static const char *kafka_prop(const struct config *cfg, const char *name)
{
        size_t i;

        for (i = 0; i < cfg->n_kafka_props; i++) {
                if (strcmp(cfg->kafka_props[2 * i], name) == 0)
                        return cfg->kafka_props[2 * i + 1];
        }
        return NULL;
}

static int contains(const char *hay, const char *needle)
{
        return hay && strstr(hay, needle) != NULL;
}

static void test_defaults(void)
{
        struct config cfg;
        char err[256] = "";

        CHECK(config_init(&cfg) == 0);
        CHECK_STR(cfg.brokers, "localhost:9092");
        CHECK_STR(cfg.redis_url, "redis://127.0.0.1:6379/0");
        CHECK_STR(cfg.ns, "cw:");
        CHECK_STR(cfg.group, "claimwatch");
        CHECK_STR(cfg.topic, "news.articles");
        CHECK_STR(cfg.alerts_topic, "news.factcheck.alerts");
        CHECK_STR(cfg.dlq_topic, "news.articles.dlq");
        CHECK_STR(cfg.alerts_dlq_topic, "news.factcheck.alerts.dlq");
        CHECK_STR(cfg.admin, "");
        CHECK_STR(cfg.webhook_secret, "");
        CHECK_STR(cfg.lexicon_dir, "");
        CHECK_STR(cfg.log_level, "info");
        CHECK(cfg.ttl_days == 180);
        CHECK(cfg.batch_size == 100);
        CHECK(cfg.max_article_bytes == 1048576);
        CHECK(cfg.delivery_timeout_ms == 30000);
        CHECK(cfg.review_threshold == 0.5);
        CHECK(cfg.alert_threshold == 0.7);
        CHECK(cfg.n_kafka_props == 0);
        CHECK(config_validate(&cfg, err, sizeof(err)) == 0);
        config_clear(&cfg);
        CHECK(cfg.brokers == NULL);
        config_clear(&cfg); /* a zeroed config clears again */
        config_clear(NULL);
}

static void test_find(void)
{
        const struct config_def *d = config_find("alerts-topic");

        CHECK(d != NULL && d == config_find("alerts_topic"));
        CHECK(config_find("namespace") != NULL);
        CHECK(config_find("ns") == NULL);
        CHECK(config_find("alerts") == NULL);
        CHECK(config_find("alerts_topicx") == NULL);
        CHECK(config_find(NULL) == NULL);
        CHECK(config_find("webhook_secret")->secret == 1);
        CHECK(config_find("slack_webhook_url")->secret == 1);
        CHECK(config_find("topic")->secret == 0);
}

/* defaults < file < env < flags, each layer leaving the others alone. */
static void test_precedence(void)
{
        struct config cfg;
        char err[512] = "";
        const char *path = write_file("p.json", "{\"topic\": \"from-file\", \"group\": "
                                                "\"g-file\", \"ttl_days\": 30, "
                                                "\"review_threshold\": 0.25}");
        char *env[] = {(char *)"CLAIMWATCH_TOPIC=from-env",
                       (char *)"CLAIMWATCH_TTL_DAYS=40",
                       (char *)"CLAIMWATCH_NAMESPACE=env:", (char *)"PATH=/bin", NULL};

        CHECK(config_init(&cfg) == 0);
        CHECK(config_load_file(&cfg, path, err, sizeof(err)) == 0);
        CHECK_STR(cfg.topic, "from-file");
        CHECK(cfg.ttl_days == 30);
        CHECK(config_load_env(&cfg, env, err, sizeof(err)) == 0);
        CHECK_STR(cfg.topic, "from-env");
        CHECK_STR(cfg.ns, "env:");
        CHECK(cfg.ttl_days == 40);
        CHECK(config_set(&cfg, "topic", "from-flag", err, sizeof(err)) == 0);
        CHECK(config_set(&cfg, "ttl-days", "50", err, sizeof(err)) == 0);
        CHECK_STR(cfg.topic, "from-flag");
        CHECK(cfg.ttl_days == 50);
        CHECK_STR(cfg.group, "g-file");
        CHECK(cfg.review_threshold == 0.25);
        CHECK_STR(cfg.brokers, "localhost:9092");
        config_clear(&cfg);
}

static void test_kafka_passthrough(void)
{
        struct config cfg;
        char err[512] = "";
        const char *path = write_file(
            "k.json", "{\"kafka\": {\"security.protocol\": \"SSL\", \"linger.ms\": 5, "
                      "\"enable.auto.commit\": false, \"batch.size\": 1.5},\n"
                      " \"kafka.sasl.mechanism\": \"PLAIN\"}");
        char *env[] = {(char *)"CLAIMWATCH_KAFKA_SECURITY_PROTOCOL=SASL_SSL",
                       (char *)"CLAIMWATCH_KAFKA_SOCKET_TIMEOUT_MS=1000", NULL};

        CHECK(config_init(&cfg) == 0);
        CHECK(config_load_file(&cfg, path, err, sizeof(err)) == 0);
        CHECK_STR(kafka_prop(&cfg, "security.protocol"), "SSL");
        CHECK_STR(kafka_prop(&cfg, "linger.ms"), "5");
        CHECK_STR(kafka_prop(&cfg, "enable.auto.commit"), "false");
        CHECK_STR(kafka_prop(&cfg, "batch.size"), "1.5");
        CHECK_STR(kafka_prop(&cfg, "sasl.mechanism"), "PLAIN");
        CHECK(cfg.n_kafka_props == 5);
        CHECK(config_load_env(&cfg, env, err, sizeof(err)) == 0);
        CHECK_STR(kafka_prop(&cfg, "security.protocol"), "SASL_SSL");
        CHECK_STR(kafka_prop(&cfg, "socket.timeout.ms"), "1000");
        CHECK(cfg.n_kafka_props == 6); /* replaced, not appended */
        CHECK(config_set(&cfg, "kafka.security.protocol", "PLAINTEXT", err,
                         sizeof(err)) == 0);
        CHECK_STR(kafka_prop(&cfg, "security.protocol"), "PLAINTEXT");
        CHECK(cfg.n_kafka_props == 6);
        config_clear(&cfg);
}

/* Loads text as a config file and returns the error (static buffer). */
static const char *file_error(const char *text)
{
        static char err[512];
        struct config cfg;
        const char *path = write_file("bad.json", text);

        err[0] = '\0';
        config_init(&cfg);
        if (config_load_file(&cfg, path, err, sizeof(err)) == 0)
                snprintf(err, sizeof(err), "(loaded)");
        config_clear(&cfg);
        return err;
}

static void test_file_errors(void)
{
        const char *e;
        char err[512] = "";
        struct config cfg;

        e = file_error("{\"topic\": \"x\", \"foo\": 1}");
        CHECK(contains(e, "bad.json: unknown setting \"foo\""));
        e = file_error("{\"ttl_days\": \"10\"}");
        CHECK(contains(e, "\"ttl_days\"") && contains(e, "integer"));
        e = file_error("{\"ttl_days\": 10.5}");
        CHECK(contains(e, "\"ttl_days\"") && contains(e, "integer"));
        e = file_error("{\"topic\": 5}");
        CHECK(contains(e, "\"topic\"") && contains(e, "string"));
        e = file_error("{\"alert_threshold\": \"high\"}");
        CHECK(contains(e, "\"alert_threshold\"") && contains(e, "number"));
        e = file_error("{\"ttl_days\": 0}");
        CHECK(contains(e, "\"ttl_days\"") && contains(e, "1..3650"));
        e = file_error("{\"max_article_bytes\": 100}");
        CHECK(contains(e, "max_article_bytes") && contains(e, "1024..67108864"));
        e = file_error("{\"alert_threshold\": 1.5}");
        CHECK(contains(e, "alert_threshold") && contains(e, "0..1"));
        e = file_error("{\"kafka\": {\"acks\": [1]}}");
        CHECK(contains(e, "kafka.acks"));
        e = file_error("{\"kafka\": \"acks=all\"}");
        CHECK(contains(e, "\"kafka\""));
        e = file_error("{\"topic\": \"a\",\n \"group\": }");
        CHECK(contains(e, "bad.json: line 2"));
        e = file_error("[1, 2]");
        CHECK(contains(e, "bad.json") && contains(e, "object"));
        e = file_error("{\"topic\": \"a\", \"topic\": \"b\"}");
        CHECK(contains(e, "bad.json"));
        e = file_error("{\"ttl_days\": 10}");
        CHECK_STR(e, "(loaded)");

        config_init(&cfg);
        CHECK(config_load_file(&cfg, "/nonexistent/cw.json", err, sizeof(err)) < 0);
        CHECK(contains(err, "/nonexistent/cw.json"));
        config_clear(&cfg);
}

static void test_env_and_flag_errors(void)
{
        struct config cfg;
        char err[512] = "";
        char *bad[] = {(char *)"CLAIMWATCH_BATCH_SIZE=0", NULL};
        char *nan[] = {(char *)"CLAIMWATCH_ALERT_THRESHOLD=nan", NULL};
        char *unknown[] = {(char *)"CLAIMWATCH_NO_SUCH_THING=1",
                           (char *)"CLAIMWATCH_BIN=/x", (char *)"CLAIMWATCH_topic=lower",
                           NULL};

        config_init(&cfg);
        CHECK(config_load_env(&cfg, bad, err, sizeof(err)) < 0);
        CHECK(contains(err, "CLAIMWATCH_BATCH_SIZE") && contains(err, "1..10000"));
        CHECK(config_load_env(&cfg, nan, err, sizeof(err)) < 0);
        CHECK(contains(err, "CLAIMWATCH_ALERT_THRESHOLD"));
        /* Unknown variables are warnings, and change nothing. */
        CHECK(config_load_env(&cfg, unknown, err, sizeof(err)) == 0);
        CHECK_STR(cfg.topic, "news.articles");

        CHECK(config_set(&cfg, "batch_size", "12x", err, sizeof(err)) < 0);
        CHECK(contains(err, "batch_size") && contains(err, "12x"));
        CHECK(config_set(&cfg, "batch_size", " 12", err, sizeof(err)) < 0);
        CHECK(config_set(&cfg, "batch_size", "", err, sizeof(err)) < 0);
        CHECK(config_set(&cfg, "batch_size", "99999999999999999999", err, sizeof(err)) <
              0);
        CHECK(config_set(&cfg, "review_threshold", "0.3x", err, sizeof(err)) < 0);
        CHECK(config_set(&cfg, "review_threshold", "-0.1", err, sizeof(err)) < 0);
        CHECK(contains(err, "review_threshold") && contains(err, "0..1"));
        CHECK(config_set(&cfg, "no-such", "1", err, sizeof(err)) < 0);
        CHECK(contains(err, "unknown setting \"no-such\""));
        CHECK(config_set(&cfg, "batch-size", "250", err, sizeof(err)) == 0);
        CHECK(cfg.batch_size == 250);
        CHECK(config_set(&cfg, "review_threshold", "0.45", err, sizeof(err)) == 0);
        CHECK(cfg.review_threshold == 0.45);
        config_clear(&cfg);
}

static void test_secret_files(void)
{
        struct config cfg;
        char err[512] = "", envf[600], kenv[600], both1[600], both2[600];
        const char *sec = write_file("secret", "whsec_c2VjcmV0c2VjcmV0c2VjcmV0\n");
        const char *slack = write_file("slack", "https://hooks.example/T/B/x\r\n");
        const char *pw = write_file("pw", "hunter2\n");
        const char *path;
        char *env[] = {envf, kenv, NULL};
        char *both[] = {both1, both2, NULL};

        snprintf(envf, sizeof(envf), "CLAIMWATCH_WEBHOOK_SECRET_FILE=%s", sec);
        snprintf(kenv, sizeof(kenv), "CLAIMWATCH_KAFKA_SASL_PASSWORD_FILE=%s", pw);
        config_init(&cfg);
        CHECK(config_load_env(&cfg, env, err, sizeof(err)) == 0);
        CHECK_STR(cfg.webhook_secret, "whsec_c2VjcmV0c2VjcmV0c2VjcmV0");
        CHECK_STR(kafka_prop(&cfg, "sasl.password"), "hunter2");

        {
                char json[1200];

                snprintf(json, sizeof(json),
                         "{\"slack_webhook_url_file\": \"%s\", "
                         "\"kafka\": {\"ssl.key.password_file\": \"%s\"}}",
                         slack, pw);
                path = write_file("s.json", json);
        }
        CHECK(config_load_file(&cfg, path, err, sizeof(err)) == 0);
        CHECK_STR(cfg.slack_webhook_url, "https://hooks.example/T/B/x");
        CHECK_STR(kafka_prop(&cfg, "ssl.key.password"), "hunter2");
        CHECK(config_set(&cfg, "webhook-url-file", slack, err, sizeof(err)) == 0);
        CHECK_STR(cfg.webhook_url, "https://hooks.example/T/B/x");

        /* A missing file is named; both forms in one layer are refused. */
        CHECK(config_set(&cfg, "webhook_secret_file", "/nonexistent/s", err,
                         sizeof(err)) < 0);
        CHECK(contains(err, "/nonexistent/s"));
        snprintf(both1, sizeof(both1), "CLAIMWATCH_WEBHOOK_SECRET=whsec_AAAA");
        snprintf(both2, sizeof(both2), "CLAIMWATCH_WEBHOOK_SECRET_FILE=%s", sec);
        CHECK(config_load_env(&cfg, both, err, sizeof(err)) < 0);
        CHECK(contains(err, "CLAIMWATCH_WEBHOOK_SECRET_FILE"));
        CHECK(!contains(err, "whsec_"));
        CHECK(contains(file_error("{\"webhook_secret\": \"whsec_AAAA\", "
                                  "\"webhook_secret_file\": \"/x\"}"),
                       "webhook_secret_file"));
        /* "_file" is only for secrets. */
        CHECK(contains(file_error("{\"topic_file\": \"/x\"}"), "unknown setting"));
        config_clear(&cfg);
}

static const char *validate_error(const char *name, const char *value)
{
        static char err[512];
        struct config cfg;

        err[0] = '\0';
        config_init(&cfg);
        if (config_set(&cfg, name, value, err, sizeof(err)) < 0) {
                config_clear(&cfg);
                return "(set failed)";
        }
        /* A webhook needs its secret; give it one unless under test. */
        if (strcmp(name, "webhook_secret") != 0)
                config_set(&cfg, "webhook_secret", "whsec_AAAA", err, sizeof(err));
        if (config_validate(&cfg, err, sizeof(err)) == 0)
                snprintf(err, sizeof(err), "(valid)");
        config_clear(&cfg);
        return err;
}

static void test_validate(void)
{
        struct config cfg;
        char err[512] = "";

        CHECK_STR(
            validate_error("webhook_secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            "(valid)");
        CHECK_STR(validate_error("webhook_secret", "whsec_AAA="), "(valid)");
        CHECK(contains(validate_error("webhook_secret", "s3cr3t-value"), "whsec_"));
        CHECK(!contains(validate_error("webhook_secret", "s3cr3t-value"), "s3cr3t"));
        CHECK(contains(validate_error("webhook_secret", "whsec_not base64!"),
                       "webhook_secret"));
        CHECK(contains(validate_error("webhook_secret", "whsec_"), "webhook_secret"));
        CHECK(contains(validate_error("webhook_secret", "whsec_AAA"), "webhook_secret"));
        CHECK(contains(validate_error("log_level", "verbose"), "log_level"));
        CHECK(contains(validate_error("log_format", "xml"), "log_format"));
        CHECK(contains(validate_error("admin", "9090"), "admin"));
        CHECK_STR(validate_error("admin", "127.0.0.1:9090"), "(valid)");
        CHECK(contains(validate_error("alerts_topic", "news.articles"), "topic"));
        CHECK(contains(validate_error("brokers", ""), "brokers"));
        CHECK(contains(validate_error("redis_url", "localhost:6379"), "redis_url"));
        CHECK(contains(validate_error("slack_webhook_url", "hooks.slack.com/x"),
                       "slack_webhook_url"));
        CHECK_STR(validate_error("webhook_url", "https://example.org/hook"), "(valid)");

        config_init(&cfg);
        CHECK(config_set(&cfg, "webhook_url", "https://example.org/hook", err,
                         sizeof(err)) == 0);
        CHECK(config_validate(&cfg, err, sizeof(err)) < 0);
        CHECK(contains(err, "webhook_secret"));
        CHECK(config_set(&cfg, "webhook_url", "", err, sizeof(err)) == 0);
        CHECK(config_set(&cfg, "review_threshold", "0.8", err, sizeof(err)) == 0);
        CHECK(config_validate(&cfg, err, sizeof(err)) < 0);
        CHECK(contains(err, "review_threshold") && contains(err, "alert_threshold"));
        CHECK(config_set(&cfg, "alert_threshold", "0.8", err, sizeof(err)) == 0);
        CHECK(config_validate(&cfg, err, sizeof(err)) == 0);
        config_clear(&cfg);
}

static void test_help(void)
{
        struct config cfg;
        char *buf = NULL, err[256];
        size_t len = 0;
        FILE *fp = open_memstream(&buf, &len);
        char *env[] = {
            (char *)"CLAIMWATCH_WEBHOOK_SECRET=whsec_SEEKRITSEEKRIT",
            (char *)"CLAIMWATCH_SLACK_WEBHOOK_URL=https://hooks.example/SEEKRIT", NULL};
        const struct config_def *d;
        int all = 1;

        config_init(&cfg);
        CHECK(config_load_env(&cfg, env, err, sizeof(err)) == 0);
        config_print_help(fp);
        fclose(fp);
        for (d = config_defs; d->name; d++) {
                char flag[64], envname[80], *p;

                snprintf(flag, sizeof(flag), "--%s", d->name);
                for (p = flag; *p; p++)
                        *p = *p == '_' ? '-' : *p;
                snprintf(envname, sizeof(envname), "CLAIMWATCH_%s", d->name);
                for (p = envname; *p; p++)
                        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
                if (!contains(buf, flag) || !contains(buf, envname)) {
                        fprintf(stderr, "help lacks %s or %s\n", flag, envname);
                        all = 0;
                }
        }
        CHECK(all);
        CHECK(contains(buf, "CLAIMWATCH_ALERTS_TOPIC"));
        CHECK(contains(buf, "CLAIMWATCH_NAMESPACE"));
        CHECK(contains(buf, "news.factcheck.alerts"));
        CHECK(contains(buf, "CLAIMWATCH_KAFKA_"));
        CHECK(!contains(buf, "SEEKRIT"));
        free(buf);
        config_clear(&cfg);
}

/* The shipped config file holds every non-secret setting at its default. */
static void test_shipped_file(void)
{
        const char *src = getenv("CW_SOURCE_DIR");
        char path[1024], err[512] = "";
        struct config cfg, def;
        const struct config_def *d;
        json_t *root;

        snprintf(path, sizeof(path), "%s/config/claimwatch.json", src ? src : "..");
        root = json_load_file(path, 0, NULL);
        CHECK(root != NULL);
        config_init(&cfg);
        config_init(&def);
        CHECK(config_load_file(&cfg, path, err, sizeof(err)) == 0);
        for (d = config_defs; d->name; d++) {
                const char *a, *b;

                if (d->secret)
                        continue;
                CHECK(json_object_get(root, d->name) != NULL);
                if (d->type == CONF_STRING) {
                        a = *(char **)((char *)&cfg + d->offset);
                        b = *(char **)((char *)&def + d->offset);
                        CHECK_STR(a, b);
                } else {
                        CHECK(memcmp((char *)&cfg + d->offset, (char *)&def + d->offset,
                                     8) == 0);
                }
        }
        json_decref(root);
        config_clear(&cfg);
        config_clear(&def);
}

int main(void)
{
        if (!mkdtemp(tmpdir)) {
                perror("mkdtemp");
                return 1;
        }
        test_defaults();
        test_find();
        test_precedence();
        test_kafka_passthrough();
        test_file_errors();
        test_env_and_flag_errors();
        test_secret_files();
        test_validate();
        test_help();
        test_shipped_file();
        {
                char cmd[600];

                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
                if (system(cmd) != 0)
                        fprintf(stderr, "could not remove %s\n", tmpdir);
        }
        return check_done("test_config");
}
