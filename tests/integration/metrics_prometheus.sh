#!/usr/bin/env bash
# redoubt's metrics endpoint (docs/metrics.md) scraped by a real Prometheus server (Debian's
# prometheus), both on loopback: redoubt on 127.60.0.1 (DNS :53, metrics :9253), Prometheus on
# 127.60.0.2:9090 scraping it every second. Checks, each "ok - ..." or "not ok - ...":
#   1. /health and /ready answer 200, another path 404, a POST 405;
#   2. /metrics passes `promtool check metrics` and holds build info and the histograms;
#   3. after a known number of client queries (RD=0 ones are REFUSED, so no upstream is needed,
#      and one SERVFAIL for a forward zone whose server is silent), redoubt's own counters say
#      exactly that many;
#   4. Prometheus scrapes redoubt (up == 1) and its HTTP API returns the very values redoubt's
#      counters hold: queries by transport, responses by rcode, the latency histogram's count.
# Runs as root (ip addr, port 53). Ends with "metrics-prometheus: N passed, M failed".
# METRICS_KEEP=1 keeps the work directory.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${REDOUBT_BIN:-$root/build/resolver/redoubt}
case "$bin" in /*) ;; *) bin=$root/$bin ;; esac
R=127.60.0.1 P=127.60.0.2 SILENT=127.60.0.3
metrics_url="http://$R:9253"
work=$(mktemp -d /tmp/redoubt-metrics.XXXXXX)
passed=0 failed=0 added=() redoubt_pid= prom_pid=
source "$here/lib/harness.sh"

cleanup() {
  stop "$redoubt_pid"; stop "$prom_pid"
  local a; for a in "${added[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  if [ "${METRICS_KEEP:-0}" = 1 ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

finish() {
  echo "metrics-prometheus: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# The value of one series in Prometheus text: metric_value TEXT 'name{labels}' (exact match of
# the series as written, labels in the exporter's order); empty when absent.
metric_value() { awk -v s="$2" '$1 == s {print $2}' <<<"$1" | head -1; }

# The value Prometheus's API returns for an instant query, or empty.
prom_query() {
  curl -sf --max-time 2 -G "http://$P:9090/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys
r=json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null
}

# Waits up to 20 s for Prometheus to return `want` for `query`.
prom_wait_for() {
  local query=$1 want=$2 got= i
  for i in $(seq 1 40); do
    got=$(prom_query "$query")
    [ "$got" = "$want" ] && return 0
    sleep 0.5
  done
  echo "# $query: Prometheus says '${got}', redoubt said '$want'"
  return 1
}

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@"; }

setup() {
  local a; for a in $R $P $SILENT; do add_address "$a" || return 1; done
  printf '. 3600000 NS a.root.invalid.\na.root.invalid. 3600000 A %s\n' "$SILENT" >"$work/root.hints"
  cat >"$work/redoubt.yaml" <<EOF
listen: ["$R:53"]
workers: 2
root-hints: $work/root.hints
allow-loopback-upstreams: true
cache: {directory: $work/cache}
metrics: {listen: "$R:9253"}
forward-zones:
  - {name: silent.test, servers: ["$SILENT:53"]}
limits: {deadline-ms: 600}
EOF
  "$bin" -c "$work/redoubt.yaml" >"$work/redoubt.log" 2>&1 &
  redoubt_pid=$!
  wait_for_line "$work/redoubt.log" "metrics on http://" 100 || { cat "$work/redoubt.log"; return 1; }
  cat >"$work/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: redoubt
    static_configs: [{targets: ["$R:9253"]}]
EOF
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="$P:9090" >"$work/prometheus.log" 2>&1 &
  prom_pid=$!
  local i; for i in $(seq 1 60); do
    [ "$(http_status "http://$P:9090/-/ready")" = 200 ] && return 0
    sleep 0.5
  done
  tail -20 "$work/prometheus.log"; return 1
}

if ! setup; then not_ok "setup (redoubt with metrics, Prometheus)"; finish; fi

# 1. Probes and paths.
check "1. /health is 200" [ "$(http_status "$metrics_url/health")" = 200 ]
check "1. /ready is 200 once the workers listen" [ "$(http_status "$metrics_url/ready")" = 200 ]
check "1. /nope is 404" [ "$(http_status "$metrics_url/nope")" = 404 ]
check "1. POST /metrics is 405" [ "$(http_status -X POST "$metrics_url/metrics")" = 405 ]

# 3. Known traffic: 20 REFUSED over UDP (RD=0), 5 REFUSED over TCP, 1 SERVFAIL (silent forwarder).
for i in $(seq 1 20); do dig +norec +tries=1 +time=2 @"$R" "q$i.example." A >/dev/null; done
for i in $(seq 1 5); do dig +norec +tcp +tries=1 +time=2 @"$R" "t$i.example." A >/dev/null; done
servfail=$(dig +tries=1 +time=3 @"$R" www.silent.test. A)
check "3. a silent forwarder gives SERVFAIL" [ "$(status_of "$servfail")" = SERVFAIL ]

text=$(curl -sf --max-time 2 "$metrics_url/metrics")
# 2. The exposition itself.
check "2. promtool check metrics is clean" bash -c 'promtool check metrics <<<"$1"' _ "$text"
check "2. redoubt_build_info is exported" grep -q '^redoubt_build_info{version="' <<<"$text"
check "2. the client latency histogram has a +Inf bucket" grep -q '^redoubt_response_duration_seconds_bucket{le="+Inf"}' <<<"$text"

udp=$(metric_value "$text" 'redoubt_queries_total{transport="udp"}')
tcp=$(metric_value "$text" 'redoubt_queries_total{transport="tcp"}')
refused=$(metric_value "$text" 'redoubt_responses_total{rcode="REFUSED"}')
servfails=$(metric_value "$text" 'redoubt_responses_total{rcode="SERVFAIL"}')
latency_count=$(metric_value "$text" 'redoubt_response_duration_seconds_count')
check "3. redoubt counts 21 UDP queries (got '$udp')" [ "$udp" = 21 ]
check "3. redoubt counts 5 TCP queries (got '$tcp')" [ "$tcp" = 5 ]
check "3. redoubt counts 25 REFUSED (got '$refused')" [ "$refused" = 25 ]
check "3. redoubt counts 1 SERVFAIL (got '$servfails')" [ "$servfails" = 1 ]
check "3. the latency histogram counted every reply (got '$latency_count')" [ "$latency_count" = 26 ]

# 4. The same values through Prometheus (it scrapes every second; nothing else queries redoubt).
check "4. Prometheus scrapes redoubt: up == 1" prom_wait_for 'up{job="redoubt"}' 1
check "4. Prometheus: UDP queries = $udp" prom_wait_for 'redoubt_queries_total{transport="udp"}' "$udp"
check "4. Prometheus: TCP queries = $tcp" prom_wait_for 'redoubt_queries_total{transport="tcp"}' "$tcp"
check "4. Prometheus: REFUSED = $refused" prom_wait_for 'redoubt_responses_total{rcode="REFUSED"}' "$refused"
check "4. Prometheus: SERVFAIL = $servfails" prom_wait_for 'redoubt_responses_total{rcode="SERVFAIL"}' "$servfails"
check "4. Prometheus: latency count = $latency_count" \
  prom_wait_for 'redoubt_response_duration_seconds_count' "$latency_count"
check "4. Prometheus computes a p99 latency from the buckets" bash -c \
  '[ -n "$1" ] && [ "$1" != NaN ]' _ "$(prom_query 'histogram_quantile(0.99, redoubt_response_duration_seconds_bucket)')"
finish
