/* test_webhook_sig.c - Standard Webhooks signatures, checked against
 * values computed elsewhere and verified by a second implementation:
 *  1. the spec's published test vector;
 *  2. two secrets (rotation) over an alert-like body, pinned from
 *     Python's hmac/hashlib/base64;
 *  3. a real POST to the loopback receiver: webhook-id = alert id (also
 *     on a retry), a current webhook-timestamp, and every signature in
 *     webhook-signature verified here with OpenSSL's EVP_MAC API (not the
 *     HMAC() call the sink uses) over the bytes the receiver got;
 *  4. malformed secrets are refused without being echoed. */
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "httprecv.h"
#include "sinks.h"

#define SPEC_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define ROT_SECRET  "whsec_Y2xhaW13YXRjaCByb3RhdGlvbiB0ZXN0IGtleSwgMzJi"
#define ALERT_ID    "0123456789abcdef0123456789abcdef"

static void test_spec_vector(void)
{
        const char *secrets[1] = {SPEC_SECRET};
        const char *body = "{\"test\": 2432232314}";
        char out[256];

        CHECK(sink_webhook_sign(secrets, 1, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                                body, strlen(body), out, sizeof(out)) == 0);
        CHECK_STR(out, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

static void test_rotation_pinned(void)
{
        const char *secrets[2] = {SPEC_SECRET, ROT_SECRET};
        const char *body =
            "{\"alert_id\":\"" ALERT_ID "\",\"kind\":\"denial\",\"summary\":"
            "\"caf\xc3\xa9 & <b>\"}";
        char out[256], small[20];

        CHECK(sink_webhook_sign(secrets, 2, ALERT_ID, "1700000000", body, strlen(body),
                                out, sizeof(out)) == 0);
        /* python3: base64(hmac.new(key, b"id.ts." + body, sha256)) per key */
        CHECK_STR(out, "v1,wKrz8dClZIIkkWMQTpbngSqFt973mp/WIyI65SMPWHM= "
                       "v1,iIwIUHh/JYGhC8hpgqKcl+RH6Os3orHMczylXV+MoLE=");
        CHECK(sink_webhook_sign(secrets, 2, ALERT_ID, "1700000000", body, strlen(body),
                                small, sizeof(small)) == -1);
        secrets[1] = "whsec_not base64!";
        CHECK(sink_webhook_sign(secrets, 2, ALERT_ID, "1", body, strlen(body), out,
                                sizeof(out)) == -1);
}

/* The second implementation: decode with EVP_DecodeUpdate, MAC with
 * EVP_MAC ("HMAC", SHA256), encode with EVP_EncodeUpdate. */
static int verify_one(const char *secret, const char *id, const char *ts,
                      const char *body, size_t len, const char *sig_b64)
{
        unsigned char key[256], mac[64], enc[128];
        int klen = 0, tail = 0, elen = 0, etail = 0;
        size_t maclen = 0;
        EVP_ENCODE_CTX *dctx = EVP_ENCODE_CTX_new(), *ectx = EVP_ENCODE_CTX_new();
        EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
        EVP_MAC_CTX *mc = m ? EVP_MAC_CTX_new(m) : NULL;
        OSSL_PARAM params[2] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
            OSSL_PARAM_construct_end()};
        int ok = 0;

        EVP_DecodeInit(dctx);
        if (EVP_DecodeUpdate(dctx, key, &klen, (const unsigned char *)secret + 6,
                             (int)strlen(secret + 6)) < 0 ||
            EVP_DecodeFinal(dctx, key + klen, &tail) < 0)
                goto done;
        klen += tail;
        if (!mc || !EVP_MAC_init(mc, key, (size_t)klen, params) ||
            !EVP_MAC_update(mc, (const unsigned char *)id, strlen(id)) ||
            !EVP_MAC_update(mc, (const unsigned char *)".", 1) ||
            !EVP_MAC_update(mc, (const unsigned char *)ts, strlen(ts)) ||
            !EVP_MAC_update(mc, (const unsigned char *)".", 1) ||
            !EVP_MAC_update(mc, (const unsigned char *)body, len) ||
            !EVP_MAC_final(mc, mac, &maclen, sizeof(mac)))
                goto done;
        EVP_EncodeInit(ectx);
        EVP_EncodeUpdate(ectx, enc, &elen, mac, (int)maclen);
        EVP_EncodeFinal(ectx, enc + elen, &etail);
        elen += etail;
        while (elen > 0 && enc[elen - 1] == '\n')
                elen--;
        enc[elen] = '\0';
        ok = strcmp((const char *)enc, sig_b64) == 0;
done:
        EVP_MAC_CTX_free(mc);
        EVP_MAC_free(m);
        EVP_ENCODE_CTX_free(dctx);
        EVP_ENCODE_CTX_free(ectx);
        return ok;
}

/* Every "v1,..." in header verifies with the secret at the same index. */
static int verify_header(const char *header, const char *const *secrets, size_t n,
                         const char *id, const char *ts, const char *body, size_t len)
{
        char *copy = strdup(header), *save = NULL, *tok;
        size_t i = 0;
        int ok = 1;

        for (tok = strtok_r(copy, " ", &save); tok;
             tok = strtok_r(NULL, " ", &save), i++) {
                if (i >= n || strncmp(tok, "v1,", 3) != 0 ||
                    !verify_one(secrets[i], id, ts, body, len, tok + 3))
                        ok = 0;
        }
        free(copy);
        return ok && i == n;
}

static void make_alert(struct alert *a)
{
        memset(a, 0, sizeof(*a));
        snprintf(a->id, sizeof(a->id), ALERT_ID);
        a->kind = ALERT_DENIAL;
        a->level = ALERT_LEVEL_ALERT;
        a->subkind = "negation";
        a->doc =
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "schema", "claimwatch.alert/v1",
                      "alert_id", ALERT_ID, "kind", "denial", "level", "alert", "summary",
                      "Ruritania denies \xe2\x80\x9cselling rifles\xe2\x80\x9d");
}

