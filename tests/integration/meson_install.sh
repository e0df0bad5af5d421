#!/usr/bin/env bash
# What `meson install` puts on a system (docs/install.md, meson.build's install rules), checked
# without building anything new and without touching the machine:
#   1. `meson install --no-rebuild --destdir` from an existing build directory (default: build,
#      configured with the unit tests on) installs exactly the daemon (sbin), redoubt-zone and
#      redoubt-wire (bin), redoubt-control (sbin), the four man pages and etc/redoubt/redoubt.yaml, plus the systemd
#      unit when deploy/systemd/redoubt.service exists; no unit test, scenario, benchmark, lab
#      helper or sample printer;
#   2. the installed example configuration passes the installed daemon's --check-config, and so
#      does the same file with every commented-out default switched on;
#   3. a throw-away configuration of the source with -Dtests=false --prefix=/usr (as debian/rules
#      does) builds only the daemon and the two tools, would install the configuration into
#      /etc/redoubt and the unit (a stand-in, when the real one is absent) into systemd's unit
#      directory or the -Dsystemdsystemunitdir given.
# Usage: tests/integration/meson_install.sh [BUILD_DIR]. Ends with "meson-install: N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-${REDOUBT_BUILD_DIR:-build}}
case "$build" in /*) ;; *) build=$root/$build ;; esac
work=$(mktemp -d /tmp/redoubt-meson-install.XXXXXX)
passed=0 failed=0
source "$here/lib/harness.sh"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

finish() {
  echo "meson-install: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# The files an installation must hold, relative to the prefix (etc/ is sysconfdir; a unit
# directory outside the prefix stays absolute). Sorted.
expected_files() {
  local unit_dir=$1
  {
    printf '%s\n' sbin/redoubt sbin/redoubt-control bin/redoubt-zone bin/redoubt-wire \
      share/man/man1/redoubt-zone.1 share/man/man1/redoubt-wire.1 share/man/man8/redoubt.8 \
      share/man/man8/redoubt-control.8 \
      etc/redoubt/redoubt.yaml
    [ -f "$root/deploy/systemd/redoubt.service" ] && echo "$unit_dir/redoubt.service"
  } | sort
}

# Files under DESTDIR, with the prefix taken off (absolute paths outside it keep their slash).
installed_files() {
  local dest=$1 prefix=$2
  (cd "$dest" && find . -type f -o -type l) | sed 's|^\.||' | while read -r f; do
    case "$f" in "$prefix"/*) echo "${f#"$prefix"/}" ;; *) echo "$f" ;; esac
  done | sort
}

option_value() {  # BUILD_DIR NAME
  meson introspect "$1" --buildoptions | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    if o["name"] == sys.argv[1]: print(o["value"])' "$2"
}

# 1 and 2: an existing build directory.
check_build_dir() {
  if [ ! -f "$build/build.ninja" ] || [ ! -x "$build/resolver/redoubt" ]; then
    not_ok "build directory $build is configured and built (scripts/build.sh)"
    return
  fi
  local prefix sysconf dest=$work/destdir
  # meson.build installs the unit only if it existed when the build was configured; a unit
  # added or removed since (by a change that left meson.build alone) needs the configuration
  # run again, as ninja would not notice.
  local has_unit=no plans_unit=no
  [ -f "$root/deploy/systemd/redoubt.service" ] && has_unit=yes
  meson introspect "$build" --installed | grep -q 'redoubt\.service' && plans_unit=yes
  if [ $has_unit != $plans_unit ]; then
    echo "# $build was configured when deploy/systemd/redoubt.service was (not) there: reconfiguring"
    meson setup --reconfigure "$build" "$root" >/dev/null 2>&1 || { not_ok "meson setup --reconfigure $build"; return; }
  fi
  prefix=$(option_value "$build" prefix)
  sysconf=$(option_value "$build" sysconfdir)
  if ! meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >"$work/install.log" 2>&1; then
    not_ok "meson install --destdir from $build ($(tail -3 "$work/install.log" | tr '\n' ';'))"
    return
  fi
  ok "meson install --no-rebuild --destdir from $build (prefix $prefix)"
  local unit_dir; unit_dir=$(installed_files "$dest" "$prefix" | sed -n 's|/redoubt\.service$||p')
  installed_files "$dest" "$prefix" >"$work/got"
  expected_files "${unit_dir:-/lib/systemd/system}" >"$work/want"
  if diff -u "$work/want" "$work/got" >"$work/diff"; then
    ok "installed exactly: $(tr '\n' ' ' <"$work/got")"
  else
    not_ok "installed files differ from the install layout:"; sed 's/^/#   /' "$work/diff"
  fi
  local exe extra
  extra=$(cd "$dest" && find . -type f -perm -u+x | grep -Ev '/(sbin/redoubt(-control)?|bin/redoubt-(zone|wire))$')
  check "no other executable installed (tests, fuzzers, benchmarks, lab helpers)" test -z "$extra"
  [ -n "$extra" ] && echo "#   extra: $extra"
  # sysconfdir is relative to the prefix unless absolute (meson's /usr special case).
  local conf=$dest$prefix/$sysconf/redoubt/redoubt.yaml
  case "$sysconf" in /*) conf=$dest$sysconf/redoubt/redoubt.yaml ;; esac
  exe=$dest$prefix/sbin/redoubt
  check "installed redoubt --check-config accepts the installed redoubt.yaml" \
    "$exe" --check-config -c "$conf"
  # Every commented-out default switched on (the example's keys and values must be real ones);
  # the example TSIG key file and zone transfers are replaced by inline, harmless equivalents.
  sed -e 's/^\(\s*\)# \(\s*[a-z0-9-]*:\)/\1\2/' -e 's/^\(\s*\)# \(\s*- {\)/\1\2/' "$conf" |
    sed -e 's|{ key-file: [^}]*}|{ name: corp-fwd, algorithm: hmac-sha256, secret-file: '"$work"'/secret }|' \
        -e 's|^\(\s*\)root-hints: .*|\1root-hints: '"$work"'/root.hints|' \
        -e 's|^\(\s*\)trust-anchors: .*|\1trust-anchors: []|' >"$work/all.yaml"
  head -c 32 /dev/urandom | base64 >"$work/secret"; chmod 600 "$work/secret" "$work/all.yaml"
  printf '. 3600000 NS a.root.invalid.\na.root.invalid. 3600000 A 127.64.0.3\n' >"$work/root.hints"
  local active; active=$(grep -cvE '^\s*(#|$)' "$work/all.yaml")
  if "$exe" --check-config -c "$work/all.yaml" >"$work/all.out" 2>&1 && [ "$active" -gt 40 ]; then
    ok "the example with every commented default switched on passes --check-config ($active lines)"
  else
    not_ok "the example with its defaults switched on ($active lines): $(tail -2 "$work/all.out" | tr '\n' ';')"
  fi
}

# 3: how a package build (debian/rules) configures the source, without compiling.
check_package_configuration() {
  local src=$work/src unit_note="deploy/systemd/redoubt.service"
  mkdir -p "$src"
  if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$root" && git ls-files -z --cached --others --exclude-standard |
       xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
       tar --null -T - -cf -) | tar -x -C "$src"
  else  # not a git checkout: everything but build directories
    tar -C "$root" --exclude='./build*' --exclude='./obj-*' -cf - . | tar -x -C "$src"
  fi
  if [ ! -f "$src/deploy/systemd/redoubt.service" ]; then
    mkdir -p "$src/deploy/systemd"
    printf '[Unit]\nDescription=stand-in\n[Service]\nExecStart=/usr/sbin/redoubt\n' \
      >"$src/deploy/systemd/redoubt.service"
    unit_note="a stand-in unit (deploy/systemd/redoubt.service is absent)"
  fi
  if ! meson setup "$src/b" "$src" --prefix=/usr --buildtype=release -Dtests=false \
       >"$work/setup.log" 2>&1; then
    not_ok "meson setup -Dtests=false ($(tail -3 "$work/setup.log" | tr '\n' ';'))"; return
  fi
  local exes
  exes=$(meson introspect "$src/b" --targets | python3 -c '
import json, sys
print(" ".join(sorted(t["name"] for t in json.load(sys.stdin) if t["type"] == "executable")))')
  check "-Dtests=false builds only redoubt redoubt-control redoubt-wire redoubt-zone (got: $exes)" \
    test "$exes" = "redoubt redoubt-control redoubt-wire redoubt-zone"
  local want_unit; want_unit=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
  want_unit=${want_unit:-/lib/systemd/system}
  meson introspect "$src/b" --installed >"$work/installed.json"
  check "prefix /usr: the configuration goes to /etc/redoubt/redoubt.yaml" \
    grep -q '"/etc/redoubt/redoubt.yaml"' "$work/installed.json"
  check "the unit ($unit_note) goes to $want_unit/redoubt.service" \
    grep -q "\"$want_unit/redoubt.service\"" "$work/installed.json"
  meson setup --reconfigure "$src/b" "$src" -Dsystemdsystemunitdir=/usr/lib/systemd/system \
    >/dev/null 2>&1 &&
    meson introspect "$src/b" --installed >"$work/installed2.json"
  check "-Dsystemdsystemunitdir=/usr/lib/systemd/system moves it there" \
    grep -q '"/usr/lib/systemd/system/redoubt.service"' "$work/installed2.json"
}

check_build_dir
check_package_configuration
finish
