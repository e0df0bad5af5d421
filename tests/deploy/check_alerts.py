#!/usr/bin/python3
"""Checks deploy/prometheus/redoubt-alerts.yml and redoubt-recording.yml beyond what promtool
does (docs/deploy.md): every metric an expression selects is in docs/metrics.md's table (or is
a series Prometheus makes, or a rule the files record); every alert has `for:`, a severity of
critical, warning or info, and summary and description annotations; and every alert has a
unit test in redoubt-alerts.test.yml that expects it to fire (promtool then proves the test).
Prints one line per finding and "check_alerts: N rules, M findings"; exits 1 on findings.
Usage: check_alerts.py ALERTS.yml RECORDING.yml TEST.yml [--metrics docs/metrics.md]"""
import argparse
import os
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promql_names  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rules_of(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f) or {}
    return [r for g in doc.get("groups", []) for r in g.get("rules", [])]


def alert_findings(rule):
    name, found = rule["alert"], []
    if "for" not in rule:
        found.append(f"{name}: no for:")
    if rule.get("labels", {}).get("severity") not in ("critical", "warning", "info"):
        found.append(f"{name}: severity is not critical, warning or info")
    for key in ("summary", "description"):
        if not rule.get("annotations", {}).get(key):
            found.append(f"{name}: no {key} annotation")
    return found


def tested_alerts(test_path):
    with open(test_path, encoding="utf-8") as f:
        doc = yaml.safe_load(f) or {}
    return {t["alertname"] for group in doc.get("tests", []) for t in group.get("alert_rule_test", [])
            if t.get("exp_alerts")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("alerts")
    ap.add_argument("recording")
    ap.add_argument("tests")
    ap.add_argument("--metrics", default=os.path.join(ROOT, "docs", "metrics.md"))
    args = ap.parse_args()
    rules = rules_of(args.alerts) + rules_of(args.recording)
    allowed = promql_names.allowed_names(promql_names.documented_metrics(args.metrics))
    allowed |= {r["record"] for r in rules if "record" in r}
    fired = tested_alerts(args.tests)
    findings = []
    for rule in rules:
        name = rule.get("alert") or rule.get("record")
        for metric in promql_names.selected_names(str(rule.get("expr", ""))):
            if metric not in allowed:
                findings.append(f"{name}: metric {metric} is not in {os.path.basename(args.metrics)}")
        if "alert" in rule:
            findings += alert_findings(rule)
            if name not in fired:
                findings.append(f"{name}: no test in {os.path.basename(args.tests)} expects it to fire")
    for line in findings:
        print(line)
    print(f"check_alerts: {len(rules)} rules, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
