#!/usr/bin/env bash
# Installs the Debian 12 packages govsync needs to build, run and test.
# Idempotent; run as root (the README's commands call it).
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "install-deps.sh: run as root (apt-get)" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
build_pkgs=(cmake ninja-build g++ pkg-config python3
  libpoco-dev thrift-compiler libthrift-dev unixodbc-dev libyaml-cpp-dev libsqlite3-dev libpq-dev libssl-dev
  zlib1g-dev libicu-dev libboost-test-dev)
run_pkgs=(sqlite3 odbc-postgresql libsqliteodbc odbc-mariadb tzdata ca-certificates)
test_pkgs=(bc postgresql mariadb-server python3-thrift python3-pyodbc curl jq openssl clang libclang-rt-14-dev
  chromium wrk nginx-light)
want=("${build_pkgs[@]}" "${run_pkgs[@]}")
[ "${1:-}" = "--test" ] && want+=("${test_pkgs[@]}")
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps.sh: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian postgresql/mariadb packages start system-wide servers on
# install; the tests run their own throwaway servers instead.
# Likewise nginx (the gateway benchmark starts its own on a temporary
# prefix): stop and disable one the install just started.
if [[ " ${missing[*]-} " == *" nginx-light "* ]]; then
  { service nginx stop && update-rc.d nginx disable; } >/dev/null 2>&1 || true
fi
