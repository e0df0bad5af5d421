#!/usr/bin/python3
"""The LMDB cache under a real daemon and the lab (tests/lab must be up):

  restart   warm the cache, restart redoubt: cached names come back with no upstream query and
            with TTLs that kept counting down;
  crash     50 times: start redoubt on the same cache, put a load of cold and warm queries on
            it, kill -9 at a random moment; every start must open the cache (never move it
            aside) and every answer any client got must be the lab's (hN.big.gamma. A is
            10.x.y.z from N, nxN.big.gamma. is NXDOMAIN);
  full      a 1 MiB map and 20,000 cold names: every answer right, no client-visible error,
            the file within its bound, entries evicted;
  stale     serve-stale (RFC 8767): answers cached with max-ttl 2, then redoubt restarted with
            root hints pointing at a server that never answers: the expired answers come back
            with TTL 30 and Extended DNS Error 3 (Stale Answer).

usage: cache_lab.py BIN LAB_DIR WORK ADDRESS [restart|crash|full ...]
Prints PASS/FAIL lines and "cache: N passed, N failed". Bounded: every load in count and time.
"""
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

import dns.message
import dns.query
import dns.rcode

passed = failed = 0


def report(ok, text):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print(("PASS " if ok else "FAIL ") + text, flush=True)


def expected(n):
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


class Redoubt:
    def __init__(self, binary, lab_dir, work, address, cache_dir, max_size="64M", extra="", hints=None):
        self.address = address
        self.config = os.path.join(work, "cache-test.yaml")
        hints = hints or f"{lab_dir}/root.hints"
        with open(self.config, "w") as f:
            f.write(f'listen: ["{address}:53"]\nworkers: 2\nroot-hints: {hints}\n'
                    f'allow-loopback-upstreams: true\ncache: {{directory: "{cache_dir}", max-size: {max_size}{extra}}}\n'
                    f'limits: {{deadline-ms: 2000}}\n'
                    f'trust-anchors: ["{lab_dir}/root.ds"]\nbuiltin-root-anchor: false\n')
        self.binary = binary
        self.log_path = os.path.join(work, "cache-test.log")
        self.process = None

    def start(self):
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([self.binary, "-c", self.config], stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if "listening on" in self.read_log():
                return True
            time.sleep(0.05)
        return False

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM):
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        return self.read_log()


def ask(address, name, timeout=3.0):
    query = dns.message.make_query(name, "A", use_edns=0)
    return dns.query.udp(query, address, timeout=timeout)


def check_answer(reply, name):
    """'ok', 'error' (no answer or SERVFAIL: not damaged data) or 'wrong'."""
    if reply is None or reply.rcode() == dns.rcode.SERVFAIL:
        return "error"
    first = name.split(".")[0]
    if first.startswith("nx"):
        return "ok" if reply.rcode() == dns.rcode.NXDOMAIN and not reply.answer else "wrong"
    addresses = [r.address for rrset in reply.answer for r in rrset]
    good = reply.rcode() == dns.rcode.NOERROR and addresses == [expected(int(first[1:]))]
    return "ok" if good else "wrong"


def upstream_queries(log):
    match = re.search(r"with (\d+) upstream queries", log)
    return int(match.group(1)) if match else -1


def test_restart(binary, lab_dir, work, address):
    cache_dir = os.path.join(work, "cache-restart")
    names = [f"h{i}.big.gamma." for i in range(200)] + [f"nx{i}.big.gamma." for i in range(20)]
    daemon = Redoubt(binary, lab_dir, work, address, cache_dir)
    report(daemon.start(), "restart: redoubt started with an empty cache")
    first = {}
    for name in names:
        reply = ask(address, name)
        first[name] = min((rrset.ttl for rrset in reply.answer + reply.authority), default=0)
        if check_answer(reply, name) != "ok":
            report(False, f"restart: first answer for {name}")
    log = daemon.stop()
    report(upstream_queries(log) > 0, f"restart: warming took {upstream_queries(log)} upstream queries")
    time.sleep(2.2)
    report(daemon.start(), "restart: redoubt started on the warm cache")
    entries = re.search(r"cache \S+: (\d+) entries", daemon.read_log())
    report(entries is not None and int(entries.group(1)) >= len(names),
           f"restart: the cache opened with {entries.group(1) if entries else '?'} entries")
    wrong = counted = 0
    for name in names:
        reply = ask(address, name)
        ttl = min((rrset.ttl for rrset in reply.answer + reply.authority), default=0)
        wrong += check_answer(reply, name) != "ok"
        counted += 0 < ttl <= first[name] - 2
    log = daemon.stop()
    report(wrong == 0, f"restart: {len(names) - wrong} of {len(names)} answers right after the restart")
    report(counted == len(names), f"restart: {counted} of {len(names)} TTLs kept counting down (>= 2 s less)")
    report(upstream_queries(log) == 0, f"restart: {upstream_queries(log)} upstream queries after the restart")


