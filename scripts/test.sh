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
#   redoubt-control against a running redoubt (tests/integration/control.sh),
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

tally_reset
step "build" bash scripts/build.sh build
run_gtests build unit
step "layering" bash tests/check_layering.sh
# Packaging (issue #16): what meson install puts where, from the build above (seconds); the
# Debian package itself only with REDOUBT_PACKAGE_TEST=1, because its release build took 7 to
# 13 minutes (niced, one job) on the project's shared 2-core machine (docs/install.md).
if [ -x tests/integration/meson_install.sh ]; then
  run_counted "meson-install" bash tests/integration/meson_install.sh build
fi
if [ "${REDOUBT_PACKAGE_TEST:-0}" = 1 ] && [ -x tests/integration/package_install.sh ]; then
  run_counted "package-install" bash tests/integration/package_install.sh
fi
if [ -x tests/integration/metrics_promtool.sh ]; then
  run_counted "metrics-promtool" bash tests/integration/metrics_promtool.sh build
fi
if [ -x tests/corpus/run.sh ]; then
  run_counted "corpus" bash tests/corpus/run.sh build
fi
if [ -x tests/lab/lab ] && [ -x tests/lab/check ]; then
  run_counted "lab" bash -c 'tests/lab/lab down >/dev/null 2>&1; tests/lab/lab up && tests/lab/check; rc=$?; tests/lab/lab down; exit $rc'
fi
if [ -x tests/integration/resolve_lab.sh ]; then
  run_counted "resolver" bash -c 'tests/lab/lab down >/dev/null 2>&1; tests/lab/lab up && tests/integration/resolve_lab.sh; rc=$?; tests/lab/lab down; exit $rc'
fi
if [ -x tests/integration/cache_lab.sh ]; then
  run_counted "cache" bash -c 'tests/lab/lab down >/dev/null 2>&1; tests/lab/lab up && tests/integration/cache_lab.sh; rc=$?; tests/lab/lab down; exit $rc'
fi
if [ -x tests/attack/fragment_attack.sh ]; then
  run_counted "attack" bash tests/attack/fragment_attack.sh
fi
if [ -x tests/attack/keytrap.sh ]; then
  run_counted "keytrap" bash -c 'tests/lab/lab down >/dev/null 2>&1; tests/lab/lab up && tests/attack/keytrap.sh; rc=$?; tests/lab/lab down; exit $rc'
fi
if [ -x tests/integration/tsig_interop.sh ]; then
  run_counted "tsig-interop" bash tests/integration/tsig_interop.sh
fi
if [ -x tests/integration/tsig_misbehaving.sh ]; then
  run_counted "tsig-misbehaving" bash tests/integration/tsig_misbehaving.sh
fi
if [ -x tests/integration/mirror_lab.sh ]; then
  run_counted "mirror-lab" bash tests/integration/mirror_lab.sh
fi
if [ -x tests/integration/mirror_interop.sh ]; then run_counted "mirror-interop" bash tests/integration/mirror_interop.sh; fi
# GSS-TSIG (issue #15): the MIT krb5 initiator against a private KDC and BIND, then redoubt
# forwarding over GSS-TSIG with the RFC 5178 attack.
if [ -x tests/integration/gss_context.sh ]; then run_counted "gss-context" bash tests/integration/gss_context.sh; fi
if [ -x tests/integration/gss_tsig.sh ]; then run_counted "gss-tsig" bash tests/integration/gss_tsig.sh; fi
# Metrics (issue #16): a real Prometheus server scraping redoubt.
if [ -x tests/integration/metrics_prometheus.sh ]; then
  run_counted "metrics-prometheus" bash tests/integration/metrics_prometheus.sh
fi
# The control channel (issue #16): redoubt-control against a running redoubt and NSD.
if [ -x tests/integration/control.sh ]; then
  run_counted "control" bash tests/integration/control.sh
fi
# Running as a service (issue #16): the systemd unit verified, sd_notify through a real socket,
# the switch to user: nobody on port 53, JSON log lines.
if [ -x tests/integration/service.sh ]; then
  run_counted "service" bash tests/integration/service.sh
fi
# Deployment files (issue #16): alert rules, the Grafana dashboard, the Kubernetes manifests.
if [ -x tests/integration/deploy_checks.sh ]; then
  run_counted "deploy-checks" bash tests/integration/deploy_checks.sh
fi
# Scale-out (issue #16): dnsdist with deploy/dnsdist/dnsdist.conf in front of three redoubt instances.
if [ -x tests/integration/dnsdist_scaleout.sh ]; then
  run_counted "dnsdist-scaleout" bash tests/integration/dnsdist_scaleout.sh
fi
if [ $fuzz -eq 1 ]; then
  run_counted "fuzz" bash scripts/fuzz.sh "${REDOUBT_FUZZ_SECONDS:-20}"
fi
tally_summary "test"
