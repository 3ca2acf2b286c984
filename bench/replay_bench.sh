#!/usr/bin/env bash
# replay_bench.sh - end-to-end replay throughput: N articles of about 3 KB
# (cut from a corpus of real news bodies) through `claimwatch replay
# --input` with the in-memory store, on one core.  Prints articles/s and
# MB/s from the replay's own JSON report.
#   bench/replay_bench.sh [BIN] [CORPUS.csv] [N]
# Defaults: build/claimwatch, ../shared/eval/corpus/news-bodies.csv, 20000.
set -euo pipefail
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
echo "replay_bench: $n articles, $((bytes / 1000000)) MB" >&2
taskset -c 0 "$bin" replay --input "$tmp/articles.jsonl" --report json \
        --report-file "$tmp/report.json" >/dev/null
python3 - "$tmp/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r["throughput"]
print("replay_bench: %d articles, %d statements, %d alerts in %.2f s: %.0f articles/s, %.1f MB/s"
      % (r["articles"]["processed"], r["statements"], r["alerts"]["total"], t["seconds"],
         t["articles_per_s"], t["mb_per_s"]))
PY
