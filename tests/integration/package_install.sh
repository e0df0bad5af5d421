#!/usr/bin/env bash
# The Debian package (debian/, docs/install.md), built, inspected and run without installing
# it: nothing on the machine is configured, no user is added, no service started.
#   1. `dpkg-buildpackage -b -us -uc` in a copy of the source (the repository is untouched),
#      niced, one job; its time is printed;
#   2. the .deb unpacked with `dpkg-deb -x` into a temporary root holds the daemon in usr/sbin,
#      the tools in usr/bin, the man pages, /etc/redoubt/redoubt.yaml as a conffile, the unit
#      exactly when deploy/systemd/redoubt.service exists, no other executable (tests,
#      fuzzers, lab helpers); its Depends name adduser and the libraries; postinst adds the
#      redoubt system user;
#   3. lintian on the .deb: no error (warnings printed, allowed);
#   4. the unpacked daemon checks the unpacked configuration (--check-config);
#   5. the unpacked daemon, run with a copy of that configuration changed only where a test must
#      (listen 127.64.0.1:5353, a temporary cache, loopback upstreams, a forward zone), answers
#      from NSD on 127.64.0.100: the zone's address (random per run), NXDOMAIN for a missing name;
#   6. when a built build directory exists (default: build), the package holds the same files
#      as `meson install --destdir` from it (man pages compressed, /usr/share/doc aside).
# Runs as root (ip addr, NSD on port 53). REDOUBT_DEB=FILE skips step 1 and uses that .deb.
# Ends with "package-install: N passed, M failed". PACKAGE_KEEP=1 keeps the work directory.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${REDOUBT_BUILD_DIR:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
R=127.64.0.1 NSD_ADDR=127.64.0.100 DEAD=127.64.0.3
work=$(mktemp -d /tmp/redoubt-package.XXXXXX)
unpacked=$work/root
passed=0 failed=0 added=() redoubt_pid='' nsd_pid='' deb=''
source "$here/lib/harness.sh"
source "$here/lib/nsd.sh"

