"""The network page on a year of news: every gold set built into one store, opened in Chromium.

What a cluster manager sees, checked the way they would see it: the opening
view has no stray isolated entities, a relation filter leaves no entity
hanging without a line (the option is on by default) and the header counts
follow, a click centres the entity and dims what is not its neighbourhood,
Escape restores, and the address of a view opens that view again. No
console error and no request leaves the page. Screenshots land in
tests/output/ for a look by eye. No name from the gold sets appears here:
entities are picked by their figures (the most connected one).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers_browser import Browser
from test_browser_viz import OUTPUT, assert_offline_and_clean, click_node

from kg.config import Config
from kg.store import open_store
from kg.view.viz import render

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
GOLD_DIRS = [REPO / "data" / d for d in ("articles", "dev", "test", "holdout", "final", "blind")]

#: vis' own view of the map: nodes drawn with no drawn edge.
EDGELESS = """(() => {
  const b = kgPage.network.body;
  const linked = new Set();
  b.edgeIndices.forEach(id => { linked.add(b.edges[id].fromId); linked.add(b.edges[id].toId); });
  return b.nodeIndices.filter(id => !linked.has(id)).length;
})()"""

COUNTS = """(() => {
  const s = document.getElementById('summary');
  return [Number(s.dataset.nodes), Number(s.dataset.relations),
          kgPage.network.body.nodeIndices.length, s.textContent];
})()"""

#: The best-connected entity on the map and its visible neighbourhood.
HUB = """(() => {
  const vis = kgPage.visibleNodes(), edges = kgPage.visibleEdges();
  const near = new Map();
  edges.forEach(id => {
    const e = kgPage.edgeById.get(id);
    [[e.from, e.to], [e.to, e.from]].forEach(([a, b]) => {
      if (!near.has(a)) near.set(a, new Set([a]));
      near.get(a).add(b);
    });
  });
  let best = null;
  near.forEach((set, id) => { if (best === null || set.size > near.get(best).size) best = id; });
  return [best, Array.from(near.get(best)), vis.size];
})()"""


#: A point of the map with neither a node nor a line under it, in page coordinates.
EMPTY_SPOT = """(() => {
  const net = kgPage.network, box = document.getElementById('network').getBoundingClientRect();
  for (let y = 20; y < box.height; y += 23) {
    for (let x = 20; x < box.width; x += 23) {
      if (net.getNodeAt({x, y}) === undefined && net.getEdgeAt({x, y}) === undefined) {
        return [box.left + x, box.top + y];
      }
    }
  }
  return null;
})()"""


@pytest.fixture(scope="module")
def gold_page(tmp_path_factory: pytest.TempPathFactory, nlp) -> Path:  # nlp: spacy.Language
    from kg.build.runner import Stages, build

    base = tmp_path_factory.mktemp("gold")
    location = str(base / "store")
    build(GOLD_DIRS, Config(store=location), stages=Stages(load_pipeline=lambda cfg: nlp))
    path = base / "network.html"
    with open_store(Config(store=location)) as store:
        render(store, path)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(width=1600, height=1000) as b:
        yield b


def open_fresh(browser: Browser, path: Path, fragment: str = "") -> None:
    """A new document every time: a fragment-only navigation would keep the old page."""
    browser.send("Page.navigate", {"url": "about:blank"})
    browser.wait_for("location.href === 'about:blank'")
    browser.events.clear()
    url = path.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    browser.send("Page.navigate", {"url": url})
    browser.wait_for("window.kgPage && kgPage.timing.stabilized !== null")


def settle(browser: Browser) -> None:
    """Wait for the re-layout a filter change starts (bounded physics, then off)."""
    browser.wait_for(
        "kgPage.timing.relayoutEnd !== null && !kgPage.network.physics.options.enabled", 60
    )


def untick_all_relations_but(browser: Browser, keep: str) -> None:
    browser.evaluate(
        f"""document.querySelectorAll('input[data-filter=relations]').forEach(b => {{
          if ((b.value === {keep!r}) !== b.checked) b.click();
        }})"""
    )
    settle(browser)


def test_opening_view_has_no_isolated_entity(browser: Browser, gold_page: Path) -> None:
    open_fresh(browser, gold_page)
    shown, _relations, drawn, _text = browser.evaluate(COUNTS)
    total = browser.evaluate("kgPage.data.nodes.length")
    assert 0 < shown == drawn < total
    assert browser.evaluate(EDGELESS) == 0
    hidden = browser.evaluate("kgPage.counts().edgelessHidden")
    assert hidden > 0
    note = browser.evaluate("document.getElementById('show-edgeless').textContent")
    assert note.startswith(f"{hidden} entities without a visible link hidden")
    # No place or person is drawn in the first view: they are layers.
    classes = browser.evaluate(
        "Array.from(kgPage.visibleNodes()).flatMap(id => kgPage.nodeById.get(id).classes)"
    )
    assert "Place" not in classes and "Person" not in classes
    assert browser.evaluate("kgPage.labelsDrawn()") >= 20
    OUTPUT.mkdir(exist_ok=True)
    browser.screenshot(OUTPUT / "network-gold.png")
    browser.evaluate("document.getElementById('show-edgeless').click()")
    assert browser.evaluate(COUNTS)[0] == shown + hidden
    assert_offline_and_clean(browser)


def test_a_relation_filter_leaves_no_edgeless_entity_and_recounts(
    browser: Browser, gold_page: Path
) -> None:
    open_fresh(browser, gold_page)
    before = browser.evaluate(COUNTS)
    untick_all_relations_but(browser, "fundedBy")
    shown, relations, drawn, text = browser.evaluate(COUNTS)
    assert browser.evaluate(EDGELESS) == 0
    assert 0 < shown == drawn < before[0] and 0 < relations < before[1]
    assert text != before[3] and text.startswith(f"{shown} of ")
    relations_drawn = browser.evaluate(
        "kgPage.network.body.edgeIndices.map(id => kgPage.edgeById.get(Number(id)).relation)"
    )
    assert set(relations_drawn) == {"fundedBy"}
    assert browser.evaluate("kgPage.timing.relayouts") >= 1
    # With the option off, the entities left without a line come back.
    browser.evaluate("document.getElementById('keep-edgeless').click()")
    assert browser.evaluate(COUNTS)[0] > shown
    # Reset brings back the opening view on its precomputed layout, not a drifted one
    # (getPositions rounds to whole pixels, hence the tolerance).
    browser.evaluate("document.getElementById('reset').click()")
    settle(browser)
    assert browser.evaluate(COUNTS) == before
    moved = browser.evaluate(
        """(() => {
          const pos = kgPage.network.getPositions();
          return kgPage.data.vis.nodes.filter(v => pos[v.id] &&
            Math.hypot(pos[v.id].x - v.x, pos[v.id].y - v.y) > 1.5).length;
        })()"""
    )
    assert moved == 0
    assert browser.evaluate("location.hash") == ""
    assert_offline_and_clean(browser)


def test_a_date_range_counts_undated_facts(browser: Browser, gold_page: Path) -> None:
    open_fresh(browser, gold_page)
    before = browser.evaluate(COUNTS)
    low, high = browser.evaluate("kgPage.data.dateRange")
    browser.evaluate(
        f"""(() => {{
          const from = document.getElementById('date-from');
          from.value = {high[:4] + "-01-01"!r};
          from.dispatchEvent(new Event('change'));
        }})()"""
    )
    settle(browser)
    after = browser.evaluate(COUNTS)
    assert after[1] < before[1] and browser.evaluate(EDGELESS) == 0
    undated = browser.evaluate("kgPage.counts().undated")
    note = browser.evaluate("document.getElementById('undated-note').textContent")
    if undated:
        assert note.startswith(f"{undated} fact") and note.endswith("(kept)")
        browser.evaluate("document.getElementById('keep-undated').click()")
        settle(browser)
        assert browser.evaluate(COUNTS)[1] < after[1]
    assert low <= high
    assert_offline_and_clean(browser)


def test_a_click_centres_highlights_and_dims_and_escape_restores(
    browser: Browser, gold_page: Path
) -> None:
    open_fresh(browser, gold_page)
    hub, near, shown = browser.evaluate(HUB)
    click_node(browser, hub)
    browser.wait_for("!document.getElementById('panel').hidden")
    assert browser.evaluate("kgPage.network.getSelectedNodes()") == [hub]
    assert browser.evaluate("kgPage.dimmed().nodes") == shown - len(near)
    opacity = browser.evaluate(
        "Object.fromEntries(kgPage.nodes.get().map(n => [n.id, n.opacity ?? 1]))"
    )
    assert all(opacity[str(n)] == 1 for n in near)
    dim = [
        v
        for k, v in opacity.items()
        if int(k) not in near and int(k) in browser.evaluate("Array.from(kgPage.visibleNodes())")
    ]
    assert dim and max(dim) < 0.5
    assert browser.evaluate("document.querySelectorAll('#panel-body .sentence').length") > 0
    time.sleep(0.6)  # the centring animation
    off_centre = browser.evaluate(
        f"""(() => {{
          const net = kgPage.network;
          const box = document.getElementById('network').getBoundingClientRect();
          const p = net.canvasToDOM(net.getPosition({hub}));
          return [Math.abs(p.x - box.width / 2) / box.width,
                  Math.abs(p.y - box.height / 2) / box.height];
        }})()"""
    )
    assert max(off_centre) < 0.1
    browser.screenshot(OUTPUT / "network-gold-selected.png")
    browser.press_escape()
    assert browser.evaluate("kgPage.dimmed().nodes") == 0
    assert browser.evaluate("document.getElementById('panel').hidden") is True
    # A click on the background restores too.
    click_node(browser, hub)
    browser.wait_for("kgPage.dimmed().nodes > 0")
    x, y = browser.evaluate(EMPTY_SPOT)
    browser.click(x, y)
    browser.wait_for("kgPage.dimmed().nodes === 0")
    assert browser.evaluate("kgPage.network.getSelectedNodes()") == []
    assert (
        browser.evaluate(
            "kgPage.nodes.get().filter(n => n.opacity !== undefined && n.opacity < 1).length"
        )
        == 0
    )
    assert_offline_and_clean(browser)


def test_a_search_result_is_selected_like_a_click(browser: Browser, gold_page: Path) -> None:
    open_fresh(browser, gold_page)
    hub, near, shown = browser.evaluate(HUB)
    label = browser.evaluate(f"kgPage.nodeById.get({hub}).label")
    browser.evaluate("document.getElementById('search').focus()")
    browser.type_text(label)
    browser.press_enter()
    assert browser.evaluate("kgPage.network.getSelectedNodes()") == [hub]
    assert browser.evaluate("kgPage.dimmed().nodes") == shown - len(near)
    assert_offline_and_clean(browser)


def test_the_fragment_restores_a_view(browser: Browser, gold_page: Path) -> None:
    open_fresh(browser, gold_page)
    untick_all_relations_but(browser, "participatesIn")
    hub, _near, _shown = browser.evaluate(HUB)
    browser.evaluate(f"kgPage.select({hub})")
    fragment = browser.evaluate("location.hash.slice(1)")
    assert "relations=participatesIn" in fragment and "focus=" in fragment
    want = browser.evaluate(COUNTS)
    open_fresh(browser, gold_page, fragment)
    assert browser.evaluate(COUNTS) == want
    assert browser.evaluate("kgPage.network.getSelectedNodes()") == [hub]
    assert browser.evaluate("kgPage.dimmed().nodes") > 0
    boxes = browser.evaluate(
        "Array.from(document.querySelectorAll('input[data-filter=relations]'))"
        ".filter(b => b.checked).map(b => b.value)"
    )
    assert boxes == ["participatesIn"]
    # A broken fragment falls back to what it can read, never to an error.
    open_fresh(browser, gold_page, "relations=nope&from=yesterday&focus=%3Cscript%3E")
    assert browser.evaluate("kgPage.visibleNodes().size") == 0
    assert_offline_and_clean(browser)
