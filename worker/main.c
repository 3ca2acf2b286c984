/* main.c - the claimwatch command line: analyze, replay, run.
 * Parses flags, builds the configuration (defaults < file < environment <
 * flags) and hands over to the module of each command.  The only file
 * that exits.  Exit codes: 0 ok, 1 runtime failure, 2 usage or
 * configuration error, always with a one-line message. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "article.h"
#include "config.h"
#include "lexicon.h"
#include "log.h"
#include "replay.h"
#include "notify.h"
#include "worker.h"

#ifndef CW_VERSION
#define CW_VERSION "dev"
#endif

static volatile sig_atomic_t running = 1;

static void on_signal(int sig)
{
        (void)sig;
        running = 0;
}

static const char usage_main[] =
    "usage: claimwatch COMMAND [OPTIONS]\n"
    "\n"
    "Fact-check alerts from news: finds who says what about whom, asserted or\n"
    "denied, and raises denial and contradiction alerts.\n"
    "\n"
    "commands:\n"
    "  analyze [FILE|-]        one article (JSON or dateline text) -> its statements\n"
    "                          as JSON lines; no store, no alerts\n"
    "  replay --input FILE|-   articles (JSON lines) through the whole pipeline;\n"
    "                          alerts as JSON lines on stdout, summary on stderr\n"
    "  replay --brokers B --topic T [--from TIME] [--to TIME]\n"
    "                          the same from a Kafka topic (no offsets committed)\n"
    "  run [--config FILE]     the worker: consume articles from Kafka, publish alerts\n"
    "  notify [--config FILE]  deliver the alerts topic to Slack and webhooks\n"
    "\n"
    "Run 'claimwatch COMMAND --help' for a command's options and settings.\n";

static const char usage_analyze[] =
    "usage: claimwatch analyze [--config FILE] [--lexicon-dir DIR] [FILE|-]\n"
    "\n"
    "Reads one article (a JSON object, or text whose first line is a dateline\n"
    "'date YYYY-MM-DD (Source) --') and prints its statements as JSON lines:\n"
    "speaker, stance, polarity, modality, proposition and the sentence.\n";

static const char usage_replay[] =
    "usage: claimwatch replay --input FILE|- [options]\n"
    "       claimwatch replay --brokers B --topic T [--from TIME] [--to TIME] [options]\n"
    "\n"
    "  --input FILE     JSON lines, one article each, oldest first (or one dateline\n"
    "                   text article); - for stdin\n"
    "  --output FILE    write alerts there instead of stdout\n"
    "  --redis URL      use Redis (a fresh namespace replay-<time>:) instead of memory\n"
    "  --namespace NS   the Redis namespace to use\n"
    "  --keep           keep the replay namespace afterwards\n"
    "  --topic T        with --brokers: replay a topic from its beginning\n"
    "  --from TIME      start of the window on published_at (RFC 3339)\n"
    "  --to TIME        end of the window (exclusive)\n"
    "  --warm-from TIME fill the store from articles in [TIME, --from) without\n"
    "                   raising alerts, so the window sees the memory production had\n"
    "  --labels FILE    score alerts against labels (JSON lines {article, kind,\n"
    "                   against: [ids]}): precision, recall, F1, misses, false alarms\n"
    "  --report FORMAT  text (default), json or md; written to stderr\n"
    "  --report-file F  write the report to F instead\n"
    "  --quiet          no report, no progress\n"
    "  --live-sinks     also deliver alerts to the configured Slack and webhook\n"
    "                   sinks (not the alerts topic); failures are logged\n"
    "\n"
    "Articles run in published_at order whatever their order in the file or\n"
    "the topic's partitions. Progress is shown when stderr is a terminal.\n"
    "Ctrl-C (or SIGTERM) stops after the current batch: the report covers the\n"
    "articles done, the Redis namespace is dropped, and the exit status is 130.\n"
    "\n"
    "Nothing but alerts goes to stdout.\n";

static const char usage_run[] =
    "usage: claimwatch run [--config FILE] [--SETTING VALUE ...]\n"
    "\n"
    "Consumes articles from Kafka as a consumer group, keeps statements in Redis\n"
    "and publishes alerts to the alerts topic; unparseable messages go to the\n"
    "dead-letter topic. SIGTERM or SIGINT: finish the batch, commit, exit 0.\n";

static const char usage_notify[] =
    "usage: claimwatch notify [--config FILE] [--SETTING VALUE ...]\n"
    "\n"
    "Consumes the alerts topic as its own consumer group (notify_group, default\n"
    "GROUP.notify) and posts each alert to the configured Slack and webhook\n"
    "sinks, once per sink (Redis markers); alerts a sink refuses for good go to\n"
    "alerts_dlq_topic. SIGTERM or SIGINT: stop, commit what was delivered, exit 0.\n";

static void print_help(const char *usage)
{
        fputs(usage, stdout);
        putchar('\n');
        config_print_help(stdout);
}

/* Command-specific options, beside the settings table. */
struct cmdopts {
        const char *config_file;
        struct replay_opts ro;
        const char *file; /* analyze */
        int help;
};

