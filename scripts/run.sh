#!/usr/bin/env bash
# The run command: installs the runtime packages, builds govsync and starts it
# on the embedded default (SQLite in ./data, gateway on 127.0.0.1).
# Extra arguments go to `govsync serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/cli/govsync serve "$@"
