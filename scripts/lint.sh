#!/usr/bin/env bash
# lint.sh - the repository's static checks, run first by scripts/test.sh
# (so by CI): yamllint in strict mode (warnings fail too) with .yamllint;
# the shellcheck linter on every tracked shell script and .ci/run; the
# structural check of the Kubernetes manifests (deploy/check-k8s.py:
# Debian packages neither kustomize nor kubeconform).  Exits non-zero on
# any finding.
set -euo pipefail
cd "$(dirname "$0")/.."

rc=0

echo "== yamllint" >&2
yamllint -s . || rc=1

echo "== shellcheck" >&2
scripts=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        mapfile -t scripts < <(git ls-files '*.sh' .ci/run)
else
        mapfile -t scripts < <(find . -name '*.sh' -not -path './build*' -print; echo .ci/run)
fi
shellcheck "${scripts[@]}" || rc=1

echo "== deploy/k8s" >&2
python3 deploy/check-k8s.py || rc=1

[ "$rc" -eq 0 ] && echo "lint: clean" >&2
exit "$rc"
