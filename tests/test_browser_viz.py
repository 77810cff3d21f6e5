"""The network page as a person meets it: opened from disk in headless Chromium, offline.

Drives Debian's chromium over the DevTools pipe (tests/helpers_browser.py).
Checks what a cluster manager would: the page draws every entity and relation
without errors or requests, the search finds a name and focuses it, a click
opens the panel with the evidence sentence and its article, filters hide what
they should. A screenshot lands in tests/output/ for a human look.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers_browser import Browser
from helpers_network import ShapeBuilder, small_corpus, synthetic_corpus

from kg.view.network import load_network
from kg.view.viz import render

# No skip when chromium is missing: `make test` installs it, and a browser test
# that silently does not run would hide a broken page.
pytestmark = pytest.mark.browser

OUTPUT = Path(__file__).resolve().parent / "output"
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(width=1400, height=900) as b:
        yield b


def open_page(browser: Browser, path: Path) -> None:
    browser.events.clear()
    browser.open(path)
    browser.wait_for("window.kgPage && window.kgPage.timing.firstDraw !== null")


def node_id(browser: Browser, label: str) -> int:
    found = browser.evaluate(
        f"kgPage.nodes.get({{filter: n => n.label === {label!r}}}).map(n => n.id)"
    )
    assert len(found) == 1, f"{label!r} is not exactly one node"
    return found[0]


def click_node(browser: Browser, nid: int) -> None:
    x, y = browser.evaluate(
        f"""(() => {{
          const net = kgPage.network;
          const dom = net.canvasToDOM(net.getPosition({nid}));
          const box = document.getElementById('network').getBoundingClientRect();
          return [box.left + dom.x, box.top + dom.y];
        }})()"""
    )
    browser.click(x, y)


def assert_offline_and_clean(browser: Browser) -> None:
    browser.pump(0.3)
    assert browser.console_errors() == []
    external = [u for u in browser.requested_urls() if not u.startswith(LOCAL_SCHEMES)]
    assert external == []


@pytest.fixture(scope="module")
def small_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("viz") / "network.html"
    render(small_corpus().store(), path, hedged=True)
    return path


def view_counts(browser: Browser) -> list[int]:
    return browser.evaluate(
        "[kgPage.nodesView.length, kgPage.edgesView.length,"
        " kgPage.network.body.nodeIndices.length, kgPage.network.body.edgeIndices.length]"
    )


def test_page_opens_on_linked_organisations_offline(browser: Browser, small_page: Path) -> None:
    open_page(browser, small_page)
    assert browser.evaluate("[kgPage.nodes.length, kgPage.edges.length]") == [12, 13]
    # 8 organisations with a link; 7 relations between them and 2 shared links.
    assert view_counts(browser) == [8, 9, 8, 9]
    summary = browser.evaluate("document.getElementById('summary').textContent")
    assert summary.startswith("8 of 12 entities \u00b7 7 of 11 relations \u00b7 2 shared links")
    hidden = browser.evaluate("document.getElementById('show-edgeless').textContent")
    assert hidden.startswith("1 entity without a visible link hidden")
    legend = browser.evaluate(
        "Array.from(document.querySelectorAll('#class-filters li')).map(li => li.textContent)"
    )
    assert "Company3" in [t.replace(" ", "") for t in legend]
    assert_offline_and_clean(browser)


def test_layers_and_the_edgeless_switch_show_everything(browser: Browser, small_page: Path) -> None:
    open_page(browser, small_page)
    for cls in ("Person", "Place", "Product"):
        browser.evaluate(
            f"document.querySelector('input[data-filter=classes][value={cls}]').click()"
        )
    assert view_counts(browser) == [11, 13, 11, 13]
    browser.evaluate("document.getElementById('show-edgeless').click()")
    assert view_counts(browser) == [12, 13, 12, 13]
    assert browser.evaluate("document.getElementById('show-edgeless').hidden") is True
    assert_offline_and_clean(browser)


def test_search_finds_an_alias_and_focuses_it(browser: Browser, small_page: Path) -> None:
    open_page(browser, small_page)
    browser.evaluate("document.getElementById('search').focus()")
    browser.type_text("itor")
    shown = browser.evaluate(
        "Array.from(document.querySelectorAll('#search-results button')).map(b => b.textContent)"
    )
    assert shown and shown[0].startswith("Institute for Tissue & Organ Research")
    browser.press_enter()
    inst = node_id(browser, "Institute for Tissue & Organ Research")
    assert browser.evaluate("kgPage.network.getSelectedNodes()") == [inst]
    assert browser.evaluate("document.getElementById('panel').hidden") is False
    heading = browser.evaluate("document.querySelector('#panel-body h2').textContent")
    assert heading == "Institute for Tissue & Organ Research"
    assert_offline_and_clean(browser)


def test_click_opens_panel_with_evidence_and_source(browser: Browser, small_page: Path) -> None:
    open_page(browser, small_page)
    acme = node_id(browser, "Acme <Bio> GmbH")
    click_node(browser, acme)
    browser.wait_for("!document.getElementById('panel').hidden")
    panel = browser.evaluate(
        """(() => {
          const body = document.getElementById('panel-body');
          return {
            title: body.querySelector('h2').textContent,
            groups: Array.from(body.querySelectorAll('h3[data-relation]')).map(h => h.textContent),
            sentences: Array.from(body.querySelectorAll('.sentence')).map(p => p.textContent),
            links: Array.from(body.querySelectorAll('.source a')).map(a => [a.textContent, a.href]),
            sources: Array.from(body.querySelectorAll('.source')).map(s => s.textContent),
            markup: body.querySelectorAll('b, img, script').length,
          };
        })()"""
    )
    assert panel["title"] == "Acme <Bio> GmbH"
    assert "member of \u2192 (1)" in panel["groups"]
    assert "\u2190 people (1)" in panel["groups"]
    assert '\u201cAcme <Bio> GmbH joined the working group "Organoids".\u201d' in panel["sentences"]
    assert ["Working group on organoids starts", "https://example.org/news/1"] in panel["links"]
    assert any("Ministry funds OrganoNet \u00b7 2021-06-01" in s for s in panel["sources"])
    assert panel["markup"] == 0
    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / "network-small.png"
    browser.screenshot(shot)
    assert shot.stat().st_size > 10_000
    assert_offline_and_clean(browser)


def test_edge_tooltip_text_carries_the_evidence(browser: Browser, small_page: Path) -> None:
    open_page(browser, small_page)
    titles = browser.evaluate("kgPage.edges.get().map(e => e.title)")
    funding = next(t for t in titles if "funded by" in t)
    assert "The Ministry of Science funds OrganoNet" in funding
    assert "Ministry funds OrganoNet (2021-06-01)" in funding
    assert "\u20ac5,100,000" in funding


def test_filters_hide_classes_relations_and_dates(browser: Browser, small_page: Path) -> None:
    open_page(browser, small_page)
    browser.evaluate("document.querySelector('input[data-filter=classes][value=Person]').click()")
    assert view_counts(browser)[:2] == [9, 10]
    # Without "member of", Zellwerk and the working group keep only their shared link.
    browser.evaluate(
        "document.querySelector('input[data-filter=relations][value=memberOf]').click()"
    )
    assert view_counts(browser)[:2] == [9, 8]
    browser.evaluate(
        "document.querySelector('input[data-filter=relations][value=sharesWith]').click()"
    )
    labels = browser.evaluate("kgPage.nodesView.get().map(n => n.label).sort()")
    assert "Zellwerk Müller AG" not in labels and "Acme <Bio> GmbH" in labels
    browser.evaluate("document.getElementById('reset').click()")
    assert view_counts(browser)[:2] == [8, 9]
    browser.evaluate(
        """(() => {
          const from = document.getElementById('date-from');
          from.value = '2021-01-01';
          from.dispatchEvent(new Event('change'));
        })()"""
    )
    labels = browser.evaluate("kgPage.nodesView.get().map(n => n.label).sort()")
    assert labels == sorted(
        [
            "Acme <Bio> GmbH",
            "Institute for Tissue & Organ Research",
            "Ministry of Science",
            "OrganoNet",
        ]
    )
    assert_offline_and_clean(browser)


def test_hostile_names_render_as_text(browser: Browser, tmp_path: Path) -> None:
    b = ShapeBuilder()
    evil = '<img src=x onerror="document.title=1">"quoted" & </script>'
    b.entity("evil", ["Company"], evil)
    b.entity("net", ["Cluster"], "Net")
    b.article("x", "<b>Title</b>", url="javascript:alert(1)", mentions=("evil", "net"))
    b.fact("evil", "memberOf", "net", "x", "<script>document.title=2</script> joined.")
    path = tmp_path / "evil.html"
    render(b.store(), path)
    open_page(browser, path)
    nid = node_id(browser, evil)
    browser.evaluate(f"kgPage.focusNode({nid})")
    result = browser.evaluate(
        """(() => ({
          heading: document.querySelector('#panel-body h2').textContent,
          elements: document.querySelectorAll(
            '#panel-body img, #panel-body script, #panel-body b').length,
          links: document.querySelectorAll('#panel-body a:not(.iri)').length,
          iri: document.querySelector('#panel-body a.iri').getAttribute('href'),
          title: document.title,
        }))()"""
    )
    # The one link is the node's own IRI (opened from disk: the IRI itself, not a server page).
    iri = "https://w3id.org/cluster-kg/id/entity/evil"
    expected = {"heading": evil, "elements": 0, "links": 0, "iri": iri, "title": "Cluster network"}
    assert result == expected
    assert_offline_and_clean(browser)


def test_big_graph_renders_with_precomputed_layout(browser: Browser, tmp_path: Path) -> None:
    graph = load_network(synthetic_corpus(800).store())
    path = tmp_path / "big.html"
    report = render(graph, path)
    assert report.layout == "precomputed"
    open_page(browser, path)
    counts = browser.evaluate(
        "[kgPage.network.body.nodeIndices.length, kgPage.network.physics.options.enabled,"
        " kgPage.timing.stabilized !== null]"
    )
    assert counts == [report.opening, False, True]
    OUTPUT.mkdir(exist_ok=True)
    browser.screenshot(OUTPUT / "network-800.png")
    assert_offline_and_clean(browser)


def test_search_ignores_accents_and_case(browser: Browser, small_page: Path) -> None:
    open_page(browser, small_page)
    matches = browser.evaluate("kgPage.findMatches('ADA NOVAKOVA').map(m => m.name)")
    assert matches == ["Ada Nováková"]
    assert browser.evaluate("kgPage.findMatches('zz-nothing')") == []


def test_focus_view_opens_on_its_entity(browser: Browser, tmp_path: Path) -> None:
    path = tmp_path / "focus.html"
    render(small_corpus().store(), path, focus="Zellwerk", hops=1)
    open_page(browser, path)
    browser.wait_for("!document.getElementById('panel').hidden")
    heading = browser.evaluate("document.querySelector('#panel-body h2').textContent")
    assert heading == "Zellwerk Müller AG"
    assert browser.evaluate("kgPage.nodesView.length") == 3
    assert_offline_and_clean(browser)
