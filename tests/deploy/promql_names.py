"""Shared by the deploy checks (tests/deploy/check_dashboard.py, check_alerts.py): the metric
names docs/metrics.md's generated table defines, the metric names a PromQL expression selects,
and a `promtool check rules` run over a list of expressions (PromQL grammar:
https://prometheus.io/docs/prometheus/latest/querying/basics/)."""
import os
import re
import subprocess
import tempfile

# Words that may stand where a metric name could, but are not one.
_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
             "unless", "offset", "inf", "nan"}
# Series Prometheus itself makes for every target.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}


def documented_metrics(metrics_md):
    """{name: type} from the table between the metric-table markers of docs/metrics.md."""
    names, inside = {}, False
    with open(metrics_md, encoding="utf-8") as f:
        for line in f:
            if line.startswith("<!-- metric-table begin"):
                inside = True
            elif line.startswith("<!-- metric-table end"):
                inside = False
            elif inside and line.startswith("| `"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                names[cells[0].strip("`")] = cells[1]
    return names


def allowed_names(metrics):
    """Every series name a query may select: the table's names, a histogram's _bucket, _sum
    and _count, and Prometheus's own per-target series."""
    allowed = set(metrics) | PROMETHEUS_SERIES
    for name, kind in metrics.items():
        if kind == "histogram":
            allowed |= {name + "_bucket", name + "_sum", name + "_count"}
    return allowed


def selected_names(expr):
    """The metric names an expression selects (heuristic lexer: strings, label matchers, ranges
    and grouping clauses are removed; a word followed by '(' is a function)."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    s = re.sub(r"'(?:[^'\\]|\\.)*'", "''", s)
    s = re.sub(r"\{[^}]*\}", "{}", s)
    s = re.sub(r"\[[^\]]*\]", "[]", s)
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)
    names = []
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", s):
        before = s[m.start() - 1] if m.start() > 0 else " "
        if before.isdigit() or before == ".":
            continue  # 1e3, 5m
        if s[m.end():].lstrip().startswith("("):
            continue
        if m.group(0).lower() in _KEYWORDS:
            continue
        names.append(m.group(0))
    return names


def promtool_parse(exprs):
    """Runs `promtool check rules` on one recording rule per expression (name: expression).
    Returns (ok, promtool's output)."""
    lines = ["groups:", "  - name: parse-check", "    rules:"]
    for i, expr in enumerate(exprs):
        lines.append(f"      - record: parse_check:expr_{i}")
        lines.append("        expr: |")
        lines.extend("          " + part for part in expr.splitlines())
    fd, path = tempfile.mkstemp(suffix=".rules.yml")
    try:
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(lines) + "\n")
        run = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True, timeout=60)
        return run.returncode == 0, (run.stdout + run.stderr).strip()
    finally:
        os.unlink(path)
