#!/usr/bin/env bash
# Installs what redoubt needs, builds it, and runs it in the foreground with its built-in
# defaults: listening on 127.0.0.1:53 and [::1]:53, resolving from the IANA root hints, answering
# loopback clients only, the control socket on /run/redoubt/control.sock; and, from
# deploy/quickstart.yaml, Prometheus metrics on 127.0.0.1:9153. Arguments, when given, go to
# redoubt instead (for example: -c /etc/redoubt/redoubt.yaml). Stop it with Ctrl-C. Try it from
# another terminal:
#   dig @127.0.0.1 www.example.com
#   curl -s localhost:9153/metrics | grep redoubt_queries_total
#   build/resolver/redoubt-control stats
#
# Answers are kept in the LMDB cache in /var/cache/redoubt (512 MiB at most) across restarts,
# and validated with DNSSEC from the built-in root anchor (AD on secure answers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
bash scripts/build.sh build
[ $# -eq 0 ] && set -- -c deploy/quickstart.yaml
exec build/resolver/redoubt "$@"
