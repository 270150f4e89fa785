#!/usr/bin/env bash
# The HTTP gateway benchmarks (gateway issue): feed pull throughput against
# nginx serving the same page, Thrift pull throughput, push throughput into the
# SQLite and PostgreSQL stores — unified records (POST /v1/records) and source
# rows through a mapping (POST /v1/push/water_fault) — against sqlite3 .import /
# psql \copy of the same records or rows, and long-poll wake-up latency against
# the push's own round trip. Writes the "## Gateway (gateway issue)" section
# (markdown, no date: bench/run.sh puts the run's date, commit and machine
# above it) to OUT, and the commands it ran to OUT.commands; progress goes to
# stderr. Called by bench/run.sh; runs alone too (build/cli/govsync must exist):
#   bench/gateway_bench.sh OUT.md          (OUT must not be BENCHMARKS.md)
# Sizes (environment): GOVSYNC_BENCH_GW_RECORDS (100000 records or rows pushed
# per run), GOVSYNC_BENCH_GW_SECONDS (10 s per wrk / Thrift run),
# GOVSYNC_BENCH_GW_RUNS (3: wrk runs, Thrift runs, push runs — each push run
# into a fresh store — and baseline runs; medians), GOVSYNC_BENCH_GW_ROUNDS
# (200 long-poll rounds).
# Ports: gateway 18480-18499, nginx 18500-18509, PostgreSQL 55441 (its own
# throwaway server, tests/scripts/postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: bench/gateway_bench.sh OUT.md}
if [ "$(realpath -m "$out")" = "$(realpath -m BENCHMARKS.md)" ]; then
  echo "gateway_bench: BENCHMARKS.md is written by bench/run.sh only (one run, one date); give another OUT" >&2
  exit 2
fi
records=${GOVSYNC_BENCH_GW_RECORDS:-100000}
secs=${GOVSYNC_BENCH_GW_SECONDS:-10}
runs=${GOVSYNC_BENCH_GW_RUNS:-3}
rounds=${GOVSYNC_BENCH_GW_ROUNDS:-200}
batch=1000 clients=4 wrk_threads=2 wrk_conns=32 http_threads=40 thrift_conns=8
platform=water_fault
sample=mappings/samples/$platform.ndjson
govsync=$PWD/build/cli/govsync
py=/usr/bin/python3
[ -x "$govsync" ] || { echo "gateway_bench: $govsync is not built" >&2; exit 1; }
for tool in wrk nginx curl jq bc psql sqlite3; do
  command -v "$tool" >/dev/null || { echo "gateway_bench: $tool is missing (scripts/install-deps.sh --test)" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/govsync-gwbench-XXXXXX)
