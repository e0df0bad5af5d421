#!/usr/bin/python3
"""Checks the Kubernetes manifests in deploy/kubernetes/ offline (docs/deploy.md):
  1. every document validates against tests/deploy/k8s-schemas/<Kind>.schema.json (subsets of
     the Kubernetes API with unknown keys refused, plus redoubt's security policy);
  2. the ConfigMap's redoubt.yaml passes `redoubt --check-config` ($REDOUBT_BIN, or
     build/resolver/redoubt; the copy's cache directory points into a temporary directory);
  3. cross-checks: the -c path is the mounted ConfigMap key; the probes (/health, /ready) and the
     scrape annotation use the metrics.listen port; every listen port has a UDP and a TCP
     container port; each Service's target ports are container ports of the same protocol;
     the selectors of the StatefulSet, the Services and the PodDisruptionBudget match the pod
     labels; serviceName is a headless Service; cache.directory is a per-pod volume claim
     whose size holds cache.max-size; workers do not exceed the CPU limit; the kustomization
     lists every manifest.
Prints one line per finding and "check_kubernetes: N documents, M findings"; exits 1 on findings.
Usage: check_kubernetes.py [DIR] [--schemas DIR] [--redoubt BIN]"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40}


def load_documents(directory):
    docs = []
    for path in sorted(glob.glob(os.path.join(directory, "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if doc is not None:
                    docs.append((os.path.basename(path), doc))
    return docs


def schema_findings(docs, schemas):
    found = []
    for name, doc in docs:
        kind = doc.get("kind", "?") if isinstance(doc, dict) else "?"
        path = os.path.join(schemas, f"{kind}.schema.json")
        if not os.path.exists(path):
            found.append(f"{name}: no schema for kind {kind} in {schemas}")
            continue
        with open(path, encoding="utf-8") as f:
            validator = jsonschema.Draft202012Validator(json.load(f))
        for e in validator.iter_errors(doc):
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            found.append(f"{name}: {kind} {where}: {e.message[:200]}")
    return found


def size_bytes(text):
    m = re.fullmatch(r"([0-9]+)([KMGT]i?)?", str(text).strip())
    return int(m.group(1)) * UNITS[m.group(2) or ""] if m else None


def cpu_cores(text):
    text = str(text)
    return int(text[:-1]) / 1000 if text.endswith("m") else float(text)


def port_of(address, default=53):
    """The port of a config address: 192.0.2.1:53, [::1]:53, or none written (default)."""
    m = re.fullmatch(r"\[[^\]]*\](?::([0-9]+))?", address) or re.fullmatch(r"[^:]*(?::([0-9]+))?", address)
    return int(m.group(1)) if m and m.group(1) else default


def subset(small, big):
    return bool(small) and all(big.get(k) == v for k, v in small.items())


class Manifests:
    def __init__(self, docs):
        self.by_kind = {}
        for name, doc in docs:
            if isinstance(doc, dict):
                self.by_kind.setdefault(doc.get("kind"), []).append((name, doc))

    def of(self, kind):
        return [doc for _, doc in self.by_kind.get(kind, [])]

    def named(self, kind, name):
        return next((d for d in self.of(kind) if d.get("metadata", {}).get("name") == name), None)


def resolve_port(container, port, protocol="TCP"):
    for p in container.get("ports", []):
        if (p.get("name") == port or p.get("containerPort") == port) and p.get("protocol", "TCP") == protocol:
            return p.get("containerPort")
    return None


def config_of(m, sts, container):
    """(config text, ConfigMap key) the container's -c names, or (None, reason)."""
    args = container.get("args", []) + container.get("command", [])
    if "-c" not in args or args.index("-c") + 1 >= len(args):
        return None, "the container has no -c FILE argument"
    path = args[args.index("-c") + 1]
    volumes = {v["name"]: v for v in sts["spec"]["template"]["spec"].get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        if os.path.dirname(path) != mount["mountPath"].rstrip("/"):
            continue
        cm_ref = volumes.get(mount["name"], {}).get("configMap")
        if not cm_ref:
            continue
        cm = m.named("ConfigMap", cm_ref["name"])
        if cm is None:
            return None, f"volume {mount['name']} names ConfigMap {cm_ref['name']}, which is not in the manifests"
        items = cm_ref.get("items") or [{"key": k, "path": k} for k in cm.get("data", {})]
        key = next((i["key"] for i in items if i["path"] == os.path.basename(path)), None)
        if key is None or key not in cm.get("data", {}):
            return None, f"-c {path}: ConfigMap {cm_ref['name']} mounted at {mount['mountPath']} has no such key"
        return cm["data"][key], key
    return None, f"-c {path}: no ConfigMap volume is mounted at {os.path.dirname(path)}"


def check_config(text, redoubt, cache_dir):
    """`redoubt --check-config` on a copy whose cache directory is a temporary one."""
    if not redoubt or not os.access(redoubt, os.X_OK):
        return [f"redoubt binary {redoubt!r} not found (set REDOUBT_BIN or build build/resolver/redoubt)"]
    with tempfile.TemporaryDirectory(prefix="redoubt-k8s-") as tmp:
        lines = [line.replace(cache_dir, os.path.join(tmp, "cache")) if re.match(r"\s*directory:", line) else line
                 for line in text.splitlines()]
        path = os.path.join(tmp, "redoubt.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        run = subprocess.run([redoubt, "--check-config", "-c", path], capture_output=True, text=True, timeout=30)
        if run.returncode != 0:
            return [f"redoubt --check-config refuses the ConfigMap's redoubt.yaml: {(run.stdout + run.stderr).strip()}"]
    return []


def statefulset_findings(m, sts, redoubt):
    found = []
    spec = sts["spec"]
    pod_labels = spec["template"].get("metadata", {}).get("labels", {})
    if not subset(spec["selector"]["matchLabels"], pod_labels):
        found.append("StatefulSet: selector.matchLabels are not all pod template labels")
    governing = m.named("Service", spec.get("serviceName"))
    if governing is None or governing["spec"].get("clusterIP") != "None":
        found.append(f"StatefulSet: serviceName {spec.get('serviceName')} is not a headless Service in the manifests")
    for kind in ("Service", "PodDisruptionBudget"):
        for doc in m.of(kind):
            selector = doc["spec"]["selector"]
            selector = selector.get("matchLabels", {}) if kind == "PodDisruptionBudget" else selector
            if not subset(selector, pod_labels):
                found.append(f"{kind} {doc['metadata']['name']}: selector does not match the pod labels")
    if not m.of("PodDisruptionBudget"):
        found.append("no PodDisruptionBudget")
    container = spec["template"]["spec"]["containers"][0]
    text, key = config_of(m, sts, container)
    if text is None:
        return found + [f"StatefulSet: {key}"]
    config = yaml.safe_load(text) or {}
    metrics = (config.get("metrics") or {}).get("listen")
    if not metrics:
        found.append("redoubt.yaml: no metrics.listen, so no /health and /ready to probe")
    else:
        mport = port_of(metrics, None)
        for probe, path in (("livenessProbe", "/health"), ("readinessProbe", "/ready")):
            get = container.get(probe, {}).get("httpGet", {})
            if get.get("path") != path:
                found.append(f"{probe}: path {get.get('path')}, redoubt answers {path}")
            if resolve_port(container, get.get("port")) != mport:
                found.append(f"{probe}: port {get.get('port')} is not metrics.listen's port {mport}")
        if resolve_port(container, "metrics") != mport:
            found.append(f"container port 'metrics' is not metrics.listen's port {mport}")
        annotated = spec["template"].get("metadata", {}).get("annotations", {}).get("prometheus.io/port")
        if annotated is not None and annotated != str(mport):
            found.append(f"prometheus.io/port {annotated} is not metrics.listen's port {mport}")
    for address in config.get("listen", ["127.0.0.1:53"]):
        port = port_of(address)
        for protocol in ("UDP", "TCP"):
            if not any(p["containerPort"] == port and p["protocol"] == protocol for p in container["ports"]):
                found.append(f"listen {address}: no {protocol} container port {port}")
    cache = config.get("cache") or {}
    if cache.get("enabled", True):
        found += cache_findings(spec, container, cache)
    workers = config.get("workers")
    limit = container.get("resources", {}).get("limits", {}).get("cpu")
    if isinstance(workers, int) and limit is not None and workers > cpu_cores(limit):
        found.append(f"workers {workers} exceed the CPU limit {limit}")
    found += check_config(text, redoubt, cache.get("directory", "/var/cache/redoubt"))
    for svc in m.of("Service"):
        for port in svc["spec"]["ports"]:
            if resolve_port(container, port["targetPort"], port.get("protocol", "TCP")) is None:
                found.append(f"Service {svc['metadata']['name']} port {port['name']}: targetPort {port['targetPort']} "
                             f"is not a {port.get('protocol', 'TCP')} container port")
    return found


def cache_findings(spec, container, cache):
    found = []
    directory = cache.get("directory", "/var/cache/redoubt").rstrip("/")
    claims = {c["metadata"]["name"]: c for c in spec.get("volumeClaimTemplates", [])}
    mount = next((v for v in container.get("volumeMounts", []) if v["mountPath"].rstrip("/") == directory), None)
    if mount is None or mount["name"] not in claims:
        return [f"cache.directory {directory} is not mounted from a volumeClaimTemplate (one volume per pod)"]
    storage = size_bytes(claims[mount["name"]]["spec"]["resources"]["requests"]["storage"])
    max_size = size_bytes(cache.get("max-size", "512M"))
    if storage is not None and max_size is not None and max_size > storage:
        found.append(f"cache.max-size {cache.get('max-size')} is larger than the volume claim")
    return found


def kustomization_findings(directory, m):
    found = []
    files = {os.path.basename(p) for p in glob.glob(os.path.join(directory, "*.yaml"))} - {"kustomization.yaml"}
    for k in m.of("Kustomization"):
        listed = set(k.get("resources", []))
        for missing in sorted(files - listed):
            found.append(f"kustomization.yaml does not list {missing}")
        for extra in sorted(listed - files):
            found.append(f"kustomization.yaml lists {extra}, which does not exist")
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("directory", nargs="?", default=os.path.join(ROOT, "deploy", "kubernetes"))
    ap.add_argument("--schemas", default=os.path.join(HERE, "k8s-schemas"))
    ap.add_argument("--redoubt", default=os.environ.get("REDOUBT_BIN", os.path.join(ROOT, "build", "resolver", "redoubt")))
    args = ap.parse_args()
    docs = load_documents(args.directory)
    findings = schema_findings(docs, args.schemas)
    m = Manifests(docs)
    if not findings:  # The cross-checks assume the shapes the schemas promise.
        sets = m.of("StatefulSet")
        if not sets:
            findings.append("no StatefulSet")
        for sts in sets:
            findings += statefulset_findings(m, sts, args.redoubt)
        findings += kustomization_findings(args.directory, m)
    for line in findings:
        print(line)
    print(f"check_kubernetes: {len(docs)} documents, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
