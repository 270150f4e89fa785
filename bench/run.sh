#!/usr/bin/env bash
# Runs every benchmark of the mappings, connectors, reviews and gateway issues
# and rewrites BENCHMARKS.md with the figures of this run only, each beside its
# baseline measured in the same run, as a ratio, with the run's date, commit,
# machine and the commands it ran.
#
#   bench/run.sh [ROWS]        (default 1,000,000; about 25-30 minutes on 2 cores)
#
# Sizes and run counts (environment; defaults are the issues' sizes):
#   ROWS                          mapping rows (jq gets the first tenth of them)
#   GOVSYNC_BENCH_CONNECTOR_ROWS  source rows pulled by the connector (ROWS)
#   GOVSYNC_BENCH_REVIEWS         reviews loaded (ROWS)
#   GOVSYNC_BENCH_RUNS            runs of each figure and baseline, medians (3);
#                                 review queries: median of 5, review loads: 1
#   GOVSYNC_BENCH_CONNECTOR_RUNS  connector runs per mode (GOVSYNC_BENCH_RUNS); the
#                                 connector store runs are most of the time (about
#                                 4 min per run at 1,000,000 rows): 1 saves ~8 min
#   GOVSYNC_BENCH_GW_RECORDS, GOVSYNC_BENCH_GW_SECONDS, GOVSYNC_BENCH_GW_RUNS,
#   GOVSYNC_BENCH_GW_ROUNDS       the gateway's (bench/gateway_bench.sh: 100000
#                                 records, 10 s per wrk run, GOVSYNC_BENCH_RUNS, 200)
# Each table says how many runs its medians are of.
# Where the report goes:
#   A full run at the default sizes or larger writes BENCHMARKS.md (one date,
#   one commit for the whole file). A partial run (GOVSYNC_BENCH_ONLY=part[,part]
#   with parts mapping, connectors, reviews, gateway) or a run at smaller sizes
#   writes build/bench/BENCHMARKS-partial.md instead — never BENCHMARKS.md, so
#   that file never mixes runs or holds toy sizes. GOVSYNC_BENCH_OUT=FILE names
#   another file (a partial run still refuses BENCHMARKS.md). The report is
#   printed on stdout too.
# GOVSYNC_BENCH_BUILD=0 skips the build (benchmarks the binaries already in build/).
set -euo pipefail
cd "$(dirname "$0")/.."
# The command as given (its GOVSYNC_BENCH_* settings first), for the report.
command_line="bench/run.sh${1:+ $1}"
envs=$(env | grep '^GOVSYNC_BENCH_' | sort | tr '\n' ' ' || true)
[ -n "$envs" ] && command_line="${envs}${command_line}"
rows=${1:-1000000}
all_parts=mapping,connectors,reviews,gateway
parts=${GOVSYNC_BENCH_ONLY:-$all_parts}
for p in ${parts//,/ }; do
  case "$p" in
    mapping | connectors | reviews | gateway) ;;
    *) echo "bench: GOVSYNC_BENCH_ONLY takes parts of $all_parts, not '$p'" >&2; exit 2 ;;
  esac
