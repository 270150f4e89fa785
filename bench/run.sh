#!/usr/bin/env bash
# Runs every benchmark and rewrites BENCHMARKS.md with the figures of this
# run only, each beside its baseline measured in the same run.
#   bench/run.sh [ROWS]      (default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
command -v jq >/dev/null || { echo "bench/run.sh: jq is needed (apt-get install jq)" >&2; exit 1; }
bash scripts/build.sh >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "bench: mapping (${rows} rows)…" >&2
build/bench/mapping_bench "$PWD" "$rows" 3 >"$out"
mapping=$(tail -n 1 "$out")
get() { echo "$mapping" | jq -r ".$1"; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
cores=$(nproc)
date=$(date -u +%Y-%m-%dT%H:%MZ)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
fmt() { printf "%'d" "$1"; }

cat > BENCHMARKS.md <<MD
# Benchmarks

Written by \`bench/run.sh\` — every figure below is from its last run; nothing is copied from elsewhere.
Medians of 3 runs; these machines are noisy, so read ratios, not single figures.

- Date: ${date} (commit ${rev})
- Machine: ${cpu}, ${cores} cores
- Command: \`bench/run.sh ${rows}\`

## Mapping engine (mappings issue)

The 12345 hotline mapping \`bench/hotline_bench.yaml\` ($(get mapping); 16 fields: renames, trim, time parse,
code maps, a code-table lookup, phone/ID/name masking, BD-09 → WGS-84) on $(fmt "$(get rows)") synthetic rows,
single thread (\`build/bench/mapping_bench\`). The baseline is the same transform in jq
(\`bench/hotline_bench.jq\`, run by jq on a 1/10 sample of the same NDJSON file, in the same run).

| measure | rows/s | baseline (jq, same NDJSON) | ratio |
|---|---:|---:|---:|
| from already-decoded rows | $(fmt "$(get decoded_rows_per_s)") | — | — |
| from NDJSON text (parse + map) | $(fmt "$(get ndjson_rows_per_s)") | $(fmt "$(get jq_rows_per_s)") | $(get ndjson_vs_jq)× |

Targets (issue): ≥ 1,000,000 rows/s from decoded rows; ≥ 30× jq from NDJSON.
MD
echo "bench: wrote BENCHMARKS.md" >&2
cat BENCHMARKS.md
