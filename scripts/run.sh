#!/usr/bin/env bash
# The run command: installs the runtime packages, builds govsync and starts the demo city on the
# embedded default — SQLite store in ./data, the shipped mappings, the gateway on 127.0.0.1 (HTTP 8080,
# Thrift 9090), four simulated legacy platforms that keep producing rows, a demo client key and
# copy-paste curl commands printed at start; Ctrl-C stops everything (demo/README.md).
#
#   ./scripts/run.sh [--http-port N] [--thrift-port N] [--data-dir DIR] [--tick SECONDS]   the demo city
#   ./scripts/run.sh --plain [--config FILE] [--data-dir DIR]     plain `govsync serve`, no demo
#
# Ports also from GOVSYNC_HTTP_PORT / GOVSYNC_THRIFT_PORT (demo/run-demo.sh --help lists every option).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The printed commands use curl and jq (small; not needed by govsync itself).
missing=()
for tool in curl jq; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "run.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
bash scripts/build.sh
if [ "${1:-}" = "--plain" ]; then
  shift
  exec build/cli/govsync serve "$@"
fi
exec bash demo/run-demo.sh "$@"
