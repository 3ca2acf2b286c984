#!/usr/bin/env bash
# demo.sh - the main job on one machine, from a fresh Debian 12: installs
# what is missing, builds, starts redis-server and a Kafka-protocol broker
# (librdkafka's mock cluster, tools/mockbroker.c) on loopback, produces the
# example articles to news.articles, runs `claimwatch run` on them, shows
# the alerts it published to news.factcheck.alerts, and stops everything.
#   scripts/demo.sh [ARTICLES.jsonl]     (default: examples/thread.jsonl)
set -euo pipefail
cd "$(dirname "$0")/.."
input=${1:-examples/thread.jsonl}
[ -r "$input" ] || { echo "demo: cannot read $input" >&2; exit 2; }

scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

tmp=$(mktemp -d)
pids=()
cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        wait 2>/dev/null || true
        if [ -f "$tmp/redis.pid" ]; then
                kill "$(cat "$tmp/redis.pid")" 2>/dev/null || true
        fi
        rm -rf "$tmp"
}
trap cleanup EXIT

port=$((20000 + RANDOM % 10000))
redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
        --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log" --dir "$tmp"
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "demo: redis-server on 127.0.0.1:$port" >&2

build/cw-mockbroker --partitions 1 --topic news.articles --topic news.factcheck.alerts \
        --topic news.articles.dlq --port-file "$tmp/boot" >"$tmp/broker.out" 2>"$tmp/broker.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/boot" ] && break; sleep 0.1; done
boot=$(cat "$tmp/boot")
echo "demo: Kafka-protocol broker (mock cluster) at $boot" >&2

n=$(grep -c . "$input")
grep . "$input" | kcat -b "$boot" -P -t news.articles -p 0 2>/dev/null
echo "demo: produced $n article(s) from $input to news.articles" >&2

build/claimwatch run --brokers "$boot" --redis-url "redis://127.0.0.1:$port/0" \
        --group demo --log-format text --batch-timeout-ms 200 2>"$tmp/worker.log" &
worker=$!
pids+=("$worker")

# Wait until alerts stop arriving (three quiet checks after the first), 60 s at most.
alerts=0 quiet=0
for _ in $(seq 120); do
        sleep 0.5
        kill -0 "$worker" 2>/dev/null || break
        got=$(kcat -b "$boot" -C -t news.factcheck.alerts -e -q -f '%o\n' 2>/dev/null | wc -l)
        if [ "$got" -gt 0 ] && [ "$got" -eq "$alerts" ]; then
                quiet=$((quiet + 1))
                [ "$quiet" -ge 3 ] && break
        else
                quiet=0
        fi
        alerts=$got
done
kill -TERM "$worker"
wait "$worker" || { echo "demo: worker failed:" >&2; cat "$tmp/worker.log" >&2; exit 1; }

echo "demo: alerts on news.factcheck.alerts:" >&2
kcat -b "$boot" -C -t news.factcheck.alerts -e -q -f '%s\n' 2>/dev/null |
        python3 -c '
import json, sys
for line in sys.stdin:
    a = json.loads(line)
    print("[%s/%s %s %.2f] %s" % (a["kind"], a["subkind"], a["level"], a["confidence"], a["summary"]))
    print("    new:     %s (%s): %s" % (a["article"]["id"], a["statement"]["speaker"]["name"], a["statement"]["text"][:160]))
    print("    against: %s (%s): %s" % (a["against"]["article"]["id"], a["against"]["statement"]["speaker"]["name"], a["against"]["statement"]["text"][:160]))
    print("    json: %s" % line.strip()[:300] + ("…" if len(line) > 300 else ""))
'
echo "demo: worker log (last lines):" >&2
tail -n 5 "$tmp/worker.log" >&2
