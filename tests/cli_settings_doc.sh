#!/usr/bin/env bash
# cli_settings_doc.sh - the docs match the code: README.md's settings table
# (between <!-- settings:begin --> and <!-- settings:end -->) is what
# scripts/settings-doc.sh generates from `claimwatch run --help`, i.e. from
# the settings table in worker/config.c.  Also checks that the check can
# fail: a stale copy is caught, regenerating fixes it, and a file without
# the markers is an error.  To fix a failure: scripts/settings-doc.sh.
set -u
bin=${CW_BIN:?run via ctest}
src=${CW_SOURCE_DIR:?run via ctest}
gen=$src/scripts/settings-doc.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# want CODE what -- command...: the command exits CODE
want() {
        local code=$1 what=$2
        shift 3
        "$@" >"$tmp/out" 2>"$tmp/err"
        local rc=$?
        if [ "$rc" -eq "$code" ]; then
                ok
        else
                bad "$what: exited $rc, want $code: $(head -c 2000 "$tmp/err")"
        fi
}

want 0 "README.md's settings table is out of date (run scripts/settings-doc.sh)" -- \
        bash "$gen" --check --bin "$bin" --readme "$src/README.md"

# every setting of the help is in the README, by flag and variable
"$bin" run --help 2>/dev/null | awk '/^  --/ { print $1, $2 }' >"$tmp/flags"
if [ -s "$tmp/flags" ]; then ok; else bad "run --help lists no settings"; fi
while read -r flag env; do
        if grep -qF "| \`$env\` | \`$flag\` |" "$src/README.md"; then
                ok
        else
                bad "README.md lacks a row for $flag / $env"
        fi
done <"$tmp/flags"

# a stale table is caught, and regenerating makes it current
grep -v '^| .*CLAIMWATCH_TTL_DAYS' "$src/README.md" >"$tmp/stale.md"
if cmp -s "$src/README.md" "$tmp/stale.md"; then
        bad "could not make a stale copy (no ttl_days row?)"
fi
want 1 "--check on a stale table" -- bash "$gen" --check --bin "$bin" --readme "$tmp/stale.md"
if grep -q '^+| .*CLAIMWATCH_TTL_DAYS' "$tmp/err"; then
        ok
else
        bad "--check does not show the missing row"
fi
want 0 "regenerating" -- bash "$gen" --bin "$bin" --readme "$tmp/stale.md"
if cmp -s "$src/README.md" "$tmp/stale.md"; then ok; else bad "regenerated table differs"; fi
want 0 "--check after regenerating" -- bash "$gen" --check --bin "$bin" --readme "$tmp/stale.md"

# no markers: an error, and the file is left alone
printf '# no markers here\n' >"$tmp/plain.md"
want 2 "a file without markers" -- bash "$gen" --bin "$bin" --readme "$tmp/plain.md"
if [ "$(cat "$tmp/plain.md")" = "# no markers here" ]; then ok; else bad "file changed"; fi

echo "cli_settings_doc: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
