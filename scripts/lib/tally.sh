# Counting helpers shared by scripts/test.sh and .ci/run. Each step adds to a passed/failed tally
# kept in $TALLY_FILE; tally_summary prints "<label>: N passed, N failed".
# Each script that sources this keeps its own tally, so a nested run is counted once, by the
# "<label>: N passed, N failed" line it prints.
TALLY_FILE=$(mktemp /tmp/redoubt-tally.XXXXXX)

tally_reset() { : >"$TALLY_FILE"; }
tally_add() { echo "$1 $2 $3" >>"$TALLY_FILE"; }  # name passed failed

# step NAME CMD...: a single pass/fail step.
step() {
  local name=$1; shift
  echo "== $name"
  local began=$SECONDS
  if "$@"; then tally_add "$name" 1 0; else echo "!! $name failed"; tally_add "$name" 0 1; fi
  echo "== $name took $((SECONDS - began)) s"
}

# run_counted NAME CMD...: a step whose output ends with a line "<word>: N passed, N failed";
# its counts are added. A non-zero exit with no failures counted still counts one failure.
run_counted() {
  local name=$1; shift
  echo "== $name"
  local out; out=$(mktemp)
  local began=$SECONDS
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local line; line=$(grep -E '^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
  local p f
  p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+'); f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  [ "$rc" -ne 0 ] && echo "!! $name failed (exit $rc)"
  echo "== $name took $((SECONDS - began)) s"
  tally_add "$name" "$p" "$f"
  rm -f "$out"
}

# run_gtests BUILD_DIR SUITE: runs the meson test suite and counts individual gtest cases.
run_gtests() {
  local dir=$1 suite=$2 passed=0 failed=0 exe
  echo "== unit tests ($dir)"
  if [ ! -f "$dir/build.ninja" ]; then tally_add "unit-$dir" 0 1; return; fi
  for exe in $(meson introspect "$dir" --tests 2>/dev/null | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if "'"$suite"'" in t["suite"] or any(s.endswith(":'"$suite"'") for s in t["suite"]):
        print(t["cmd"][0])'); do
    local log; log=$(mktemp)
    # A hung test binary fails after 10 minutes instead of holding CI until its own limit.
    REDOUBT_SOURCE_ROOT=$PWD timeout --kill-after=10 600 "$exe" --gtest_shuffle >"$log" 2>&1
    local rc=$?
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then echo "!! $(basename "$exe") timed out after 600 s"; fi
    local p f
    p=$(grep -oE '^\[  PASSED  \] [0-9]+' "$log" | grep -oE '[0-9]+$' || true)
    f=$(grep -oE '^\[  FAILED  \] [0-9]+ test' "$log" | grep -oE '[0-9]+' || true)
    p=${p:-0}; f=${f:-0}
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; tail -30 "$log"; fi
    [ "$f" -ne 0 ] && grep -E '^\[  FAILED  \]|Failure|error' "$log" | head -40
    echo "$(basename "$exe"): $p passed, $f failed"
    passed=$((passed + p)); failed=$((failed + f))
    rm -f "$log"
  done
  tally_add "unit-$dir" "$passed" "$failed"
}

tally_summary() {
  local label=$1
  echo "== summary"
  awk '{printf "  %-24s %5d passed %5d failed\n", $1, $2, $3}' "$TALLY_FILE"
  local p f
  p=$(awk '{s+=$2} END {print s+0}' "$TALLY_FILE")
  f=$(awk '{s+=$3} END {print s+0}' "$TALLY_FILE")
  echo "$label: $p passed, $f failed"
  [ "$f" -eq 0 ]
}
