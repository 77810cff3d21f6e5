"""The pages of `kg serve` as a researcher meets them, in headless Debian chromium.

Reuses the DevTools-pipe client of tests/helpers_browser.py. The query editor
(YASGUI) runs a saved query with a form parameter and its permalink
reproduces it; entity pages show relations with evidence and links; every
test checks there was no console error and no request leaving the server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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
SAVED = (
    "# Question: Which entities are called what,\n"
    "#   by label?\n"
    '# Parameter: name (?name, name, default ""): a name; empty lists all\n'
    "SELECT ?entity ?label WHERE {\n"
    '  VALUES ?name { "" }   # PARAMETER\n'
    "  ?entity rdfs:label ?label .\n"
    '  FILTER (?name = "" || LCASE(STR(?label)) = LCASE(?name))\n'
    "} ORDER BY ?label\n"
)
BY_CLASS = (
    "# Question: Which entities are of a class?\n"
    '# Parameter: class (?className, class, default ""): a class; empty lists all\n'
    "SELECT ?label WHERE {\n"
    '  VALUES ?className { "" }   # PARAMETER\n'
    "  ?entity a ?type ; rdfs:label ?label .\n"
    '  FILTER (?className = "" || ?type = IRI(CONCAT(STR(kg:), ?className)))\n'
    "} ORDER BY ?label\n"
)
ROWS = "[...document.querySelectorAll('.yasr tbody tr')].map(tr => tr.textContent)"


@dataclass
class Page:
    browser: Browser
    url: str

    def open(self, path: str = "") -> None:
        self.browser.events.clear()
        self.browser.send("Page.navigate", {"url": self.url + path.lstrip("/")})

    def assert_clean(self) -> None:
        """No console error, and nothing requested from anywhere but this server."""
        self.browser.pump(0.3)
        assert self.browser.console_errors() == []
        here = urlsplit(self.url).netloc
        outside = [
            u
            for u in self.browser.requested_urls()
            if not u.startswith(("data:", "blob:")) and urlsplit(u).netloc != here
        ]
        assert outside == []


@pytest.fixture
def page(sample_store: str, tmp_path: Path) -> Iterator[Page]:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "labels.rq").write_text(SAVED, encoding="utf-8")
    (queries / "by-class.rq").write_text(BY_CLASS, encoding="utf-8")
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


def test_editor_runs_a_saved_query_with_a_form_parameter(page: Page) -> None:
    b = page.browser
    page.open("/")
    b.wait_for("document.querySelectorAll('#saved option').length > 1", 30)
    b.evaluate(
        """(() => { const s = document.getElementById('saved'); s.value = 'labels';
        s.dispatchEvent(new Event('change')); })()"""
    )
    # The whole question, though the file wraps it over two lines.
    assert b.evaluate("document.getElementById('saved-title').textContent") == (
        "Which entities are called what, by label?"
    )
    b.evaluate("document.getElementById('param-name').value = 'acme gmbh.'")
    b.evaluate("document.getElementById('run-saved').click()")
    b.wait_for("document.querySelectorAll('.yasr tbody tr').length === 1", 30)
    assert "Acme GmbH" in b.evaluate(ROWS)[0]
    # Data IRIs in the table are links to this server's pages, shown as prefixed names.
    link = b.evaluate(
        "(() => { const a = document.querySelector('.yasr a.iri'); "
        "return [a.getAttribute('href'), a.textContent]; })()"
    )
    assert link == ["/id/entity/acme", "ent:acme"]
    permalink = b.evaluate("document.getElementById('permalink').getAttribute('href')")
    assert permalink == "/?saved=labels&name=acme+gmbh."
    b.screenshot(OUTPUT / "serve-query-page.png")  # for a human look
    page.assert_clean()

    # The permalink alone reproduces it: form filled in, same single row.
    page.open(permalink)
    b.wait_for("document.querySelectorAll('.yasr tbody tr').length === 1", 30)
    assert "Acme GmbH" in b.evaluate(ROWS)[0]
    assert b.evaluate("document.getElementById('param-name').value") == "acme gmbh."
    page.assert_clean()


def test_query_permalink_runs_the_query_as_written(page: Page) -> None:
    b = page.browser
    page.open("/?query=SELECT%20%3Fo%20WHERE%20%7B%20ent%3Aacme%20rdfs%3Alabel%20%3Fo%20%7D")
    b.wait_for("document.querySelectorAll('.yasr tbody tr').length === 1", 30)
    assert "Acme GmbH" in b.evaluate(ROWS)[0]
    page.assert_clean()


def test_entity_page_shows_relations_with_evidence_and_links(page: Page) -> None:
    b = page.browser
    page.open("/id/entity/acme")
    b.wait_for("document.readyState === 'complete'", 30)
    assert b.evaluate("document.getElementById('label').textContent") == "Acme GmbH"
    assert b.evaluate("document.getElementById('short').textContent") == "ent:acme"
    groups = b.evaluate(
        "[...document.querySelectorAll('.relation-group h2')].map(h => h.textContent)"
    )
    assert "kg:memberOf \u2192" in groups
    evidence = b.evaluate("document.querySelector('.evidence blockquote').textContent")
    assert evidence == 'Acme is a member of the "Lab" network.'
    b.evaluate("document.querySelector('a.other').click()")
    b.wait_for("location.pathname === '/id/entity/lab' && document.readyState === 'complete'", 30)
    assert b.evaluate("document.getElementById('label').textContent") == "Lab Network"
    b.screenshot(OUTPUT / "serve-entity-page.png")
    page.assert_clean()
    # "In the query editor" opens the editor on this node's triples and runs it.
    b.evaluate("document.getElementById('in-editor').click()")
    b.wait_for("document.querySelectorAll('.yasr tbody tr').length > 0", 30)
    page.assert_clean()


def test_class_parameter_is_a_choice_and_its_permalink_any_case(page: Page) -> None:
    b = page.browser
    page.open("/?saved=by-class&class=cluster")
    b.wait_for("document.querySelectorAll('.yasr tbody tr').length === 1", 30)
    assert "Lab Network" in b.evaluate(ROWS)[0]
    assert b.evaluate("document.getElementById('param-class').tagName") == "SELECT"
    assert b.evaluate("document.getElementById('param-class').value") == "Cluster"
    page.assert_clean()


def test_bad_query_shows_the_parser_message(page: Page) -> None:
    b = page.browser
    page.open("/?query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20%3Fp%20%7D")
    message = b.wait_for(
        "(document.querySelector('.yasr .errorResult') || {}).textContent || ''", 30
    )
    assert "invalid SPARQL at line" in message


def test_network_view_is_served(page: Page) -> None:
    pytest.importorskip("kg.view.viz")
    b = page.browser
    page.open("network")
    b.wait_for("window.kgPage && window.kgPage.timing.firstDraw !== null")
    assert b.evaluate("kgPage.nodes.length") == 3
    b.pump(0.3)
    assert b.console_errors() == []
