#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for SECONDS (default 20),
# starting from the seed corpus in tests/fuzz/corpus/<target>/ when there is one, and
# REDOUBT_FUZZ_JOBS targets at a time (default: one per CPU).
# Ends with "fuzz: N passed, N failed" (one count per target).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
CXX=clang++ bash scripts/build.sh build-fuzz -Dfuzzing=true -Dtests=false \
  -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized || {
  echo "fuzz: 0 passed, 1 failed"; exit 1; }
# Targets run REDOUBT_FUZZ_JOBS at a time (default: the number of CPUs), each with its own log;
# the reports are printed in target order once all have finished.
jobs=${REDOUBT_FUZZ_JOBS:-$(nproc)}
results=$(mktemp -d)
fuzz_one() {  # EXE: runs one target; writes its report and "ok" or "failed" under $results.
  local exe=$1 name work seeds=()
  name=$(basename "$exe")
  work=$(mktemp -d)
  [ -d "tests/fuzz/corpus/$name" ] && seeds=("tests/fuzz/corpus/$name")
  {
    echo "-- $name for ${seconds}s"
    if UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 timeout $((seconds + 60)) \
        "$exe" -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/" "$work" "${seeds[@]}" >"$work/log" 2>&1; then
      grep -E 'stat::number_of_executed_units' "$work/log" | sed "s/^/   $name /"
      echo ok >"$results/$name.status"
    else
      echo "!! $name found a failure:"; tail -40 "$work/log"
      ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null
      echo failed >"$results/$name.status"
    fi
  } >"$results/$name.report"
  rm -rf "$work"
}
targets=()
for exe in build-fuzz/tests/fuzz/*_fuzzer; do
  [ -x "$exe" ] && targets+=("$exe")
done
for exe in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  fuzz_one "$exe" &
done
wait
passed=0 failed=0
for exe in "${targets[@]}"; do
  name=$(basename "$exe")
  cat "$results/$name.report" 2>/dev/null
  if [ "$(cat "$results/$name.status" 2>/dev/null)" = ok ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
rm -rf "$results"
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
