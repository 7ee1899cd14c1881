#!/usr/bin/env bash
# `make bench`: run the Google Benchmark suite (repetitions, medians only) and print a table.
set -euo pipefail
build="${1:-build}"
out="$build/bench-results"
mkdir -p "$out"
"$build/bin/trace_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/trace_bench.json" --benchmark_out_format=json >/dev/null
python3 - "$out/trace_bench.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
rows = [b for b in data["benchmarks"] if b.get("aggregate_name") == "median"]
print(f"{'benchmark (median of 5)':44} {'ns/op':>10} {'extra counters'}")
for b in rows:
    extra = {k: v for k, v in b.items() if k not in (
        "name", "run_name", "run_type", "repetitions", "threads", "aggregate_name", "aggregate_unit",
        "iterations", "real_time", "cpu_time", "time_unit", "family_index",
        "per_family_instance_index", "repetition_index")}
    counters = "  ".join(f"{k}={v:,.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in extra.items())
    print(f"{b['run_name']:44} {b['cpu_time']:10.1f} {counters}")
PY
for extra in scripts/bench.d/*.sh; do
  [[ -x "$extra" ]] && "$extra" "$build"
done
exit 0
