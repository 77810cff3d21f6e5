"""How close `kg build` runs to the speed of the bare spaCy model, on the same texts.

The model is the floor of a build's cost, so the one number that says whether
everything around it (ingest, rules, resolution, RDF, store writes) is cheap is
the ratio of `kg build` throughput to bare `nlp.pipe` throughput of the same
statistical pipeline with the same number of processes. This script measures
both in ONE run on the SAME synthetic corpus, plus peak RSS, store size, the
time of a rebuild of the unchanged corpus, and saved-query latencies on the
built store. Every measurement runs in a fresh child process, so one
measurement's memory and warm caches never flatter another's; figures are
medians over `--runs`.

    python -m benchmarks.bench_build --articles 2000 --workers 1 --runs 3

Results go to benchmarks/results/ (JSON, gitignored); a Markdown table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO / "benchmarks" / "results"
#: Runs per saved query when timing query latency on the built store.
QUERY_REPEATS = 5


class TreeMemory:
    """Peak resident memory of this process and all its descendants together, in MiB.

    `ru_maxrss` of RUSAGE_CHILDREN only sees children that were waited for, and a
    worker pool started through a forkserver is not a child of the build at all,
    so it would leave out exactly the model-holding workers. Instead /proc is
    sampled a few times a second and the resident sets of the whole tree are
    summed; a short peak between samples can be missed, a worker cannot.
    """

    INTERVAL = 0.2

    def __init__(self) -> None:
        import threading

        self.peak_kib = 0
        self._cpu_ticks: dict[int, int] = {}
        self._before: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._sample()
        self._before = dict(self._cpu_ticks)  # what the tree had spent before the region
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def peak_mb(self) -> float:
        return self.peak_kib / 1024

    @property
    def cpu_seconds(self) -> float:
        """CPU time (user + system) of every process of the tree, as last sampled.

        Includes threads; a process's last fraction of a sampling interval before
        it exits is missed. With one worker this tells a build that overlaps
        threads on two cores from one that does not.
        """
        spent = sum(t - self._before.get(pid, 0) for pid, t in self._cpu_ticks.items())
        return spent / os.sysconf("SC_CLK_TCK")

    def _run(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            self._sample()

    def _sample(self) -> None:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        ticks: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                pid = int(stat.parent.name)
                parents[pid] = int(fields[1])
                rss[pid] = int(fields[21]) * (resource.getpagesize() // 1024)
                ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
            except (OSError, IndexError, ValueError):
                continue  # the process ended while /proc was read
        tree, frontier = {os.getpid()}, [os.getpid()]
        while frontier:
            parent = frontier.pop()
            for pid, ppid in parents.items():
                if ppid == parent and pid not in tree:
                    tree.add(pid)
                    frontier.append(pid)
        self.peak_kib = max(self.peak_kib, sum(rss.get(pid, 0) for pid in tree))
        for pid in tree:
            if pid in ticks:
                self._cpu_ticks[pid] = max(self._cpu_ticks.get(pid, 0), ticks[pid])


def _dir_size_mb(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return total / (1024 * 1024)


def _words(corpus: Path) -> tuple[int, int, list[str]]:
    """Item count, word count and texts exactly as `kg build` sees them (after ingest)."""
    from kg.ingest import read_inputs

    articles, _skipped = read_inputs([corpus])
    texts = [a.text for a in articles]
    return len(articles), sum(a.word_count for a in articles), texts


# -- child measurements (each runs in its own process) ----------------------------


def child_bare(corpus: Path, workers: int) -> dict[str, Any]:
    """Bare `nlp.pipe`: the same statistical pipeline load_pipeline starts from, no kg parts."""
    import spacy

    from kg.config import DEFAULT_MODELS, Config

    cfg = Config()
    _items, words, texts = _words(corpus)
    nlp = None
    for name in DEFAULT_MODELS:
        try:
            nlp = spacy.load(name, exclude=["senter"])  # as kg.nlp.pipeline.load_pipeline does
            break
        except OSError:
            continue
    if nlp is None:
        raise SystemExit(f"none of {DEFAULT_MODELS} is installed")
    with TreeMemory() as memory:
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=cfg.batch_size, n_process=workers):
            pass
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "words": words,
        "peak_rss_mb": memory.peak_mb,
        "cpu_seconds": memory.cpu_seconds,
    }


def child_build(corpus: Path, store: Path, workers: int) -> dict[str, Any]:
    """One `kg build` through the library call the CLI makes (model loading included)."""
    from kg.build.runner import build
    from kg.config import Config

    with TreeMemory() as memory:
        started = time.perf_counter()
        report = build([corpus], Config(store=str(store), workers=workers))
        seconds = time.perf_counter() - started
    import kg

    return {
        "kg": kg.__file__,
        "seconds": seconds,
        "articles": report.articles,
        "extracted": report.extracted,
        "entities": report.entities,
        "triples": report.triples,
        "peak_rss_mb": memory.peak_mb,
        "cpu_seconds": memory.cpu_seconds,
    }


def child_queries(store: Path) -> dict[str, Any]:
    """Latency of every saved query (queries/*.rq) on the built store, results consumed."""
    from kg.config import Config
    from kg.store import open_store

    cfg = Config(store=str(store))
    timings: dict[str, list[float]] = {}
    with open_store(cfg) as db:
        for rq in sorted(Path(cfg.queries_dir).glob("*.rq")):
            text = rq.read_text(encoding="utf-8")
            for _ in range(QUERY_REPEATS):
                started = time.perf_counter()
                result = db.query(text)
                for _row in result:
                    pass
                timings.setdefault(rq.stem, []).append((time.perf_counter() - started) * 1000)
    return {"ms": timings}


def snapshot(workdir: Path) -> Path:
    """Copy kg/ and the data it reads, so edits to the checkout cannot change a running benchmark.

    The build cache is keyed by a fingerprint of kg's code; an edit between the
    first build and the rebuild would otherwise turn the "unchanged rebuild"
    into a full one.
    """
    src = workdir / "src"
    shutil.rmtree(src, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "kg", src / "kg", ignore=ignore)
    for folder in ("data/lexicon", "ontology", "queries"):
        shutil.copytree(REPO / folder, src / folder, ignore=ignore)
    return src


def _run_child(kind: str, src: Path | None, **kwargs: Any) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter importing kg from `src` (a snapshot)."""
    spec = json.dumps({"kind": kind, **{k: str(v) for k, v in kwargs.items()}})
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), str(REPO)])
    # `-m` puts the working directory first on sys.path: it must be the snapshot,
    # or kg would be imported from the checkout after all.
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_build", "--child", spec],
        capture_output=True,
        text=True,
        check=False,
        cwd=src if src is not None else REPO,
        env=env,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} measurement failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _child_main(spec_text: str) -> None:
    spec = json.loads(spec_text)
    kind = spec["kind"]
    if kind == "bare":
        out = child_bare(Path(spec["corpus"]), int(spec["workers"]))
    elif kind == "build":
        out = child_build(Path(spec["corpus"]), Path(spec["store"]), int(spec["workers"]))
    elif kind == "queries":
        out = child_queries(Path(spec["store"]))
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    print(json.dumps(out))


# -- the benchmark ---------------------------------------------------------------------


def run_once(
    corpus: Path,
    workdir: Path,
    workers: int,
    index: int,
    src: Path | None,
    *,
    words: int,
    bare_too: bool = True,
) -> dict[str, Any]:
    """bare pipe, first build, unchanged rebuild (same store), saved queries."""
    store = workdir / f"store-{index}"
    shutil.rmtree(store, ignore_errors=True)
    bare = _run_child("bare", src, corpus=corpus, workers=workers) if bare_too else None
    first = _run_child("build", src, corpus=corpus, store=store, workers=workers)
    size = _dir_size_mb(store)
    rebuild = _run_child("build", src, corpus=corpus, store=store, workers=workers)
    queries = _run_child("queries", src, store=store)
    shutil.rmtree(store, ignore_errors=True)
    measured = {
        "build_seconds": first["seconds"],
        "build_words_per_s": words / first["seconds"],
        "build_articles_per_s": first["articles"] / first["seconds"],
        "build_peak_rss_mb": first["peak_rss_mb"],
        "build_cpu_seconds": first["cpu_seconds"],
        "store_mb": size,
        "rebuild_seconds": rebuild["seconds"],
        "rebuild_share": rebuild["seconds"] / first["seconds"],
        "rebuild_extracted": rebuild["extracted"],  # must be 0: nothing changed
        "kg_imported_from": first["kg"],
        "entities": first["entities"],
        "triples": first["triples"],
        "query_ms": queries["ms"],
    }
    if bare is not None:
        measured["bare_seconds"] = bare["seconds"]
        measured["bare_words_per_s"] = words / bare["seconds"]
        measured["bare_peak_rss_mb"] = bare["peak_rss_mb"]
        measured["bare_cpu_seconds"] = bare["cpu_seconds"]
        measured["cpu_ratio"] = bare["cpu_seconds"] / first["cpu_seconds"]
        measured["ratio"] = bare["seconds"] / first["seconds"]
    return measured


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [k for k, v in runs[0].items() if isinstance(v, int | float)]
    summary: dict[str, Any] = {k: _median(runs, k) for k in keys}
    per_query: dict[str, list[float]] = {}
    for run in runs:
        for name, values in run["query_ms"].items():
            per_query.setdefault(name, []).extend(values)
    summary["queries"] = {
        name: {"p50_ms": _percentile(v, 0.5), "p95_ms": _percentile(v, 0.95)}
        for name, v in sorted(per_query.items())
    }
    every = [x for v in per_query.values() for x in v]
    summary["query_p50_ms"] = _percentile(every, 0.5) if every else 0.0
    summary["query_p95_ms"] = _percentile(every, 0.95) if every else 0.0
    return summary


def markdown(meta: dict[str, Any], s: dict[str, Any]) -> str:
    def bare(key: str, spec: str) -> str:
        return format(s[key], spec) if key in s else "not measured (--skip-bare)"

    rows = [
        ("pages / items / words", f"{meta['pages']} / {meta['items']} / {meta['words']}", ""),
        ("bare nlp.pipe words/s", bare("bare_words_per_s", ".0f"), ""),
        ("kg build words/s", f"{s['build_words_per_s']:.0f}", ""),
        ("kg build items/s", f"{s['build_articles_per_s']:.1f}", ""),
        ("build / bare throughput", bare("ratio", ".2f"), ">= 0.85"),
        ("first build s", f"{s['build_seconds']:.1f}", ""),
        (
            "CPU s bare / kg build (process tree)",
            f"{bare('bare_cpu_seconds', '.1f')} / {s['build_cpu_seconds']:.1f}",
            "",
        ),
        ("bare CPU / build CPU", bare("cpu_ratio", ".2f"), ""),
        ("rebuild (unchanged) s", f"{s['rebuild_seconds']:.2f}", ""),
        ("rebuild / first build", f"{s['rebuild_share'] * 100:.1f} %", "< 3 %"),
        ("peak RSS kg build MiB (process tree)", f"{s['build_peak_rss_mb']:.0f}", ""),
        ("peak RSS bare pipe MiB (process tree)", bare("bare_peak_rss_mb", ".0f"), ""),
        ("store size MiB", f"{s['store_mb']:.1f}", ""),
        ("saved queries p50 / p95 ms", f"{s['query_p50_ms']:.1f} / {s['query_p95_ms']:.1f}", ""),
    ]
    head = (
        f"workers={meta['workers']}, runs={meta['runs']} (medians), seed={meta['seed']}, "
        f"cpus={meta['cpus']}\n\n| metric | value | target |\n|---|---|---|\n"
    )
    return head + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="synthetic pages")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temp dir")
    parser.add_argument(
        "--no-snapshot", action="store_true", help="import kg from the checkout, not a copy"
    )
    parser.add_argument(
        "--skip-bare",
        action="store_true",
        help="measure kg build only (the 20,000-page targets are memory and queries)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child_main(args.child)
        return

    from benchmarks.corpus import write_corpus

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    corpus = workdir / f"corpus-{args.articles}-{args.seed}"
    if not corpus.is_dir():
        write_corpus(args.articles, corpus, args.seed)
    src = None if args.no_snapshot else snapshot(workdir)
    items, words, _texts = _words(corpus)
    runs = []
    for index in range(args.runs):
        run = run_once(
            corpus, workdir, args.workers, index, src, words=words, bare_too=not args.skip_bare
        )
        against = (
            f"bare {run['bare_words_per_s']:.0f} w/s, ratio {run['ratio']:.2f}, "
            if "ratio" in run
            else "bare not measured, "
        )
        print(
            f"run {index + 1}/{args.runs}: {against}build {run['build_words_per_s']:.0f} w/s, "
            f"rebuild {run['rebuild_seconds']:.2f} s, peak RSS {run['build_peak_rss_mb']:.0f} MiB",
            file=sys.stderr,
            flush=True,
        )
        runs.append(run)
    meta = {
        "pages": args.articles,
        "items": items,
        "words": words,
        "workers": args.workers,
        "runs": args.runs,
        "seed": args.seed,
        "cpus": len(os.sched_getaffinity(0)),
        "load_average": os.getloadavg(),
        "command": "python -m benchmarks.bench_build " + " ".join(sys.argv[1:]),
    }
    summary = summarise(runs)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"build-{args.articles}-w{args.workers}.json"
    out.write_text(json.dumps({"meta": meta, "summary": summary, "runs": runs}, indent=2))
    print(markdown(meta, summary))
    print(f"\n(results: {out})")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
