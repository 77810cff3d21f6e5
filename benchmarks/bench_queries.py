"""Latency of every saved query (queries/*.rq) on an existing store.

    python -m benchmarks.bench_queries STORE [--runs 5] [--queries DIR] [--only NAME ...]

Each query is run `--runs` times as `kg query` runs it (read-only store, default
graph = union of all graphs) with every result row consumed, after one untimed
warm-up run that also counts the rows. It prints a Markdown table with the
median per query, then p50 and p95 over the per-query medians (linear
interpolation between ranks) and over all timings pooled (the form
`bench_build` reports). A query whose warm-up takes longer than `--slow`
seconds is timed once more instead of `--runs` times, so a 2-minute query does
not hold the machine for 10.

The store is opened read-only, so this can run next to other readers; it
measures latency, so note the machine load (`uptime`) with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def time_query(db: object, text: str, runs: int, slow_s: float) -> tuple[int, list[float]]:
    """(rows, timings in ms) of `runs` timed runs after one untimed warm-up run."""
    started = time.perf_counter()
    rows = sum(1 for _ in db.query(text))  # type: ignore[attr-defined]
    warm_s = time.perf_counter() - started
    timings = []
    for _ in range(1 if warm_s > slow_s else runs):
        started = time.perf_counter()
        for _row in db.query(text):  # type: ignore[attr-defined]
            pass
        timings.append((time.perf_counter() - started) * 1000)
    return rows, timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", help="an existing kg store directory")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (default 5)")
    parser.add_argument("--queries", default=str(REPO / "queries"), help="folder of .rq files")
    parser.add_argument("--only", nargs="*", default=[], help="query names (file stems) to run")
    parser.add_argument("--slow", type=float, default=20.0, help="seconds; see the module doc")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    from kg.config import Config
    from kg.store import open_store

    files = sorted(Path(args.queries).glob("*.rq"))
    if args.only:
        files = [f for f in files if f.stem in args.only]
    load = os.getloadavg()
    print(f"store {args.store}, {args.runs} runs, load average {load[0]:.2f} {load[1]:.2f}")
    results: dict[str, dict[str, object]] = {}
    with open_store(Config(store=args.store), create=False) as db:
        for rq in files:
            rows, timings = time_query(db, rq.read_text(encoding="utf-8"), args.runs, args.slow)
            median = statistics.median(timings)
            results[rq.stem] = {"rows": rows, "ms": timings, "median_ms": median}

    print()
    print("| query | rows | median ms | runs |")
    print("|---|---|---|---|")
    for name, r in results.items():
        ms = r["ms"]
        assert isinstance(ms, list)
        print(f"| {name} | {r['rows']} | {r['median_ms']:.1f} | {len(ms)} |")
    medians = [float(r["median_ms"]) for r in results.values()]  # type: ignore[arg-type]
    pooled = [t for r in results.values() for t in r["ms"]]  # type: ignore[union-attr]
    print()
    print(
        f"over the {len(medians)} query medians: p50 {percentile(medians, 50):.1f} ms, "
        f"p95 {percentile(medians, 95):.1f} ms"
    )
    print(
        f"over all {len(pooled)} timings pooled: p50 {percentile(pooled, 50):.1f} ms, "
        f"p95 {percentile(pooled, 95):.1f} ms"
    )
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.2f} {load[1]:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
