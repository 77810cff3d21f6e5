"""The query page of `kg serve` as a researcher meets it, in headless Debian chromium.

Reuses the DevTools-pipe client of tests/helpers_browser.py. Checks that the
page loads with no console error and no request leaving the server, that a
saved query can be picked and run and its table shows the rows, and that a
bad query shows the parser's message instead of failing silently.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers_browser import Browser, chromium_path

from kg.config import Config
from kg.sparql.server import ServeOptions, make_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        chromium_path() is None, reason="needs Debian's chromium (apt-get install -y chromium)"
    ),
]

OUTPUT = Path(__file__).resolve().parent / "output"
SAVED = "# Question: Every label\nSELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label\n"


@dataclass
class Page:
    browser: Browser
    url: str

    def open(self, path: str = "") -> None:
        self.browser.events.clear()
        self.browser.send("Page.navigate", {"url": self.url + path})


@pytest.fixture
def page(sample_store: str, tmp_path: Path) -> Iterator[Page]:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "labels.rq").write_text(SAVED, encoding="utf-8")
    server = make_server(Config(store=sample_store, queries_dir=queries), ServeOptions(port=0))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        with Browser(width=1200, height=900) as browser:
            yield Page(browser, server.url)
    finally:
        server.shutdown()
        server.server_close()
        server.holder.close()
        thread.join(10)


def test_saved_query_runs_and_fills_the_table(page: Page) -> None:
    b = page.browser
    page.open()
    b.wait_for("document.querySelectorAll('#saved option').length > 1")
    b.evaluate(
        """(() => { const s = document.getElementById('saved');
                    s.value = 'labels'; s.dispatchEvent(new Event('change')); })()"""
    )
    assert b.evaluate("document.getElementById('query').value") == SAVED
    x, y = b.evaluate(
        """(() => { const r = document.getElementById('run').getBoundingClientRect();
                    return [r.left + r.width / 2, r.top + r.height / 2]; })()"""
    )
    b.click(x, y)
    b.wait_for("document.querySelectorAll('#table tbody tr').length > 0")
    headers = b.evaluate("[...document.querySelectorAll('#table th')].map(th => th.textContent)")
    cells = b.evaluate(
        "[...document.querySelectorAll('#table tbody tr')].map(tr => tr.cells[1].textContent)"
    )
    assert headers == ["s", "label"]
    assert cells == ["Acme GmbH", "Lab Network", "Täunchen"]
    assert b.evaluate("document.getElementById('status').textContent").startswith("3 rows")
    assert b.evaluate("document.getElementById('download-csv').disabled") is False
    b.pump(0.3)
    assert b.console_errors() == []
    assert all(url.startswith((page.url, "data:", "blob:")) for url in b.requested_urls())
    b.screenshot(OUTPUT / "serve-query-page.png")  # for a human look


def test_download_buttons_save_the_w3c_files(page: Page, tmp_path: Path) -> None:
    b = page.browser
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    b.send(
        "Browser.setDownloadBehavior",
        {"behavior": "allow", "downloadPath": str(downloads)},
        session=False,
    )
    page.open()
    b.wait_for("document.querySelectorAll('#saved option').length > 1")
    b.evaluate("document.getElementById('run').click()")
    b.wait_for("!document.getElementById('download-csv').disabled")
    b.evaluate("document.getElementById('download-csv').click()")
    b.evaluate("document.getElementById('download-json').click()")
    csv, js = downloads / "results.csv", downloads / "results.json"
    for _ in range(200):
        if csv.exists() and js.exists():
            break
        b.pump(0.05)
    assert csv.read_text(encoding="utf-8").splitlines()[0] == "entity,label"
    assert json.loads(js.read_text(encoding="utf-8"))["head"]["vars"] == ["entity", "label"]
    assert b.console_errors() == []


def test_bad_query_shows_the_parser_message(page: Page) -> None:
    b = page.browser
    page.open()
    b.wait_for("document.getElementById('run') !== null && document.readyState === 'complete'")
    b.evaluate("document.getElementById('query').value = 'SELECT ?s WHERE { ?s ?p }'")
    b.evaluate("document.getElementById('run').click()")
    message = b.wait_for(
        "!document.getElementById('error').hidden && document.getElementById('error').textContent"
    )
    assert message.startswith("400")
    assert "invalid SPARQL at line 1" in message
    assert b.evaluate("document.getElementById('table').hidden") is True


def test_network_view_is_served(page: Page) -> None:
    pytest.importorskip("kg.view.viz")
    b = page.browser
    page.open("network")
    b.wait_for("window.kgPage && window.kgPage.timing.firstDraw !== null")
    assert b.evaluate("kgPage.nodes.length") == 3
    b.pump(0.3)
    assert b.console_errors() == []
