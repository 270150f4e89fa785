#!/usr/bin/env bash
# The Debian package, checked from the test build (registered in tests/CMakeLists.txt):
#   tests/packaging/package_test.sh BUILD_DIR
# 1. `cpack -G DEB` builds govsync_<version>_<arch>.deb from BUILD_DIR's install rules.
# 2. Its contents (`dpkg-deb -c`): the program, the configuration (a conffile), the mappings and
#    code tables, the calendar when the source has one, the plugin folders, the systemd unit.
# 3. Its Depends (`dpkg-deb -I`): the runtime libraries by name; every library that the program
#    and the example plugin link (readelf NEEDED → the Debian package that holds it) is among them;
#    the fallback list (no dpkg-shlibdeps) names the same packages as dpkg-shlibdeps.
# 4. A real `dpkg --root=<scratch> -i` (maintainer scripts run chrootless with $DPKG_ROOT; the
#    user/ownership tools and systemctl are stubs that record their calls, deb-systemd-helper is
#    the real one): the user and group are created, the data folder is 0750 govsync, the
#    configuration 0640 root:govsync, the unit is enabled, and nothing is started (no systemd).
# 5. The installed program: `config check` on the installed configuration as shipped; with its
#    /usr and /var paths moved into the scratch root: every path it names exists, `mapping check`
#    passes on every shipped mapping, the example plugin loads, and `serve` starts, answers
#    /healthz and /readyz, makes its keys in the data folder, and stops on SIGTERM.
# 6. The unit: its keys, `systemd-analyze verify` with no complaint, `systemd-analyze security`.
# 7. `dpkg -r` keeps the data folder and configuration and masks the unit; `dpkg -P` removes the
#    configuration and keeps the data folder (docs/operations.md).
# 8. `cmake --install BUILD_DIR --prefix P` into a scratch prefix: P/bin/govsync,
#    P/etc/govsync/govsync.yaml (GNUInstallDirs' SYSCONFDIR follows the prefix), P/share/govsync/mappings,
#    P/lib/systemd/system/govsync.service naming P's program and configuration, nothing written outside
#    P; `config check` passes on P's configuration and every path it names is under P. And with
#    `--prefix /usr` staged by DESTDIR the configuration goes to /etc/govsync, as in the .deb.
set -euo pipefail

