#!/usr/bin/env bash
# replay_bench.sh - end-to-end replay throughput: N articles of about 3 KB
# (cut from a corpus of real news bodies) through `claimwatch replay
# --input` with the in-memory store, on one core.  Prints articles/s and
# MB/s from the replay's own JSON report (wall time, from the start of the
# replay to its report), and the process's CPU time (user+sys, whole
# process) with articles per CPU second, which moves less when others
# share the machine.
#   [RUNS=R] bench/replay_bench.sh [BIN] [CORPUS.csv] [N]
# Defaults: build/claimwatch, ../shared/eval/corpus/news-bodies.csv, 20000,
# one run; with RUNS > 1 a last line gives the range of each figure.
# MIMALLOC_LARGE_OS_PAGES defaults to 1, as in the container image (2 MB
# pages for mimalloc's heap: ~5% faster here, ~6 MB more RSS); set it to 0
# for the bare binary's default.
set -euo pipefail
export MIMALLOC_LARGE_OS_PAGES=${MIMALLOC_LARGE_OS_PAGES:-1}
bin=${1:-build/claimwatch}
corpus=${2:-../shared/eval/corpus/news-bodies.csv}
n=${3:-20000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$corpus" "$n" >"$tmp/articles.jsonl" <<'PY'
import csv, json, sys, time
csv.field_size_limit(1 << 30)
bodies = [r["articleBody"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
text = "\n\n".join(bodies)
n, size, pos = int(sys.argv[2]), 3000, 0
t0 = 1420070400
for i in range(n):
    if pos + size > len(text):
        pos = (pos * 7919 + 13) % (len(text) - size)
    body = text[pos:pos + size]
    pos += size
    print(json.dumps({"id": "bench-%d" % i, "source": "bench",
                      "published_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0 + 60 * i)),
                      "title": "", "body": body}))
PY
bytes=$(wc -c <"$tmp/articles.jsonl")
echo "replay_bench: $n articles, $((bytes / 1000000)) MB, MIMALLOC_LARGE_OS_PAGES=$MIMALLOC_LARGE_OS_PAGES" >&2
TIMEFORMAT='%3U %3S'
for _ in $(seq 1 "${RUNS:-1}"); do
        { time taskset -c 0 "$bin" replay --input "$tmp/articles.jsonl" --report json \
                --report-file "$tmp/report.json" >/dev/null; } 2>"$tmp/cpu"
        python3 - "$tmp/report.json" "$(tail -1 "$tmp/cpu")" <<'PY' | tee -a "$tmp/runs"
import json, sys
r = json.load(open(sys.argv[1]))
t = r["throughput"]
cpu = sum(float(x) for x in sys.argv[2].split())
print("replay_bench: %d articles, %d statements, %d alerts in %.2f s: %.0f articles/s, %.1f MB/s;"
      " cpu %.2f s: %.0f articles/cpu-s"
      % (r["articles"]["processed"], r["statements"], r["alerts"]["total"], t["seconds"],
         t["articles_per_s"], t["mb_per_s"], cpu, r["articles"]["processed"] / cpu))
PY
done
if [ "${RUNS:-1}" -gt 1 ]; then
        python3 - "$tmp/runs" <<'PY'
import re, sys
rows = [l for l in open(sys.argv[1]) if "articles/s" in l]
wall = [float(re.search(r"([0-9.]+) articles/s", l).group(1)) for l in rows]
cpu = [float(re.search(r"([0-9.]+) articles/cpu-s", l).group(1)) for l in rows]
print("replay_bench: %d runs: %.0f-%.0f articles/s (median %.0f), %.0f-%.0f articles/cpu-s (median %.0f)"
      % (len(rows), min(wall), max(wall), sorted(wall)[len(wall) // 2], min(cpu), max(cpu),
         sorted(cpu)[len(cpu) // 2]))
PY
fi
