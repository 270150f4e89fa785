#!/usr/bin/env bash
# Starts or stops the throwaway MariaDB server the odbc connector tests run
# against (ctest fixture "mariadb"). Runs mariadbd as the mysql OS user, with
# its own datadir under ${GOVSYNC_TEST_TMP:-/tmp/govsync-test}, on
# 127.0.0.1:${GOVSYNC_TEST_MARIADB_PORT:-53306}, with a password-protected
# user `govsync` (password govsync-test) owning database `govsync_test`.
#   start    a fresh server (wipes the datadir)
#   stop     stops it (keeps the datadir)
#   resume   starts it again on the kept datadir (outage tests)
set -euo pipefail
cmd=${1:?usage: mariadb.sh start|stop|resume}
port=${GOVSYNC_TEST_MARIADB_PORT:-53306}
root=${GOVSYNC_TEST_TMP:-/tmp/govsync-test}/mariadb-$port
as_mysql() { if [ "$(id -u)" = 0 ]; then runuser -u mysql -- "$@"; else "$@"; fi; }
running() { [ -f "$root/mariadb.pid" ] && kill -0 "$(cat "$root/mariadb.pid")" 2>/dev/null; }

launch() {
  # --no-defaults: the system's /etc/mysql config (its port, socket, datadir) must not apply.
  as_mysql /usr/sbin/mariadbd --no-defaults --datadir="$root/data" --port="$port" --bind-address=127.0.0.1 \
    --socket="$root/mariadb.sock" --pid-file="$root/mariadb.pid" --log-error="$root/server.log" \
    --skip-name-resolve --innodb-buffer-pool-size=64M --innodb-log-file-size=16M --skip-log-bin \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin </dev/null >/dev/null 2>&1 &
  for _ in $(seq 1 120); do
    if /usr/bin/mariadb-admin --no-defaults --socket="$root/mariadb.sock" -uroot ping >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "mariadb did not start on $port; log:" >&2
  tail -n 30 "$root/server.log" >&2 || true
  exit 1
}

halt() {
  if running; then
    local pid
    pid=$(cat "$root/mariadb.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

case "$cmd" in
  start)
    if running; then echo "mariadb already running on $port"; exit 0; fi
    rm -rf "$root"; mkdir -p "$root"
    [ "$(id -u)" = 0 ] && chown mysql:mysql "$root"
    as_mysql /usr/bin/mariadb-install-db --no-defaults --datadir="$root/data" --auth-root-authentication-method=socket \
      --skip-test-db >"$root/install.log" 2>&1 || { cat "$root/install.log"; exit 1; }
    launch
    # root logs in over the socket only; govsync over TCP with its password.
    # govsync may create users (the credential tests change a user's password).
    /usr/bin/mariadb --no-defaults --socket="$root/mariadb.sock" -uroot <<SQL
CREATE DATABASE govsync_test CHARACTER SET utf8mb4;
CREATE USER 'govsync'@'127.0.0.1' IDENTIFIED BY 'govsync-test';
GRANT ALL PRIVILEGES ON govsync_test.* TO 'govsync'@'127.0.0.1' WITH GRANT OPTION;
GRANT CREATE USER ON *.* TO 'govsync'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
    echo "mariadb started on 127.0.0.1:$port ($root)"
    ;;
  stop)
    halt
    echo "mariadb stopped"
    ;;
  resume)
    if running; then exit 0; fi
    [ -d "$root/data" ] || { echo "mariadb.sh resume: no datadir at $root; run start" >&2; exit 1; }
    launch
    echo "mariadb resumed on 127.0.0.1:$port"
    ;;
  *) echo "usage: mariadb.sh start|stop|resume" >&2; exit 2 ;;
esac
