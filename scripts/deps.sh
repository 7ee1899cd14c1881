#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, only those that are missing.
# Usage: scripts/deps.sh [build|test|bench|run]   (non-interactive, idempotent)
set -euo pipefail
profile="${1:-build}"

build_pkgs=(build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libcrypt-dev zlib1g-dev libsqlite3-dev libpq-dev libmariadb-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev libgoogle-perftools-dev
  libgtest-dev libgmock-dev libbenchmark-dev)
test_pkgs=(clang-14 libclang-rt-14-dev postgresql mariadb-server curl openssl python3 python3-yaml)
bench_pkgs=(hey wrk)

pkgs=("${build_pkgs[@]}")
case "$profile" in
  test) pkgs+=("${test_pkgs[@]}") ;;
  bench) pkgs+=("${bench_pkgs[@]}") ;;
  build|run) ;;
  *) echo "deps.sh: unknown profile '$profile' (build|test|bench|run)" >&2; exit 2 ;;
esac

# Node.js may come from another packaging (its npm bundled): only install when the commands are absent.
if [[ "$profile" == test ]] && ! { command -v node && command -v npm; } >/dev/null; then
  pkgs+=(nodejs npm)
fi

missing=()
for p in "${pkgs[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "deps.sh: installing ${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Server packages must not start system-wide daemons: tests start their own on loopback.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
fi
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
