/* sink_webhook.c - alerts to a generic webhook signed per the Standard
 * Webhooks spec (www.standardwebhooks.com): a POST of the alert JSON with
 *   webhook-id:        the alert id, the same on every retry, so a
 *                      receiver can drop a redelivery;
 *   webhook-timestamp: Unix seconds of this attempt;
 *   webhook-signature: "v1,<base64 HMAC-SHA256 of id.timestamp.body>"
 *                      per secret, space separated (key rotation).
 * A secret is "whsec_<base64>"; the HMAC key is the decoded bytes. */
#include "sinks.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sink_http.h"

#define KEY_MAX 256 /* bytes of a decoded secret */

struct sink_webhook {
        struct sink_http http; /* first: the sink handle points here */
        char **secrets;
        size_t n_secrets;
        const char *id; /* of the alert being posted */
};

/* Decodes the base64 after "whsec_" into key. Returns its length or -1. */
static int secret_key(const char *secret, unsigned char *key, size_t size)
{
        const char *b64;
        size_t n, pad = 0;
        int len;

        if (strncmp(secret, "whsec_", 6) != 0)
                return -1;
        b64 = secret + 6;
        n = strlen(b64);
        if (n == 0 || n % 4 != 0 || n / 4 * 3 > size)
                return -1;
        while (pad < 2 && b64[n - 1 - pad] == '=')
                pad++;
        len = EVP_DecodeBlock(key, (const unsigned char *)b64, (int)n);
        if (len < 0)
                return -1;
        return len - (int)pad;
}

/* Appends "v1,<signature>" of msg for one secret to out at *o. */
static int sign_one(const char *secret, const unsigned char *msg, size_t len, char *out,
                    size_t out_size, size_t *o)
{
        unsigned char key[KEY_MAX], md[EVP_MAX_MD_SIZE];
        unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
        unsigned int mdlen = 0;
        int klen = secret_key(secret, key, sizeof(key)), rc = -1, n;

        if (klen <= 0 || !HMAC(EVP_sha256(), key, klen, msg, len, md, &mdlen))
                goto done;
        EVP_EncodeBlock(b64, md, (int)mdlen);
        n = snprintf(out + *o, out_size - *o, "%sv1,%s", *o ? " " : "", b64);
        if (n < 0 || (size_t)n >= out_size - *o)
                goto done;
        *o += (size_t)n;
        rc = 0;
done:
        OPENSSL_cleanse(key, sizeof(key));
        return rc;
}

int sink_webhook_sign(const char *const *secrets, size_t n_secrets, const char *id,
                      const char *ts, const char *body, size_t len, char *out,
                      size_t out_size)
{
        size_t i, o = 0, idl = strlen(id), tsl = strlen(ts);
        unsigned char *msg;
        int rc = 0;

        if (out_size == 0 || n_secrets == 0)
                return -1;
        out[0] = '\0';
        /* the signed content: id "." timestamp "." body */
        if (!(msg = malloc(idl + tsl + len + 2)))
                return -1;
        memcpy(msg, id, idl);
        msg[idl] = '.';
        memcpy(msg + idl + 1, ts, tsl);
        msg[idl + 1 + tsl] = '.';
        memcpy(msg + idl + tsl + 2, body, len);
        for (i = 0; i < n_secrets && rc == 0; i++)
                rc = sign_one(secrets[i], msg, idl + tsl + len + 2, out, out_size, &o);
        free(msg);
        return rc;
}

static struct curl_slist *add(struct curl_slist *l, const char *h)
{
        struct curl_slist *n;

        if (!l)
                return NULL;
        if (!(n = curl_slist_append(l, h)))
                curl_slist_free_all(l);
        return n;
}

/* The headers of one attempt: a fresh timestamp and its signatures. */
static struct curl_slist *webhook_headers(void *ctx, const char *body, size_t len)
{
        struct sink_webhook *wh = ctx;
        char ts[24], hid[96], hts[64], *sig;
        size_t sig_size = 80 * wh->n_secrets + 32;
        struct curl_slist *l;

        snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
        snprintf(hid, sizeof(hid), "webhook-id: %s", wh->id);
        snprintf(hts, sizeof(hts), "webhook-timestamp: %s", ts);
        if (!(sig = malloc(sig_size + 32)))
                return NULL;
        strcpy(sig, "webhook-signature: ");
        if (sink_webhook_sign((const char *const *)wh->secrets, wh->n_secrets, wh->id, ts,
                              body, len, sig + strlen(sig), sig_size) < 0) {
                free(sig);
                return NULL;
        }
        l = curl_slist_append(NULL, "Content-Type: application/json");
        l = add(l, "Expect:"); /* no 100-continue round trip */
        l = add(l, hid);
        l = add(l, hts);
        l = add(l, sig);
        free(sig);
        return l;
}

static int webhook_publish(struct sink *sk, const struct alert *a, char *errstr,
                           size_t errstr_size)
{
        struct sink_webhook *wh = (struct sink_webhook *)sk;
        char *body = alert_dumps(a);
        int rc;

        if (!body) {
                snprintf(errstr, errstr_size, "sink %s: alert %s: out of memory",
                         sk->name, a->id);
                wh->http.for_good = 0;
                wh->http.reason = "oom";
                return -1;
        }
        wh->id = a->id;
        rc = sink_http_post(&wh->http, a->id, body, strlen(body), webhook_headers, wh,
                            errstr, errstr_size);
        wh->id = NULL;
        free(body);
        return rc;
}

static int webhook_flush(struct sink *sk, int timeout_ms, char *errstr,
                         size_t errstr_size)
{
        (void)sk;
        (void)timeout_ms;
        (void)errstr;
        (void)errstr_size;
        return 0; /* publish() returns only when done */
}

static void webhook_destroy(struct sink *sk)
{
        struct sink_webhook *wh = (struct sink_webhook *)sk;
        size_t i;

        for (i = 0; i < wh->n_secrets; i++) {
                memset(wh->secrets[i], 0, strlen(wh->secrets[i]));
                free(wh->secrets[i]);
        }
        free(wh->secrets);
        sink_http_clear(&wh->http);
        free(wh);
}

static const struct sink_ops webhook_ops = {
    .kind = "webhook",
    .publish = webhook_publish,
    .flush = webhook_flush,
    .destroy = webhook_destroy,
};

static int copy_secrets(struct sink_webhook *wh, const struct sink_conf *sc, char *errstr,
                        size_t errstr_size)
{
        unsigned char key[KEY_MAX];
        size_t i;

        if (sc->n_secrets == 0) {
                snprintf(errstr, errstr_size,
                         "sink %s: a webhook needs a secret (whsec_<base64>)", sc->name);
                return -1;
        }
        if (!(wh->secrets = calloc(sc->n_secrets, sizeof(*wh->secrets))))
                goto oom;
        for (i = 0; i < sc->n_secrets; i++) {
                if (secret_key(sc->secrets[i], key, sizeof(key)) <= 0) {
                        snprintf(errstr, errstr_size,
                                 "sink %s: secret %zu is not whsec_<base64> (at most %d "
                                 "bytes)",
                                 sc->name, i + 1, KEY_MAX);
                        OPENSSL_cleanse(key, sizeof(key));
                        return -1;
                }
                if (!(wh->secrets[i] = strdup(sc->secrets[i])))
                        goto oom;
                wh->n_secrets++;
        }
        OPENSSL_cleanse(key, sizeof(key));
        return 0;
oom:
        snprintf(errstr, errstr_size, "sink %s: out of memory", sc->name);
        return -1;
}

struct sink *sink_webhook_new(const struct sink_conf *sc, char *errstr,
                              size_t errstr_size)
{
        struct sink_webhook *wh = calloc(1, sizeof(*wh));

        if (!wh) {
                snprintf(errstr, errstr_size, "webhook sink: out of memory");
                return NULL;
        }
        if (sink_http_init(&wh->http, &webhook_ops, sc, errstr, errstr_size) < 0 ||
            copy_secrets(wh, sc, errstr, errstr_size) < 0) {
                webhook_destroy(&wh->http.sk);
                return NULL;
        }
        return &wh->http.sk;
}
