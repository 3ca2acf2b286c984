#!/bin/bash
# Container health probe for claimwatch (installed in the image as
# /usr/local/bin/claimwatch-healthcheck, used by the Dockerfile's
# HEALTHCHECK).  The runtime image has no curl, so this speaks just enough
# HTTP over bash's /dev/tcp: GET /healthz on the admin listener named by
# CLAIMWATCH_ADMIN (HOST:PORT, as the worker reads it) and succeed on 200.
#
# CLAIMWATCH_ADMIN unset or empty: there is no listener to ask, the probe
# says so and succeeds (health then only means "the process runs").
# A wildcard host (0.0.0.0, ::, empty) is probed on loopback.
#
# Exit: 0 healthy, 1 unhealthy (Docker's HEALTHCHECK convention).
set -u

admin=${CLAIMWATCH_ADMIN:-}
if [ -z "$admin" ]; then
        echo "claimwatch: CLAIMWATCH_ADMIN unset, no admin listener to probe"
        exit 0
fi

host=${admin%:*}
port=${admin##*:}
host=${host#[}
host=${host%]}
case $host in
"" | 0.0.0.0 | "*") host=127.0.0.1 ;;
:: ) host=::1 ;;
esac
case $port in
"" | *[!0-9]*)
        echo "claimwatch: CLAIMWATCH_ADMIN=$admin is not HOST:PORT" >&2
        exit 1
        ;;
esac

if ! { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
        echo "claimwatch: cannot connect to $host:$port" >&2
        exit 1
fi
printf 'GET /healthz HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$host" >&3
if ! IFS= read -r -t 4 status <&3; then
        echo "claimwatch: no answer from $host:$port/healthz" >&2
        exit 1
fi
status=${status%$'\r'}
case $status in
"HTTP/1."?" 200"*)
        echo "claimwatch: $status"
        exit 0
        ;;
esac
echo "claimwatch: /healthz answered \"$status\"" >&2
exit 1
