"""Probe latency and server memory while hostile queries run against `kg serve`.

Why: the endpoint must keep answering while clients send queries that never
end or that need unbounded memory (issue 15). This starts a real `kg serve`
process on loopback over a given store, sends two runaway COUNTs over a
cartesian product and one ORDER BY over a product (the memory bomb), and
meanwhile times a small probe query once a second. Reported: the probe
latencies (median and max), the hostile queries' statuses and times, probes
after the hostile ones ended, and the peak resident memory of the server's
whole process tree (server plus query workers, summed from /proc every 50 ms).

Run:  .venv/bin/python -m benchmarks.bench_serve_hostile --store PATH [--timeout 5]
      (the store should hold a few hundred triples or more, e.g. a build of data/articles)
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
BOMB = "SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
PROBE = "ASK { ?s ?p ?o }"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(base: str, query: str) -> tuple[int, float]:
    started = time.perf_counter()
    url = base + "sparql?" + urllib.parse.urlencode({"query": query})
    try:
        with urllib.request.urlopen(url, timeout=300) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as err:
        err.read()
        status = err.code
    return status, time.perf_counter() - started


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and its children (the query workers)."""
    pids = [root]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == root:
                        pids.append(int(entry))
            except OSError:
                continue
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    return total


def run(store: str, timeout: float, probes: int) -> None:
    port = _free_port()
    kg = Path(sys.executable).parent / "kg"
    server = subprocess.Popen(
        [str(kg), "--store", store, "serve", "--port", str(port), "--timeout", str(timeout)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/"
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss(server.pid))
            time.sleep(0.05)

    try:
        assert server.stderr is not None
        server.stderr.readline()  # "serving ..." once bound
        time.sleep(3)  # let the worker pool start
        print(f"server tree RSS at rest: {tree_rss(server.pid) >> 20} MiB")
        threading.Thread(target=sample, daemon=True).start()
        hostile: dict[str, tuple[int, float]] = {}

        def send(name: str, query: str) -> None:
            hostile[name] = _get(base, query)

        senders = [
            threading.Thread(target=send, args=(name, query))
            for name, query in (("runaway 1", RUNAWAY), ("runaway 2", RUNAWAY), ("bomb", BOMB))
        ]
        for thread in senders:
            thread.start()
        time.sleep(0.5)
        during = []
        for _ in range(probes):
            during.append(_get(base, PROBE))
            time.sleep(max(0.0, 1.0 - during[-1][1]))
        for thread in senders:
            thread.join(600)
        after = [_get(base, PROBE) for _ in range(5)]
        stop.set()
        for name, (status, seconds) in hostile.items():
            print(f"{name}: {status} after {seconds:.2f} s")
        times = [s for _, s in during]
        print(
            f"probe during ({len(during)}): statuses {sorted({c for c, _ in during})}, "
            f"median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms"
        )
        print(
            f"probe after: statuses {sorted({c for c, _ in after})}, "
            f"max {max(s for _, s in after) * 1000:.1f} ms"
        )
        print(f"server tree peak RSS: {peak[0] >> 20} MiB")
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--probes", type=int, default=8)
    args = parser.parse_args()
    run(args.store, args.timeout, args.probes)


if __name__ == "__main__":
    main()
