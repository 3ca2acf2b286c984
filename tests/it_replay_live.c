/* it_replay_live.c - `claimwatch replay --input FILE --live-sinks`
 * delivers the file's alerts through the configured webhook, directly
 * (no notify role), over loopback to a recording receiver; a receiver
 * that refuses (400) is logged and the replay still completes. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "httprecv.h"
#include "itutil.h"

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static const char *bin, *src;

/* Runs replay on the example thread with the webhook at url; stdout to
 * out, stderr to err. Returns the exit code. */
static int run(const char *url, const char *out, const char *err)
{
        char input[512];
        int status;
        pid_t pid;

        snprintf(input, sizeof(input), "%s/examples/thread.jsonl", src);
        if ((pid = fork()) == 0) {
                if (!freopen(out, "w", stdout) || !freopen(err, "w", stderr))
                        _exit(127);
                setenv("CLAIMWATCH_WEBHOOK_URL", url, 1);
                setenv("CLAIMWATCH_WEBHOOK_SECRET", SECRET, 1);
                setenv("CLAIMWATCH_HTTP_RETRY_FOR_MS", "2000", 1);
                execl(bin, bin, "replay", "--input", input, "--live-sinks", "--quiet",
                      "--log-format", "text", (char *)NULL);
                _exit(127);
        }
        waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int main(void)
{
        struct httprecv *hr = httprecv_start();
        struct hr_resp refuse = {.status = 400};
        char url[128], out[64], err[64], line[65536];
        size_t i, n_alerts = 0;
        char ids[8][64];
        FILE *fp;

        bin = getenv("CW_BIN");
        src = getenv("CW_SOURCE_DIR");
        if (!bin || !src || !hr) {
                fprintf(stderr, "CW_BIN and CW_SOURCE_DIR must be set (run via ctest)\n");
                return 1;
        }
        snprintf(out, sizeof(out), "it_replay_live.%ld.out", (long)getpid());
        snprintf(err, sizeof(err), "it_replay_live.%ld.err", (long)getpid());
        httprecv_url(hr, "/hook", url, sizeof(url));

        CHECK(run(url, out, err) == 0);
        fp = fopen(out, "r");
        while (fp && n_alerts < 8 && fgets(line, sizeof(line), fp)) {
                json_t *a = json_loads(line, 0, NULL);

                snprintf(ids[n_alerts++], sizeof(ids[0]), "%s",
                         json_string_value(json_object_get(a, "alert_id")));
                json_decref(a);
        }
        if (fp)
                fclose(fp);
        CHECK(n_alerts == 2);
        CHECK(httprecv_wait(hr, n_alerts, 5000) == n_alerts);
        CHECK(httprecv_count(hr) == n_alerts);
        for (i = 0; i < httprecv_count(hr) && i < n_alerts; i++) {
                const struct hr_req *r = httprecv_req(hr, i);

                CHECK_STR(r->method, "POST");
                CHECK_STR(r->path, "/hook");
                CHECK_STR(httprecv_header(r, "webhook-id"), ids[i]);
                CHECK(httprecv_header(r, "webhook-signature") != NULL &&
                      !strncmp(httprecv_header(r, "webhook-signature"), "v1,", 3));
                CHECK(r->body && strstr(r->body, ids[i]) != NULL);
        }

        /* a refusing receiver: logged, replay completes, alerts still on stdout */
        httprecv_route(hr, "/refuse", &refuse);
        httprecv_url(hr, "/refuse", url, sizeof(url));
        CHECK(run(url, out, err) == 0);
        CHECK(itu_file_has(err, "not delivered"));
        CHECK(itu_file_has(out, "\"kind\":\"denial\""));
        CHECK(itu_file_has(err, SECRET) == 0); /* secrets never logged */

        httprecv_stop(hr);
        unlink(out);
        unlink(err);
        return check_done("it_replay_live");
}
