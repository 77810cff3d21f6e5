"""The same corpus built into each kind of store, measured in one run.

    python -m benchmarks.bench_stores [--articles 2000] [--workers 1] [--runs 5]
        [--stores embedded oxigraph virtuoso] [--json FILE]

For each store: the first `kg build` of a synthetic corpus (benchmarks/corpus.py,
extraction included), an unchanged rebuild, and the saved queries (queries/*.rq,
every row consumed) `--runs` times each after a warm-up, as p50/p95 over all
timings pooled and the median per query. Oxigraph's server (PyPI `oxigraph`) and
Virtuoso (Debian's virtuoso-opensource, the same launcher the tests use) are
started on loopback ports with throwaway databases; Virtuoso keeps its default
ResultSetMaxRows of 10,000, so a saved query whose answer is larger is reported
as capped rather than timed.

Timings are wall-clock on whatever else the machine is doing: compare stores
within one run, and note `uptime` with the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))


@contextlib.contextmanager
def started(kind: str, workdir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """(store location, extra environment) of a running store of `kind`."""
    import helpers_servers

    if kind == "embedded":
        yield str(workdir / "embedded"), {}
    elif kind == "oxigraph":
        with helpers_servers.oxigraph_server(workdir / "oxigraph") as server:
            yield server.url, server.env
    elif kind == "virtuoso":
        why = helpers_servers.virtuoso_missing()
        if why:
            raise SystemExit(why)
        with helpers_servers.virtuoso_server(workdir / "virtuoso") as server:
            yield server.url, server.env
    else:
        raise SystemExit(f"unknown store kind {kind!r}")


def kg_build(store: str, corpus: Path, workers: int, env: dict[str, str]) -> tuple[float, str]:
    """Seconds and summary of one `kg build` as a user runs it."""
    kg = Path(sys.executable).parent / "kg"
    begin = time.perf_counter()
    done = subprocess.run(
        [str(kg), "--store", store, "build", "--workers", str(workers), str(corpus)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - begin
    if done.returncode != 0:
        raise SystemExit(f"kg build into {store} failed: {done.stderr.strip()}")
    return seconds, done.stdout.strip().splitlines()[-1]


def time_queries(store: str, env: dict[str, str], runs: int) -> dict[str, Any]:
    from kg.config import Config, default_queries_dir, store_auth_from
    from kg.errors import StoreError
    from kg.store import open_store

    cfg = Config(store=store, store_auth=store_auth_from({**os.environ, **env}))
    timings: dict[str, list[float]] = {}
    capped: dict[str, str] = {}
    with open_store(cfg) as db:
        for rq in sorted(default_queries_dir().glob("*.rq")):
            text = rq.read_text(encoding="utf-8")
            try:
                for _row in db.query(text):
                    pass
            except StoreError as exc:
                capped[rq.stem] = str(exc)
                continue
            for _ in range(runs):
                begin = time.perf_counter()
                for _row in db.query(text):
                    pass
                timings.setdefault(rq.stem, []).append((time.perf_counter() - begin) * 1000)
    from benchmarks.bench_queries import percentile

    pooled = [t for ts in timings.values() for t in ts]
    return {
        "p50_ms": percentile(pooled, 50),
        "p95_ms": percentile(pooled, 95),
        "median_ms": {k: statistics.median(v) for k, v in timings.items()},
        "failed": capped,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stores", nargs="+", default=["embedded", "oxigraph", "virtuoso"])
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    from benchmarks.corpus import write_corpus

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="kg-bench-stores-") as tmp:
        workdir = Path(tmp)
        corpus = workdir / "corpus"
        write_corpus(args.articles, corpus)
        for kind in args.stores:
            with started(kind, workdir) as (store, env):
                first, summary = kg_build(store, corpus, args.workers, env)
                again, _ = kg_build(store, corpus, args.workers, env)
                results[kind] = {
                    "first_build_s": first,
                    "rebuild_s": again,
                    "summary": summary,
                    **time_queries(store, env, args.runs),
                }
            print(f"{kind}: done", file=sys.stderr)
    print(f"{args.articles} synthetic articles, {args.workers} worker(s), "
          f"{args.runs} runs per saved query, load {os.getloadavg()[0]:.1f}\n")
    print("| store | first build (s) | unchanged rebuild (s) | queries p50 (ms) | p95 (ms) |")
    print("|---|---|---|---|---|")
    for kind, r in results.items():
        print(
            f"| {kind} | {r['first_build_s']:.1f} | {r['rebuild_s']:.1f} | "
            f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} |"
        )
    for kind, r in results.items():
        for name, why in r["failed"].items():
            print(f"\n{kind}: {name} not timed: {why}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
