#!/usr/bin/env bash
# The fragment attack (security.md A5, specs/checksum.md section 2), in a network namespace this
# script creates: loopback with MTU 1280, an authoritative (fragment_auth.py) whose 1,700-octet
# answers leave in two IPv4 fragments, and an attacker who plants a forged last fragment with
# the right IP ID, poisoned A records (6.x.y.z) and a still-valid UDP checksum. redoubt and
# Unbound (from Debian, iterator only) are attacked the same way, one after the other; every
# query uses a fresh name. redoubt must return the genuine answer every time (through TCP when
# it drops a reply); Unbound's figures are reported beside it, never failed.
#
#   1. harness check: a client with no defence asking the server directly is poisoned;
#   2. no attack: a CHECKSUM server's fragmented replies verify and are used over UDP; a plain
#      server's fragmented replies are dropped and fetched over TCP;
#   3. attack on a CHECKSUM server, 4. attack on a plain server, 5. attack that also hides the
#      CHECKSUM option (a downgrade by forged fragment): nothing forged is ever served, and a
#      second pass over the same names with the attack stopped shows nothing forged was kept;
#   6. downgrade on the path: a capable server's option is stripped from small replies.
# Counts come from ATTACK_COUNT (default 1000); ATTACK_PORT_RANGE below. Needs root (ip netns, raw sockets).
# Ends with "attack: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${REDOUBT_BIN:-$root/${REDOUBT_BUILD_DIR:-build}/resolver/redoubt}
count=${ATTACK_COUNT:-1000}
ns=rdt-frag-$$
work=$(mktemp -d /tmp/redoubt-attack.XXXXXX)
auth_addr=127.0.2.1 redoubt_addr=127.0.1.1 unbound_addr=127.0.1.2
py=/usr/bin/python3
passed=0 failed=0 auth_pid= resolver_pid=

pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
inns() { ip netns exec "$ns" "$@"; }