cleanup() {
  stop "$redoubt_pid"; stop "$nsd_pid"
  local a; for a in "${added[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  if [ "${PACKAGE_KEEP:-0}" = 1 ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

finish() {
  echo "package-install: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# The tracked and new (not ignored) files of the working tree, as they are now.
copy_source() {
  mkdir -p "$1"
  if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$root" && git ls-files -z --cached --others --exclude-standard |
       xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
       tar --null -T - -cf -) | tar -x -C "$1"
  else  # not a git checkout: everything but build directories
    tar -C "$root" --exclude='./build*' --exclude='./obj-*' -cf - . | tar -x -C "$1"
  fi
}

build_package() {
  if [ -n "${REDOUBT_DEB:-}" ]; then deb=$REDOUBT_DEB; echo "# using $deb"; return; fi
  copy_source "$work/src/redoubt"
  local began=$SECONDS
  if (cd "$work/src/redoubt" && DEB_BUILD_OPTIONS="parallel=1 ${DEB_BUILD_OPTIONS:-}" \
        timeout 3600 nice -n 19 dpkg-buildpackage -b -us -uc -j1 >"$work/build.log" 2>&1); then
    local debs=("$work"/src/redoubt_*.deb); deb=${debs[0]}
    ok "dpkg-buildpackage -b -us -uc in a copy of the source ($((SECONDS - began)) s, one job, niced)"
  else
    not_ok "dpkg-buildpackage ($((SECONDS - began)) s): $(tail -5 "$work/build.log" | tr '\n' ';')"
  fi
}

check_contents() {
  if ! dpkg-deb -x "$deb" "$unpacked" || ! dpkg-deb -e "$deb" "$work/control"; then
    not_ok "dpkg-deb -x $deb"; return 1
  fi
  local f
  for f in usr/sbin/redoubt usr/sbin/redoubt-control usr/bin/redoubt-zone usr/bin/redoubt-wire; do
    check "$f is an executable" test -x "$unpacked/$f"
  done
  for f in man8/redoubt.8 man8/redoubt-control.8 man1/redoubt-zone.1 man1/redoubt-wire.1; do
    check "man page usr/share/man/$f.gz" test -s "$unpacked/usr/share/man/$f.gz"
  done
  check "etc/redoubt/redoubt.yaml" test -s "$unpacked/etc/redoubt/redoubt.yaml"
  check "/etc/redoubt/redoubt.yaml is a conffile" \
    grep -qx /etc/redoubt/redoubt.yaml "$work/control/conffiles"
  local units; units=$(cd "$unpacked" && find . -name 'redoubt*.service' | sed 's|^\./||')
  if [ -f "$root/deploy/systemd/redoubt.service" ]; then
    check "the unit is packaged ($units) and enabled by postinst" \
      bash -c '[ -n "$1" ] && grep -q deb-systemd-helper "$2"' _ "$units" "$work/control/postinst"
  else
    check "no unit packaged (deploy/systemd/redoubt.service absent)" test -z "$units"
  fi
  local extra
  extra=$(cd "$unpacked" && find . -type f -perm -u+x |
    grep -Ev '^\./usr/(sbin/redoubt|bin/redoubt-(zone|wire))$')
  check "no other executable (tests, fuzzers, benchmarks, lab helpers)" test -z "$extra"
  [ -n "$extra" ] && echo "#   extra: $extra"
  local depends; depends=$(dpkg-deb -f "$deb" Depends)
  check "Depends names adduser and the shared libraries: $depends" \
    bash -c '[[ $1 == *adduser* && $1 == *libssl3* && $1 == *libuv1* && $1 == *liblmdb0* ]]' _ "$depends"
  check "postinst adds the redoubt system user" \
    grep -q 'adduser --system --group.*redoubt' "$work/control/postinst"
}

run_lintian() {
  lintian --no-tag-display-limit "$deb" >"$work/lintian.out" 2>&1
  local errors warnings
  errors=$(grep -c '^E:' "$work/lintian.out"); warnings=$(grep -c '^W:' "$work/lintian.out")
  grep -E '^[EW]:' "$work/lintian.out" | sed 's/^/#   /'
  check "lintian: $errors errors ($warnings warnings)" test "$errors" -eq 0
}

start_nsd() {
  cat >"$work/pkg.test.zone" <<EOF
\$ORIGIN pkg.test.
\$TTL 300
@    SOA ns hostmaster 1 3600 600 86400 60
@    NS  ns
ns   A   $NSD_ADDR
www  A   $answer
EOF
  nsd_serve "$work" "$NSD_ADDR" pkg.test
}

# The packaged example, changed only where a test must: its listen and cache lines replaced,
# keys it leaves commented out appended (the loader refuses a key given twice).
test_config() {
  sed -e "s|^listen: .*|listen: [\"$R:5353\"]|" \
      -e "s|^  directory: /var/cache/redoubt|  directory: $work/cache|" \
      "$unpacked/etc/redoubt/redoubt.yaml"
  printf '. 3600000 NS a.root.invalid.\na.root.invalid. 3600000 A %s\n' "$DEAD" >"$work/root.hints"
  cat <<EOF
allow-loopback-upstreams: true
builtin-root-anchor: false
root-hints: $work/root.hints
workers: 1
forward-zones:
  - {name: pkg.test, servers: ["$NSD_ADDR:53"]}
EOF
}

run_unpacked() {
  local exe=$unpacked/usr/sbin/redoubt
  check "unpacked redoubt --check-config accepts the unpacked redoubt.yaml" \
    "$exe" --check-config -c "$unpacked/etc/redoubt/redoubt.yaml"
  local a; for a in $R $NSD_ADDR $DEAD; do add_address "$a" || { not_ok "ip addr $a"; return; }; done
  answer=198.51.100.$((RANDOM % 250 + 1))
  start_nsd || { not_ok "nsd on $NSD_ADDR"; return; }
  test_config >"$work/redoubt.yaml"
  check "the test's copy of the example differs only in listen and cache.directory" \
    test "$(diff "$unpacked/etc/redoubt/redoubt.yaml" <(head -n "$(wc -l <"$unpacked/etc/redoubt/redoubt.yaml")" \
      "$work/redoubt.yaml") | grep -c '^>')" -eq 2
  "$exe" -c "$work/redoubt.yaml" >"$work/redoubt.log" 2>&1 &
  redoubt_pid=$!
  if ! wait_for_line "$work/redoubt.log" "listening on" 100; then
    not_ok "unpacked redoubt starts: $(tail -3 "$work/redoubt.log" | tr '\n' ';')"; return
  fi
  ok "unpacked redoubt starts on $R:5353"
  local out; out=$(dig +time=3 +tries=1 -p 5353 @"$R" www.pkg.test A 2>&1)
  check "www.pkg.test A through the packaged redoubt: $(answers_of "$out") (NSD serves $answer)" \
    test "$(status_of "$out")/$(answers_of "$out")" = "NOERROR/$answer"
  out=$(dig +time=3 +tries=1 -p 5353 @"$R" nope.pkg.test A 2>&1)
  check "nope.pkg.test: $(status_of "$out")" test "$(status_of "$out")" = NXDOMAIN
  stop "$redoubt_pid"; redoubt_pid=
}

# The package's files against `meson install` from a built build directory.
compare_with_meson_install() {
  if [ ! -f "$build/build.ninja" ] || [ ! -x "$build/resolver/redoubt" ]; then
    echo "# no built $build: package and meson install not compared"; return
  fi
  local prefix
  prefix=$(meson introspect "$build" --buildoptions | python3 -c '
import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
  meson install -C "$build" --no-rebuild --quiet --destdir "$work/destdir" >/dev/null 2>&1 ||
    { not_ok "meson install --destdir from $build"; return; }
  (cd "$work/destdir" && find . -type f | sed -e 's|^\.||' -e "s|^$prefix/||" | sort) >"$work/meson.list"
  (cd "$unpacked" && find . -type f | sed -e 's|^\./||' -e 's|^usr/||' -e 's|\.gz$||' |
    grep -Ev '^share/(doc|lintian)/' | sed 's|^lib/systemd|/lib/systemd|' | sort) >"$work/deb.list"
  if diff -u "$work/deb.list" "$work/meson.list" >"$work/list.diff"; then
    ok "the package holds what meson install from $build installs ($(wc -l <"$work/deb.list") files)"
  else
    not_ok "package and meson install differ:"; sed 's/^/#   /' "$work/list.diff"
  fi
}

build_package
if [ -z "$deb" ] || [ ! -f "$deb" ]; then not_ok "a .deb to inspect"; finish; fi
check_contents || finish
run_lintian
run_unpacked
compare_with_meson_install
finish
