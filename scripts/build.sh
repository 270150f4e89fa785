#!/usr/bin/env bash
# Configures and builds govsync (Release) into ./build. Used by run.sh and
# test.sh; safe to run again (incremental).
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
elif [ $# -gt 0 ]; then
  # Options for a tree configured before (test.sh's -DGOVSYNC_WERROR=ON after run.sh) still apply.
  cmake -S . -B build "$@" >/dev/null
fi
cmake --build build --parallel "$(nproc)"
