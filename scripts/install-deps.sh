#!/usr/bin/env bash
# Installs every build and test dependency of redoubt from Debian 12 packages.
# Idempotent: packages already present are left alone, so it is safe to run on every build.
# Usage: scripts/install-deps.sh [build|package|test]
#   build: compile redoubt; package: build + the Debian packaging tools (dpkg-buildpackage);
#   test (default): build + package + the test tools
set -euo pipefail

what=${1:-test}

build_pkgs=(
  build-essential g++ clang libclang-rt-14-dev llvm meson ninja-build pkg-config
  libgtest-dev libgmock-dev libssl-dev libyaml-cpp-dev libuv1-dev libcli11-dev liblmdb-dev
  libidn2-dev libkrb5-dev prometheus-cpp-dev libsystemd-dev libmimalloc-dev
)
# Real DNS software the tests run against: authoritative servers, clients, signers, peer resolvers
# (Unbound; Knot Resolver for tests/bench/resolver_bench.sh); Valgrind, whose callgrind counts
# instructions per query for tests/bench/instructions_bench.sh;
# faketime (libfaketime) moves redoubt's clock past RFC 5011 hold-downs (anchor_roll.sh).
test_pkgs=(
  ldnsutils bind9 bind9-utils bind9-dnsutils knot knot-dnsutils nsd faketime
  pdns-server pdns-backend-sqlite3 sqlite3 unbound dnsperf python3 python3-dnspython
  python3-cryptography openssl iproute2 procps lmdb-utils krb5-kdc krb5-admin-server krb5-user
  prometheus python3-yaml python3-jsonschema dnsdist knot-resolver valgrind
)

# Building and checking the Debian package (debian/, tests/integration/package_install.sh).
package_pkgs=(debhelper dpkg-dev fakeroot lintian)

pkgs=("${build_pkgs[@]}")
case "$what" in
  build) ;;
  package) pkgs+=("${package_pkgs[@]}") ;;
  test) pkgs+=("${package_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 [build|package|test]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to install: ${missing[*]}" >&2
  exit 1
fi

# Debian starts daemons (named, nsd, knot, pdns, unbound, kresd, the KDC, prometheus) as they are installed; the tests start
# their own instances on loopback, so keep the packaged services from starting at all.
policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1
if [ $had_policy -eq 0 ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive
# Update the package lists when they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages' -mtime -1 2>/dev/null | head -1)" ]; then
  apt-get update -q
fi
echo "install-deps: installing ${missing[*]}"
apt-get install -y -q --no-install-recommends "${missing[@]}"

# Some packages' maintainer scripts start their daemon anyway when there is no init system.
for svc in named nsd knotd pdns_server unbound kresd kres-cache-gc krb5kdc kadmind prometheus dnsdist; do
  pkill -x "$svc" 2>/dev/null || true
done
# knot-resolver (5.6) also enables itself for boot: kresd.target (wanted by multi-user.target)
# pulls in kres-cache-gc.service and any kresd@N.service instance, and /etc/init.d/kresd has rc.d
# links. Stop and disable them all, so that the only kresd is the one the benchmark starts.
if dpkg-query -W -f='${Status}' knot-resolver 2>/dev/null | grep -q 'install ok installed'; then
  if [ -d /run/systemd/system ]; then
    systemctl stop 'kresd@*.service' kresd.target kres-cache-gc.service 2>/dev/null || true
    systemctl disable kresd.target kres-cache-gc.service 2>/dev/null || true
  fi
  update-rc.d kresd disable >/dev/null 2>&1 || true
fi
