#!/usr/bin/env bash
# Runs every benchmark and rewrites BENCHMARKS.md with the figures of this
# run only, each beside its baseline measured in the same run.
#   bench/run.sh [ROWS]      (default 1,000,000)
# GOVSYNC_BENCH_ONLY=gateway runs only the gateway benchmarks (bench/gateway_bench.sh)
# and replaces only the "## Gateway" section of BENCHMARKS.md, keeping the others.
# GOVSYNC_BENCH_BUILD=0 skips the build (benchmarks the binaries already in build/).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
only=${GOVSYNC_BENCH_ONLY:-}
case "$only" in
  "" | gateway) ;;
  *) echo "bench: GOVSYNC_BENCH_ONLY must be empty (everything) or gateway" >&2; exit 2 ;;
esac
# jq, bc, PostgreSQL, sqlite3, wrk and nginx come with the test packages.
if [ "$(id -u)" = 0 ]; then bash scripts/install-deps.sh --test; fi
if [ "${GOVSYNC_BENCH_BUILD:-1}" != 0 ]; then bash scripts/build.sh >/dev/null; fi
out=$(mktemp)
gateway=$(mktemp)
trap 'rm -f "$out" "$gateway"' EXIT

# --- gateway: feed pull vs nginx, push into SQLite / PostgreSQL, long-poll latency ---
if [ "$only" = gateway ]; then
  echo "bench: gateway only…" >&2
  bash bench/gateway_bench.sh "$gateway"
  [ -f BENCHMARKS.md ] || printf '# Benchmarks\n' >BENCHMARKS.md
  # The section in place of the old one (up to the next "## " heading), or at the end.
  awk -v section="$gateway" '
    function emit(  line) { while ((getline line < section) > 0) print line; close(section); done = 1 }
    /^## Gateway \(gateway issue\)$/ { emit(); skip = 1; next }
    skip && /^## / { skip = 0; print "" }
    !skip { print }
    END { if (!done) { print ""; emit() } }' BENCHMARKS.md >"$out"
  cp "$out" BENCHMARKS.md
  echo "bench: updated the gateway section of BENCHMARKS.md" >&2
  cat BENCHMARKS.md
  exit 0
fi

echo "bench: mapping (${rows} rows)…" >&2
build/bench/mapping_bench "$PWD" "$rows" 3 >"$out"
mapping=$(tail -n 1 "$out")
get() { echo "$mapping" | jq -r ".$1"; }

# --- connectors: PostgreSQL source through psqlODBC into nothing / SQLite / PostgreSQL ---
crows=${GOVSYNC_BENCH_CONNECTOR_ROWS:-$rows}
export GOVSYNC_TEST_PG_PORT=55441 GOVSYNC_TEST_TMP=/tmp/govsync-bench
bash tests/scripts/postgres.sh start >&2
pg="host=127.0.0.1 port=55441 user=govsync password=govsync-test"
psql "$pg dbname=govsync_test" -qc "DROP DATABASE IF EXISTS bench_src" -c "DROP DATABASE IF EXISTS bench_store" \
  -c "CREATE DATABASE bench_src" -c "CREATE DATABASE bench_store" >/dev/null
