#!/usr/bin/env bash
# The deployment files of issue #16 (docs/deploy.md), checked offline, each check one line:
#   - deploy/prometheus: `promtool check rules` on the alerting and recording rules, `promtool
#     test rules` on their unit tests, tests/deploy/check_alerts.py (metric names against
#     docs/metrics.md, for/severity/annotations, a firing test per alert);
#   - deploy/grafana: tests/deploy/check_dashboard.py (JSON schema, layout, metric names, every
#     query parsed by promtool);
#   - deploy/kubernetes: tests/deploy/check_kubernetes.py (a JSON schema per kind, `redoubt
#     --check-config` on the ConfigMap, ports, probes, selectors, the cache volume), then
#     redoubt started with the ConfigMap's configuration (addresses moved to 127.62.0.1) and
#     the StatefulSet's probe paths asked on its metrics port, and its /metrics must hold every
#     metric the dashboard and the rules name;
#   - negative controls: broken copies (a typo'd metric, unparsable PromQL, an inverted
#     threshold, a panel without gridPos, a wrong probe port, a misspelt securityContext key, a
#     misspelt redoubt.yaml key, a Service selecting no pod) must each be caught, by the
#     finding that names the fault.
# Needs promtool (prometheus), python3-jsonschema, python3-yaml, curl; root for port 53.
# Ends with "deploy-checks: N passed, N failed". DEPLOY_KEEP=1 keeps the work directory.
# Usage: tests/integration/deploy_checks.sh   (REDOUBT_BIN overrides build/resolver/redoubt)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${REDOUBT_BIN:-$root/build/resolver/redoubt}
case "$bin" in /*) ;; *) bin=$root/$bin ;; esac
export REDOUBT_BIN=$bin
py=/usr/bin/python3  # Debian's, with python3-jsonschema and python3-yaml; not a pyenv shim.
A=127.62.0.1
prom=$root/deploy/prometheus dash=$root/deploy/grafana/redoubt-dashboard.json k8s=$root/deploy/kubernetes
work=$(mktemp -d /tmp/redoubt-deploy.XXXXXX)
passed=0 failed=0 redoubt_pid=
source "$here/lib/harness.sh"

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
  stop "$redoubt_pid"
  if [ "${DEPLOY_KEEP:-0}" = 1 ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

finish() {
  echo "deploy-checks: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# passes NAME CMD...: ok when CMD succeeds; its output is shown on failure.
passes() {
  local what=$1 out; shift
  if out=$("$@" 2>&1); then ok "$what"; else not_ok "$what"; echo "$out" | sed 's/^/#   /' | head -40; fi
}

# caught NAME EXPECTED CMD...: a negative control: ok when CMD fails AND says EXPECTED (so it
# failed for the planted fault, not for another reason).
caught() {
  local what=$1 want=$2 out rc; shift 2
  out=$("$@" 2>&1); rc=$?
  if [ $rc -ne 0 ] && grep -qF -- "$want" <<<"$out"; then ok "caught: $what"
  else not_ok "caught: $what (exit $rc, wanted '$want')"; echo "$out" | sed 's/^/#   /' | head -20; fi
}

# broken SRC DEST SED-SCRIPT: copies SRC to DEST with one sed edit, failing if it changed nothing.
broken() {
  sed "$3" "$1" >"$2" && ! cmp -s "$1" "$2"
}

command -v promtool >/dev/null || { not_ok "promtool not found (apt-get install prometheus)"; finish; }
$py -c 'import jsonschema, yaml' 2>/dev/null || { not_ok "python3-jsonschema/python3-yaml missing (scripts/install-deps.sh test)"; finish; }

# --- Prometheus rules --------------------------------------------------------------------------
passes "promtool check rules: alerting and recording rules" promtool check rules "$prom/redoubt-alerts.yml" "$prom/redoubt-recording.yml"
passes "promtool test rules: every alert fires where it should, and only there" promtool test rules "$prom/redoubt-alerts.test.yml"
passes "check_alerts: metric names in docs/metrics.md, for/severity/annotations, a test per alert" \
  $py "$root/tests/deploy/check_alerts.py" "$prom/redoubt-alerts.yml" "$prom/redoubt-recording.yml" "$prom/redoubt-alerts.test.yml"

mkdir -p "$work/prom" && cp "$prom"/*.yml "$work/prom/"
broken "$prom/redoubt-alerts.yml" "$work/prom/redoubt-alerts.yml" 's/redoubt_upstream_timeouts_total\[5m\]/redoubt_upstream_timeout_total[5m]/'
caught "a typo'd metric in an alert" "redoubt_upstream_timeout_total is not in metrics.md" \
  $py "$root/tests/deploy/check_alerts.py" "$work/prom/redoubt-alerts.yml" "$prom/redoubt-recording.yml" "$prom/redoubt-alerts.test.yml"
broken "$prom/redoubt-alerts.yml" "$work/prom/redoubt-alerts.yml" 's/expr: up{job="redoubt"} == 0/expr: up{job="redoubt" == 0/'
caught "unparsable PromQL in an alert" "could not parse expression" promtool check rules "$work/prom/redoubt-alerts.yml"
broken "$prom/redoubt-alerts.yml" "$work/prom/redoubt-alerts.yml" 's/          ) > 0.05$/          ) < 0.05/'
caught "an inverted threshold (parses, names real metrics, alerts on the wrong instances)" "RedoubtServfailRatioHigh" \
  promtool test rules "$work/prom/redoubt-alerts.test.yml"

# --- Grafana dashboard -------------------------------------------------------------------------
passes "check_dashboard: schema, layout, metric names, every query parsed by promtool" \
  $py "$root/tests/deploy/check_dashboard.py" "$dash"
broken "$dash" "$work/d-metric.json" 's/redoubt_cache_entries/redoubt_cache_entrys/'
caught "a typo'd metric in the dashboard" "redoubt_cache_entrys is not in metrics.md" $py "$root/tests/deploy/check_dashboard.py" "$work/d-metric.json"
broken "$dash" "$work/d-promql.json" 's/sum by (rcode) (rate(/sum by (rcode) (rate((/'
caught "unparsable PromQL in the dashboard" "could not parse expression" $py "$root/tests/deploy/check_dashboard.py" "$work/d-promql.json"
$py -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["panels"][2]["gridPos"]; json.dump(d, open(sys.argv[2], "w"))' "$dash" "$work/d-grid.json"
caught "a panel without gridPos" "'gridPos' is a required property" $py "$root/tests/deploy/check_dashboard.py" "$work/d-grid.json"

# --- Kubernetes manifests ----------------------------------------------------------------------
[ -x "$bin" ] || not_ok "redoubt binary $bin not built"
passes "check_kubernetes: schemas, redoubt --check-config, ports, probes, selectors, cache volume" \
  $py "$root/tests/deploy/check_kubernetes.py" "$k8s"

# kbroken NAME FILE SED-SCRIPT: a copy of the manifests with one file edited, in $work/k8s-NAME.
kbroken() {
  rm -rf "$work/k8s-$1" && cp -r "$k8s" "$work/k8s-$1" && broken "$k8s/$2" "$work/k8s-$1/$2" "$3"
}
kbroken probe statefulset.yaml '0,/port: metrics/s//port: 9154/'
caught "a liveness probe on the wrong port" "livenessProbe: port 9154 is not metrics.listen's port 9153" \
  $py "$root/tests/deploy/check_kubernetes.py" "$work/k8s-probe"
kbroken key statefulset.yaml 's/readOnlyRootFilesystem: true/readOnlyRootFilesytem: true/'
caught "a misspelt securityContext key" "'readOnlyRootFilesytem' was unexpected" \
  $py "$root/tests/deploy/check_kubernetes.py" "$work/k8s-key"
kbroken config configmap.yaml 's/^    log-level: info/    log-levl: info/'
caught "a misspelt redoubt.yaml setting in the ConfigMap" "unknown setting 'log-levl'" \
  $py "$root/tests/deploy/check_kubernetes.py" "$work/k8s-config"
kbroken selector service.yaml '/^  selector:/,/component:/ s/component: resolver/component: resolvr/'
caught "a Service selecting no pod" "Service redoubt: selector does not match the pod labels" \
  $py "$root/tests/deploy/check_kubernetes.py" "$work/k8s-selector"

# --- The ConfigMap's configuration, run: the probe paths answer on the probe port ---------------
probe_plan=$($py - "$k8s" "$A" "$work" <<'PY'
import sys, yaml
k8s, addr, work = sys.argv[1:]
cm = yaml.safe_load(open(f"{k8s}/configmap.yaml"))
config = yaml.safe_load(cm["data"]["redoubt.yaml"])
port = config["metrics"]["listen"].rsplit(":", 1)[1]
config["listen"] = [f"{addr}:53"]
config["metrics"]["listen"] = f"{addr}:{port}"
config["cache"]["directory"] = f"{work}/cache"
config["cache"]["max-size"] = "64M"
yaml.safe_dump(config, open(f"{work}/redoubt.yaml", "w"))
sts = yaml.safe_load(open(f"{k8s}/statefulset.yaml"))
c = sts["spec"]["template"]["spec"]["containers"][0]
ports = {p["name"]: p["containerPort"] for p in c["ports"]}
for probe in ("livenessProbe", "readinessProbe"):
    get = c[probe]["httpGet"]
    print(probe, get["path"], ports.get(get["port"], get["port"]))
PY
)
if [ -z "$probe_plan" ] || [ ! -x "$bin" ]; then
  not_ok "the ConfigMap's configuration could not be prepared to run"
else
  "$bin" -c "$work/redoubt.yaml" >"$work/redoubt.log" 2>&1 &
  redoubt_pid=$!
  while read -r probe path port; do
    code=000
    for _ in $(seq 1 50); do
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://$A:$port$path")
      [ "$code" = 200 ] && break
      kill -0 "$redoubt_pid" 2>/dev/null || break
      sleep 0.1
    done
    check "$probe: GET $path on port $port answers 200 from redoubt run with the ConfigMap's settings (got $code)" [ "$code" = 200 ]
  done <<<"$probe_plan"
  # Every series the dashboard and the rules name is one this redoubt exports (docs/metrics.md:
  # the mirror transfer counters only with mirror-zones, the trust anchor refresh counters only with
  # managed-trust-anchors, which this configuration has not).
  curl -s --max-time 2 "http://$A:$(awk 'NR == 1 {print $3}' <<<"$probe_plan")/metrics" >"$work/metrics.txt"
  missing=$($py - "$root" "$work/metrics.txt" <<'PY'
import json, re, sys, yaml
root, exposition = sys.argv[1:]
sys.path.insert(0, f"{root}/tests/deploy")
import promql_names
exported = {re.split(r"[{ ]", l, 1)[0] for l in open(exposition) if l.strip() and not l.startswith("#")}
exprs = [t["expr"] for p in json.load(open(f"{root}/deploy/grafana/redoubt-dashboard.json"))["panels"] for t in p.get("targets", [])]
records = set()
for f in ("redoubt-alerts.yml", "redoubt-recording.yml"):
    for g in yaml.safe_load(open(f"{root}/deploy/prometheus/{f}"))["groups"]:
        exprs += [r["expr"] for r in g["rules"]]
        records |= {r["record"] for r in g["rules"] if "record" in r}
used = {n for e in exprs for n in promql_names.selected_names(e)} - records - promql_names.PROMETHEUS_SERIES
optional = lambda n: (n.startswith("redoubt_mirror_") and n != "redoubt_mirror_lookups_total") or n.startswith("redoubt_trust_anchor_")
absent = sorted(n for n in used - exported if not optional(n))
print(" ".join(absent) if exported else "no exposition")
PY
)
  check "every metric the dashboard and rules name is in the running redoubt's /metrics${missing:+ (absent: $missing)}" [ -z "$missing" ]
  [ "$failed" -eq 0 ] || sed 's/^/#   /' "$work/redoubt.log" | tail -10
fi
finish
