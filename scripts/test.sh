#!/usr/bin/env bash
# test.sh - the whole test suite, from a fresh Debian 12 machine: installs
# what is missing, runs the linters (scripts/lint.sh), builds twice (Release,
# and AddressSanitizer + UndefinedBehaviorSanitizer), both with -Werror, and
# runs every CTest test in both builds.
# CTest's fixtures start and stop redis-server on loopback; the
# integration tests run librdkafka's mock cluster themselves.
#   scripts/test.sh            both builds
#   CW_TEST_FAST=1 scripts/test.sh   the plain build only
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
echo "== lint" >&2
scripts/lint.sh
jobs=$(nproc 2>/dev/null || echo 2)

run_suite() { # build-dir port cmake-args...
        local dir=$1 port=$2
        shift 2
        cmake -S . -B "$dir" -DCW_WERROR=ON -DCW_TEST_REDIS_PORT="$port" "$@" >/dev/null
        cmake --build "$dir" -j "$jobs"
        ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

echo "== build and test (Release: -O3 also finds warnings -O2 does not)" >&2
run_suite build 26379 -DCMAKE_BUILD_TYPE=Release
if [ -z "${CW_TEST_FAST:-}" ]; then
        echo "== build and test (ASan + UBSan)" >&2
        run_suite build-asan 26381 -DCW_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
fi
