#!/usr/bin/env bash
# `make run`: start the main program on embedded defaults.
set -euo pipefail
build="${1:-build}"
if [[ -x "$build/bin/argus" ]]; then
  exec "$build/bin/argus" serve all --dev
fi
exec "$build/bin/argus-example"