chmod 755 "$tmp"  # nginx workers (nobody) read the page from here
server_pid="" nginx_pid="" pg_started=""
cleanup() {
  set +e
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  [ -n "$pg_started" ] && bash tests/scripts/postgres.sh stop >&2
  rm -rf "$tmp"
}
trap cleanup EXIT
log() { echo "bench: gateway: $*" >&2; }
fmt() { printf "%'d" "$1"; }
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
now() { date +%s.%N; }
rate() { echo "$1 / ($3 - $2)" | bc -l | xargs printf '%.0f'; }
psqlq() { PGOPTIONS='-c client_min_messages=warning' psql "$@"; }
# The commands as run, for the report: the temporary folder as $TMP, the client token as $TOKEN.
commands=$tmp/commands
: >"$commands"
logcmd() {
  local line="$*"
  line=${line//"$tmp"/\$TMP}
  [ -n "${token:-}" ] && line=${line//"$token"/\$TOKEN}
  printf '%s\n' "$line" >>"$commands"
}

# A port in [lo, hi] nobody listens on.
free_port() {
  local p
  for ((p = $1; p <= $2; p++)); do
    [ -z "$(ss -Htln "sport = :$p")" ] && { echo "$p"; return; }
  done
  echo "gateway_bench: no free port in $1-$2" >&2
  exit 1
}

# write_config FILE DATA_DIR PORT [STORE YAML...]: the benchmark's gateway settings —
# no per-client rate limit, a request thread per wrk connection (and spare ones),
# unlimited keep-alive requests (as nginx below), Thrift on a free port.
write_config() {
  local file=$1 data=$2 port=$3
  shift 3
  cat >"$file" <<YAML
data_dir: $data
http:
  listen: 127.0.0.1
  port: $port
  threads: $http_threads
  queue: 64
  max_keep_alive_requests: 0
  max_waiting_pulls: 8
  rate_limit:
    per_second: 0
thrift:
  port: 0
  threads: 16
log:
  level: warning
YAML
  local line
  for line in "$@"; do echo "$line" >>"$file"; done
}

# serve_fresh NAME [STORE YAML...]: `govsync serve` on a new data folder (and the
# store the YAML names), with a new client (pull:*, push:water for records,
# push:water_fault for rows, no pii: pages are the masked form); sets url, token,
# data, serve_log. Waits until /healthz answers.
serve_fresh() {
  local name=$1 port
  shift
  port=$(free_port 18480 18499)
  data=$tmp/$name-data
  serve_log=$tmp/serve-$name.log
  write_config "$tmp/$name.yaml" "$data" "$port" "$@"
  token=$("$govsync" client add --name bench --department bench --scopes "pull:*,push:water,push:$platform" \
    --config "$tmp/$name.yaml" --data-dir "$data" | awk '/token:/ {print $2}')
  "$govsync" serve --config "$tmp/$name.yaml" --data-dir "$data" >"$serve_log" 2>&1 &
  server_pid=$!
  url="http://127.0.0.1:$port"
  local i
  for ((i = 0; i < 100; i++)); do
    curl -fs -o /dev/null "$url/healthz" && return
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "gateway_bench: govsync serve did not start:" >&2
  cat "$serve_log" >&2
  exit 1
}
stop_server() {
  kill "$server_pid"
  wait "$server_pid" || true
  server_pid=""
  rm -rf "$data"
}

# push WHAT PREFIX [CSV]: one push run (WHAT = records: POST /v1/records; rows:
# POST /v1/push/water_fault) of $records into the running server; its JSON line.
push() {
  local args=(--url "$url" --token "$token" --templates "$tmp/templates.ndjson" --records "$records" --batch "$batch"
    --clients "$clients" --prefix "$2")
  [ "$1" = rows ] && args+=(--rows "$sample" --platform "$platform")
  [ -n "${3:-}" ] && args+=(--csv "$3")
  [ "${r:-1}" = 1 ] && logcmd "bench/gateway_push.py ${args[*]}"
  "$py" bench/gateway_push.py "${args[@]}"
}

# wrk_rps URL [HEADER]: requests/s of one wrk run; fails on non-2xx answers or socket errors.
wrk_rps() {
  local url=$1 text
  shift
  text=$(wrk -t"$wrk_threads" -c"$wrk_conns" -d"${secs}s" "$@" "$url")
  if grep -q 'Non-2xx\|Socket errors' <<<"$text"; then
    echo "gateway_bench: wrk $url: errors" >&2
    echo "$text" >&2
    exit 1
  fi
  awk '/^Requests\/sec:/ {print $2}' <<<"$text"
}

# thrift_pull_bench: records/s of the same 1,000-record masked pages pulled
# through the Thrift front (build/bench/thrift_pull_bench: the generated C++
# client, $thrift_conns connections), median of the runs; the port is the one
# `govsync serve` printed.
thrift_pull_bench() {
  local tport
  tport=$(sed -n 's/.*thrift: *listening on thrift:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$serve_log" | head -n 1)
  [ -n "$tport" ] || { echo "gateway_bench: no Thrift port in $serve_log" >&2; return; }
  logcmd "build/bench/thrift_pull_bench $tport $token 1000 $secs $thrift_conns"
  local r
  for ((r = 1; r <= runs; r++)); do
    build/bench/thrift_pull_bench "$tport" "$token" 1000 "$secs" "$thrift_conns" | jq -r .records_per_second
  done | median
}

# longpoll PREFIX: the long-poll wake-up rounds against the running server.
longpoll() {
  logcmd "bench/longpoll_latency.py --url $url --token $token --rounds $rounds --prefix $1"
  "$py" bench/longpoll_latency.py --url "$url" --token "$token" --rounds "$rounds" --prefix "$1"
}

# Template records: what the water_fault mapping makes of its sample export (the
# sample has a few rows that fail on purpose, so the command exits non-zero).
logcmd "build/cli/govsync mapping test mappings/platforms/$platform.yaml --input $sample > $tmp/templates.ndjson"
"$govsync" mapping test "mappings/platforms/$platform.yaml" --input "$sample" 2>/dev/null >"$tmp/templates.ndjson" || true
[ "$(grep -c '^{' "$tmp/templates.ndjson")" -gt 0 ] || { echo "gateway_bench: no template records" >&2; exit 1; }

# ---------------------------------------------------------------- SQLite store
# Push runs, each into a fresh store; the first run's store then serves the
# feed pull (HTTP against nginx, Thrift) and the long-poll rounds.
: >"$tmp/push-sq-records"
: >"$tmp/push-sq-rows"
for ((r = 1; r <= runs; r++)); do
  serve_fresh "sqlite-records-$r"
  log "push ${records} records into a fresh SQLite store (run $r/$runs)…"
  [ "$r" = 1 ] && logcmd "build/cli/govsync serve --config $tmp/sqlite-records-$r.yaml --data-dir $data"
  push records "SQ$r-" "$([ "$r" = 1 ] && echo "$tmp/records.csv")" | jq -r .records_per_s >>"$tmp/push-sq-records"
  if [ "$r" != 1 ]; then
    stop_server
    continue
  fi

  # The page wrk pulls, and nginx serves as a static file.
  mkdir -p "$tmp/nginx/www/v1" "$tmp/nginx/logs"
  curl -fsS -H "Authorization: Bearer $token" -o "$tmp/nginx/www/v1/records" "$url/v1/records?limit=1000"
  page="$tmp/nginx/www/v1/records"
  [ "$(jq '.records | length' "$page")" = 1000 ] || { echo "gateway_bench: the page has not 1,000 records" >&2; exit 1; }
  jq -e '.records[0].reporter_phone | test("\\*")' "$page" >/dev/null ||
    { echo "gateway_bench: the page is not the masked form" >&2; exit 1; }
  page_bytes=$(stat -c %s "$page")
  chmod -R a+rX "$tmp/nginx"
  nport=$(free_port 18500 18509)
  cat >"$tmp/nginx/nginx.conf" <<NGINX
worker_processes 2;
error_log $tmp/nginx/logs/error.log warn;
pid $tmp/nginx/nginx.pid;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  types { }
  default_type application/json;
  server {
    listen 127.0.0.1:$nport;
    root $tmp/nginx/www;
  }
}
NGINX
  logcmd "nginx -e $tmp/nginx/logs/error.log -p $tmp/nginx -c $tmp/nginx/nginx.conf   (2 workers, sendfile, serving the page fetched with curl)"
  nginx -e "$tmp/nginx/logs/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
  nginx_pid=$!
  for ((i = 0; i < 50; i++)); do curl -fs -o /dev/null "http://127.0.0.1:$nport/v1/records" && break; sleep 0.1; done
  cmp -s "$page" <(curl -fsS "http://127.0.0.1:$nport/v1/records?limit=1000") ||
    { echo "gateway_bench: nginx does not serve the page" >&2; exit 1; }

  logcmd "wrk -t$wrk_threads -c$wrk_conns -d${secs}s -H 'Authorization: Bearer $token' '$url/v1/records?limit=1000'"
  logcmd "wrk -t$wrk_threads -c$wrk_conns -d${secs}s 'http://127.0.0.1:$nport/v1/records?limit=1000'"
  : >"$tmp/gw.rps"
  : >"$tmp/nginx.rps"
  for ((w = 1; w <= runs; w++)); do
    log "feed pull: wrk run $w/$runs (gateway, then nginx, ${secs} s each)…"
    wrk_rps "$url/v1/records?limit=1000" -H "Authorization: Bearer $token" >>"$tmp/gw.rps"
    wrk_rps "http://127.0.0.1:$nport/v1/records?limit=1000" >>"$tmp/nginx.rps"
  done
  kill "$nginx_pid"
  wait "$nginx_pid" || true
  nginx_pid=""
  gw_rps=$(median <"$tmp/gw.rps")
  nginx_rps=$(median <"$tmp/nginx.rps")
  log "feed pull through Thrift (${runs} runs, ${secs} s each)…"
  thrift_rps=$(thrift_pull_bench)

  log "long-poll wake-up latency (${rounds} rounds, SQLite store)…"
  lp_sqlite=$(longpoll LPS-)
  stop_server
done
for ((r = 1; r <= runs; r++)); do
  serve_fresh "sqlite-rows-$r"
  log "push ${records} rows through the $platform mapping into a fresh SQLite store (run $r/$runs)…"
  push rows "RS$r-" "$([ "$r" = 1 ] && echo "$tmp/rows.csv")" | jq -r .records_per_s >>"$tmp/push-sq-rows"
  stop_server
done

# ------------------------------------------------------------ PostgreSQL store
export GOVSYNC_TEST_PG_PORT=55441 GOVSYNC_TEST_TMP=/tmp/govsync-bench
bash tests/scripts/postgres.sh start >&2
pg_started=1
pg="host=127.0.0.1 port=55441 user=govsync password=govsync-test"
pg_store() {  # the store: lines of a configuration on database $1
  printf '%s\n' "store:" "  backend: postgres" "  postgres:" \
    "    conninfo: \"host=127.0.0.1 port=55441 dbname=$1 user=govsync\"" "    password: govsync-test"
}
: >"$tmp/push-pg-records"
: >"$tmp/push-pg-rows"
for what in records rows; do
  for ((r = 1; r <= runs; r++)); do
    db=bench_gw_${what}_$r
    psqlq "$pg dbname=govsync_test" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
    mapfile -t store_lines < <(pg_store "$db")
    serve_fresh "pg-$what-$r" "${store_lines[@]}"
    [ "$what/$r" = records/1 ] && logcmd "build/cli/govsync serve --config $tmp/pg-$what-$r.yaml --data-dir $data   (store.backend: postgres)"
    log "push ${records} ${what} into a fresh PostgreSQL store (run $r/$runs)…"
    prefix=$([ "$what" = records ] && echo "PG$r-" || echo "RP$r-")
    push "$what" "$prefix" | jq -r .records_per_s >>"$tmp/push-pg-$what"
    if [ "$what/$r" = records/1 ]; then
      log "long-poll wake-up latency (${rounds} rounds, PostgreSQL store)…"
      lp_pg=$(longpoll LPP-)
    fi
    stop_server
    psqlq "$pg dbname=govsync_test" -qc "DROP DATABASE $db" >/dev/null
  done
done

# ------------------------------------------- write baselines, same records/rows
# Each run into an empty table with a primary key (key + JSON as pushed).
psqlq "$pg dbname=govsync_test" -qc "DROP DATABASE IF EXISTS bench_gw_base" -c "CREATE DATABASE bench_gw_base" >/dev/null
copy_rate() {  # CSV: psql \copy into PostgreSQL, median of the runs
  local r t0 t1
  [ "$1" = "$tmp/records.csv" ] && logcmd "psql \"$pg dbname=bench_gw_base\" -c \"\\copy pushed FROM '$1' CSV\"   \
(into CREATE TABLE pushed (record_key TEXT PRIMARY KEY, body TEXT NOT NULL); likewise $tmp/rows.csv)"
  for ((r = 1; r <= runs; r++)); do
    psqlq "$pg dbname=bench_gw_base" -qc "DROP TABLE IF EXISTS pushed" \
      -c "CREATE TABLE pushed (record_key TEXT PRIMARY KEY, body TEXT NOT NULL)"
    t0=$(now)
    psqlq "$pg dbname=bench_gw_base" -qc "\\copy pushed FROM '$1' CSV"
    t1=$(now)
    rate "$records" "$t0" "$t1"
    echo
  done | median
}
import_rate() {  # CSV: sqlite3 .import into SQLite, median of the runs
  local r t0 t1
  [ "$1" = "$tmp/records.csv" ] && logcmd "sqlite3 $tmp/import.db -cmd '.mode csv' '.import $1 pushed'   \
(into CREATE TABLE pushed (record_key TEXT PRIMARY KEY, body TEXT NOT NULL); likewise $tmp/rows.csv)"
  for ((r = 1; r <= runs; r++)); do
    rm -f "$tmp/import.db"
    sqlite3 "$tmp/import.db" "CREATE TABLE pushed (record_key TEXT PRIMARY KEY, body TEXT NOT NULL)"
    t0=$(now)
    sqlite3 "$tmp/import.db" -cmd ".mode csv" ".import $1 pushed"
    t1=$(now)
    [ "$(sqlite3 "$tmp/import.db" 'SELECT count(*) FROM pushed')" = "$records" ] ||
      { echo "gateway_bench: sqlite3 .import of $1 did not load ${records} rows" >&2; exit 1; }
    rate "$records" "$t0" "$t1"
    echo
  done | median
}
log "write baselines (psql \\copy, sqlite3 .import; ${runs} runs each)…"
copy_records=$(copy_rate "$tmp/records.csv")
copy_rows=$(copy_rate "$tmp/rows.csv")
import_records=$(import_rate "$tmp/records.csv")
import_rows=$(import_rate "$tmp/rows.csv")
psqlq "$pg dbname=govsync_test" -qc "DROP DATABASE bench_gw_base" >/dev/null

# ----------------------------------------------------------------- the section
j() { jq -r ".$2" <<<"$1"; }
gw_recs=$(printf '%.0f' "$(echo "$gw_rps * 1000" | bc -l)")
nginx_recs=$(printf '%.0f' "$(echo "$nginx_rps * 1000" | bc -l)")
mbs() { echo "$1 * $page_bytes / 1000000" | bc -l | xargs printf '%.0f'; }
p_sq=$(median <"$tmp/push-sq-records")
p_pg=$(median <"$tmp/push-pg-records")
r_sq=$(median <"$tmp/push-sq-rows")
r_pg=$(median <"$tmp/push-pg-rows")
lat() { echo "$(j "$1" "$2.p50") / $(j "$1" "$2.p99") ms"; }
meets() { [ "$(echo "$1" | bc -l)" = 1 ] && echo "met" || echo "**not met**"; }
page_kb=$(echo "$page_bytes / 1000" | bc)
thrift_row=""
if [ -n "$thrift_rps" ]; then
  thrift_row="| feed pull through Thrift (generated C++ client, ${thrift_conns} connections, \`build/bench/thrift_pull_bench\`), same pages | \
$(fmt "$thrift_rps") records/s | the HTTP feed pull above: $(fmt "$gw_recs") records/s | $(ratio "$thrift_rps" "$gw_recs") | — | — | median of ${runs} × ${secs} s |"$'\n'
fi
lp_row() {  # STORE JSON
  echo "| long-poll wake-up p50 / p99, $1 store | $(lat "$2" from_send_ms) | the push's own round trip in the same rounds, \
p50 / p99: $(lat "$2" push_ms) | $(ratio "$(j "$2" from_send_ms.p99)" "$(j "$2" push_ms.p99)") (p99) | p99 < 50 ms | \
$(meets "$(j "$2" from_send_ms.p99) < 50") | ${rounds} rounds |"
}
push_runs="median of ${runs}, each a fresh store"

cat >"$out" <<MD
## Gateway (gateway issue)

\`bench/gateway_bench.sh\`: \`govsync serve\` on 127.0.0.1 with a temporary configuration
(\`http.threads: ${http_threads}\`, \`http.rate_limit.per_second: 0\` = no per-client limit, \`http.max_keep_alive_requests: 0\`),
load generators on the same machine. A client with \`pull:*,push:water,push:${platform}\` and no \`pii\`, so pages are the masked form.

- **Push, records**: $(fmt "$records") unified CASE records (built from the \`${platform}\` mapping's output on its sample export, each
  with its own \`source_id\` and phone) pushed into an empty store by \`bench/gateway_push.py\`: \`POST /v1/records\`, ${batch} records
  per request, ${clients} concurrent keep-alive clients.
- **Push, rows through a mapping**: $(fmt "$records") source rows of the water utility (the rows of \`${sample}\` that map cleanly,
  each with its own \`ticket_no\` and phone) pushed the same way to \`POST /v1/push/${platform}\`, where the server maps them
  (every row must come back as a record: no dead letters).
- **Write baselines** (median of ${runs}, each into an empty table): the same records — or the same rows — as key + JSON as pushed,
  from a CSV, by \`psql \\copy\` into a PostgreSQL table with a primary key and by sqlite3 \`.import\` into an SQLite table with a
  primary key: a single table, where the store also writes versions, the feed with both served forms and an audit entry per request.
- **Feed pull**: after the first SQLite records push, \`wrk -t${wrk_threads} -c${wrk_conns} -d${secs}s\` on \`/v1/records?limit=1000\`
  (the first page of 1,000 real records, ${page_kb} kB of JSON); baseline: the same page, fetched once with curl, served as a
  static file by an nginx started for the run (2 workers, sendfile) and pulled with the same wrk command; runs alternate,
  medians of ${runs}; MB/s = requests/s × the page's ${page_kb} kB. Thrift pulls go through the same service and store as HTTP,
  then each served JSON record is decoded into a typed \`Record\` once (kept by position, \`thrift.record_cache_mb\`) and written in the binary protocol.
- **Long-poll wake-up** (\`bench/longpoll_latency.py\`, ${rounds} rounds): a client waits in \`GET /v1/records?after=<head>&wait=30\`,
  another pushes one record; the time from just before the push is sent to the long-poll's answer (it includes the push's
  commit). Baseline: the push's own round trip (sent → answered) in the same rounds.

Ratio = figure ÷ baseline (for latencies, above 1 is slower than the baseline).

| measure | figure | baseline (same run) | ratio | target | met? | runs |
|---|---:|---|---:|---|---|---|
| feed pull, pages of 1,000 masked records | $(fmt "$gw_recs") records/s ($(fmt "$(printf '%.0f' "$gw_rps")") req/s, $(fmt "$(mbs "$gw_rps")") MB/s) | nginx, same page as a static file: $(fmt "$nginx_recs") records/s ($(fmt "$(printf '%.0f' "$nginx_rps")") req/s, $(fmt "$(mbs "$nginx_rps")") MB/s) | $(ratio "$gw_rps" "$nginx_rps") | ≥ 0.50 of nginx | $(meets "$gw_rps / $nginx_rps >= 0.5") | median of ${runs} × ${secs} s |
${thrift_row}| push records \`POST /v1/records\` → SQLite store | $(fmt "$p_sq") records/s | sqlite3 .import of the same records: $(fmt "$import_records") records/s | $(ratio "$p_sq" "$import_records") | — (none in the issue) | — | ${push_runs} |
| push records \`POST /v1/records\` → PostgreSQL store | $(fmt "$p_pg") records/s | psql \\copy of the same records: $(fmt "$copy_records") records/s | $(ratio "$p_pg" "$copy_records") | — (none in the issue) | — | ${push_runs} |
| push rows \`POST /v1/push/${platform}\` (mapped by the server) → SQLite store | $(fmt "$r_sq") records/s | sqlite3 .import of the same rows: $(fmt "$import_rows") rows/s | $(ratio "$r_sq" "$import_rows") | — (none in the issue) | — | ${push_runs} |
| push rows \`POST /v1/push/${platform}\` (mapped by the server) → PostgreSQL store | $(fmt "$r_pg") records/s | psql \\copy of the same rows: $(fmt "$copy_rows") rows/s | $(ratio "$r_pg" "$copy_rows") | — (none in the issue) | — | ${push_runs} |
$(lp_row SQLite "$lp_sqlite")
$(lp_row PostgreSQL "$lp_pg")

Measured from the push's answer instead, the long-poll's answer comes $(lat "$lp_sqlite" from_response_ms) (SQLite) and
$(lat "$lp_pg" from_response_ms) (PostgreSQL) after it (negative: before it — waiters wake at the commit, the push answers once
its audit entry is durable).
MD
cp "$commands" "$out.commands"
log "done"
