#!/usr/bin/env bash
# Installs what redoubt needs, builds it, and runs it with its built-in defaults.
#
# The resolver daemon does not exist yet (it is issue #4). Until it does, this script builds
# everything that exists and runs the codec's tools on the built-in root hints, so you can see
# the build works; it says so plainly rather than pretending to start a resolver.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
bash scripts/build.sh build
if [ -x build/resolver/redoubt ]; then
  exec build/resolver/redoubt "$@"
fi
echo
echo "redoubt: the resolver daemon is not built yet (issue #4); nothing is listening on port 53."
echo "redoubt: what exists today is the DNS codec and its tools. Parsing the built-in root hints:"
echo
build/tools/redoubt-zone --origin . resolver/data/root.hints
