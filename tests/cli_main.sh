#!/usr/bin/env bash
# cli_main.sh - the command line as users and tools call it: --help,
# exit codes 0/1/2 with one-line messages naming the bad input, and the
# zero-server paths (analyze, replay --input) on the project's examples.
# ok() cannot fail, so "check && ok || bad" is an if-then-else here:
# shellcheck disable=SC2015
set -u
bin=${CW_BIN:?run via ctest}
src=${CW_SOURCE_DIR:?run via ctest}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# expect CODE PATTERN -- command...: exit code and a stderr line matching PATTERN
expect() {
        local code=$1 pat=$2
        shift 3
        "$@" >"$tmp/out" 2>"$tmp/err"
        local rc=$?
        if [ "$rc" -ne "$code" ]; then
                bad "$* exited $rc, want $code; stderr: $(head -c 300 "$tmp/err")"
        elif [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/err"; then
                bad "$*: stderr lacks '$pat': $(head -c 300 "$tmp/err")"
        else
                ok
        fi
}

expect 0 "" -- "$bin" --help
grep -q "replay" "$tmp/out" && ok || bad "--help does not list replay"
expect 0 "" -- "$bin" run --help
grep -q -- "--alerts-topic" "$tmp/out" && grep -q CLAIMWATCH_ALERTS_TOPIC "$tmp/out" && ok ||
        bad "run --help lacks --alerts-topic / CLAIMWATCH_ALERTS_TOPIC"
expect 0 "" -- "$bin" replay --help
expect 0 "" -- "$bin" analyze --help
expect 2 "" -- "$bin"
expect 2 "frobnicate" -- "$bin" frobnicate
expect 2 "no-such-flag" -- "$bin" replay --no-such-flag 1
expect 2 "missing.jsonl" -- "$bin" replay --input "$tmp/missing.jsonl"
expect 2 "needs --input" -- "$bin" replay
expect 2 "batch" -- "$bin" replay --batch-size banana --input "$src/examples/thread.jsonl"
expect 2 "from" -- "$bin" replay --input "$src/examples/thread.jsonl" --from yesterday

echo '{"batch_size": 10, "no_such_key": 1}' >"$tmp/bad.json"
expect 2 "no_such_key" -- "$bin" replay --config "$tmp/bad.json" --input "$src/examples/thread.jsonl"
echo '{"batch_size": ' >"$tmp/broken.json"
expect 2 "broken.json" -- "$bin" replay --config "$tmp/broken.json" --input "$src/examples/thread.jsonl"
expect 2 "nope.json" -- "$bin" run --config "$tmp/nope.json"
CLAIMWATCH_BATCH_SIZE=0 expect 2 "BATCH_SIZE" -- "$bin" replay --input "$src/examples/thread.jsonl"

# runtime failure: Redis not listening on a loopback port -> exit 1
expect 1 "" -- "$bin" replay --input "$src/examples/thread.jsonl" --redis redis://127.0.0.1:1/0

# the zero-server paths
expect 0 "" -- "$bin" analyze "$src/examples/dateline.txt"
[ -s "$tmp/out" ] && python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out" &&
        ok || bad "analyze output is not JSON lines"
# the worked example, in our words: North Korea (KP) denies, South Korea
# (KR) reports, one proposition: KP supplies weapons to RU
python3 - "$tmp/out" <<'PY' && ok || bad "analyze: worked example statements"
import json, sys
st = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
key = lambda s: (s["proposition"]["frame"], s["proposition"]["agent"], s["proposition"]["patient"], s["proposition"]["theme"])
want = ("transfer", "KP", "RU", "weapons")
assert any(s["speaker"]["id"] == "KP" and s["stance"] == "deny" and key(s) == want for s in st), st
assert any(s["speaker"]["id"] == "KR" and s["stance"] != "deny" and s["polarity"] == "positive" and key(s) == want for s in st), st
PY
expect 0 "replay report" -- "$bin" replay --input "$src/examples/thread.jsonl"
python3 - "$tmp/out" <<'PY' && ok || bad "replay of the example thread: wrong alerts"
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
pairs = sorted((a["kind"], a["article"]["id"], a["against"]["article"]["id"]) for a in alerts)
want = [("contradiction", "example-3", "example-2"), ("denial", "example-2", "example-1")]
if pairs != want:
    sys.exit("got %r" % pairs)
PY
# stdin and --output
"$bin" replay --input - --output "$tmp/alerts.jsonl" <"$src/examples/thread.jsonl" >"$tmp/out" 2>/dev/null
[ ! -s "$tmp/out" ] && [ "$(grep -c . "$tmp/alerts.jsonl")" -eq 2 ] && ok ||
        bad "replay --input - --output FILE"
# bad lines in a file are reported and skipped, good ones still alert
{ head -n 1 "$src/examples/thread.jsonl"; cat "$src/examples/bad-messages.txt";
  tail -n 2 "$src/examples/thread.jsonl"; } >"$tmp/mixed.jsonl"
expect 0 "rejected" -- "$bin" replay --input "$tmp/mixed.jsonl"
[ "$(grep -c . "$tmp/out")" -eq 2 ] && ok || bad "mixed file: want 2 alerts"
# dateline text through replay (the denial names the claim in the same article)
expect 0 "" -- "$bin" replay --input "$src/examples/dateline.txt"
grep -q '"kind":"denial"' "$tmp/out" && ok || bad "dateline article: no denial alert"

# --labels: a hand-computed case. Alerts: denial example-2>example-1,
# contradiction example-3>example-2. Labels: the denial (hit), the
# contradiction against the wrong article (miss + false alarm), and one
# alert that never comes (miss): tp 1, fp 1, fn 2 -> P 0.5, R 1/3, F1 0.4;
# denial: tp 1, fn 1 -> F1 2/3; contradiction: tp 0, fp 1, fn 1.
cat >"$tmp/labels.jsonl" <<'L'
{"article": "example-2", "kind": "denial", "against": ["example-1"]}
{"article": "example-3", "kind": "contradiction", "against": ["example-1"]}
{"article": "example-9", "kind": "denial", "against": ["example-8"]}
L
expect 0 "" -- "$bin" replay --input "$src/examples/thread.jsonl" --labels "$tmp/labels.jsonl" --report json
python3 - "$tmp/err" <<'PY' && ok || bad "--labels scoring"
import json, sys
rep = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
lab = rep["labels"]
o, d, c = lab["overall"], lab["by_kind"]["denial"], lab["by_kind"]["contradiction"]
assert (o["tp"], o["fp"], o["fn"]) == (1, 1, 2), o
assert abs(o["precision"] - 0.5) < 1e-9 and abs(o["recall"] - 1/3) < 1e-9 and abs(o["f1"] - 0.4) < 1e-9, o
assert (d["tp"], d["fp"], d["fn"]) == (1, 0, 1) and abs(d["f1"] - 2/3) < 1e-9, d
assert (c["tp"], c["fp"], c["fn"]) == (0, 1, 1) and c["f1"] == 0, c
assert sorted(m["article"] for m in lab["misses"]) == ["example-3", "example-9"], lab["misses"]
assert [(f["article"], f["against"]) for f in lab["false_alarms"]] == [("example-3", "example-2")], lab
PY
expect 0 "against labels" -- "$bin" replay --input "$src/examples/thread.jsonl" --labels "$tmp/labels.jsonl"
grep -q "missed *denial example-9" "$tmp/err" && ok || bad "text report lists misses"
expect 2 "nope.jsonl" -- "$bin" replay --input "$src/examples/thread.jsonl" --labels "$tmp/nope.jsonl"
expect 2 "report" -- "$bin" replay --input "$src/examples/thread.jsonl" --report xml
expect 2 "warm-from" -- "$bin" replay --input "$src/examples/thread.jsonl" --warm-from 2024-01-01

# regression (found by fuzz_analyze): a publication name longer than the
# speaker field, in multibyte characters, was cut in half a character; the
# statement then could not be serialized and replay failed the batch
python3 - >"$tmp/longname.jsonl" <<'PY'
import json
src = "Agence " + "\u00e9" * 80
print(json.dumps({"id": "ln-1", "source": src, "published_at": "2024-01-01T00:00:00Z",
                  "title": "Report: Iran sent drones to Russia", "body": ""}))
print(json.dumps({"id": "ln-2", "source": src, "published_at": "2024-01-02T00:00:00Z",
                  "title": "Iran denied that it had supplied drones to Russia", "body": ""}))
PY
expect 0 "" -- "$bin" replay --input "$tmp/longname.jsonl" --quiet
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out" && ok ||
        bad "long multibyte source name: alerts are not JSON"
head -n 1 "$tmp/longname.jsonl" >"$tmp/longname1.json"
expect 0 "" -- "$bin" analyze "$tmp/longname1.json"
[ -s "$tmp/out" ] && ok || bad "long multibyte source name: analyze printed no statement"

# regression: two sentences of one article deny the same claim, the weaker
# (a quote) first: one alert, the stronger; dropping the weaker one used to
# free it while it was still being compared (use after free)
cat >"$tmp/dedup.jsonl" <<'J'
{"id": "dd-1", "source": "Desk", "published_at": "2024-03-04T09:00:00Z", "title": "", "body": "South Korea's defence ministry said on Monday that North Korea has shipped thousands of containers of artillery shells to Russia."}
{"id": "dd-2", "source": "Desk", "published_at": "2024-03-06T14:30:00Z", "title": "", "body": "\"We have never sent arms or ammunition to Russia,\" a spokesperson for the DPRK foreign ministry told the state news agency KCNA. North Korea denied on Wednesday that it had supplied weapons to Russia."}
J
expect 0 "" -- "$bin" replay --input "$tmp/dedup.jsonl" --quiet
python3 - "$tmp/out" <<'PY' && ok || bad "one alert per article and claim, the strongest"
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert [(a["kind"], a["article"]["id"], a["against"]["article"]["id"]) for a in alerts] == [("denial", "dd-2", "dd-1")], alerts
assert alerts[0]["statement"]["stance"] == "deny", alerts[0]["statement"]
PY

# a party's own account of its conduct ("followed all the rules") against a
# later report of a sanction ("was fined"): following the rules denies
# breaking them, and the sanction contradicts that denial
cat >"$tmp/conduct.jsonl" <<'J'
{"id": "cd-1", "source": "Desk", "published_at": "2024-05-01T09:00:00Z", "title": "", "body": "Acme Corp said it had followed all the rules during the audit."}
{"id": "cd-2", "source": "Desk", "published_at": "2024-06-01T09:00:00Z", "title": "", "body": "Acme Corp was fined by regulators on Tuesday."}
J
expect 0 "" -- "$bin" replay --input "$tmp/conduct.jsonl" --quiet
python3 - "$tmp/out" <<'PY' && ok || bad "conduct vouched for, then a sanction: one contradiction"
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert [(a["kind"], a["article"]["id"], a["against"]["article"]["id"]) for a in alerts] == [("contradiction", "cd-2", "cd-1")], alerts
assert "contradicts the denial by Acme Corp on 2024-05-01 that Acme Corp broke the rules" in alerts[0]["summary"], alerts[0]["summary"]
PY

# A file is read through a 1 MB window, twice (collect, then in
# published_at order); a pipe is read whole.  Both must give the same
# alerts: ~3 MB of articles, published in reverse file order (so the
# second pass reads backwards, an article at a time), lines crossing the
# window's edges, one line longer than the window (1.5 MB: too large by
# default, reported by its line number; accepted with a larger limit).
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
lines = []
for i in range(4000):
    who, what = ["Acme Corp", "Borel Ltd", "Caspian Oil"][i % 3], ["rifles", "drones", "shells"][i % 7 % 3]
    body = ("Officials said %s had sold %s to Chile, according to a report %d. " % (who, what, i)
            + ("%s denied selling %s to Chile. " % (who, what) if i % 5 == 0 else "")
            + "The talks went on for hours. " * (i % 23))
    lines.append(json.dumps({"id": "win-%d" % i, "source": "Desk %d" % (i % 4),
                             "published_at": "2024-03-%02dT%02d:%02d:00Z" % (28 - i // 1440 % 28, 23 - i // 60 % 24, 59 - i % 60),
                             "title": "", "body": body}))
big = json.dumps({"id": "win-big", "source": "Desk", "published_at": "2024-01-01T00:00:00Z",
                  "title": "", "body": "Acme Corp denied selling drones to Chile. " + "x " * 750000})
lines.insert(2, big)
open(tmp + "/win.jsonl", "w").write("\n".join(lines))  # no newline at the end
PY
expect 0 "line 3 rejected" -- "$bin" replay --input "$tmp/win.jsonl" --report json --report-file "$tmp/win-file.json"
sed -E 's/"detected_at":"[^"]*"//' "$tmp/out" | sort >"$tmp/win-file.out"
"$bin" replay --input - --report json --report-file "$tmp/win-pipe.json" <"$tmp/win.jsonl" 2>/dev/null |
        sed -E 's/"detected_at":"[^"]*"//' | sort >"$tmp/win-pipe.out"
python3 - "$tmp/win-file.json" "$tmp/win-pipe.json" <<'PY' && cmp -s "$tmp/win-file.out" "$tmp/win-pipe.out" &&
import json, sys
f, p = (json.load(open(a)) for a in sys.argv[1:3])
assert f["articles"]["processed"] == 4000 and f["articles"]["rejected"] == 1, f["articles"]
assert f["articles"] == p["articles"] and f["alerts"]["total"] == p["alerts"]["total"] > 50, (f, p)
PY
        ok || bad "replay of a file through the window differs from a pipe"
expect 0 "" -- "$bin" replay --input "$tmp/win.jsonl" --max-article-bytes 2000000 --report json --report-file "$tmp/win-big.json"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["articles"]; assert a["processed"] == 4001 and a["rejected"] == 0, a' \
        "$tmp/win-big.json" && ok || bad "a 1.5 MB line with --max-article-bytes 2000000"

# SIGINT stops a long replay after the current batch: exit 130, the report
# of the articles done so far, and only whole alert lines on stdout.  The
# input takes several seconds even in a Release build on a fast machine
# (about 40,000 of these articles a second), so the signal always comes
# first.
python3 - >"$tmp/long.jsonl" <<'PY'
import json
body = ("Officials in Lima said on Monday that Peru had sold rifles to Chile. "
        "Chile denied buying rifles from Peru. ") * 4
for i in range(150000):
    print(json.dumps({"id": "long-%d" % i, "source": "Desk",
                      "published_at": "2024-01-01T00:%02d:%02dZ" % (i // 60 % 60, i % 60),
                      "title": "", "body": body}))
PY
"$bin" replay --input "$tmp/long.jsonl" >"$tmp/long.out" 2>"$tmp/long.err" &
rpid=$!
sleep 1.5
kill -INT "$rpid"
rc=0
wait "$rpid" || rc=$?
if [ "$rc" -eq 130 ] && grep -q "interrupted" "$tmp/long.err" &&
   grep -q "replay report" "$tmp/long.err" &&
   python3 - "$tmp/long.out" "$tmp/long.err" <<'PY'
import json, re, sys
for l in open(sys.argv[1]):
    json.loads(l)
m = re.search(r"processed (\d+)", open(sys.argv[2]).read())
assert m and int(m.group(1)) < 150000, m and m.group(1)
PY
then ok; else bad "SIGINT during replay: exit $rc, report and whole lines expected"; fi

echo "cli_main: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
