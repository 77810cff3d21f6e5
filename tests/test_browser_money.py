"""The money view of the network page, opened from disk in headless Chromium.

A grant given jointly by two ministries is one event: the view draws only who
funds whom, with line width by amount, and the panel lists the event once, with
both funders, instead of one amount per funding line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers_browser import Browser
from helpers_network import small_corpus
from test_browser_viz import assert_offline_and_clean, node_id, open_page

from kg.view.viz import render

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(width=1400, height=900) as b:
        yield b


@pytest.fixture(scope="module")
def money_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    b = small_corpus()
    b.entity("fed", ["Institution", "Funder"], "Federal Ministry of Research")
    sentence = "The Ministry of Science and the Federal Ministry fund OrganoNet with 36 million."
    for funder in ("min", "fed"):
        b.fact("proj", "fundedBy", funder, "a2", sentence, amount="36000000", currency="EUR")
    path = tmp_path_factory.mktemp("money") / "network.html"
    render(b.store(), path)
    return path


def test_money_view_lists_a_joint_grant_once(browser: Browser, money_page: Path) -> None:
    open_page(browser, money_page)
    browser.wait_for("window.kgMoney !== undefined")
    browser.evaluate("kgPage.setView('money')")
    shown = browser.evaluate(
        """(() => {
          const data = JSON.parse(document.getElementById('kg-data').textContent);
          const relation = new Map(data.edges.map(e => [e.id, e.relation]));
          const ids = kgPage.edgesView.getIds();
          return {
            relations: Array.from(new Set(ids.map(i => relation.get(i)))),
            widths: ids.map(i => kgPage.edges.get(i).width || 1),
          };
        })()"""
    )
    assert shown["relations"] == ["fundedBy"], "only who funds whom is drawn"
    assert len(shown["widths"]) == 2, "OrganoNet from each ministry"
    assert max(shown["widths"]) > 1, "line width grows with the amount"
    # The click as vis-network reports it (a mouse click would race the re-layout that
    # switching views starts on a loaded machine).
    organonet = node_id(browser, "OrganoNet")
    browser.evaluate(
        f"(() => {{ kgPage.network.body.emitter.emit('click', "
        f"{{nodes: [{organonet}], edges: [], pointer: {{canvas: {{x: 0, y: 0}}}}}}); "
        "return true; })()"
    )
    browser.wait_for("document.getElementById('panel-body').getAttribute('data-money') === 'true'")
    panel = browser.evaluate(
        """(() => {
          const body = document.getElementById('panel-body');
          return {
            events: body.querySelectorAll('li.money-event').length,
            text: body.textContent,
          };
        })()"""
    )
    # the 36 million once (jointly, not split), and the 5.1 million of small_corpus
    assert panel["events"] == 2
    assert panel["text"].count("36,000,000") == 1
    assert "joint: not split between the parties" in panel["text"]
    assert "each counted once: \u20ac41,100,000" in panel["text"]
    assert_offline_and_clean(browser)
