#!/usr/bin/env bash
# The demo city: starts four simulated legacy platforms of Panjin and `govsync serve` pulling from them
# (demo/govsync-demo.yaml), prints two client keys and copy-paste curl commands, then shows the feed moving
# until Ctrl-C, which stops everything. ./scripts/run.sh calls this after installing and building.
#
#   demo/run-demo.sh [--data-dir DIR] [--http-port N] [--thrift-port N] [--tick SECONDS] [--bad-every N]
#                    [--govsync BIN]
#
# Environment defaults: GOVSYNC_HTTP_PORT (8080), GOVSYNC_THRIFT_PORT (9090), GOVSYNC_DATA_DIR (./data),
# GOVSYNC_DEMO_TICK (4: seconds between new rows), GOVSYNC_DEMO_BAD_EVERY (5: every Nth tick adds a bad
# row). State: the govsync store in DIR (govsync.db, master_key, hmac_salt), the simulators' in DIR/demo;
# delete DIR to start the demo city from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

data_dir=${GOVSYNC_DATA_DIR:-./data}
http_port=${GOVSYNC_HTTP_PORT:-8080}
thrift_port=${GOVSYNC_THRIFT_PORT:-9090}
tick=${GOVSYNC_DEMO_TICK:-4}
bad_every=${GOVSYNC_DEMO_BAD_EVERY:-5}
govsync=${GOVSYNC_BIN:-build/cli/govsync}
python=/usr/bin/python3
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) data_dir=$2; shift 2 ;;
    --http-port) http_port=$2; shift 2 ;;
    --thrift-port) thrift_port=$2; shift 2 ;;
    --tick) tick=$2; shift 2 ;;
    --bad-every) bad_every=$2; shift 2 ;;
    --govsync) govsync=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-demo.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

