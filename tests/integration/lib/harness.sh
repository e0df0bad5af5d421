# Helpers shared by the integration scripts that start their own servers on loopback
# (tests/integration/*.sh). Source it after setting `passed=0 failed=0 added=()`.
# Checks print "ok - ..." / "not ok - ..." and count into $passed / $failed.

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
notok() { not_ok "$@"; }
# check WHAT CMD...: ok when CMD succeeds.
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

# stop PID: SIGTERM, up to 5 s, then SIGKILL; only for processes the script started.
stop() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

# add_address ADDRESS: puts ADDRESS/32 on lo unless it is there; remembered in `added` so that
# the script's cleanup removes exactly what it added.
add_address() {
  ip -4 addr show dev lo | grep -q "inet $1/" && return 0
  ip addr add "$1/32" dev lo && added+=("$1")
}

# wait_for_line FILE REGEX TENTHS: up to TENTHS/10 s for the extended REGEX to appear in FILE.
wait_for_line() {
  local i; for i in $(seq 1 "$3"); do grep -qE -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

# dig's output: the status, and the answer section's RDATA on one line.
status_of() { sed -n 's/.*status: \([A-Z]*\).*/\1/p' <<<"$1" | head -1; }
answers_of() { awk '/^;; ANSWER SECTION:/ {on=1; next} /^$/ {on=0} on {print $5}' <<<"$1" | tr '\n' ' ' | sed 's/ $//'; }