static void test_over_http(void)
{
        const char *secrets[2] = {ROT_SECRET, SPEC_SECRET};
        struct hr_resp fail = {.status = 503};
        struct sink_conf sc = {.name = "hook",
                               .secrets = secrets,
                               .n_secrets = 2,
                               .level = ALERT_LEVEL_REVIEW,
                               .timeout_ms = 2000,
                               .backoff_ms = 50,
                               .backoff_max_ms = 100,
                               .retry_for_ms = 5000};
        struct httprecv *hr = httprecv_start();
        char url[128], err[512] = "";
        struct sink *sk;
        struct alert a;
        json_t *body;
        size_t i;

        CHECK(hr != NULL);
        if (!hr)
                return;
        httprecv_url(hr, "/hooks/claimwatch", url, sizeof(url));
        sc.url = url;
        make_alert(&a);
        sk = sink_webhook_new(&sc, err, sizeof(err));
        CHECK(sk != NULL);
        httprecv_push(hr, &fail, 1);
        CHECK(sk && sink_publish(sk, &a, err, sizeof(err)) == 0);
        CHECK(httprecv_count(hr) == 2); /* 503, then 200 */
        for (i = 0; i < httprecv_count(hr); i++) {
                const struct hr_req *q = httprecv_req(hr, i);
                const char *id = httprecv_header(q, "webhook-id");
                const char *ts = httprecv_header(q, "webhook-timestamp");
                const char *sig = httprecv_header(q, "webhook-signature");
                long long t = ts ? atoll(ts) : 0;

                CHECK_STR(q->method, "POST");
                CHECK_STR(q->path, "/hooks/claimwatch");
                CHECK_STR(id, ALERT_ID);
                CHECK(t > 0 && llabs(t - (long long)time(NULL)) <= 5);
                CHECK_STR(httprecv_header(q, "content-type"), "application/json");
                CHECK(sig && id && ts &&
                      verify_header(sig, secrets, 2, id, ts, q->body, q->body_len));
                /* a body changed by one byte does not verify */
                if (sig && id && ts && q->body_len > 2) {
                        q->body[1] ^= 1;
                        CHECK(!verify_header(sig, secrets, 2, id, ts, q->body,
                                             q->body_len));
                        q->body[1] ^= 1;
                }
                body = json_loadb(q->body, q->body_len, 0, NULL);
                CHECK_STR(json_string_value(json_object_get(body, "alert_id")), ALERT_ID);
                json_decref(body);
        }
        sink_free(sk);
        json_decref(a.doc);
        httprecv_stop(hr);
}

static void test_bad_secrets(void)
{
        const char *bad[3] = {"SEEKRIT-no-prefix", "whsec_SEEKRIT!!", "whsec_"};
        struct sink_conf sc = {
            .name = "hook", .url = "http://127.0.0.1:9/x", .n_secrets = 1};
        char err[512];
        size_t i;

        for (i = 0; i < 3; i++) {
                struct sink *sk;

                sc.secrets = &bad[i];
                err[0] = '\0';
                sk = sink_webhook_new(&sc, err, sizeof(err));
                CHECK(sk == NULL);
                CHECK(strstr(err, "whsec_<base64>") != NULL);
                CHECK(strstr(err, "SEEKRIT") == NULL);
                sink_free(sk);
        }
        sc.n_secrets = 0;
        CHECK(sink_webhook_new(&sc, err, sizeof(err)) == NULL);
}

int main(void)
{
        test_spec_vector();
        test_rotation_pinned();
        test_over_http();
        test_bad_secrets();
        return check_done("test_webhook_sig");
}
