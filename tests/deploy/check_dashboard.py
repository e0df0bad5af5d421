#!/usr/bin/python3
"""Checks deploy/grafana/redoubt-dashboard.json (docs/deploy.md):
  1. it validates against tests/deploy/grafana-dashboard.schema.json (JSON Schema 2020-12);
  2. its layout holds: unique panel ids, panels inside the 24-column grid and not overlapping,
     unique refIds in a panel, every query filtered by the $instance variable;
  3. every metric a query selects is in docs/metrics.md's table (histograms: _bucket/_sum/_count);
  4. every query parses as PromQL: Grafana's variables are replaced by sample values and all
     queries go through `promtool check rules` as recording rules.
Prints one line per finding and "check_dashboard: N queries, M findings"; exits 1 on findings.
Usage: check_dashboard.py DASHBOARD.json [--schema FILE] [--metrics docs/metrics.md]"""
import argparse
import json
import os
import re
import sys

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promql_names  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# Grafana's built-in and the dashboard's own variables, replaced by values PromQL accepts.
SAMPLE_VALUES = {"__rate_interval": "5m", "__interval": "1m", "__range": "1h", "instance": ".*"}


def schema_findings(dashboard, schema_path):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    return [f"schema: {'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message[:160]}"
            for e in sorted(validator.iter_errors(dashboard), key=lambda e: list(map(str, e.absolute_path)))]


def layout_findings(panels):
    found, ids, cells = [], set(), {}
    for p in panels:
        pid, g = p.get("id"), p.get("gridPos", {})
        if pid in ids:
            found.append(f"panel id {pid} used twice")
        ids.add(pid)
        x, y, w, h = (g.get(k, 0) for k in ("x", "y", "w", "h"))
        if x + w > 24:
            found.append(f"panel {pid} '{p.get('title')}': x {x} + w {w} is past the 24-column grid")
        for cx in range(x, min(x + w, 24)):
            for cy in range(y, y + h):
                if (cx, cy) in cells:
                    found.append(f"panel {pid} overlaps panel {cells[(cx, cy)]} at x={cx} y={cy}")
                    break
                cells[(cx, cy)] = pid
            else:
                continue
            break
        refs = [t.get("refId") for t in p.get("targets", [])]
        if len(refs) != len(set(refs)):
            found.append(f"panel {pid}: refIds repeat: {refs}")
        for t in p.get("targets", []):
            if "$instance" not in t.get("expr", ""):
                found.append(f"panel {pid} target {t.get('refId')}: not filtered by $instance")
    return found


def substitute(expr):
    unknown = []

    def value(m):
        name = m.group(1) or m.group(2)
        if name not in SAMPLE_VALUES:
            unknown.append(name)
            return m.group(0)
        return SAMPLE_VALUES[name]
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", value, expr), unknown


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dashboard")
    ap.add_argument("--schema", default=os.path.join(HERE, "grafana-dashboard.schema.json"))
    ap.add_argument("--metrics", default=os.path.join(ROOT, "docs", "metrics.md"))
    args = ap.parse_args()
    try:
        with open(args.dashboard, encoding="utf-8") as f:
            dashboard = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{args.dashboard}: {e}")
        print("check_dashboard: 0 queries, 1 findings")
        return 1
    findings = schema_findings(dashboard, args.schema)
    panels = dashboard.get("panels", []) if isinstance(dashboard.get("panels"), list) else []
    findings += layout_findings(panels)
    metrics = promql_names.documented_metrics(args.metrics)
    if len(metrics) < 10:
        findings.append(f"{args.metrics}: only {len(metrics)} metrics in its table; is it the right file?")
    allowed = promql_names.allowed_names(metrics)
    exprs = []
    for p in panels:
        for t in p.get("targets", []):
            expr = t.get("expr", "")
            where = f"panel {p.get('id')} '{p.get('title')}' target {t.get('refId')}"
            for name in promql_names.selected_names(expr):
                if name not in allowed:
                    findings.append(f"{where}: metric {name} is not in {os.path.basename(args.metrics)}")
            parsed, unknown = substitute(expr)
            for name in unknown:
                findings.append(f"{where}: unknown variable ${name}")
            exprs.append(parsed)
    if exprs:
        ok, out = promql_names.promtool_parse(exprs)
        if not ok:
            findings.append("promtool check rules on the queries failed:\n" + out)
    for line in findings:
        print(line)
    print(f"check_dashboard: {len(exprs)} queries, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
