#!/usr/bin/env bash
# Installs every dependency, builds redoubt and runs the whole test suite:
#   unit tests (GoogleTest), the layering check, the real-world corpus tests (zones signed by
#   ldns and BIND, responses from real authoritative servers), the lab check, redoubt itself
#   resolving against the lab (tests/integration: the lab table; the LMDB cache across restarts,
#   kill -9 and a full map), the fragment attack in a network namespace
#   (tests/attack; redoubt beside Unbound), KeyTrap against redoubt on the lab
#   (tests/attack/keytrap.sh), TSIG, zone mirroring and GSS-TSIG against BIND, Knot, PowerDNS
#   and an MIT KDC started on loopback (tests/integration), redoubt as a service (the systemd
#   unit, sd_notify, the switch to an unprivileged user, JSON logs: tests/integration/service.sh),
#   redoubt-control against a running redoubt (tests/integration/control.sh), reload and
#   SIGHUP with forward zones moved between two NSD servers (tests/integration/reload.sh),
#   RFC 5011 trust anchor rollover against NSD serving a private root, with libfaketime's clock
#   (tests/integration/anchor_roll.sh),
#   the deployment files (alert rules, dashboard, Kubernetes manifests:
#   tests/integration/deploy_checks.sh), three instances behind dnsdist
#   (tests/integration/dnsdist_scaleout.sh), and a short bounded run of every libFuzzer target. The
#   install rules are checked from the build (tests/integration/meson_install.sh);
#   REDOUBT_PACKAGE_TEST=1 also builds, lints and runs the Debian package.
# Ends with one line "test: N passed, N failed" and exits non-zero when anything failed.
#
# Usage: scripts/test.sh [--no-install] [--skip-fuzz]
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/tally.sh

install=1 fuzz=1
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    --skip-fuzz) fuzz=0 ;;
    *) echo "usage: $0 [--no-install] [--skip-fuzz]" >&2; exit 2 ;;
  esac
done

if [ $install -eq 1 ]; then
  bash scripts/install-deps.sh test || { echo "test: dependency installation failed" >&2; exit 1; }
fi

# One counted step of the suite: NAME [--lab] SCRIPT [ARGS...]. Skipped when SCRIPT is not
# there (or not executable); with --lab, run with the lab up, which is taken down again whatever
# the script did.
integration() {
  local name=$1 lab=0; shift
  if [ "$1" = --lab ]; then lab=1; shift; fi
  [ -x "$1" ] || return 0
  if [ $lab -eq 1 ]; then
    run_counted "$name" bash -c 'tests/lab/lab down >/dev/null 2>&1; tests/lab/lab up && "$@"; rc=$?; tests/lab/lab down; exit $rc' _ "$@"
  else
    run_counted "$name" bash "$@"
  fi
}

tally_reset
step "build" bash scripts/build.sh build
run_gtests build unit
step "layering" bash tests/check_layering.sh
# Packaging (issue #16): what meson install puts where, from the build above (seconds); the
# Debian package itself only with REDOUBT_PACKAGE_TEST=1, because its release build took 7 to
# 13 minutes (niced, one job) on the project's shared 2-core machine (docs/install.md).
integration "meson-install" tests/integration/meson_install.sh build
if [ "${REDOUBT_PACKAGE_TEST:-0}" = 1 ]; then
  integration "package-install" tests/integration/package_install.sh
fi
integration "metrics-promtool" tests/integration/metrics_promtool.sh build
integration "corpus" tests/corpus/run.sh build
[ -x tests/lab/lab ] && integration "lab" --lab tests/lab/check
integration "resolver" --lab tests/integration/resolve_lab.sh
integration "cache" --lab tests/integration/cache_lab.sh
# The resolver's lab checks again where upstream sockets are reused (issue #17): in a namespace
# of their own with the ephemeral range 1024-65535, and a lab of their own.
integration "resolver-reused-sockets" tests/integration/in_wide_port_range.sh tests/integration/resolve_lab.sh
integration "attack" tests/attack/fragment_attack.sh
integration "keytrap" --lab tests/attack/keytrap.sh
integration "tsig-interop" tests/integration/tsig_interop.sh
integration "tsig-misbehaving" tests/integration/tsig_misbehaving.sh
integration "mirror-lab" tests/integration/mirror_lab.sh
integration "mirror-interop" tests/integration/mirror_interop.sh
# GSS-TSIG (issue #15): the MIT krb5 initiator against a private KDC and BIND, then redoubt
# forwarding over GSS-TSIG with the RFC 5178 attack.
integration "gss-context" tests/integration/gss_context.sh
integration "gss-tsig" tests/integration/gss_tsig.sh
# Operations (issue #16): a real Prometheus server scraping redoubt; redoubt-control against a
# running redoubt and NSD; reload and SIGHUP with forward zones moved between two NSD servers;
# RFC 5011 rollover of a managed root anchor (hold-down timers, REVOKE) on a faked clock;
# the systemd unit verified, sd_notify through a real socket, the switch
# to user: nobody on port 53, JSON log lines; the deployment files (alert rules, the Grafana
# dashboard, the Kubernetes manifests); dnsdist with deploy/dnsdist/dnsdist.conf in front of
# three redoubt instances.
integration "metrics-prometheus" tests/integration/metrics_prometheus.sh
integration "control" tests/integration/control.sh
integration "reload" tests/integration/reload.sh
integration "anchor-roll" tests/integration/anchor_roll.sh
integration "service" tests/integration/service.sh
integration "deploy-checks" tests/integration/deploy_checks.sh
integration "dnsdist-scaleout" tests/integration/dnsdist_scaleout.sh
if [ $fuzz -eq 1 ]; then
  run_counted "fuzz" bash scripts/fuzz.sh "${REDOUBT_FUZZ_SECONDS:-20}"
fi
tally_summary "test"