fail() { echo "run-demo.sh: $*" >&2; exit 1; }
[ -x "$govsync" ] || fail "no govsync binary at $govsync (build first: bash scripts/build.sh)"
[ -x "$python" ] || fail "$python is missing (apt-get install python3)"
command -v curl >/dev/null || fail "curl is missing (apt-get install curl; the printed commands also use jq)"
for p in "$http_port" "$thrift_port"; do
  [[ "$p" =~ ^[0-9]+$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] || fail "'$p' is not a port number"
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    fail "port $p on 127.0.0.1 is in use: choose others, e.g. --http-port 18080 --thrift-port 19090"
  fi
done
driver=""
for d in /usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so /usr/lib/*/odbc/libsqlite3odbc.so; do
  [ -f "$d" ] && { driver=$d; break; }
done
[ -n "$driver" ] || fail "the SQLite ODBC driver is missing (apt-get install libsqliteodbc unixodbc)"

mkdir -p "$data_dir"
data_dir=$(cd "$data_dir" && pwd)
demo=$data_dir/demo
mkdir -p "$demo/logs" "$demo/drop/hcp" "$demo/drop/jt808"
chmod 700 "$demo"
if [ ! -s "$demo/suishoupai-hmac-secret" ]; then
  (umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=\n' > "$demo/suishoupai-hmac-secret")
fi

export GOVSYNC_HTTP_PORT=$http_port GOVSYNC_THRIFT_PORT=$thrift_port GOVSYNC_DEMO_DIR=$demo \
       GOVSYNC_DEMO_ODBC_DRIVER=$driver GOVSYNC_DEMO_SSP_URL="http://127.0.0.1:0" \
       GOVSYNC_DEMO_SSP_SECRET=$(cat "$demo/suishoupai-hmac-secret")
config=demo/govsync-demo.yaml
gs() { "$govsync" "$@" --config "$config" --data-dir "$data_dir"; }

# --- stopping: serve first (it lets batches in flight commit), then the simulators -------------------
pids=()
serve_pid=""
sleep_pid=""
stopping=0
cleanup() {
  local rc=$?
  [ "$stopping" = 1 ] && return
  stopping=1
  trap '' INT TERM
  echo
  echo "demo: stopping (govsync serve, then the simulators) ..."
  [ -n "$sleep_pid" ] && kill "$sleep_pid" 2>/dev/null || true
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$serve_pid" 2>/dev/null || true
  fi
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  echo "demo: stopped; state kept in $data_dir (delete it to start the demo city afresh)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the legacy platforms -----------------------------------------------------------------------------
sim() {  # name script args...
  local name=$1 script=$2
  shift 2
  mkdir -p "$demo/$name"
  "$python" -B "demo/simulators/$script" --dir "$demo/$name" --tick "$tick" --bad-every "$bad_every" --parent-pid $$ "$@" \
    >>"$demo/logs/$name.log" 2>&1 &
  pids+=($!)
}
rm -f "$demo"/*/*.ready "$demo/suishoupai/suishoupai.port"
sim hotline hotline_db.py
sim suishoupai citizen_api.py --secret-file "$demo/suishoupai-hmac-secret"
sim reviews review_drop.py --drop "$demo/drop/hcp"
sim hazchem hazchem_feed.py --drop "$demo/drop/jt808"
for _ in $(seq 150); do
  [ -f "$demo/hotline/hotline.ready" ] && [ -f "$demo/suishoupai/suishoupai.port" ] &&
    [ -f "$demo/reviews/reviews.ready" ] && [ -f "$demo/hazchem/hazchem.ready" ] && break
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || fail "a simulator stopped; see $demo/logs/"; done
  sleep 0.1
done
[ -f "$demo/suishoupai/suishoupai.port" ] || fail "the simulators did not start in 15 s; see $demo/logs/"
GOVSYNC_DEMO_SSP_URL="http://127.0.0.1:$(cat "$demo/suishoupai/suishoupai.port")"

# --- the demo clients ---------------------------------------------------------------------------------
# The big-data centre's key pulls everything (pii too), pushes water_fault and administers. 差评整改 is a
# department's own business (review:rectify acts on reviews of the client's department only), so a second
# key, of 盘锦市生态环境局 — a department with bad reviews in the demo's 好差评 data — rectifies them.
# A key is kept in its file and reused while the store lists it with the same scopes; otherwise (a store
# made afresh, or a key of an older demo with other scopes) it is revoked and made again.
demo_key() {  # file name-prefix department scopes → prints the token
  local file=$1 name=$2 department=$3 scopes=$4 token="" line out
  if [ -s "$file" ]; then
    token=$(cat "$file")
    line=$(gs client list 2>/dev/null | grep "^${token%%.*} " || true)
    if [ -n "$line" ] && ! grep -qF "  $scopes  " <<<"$line"; then
      gs client revoke "${token%%.*}" >/dev/null 2>&1 || true
      line=""
    fi
    [ -n "$line" ] || token=""
  fi
  if [ -z "$token" ]; then
    out=$(gs client add --name "$name-$(date +%s)" --department "$department" --scopes "$scopes") ||
      fail "could not create the demo client $name: $out"
    token=$(sed -n 's/^  token:  //p' <<<"$out")
    [ -n "$token" ] || fail "no token in: $out"
    (umask 077; echo "$token" > "$file")
  fi
  echo "$token"
}
centre_scopes='pull:*,pii,push:water_fault,admin'
dept=盘锦市生态环境局
dept_scopes='review:rectify,pull:REVIEW'
key_file=$demo/client-token
dept_key_file=$demo/dept-client-token
token=$(demo_key "$key_file" demo-bigdata-centre 盘锦市大数据中心 "$centre_scopes")
dept_token=$(demo_key "$dept_key_file" demo-ecology-bureau "$dept" "$dept_scopes")
dept_name=$(gs client list 2>/dev/null | awk -v k="${dept_token%%.*}" '$1 == k {print $2}')

# --- govsync ------------------------------------------------------------------------------------------
log=$demo/logs/govsync.log
echo "=== $(date -Is) govsync serve --config $config --data-dir $data_dir" >>"$log"
"$govsync" serve --config "$config" --data-dir "$data_dir" >>"$log" 2>&1 &
serve_pid=$!
base=http://127.0.0.1:$http_port
for _ in $(seq 300); do
  kill -0 "$serve_pid" 2>/dev/null || { tail -n 20 "$log" >&2; serve_pid=""; fail "govsync serve stopped (log: $log)"; }
  curl -fsS -o /dev/null "$base/readyz" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "$base/readyz" || fail "govsync did not answer on $base in 30 s (log: $log)"

cat <<EOF

  govsync demo city — Panjin 盘锦 big-data centre, on the embedded default
  ───────────────────────────────────────────────────────────────────────
  store      SQLite $data_dir/govsync.db        mappings  $root/mappings/platforms
  gateway    HTTP $base   Thrift 127.0.0.1:$thrift_port   (loopback only)
  platforms  a. 12345 hotline     SQLite + GBK text via ODBC  $demo/hotline/hotline12345.db
             b. 随手拍 reports     signed, paginated HTTP API  $GOVSYNC_DEMO_SSP_URL/api/v1/reports
             c. 好差评 reviews     GB18030 CSV drop            $demo/drop/hcp
             d. 危化品 vehicles     JT/T 808 NDJSON drop        $demo/drop/jt808
             new rows every ${tick} s, some of them bad (they become dead letters with reasons)
  logs       $demo/logs/

  demo client key of the big-data centre (scopes $centre_scopes; kept in $key_file):
export GOVSYNC_TOKEN=$token
  and of $dept, which rectifies its bad reviews ($dept_name: scopes $dept_scopes; kept in $dept_key_file):
export GOVSYNC_DEPT_TOKEN=$dept_token

  # 1. pull unified records (change feed), then resume after the page's cursor
curl -s -H "Authorization: Bearer \$GOVSYNC_TOKEN" "$base/v1/records?limit=5"
NEXT=\$(curl -s -H "Authorization: Bearer \$GOVSYNC_TOKEN" "$base/v1/records?limit=5" | jq -r .next)
curl -s -H "Authorization: Bearer \$GOVSYNC_TOKEN" "$base/v1/records?after=\$NEXT&limit=5&wait=10"
curl -s -H "Authorization: Bearer \$GOVSYNC_TOKEN" "$base/v1/records?source=hotline12345&limit=3" | jq '.records[] | {case_no, title, status, lon, lat}'
  # 2. 好差评: the review feed (bad reviews) and satisfaction by department
curl -s -H "Authorization: Bearer \$GOVSYNC_TOKEN" "$base/v1/reviews/feed?level=1,2&limit=5"
curl -s -H "Authorization: Bearer \$GOVSYNC_TOKEN" "$base/v1/reviews/stats?group_by=department"
  # 3. push a department's rows (water utility tickets) through the water_fault mapping
head -n 3 "$root/mappings/samples/water_fault.ndjson" | curl -s -H "Authorization: Bearer \$GOVSYNC_TOKEN" -H 'Content-Type: application/x-ndjson' --data-binary @- "$base/v1/push/water_fault"
  # 4. dead letters with their reasons (stage, field, value), and the connectors' state
curl -s -H "Authorization: Bearer \$GOVSYNC_TOKEN" "$base/v1/deadletters?limit=5" | jq '.dead_letters[] | {source, stage, field, error}'
curl -s -H "Authorization: Bearer \$GOVSYNC_TOKEN" "$base/v1/connectors"
  # 5. 差评整改: $dept finds one of its bad reviews still to be verified (the latest version of each
  #    review in its feed), moves it to RECTIFYING with a note, and reads the steps back
REVIEW=\$(curl -s -G -H "Authorization: Bearer \$GOVSYNC_DEPT_TOKEN" --data-urlencode department=$dept "$base/v1/reviews/feed?level=1,2&limit=1000" | jq -r 'reduce .reviews[].record as \$r ({}; .[\$r.record_id] = \$r) | map(select(.rectify_state == "VERIFYING")) | .[0].record_id')
curl -s -X PATCH -H "Authorization: Bearer \$GOVSYNC_DEPT_TOKEN" -H 'Content-Type: application/json' -d '{"state":"RECTIFYING","note":"已核实：安排专人整改并电话回复评价人"}' "$base/v1/reviews/\$REVIEW/rectification" | jq -c '{record_id, state, version, allowed_next}'
curl -s -H "Authorization: Bearer \$GOVSYNC_DEPT_TOKEN" "$base/v1/reviews/\$REVIEW/rectification" | jq '{record_id, level, state, due_at, steps: [.steps[] | {seq, from, to, actor, note}]}'

  Press Ctrl-C to stop everything. The feed as it moves:

EOF

# --- watching the feed move ---------------------------------------------------------------------------
metric() { awk -v m="$1" '$1 ~ "^"m"({|$)" {s += $2} END {printf "%d", s}' <<<"$2"; }
last=-1
while true; do
  if ! kill -0 "$serve_pid" 2>/dev/null; then
    wait "$serve_pid" && rc=0 || rc=$?
    serve_pid=""
    tail -n 20 "$log" >&2
    fail "govsync serve exited ($rc); log: $log"
  fi
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || fail "a simulator stopped; see $demo/logs/"; done
  if m=$(curl -fsS "$base/metrics" 2>/dev/null); then
    head=$(metric govsync_feed_head_position "$m")
    if [ "$head" != "$last" ]; then
      printf '%s  feed head %s   since start: %s records, %s dead letters (hotline %s, 随手拍 %s, 好差评 %s, vehicles %s)\n' \
        "$(date +%H:%M:%S)" "$head" "$(metric govsync_connector_records_total "$m")" \
        "$(metric govsync_connector_dead_letters_total "$m")" \
        "$(grep -E '^govsync_connector_records_total\{.*hotline-12345' <<<"$m" | awk '{print $2}')" \
        "$(grep -E '^govsync_connector_records_total\{.*suishoupai' <<<"$m" | awk '{print $2}')" \
        "$(grep -E '^govsync_connector_records_total\{.*window-reviews' <<<"$m" | awk '{print $2}')" \
        "$(grep -E '^govsync_connector_records_total\{.*hazchem-vehicles' <<<"$m" | awk '{print $2}')"
      last=$head
    fi
  fi
  sleep 5 &
  sleep_pid=$!
  wait "$sleep_pid" || true
  sleep_pid=""
done