cleanup() {
  local pid
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

setup() {
  ip netns add "$ns" || return 1
  inns ip link set lo up && inns ip link set lo mtu 1280 || return 1
  # Orphaned genuine last fragments (the forged one completed the datagram) expire quickly.
  inns sysctl -qw net.ipv4.ipfrag_time=2
  # The widest ephemeral range (ATTACK_PORT_RANGE, default "1024 65535"; empty keeps the
  # namespace's default): redoubt then reuses its upstream sockets (net/io/udp_poller.h), the
  # deployment docs/operations.md recommends, so the attack meets the reused sockets.
  [ -z "${ATTACK_PORT_RANGE-1024 65535}" ] || inns sysctl -qw net.ipv4.ip_local_port_range="${ATTACK_PORT_RANGE-1024 65535}"
  printf '. 3600 NS a.root.atk.\na.root.atk. 3600 A %s\n' "$auth_addr" >"$work/hints"
  # The attack tree is unsigned: no trust anchor, so every answer is insecure and an unverified
  # reassembled reply must be fetched again over TCP (docs/fragment-defence.md).
  printf 'listen: ["%s:53"]\nworkers: 2\nroot-hints: %s\nallow-loopback-upstreams: true\nbuiltin-root-anchor: false\n' \
    "$redoubt_addr" "$work/hints" >"$work/redoubt.yaml"
  # A fresh cache for every start (start_resolver empties it): each round starts cold.
  printf 'cache: {directory: "%s"}\n' "$work/redoubt-cache" >>"$work/redoubt.yaml"
  cat >"$work/unbound.conf" <<CONF
server:
  interface: $unbound_addr
  port: 53
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: ""
  use-syslog: no
  logfile: ""
  num-threads: 2
  do-not-query-localhost: no
  root-hints: "$work/hints"
  module-config: "iterator"
  access-control: 127.0.0.0/8 allow
  edns-buffer-size: 1232
  qname-minimisation: yes
remote-control:
  control-enable: no
CONF
}

wait_udp53() {  # wait_udp53 ADDRESS: up to 10 s for something to answer there
  local i
  for i in $(seq 1 50); do
    inns dig +time=1 +tries=1 +norec @"$1" . NS >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

start_auth() {  # start_auth ARGS...
  stop_auth
  # Not through inns: a backgrounded shell function would be a subshell, not the process.
  ip netns exec "$ns" "$py" "$here/fragment_auth.py" --address "$auth_addr" "$@" >>"$work/auth.log" 2>&1 &
  auth_pid=$!
  wait_udp53 "$auth_addr" || fail "the authoritative did not start: $(tail -3 "$work/auth.log")"
}
stop_auth() { [ -n "$auth_pid" ] && kill "$auth_pid" 2>/dev/null && wait "$auth_pid" 2>/dev/null; auth_pid=; }

start_resolver() {  # start_resolver redoubt|unbound
  if [ "$1" = redoubt ]; then
    rm -rf "$work/redoubt-cache"
    ip netns exec "$ns" "$bin" -c "$work/redoubt.yaml" >"$work/redoubt.log" 2>&1 &
    resolver_pid=$!
    wait_udp53 "$redoubt_addr"
  else
    ip netns exec "$ns" unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 &
    resolver_pid=$!
    wait_udp53 "$unbound_addr"
  fi
}
stop_resolver() {
  [ -n "$resolver_pid" ] || return 0
  kill -TERM "$resolver_pid" 2>/dev/null
  wait "$resolver_pid" 2>/dev/null
  resolver_pid=
}

ask() {  # ask ADDRESS TAG COUNT [client options] -> "correct=.. poisoned=.. failed=.. seconds=.."
  inns timeout 400 "$py" "$here/fragment_client.py" "$@" --deadline 360
}
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
counter() { grep "checksum:" "$work/redoubt.log" | sed -n "s/.* \([0-9]*\) $1.*/\1/p"; }

# attack_round TITLE TAG AUTH-ARGS...: redoubt then Unbound against the same server behaviour,
# then a second pass over the first 100 names with the attack stopped (what was cached).
attack_round() {
  local title=$1 tag=$2; shift 2
  local r u again
  start_auth "$@"
  start_resolver redoubt
  r=$(ask "$redoubt_addr" "r$tag" "$count")
  start_auth --checksum
  again=$(ask "$redoubt_addr" "r$tag" 100)
  stop_resolver
  local line; line=$(grep "checksum:" "$work/redoubt.log" | sed 's/^redoubt: //')
  start_auth "$@"
  start_resolver unbound
  u=$(ask "$unbound_addr" "u$tag" "$count")
  start_auth --checksum
  local u_again; u_again=$(ask "$unbound_addr" "u$tag" 100)
  stop_resolver
  echo "attack: $title: redoubt $count asked: $r; unbound: $u"
  echo "attack: $title: asked again without the attack: redoubt $again; unbound $u_again"
  echo "attack: $title: redoubt's counters: $line"
  if [ "$(field poisoned "$r")" = 0 ] && [ "$(field correct "$r")" = "$count" ]; then
    pass "$title: redoubt served no forged record and $count correct answers"
  else
    fail "$title: redoubt $r"
  fi
  if [ "$(field poisoned "$again")" = 0 ] && [ "$(field correct "$again")" = 100 ]; then
    pass "$title: nothing forged kept (100 names asked again)"
  else
    fail "$title: asked again: $again"
  fi
  ROUND_LINE=$line
}

main() {
  local start=$SECONDS
  [ -x "$bin" ] || { echo "attack: $bin is missing (build first)"; echo "attack: 0 passed, 1 failed"; exit 1; }
  if ! setup; then echo "attack: cannot create a network namespace (root needed)"; echo "attack: 0 passed, 1 failed"; exit 1; fi

  # 1. The attack works against a client without a defence.
  start_auth --checksum --attack poison
  local direct; direct=$(ask "$auth_addr" direct 50 --direct)
  [ "$(field poisoned "$direct")" -ge 45 ] && pass "harness: a defenceless client is poisoned ($direct)" \
    || fail "harness: the forged fragment does not take ($direct); the rounds below would prove nothing"

  # 2. No attack.
  start_auth --checksum
  start_resolver redoubt
  local honest; honest=$(ask "$redoubt_addr" honest 200)
  stop_resolver
  if [ "$(field correct "$honest")" = 200 ] && [ "$(counter 'TCP retries')" = 0 ] \
      && [ "$(counter 'fragmented replies')" -ge 200 ]; then
    pass "no attack, CHECKSUM server: fragmented replies verified and used over UDP ($(grep checksum: "$work/redoubt.log" | sed 's/^redoubt: //'))"
  else
    fail "no attack, CHECKSUM server: $honest; $(grep checksum: "$work/redoubt.log")"
  fi
  start_auth
  start_resolver redoubt
  honest=$(ask "$redoubt_addr" plain 200)
  stop_resolver
  if [ "$(field correct "$honest")" = 200 ] && [ "$(sed -n 's/.*(\([0-9]*\) dropped,.*/\1/p' <"$work/redoubt.log")" -ge 200 ]; then
    pass "no attack, plain server: fragmented replies dropped and fetched over TCP ($(grep checksum: "$work/redoubt.log" | sed 's/^redoubt: //'))"
  else
    fail "no attack, plain server: $honest; $(grep checksum: "$work/redoubt.log")"
  fi

  # 3-5. Under attack.
  attack_round "forged fragment, CHECKSUM server" a --checksum --attack poison
  [ "$(counter 'digest mismatches')" -ge "$count" ] && pass "CHECKSUM server: every forged reply failed its digest" \
    || fail "CHECKSUM server: digest mismatches $(counter 'digest mismatches') < $count"
  attack_round "forged fragment, plain server" b --attack poison
  attack_round "forged fragment hiding the option (downgrade), CHECKSUM server" c --checksum --attack poison-strip
  [ "$(counter downgrades)" -ge "$count" ] && pass "downgrade by forged fragment: $(counter downgrades) downgrades counted" \
    || fail "downgrade by forged fragment: only $(counter downgrades) downgrades counted"

  # 6. The option stripped on the path from the 21st UDP reply on (small, unfragmented replies).
  start_auth --checksum --strip-after 20
  start_resolver redoubt
  local strip; strip=$(ask "$redoubt_addr" strip 200 --small)
  stop_resolver
  if [ "$(field correct "$strip")" = 200 ] && [ "$(counter downgrades)" -ge 150 ]; then
    pass "option stripped on the path: all 200 answers correct through TCP ($(counter downgrades) downgrades)"
  else
    fail "option stripped on the path: $strip; $(grep checksum: "$work/redoubt.log")"
  fi
  stop_auth
  echo "attack: checked in $((SECONDS - start)) s"
  echo "attack: $passed passed, $failed failed"
  [ $failed -eq 0 ]
}

main "$@"
