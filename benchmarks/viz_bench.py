"""How fast does the network page open and settle at 400, 1,000 and 5,000 entities? (A benchmark.)

For each size it builds a synthetic cluster-news graph in the fixed RDF shape
(tests/helpers_network.py), loads it from an in-memory Oxigraph store, renders
the page, then opens it in offline headless Chromium several times, each in a
fresh browser so no compiled-script cache flatters the numbers. Reported per
size, as medians:

- python: store -> graph (load_network) and graph -> HTML (render, incl. layout);
- first draw: ms from navigation start to vis-network's first "afterDrawing";
- settled: ms from navigation start to a layout that no longer moves (the page
  opens on a precomputed layout with physics off, so this is the first draw;
  it would be later if anything were still moving);
- re-layout: ms from switching on the Person layer (a filter change) to the
  end of the bounded physics that re-lays out what is shown;
- wheel frame: ms from a mouse-wheel zoom to the next frame, what a user
  feels (big maps hide edges while zooming or dragging);
- full frame: ms to redraw everything (edges and labels included) once zoomed in;
- the file size, and how many entities the opening view shows.

Run: .venv/bin/python benchmarks/viz_bench.py [--sizes 400 1000 5000] [--runs 3] [--json FILE]
Needs Debian's chromium (apt-get install -y chromium).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

WHEEL_FRAME = """new Promise(resolve => {
  const canvas = document.querySelector('#network canvas');
  const box = canvas.getBoundingClientRect();
  const t = performance.now();
  kgPage.network.once('afterDrawing', () => resolve(performance.now() - t));
  canvas.dispatchEvent(new WheelEvent('wheel', {deltaY: -120, bubbles: true, cancelable: true,
    clientX: box.left + box.width / 2, clientY: box.top + box.height / 2}));
})"""

RELAYOUT = """new Promise(resolve => {
  const t = performance.now();
  document.querySelector('input[data-filter=classes][value=Person]').click();
  const wait = () => (kgPage.timing.relayoutEnd !== null && kgPage.timing.relayoutEnd > t)
    ? resolve(kgPage.timing.relayoutEnd - t) : setTimeout(wait, 20);
  wait();
})"""

ZOOM_FRAME = """new Promise(resolve => {
  const net = kgPage.network;
  const t = performance.now();
  net.once('afterDrawing', () => resolve(performance.now() - t));
  net.moveTo({scale: net.getScale() * 1.6});
})"""


def bench_size(n: int, runs: int, workdir: Path) -> dict[str, float | int | str]:
    # The graph generator and the CDP client are shared with the tests.
    sys.path[:0] = [str(REPO / "tests"), str(REPO)]
    from helpers_browser import Browser
    from helpers_network import synthetic_corpus

    from kg.view.network import load_network
    from kg.view.viz import render

    store = synthetic_corpus(n).store()
    loads, renders = [], []
    for _ in range(runs):
        t = time.perf_counter()
        graph = load_network(store)
        loads.append(time.perf_counter() - t)
    page = workdir / f"network-{n}.html"
    report = None
    for _ in range(runs):
        t = time.perf_counter()
        report = render(graph, page)
        renders.append(time.perf_counter() - t)
    assert report is not None
    first_draws, settles, relayouts, wheels, zooms = [], [], [], [], []
    for _ in range(runs):
        with Browser(width=1600, height=1000, timeout=120) as browser:
            browser.open(page)
            browser.wait_for("window.kgPage && kgPage.timing.stabilized !== null", timeout=120)
            first_draws.append(browser.evaluate("kgPage.timing.firstDraw"))
            settles.append(browser.evaluate("kgPage.timing.stabilized"))
            relayouts.append(browser.evaluate(RELAYOUT))
            zooms.append(browser.evaluate(ZOOM_FRAME))
            browser.evaluate("kgPage.network.fit({animation: false})")
            # The first wheel frame pays one-off costs; a user scrolls several times.
            frames = [browser.evaluate(WHEEL_FRAME) for _ in range(6)]
            wheels.append(statistics.median(frames[1:]))
            errors = browser.console_errors()
            if errors:
                raise SystemExit(f"page at {n} nodes logged errors: {errors[:3]}")
    return {
        "nodes": report.nodes,
        "edges": report.edges,
        "layout": report.layout,
        "bytes": report.bytes,
        "load_s": statistics.median(loads),
        "render_s": statistics.median(renders),
        "opening": report.opening,
        "first_draw_ms": statistics.median(first_draws),
        "first_draw_max_ms": max(first_draws),
        "settled_ms": statistics.median(settles),
        "relayout_ms": statistics.median(relayouts),
        "wheel_frame_ms": statistics.median(wheels),
        "full_frame_ms": statistics.median(zooms),
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[400, 1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="kg-viz-bench-") as tmp:
        for n in args.sizes:
            results.append(bench_size(n, args.runs, Path(tmp)))
    header = (
        f"{'nodes':>6} {'edges':>6} {'opens':>6} {'MB':>5} {'load s':>7} {'render s':>8} "
        f"{'first draw ms':>14} {'(max)':>6} {'settled ms':>11} {'re-layout ms':>13} "
        f"{'wheel ms':>9} {'full ms':>8}"
    )
    print(header)
    for r in results:
        print(
            f"{r['nodes']:>6} {r['edges']:>6} {r['opening']:>6} {r['bytes'] / 1e6:>5.1f} "
            f"{r['load_s']:>7.2f} {r['render_s']:>8.2f} {r['first_draw_ms']:>14.0f} "
            f"{r['first_draw_max_ms']:>6.0f} {r['settled_ms']:>11.0f} {r['relayout_ms']:>13.0f} "
            f"{r['wheel_frame_ms']:>9.0f} {r['full_frame_ms']:>8.0f}"
        )
    print(
        f"medians of {args.runs} runs at 1600x1000; first draw and settled from navigation start; "
        "re-layout after switching on the Person layer"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
