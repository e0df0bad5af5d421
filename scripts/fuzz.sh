#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for SECONDS (default 20),
# starting from the seed corpus in tests/fuzz/corpus/<target>/ when there is one.
# Ends with "fuzz: N passed, N failed" (one count per target).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
CXX=clang++ bash scripts/build.sh build-fuzz -Dfuzzing=true -Dtests=false \
  -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized || {
  echo "fuzz: 0 passed, 1 failed"; exit 1; }
passed=0 failed=0
for exe in build-fuzz/tests/fuzz/*_fuzzer; do
  [ -x "$exe" ] || continue
  name=$(basename "$exe")
  work=$(mktemp -d)
  seeds=()
  [ -d "tests/fuzz/corpus/$name" ] && seeds=("tests/fuzz/corpus/$name")
  echo "-- $name for ${seconds}s"
  if UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 timeout $((seconds + 60)) \
      "$exe" -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/" "$work" "${seeds[@]}" >"$work/log" 2>&1; then
    grep -E 'stat::number_of_executed_units' "$work/log" | sed "s/^/   $name /"
    passed=$((passed + 1))
  else
    echo "!! $name found a failure:"; tail -40 "$work/log"
    ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null
    failed=$((failed + 1))
  fi
  rm -rf "$work"
done
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
