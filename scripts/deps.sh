#!/usr/bin/env bash
# deps.sh - installs the Debian 12 packages claimwatch needs to build, test
# (including the linters scripts/lint.sh runs) and run its demo, when any is
# missing. Needs root (or sudo) and apt-get.
set -euo pipefail

pkgs=(build-essential cmake pkg-config
      librdkafka-dev libhiredis-dev libjansson-dev libcurl4-openssl-dev libssl-dev
      libutf8proc-dev wordnet-dev wordnet-base libmimalloc-dev iso-codes
      libmicrohttpd-dev redis-server redis-tools kcat python3
      yamllint shellcheck python3-yaml)

missing=()
for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
                missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
