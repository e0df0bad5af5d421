#!/usr/bin/env bash
# The metrics exposition passes `promtool check metrics` (docs/metrics.md): renders the metrics
# of known sample counters with redoubt-metrics-sample and fails on any promtool finding; then
# checks that docs/metrics.md's table is the one the code generates (the unit test does too;
# this shows the diff). Ends with "metrics-promtool: N passed, N failed".
# Usage: tests/integration/metrics_promtool.sh [BUILD_DIR]   (default: build)
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
sample=$build/resolver/redoubt-metrics-sample
passed=0 failed=0
pass() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
finish() { echo "metrics-promtool: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

command -v promtool >/dev/null || { fail "promtool not found (apt-get install prometheus)"; finish; }
[ -x "$sample" ] || { fail "$sample not built"; finish; }

text=$("$sample")
if [ $? -ne 0 ] || [ -z "$text" ]; then fail "$sample printed no exposition"; finish; fi
findings=$(promtool check metrics <<<"$text" 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ -z "$findings" ]; then
  pass "promtool check metrics: $(grep -c '^# TYPE ' <<<"$text") families, no findings"
else
  fail "promtool check metrics (exit $rc):"
  echo "$findings"
fi

expected=$("$sample" --markdown)
documented=$(sed -n '/^<!-- metric-table begin/,/^<!-- metric-table end -->/p' docs/metrics.md | sed '1d;$d')
if [ "$expected" = "$documented" ]; then
  pass "docs/metrics.md's table matches $sample --markdown"
else
  fail "docs/metrics.md's table differs from $sample --markdown (< docs, > code):"
  diff <(echo "$documented") <(echo "$expected")
fi
finish
