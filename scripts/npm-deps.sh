#!/usr/bin/env bash
# Installs the npm test peers (independent implementations the interop tests talk to) from the
# committed lock file. Idempotent: does nothing when node_modules matches the lock file.
set -euo pipefail
cd "$(dirname "$0")/../tests/interop"
if [[ -f node_modules/.package-lock.json ]] && cmp -s package-lock.json node_modules/.argus-lock; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json node_modules/.argus-lock