build=$(cd "${1:?usage: package_test.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/govsync-package-test.XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  if [ -z "${GOVSYNC_KEEP_TMP:-}" ]; then rm -rf "$tmp"; else echo "kept $tmp"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# ---- 1. build the package ---------------------------------------------------------------
[ -f "$build/CPackConfig.cmake" ] || fail "$build/CPackConfig.cmake missing (configure the build first)"
(cd "$build" && cpack --config CPackConfig.cmake -G DEB -B "$tmp/pkg") >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$tmp"/pkg/govsync_*.deb)
ok "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# ---- 2. contents ------------------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's#^\./#/#' >"$tmp/contents"
for path in /usr/bin/govsync /etc/govsync/govsync.yaml /usr/lib/systemd/system/govsync.service \
  /usr/share/govsync/mappings/platforms/hotline_12345.yaml /usr/share/govsync/mappings/codes/departments.csv \
  /usr/lib/govsync/plugins/ /usr/lib/govsync/examples/sequence.so /usr/share/doc/govsync/operations.md \
  /usr/share/doc/govsync/examples/govsync.yaml /usr/share/doc/govsync/examples/provincial-reviews.yaml; do
  grep -qx "$path" "$tmp/contents" || fail "package lacks $path"
done
for f in "$src"/mappings/platforms/*.yaml "$src"/mappings/codes/*.csv; do
  rel=${f#"$src"/mappings/}
  grep -qx "/usr/share/govsync/mappings/$rel" "$tmp/contents" || fail "package lacks mapping file $rel"
done
if [ -d "$src/config/calendar" ]; then
  for f in "$src"/config/calendar/*; do
    grep -qx "/usr/share/govsync/calendar/$(basename "$f")" "$tmp/contents" || fail "package lacks calendar $f"
  done
fi
outside=$(grep -v -e '^/$' -e '^/etc/$' -e '^/etc/govsync/' -e '^/usr/' "$tmp/contents" || true)
[ -z "$outside" ] || fail "files outside /usr and /etc/govsync: $outside"
mkdir "$tmp/control"
dpkg-deb -e "$deb" "$tmp/control"
grep -qx /etc/govsync/govsync.yaml "$tmp/control/conffiles" || fail "the configuration is not a conffile"
for s in postinst prerm postrm; do
  [ -x "$tmp/control/$s" ] || fail "no executable $s"
  sh -n "$tmp/control/$s" || fail "$s: shell syntax"
done
ok "contents: $(wc -l <"$tmp/contents") entries; conffile /etc/govsync/govsync.yaml; postinst prerm postrm"

# ---- 3. Depends -------------------------------------------------------------------------
dpkg-deb -I "$deb" >"$tmp/info"
grep -q '^ Package: govsync$' "$tmp/info" || fail "dpkg-deb -I: no Package: govsync"
depends=$(dpkg-deb -f "$deb" Depends)
names() { tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/[[:space:]]//g' | grep -v '^$' | sort -u; }
echo "$depends" | names >"$tmp/depends"
for p in libpococrypto80 libpocofoundation80 libpoconet80 libpoconetssl80 libpocojson80 libthrift-0.17.0 libodbc2 \
  libyaml-cpp0.7 libsqlite3-0 libpq5 libssl3 libicu72 tzdata adduser libc6 libstdc++6; do
  grep -qx "$p" "$tmp/depends" || fail "Depends lacks $p: $depends"
done
mkdir "$tmp/x"
dpkg-deb -x "$deb" "$tmp/x"
for elf in "$tmp/x/usr/bin/govsync" "$tmp/x/usr/lib/govsync/examples/sequence.so"; do
  for lib in $(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    # (awk reads to the end: an early exit would SIGPIPE ldconfig and fail the pipeline)
    path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !found {print $NF; found = 1}')
    [ -n "$path" ] || fail "$lib (needed by $(basename "$elf")) is not installed here"
    pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null) ||
      fail "no package owns $path"
    pkg=${pkg%%:*}
    grep -qx "$pkg" "$tmp/depends" || fail "$(basename "$elf") links $lib from $pkg, which Depends does not name"
  done
done
if command -v dpkg-shlibdeps >/dev/null; then
  (cd "$build" && cpack --config CPackConfig.cmake -G DEB -B "$tmp/pkg-list" -D GOVSYNC_DEB_SHLIBDEPS=OFF) \
    >"$tmp/cpack-list.log" 2>&1 || { cat "$tmp/cpack-list.log"; fail "cpack with the written-out Depends"; }
  dpkg-deb -f "$tmp"/pkg-list/govsync_*.deb Depends | names >"$tmp/depends-list"
  diff "$tmp/depends" "$tmp/depends-list" >/dev/null ||
    fail "packaging/CPackProjectConfig.cmake's list differs from dpkg-shlibdeps: $(diff "$tmp/depends" "$tmp/depends-list" | tr '\n' ' ')"
  ok "the written-out Depends names the same packages as dpkg-shlibdeps"
fi
ok "Depends: $depends"

# ---- 4. install into a scratch root with dpkg ------------------------------------------
root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers" "$tmp/stubs"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
# The host's users and systemd must not be touched: these record their calls instead.
for c in getent addgroup adduser chown systemctl deb-systemd-invoke; do
  printf '#!/bin/sh\necho "%s $*" >>"%s"\n[ "%s" = getent ] && exit 2\nexit 0\n' "$c" "$tmp/calls" "$c" >"$tmp/stubs/$c"
  chmod +x "$tmp/stubs/$c"
done
: >"$tmp/calls"
dpkg_root() {
  PATH="$tmp/stubs:$PATH" dpkg --root="$root" --force-script-chrootless --force-depends --force-not-root \
    --log="$tmp/dpkg.log" "$@" >>"$tmp/dpkg.out" 2>&1 || { cat "$tmp/dpkg.out"; fail "dpkg $*"; }
}
dpkg_root -i "$deb"
grep -q '^addgroup --system --quiet govsync$' "$tmp/calls" || fail "postinst did not add the group: $(cat "$tmp/calls")"
grep -q '^adduser --system .*--ingroup govsync --home /var/lib/govsync .*govsync$' "$tmp/calls" ||
  fail "postinst did not add the system user: $(cat "$tmp/calls")"
grep -qx "chown govsync:govsync $root/var/lib/govsync" "$tmp/calls" || fail "data folder not given to govsync"
grep -qx "chown root:govsync $root/etc/govsync/govsync.yaml" "$tmp/calls" || fail "configuration not root:govsync"
[ "$(stat -c %a "$root/var/lib/govsync")" = 750 ] || fail "/var/lib/govsync is not 0750"
[ "$(stat -c %a "$root/etc/govsync/govsync.yaml")" = 640 ] || fail "govsync.yaml is not 0640"
[ -L "$root/etc/systemd/system/multi-user.target.wants/govsync.service" ] || fail "the unit was not enabled"
if grep -q '^systemctl\|^deb-systemd-invoke' "$tmp/calls"; then fail "postinst started a service without systemd"; fi
ok "dpkg --root install: user and group added, /var/lib/govsync 0750, govsync.yaml 0640, unit enabled, not started"

# ---- 5. the installed program -----------------------------------------------------------
bin=$root/usr/bin/govsync
conf=$root/etc/govsync/govsync.yaml
export GOVSYNC_HMAC_SALT=package-test-salt-0123456789
"$bin" config check --config "$conf" >"$tmp/check.out" || { cat "$tmp/check.out"; fail "config check (as installed)"; }
value() { sed -n "s#^  $1 = \([^ ]*\).*#\1#p" "$2"; }
[ "$(value data_dir "$tmp/check.out")" = /var/lib/govsync ] || fail "installed data_dir is not /var/lib/govsync"
for key in mappings.dir mappings.codes_dir sync.plugins_dir reviews.calendar_file; do
  path=$(value "$key" "$tmp/check.out")
  case "$path" in /*) ;; *) fail "$key is not absolute: '$path'" ;; esac
  [ -e "$root$path" ] || fail "$key = $path is not installed"
done
ok "config check passes on the installed configuration; its mapping, code, plugin and calendar paths exist"

# The same configuration with the installation's paths moved into the scratch root.
data=$tmp/data
sed -e "s#: /usr/#: $root/usr/#" -e "s#: /var/lib/govsync#: $data#" \
  -e 's#^\(  port:\) [0-9]*#\1 0#' "$conf" >"$tmp/local.yaml"
"$bin" config check --config "$tmp/local.yaml" >"$tmp/check-local.out" || { cat "$tmp/check-local.out"; fail "config check (moved)"; }
"$bin" mapping check --config "$tmp/local.yaml" "$root"/usr/share/govsync/mappings/platforms/*.yaml >"$tmp/mapping.out" 2>&1 ||
  { cat "$tmp/mapping.out"; fail "mapping check on the installed mappings"; }
ok "mapping check: $(ls "$root"/usr/share/govsync/mappings/platforms/*.yaml | wc -l) installed mappings compile"
sed "s#^\(  plugins_dir:\) .*#\1 $root/usr/lib/govsync/examples#" "$tmp/local.yaml" >"$tmp/plugin.yaml"
"$bin" connector types --config "$tmp/plugin.yaml" >"$tmp/types.out" 2>&1 || { cat "$tmp/types.out"; fail "connector types"; }
grep -q sequence "$tmp/types.out" || fail "the installed example plugin did not load: $(cat "$tmp/types.out")"
ok "the installed example plugin loads into the installed program"

env -u GOVSYNC_HMAC_SALT "$bin" serve --config "$tmp/local.yaml" >"$tmp/serve.out" 2>&1 &
server_pid=$!
url=
for _ in $(seq 1 100); do
  url=$(sed -n 's#.*http: *listening on \(http://[0-9.]*:[0-9]*\).*#\1#p' "$tmp/serve.out")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/serve.out"; fail "serve exited"; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/serve.out"; fail "serve did not listen within 10 s"; }
curl -fsS "$url/healthz" >/dev/null || fail "GET /healthz"
curl -fsS "$url/readyz" >/dev/null || fail "GET /readyz"
kill -TERM "$server_pid"
wait "$server_pid" || { cat "$tmp/serve.out"; fail "serve did not stop cleanly on SIGTERM"; }
server_pid=
grep -q 'govsync: stopped' "$tmp/serve.out" || fail "no clean stop"
loaded=$(grep -c 'mapping .* loaded' "$tmp/serve.out" || true)
[ "$loaded" -ge 1 ] || fail "serve loaded no installed mapping"
[ "$(stat -c %a "$data/master_key")" = 600 ] || fail "master_key is not 0600"
[ -s "$data/hmac_salt" ] || fail "no hmac_salt"
ok "serve on the installed layout: $loaded mappings loaded, /healthz and /readyz answer, master_key 0600, stops on SIGTERM"

# ---- 6. the unit ------------------------------------------------------------------------
unit=$root/usr/lib/systemd/system/govsync.service
for line in 'User=govsync' 'Group=govsync' 'ExecStart=/usr/bin/govsync serve --config /etc/govsync/govsync.yaml' \
  'WorkingDirectory=/var/lib/govsync' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
  'ReadWritePaths=/var/lib/govsync' 'PrivateTmp=yes' 'Restart=on-failure' 'WantedBy=multi-user.target'; do
  grep -qx "$line" "$unit" || fail "the unit lacks '$line'"
done
if command -v systemd-analyze >/dev/null; then
  # verify needs ExecStart's program on this machine: point it at the scratch root's.
  mkdir "$tmp/unit"
  sed "s#^ExecStart=/usr/bin/govsync#ExecStart=$bin#" "$unit" >"$tmp/unit/govsync.service"
  out=$(systemd-analyze verify --man=no "$tmp/unit/govsync.service" 2>&1) || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify complains: $out"
  exposure=$(systemd-analyze security --offline=true --root="$root" govsync.service 2>&1 |
    sed -n 's/.*Overall exposure level for govsync.service: \([0-9.]*\).*/\1/p')
  [ -n "$exposure" ] || fail "systemd-analyze security gave no exposure level"
  awk -v e="$exposure" 'BEGIN { exit !(e <= 3.0) }' || fail "exposure level $exposure > 3.0"
  ok "systemd-analyze verify: no complaint; security exposure $exposure"
else
  ok "systemd-analyze not installed: the unit's keys were checked by reading it"
fi

# ---- 7. remove and purge ----------------------------------------------------------------
touch "$root/var/lib/govsync/govsync.db"
dpkg_root -r govsync
[ ! -e "$root/usr/bin/govsync" ] || fail "dpkg -r left the program"
[ -f "$root/var/lib/govsync/govsync.db" ] || fail "dpkg -r removed the data"
[ -f "$root/etc/govsync/govsync.yaml" ] || fail "dpkg -r removed the conffile"
[ "$(readlink "$root/etc/systemd/system/govsync.service")" = /dev/null ] || fail "dpkg -r did not mask the unit"
dpkg_root -P govsync
[ ! -e "$root/etc/govsync/govsync.yaml" ] || fail "dpkg -P kept the conffile"
[ ! -e "$root/etc/systemd/system/govsync.service" ] || fail "dpkg -P left the unit masked"
[ -f "$root/var/lib/govsync/govsync.db" ] || fail "dpkg -P removed the data folder"
if grep -q '^systemctl\|^deb-systemd-invoke' "$tmp/calls"; then fail "a maintainer script called systemd without systemd"; fi
ok "dpkg -r keeps data and configuration (unit masked); dpkg -P removes the configuration, keeps /var/lib/govsync"

# ---- 8. cmake --install into a prefix -----------------------------------------------------
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install --prefix"; }
for path in bin/govsync etc/govsync/govsync.yaml share/govsync/mappings/platforms/hotline_12345.yaml \
  share/govsync/mappings/codes/departments.csv lib/systemd/system/govsync.service lib/govsync/plugins \
  share/doc/govsync/operations.md; do
  [ -e "$prefix/$path" ] || fail "cmake --install --prefix P: no P/$path"
done
[ -x "$prefix/bin/govsync" ] || fail "P/bin/govsync is not executable"
for f in "$src"/mappings/platforms/*.yaml; do
  [ -f "$prefix/share/govsync/mappings/platforms/$(basename "$f")" ] || fail "P lacks mapping $(basename "$f")"
done
outside=$(sed -n 's#^-- \(Installing\|Up-to-date\): ##p' "$tmp/install.log" | grep -v "^$prefix/" || true)
[ -z "$outside" ] || fail "cmake --install --prefix P wrote outside P: $outside"
punit=$prefix/lib/systemd/system/govsync.service
for line in "ExecStart=$prefix/bin/govsync serve --config $prefix/etc/govsync/govsync.yaml" \
  "EnvironmentFile=-$prefix/etc/govsync/govsync.env" "Documentation=file:$prefix/share/doc/govsync/operations.md"; do
  grep -qx -- "$line" "$punit" || fail "P's unit lacks '$line': $(grep -E '^(ExecStart|EnvironmentFile)' "$punit")"
done
if grep -n '/etc/govsync\|/usr/' "$punit" "$prefix/etc/govsync/govsync.yaml" | grep -v "$prefix/"; then
  fail "P's unit or configuration names a path outside P (above)"
fi
"$prefix/bin/govsync" config check --config "$prefix/etc/govsync/govsync.yaml" >"$tmp/check-prefix.out" ||
  { cat "$tmp/check-prefix.out"; fail "config check on P's configuration"; }
for key in mappings.dir mappings.codes_dir sync.plugins_dir reviews.calendar_file; do
  path=$(value "$key" "$tmp/check-prefix.out")
  case "$path" in "$prefix"/*) ;; *) fail "P's $key is not under P: '$path'" ;; esac
  [ -e "$path" ] || fail "P's $key = $path is not installed"
done
ok "cmake --install --prefix P: P/bin/govsync, P/etc/govsync/govsync.yaml, P/share/govsync/mappings, P's unit; config check passes, every path under P"

# The .deb's prefix, staged: GNUInstallDirs puts SYSCONFDIR of /usr at /etc.
DESTDIR=$tmp/staged cmake --install "$build" --prefix /usr >"$tmp/install-usr.log" 2>&1 ||
  { cat "$tmp/install-usr.log"; fail "DESTDIR=… cmake --install --prefix /usr"; }
[ -f "$tmp/staged/etc/govsync/govsync.yaml" ] || fail "--prefix /usr: no /etc/govsync/govsync.yaml"
[ ! -e "$tmp/staged/usr/etc" ] || fail "--prefix /usr installed /usr/etc"
grep -qx 'ExecStart=/usr/bin/govsync serve --config /etc/govsync/govsync.yaml' "$tmp/staged/usr/lib/systemd/system/govsync.service" ||
  fail "--prefix /usr: the unit's ExecStart is not /usr/bin/govsync … /etc/govsync/govsync.yaml"
ok "cmake --install --prefix /usr (DESTDIR staged): /etc/govsync/govsync.yaml, /usr/bin/govsync in the unit"
echo "package_test: all checks passed"
