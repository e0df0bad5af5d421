#!/usr/bin/env bash
# Running redoubt as a service (docs/operations.md "Running as a service"; issue #16), on
# 127.61.0.0/24. Checks, each "ok - ..." or "not ok - ...":
#   a. deploy/systemd/redoubt.service passes `systemd-analyze verify` with no output at all (a
#      copy whose ExecStart points at the built binary, the man page on MANPATH), a broken copy
#      does not, the unit holds the hardening docs/operations.md promises, and
#      `systemd-analyze security --offline` rates its exposure 2.0 or less;
#   b. sd_notify for real: a unix datagram socket as NOTIFY_SOCKET (service_helpers.py plays
#      systemd); READY=1 arrives with a STATUS= line, and at that moment port 53 answers and the
#      metrics endpoint says /ready 200; SIGHUP gives RELOADING=1, then READY=1 once reloaded, and so
#      does redoubt-control reload;
#      STOPPING=1 arrives only after SIGTERM;
#   c. the switch to `user: nobody` when started as root: bound to 127.61.0.2:53 (a privileged
#      port), /proc/PID/status shows uid and gid 65534 everywhere (real, effective, saved, fs),
#      in every thread, no other groups and no capabilities; it answers from a forward zone
#      (service_helpers.py auth on 127.61.0.3), writes the cache and the cache files belong to
#      nobody; a root-owned 0700 cache directory and an unknown user both fail at start with
#      exit 1 and a message naming them; started as nobody (setpriv), `user: nobody` is noted as
#      needing no switch and `user: root` warned about;
#   d. log-format: json: every stderr line is a JSON object with "ts" (RFC 3339 UTC), "level" and
#      "msg"; with text, every line starts "redoubt: ".
# Runs as root (port 53, chown, the user switch). Ends with "service: N passed, M failed".
# REDOUBT_BIN picks the binary (default build/resolver/redoubt); SERVICE_KEEP=1 keeps the work
# directory.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${REDOUBT_BIN:-$root/build/resolver/redoubt}
case "$bin" in /*) ;; *) bin=$root/$bin ;; esac
py=/usr/bin/python3  # The one with dnspython (python3-dnspython), not a pyenv shim.
A1=127.61.0.1 A2=127.61.0.2 AUTH=127.61.0.3 SILENT=127.61.0.9
work=$(mktemp -d /tmp/redoubt-service.XXXXXX)
passed=0 failed=0 added=() redoubt_pid='' notify_pid='' auth_pid=''
source "$here/lib/harness.sh"

cleanup() {
  stop "$redoubt_pid"; stop "$notify_pid"; stop "$auth_pid"
  local a; for a in "${added[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  if [ "${SERVICE_KEEP:-0}" = 1 ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

finish() {
  echo "service: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# config NAME EXTRA...: a configuration on $A1 or $A2 (first EXTRA line decides nothing; all are
# appended), root hints pointing at a silent address so nothing leaves the machine.
config() {
  local name=$1; shift
  printf '. 3600000 NS a.root.invalid.\na.root.invalid. 3600000 A %s\n' "$SILENT" >"$work/root.hints"
  { echo "workers: 2"; echo "root-hints: $work/root.hints"; echo "allow-loopback-upstreams: true"
    printf '%s\n' "$@"; } >"$work/$name.yaml"
}

# start NAME [ENV=VALUE...]: redoubt -c NAME.yaml in the background, stderr to NAME.log.
start() {
  local name=$1; shift
  env "$@" "$bin" -c "$work/$name.yaml" >"$work/$name.log" 2>&1 &
  redoubt_pid=$!
}

# exit_within TENTHS: sets `code` to the started redoubt's exit code once it exits, or to
# "running" (not in a subshell: only this shell can wait for it).
exit_within() {
  local _; for _ in $(seq 1 "$1"); do kill -0 "$redoubt_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$redoubt_pid" 2>/dev/null; then code=running; return; fi
  wait "$redoubt_pid"; code=$?; redoubt_pid=''
}

# --- a. the unit file --------------------------------------------------------------------------
check_unit() {
  local unit=$root/deploy/systemd/redoubt.service out rc
  mkdir -p "$work/unit" "$work/man/man8"
  cp "$root/docs/man/redoubt.8" "$work/man/man8/"
  sed "s#/usr/sbin/redoubt#$bin#g" "$unit" >"$work/unit/redoubt.service"
  out=$(MANPATH=$work/man timeout 30 systemd-analyze verify "$work/unit/redoubt.service" 2>&1); rc=$?
  [ -n "$out" ] && echo "# systemd-analyze: $out"
  check "unit: systemd-analyze verify exits 0" [ "$rc" -eq 0 ]
  check "unit: systemd-analyze verify says nothing" [ -z "$out" ]
  sed 's/^NoNewPrivileges=yes/NoNewPrivileges=yes\nProtectKernelTunable=yes/' "$work/unit/redoubt.service" \
    >"$work/unit/broken.service"
  out=$(MANPATH=$work/man timeout 30 systemd-analyze verify "$work/unit/broken.service" 2>&1)
  check "unit: a misspelt key is reported (the check can fail)" grep -q "Unknown key" <<<"$out"
  check "unit: the hardening and settings of docs/operations.md are there, ExecReload sends SIGHUP" unit_has_keys "$unit"
  out=$(timeout 30 systemd-analyze security --offline=true "$work/unit/redoubt.service" 2>&1 |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  check "unit: systemd-analyze security rates the exposure ${out:-?} (at most 2.0)" \
    awk -v e="${out:-99}" 'BEGIN { exit !(e <= 2.0) }'
}

unit_has_keys() {
  local unit=$1 key
  for key in Type=notify "ExecStart=/usr/sbin/redoubt -c /etc/redoubt/redoubt.yaml" User=redoubt Group=redoubt \
      AmbientCapabilities=CAP_NET_BIND_SERVICE CapabilityBoundingSet=CAP_NET_BIND_SERVICE NoNewPrivileges=yes \
      ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes ProtectKernelTunables=yes \
      ProtectKernelModules=yes ProtectKernelLogs=yes ProtectControlGroups=yes \
      "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK" RestrictNamespaces=yes LockPersonality=yes \
      MemoryDenyWriteExecute=yes SystemCallArchitectures=native SystemCallFilter=@system-service \
      StateDirectory=redoubt CacheDirectory=redoubt RuntimeDirectory=redoubt LimitNOFILE=65536 \
      Restart=on-failure "Documentation=man:redoubt(8)"; do
    grep -qxF "$key" "$unit" || { echo "# missing: $key"; return 1; }
  done
  grep -qxF 'ExecReload=/bin/kill -HUP $MAINPID' "$unit"  # systemctl reload: SIGHUP.
}

# wait_for_count FILE REGEX1 N1 REGEX2 N2: up to 5 s for N1 lines matching REGEX1 and N2 matching
# REGEX2 (grep basic regular expressions).
wait_for_count() {
  local i; for i in $(seq 1 50); do
    [ "$(grep -c -- "$2" "$1")" -ge "$3" ] && [ "$(grep -c -- "$4" "$1")" -ge "$5" ] && return 0; sleep 0.1
  done
  return 1
}

# --- b. sd_notify ------------------------------------------------------------------------------
check_notify() {
  local out=$work/notify.out sock=$work/notify.sock
  config notify "listen: [\"$A1:53\"]" "cache: {directory: $work/notify-cache}" \
    "metrics: {listen: \"$A1:9361\"}" "control: {socket: $work/notify-control.sock}"
  timeout 40 "$py" "$here/service_helpers.py" notify "$sock" "$out" "$A1" "$A1:9361" &
  notify_pid=$!
  check "notify: the listener is up" wait_for_line "$out" '^listening$' 50
  start notify NOTIFY_SOCKET="$sock"
  check "notify: READY=1 arrives" wait_for_line "$out" '^msg READY=1' 100
  check "notify: STATUS names the address, workers and metrics" grep -qF \
    "msg READY=1|STATUS=answering on $A1:53 with 2 workers; metrics on $A1:9361" "$out"
  check "notify: port 53 answers when READY=1 arrives (REFUSED for RD=0)" grep -qx 'dns-at-ready REFUSED' "$out"
  check "notify: /ready says 200 when READY=1 arrives" grep -qx 'metrics-at-ready 200' "$out"
  check "notify: READY=1 once" [ "$(grep -c '^msg READY=1' "$out")" -eq 1 ]
  sleep 0.3
  check "notify: no STOPPING=1 before the signal" bash -c "! grep -q STOPPING=1 '$out'"
  kill -HUP "$redoubt_pid"  # What systemctl reload sends (ExecReload).
  check "notify: SIGHUP: RELOADING=1 with MONOTONIC_USEC" wait_for_line "$out" '^msg RELOADING=1|MONOTONIC_USEC=[0-9]' 50
  check "notify: then READY=1 again, STATUS saying it reloaded" wait_for_line "$out" '^msg READY=1|STATUS=reloaded ' 50
  "$(dirname "$bin")/redoubt-control" -s "$work/notify-control.sock" reload >/dev/null
  check "notify: redoubt-control reload is framed the same (RELOADING=1, then READY=1)" \
    wait_for_count "$out" '^msg RELOADING=1' 2 '^msg READY=1\|STATUS=reloaded ' 2
  kill -TERM "$redoubt_pid"
  check "notify: STOPPING=1 arrives after SIGTERM" wait_for_line "$out" '^msg STOPPING=1' 50
  exit_within 100
  check "notify: redoubt exits 0 (got $code)" [ "$code" = 0 ]
  wait "$notify_pid" 2>/dev/null; notify_pid=
  check "notify: root without user: warns once" \
    [ "$(grep -cxF 'redoubt: warning: running as root; set user: to drop privileges after binding' \
      "$work/notify.log")" -eq 1 ]
  check "log-format text: every line starts 'redoubt: '" bash -c "! grep -qv '^redoubt: ' '$work/notify.log'"
}

# --- c. the switch to user: nobody -------------------------------------------------------------
# status_ids PID KEY: the fields of /proc/PID/status's KEY line, space-separated.
status_ids() { awk -v k="$2:" '$1 == k {$1 = ""; sub(/^ /, ""); print}' "/proc/$1/status"; }

# threads_are_nobody PID: every task of PID has real, effective, saved and fs uid 65534.
threads_are_nobody() {
  local task n=0
  for task in /proc/"$1"/task/*; do
    [ "$(awk '$1 == "Uid:" {print $2, $3, $4, $5}' "$task/status")" = "65534 65534 65534 65534" ] || return 1
    n=$((n + 1))
  done
  echo "# $n threads"
  [ "$n" -ge 4 ]  # main, two workers, metrics or evictor at least.
}

check_switch() {
  local reply owner
  chmod 755 "$work"  # nobody must reach its cache directory.
  mkdir -p "$work/nobody-cache" && chown 65534:65534 "$work/nobody-cache" && chmod 700 "$work/nobody-cache"
  config switch "listen: [\"$A2:53\"]" "user: nobody" "validation: false" \
    "cache: {directory: $work/nobody-cache}" "forward-zones: [{name: svc.test, servers: [\"$AUTH:53\"]}]"
  start switch
  check "switch: redoubt says it switched" wait_for_line "$work/switch.log" "switched to user 'nobody' \\(uid 65534" 100
  check "switch: Uid real/effective/saved/fs are 65534" [ "$(status_ids "$redoubt_pid" Uid)" = "65534 65534 65534 65534" ]
  check "switch: Gid real/effective/saved/fs are 65534" [ "$(status_ids "$redoubt_pid" Gid)" = "65534 65534 65534 65534" ]
  check "switch: every thread (workers, metrics, cache evictor) is uid 65534 too" threads_are_nobody "$redoubt_pid"
  check "switch: no supplementary group but nobody's" [ "$(status_ids "$redoubt_pid" Groups)" = "65534" ]
  check "switch: no effective or permitted capability" \
    [ "$(status_ids "$redoubt_pid" CapEff)$(status_ids "$redoubt_pid" CapPrm)" = "00000000000000000000000000000000" ]
  reply=$(dig +time=2 +tries=2 @"$A2" -p 53 www.svc.test A 2>&1)
  check "switch: answers on $A2:53 through the forward zone" \
    [ "$(status_of "$reply") $(answers_of "$reply")" = "NOERROR 192.0.2.53" ]
  owner=$(stat -c %u "$work/nobody-cache/data.mdb" 2>/dev/null)
  check "switch: the cache file belongs to nobody (got '$owner')" [ "$owner" = 65534 ]
  stop "$redoubt_pid"; redoubt_pid=
  check "switch: the answer reached the cache after the switch" \
    grep -qE 'redoubt: cache: .* [1-9][0-9]* written' "$work/switch.log"
  check "switch: no 'running as root' warning" bash -c "! grep -q 'running as root' '$work/switch.log'"

  mkdir -p "$work/root-cache" && chmod 700 "$work/root-cache"
  config rootdir "listen: [\"$A2:53\"]" "user: nobody" "cache: {directory: $work/root-cache}"
  start rootdir
  exit_within 100
  check "switch: a root-owned 0700 cache directory fails with exit 1 (got $code)" [ "$code" = 1 ]
  check "switch: the message names the directory and the user" grep -qF \
    "cache directory $work/root-cache: $work/root-cache is not writable by user 'nobody' (uid 65534)" \
    "$work/rootdir.log"
  check "switch: nothing was written there" [ -z "$(ls -A "$work/root-cache")" ]

  # Not root: nothing to switch; a note when user: is the current account, a warning otherwise.
  config asnobody "listen: [\"$A2:5353\"]" "user: nobody" "cache: {directory: $work/nobody-cache}"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" -c "$work/asnobody.yaml" >"$work/asnobody.log" 2>&1 &
  redoubt_pid=$!
  check "not root, user: nobody: says no switch is needed" \
    wait_for_line "$work/asnobody.log" "^redoubt: running as user 'nobody' already \\(uid 65534\\): no switch needed$" 100
  stop "$redoubt_pid"; redoubt_pid=''
  sed -i 's/^user: nobody$/user: root/' "$work/asnobody.yaml"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" -c "$work/asnobody.yaml" >"$work/asroot.log" 2>&1 &
  redoubt_pid=$!
  check "not root, user: root: warns and carries on" \
    wait_for_line "$work/asroot.log" "^redoubt: warning: user: is 'root' but redoubt runs as uid 65534, not root" 100
  check "not root, user: root: still starts" wait_for_line "$work/asroot.log" '^redoubt: listening on ' 100
  stop "$redoubt_pid"; redoubt_pid=''

  config unknown "listen: [\"$A2:53\"]" "user: no-such-user-61"
  start unknown
  exit_within 100
  check "switch: an unknown user fails with exit 1 (got $code)" [ "$code" = 1 ]
  check "switch: the message names the user" \
    grep -qxF "redoubt: user 'no-such-user-61' (setting user:) does not exist" "$work/unknown.log"
  "$bin" -c "$work/unknown.yaml" --check-config >/dev/null 2>&1
  check "switch: --check-config rejects the unknown user too" [ $? -eq 1 ]
}

# --- d. JSON lines -----------------------------------------------------------------------------
check_json() {
  local reply
  config json "listen: [\"$A1:53\"]" "cache: {directory: $work/json-cache}" "log-format: json" \
    "log-queries: true" "validation: false" "forward-zones: [{name: svc.test, servers: [\"$AUTH:53\"]}]"
  start json
  check "json: redoubt starts" wait_for_line "$work/json.log" '"msg":"listening on ' 100
  # A name with a quote, a backslash and a control byte, written \" \\ \009 in the query log.
  reply=$(dig +time=2 +tries=1 @"$A1" 'q\"uote\\back\009tab.svc.test' A 2>&1)
  check "json: the odd name is answered" [ "$(status_of "$reply")" = NOERROR ]
  stop "$redoubt_pid"; redoubt_pid=
  check "json: every stderr line is {ts, level, msg}, ts RFC 3339 UTC" "$py" - "$work/json.log" <<'EOF'
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
ok = len(lines) >= 5
for line in lines:
    try:
        obj = json.loads(line)
    except ValueError:
        print("# not JSON:", line); ok = False; continue
    if sorted(obj) != ["level", "msg", "ts"] or obj["level"] not in ("error", "warning", "info", "debug") \
            or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", obj["ts"]):
        print("# bad keys or values:", line); ok = False
sys.exit(0 if ok else 1)
EOF
  check "json: the query line and the warning are there" "$py" - "$work/json.log" <<'EOF'
import json, sys
objs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
queries = [o["msg"] for o in objs if o["msg"].startswith("query ") and "svc.test. A NOERROR" in o["msg"]]
warned = [o for o in objs if o["level"] == "warning" and o["msg"].startswith("warning: running as root")]
print("# query line:", queries)
sys.exit(0 if len(queries) == 1 and 'q\\"uote\\\\back\\009tab' in queries[0] and len(warned) == 1 else 1)
EOF
}

if [ "$(id -u)" -ne 0 ]; then echo "service: needs root"; exit 1; fi
[ -x "$bin" ] || { echo "service: no binary at $bin"; exit 1; }
for a in $A1 $A2 $AUTH $SILENT; do add_address "$a" || { echo "service: cannot add $a"; exit 1; }; done
check_unit
timeout 120 "$py" "$here/service_helpers.py" auth "$AUTH" "$work/auth.ready" &
auth_pid=$!
wait_for_line "$work/auth.ready" '^listening$' 50 || { echo "service: the test authority did not start"; exit 1; }
check_notify
check_switch
check_json
finish
