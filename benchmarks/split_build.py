"""Split one `kg build` into model-bound extraction and the serial rest.

Why: the 2-worker speedup is capped by whatever runs after extraction in one
process (resolution, RDF, the store write). Timestamping the extraction stream
through build's progress callback shows that serial share without a profiler.

    python -m benchmarks.split_build CORPUS STORE --workers 2

STORE is deleted first: this always measures a first build.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("store", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)

    from kg.build.runner import build
    from kg.config import Config

    shutil.rmtree(args.store, ignore_errors=True)
    marks: dict[str, float] = {}
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter() - started
        if stage != "extract":  # the build also reports its write stage
            marks.setdefault("write_started", now)
            return
        marks.setdefault("first", now)
        marks["last"] = now

    report = build(
        [args.corpus], Config(store=str(args.store), workers=args.workers), progress=progress
    )
    total = time.perf_counter() - started
    last = marks.get("last", total)
    print(
        f"workers={args.workers} items={report.articles} total={total:.1f}s "
        f"first_result={marks.get('first', total):.1f}s extraction_done={last:.1f}s "
        f"after_extraction={total - last:.1f}s "
        f"write_started={marks.get('write_started', total):.1f}s"
    )


if __name__ == "__main__":
    main()
