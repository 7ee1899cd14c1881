#!/usr/bin/env bash
# `make test`: install what is missing, build everything under AddressSanitizer and
# UndefinedBehaviorSanitizer, and run every test through CTest. Non-zero exit on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
scripts/npm-deps.sh
build="${ASAN_BUILD:-build-asan}"
gen=""; command -v ninja >/dev/null && gen="-G Ninja"
cmake -S . -B "$build" $gen -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DARGUS_SANITIZE=ON -DARGUS_BUILD_BENCH=OFF
cmake --build "$build" -j "$(nproc)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600 "$@"