echo "bench: loading ${crows} source rows…" >&2
psql "$pg dbname=bench_src" -q -v ON_ERROR_STOP=1 -v rows="$crows" -f bench/source_hotline.sql >/dev/null
now() { date +%s.%N; }
rate() { echo "$1 / ($3 - $2)" | bc -l | xargs printf '%.0f'; }
t0=$(now); psql "$pg dbname=bench_src" -qc "\copy (SELECT * FROM hotline) TO '/dev/null'"; t1=$(now)
copy_out=$(rate "$crows" "$t0" "$t1")
driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so
odbc="Driver=$driver;Server=127.0.0.1;Port=55441;Database=bench_src;Uid=govsync;Pwd=govsync-test"
cb() {
  local line
  line=$(build/bench/connector_bench "$1" "$PWD" "$odbc" "$2")
  [ "$(echo "$line" | jq -r .rows)" = "$crows" ] || { echo "bench: connector_bench $1 read $(echo "$line" | jq -r .rows) of $crows rows" >&2; exit 1; }
  echo "$line"
}
echo "bench: connector → map only…" >&2
c_map=$(cb map -)
rm -f /tmp/govsync-bench-store.db*
echo "bench: connector → SQLite store…" >&2
c_sqlite=$(cb sqlite /tmp/govsync-bench-store.db)
echo "bench: connector → PostgreSQL store…" >&2
c_pg=$(cb postgres "$pg dbname=bench_store")
echo "bench: write baselines…" >&2
cb export /tmp/govsync-bench-mapped.csv >/dev/null
psql "$pg dbname=bench_store" -qc "DROP TABLE IF EXISTS mapped" -c "CREATE TABLE mapped (record_id TEXT PRIMARY KEY, body TEXT NOT NULL)"
t0=$(now); psql "$pg dbname=bench_store" -qc "\copy mapped FROM '/tmp/govsync-bench-mapped.csv' CSV"; t1=$(now)
copy_in=$(rate "$crows" "$t0" "$t1")
rm -f /tmp/govsync-bench-import.db
sqlite3 /tmp/govsync-bench-import.db "CREATE TABLE mapped (record_id TEXT PRIMARY KEY, body TEXT NOT NULL)"
t0=$(now); sqlite3 /tmp/govsync-bench-import.db -cmd ".mode csv" ".import /tmp/govsync-bench-mapped.csv mapped"; t1=$(now)
sqlite_import=$(rate "$crows" "$t0" "$t1")
rm -f /tmp/govsync-bench-mapped.csv /tmp/govsync-bench-import.db /tmp/govsync-bench-store.db*

# --- reviews: 好差评 statistics by the store on N reviews, SQLite and PostgreSQL ---
# Baseline in the same run: the simplest aggregate over the same index table
# (a month's count per department) in the sqlite3 / psql shells, best of 5.
review_n=${GOVSYNC_BENCH_REVIEWS:-$rows}
echo "bench: reviews (${review_n}) → SQLite store…" >&2
rm -f /tmp/govsync-bench-reviews.db*
r_sqlite=$(build/bench/review_stats_bench sqlite /tmp/govsync-bench-reviews.db "$review_n" | tail -n 1)
psql "$pg dbname=govsync_test" -qc "DROP DATABASE IF EXISTS bench_reviews" -c "CREATE DATABASE bench_reviews" >/dev/null
echo "bench: reviews (${review_n}) → PostgreSQL store…" >&2
r_pg=$(build/bench/review_stats_bench postgres "$pg dbname=bench_reviews" "$review_n" | tail -n 1)
# March 2026, Beijing time: the month review_stats_bench asks for.
march_from=$(($(date -d '2026-03-01T00:00:00+08:00' +%s) * 1000))
march_to=$(($(date -d '2026-04-01T00:00:00+08:00' +%s) * 1000))
plain="SELECT department, count(*) FROM reviews WHERE deleted = 0 AND evaluated_at >= $march_from AND evaluated_at < $march_to GROUP BY department"
sq_plain=$(for _ in 1 2 3 4 5; do printf '.timer on\n%s;\n' "$plain" | sqlite3 /tmp/govsync-bench-reviews.db |
  awk '/^Run Time:/ {print $4 * 1000}'; done | sort -g | head -n 1)
pg_plain=$(for _ in 1 2 3 4 5; do psql "$pg dbname=bench_reviews" -qc '\timing on' -c "$plain" | awk '/^Time:/ {print $2}'; done | sort -g | head -n 1)
rm -f /tmp/govsync-bench-reviews.db*
bash tests/scripts/postgres.sh stop >&2
echo "bench: gateway…" >&2
bash bench/gateway_bench.sh "$gateway"
cj() { echo "$1" | jq -r ".$2"; }
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }

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

## Connectors (connectors issue)

