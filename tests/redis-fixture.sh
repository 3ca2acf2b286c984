#!/usr/bin/env bash
# redis-fixture.sh start|stop PORT DIR - a throwaway redis-server on
# 127.0.0.1:PORT for the integration tests (no persistence).
set -eu
cmd=$1 port=$2 dir=$3
case $cmd in
start)
        command -v redis-server >/dev/null || { echo "redis-server not installed" >&2; exit 1; }
        mkdir -p "$dir"
        if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
                kill "$(cat "$dir/redis.pid")" || true
                sleep 0.3
        fi
        redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
                --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
                --dir "$dir"
        for _ in $(seq 50); do
                redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && exit 0
                sleep 0.1
        done
        echo "redis-server did not start on port $port (see $dir/redis.log)" >&2
        exit 1 ;;
stop)
        if [ -f "$dir/redis.pid" ]; then
                kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
                rm -f "$dir/redis.pid"
        fi ;;
*)
        echo "usage: $0 start|stop PORT DIR" >&2; exit 2 ;;
esac
