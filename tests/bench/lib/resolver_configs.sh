# The configurations the benchmarks give each resolver (sourced by resolver_bench.sh and
# instructions_bench.sh, after tests/lab/lib/common.sh): the same lab, validation on from the
# lab's trust anchor, QNAME minimisation on, loopback upstreams allowed.

# redoubt_config FILE ADDRESS WORKERS CACHE_DIR: redoubt's YAML, listening on ADDRESS port 53.
redoubt_config() {
  printf '%s\n' "listen: [\"$2:53\"]" "workers: $3" "root-hints: $LAB_DIR/root.hints" \
    "allow-loopback-upstreams: true" "trust-anchors: [\"$LAB_DIR/root.ds\"]" \
    "builtin-root-anchor: false" "cache: {directory: \"$4\"}" >"$1"
}

# unbound_config FILE ADDRESS THREADS DIR: Unbound in the foreground, DIR its directory.
unbound_config() {
  cat >"$1" <<CONF
server:
  interface: $2
  num-threads: $3
  do-ip6: no
  do-daemonize: no
  chroot: ""
  username: ""
  directory: "$4"
  pidfile: "$4/unbound.pid"
  use-syslog: no
  logfile: ""
  verbosity: 0
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  root-hints: "$LAB_DIR/root.hints"
  module-config: "validator iterator"
  trust-anchor-file: "$LAB_DIR/root.ds"
  qname-minimisation: yes
  edns-buffer-size: 1232
remote-control:
  control-enable: no
CONF
}

# kresd_config FILE ADDRESS CACHE_DIR: Knot Resolver 5, root hints from the lab's file, the lab's
# root DS as a read-only anchor (no RFC 5011 state to keep). kresd ignores glue and NS addresses
# in 127.0.0.0/8 ("ignoring invalid glue") unless a query carries the ALLOW_LOCAL flag, which the
# policy rule sets for every request (and so for every sub-query of it): the counterpart of
# Unbound's do-not-query-localhost: no and redoubt's allow-loopback-upstreams: true.
kresd_config() {
  local hints
  hints=$(awk '{ for (i = 2; i < NF; i++) if ($i == "A") { printf "%s[\"%s\"] = \"%s\"", (n++ ? ", " : ""), $1, $(i + 1); break } }' \
    "$LAB_DIR/root.hints")
  cat >"$1" <<CONF
net.ipv6 = false
net.listen('$2', 53, { kind = 'dns' })
modules.load('hints > iterate')
policy.add(policy.all(policy.FLAGS({'ALLOW_LOCAL'})))
hints.root({ $hints })
trust_anchors.add_file('$LAB_DIR/root.ds', true)
cache.open(100 * MB, 'lmdb://$3')
CONF
}