done
want() { [[ ",$parts," == *",$1,"* ]]; }
full=1
for p in ${all_parts//,/ }; do want "$p" || full=0; done
runs=${GOVSYNC_BENCH_RUNS:-3}
crows=${GOVSYNC_BENCH_CONNECTOR_ROWS:-$rows}
cruns=${GOVSYNC_BENCH_CONNECTOR_RUNS:-$runs}
review_n=${GOVSYNC_BENCH_REVIEWS:-$rows}
export GOVSYNC_BENCH_GW_RUNS=${GOVSYNC_BENCH_GW_RUNS:-$runs}
review_runs=5  # review_stats_bench's median of 5; the shell baselines the same
small=""
want mapping && [ "$rows" -lt 1000000 ] && small+=" mapping rows=$rows"
want connectors && [ "$crows" -lt 1000000 ] && small+=" connector rows=$crows"
want reviews && [ "$review_n" -lt 1000000 ] && small+=" reviews=$review_n"
if want gateway; then
  [ "${GOVSYNC_BENCH_GW_RECORDS:-100000}" -lt 100000 ] && small+=" gateway records=$GOVSYNC_BENCH_GW_RECORDS"
  [ "${GOVSYNC_BENCH_GW_SECONDS:-10}" -lt 10 ] && small+=" wrk seconds=$GOVSYNC_BENCH_GW_SECONDS"
  [ "${GOVSYNC_BENCH_GW_ROUNDS:-200}" -lt 200 ] && small+=" long-poll rounds=$GOVSYNC_BENCH_GW_ROUNDS"
fi
if [ -n "${GOVSYNC_BENCH_OUT:-}" ]; then
  out=$GOVSYNC_BENCH_OUT
elif [ "$full" = 1 ] && [ -z "$small" ]; then
  out=BENCHMARKS.md
else
  out=build/bench/BENCHMARKS-partial.md
  echo "bench: a partial or small run ($([ "$full" = 1 ] || echo "parts: $parts")${small}): writing $out, not BENCHMARKS.md" >&2
fi
if [ "$full" != 1 ] && [ "$(realpath -m "$out")" = "$(realpath -m BENCHMARKS.md)" ]; then
  echo "bench: a partial run (GOVSYNC_BENCH_ONLY=$parts) does not write BENCHMARKS.md: it holds one whole run" >&2
  exit 2
fi

# The run's identity, taken before anything runs (the tree the binaries are built from).
started=$(date +%s)
date=$(date -u +%Y-%m-%dT%H:%MZ)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain 2>/dev/null | wc -l)
[ "$dirty" -gt 0 ] && rev+=" dirty ($dirty uncommitted paths in the tree)"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
cores=$(nproc)
mem=$(awk '/^MemTotal:/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo)
os="$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), Linux $(uname -r)"

# jq, bc, PostgreSQL, sqlite3, wrk and nginx come with the test packages.
if [ "$(id -u)" = 0 ]; then bash scripts/install-deps.sh --test >&2; fi
if [ "${GOVSYNC_BENCH_BUILD:-1}" != 0 ]; then bash scripts/build.sh >/dev/null; fi
work=$(mktemp -d /tmp/govsync-bench-run-XXXXXX)
pg_up=""
cleanup() {
  set +e
  [ -n "$pg_up" ] && GOVSYNC_TEST_PG_PORT=55441 GOVSYNC_TEST_TMP=/tmp/govsync-bench bash tests/scripts/postgres.sh stop >&2
  rm -rf "$work" /tmp/govsync-bench-store.db* /tmp/govsync-bench-import.db /tmp/govsync-bench-mapped.csv \
    /tmp/govsync-bench-reviews.db* /tmp/govsync-bench-reviews.csv /tmp/govsync-bench-reviews-import.db
}
trap cleanup EXIT

now() { date +%s.%N; }
rate() { echo "$1 / ($3 - $2)" | bc -l | xargs printf '%.0f'; }
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
max() { sort -g | tail -n 1; }
fmt() { printf "%'d" "$1"; }
j() { jq -r ".$2" <<<"$1"; }
meets() { [ "$(echo "$1" | bc -l)" = 1 ] && echo "met" || echo "**not met**"; }
commands=$work/commands
logcmd() { printf '%s\n' "$*" >>"$commands.$part"; }

pg="host=127.0.0.1 port=55441 user=govsync password=govsync-test"
pg_start() {
  [ -n "$pg_up" ] && return
  GOVSYNC_TEST_PG_PORT=55441 GOVSYNC_TEST_TMP=/tmp/govsync-bench bash tests/scripts/postgres.sh start >&2
  pg_up=1
}
pg_stop() {
  [ -z "$pg_up" ] && return
  GOVSYNC_TEST_PG_PORT=55441 GOVSYNC_TEST_TMP=/tmp/govsync-bench bash tests/scripts/postgres.sh stop >&2
  pg_up=""
}
psqlq() { PGOPTIONS='-c client_min_messages=warning' psql "$@"; }
recreate_db() { psqlq "$pg dbname=govsync_test" -qc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; }

# ------------------------------------------------------------ mapping engine
if want mapping; then
  part=mapping
  echo "bench: mapping (${rows} rows, ${runs} runs)…" >&2
  logcmd "build/bench/mapping_bench \"\$PWD\" $rows $runs   (from the repository root)"
  m=$(build/bench/mapping_bench "$PWD" "$rows" "$runs" | tail -n 1)
  logcmd "# the jq baseline, run by mapping_bench ${runs} times:"
  logcmd "head -n $(j "$m" jq_rows) /tmp/govsync-bench-hotline.ndjson > /tmp/govsync-bench-jq.ndjson && jq -c --slurpfile cat /tmp/govsync-bench-category.json -f \$PWD/bench/hotline_bench.jq /tmp/govsync-bench-jq.ndjson > /dev/null"
  decoded=$(j "$m" decoded_rows_per_s) copy=$(j "$m" copy_rows_per_s)
  ndjson=$(j "$m" ndjson_rows_per_s) jqr=$(j "$m" jq_rows_per_s)
  cat >"$work/section.mapping" <<MD
## Mapping engine (mappings issue)

The 12345 hotline mapping \`bench/hotline_bench.yaml\` ($(j "$m" mapping); 16 fields: renames, trim, time parse,
code maps, a code-table lookup, phone/ID/name masking, BD-09 → WGS-84) on $(fmt "$(j "$m" rows)") synthetic rows,
single thread (\`build/bench/mapping_bench\`). Baselines in the same process: for decoded rows, a plain copy of each
decoded row's $(j "$m" copy_columns) values into a new row of strings — no transform, no record: the least any mapping of these rows
does; for NDJSON, the same transform in jq (\`bench/hotline_bench.jq\`) on the first $(fmt "$(j "$m" jq_rows)") lines of the same
NDJSON file. Ratio = figure ÷ baseline.

| measure | figure | baseline (same run) | ratio | target | met? | runs |
|---|---:|---|---:|---|---|---|
| from already-decoded rows | $(fmt "$decoded") rows/s | plain copy of the same decoded rows: $(fmt "$copy") rows/s | $(ratio "$decoded" "$copy") | ≥ 1,000,000 rows/s | $(meets "$decoded >= 1000000") | median of $(j "$m" repeats) |
| from NDJSON text (parse + map) | $(fmt "$ndjson") rows/s | jq, same transform, same NDJSON: $(fmt "$jqr") rows/s | $(ratio "$ndjson" "$jqr") | ≥ 30 × jq | $(meets "$ndjson >= 30 * $jqr") | median of $(j "$m" repeats) |
MD
fi

# ------------------------------------------------------------ connectors
if want connectors; then
  part=connectors
  pg_start
  recreate_db bench_src
  echo "bench: connectors: loading ${crows} source rows…" >&2
  logcmd "psql \"$pg dbname=bench_src\" -v rows=$crows -f bench/source_hotline.sql"
  psqlq "$pg dbname=bench_src" -q -v ON_ERROR_STOP=1 -v rows="$crows" -f bench/source_hotline.sql >/dev/null
  driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so
  odbc="Driver=$driver;Server=127.0.0.1;Port=55441;Database=bench_src;Uid=govsync;Pwd=govsync-test"
  cb() {
    local line
    line=$(build/bench/connector_bench "$1" "$PWD" "$odbc" "$2")
    [ "$(j "$line" rows)" = "$crows" ] || { echo "bench: connector_bench $1 read $(j "$line" rows) of $crows rows" >&2; exit 1; }
    echo "$line"
  }
  : >"$work/c.map" ; : >"$work/c.sqlite" ; : >"$work/c.pg" ; : >"$work/c.rss"
  : >"$work/b.out" ; : >"$work/b.copy" ; : >"$work/b.import"
  logcmd "psql \"$pg dbname=bench_src\" -c \"\\copy (SELECT * FROM hotline) TO '/dev/null'\""
  logcmd "build/bench/connector_bench map \"\$PWD\" \"$odbc\" -"
  logcmd "build/bench/connector_bench sqlite \"\$PWD\" \"$odbc\" /tmp/govsync-bench-store.db   (a new file each run)"
  logcmd "build/bench/connector_bench postgres \"\$PWD\" \"$odbc\" \"$pg dbname=bench_store\"   (a new database each run)"
  for ((r = 1; r <= cruns; r++)); do
    echo "bench: connectors run $r/$cruns: psql \\copy out, map only, SQLite store, PostgreSQL store…" >&2
    t0=$(now); psqlq "$pg dbname=bench_src" -qc "\\copy (SELECT * FROM hotline) TO '/dev/null'"; t1=$(now)
    rate "$crows" "$t0" "$t1" >>"$work/b.out"; echo >>"$work/b.out"
    line=$(cb map -)
    j "$line" rows_per_s >>"$work/c.map"; j "$line" peak_rss_mb >>"$work/c.rss"
    rm -f /tmp/govsync-bench-store.db*
    line=$(cb sqlite /tmp/govsync-bench-store.db)
    j "$line" rows_per_s >>"$work/c.sqlite"; j "$line" peak_rss_mb >>"$work/c.rss"
    rm -f /tmp/govsync-bench-store.db*
    recreate_db bench_store
    line=$(cb postgres "$pg dbname=bench_store")
    j "$line" rows_per_s >>"$work/c.pg"; j "$line" peak_rss_mb >>"$work/c.rss"
  done
  echo "bench: connectors: write baselines (${cruns} runs)…" >&2
  logcmd "build/bench/connector_bench export \"\$PWD\" \"$odbc\" /tmp/govsync-bench-mapped.csv"
  cb export /tmp/govsync-bench-mapped.csv >/dev/null
  logcmd "psql \"$pg dbname=bench_store\" -c \"\\copy mapped FROM '/tmp/govsync-bench-mapped.csv' CSV\"   (into CREATE TABLE mapped (record_id TEXT PRIMARY KEY, body TEXT NOT NULL), new each run)"
  logcmd "sqlite3 /tmp/govsync-bench-import.db -cmd '.mode csv' '.import /tmp/govsync-bench-mapped.csv mapped'   (into CREATE TABLE mapped (record_id TEXT PRIMARY KEY, body TEXT NOT NULL), a new file each run)"
  for ((r = 1; r <= cruns; r++)); do
    psqlq "$pg dbname=bench_store" -qc "DROP TABLE IF EXISTS mapped" \
      -c "CREATE TABLE mapped (record_id TEXT PRIMARY KEY, body TEXT NOT NULL)"
    t0=$(now); psqlq "$pg dbname=bench_store" -qc "\\copy mapped FROM '/tmp/govsync-bench-mapped.csv' CSV"; t1=$(now)
    rate "$crows" "$t0" "$t1" >>"$work/b.copy"; echo >>"$work/b.copy"
    rm -f /tmp/govsync-bench-import.db
    sqlite3 /tmp/govsync-bench-import.db "CREATE TABLE mapped (record_id TEXT PRIMARY KEY, body TEXT NOT NULL)"
    t0=$(now); sqlite3 /tmp/govsync-bench-import.db -cmd ".mode csv" ".import /tmp/govsync-bench-mapped.csv mapped"; t1=$(now)
    rate "$crows" "$t0" "$t1" >>"$work/b.import"; echo >>"$work/b.import"
  done
  rm -f /tmp/govsync-bench-mapped.csv /tmp/govsync-bench-import.db /tmp/govsync-bench-store.db*
  psqlq "$pg dbname=govsync_test" -qc "DROP DATABASE bench_store" -c "DROP DATABASE bench_src" >/dev/null
  c_map=$(median <"$work/c.map") c_sqlite=$(median <"$work/c.sqlite") c_pg=$(median <"$work/c.pg")
  copy_out=$(median <"$work/b.out") copy_in=$(median <"$work/b.copy") sqlite_import=$(median <"$work/b.import")
  rss=$(max <"$work/c.rss")
  cat >"$work/section.connectors" <<MD
## Connectors (connectors issue)

$(fmt "$crows") hotline rows in a PostgreSQL table (\`bench/source_hotline.sql\`), pulled by the \`odbc\` connector through
psqlODBC (key mode, batches of 5,000, declare/fetch), mapped with \`bench/hotline_bench.yaml\` and committed with their
checkpoint (\`build/bench/connector_bench\`, one process per mode and run; each store run into a new store). Baselines in the
same run: \`psql \\copy (SELECT …) TO /dev/null\` (the read limit); \`\\copy … FROM\` of the same mapped rows (record id + JSON)
into a PostgreSQL table with a primary key, and sqlite3 \`.import\` of them into an SQLite table with a primary key (the
write limits; a new table each run). Ratio = figure ÷ baseline.

| pull + map + commit into | figure | baseline (same run) | ratio | target | met? | runs |
|---|---:|---|---:|---|---|---|
| nothing (map only) | $(fmt "$c_map") rows/s | psql \\copy out: $(fmt "$copy_out") rows/s | $(ratio "$c_map" "$copy_out") | ≥ 0.50 of psql | $(meets "$c_map >= 0.5 * $copy_out") | median of ${cruns} |
| the SQLite store | $(fmt "$c_sqlite") rows/s | sqlite3 .import: $(fmt "$sqlite_import") rows/s | $(ratio "$c_sqlite" "$sqlite_import") | ≥ 1.00 of .import | $(meets "$c_sqlite >= $sqlite_import") | median of ${cruns} |
| the PostgreSQL store | $(fmt "$c_pg") rows/s | COPY FROM (primary key): $(fmt "$copy_in") rows/s | $(ratio "$c_pg" "$copy_in") | ≥ 0.50 of COPY | $(meets "$c_pg >= 0.5 * $copy_in") | median of ${cruns} |
| peak RSS (VmHWM), the largest of all runs and modes | ${rss} MB | — (an absolute limit) | — | < 200 MB | $(meets "$rss < 200") | $((3 * cruns)) processes |
MD
fi

# ------------------------------------------------------------ reviews
if want reviews; then
  part=reviews
  pg_start
  echo "bench: reviews (${review_n}) → SQLite store…" >&2
  rm -f /tmp/govsync-bench-reviews.db*
  logcmd "build/bench/review_stats_bench sqlite /tmp/govsync-bench-reviews.db $review_n /tmp/govsync-bench-reviews.csv"
  r_sqlite=$(build/bench/review_stats_bench sqlite /tmp/govsync-bench-reviews.db "$review_n" /tmp/govsync-bench-reviews.csv | tail -n 1)
  recreate_db bench_reviews
  echo "bench: reviews (${review_n}) → PostgreSQL store…" >&2
  logcmd "build/bench/review_stats_bench postgres \"$pg dbname=bench_reviews\" $review_n"
  r_pg=$(build/bench/review_stats_bench postgres "$pg dbname=bench_reviews" "$review_n" | tail -n 1)

  echo "bench: reviews: load baselines (sqlite3 .import, psql \\copy)…" >&2
  rm -f /tmp/govsync-bench-reviews-import.db
  sqlite3 /tmp/govsync-bench-reviews-import.db "CREATE TABLE reviews_import (source_id TEXT PRIMARY KEY, body TEXT NOT NULL)"
  logcmd "sqlite3 /tmp/govsync-bench-reviews-import.db -cmd '.mode csv' '.import /tmp/govsync-bench-reviews.csv reviews_import'   (into CREATE TABLE reviews_import (source_id TEXT PRIMARY KEY, body TEXT NOT NULL))"
  t0=$(now); sqlite3 /tmp/govsync-bench-reviews-import.db -cmd ".mode csv" ".import /tmp/govsync-bench-reviews.csv reviews_import"; t1=$(now)
  [ "$(sqlite3 /tmp/govsync-bench-reviews-import.db 'SELECT count(*) FROM reviews_import')" = "$review_n" ] ||
    { echo "bench: sqlite3 .import did not load ${review_n} reviews" >&2; exit 1; }
  load_import=$(rate "$review_n" "$t0" "$t1")
  rm -f /tmp/govsync-bench-reviews-import.db
  recreate_db bench_reviews_import
  psqlq "$pg dbname=bench_reviews_import" -qc "CREATE TABLE reviews_import (source_id TEXT PRIMARY KEY, body TEXT NOT NULL)"
  logcmd "psql \"$pg dbname=bench_reviews_import\" -c \"\\copy reviews_import FROM '/tmp/govsync-bench-reviews.csv' CSV\"   (into the same table)"
  t0=$(now); psqlq "$pg dbname=bench_reviews_import" -qc "\\copy reviews_import FROM '/tmp/govsync-bench-reviews.csv' CSV"; t1=$(now)
  load_copy=$(rate "$review_n" "$t0" "$t1")
  psqlq "$pg dbname=govsync_test" -qc "DROP DATABASE bench_reviews_import" >/dev/null
  rm -f /tmp/govsync-bench-reviews.csv

  # The SQL Store::reviewStats and Store::readReviewFeed run (core/store/sql_store_reviews.cpp),
  # with the bench's bounds as literals: states 2 VERIFYING, 3 RECTIFYING, 4 FED_BACK,
  # 5 REVISITED, 6 APPEALED.
  from=$(j "$r_sqlite" month_from_ms) to=$(j "$r_sqlite" month_to_ms) nowms=$(j "$r_sqlite" now_ms)
  stats_sql() {  # COLUMN [FROM TO]
    local s="SELECT $1, " l
    for l in 1 2 3 4 5; do s+="sum(CASE WHEN level = $l THEN 1 ELSE 0 END), "; done
    s+="count(*), sum(CASE WHEN excluded = 1 THEN 1 ELSE 0 END), sum(CASE WHEN excluded = 0 AND level >= 3 THEN 1 ELSE 0 END), "
    s+="sum(CASE WHEN excluded = 0 AND level <= 2 THEN 1 ELSE 0 END), "
    s+="sum(CASE WHEN state IN (4, 5) OR (state IN (2, 3, 6) AND due_at < $nowms) THEN 1 ELSE 0 END), "
    s+="sum(CASE WHEN state IN (4, 5) AND rectified_at <= due_at THEN 1 ELSE 0 END), "
    s+="sum(CASE WHEN state IN (2, 3, 6) AND due_at < $nowms THEN 1 ELSE 0 END) FROM reviews WHERE deleted = 0"
    [ $# -gt 1 ] && s+=" AND evaluated_at >= $2 AND evaluated_at < $3"
    s+=" GROUP BY $1 ORDER BY $1"
    echo "$s"
  }
  level_part() { echo "SELECT position FROM review_changes WHERE level = $1 AND position > 0 AND position <= (SELECT position FROM feed_head WHERE id = 1) AND department = 'dept-7' ORDER BY position LIMIT 100"; }
  feed_sql="SELECT position, record_id, version, kind, source_system, region_code, department, deleted, committed_at, json_full, json_masked, checksum FROM changes WHERE position IN (SELECT position FROM ($(level_part 1)) AS l0 UNION ALL SELECT position FROM ($(level_part 2)) AS l1) ORDER BY position LIMIT 100"
  declare -A sql=(
    [month_by_department]=$(stats_sql department "$from" "$to")
    [month_by_window]=$(stats_sql window_id "$from" "$to")
    [month_by_day]=$(stats_sql event_day "$from" "$to")
    [year_by_department]=$(stats_sql department)
    [feed_page]=$feed_sql
  )
  keys=(month_by_department month_by_window month_by_day year_by_department feed_page)
  declare -A sq_ms pg_ms
  echo "bench: reviews: the same SQL in sqlite3 (Python) and psql, ${review_runs} runs each…" >&2
  logcmd "# each statement \$SQL below, in turn:"
  logcmd "bench/sqlite_timing.py /tmp/govsync-bench-reviews.db $review_runs \"\$SQL\""
  logcmd "psql \"$pg dbname=bench_reviews\" -At -c '\\timing on' -c \"\$SQL\" -c \"\$SQL\" …   (-c \"\$SQL\" ${review_runs} times: one session)"
  for k in "${keys[@]}"; do
    printf -- '-- %s\n%s;\n' "${k//_/ }" "${sql[$k]}" >>"$commands.reviews.sql"
    timing=$(/usr/bin/python3 bench/sqlite_timing.py /tmp/govsync-bench-reviews.db "$review_runs" "${sql[$k]}")
    sq_ms[$k]=$(j "$timing" ms)
    # The plain SQL answers with as many rows as the store did.
    expect=""
    [ "$k" = month_by_department ] && expect=$(j "$r_sqlite" month_groups)
    [ "$k" = feed_page ] && expect=$(j "$r_sqlite" review_feed_page_entries)
    [ -z "$expect" ] || [ "$(j "$timing" rows)" = "$expect" ] ||
      { echo "bench: the baseline SQL for $k gave $(j "$timing" rows) rows, the store $expect" >&2; exit 1; }
    args=(-At -c '\timing on')
    for ((r = 1; r <= review_runs; r++)); do args+=(-c "${sql[$k]}"); done
    pg_ms[$k]=$(psqlq "$pg dbname=bench_reviews" "${args[@]}" | awk '/^Time:/ {print $2}' | median)
  done
  rm -f /tmp/govsync-bench-reviews.db*
  psqlq "$pg dbname=govsync_test" -qc "DROP DATABASE bench_reviews" >/dev/null

  # One row per measure and store.
  stat_row() {  # STORE JSON FIGURE_KEY LABEL TARGET MET BASELINE_LABEL BASELINE_MS
    local fig
    fig=$(j "$2" "$3")
    echo "| $1: $4 | ${fig} ms | $7: $8 ms | $(ratio "$fig" "$8") | $5 | $6 | median of $(j "$2" runs) |"
  }
  month_target="well under 1 s (read: < 500 ms)"
  rows_for() {  # STORE JSON BASELINE_LABEL, then the baseline ms of month_by_department … feed_page
    local month
    month=$(j "$2" stats_month_by_department_ms)
    stat_row "$1" "$2" stats_month_by_department_ms \
      "a month by department ($(fmt "$(j "$2" month_reviews)") reviews, $(j "$2" month_groups) groups)" \
      "$month_target" "$(meets "$month < 500")" "$3" "$4"
    stat_row "$1" "$2" stats_month_by_window_ms "a month by window" "—" "—" "$3" "$5"
    stat_row "$1" "$2" stats_month_by_day_ms "a month by day" "—" "—" "$3" "$6"
    stat_row "$1" "$2" stats_year_by_department_ms \
      "the whole year by department ($(fmt "$(j "$2" year_reviews)") reviews)" "—" "—" "$3" "$7"
    stat_row "$1" "$2" review_feed_page_ms \
      "a page of the bad-review feed of one department ($(j "$2" review_feed_page_entries) entries)" "—" "—" \
      "the page's positions and rows in one plain SQL statement" "$8"
  }
  cat >"$work/section.reviews" <<MD
## Reviews (reviews issue)

$(fmt "$(j "$r_sqlite" reviews)") 好差评 reviews over 2026 (20 departments, 200 windows, 8 channels, ~4% bad — each bad one opens a
rectification due 5 working days later) committed into an empty store (\`build/bench/review_stats_bench\`, batches of
5,000, the review index written in the same transaction; one load per store), then \`Store::reviewStats\` (count per level,
satisfaction, bad, rectifications due / on time / overdue — SQL aggregates over the review index) and a review-feed page,
each the median of ${review_runs} runs. Baselines in the same run: for the loads, sqlite3 \`.import\` and \`psql \\copy\` of the same
reviews (source id + JSON, from a CSV the bench writes after its timed parts) into a table with a primary key (one run each,
like the loads); for the queries, the very SQL statement the store runs, with its bounds as literals, on the same database —
through Python's \`sqlite3\` module (the same libsqlite3; the sqlite3 shell's timer has only millisecond resolution) and in
\`psql\` (\`\\timing\`, ${review_runs} times in one session) — median of ${review_runs}. Ratio = figure ÷ baseline (for times, above 1 is
slower than the plain SQL). The store serves a feed page's entries from its feed cache once read (here after the
first of the runs); the plain SQL reads them from the table each time.

| measure | figure | baseline (same run) | ratio | target | met? | runs |
|---|---:|---|---:|---|---|---|
| load into the SQLite store (commit with the index) | $(fmt "$(j "$r_sqlite" load_reviews_per_second)") reviews/s | sqlite3 .import of the same reviews: $(fmt "$load_import") reviews/s | $(ratio "$(j "$r_sqlite" load_reviews_per_second)" "$load_import") | — (none in the issue) | — | 1 |
| load into the PostgreSQL store (commit with the index) | $(fmt "$(j "$r_pg" load_reviews_per_second)") reviews/s | psql \\copy of the same reviews: $(fmt "$load_copy") reviews/s | $(ratio "$(j "$r_pg" load_reviews_per_second)" "$load_copy") | — (none in the issue) | — | 1 |
$(rows_for SQLite "$r_sqlite" "the same SQL through Python's sqlite3" "${sq_ms[month_by_department]}" \
  "${sq_ms[month_by_window]}" "${sq_ms[month_by_day]}" "${sq_ms[year_by_department]}" "${sq_ms[feed_page]}")
$(rows_for PostgreSQL "$r_pg" "the same SQL in psql" "${pg_ms[month_by_department]}" \
  "${pg_ms[month_by_window]}" "${pg_ms[month_by_day]}" "${pg_ms[year_by_department]}" "${pg_ms[feed_page]}")
MD
fi

# ------------------------------------------------------------ gateway
if want gateway; then
  part=gateway
  pg_stop  # gateway_bench.sh runs its own PostgreSQL on the same port
  echo "bench: gateway…" >&2
  bash bench/gateway_bench.sh "$work/section.gateway"
  mv "$work/section.gateway.commands" "$commands.gateway"
fi
pg_stop

# ------------------------------------------------------------ the report
took=$(($(date +%s) - started))
tools="jq $(jq --version | sed 's/^jq-//'), sqlite3 $(sqlite3 --version | cut -d' ' -f1), $(psql --version | sed 's/^psql (PostgreSQL) /PostgreSQL /')"
tools+=" (the throwaway server of tests/scripts/postgres.sh: fsync=off), nginx $(nginx -v 2>&1 | sed 's/.*nginx\///')"
tools+=", wrk $(wrk --version 2>&1 | head -n 1 | awk '{print $2}'), Python $(/usr/bin/python3 -c 'import platform; print(platform.python_version())')"
{
  echo "# Benchmarks"
  echo
  if [ "$full" = 1 ]; then
    echo "Written by \`bench/run.sh\` in one run: every figure below is from that run, beside a baseline measured in the same"
    echo "run; nothing is copied from elsewhere. These machines are noisy, so figures are medians (each table says of how"
    echo "many runs) and the ratios are what to read."
  else
    echo "**Partial run** (\`GOVSYNC_BENCH_ONLY=$parts\`) of \`bench/run.sh\` — not BENCHMARKS.md, which holds one whole run."
  fi
  [ -n "$small" ] && echo && echo "**Smaller than the issues' sizes:**${small}."
  echo
  echo "- Date: ${date} (took $((took / 60)) min $((took % 60)) s)"
  echo "- Commit: ${rev}"
  echo "- Machine: ${cpu}, ${cores} cores, ${mem} RAM; ${os}"
  echo "- Command: \`${command_line}\`"
  echo "- Tools: ${tools}"
  for p in ${all_parts//,/ }; do
    [ -f "$work/section.$p" ] || continue
    echo
    cat "$work/section.$p"
  done
  echo
  echo "## Commands"
  echo
  echo "As run, in order (\$TMP: bench/gateway_bench.sh's temporary folder; \$TOKEN: the benchmark client's token)."
  for p in ${all_parts//,/ }; do
    [ -f "$commands.$p" ] || continue
    echo
    echo "$p:"
    echo
    echo '```sh'
    cat "$commands.$p"
    echo '```'
    if [ -f "$commands.$p.sql" ]; then
      echo
      echo '```sql'
      cat "$commands.$p.sql"
      echo '```'
    fi
  done
} >"$work/report.md"
mkdir -p "$(dirname "$out")"
cp "$work/report.md" "$out"
echo "bench: wrote $out" >&2
cat "$out"
