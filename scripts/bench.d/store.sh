#!/usr/bin/env bash
# Storage-layer throughput (memory and SQLite file, tracing off/on): medians of 5 runs of
# build/bin/store_bench, printed as operations per second and CPU time per operation.
set -euo pipefail
build="${1:-build}"
bin="$build/bin/store_bench"
[[ -x "$bin" ]] || { echo "store bench: $bin not built, skipped"; exit 0; }
out="$build/bench-results"
mkdir -p "$out"
"$bin" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/store_bench.json" --benchmark_out_format=json >/dev/null 2>&1
python3 - "$out/store_bench.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
rows = [b for b in data["benchmarks"] if b.get("aggregate_name") == "median"]
print()
print(f"{'store operation (median of 5)':28} {'back end':18} {'ops/s':>12} {'CPU us/op':>10}")
for b in rows:
    op = b["run_name"].split("/")[0].removeprefix("BM_Store")
    print(f"{op:28} {b.get('label', ''):18} {b['ops/s']:12,.0f} {b['cpu_time'] / 1000:10.1f}")
PY