def load(address, stop, tally, lock, warm):
    rng = random.Random()
    while not stop.is_set():
        n = rng.choice(warm) if rng.random() < 0.3 else rng.randrange(100000)
        name = f"nx{n}.big.gamma." if rng.random() < 0.1 else f"h{n}.big.gamma."
        try:
            reply = ask(address, name, timeout=0.5)
        except Exception:  # noqa: BLE001 - the daemon is being killed: no answer is no damage
            reply = None
        verdict = check_answer(reply, name)
        with lock:
            tally[verdict] += 1
            if verdict == "wrong":
                tally["examples"].append(name)


def test_crash(binary, lab_dir, work, address, rounds=50):
    cache_dir = os.path.join(work, "cache-crash")
    daemon = Redoubt(binary, lab_dir, work, address, cache_dir)
    tally = {"ok": 0, "error": 0, "wrong": 0, "examples": []}
    lock = threading.Lock()
    warm = list(range(50))
    started = aside = 0
    entries_seen = []
    for _ in range(rounds):
        if not daemon.start():
            continue
        started += 1
        match = re.search(r"cache \S+: (\d+) entries", daemon.read_log())
        entries_seen.append(int(match.group(1)) if match else -1)
        stop = threading.Event()
        threads = [threading.Thread(target=load, args=(address, stop, tally, lock, warm)) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.2, 1.2))
        log = daemon.stop(signal.SIGKILL)
        stop.set()
        for t in threads:
            t.join()
        aside += "moved aside" in log
    report(started == rounds, f"crash: redoubt started {started} times of {rounds} after kill -9")
    report(aside == 0, f"crash: the cache was never damaged ({aside} moved aside)")
    report(entries_seen[-1] > entries_seen[0] if len(entries_seen) > 1 else False,
           f"crash: entries kept across kills ({entries_seen[0]} at the first start, {entries_seen[-1]} at the last)")
    report(tally["wrong"] == 0 and tally["ok"] > 1000,
           f"crash: {tally['ok']} right answers, {tally['wrong']} wrong ({tally['examples'][:3]}), "
           f"{tally['error']} unanswered while being killed")


def test_full(binary, lab_dir, work, address, count=20000):
    cache_dir = os.path.join(work, "cache-full")
    daemon = Redoubt(binary, lab_dir, work, address, cache_dir, max_size="1M")
    report(daemon.start(), "full: redoubt started with a 1 MiB cache")
    tally = {"ok": 0, "error": 0, "wrong": 0}
    start = time.monotonic()
    for n in range(count):
        if time.monotonic() - start > 240:
            break
        name = f"h{n}.big.gamma."
        try:
            reply = ask(address, name)
        except Exception:  # noqa: BLE001
            reply = None
        tally[check_answer(reply, name)] += 1
    log = daemon.stop()
    size = os.path.getsize(os.path.join(cache_dir, "data.mdb"))
    line = next((l for l in log.splitlines() if "cache:" in l and "evicted" in l), "")
    evicted = re.search(r"(\d+) evicted", line)
    report(tally["ok"] == count and tally["error"] == 0 and tally["wrong"] == 0,
           f"full: {tally['ok']} of {count} answers right, {tally['error']} errors, {tally['wrong']} wrong")
    report(size <= 1 << 20, f"full: data.mdb is {size} octets (bound 1048576)")
    report(evicted is not None and int(evicted.group(1)) > 0, f"full: {line.replace('redoubt: ', '')}")


def test_stale(binary, lab_dir, work, address):
    cache_dir = os.path.join(work, "cache-stale")
    names = [f"h{i}.big.gamma." for i in range(3)]
    daemon = Redoubt(binary, lab_dir, work, address, cache_dir, extra=", max-ttl: 2, serve-stale: 3600")
    report(daemon.start(), "stale: redoubt started")
    for name in names:
        report(check_answer(ask(address, name), name) == "ok", f"stale: {name} answered and cached")
    daemon.stop()
    time.sleep(2.5)
    dead_hints = os.path.join(work, "dead.hints")
    with open(dead_hints, "w") as f:
        f.write(". 3600 NS a.root-servers.lab.\na.root-servers.lab. 3600 A 127.53.98.1\n")
    daemon = Redoubt(binary, lab_dir, work, address, cache_dir, extra=", max-ttl: 2, serve-stale: 3600",
                     hints=dead_hints)
    report(daemon.start(), "stale: redoubt restarted with a root that never answers")
    for name in names:
        try:
            reply = ask(address, name, timeout=8)
        except Exception:  # noqa: BLE001
            reply = None
        ede = [o.code for o in reply.options if o.otype == 15] if reply is not None else []
        ttl = reply.answer[0].ttl if reply is not None and reply.answer else None
        report(check_answer(reply, name) == "ok" and ttl == 30 and 3 in ede,
               f"stale: {name} served stale (TTL {ttl}, EDE {ede})")
    log = daemon.stop()
    report("3 served stale" in log, "stale: " + next((l for l in log.splitlines() if "served stale" in l), "no cache line"))


def main():
    binary, lab_dir, work, address = sys.argv[1:5]
    tests = sys.argv[5:] or ["restart", "crash", "full", "stale"]
    if "restart" in tests:
        test_restart(binary, lab_dir, work, address)
    if "crash" in tests:
        test_crash(binary, lab_dir, work, address)
    if "full" in tests:
        test_full(binary, lab_dir, work, address)
    if "stale" in tests:
        test_stale(binary, lab_dir, work, address)
    print(f"cache: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
