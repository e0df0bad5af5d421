#!/usr/bin/env bash
# Installs what redoubt needs, builds it, and runs it in the foreground with its built-in
# defaults: listening on 127.0.0.1:53 and [::1]:53, resolving from the IANA root hints, answering
# loopback clients only. Extra arguments go to redoubt (for example: -c /etc/redoubt.yaml).
# Stop it with Ctrl-C. Try it from another terminal with: dig @127.0.0.1 www.example.com
#
# Answers are kept in the LMDB cache in /var/cache/redoubt (512 MiB at most) across restarts,
# and validated with DNSSEC from the built-in root anchor (AD on secure answers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
bash scripts/build.sh build
exec build/resolver/redoubt "$@"
