/* admin.h - the admin HTTP endpoint on its own port (libmicrohttpd):
 *   /metrics  Prometheus text (metrics.h)
 *   /healthz  200 while the worker loop's heartbeat is fresh, else 503
 *   /readyz   200 when partitions are assigned and Redis answers, else 503
 * Served from libmicrohttpd's own thread; the checks are callbacks. */
#ifndef CW_ADMIN_H
#define CW_ADMIN_H

#include <stddef.h>

struct admin;

struct admin_checks {
        /* Seconds since the worker loop last made progress. */
        double (*heartbeat_age)(void *opaque);
        /* 1 when ready; else 0 and a reason in why. */
        int (*ready)(void *opaque, char *why, size_t why_size);
        void *opaque;
        double max_heartbeat_age; /* /healthz fails above it; default 60 s */
};

/* Listens on hostport ("127.0.0.1:9464", ":9464", "[::1]:9464"). Returns a
 * new admin server or NULL with a message naming the address. */
struct admin *admin_new(const char *hostport, const struct admin_checks *checks,
                        char *errstr, size_t errstr_size);

/* The port actually bound (useful with port 0). */
int admin_port(const struct admin *ad);

/* Stops the server; accepts NULL. */
void admin_free(struct admin *ad);

#endif
