"""Latency of the saved queries through `kg serve` and through `kg query`, and throughput.

Why both paths: researchers choose between pointing a tool at the endpoint
and running `kg query`; the figures show what each costs. The endpoint runs
as a real `kg serve` process (so the clients here do not share its GIL), on a
store built from the synthetic corpus (benchmarks/corpus.py) or a given one.

* endpoint: POST /sparql (form), JSON results, one HTTP connection per request;
* kg query: `kg.sparql.query.answer(cfg, query, "json")`, i.e. what the command does
  after Python has started (open the store read-only, query, format); the
  process start-up of the CLI itself is measured separately as `kg query (process)`;
* throughput: N concurrent client threads, each sending M requests that cycle
  through the saved queries; requests/second over the whole run, and every
  status code seen.

Run:  .venv/bin/python -m benchmarks.serve_bench --articles 200
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from kg.config import Config, default_queries_dir
from kg.sparql.query import answer


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_store(n: int, workdir: Path) -> str:
    """A store from n synthetic pages, built by the real CLI."""
    from benchmarks.corpus import write_corpus

    articles = workdir / "articles"
    write_corpus(n, articles, seed=0)
    store = str(workdir / "store")
    kg = Path(sys.executable).parent / "kg"
    subprocess.run([str(kg), "--store", store, "build", str(articles)], check=True)
    return store


def post(url: str, query: str, accept: str = "application/sparql-results+json") -> int:
    data = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(url, data=data, headers={"Accept": accept}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as err:
        err.read()
        return err.code


def timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def start_server(store: str, port: int) -> subprocess.Popen[str]:
    kg = Path(sys.executable).parent / "kg"
    cmd = [str(kg), "--store", store, "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    line = proc.stderr.readline()
    if "serving" not in line:
        proc.kill()
        raise SystemExit(f"kg serve did not start: {line}{proc.stderr.read()}")
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="an existing store (default: build one)")
    parser.add_argument("--articles", type=int, default=200, help="synthetic pages to build")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per saved query")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    queries = {
        p.stem: p.read_text(encoding="utf-8") for p in sorted(default_queries_dir().glob("*.rq"))
    }
    if not queries:
        raise SystemExit("no saved queries in " + str(default_queries_dir()))
    with tempfile.TemporaryDirectory(prefix="kg-serve-bench-") as tmp:
        store = args.store or build_store(args.articles, Path(tmp))
        cfg = Config(store=store)
        port = _free_port()
        proc = start_server(store, port)
        url = f"http://127.0.0.1:{port}/sparql"
        try:
            figures = run(cfg, url, queries, args)
        finally:
            proc.terminate()
            proc.wait(30)
    figures["store"] = args.store or f"synthetic corpus, {args.articles} pages"
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def run(
    cfg: Config, url: str, queries: dict[str, str], args: argparse.Namespace
) -> dict[str, object]:
    per_query: dict[str, dict[str, float]] = {}
    all_http: list[float] = []
    all_lib: list[float] = []
    for name, text in queries.items():
        assert post(url, text) == 200, name  # warm-up, and a check that it answers
        http = timed(lambda t=text: post(url, t), args.runs)
        lib = timed(lambda t=text: answer(cfg, t, "json"), args.runs)
        all_http += http
        all_lib += lib
        per_query[name] = {
            "endpoint_p50_ms": round(statistics.median(http), 2),
            "kg_query_p50_ms": round(statistics.median(lib), 2),
        }
    kg = Path(sys.executable).parent / "kg"
    first = next(iter(queries.values()))
    process = timed(
        lambda: subprocess.run(
            [str(kg), "--store", cfg.store, "query", "--format", "json", first],
            check=True,
            capture_output=True,
        ),
        max(3, args.runs // 4),
    )

    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    texts = list(queries.values())

    def client(i: int) -> None:
        for k in range(args.requests):
            status = post(url, texts[(i + k) % len(texts)])
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    total = args.clients * args.requests
    return {
        "saved_queries": len(queries),
        "runs_per_query": args.runs,
        "endpoint_ms": {
            "p50": round(statistics.median(all_http), 2),
            "p95": round(_percentile(all_http, 95), 2),
        },
        "kg_query_ms": {
            "p50": round(statistics.median(all_lib), 2),
            "p95": round(_percentile(all_lib, 95), 2),
        },
        "kg_query_process_ms": {"p50": round(statistics.median(process), 1)},
        "concurrent": {
            "clients": args.clients,
            "requests": total,
            "seconds": round(elapsed, 2),
            "requests_per_second": round(total / elapsed, 1),
            "statuses": dict(statuses),
        },
        "per_query": per_query,
    }


if __name__ == "__main__":
    main()
