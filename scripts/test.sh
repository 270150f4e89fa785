#!/usr/bin/env bash
# The test command: installs what the suite needs (Debian packages), builds
# everything and runs every test with ctest. The suites start their own
# PostgreSQL (and, for connector tests, MariaDB) servers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
bash scripts/build.sh -DGOVSYNC_WERROR=ON
cd build
ctest --output-on-failure --timeout 1500 -j "$(nproc)"
