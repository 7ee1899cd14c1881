#!/usr/bin/env bash
# Installs argus::trace from a build tree into a scratch prefix, then configures, builds and runs
# tests/consumer against it with find_package(argus). Usage: run.sh BUILD_DIR CXX_FLAGS
set -euo pipefail
build="$1"; flags="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$build/consumer-test"
rm -rf "$work"
cmake --install "$build" --prefix "$work/prefix" --component Unspecified >/dev/null
cmake -S "$here" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer"
