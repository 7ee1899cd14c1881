#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets with Debian's clang-14 in build-fuzz (separate from
# the g++ builds) and runs each one for FUZZ_SECONDS (default 60) over a working copy of its
# checked-in seed corpus. New inputs land in build-fuzz/corpus/<target>, crashes in
# build-fuzz/artifacts/<target>/; any crash fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
build="${FUZZ_BUILD:-build-fuzz}"
scripts/deps.sh test
gen=""; command -v ninja >/dev/null && gen="-G Ninja"
CXX=clang++-14 cmake -S fuzz -B "$build" $gen -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j "$(nproc)"
targets=(fuzz_tracecontext fuzz_baggage fuzz_b3 fuzz_jaeger fuzz_composite fuzz_api fuzz_client_json
  fuzz_json_patch fuzz_form fuzz_dsn)
if [[ -n "${FUZZ_TARGETS:-}" ]]; then read -r -a targets <<<"$FUZZ_TARGETS"; fi
status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  echo "== $t for ${seconds}s"
  rc=0
  "$build/bin/$t" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" \
    "$build/corpus/$t" "fuzz/corpus/$t" >"$build/$t.log" 2>&1 || rc=$?
  grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)" "$build/$t.log" || true
  if [[ $rc -ne 0 ]]; then
    echo "fuzz.sh: $t FAILED with status $rc (see $build/$t.log, $build/artifacts/$t/)" >&2
    status=1
  fi
done
exit "$status"