$(fmt "$crows") hotline rows in a PostgreSQL table (\`bench/source_hotline.sql\`), pulled by the \`odbc\` connector through
psqlODBC (key mode, batches of 5,000, declare/fetch), mapped with \`bench/hotline_bench.yaml\` and committed with their
checkpoint (\`build/bench/connector_bench\`, one process per mode, one run each). Baselines in the same run:
\`psql \\copy (SELECT …) TO /dev/null\` (the read limit); \`\\copy … FROM\` of the same mapped rows (record id + JSON) into a
PostgreSQL table with a primary key, and sqlite3 \`.import\` of them into an SQLite table with a primary key (the write limits).

| pull + map + commit into | rows/s | peak RSS | baseline | baseline rows/s | ratio |
|---|---:|---:|---|---:|---:|
| nothing (map only) | $(fmt "$(cj "$c_map" rows_per_s)") | $(cj "$c_map" peak_rss_mb) MB | psql \\copy out | $(fmt "$copy_out") | $(ratio "$(cj "$c_map" rows_per_s)" "$copy_out") |
| the SQLite store | $(fmt "$(cj "$c_sqlite" rows_per_s)") | $(cj "$c_sqlite" peak_rss_mb) MB | sqlite3 .import | $(fmt "$sqlite_import") | $(ratio "$(cj "$c_sqlite" rows_per_s)" "$sqlite_import") |
| the PostgreSQL store | $(fmt "$(cj "$c_pg" rows_per_s)") | $(cj "$c_pg" peak_rss_mb) MB | COPY FROM (primary key) | $(fmt "$copy_in") | $(ratio "$(cj "$c_pg" rows_per_s)" "$copy_in") |

Targets (issue): map only ≥ 50% of the psql rate; SQLite store ≥ 100% of sqlite3 .import; PostgreSQL store ≥ 50% of
COPY with a primary key; peak RSS < 200 MB whatever the table size.

## Reviews (reviews issue)

$(fmt "$(cj "$r_sqlite" reviews)") 好差评 reviews over 2026 (20 departments, 200 windows, 8 channels, ~4% bad — each bad one opens a
rectification due 5 working days later) committed into an empty store (\`build/bench/review_stats_bench\`, batches of
5,000, the review index written in the same transaction), then \`Store::reviewStats\` (count per level, satisfaction,
bad, rectifications due / on time / overdue — SQL aggregates over the review index), best of 5. Baseline in the same
run: the simplest aggregate over the same table — a month's count per department — in the \`sqlite3\` / \`psql\` shell, best of 5.

| measure | SQLite | PostgreSQL |
|---|---:|---:|
| load (commit with the index) | $(fmt "$(cj "$r_sqlite" load_reviews_per_second)") reviews/s | $(fmt "$(cj "$r_pg" load_reviews_per_second)") reviews/s |
| a month by department ($(fmt "$(cj "$r_sqlite" month_reviews)") reviews, $(cj "$r_sqlite" month_groups) groups) | $(cj "$r_sqlite" stats_month_by_department_ms) ms | $(cj "$r_pg" stats_month_by_department_ms) ms |
| baseline: a month's count per department (shell) | ${sq_plain} ms | ${pg_plain} ms |
| a month by window / by day | $(cj "$r_sqlite" stats_month_by_window_ms) / $(cj "$r_sqlite" stats_month_by_day_ms) ms | $(cj "$r_pg" stats_month_by_window_ms) / $(cj "$r_pg" stats_month_by_day_ms) ms |
| the whole year by department ($(fmt "$(cj "$r_sqlite" year_reviews)") reviews) | $(cj "$r_sqlite" stats_year_by_department_ms) ms | $(cj "$r_pg" stats_year_by_department_ms) ms |
| a page of the bad-review feed of one department | $(cj "$r_sqlite" review_feed_page_ms) ms | $(cj "$r_pg" review_feed_page_ms) ms |

Target (issue): a month's stats by department on 1,000,000 reviews well under a second.
MD
echo >>BENCHMARKS.md
cat "$gateway" >>BENCHMARKS.md
echo "bench: wrote BENCHMARKS.md" >&2
cat BENCHMARKS.md