static int die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "claimwatch: <message>" on stderr and returns code. */
static int die(int code, const char *fmt, ...)
{
        va_list ap;

        fprintf(stderr, "claimwatch: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        return code;
}

/* The value of a flag: "--x=v" or "--x v". */
static const char *flag_value(int argc, char **argv, int *i, const char *eq)
{
        if (eq)
                return eq + 1;
        if (*i + 1 < argc)
                return argv[++*i];
        return NULL;
}

static int parse_time_flag(const char *flag, const char *v, int64_t *ms)
{
        if (article_parse_time(v, ms) == -1)
                return die(2, "%s: \"%s\" is not an RFC 3339 time", flag, v);
        return 0;
}

/* First pass: --config and --help, so the file applies before env and flags. */
static void scan_config_flag(int argc, char **argv, struct cmdopts *co)
{
        int i;

        for (i = 2; i < argc; i++) {
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
                        co->help = 1;
                else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
                        co->config_file = argv[++i];
                else if (strncmp(argv[i], "--config=", 9) == 0)
                        co->config_file = argv[i] + 9;
        }
}

/* Second pass: every flag. Returns 0 or an exit code. */
static int parse_flags(int argc, char **argv, struct config *cfg, struct cmdopts *co)
{
        char errstr[512];
        int i;

        for (i = 2; i < argc; i++) {
                char name[64];
                const char *a = argv[i], *eq, *v;
                size_t len;

                if (a[0] != '-' || strcmp(a, "-") == 0) {
                        if (co->file)
                                return die(2, "unexpected argument \"%s\"%s", a, "");
                        co->file = a;
                        continue;
                }
                if (a[1] != '-')
                        return die(2, "unknown option \"%s\"%s", a, "");
                eq = strchr(a, '=');
                len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
                snprintf(name, sizeof(name), "%.*s", (int)len, a + 2);
                if (!strcmp(name, "help")) {
                        continue;
                } else if (!strcmp(name, "keep")) {
                        co->ro.keep = 1;
                        continue;
                } else if (!strcmp(name, "quiet")) {
                        co->ro.quiet = 1;
                        continue;
                } else if (!strcmp(name, "live-sinks")) {
                        co->ro.live_sinks = 1;
                        continue;
                }
                if (!(v = flag_value(argc, argv, &i, eq)))
                        return die(2, "option --%s needs a value%s", name, "");
                if (!strcmp(name, "config"))
                        continue;
                else if (!strcmp(name, "input"))
                        co->ro.input = v;
                else if (!strcmp(name, "output"))
                        co->ro.output = v;
                else if (!strcmp(name, "redis"))
                        co->ro.redis = v;
                else if (!strcmp(name, "from")) {
                        if (parse_time_flag("--from", v, &co->ro.from_ms))
                                return 2;
                } else if (!strcmp(name, "to")) {
                        if (parse_time_flag("--to", v, &co->ro.to_ms))
                                return 2;
                } else if (!strcmp(name, "warm-from")) {
                        if (parse_time_flag("--warm-from", v, &co->ro.warm_from_ms))
                                return 2;
                } else if (!strcmp(name, "labels")) {
                        co->ro.labels = v;
                } else if (!strcmp(name, "report")) {
                        co->ro.report = v;
                } else if (!strcmp(name, "report-file")) {
                        co->ro.report_file = v;
                } else if (!strncmp(name, "kafka.", 6)) {
                        if (config_set(cfg, name, v, errstr, sizeof(errstr)) == -1)
                                return die(2, "%s", errstr);
                } else if (!config_find(name))
                        return die(2, "unknown option \"--%s\"%s", name, "");
                else if (config_set(cfg, name, v, errstr, sizeof(errstr)) == -1)
                        return die(2, "%s%s", errstr, "");
                if (!strcmp(name, "namespace"))
                        co->ro.ns = v;
                if (!strcmp(name, "topic"))
                        co->ro.topic = v;
                if (!strcmp(name, "redis-url") || !strcmp(name, "redis_url"))
                        co->ro.redis = v;
        }
        return 0;
}

/* Reads a whole file (or stdin for "-"). */
static char *read_all(const char *path, size_t *lenp)
{
        FILE *fp = (!path || !strcmp(path, "-")) ? stdin : fopen(path, "rb");
        size_t cap = 1 << 16, len = 0, got;
        char *buf, *nb;

        if (!fp)
                return NULL;
        buf = malloc(cap);
        while (buf && (got = fread(buf + len, 1, cap - len, fp)) > 0) {
                len += got;
                if (len == cap) {
                        cap *= 2;
                        nb = realloc(buf, cap);
                        if (!nb) {
                                free(buf);
                                buf = NULL;
                        }
                        buf = nb;
                }
        }
        if (fp != stdin)
                fclose(fp);
        *lenp = len;
        return buf;
}

static int cmd_analyze(const struct config *cfg, const struct cmdopts *co)
{
        const char *dir = cfg->lexicon_dir[0] ? cfg->lexicon_dir : lexicon_default_dir();
        struct article_limits al = {.max_bytes = (size_t)cfg->max_article_bytes};
        struct analyze_limits an = {.max_sentences = (size_t)cfg->max_sentences,
                                    .max_statements = (size_t)cfg->max_statements};
        struct stmt_list sl = {0};
        struct article *art = NULL;
        struct lexicon *lx = NULL;
        enum article_err aerr;
        char errstr[512], *buf;
        size_t len, i;
        int rc = 1;

        if (!(buf = read_all(co->file, &len)))
                return die(2, "%s: %s", co->file ? co->file : "-", strerror(errno));
        if (!(lx = lexicon_load(dir, errstr, sizeof(errstr)))) {
                rc = die(2, "%s%s", errstr, "");
                goto done;
        }
        if (article_parse(buf, len, 0, &al, &art, &aerr, errstr, sizeof(errstr)) == -1) {
                rc = die(1, "%s: %s", co->file ? co->file : "-", errstr);
                goto done;
        }
        if (analyze_article(lx, &an, art, &sl) == -1) {
                rc = die(1, "%s: out of memory%s", co->file ? co->file : "-", "");
                goto done;
        }
        for (i = 0; i < sl.n; i++) {
                json_t *o = stmt_to_json(&sl.v[i]);
                char *line;

                json_object_set_new(o, "article_id", json_string(art->id));
                line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
                if (line)
                        printf("%s\n", line);
                free(line);
                json_decref(o);
        }
        rc = 0;
done:
        stmt_list_free(&sl);
        article_free(art);
        lexicon_free(lx);
        free(buf);
        return rc;
}

static int cmd_replay(const struct config *cfg, struct cmdopts *co)
{
        struct sigaction sa;
        char errstr[512];
        int rc;

        if (co->file && !co->ro.input)
                co->ro.input = co->file;
        if (co->ro.warm_from_ms &&
            (!co->ro.from_ms || co->ro.warm_from_ms > co->ro.from_ms))
                return die(2, "--warm-from needs --from, and must not be after it");
        if (co->ro.from_ms && co->ro.to_ms && co->ro.to_ms <= co->ro.from_ms)
                return die(2, "--to must be after --from");
        if (!co->ro.input && !co->ro.topic)
                return die(2, "replay needs --input FILE or --brokers B --topic T%s%s",
                           "", "");
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        co->ro.running = &running;
        rc = replay_run(cfg, &co->ro, errstr, sizeof(errstr));
        if (rc == -3)
                return 130; /* interrupted, as a shell reports SIGINT */
        if (rc == -2)
                return die(2, "%s%s", errstr, "");
        if (rc == -1)
                return die(1, "%s%s", errstr, "");
        return 0;
}

static int cmd_run(const struct config *cfg)
{
        struct sigaction sa;
        char errstr[512];

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        if (worker_run(cfg, &running, errstr, sizeof(errstr)) == -1)
                return die(1, "%s%s", errstr, "");
        return 0;
}

static int cmd_notify(const struct config *cfg)
{
        struct sigaction sa;
        char errstr[512];
        int rc;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        rc = notify_run(cfg, &running, errstr, sizeof(errstr));
        if (rc < 0)
                return die(rc == -2 ? 2 : 1, "%s%s", errstr, "");
        return 0;
}

int main(int argc, char **argv)
{
        struct config cfg;
        struct cmdopts co = {0};
        const char *cmd = argc > 1 ? argv[1] : NULL;
        const char *usage;
        char errstr[512];
        int rc;

        if (!cmd || !strcmp(cmd, "--help") || !strcmp(cmd, "-h") ||
            !strcmp(cmd, "help")) {
                fputs(usage_main, cmd ? stdout : stderr);
                return cmd ? 0 : 2;
        }
        if (!strcmp(cmd, "--version")) {
                printf("claimwatch %s\n", CW_VERSION);
                return 0;
        }
        if (!strcmp(cmd, "analyze"))
                usage = usage_analyze;
        else if (!strcmp(cmd, "replay"))
                usage = usage_replay;
        else if (!strcmp(cmd, "run"))
                usage = usage_run;
        else if (!strcmp(cmd, "notify"))
                usage = usage_notify;
        else
                return die(2, "unknown command \"%s\" (try --help)%s", cmd, "");
        if (config_init(&cfg) == -1)
                return die(1, "out of memory%s%s", "", "");
        scan_config_flag(argc, argv, &co);
        if (co.help) {
                print_help(usage);
                config_clear(&cfg);
                return 0;
        }
        rc = 2;
        if (co.config_file &&
            config_load_file(&cfg, co.config_file, errstr, sizeof(errstr)) == -1)
                goto fail;
        if (config_load_env(&cfg, NULL, errstr, sizeof(errstr)) == -1)
                goto fail;
        if ((rc = parse_flags(argc, argv, &cfg, &co)) != 0) {
                config_clear(&cfg);
                return rc;
        }
        rc = 2;
        if (config_validate(&cfg, errstr, sizeof(errstr)) == -1)
                goto fail;
        if (log_setup(cfg.log_level, cfg.log_format) == -1) {
                snprintf(errstr, sizeof(errstr),
                         "log_level or log_format: unknown value");
                goto fail;
        }
        if (!strcmp(cmd, "analyze"))
                rc = cmd_analyze(&cfg, &co);
        else if (!strcmp(cmd, "replay"))
                rc = cmd_replay(&cfg, &co);
        else if (!strcmp(cmd, "notify"))
                rc = cmd_notify(&cfg);
        else
                rc = cmd_run(&cfg);
        config_clear(&cfg);
        return rc;
fail:
        config_clear(&cfg);
        return die(rc, "%s%s", errstr, "");
}
