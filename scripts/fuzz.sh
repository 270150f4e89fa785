#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ and runs
# each for the given seconds (default 60), seeded with the shipped mappings
# and samples. Exits non-zero on any crash, leak, timeout or sanitizer report.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_mapping_compiler fuzz_mapping_rows)
src=$(pwd)
build=${GOVSYNC_FUZZ_BUILD:-$src/build-fuzz}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" "${generator[@]}" -DGOVSYNC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target "${targets[@]}" --parallel "$(nproc)" >/dev/null
export GOVSYNC_SOURCE_DIR=$src
for t in "${targets[@]}"; do
  corpus=$(mktemp -d)
  case "$t" in
    fuzz_mapping_compiler) cp mappings/platforms/*.yaml "$corpus"/ ;;
    fuzz_mapping_rows)
      i=0
      for f in mappings/samples/*.ndjson; do head -c 4000 "$f" | { printf '\0'; cat; } >"$corpus/json$i"; i=$((i+1)); done
      for f in mappings/samples/hotline_12345.csv; do head -c 4000 "$f" | { printf '\1'; cat; } >"$corpus/csv$i"; i=$((i+1)); done
      ;;
  esac
  echo "fuzz: $t for ${seconds}s"
  log=$(mktemp)
  artifacts=${GOVSYNC_FUZZ_ARTIFACTS:-$build/fuzz-artifacts}/
  mkdir -p "$artifacts"
  if ! "$build/tests/fuzz/$t" "$corpus" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 -max_len=65536 \
      -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $t FAILED (reproducer in $artifacts)"
    exit 1
  fi
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$log" | tr '\n' ' '
  echo
  echo "fuzz: $t passed"
  rm -rf "$corpus" "$log"
done
