#!/usr/bin/env bash
# The HTTP gateway benchmarks (gateway issue): feed pull throughput against
# nginx serving the same page, push throughput into the SQLite and PostgreSQL
# stores against sqlite3 .import / psql \copy of the same records, and
# long-poll wake-up latency. Writes the "## Gateway (gateway issue)" section of
# BENCHMARKS.md (markdown) to OUT; progress goes to stderr. Called by
# bench/run.sh; runs alone too (build/cli/govsync must exist):
#   bench/gateway_bench.sh OUT.md
# Sizes (environment): GOVSYNC_BENCH_GW_RECORDS (100000 records pushed into each
# store), GOVSYNC_BENCH_GW_SECONDS (10 s per wrk run), GOVSYNC_BENCH_GW_RUNS
# (3 wrk runs each, medians), GOVSYNC_BENCH_GW_ROUNDS (200 long-poll rounds).
# Ports: gateway 18480-18499, nginx 18500-18509, PostgreSQL 55441 (its own
# throwaway server, tests/scripts/postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: bench/gateway_bench.sh OUT.md}
records=${GOVSYNC_BENCH_GW_RECORDS:-100000}
secs=${GOVSYNC_BENCH_GW_SECONDS:-10}
runs=${GOVSYNC_BENCH_GW_RUNS:-3}
rounds=${GOVSYNC_BENCH_GW_ROUNDS:-200}
batch=1000 clients=4 wrk_threads=2 wrk_conns=32 http_threads=40
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

# start_server CONFIG DATA_DIR PORT: `govsync serve` in the background, until /healthz answers.
start_server() {
  "$govsync" serve --config "$1" --data-dir "$2" >"$tmp/serve-$3.log" 2>&1 &
  server_pid=$!
  local i
  for ((i = 0; i < 100; i++)); do
    curl -fs -o /dev/null "http://127.0.0.1:$3/healthz" && return
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "gateway_bench: govsync serve did not start:" >&2
  cat "$tmp/serve-$3.log" >&2
  exit 1
}
stop_server() {
  kill "$server_pid"
  wait "$server_pid" || true
  server_pid=""
}

# new_token CONFIG DATA_DIR: a client with pull:* and push:water, no pii (the masked form).
new_token() {
  "$govsync" client add --name bench --department bench --scopes 'pull:*,push:water' --config "$1" --data-dir "$2" |
    awk '/token:/ {print $2}'
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

# thrift_pull_bench SERVE_LOG TOKEN: records/s of the same 1,000-record masked
# pages pulled through the Thrift front (build/bench/thrift_pull_bench: the
# generated C++ client, 8 connections, median of the runs); the port is the
# one `govsync serve` printed.
thrift_pull_bench() {
  local tport
  tport=$(sed -n 's/.*thrift: *listening on thrift:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$1" | head -n 1)
  [ -n "$tport" ] || { echo "gateway_bench: no Thrift port in $1" >&2; return; }
  local r
  for ((r = 1; r <= runs; r++)); do
    build/bench/thrift_pull_bench "$tport" "$2" 1000 "$secs" 8 | jq -r .records_per_second
  done | median
}

# Template records: what the water_fault mapping makes of its sample export (the
# sample has a few rows that fail on purpose, so the command exits non-zero).
"$govsync" mapping test mappings/platforms/water_fault.yaml --input mappings/samples/water_fault.ndjson \
  2>/dev/null >"$tmp/templates.ndjson" || true
[ "$(grep -c '^{' "$tmp/templates.ndjson")" -gt 0 ] || { echo "gateway_bench: no template records" >&2; exit 1; }

# ---------------------------------------------------------------- SQLite store
port=$(free_port 18480 18499)
write_config "$tmp/sqlite.yaml" "$tmp/sqlite-data" "$port"
token=$(new_token "$tmp/sqlite.yaml" "$tmp/sqlite-data")
start_server "$tmp/sqlite.yaml" "$tmp/sqlite-data" "$port"
url="http://127.0.0.1:$port"
log "push ${records} records into the SQLite store…"
push_sqlite=$("$py" bench/gateway_push.py --url "$url" --token "$token" --templates "$tmp/templates.ndjson" \
  --records "$records" --batch "$batch" --clients "$clients" --prefix SQ- --csv "$tmp/records.csv")

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
nginx -e "$tmp/nginx/logs/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
for ((i = 0; i < 50; i++)); do curl -fs -o /dev/null "http://127.0.0.1:$nport/v1/records" && break; sleep 0.1; done
cmp -s "$page" <(curl -fsS "http://127.0.0.1:$nport/v1/records?limit=1000") ||
  { echo "gateway_bench: nginx does not serve the page" >&2; exit 1; }

: >"$tmp/gw.rps"
: >"$tmp/nginx.rps"
for ((r = 1; r <= runs; r++)); do
  log "feed pull: wrk run $r/$runs (gateway, then nginx, ${secs} s each)…"
  wrk_rps "$url/v1/records?limit=1000" -H "Authorization: Bearer $token" >>"$tmp/gw.rps"
  wrk_rps "http://127.0.0.1:$nport/v1/records?limit=1000" >>"$tmp/nginx.rps"
done
kill "$nginx_pid"
wait "$nginx_pid" || true
nginx_pid=""
gw_rps=$(median <"$tmp/gw.rps")
nginx_rps=$(median <"$tmp/nginx.rps")
log "feed pull through Thrift (${runs} runs, ${secs} s each)…"
thrift_rps=$(thrift_pull_bench "$tmp/serve-$port.log" "$token")

log "long-poll wake-up latency (${rounds} rounds, SQLite store)…"
lp_sqlite=$("$py" bench/longpoll_latency.py --url "$url" --token "$token" --rounds "$rounds" --prefix LPS-)
stop_server

# ------------------------------------------------------------ PostgreSQL store
export GOVSYNC_TEST_PG_PORT=55441 GOVSYNC_TEST_TMP=/tmp/govsync-bench
bash tests/scripts/postgres.sh start >&2
pg_started=1
pg="host=127.0.0.1 port=55441 user=govsync password=govsync-test"
psqlq "$pg dbname=govsync_test" -qc "DROP DATABASE IF EXISTS bench_gw" -c "CREATE DATABASE bench_gw" >/dev/null
port=$(free_port 18480 18499)
write_config "$tmp/pg.yaml" "$tmp/pg-data" "$port" \
  "store:" "  backend: postgres" "  postgres:" \
  "    conninfo: \"host=127.0.0.1 port=55441 dbname=bench_gw user=govsync\"" "    password: govsync-test"
token=$(new_token "$tmp/pg.yaml" "$tmp/pg-data")
start_server "$tmp/pg.yaml" "$tmp/pg-data" "$port"
url="http://127.0.0.1:$port"
log "push ${records} records into the PostgreSQL store…"
push_pg=$("$py" bench/gateway_push.py --url "$url" --token "$token" --templates "$tmp/templates.ndjson" \
  --records "$records" --batch "$batch" --clients "$clients" --prefix PG-)
log "long-poll wake-up latency (${rounds} rounds, PostgreSQL store)…"
lp_pg=$("$py" bench/longpoll_latency.py --url "$url" --token "$token" --rounds "$rounds" --prefix LPP-)
stop_server

# ------------------------------------------------- write baselines, same records
log "write baselines (psql \\copy, sqlite3 .import)…"
psqlq "$pg dbname=bench_gw" -qc "DROP TABLE IF EXISTS pushed" \
  -c "CREATE TABLE pushed (record_key TEXT PRIMARY KEY, body TEXT NOT NULL)"
t0=$(now)
psqlq "$pg dbname=bench_gw" -qc "\\copy pushed FROM '$tmp/records.csv' CSV"
t1=$(now)
copy_in=$(rate "$records" "$t0" "$t1")
psqlq "$pg dbname=govsync_test" -qc "DROP DATABASE bench_gw" >/dev/null
sqlite3 "$tmp/import.db" "CREATE TABLE pushed (record_key TEXT PRIMARY KEY, body TEXT NOT NULL)"
t0=$(now)
sqlite3 "$tmp/import.db" -cmd ".mode csv" ".import $tmp/records.csv pushed"
t1=$(now)
sqlite_import=$(rate "$records" "$t0" "$t1")
[ "$(sqlite3 "$tmp/import.db" 'SELECT count(*) FROM pushed')" = "$records" ] ||
  { echo "gateway_bench: sqlite3 .import did not load ${records} rows" >&2; exit 1; }

# ----------------------------------------------------------------- the section
j() { jq -r ".$2" <<<"$1"; }
gw_recs=$(printf '%.0f' "$(echo "$gw_rps * 1000" | bc -l)")
nginx_recs=$(printf '%.0f' "$(echo "$nginx_rps * 1000" | bc -l)")
mbs() { echo "$1 * $page_bytes / 1000000" | bc -l | xargs printf '%.0f'; }
p_sq=$(j "$push_sqlite" records_per_s)
p_pg=$(j "$push_pg" records_per_s)
lat() { echo "$(j "$1" "$2.p50") / $(j "$1" "$2.p99") ms"; }
meets() { [ "$(echo "$1" | bc -l)" = 1 ] && echo "met" || echo "**missed**"; }
page_kb=$(echo "$page_bytes / 1000" | bc)
feed_row="| feed pull, pages of 1,000 masked records | $(fmt "$gw_recs") records/s ($(fmt "$(printf '%.0f' "$gw_rps")") req/s, \
$(fmt "$(mbs "$gw_rps")") MB/s) | nginx, same page as a static file: $(fmt "$nginx_recs") records/s \
($(fmt "$(printf '%.0f' "$nginx_rps")") req/s, $(fmt "$(mbs "$nginx_rps")") MB/s) | $(ratio "$gw_rps" "$nginx_rps") | \
≥ 0.50 of nginx: $(meets "$gw_rps / $nginx_rps >= 0.5") |"
if [ -n "$thrift_rps" ]; then
  feed_row+=$'\n'"| feed pull through Thrift (generated C++ client, 8 connections, \`build/bench/thrift_pull_bench\`), same pages | \
$(fmt "$thrift_rps") records/s | the HTTP feed pull above: $(fmt "$gw_recs") records/s | $(ratio "$thrift_rps" "$gw_recs") | — |"
fi
date=$(date -u +%Y-%m-%dT%H:%MZ)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
# The binary may have been built from a tree with uncommitted changes: say so.
git diff --quiet HEAD -- core gateway cli connectors mappings schema 2>/dev/null ||
  rev="$rev + uncommitted changes; build/cli/govsync of $(date -u -r "$govsync" +%Y-%m-%dT%H:%MZ)"

cat >"$out" <<MD
## Gateway (gateway issue)

\`bench/gateway_bench.sh\` (${date}, commit ${rev}): \`govsync serve\` on 127.0.0.1 with a temporary configuration
(\`http.threads: ${http_threads}\`, \`http.rate_limit.per_second: 0\` = no per-client limit, \`http.max_keep_alive_requests: 0\`),
load generators on the same ${wrk_threads}-core machine. A client with \`pull:*,push:water\` and no \`pii\`, so pages are the masked form.
$(fmt "$records") unified CASE records (built from the \`water_fault\` mapping's output on its sample export, each with its own
\`source_id\` and phone) are pushed into an empty store by \`bench/gateway_push.py\`: \`POST /v1/records\`, ${batch} records per
request, ${clients} concurrent keep-alive clients. The feed is then pulled with
\`wrk -t${wrk_threads} -c${wrk_conns} -d${secs}s -H 'Authorization: Bearer …' '/v1/records?limit=1000'\` (the first page of
1,000 real records, ${page_kb} kB of JSON), and the same page, fetched once with curl, is served as a static file by an nginx
started for the run (2 workers, sendfile, temporary prefix) and pulled with the same wrk command; runs alternate,
medians of ${runs}; MB/s = requests/s × the page's ${page_kb} kB. Long-poll wake-up (\`bench/longpoll_latency.py\`, ${rounds} rounds):
a client waits in \`GET /v1/records?after=<head>&wait=30\`, another pushes one record; the time from just before the push
is sent to the long-poll's answer (it includes the push's commit). Write baselines, one run each, on the same records
(key + JSON as pushed, from a CSV): \`psql \\copy\` into a PostgreSQL table with a primary key and sqlite3 \`.import\` into an
SQLite table with a primary key — a single table, where the store also writes versions, the feed with both served
forms and an audit entry per request.

| measure | figure | baseline (same run) | ratio | target |
|---|---:|---:|---:|---|
${feed_row}
| push \`POST /v1/records\` → SQLite store | $(fmt "$p_sq") records/s ($(j "$push_sqlite" seconds) s) | sqlite3 .import (primary key): $(fmt "$sqlite_import") records/s | $(ratio "$p_sq" "$sqlite_import") | — |
| push \`POST /v1/records\` → PostgreSQL store | $(fmt "$p_pg") records/s ($(j "$push_pg" seconds) s) | psql \\copy (primary key): $(fmt "$copy_in") records/s | $(ratio "$p_pg" "$copy_in") | — |
| long-poll wake-up p50 / p99, SQLite store | $(lat "$lp_sqlite" from_send_ms) | — | — | p99 < 50 ms: $(meets "$(j "$lp_sqlite" from_send_ms.p99) < 50") |
| long-poll wake-up p50 / p99, PostgreSQL store | $(lat "$lp_pg" from_send_ms) | — | — | p99 < 50 ms: $(meets "$(j "$lp_pg" from_send_ms.p99) < 50") |

Measured from the push's answer instead, the long-poll's answer comes $(lat "$lp_sqlite" from_response_ms) (SQLite) and
$(lat "$lp_pg" from_response_ms) (PostgreSQL) after it (negative: before it — waiters wake at the commit, the push answers once
its audit entry is durable). Thrift pulls go through the same service and store
as HTTP, then each served JSON record is read back into a typed \`Record\` and written in the binary protocol.
MD
log "done"
