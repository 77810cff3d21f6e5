"""IRIs a researcher can paste and follow: prefixed names that parse, pages behind data IRIs.

Every form in which kg prints an IRI (the `kg query` table, CSV, DESCRIBE
Turtle, an export, the entity page) is pasted back into a query and must
find the node; `GET /id/...` on `kg serve` answers HTML or RDF by `Accept`.
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import pytest

from kg.cli import cli
from kg.config import Config
from kg.namespace import DATA_BASE, PREFIXES, short_iri
from kg.sparql.pages import iri_for_path
from kg.sparql.server import ServeOptions, make_server

ACME = DATA_BASE + "entity/acme"
ARTICLE = DATA_BASE + "article/a1"
STATEMENT = DATA_BASE + "statement/0123456789abcdef"
#: A prefixed name as kg prints it (kind prefixes, then an unescaped local part).
PREFIXED = re.compile(
    r"\b(?:ent|art|stmt|graph|summary|kg|rdf|rdfs|skos|xsd):[A-Za-z0-9_%.-]*[A-Za-z0-9_%-]"
)


def _rows(runner, store: str, query: str) -> list[str]:
    result = runner.invoke(cli, ["--store", store, "query", query, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[1:]


# -- prefixes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        (ACME, "ent:acme"),
        (ARTICLE, "art:a1"),
        (STATEMENT, "stmt:0123456789abcdef"),
        (DATA_BASE + "graph/system", "graph:system"),
        (DATA_BASE + "summary/rule/member-of", "summary:member-of"),
        (DATA_BASE + "entity/caf%C3%A9", "ent:caf%C3%A9"),
        (PREFIXES["kg"] + "Company", "kg:Company"),
        # Local parts a prefixed name cannot hold as written: the full IRI instead.
        (DATA_BASE + "entity/-dash", f"<{DATA_BASE}entity/-dash>"),
        (DATA_BASE + "entity/dot.", f"<{DATA_BASE}entity/dot.>"),
        (DATA_BASE + "other/x", f"<{DATA_BASE}other/x>"),
        ("http://example.org/x", "<http://example.org/x>"),
    ],
)
def test_short_iri_writes_names_that_parse(iri: str, expected: str) -> None:
    assert short_iri(iri) == expected
    prologue = "".join(f"PREFIX {p}: <{b}>\n" for p, b in PREFIXES.items())
    parsed = ox.Store()
    parsed.add(ox.Quad(ox.NamedNode(iri), ox.NamedNode("http://x/p"), ox.Literal("v")))
    assert list(parsed.query(prologue + f"SELECT ?o WHERE {{ {expected} ?p ?o }}"))


def test_every_data_kind_has_its_own_prefix() -> None:
    for kind in ("entity", "article", "statement", "graph", "summary/rule"):
        assert (
            PREFIXES[
                {
                    "entity": "ent",
                    "article": "art",
                    "statement": "stmt",
                    "graph": "graph",
                    "summary/rule": "summary",
                }[kind]
            ]
            == DATA_BASE + kind + "/"
        )


def test_every_iri_form_kg_prints_pastes_back_into_a_query(runner, sample_store: str) -> None:
    """Table, CSV, DESCRIBE and Turtle export: each printed IRI finds its node again."""
    store = sample_store
    every_quad = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    table = runner.invoke(cli, ["--store", store, "query", every_quad])
    describe = runner.invoke(cli, ["--store", store, "query", f"DESCRIBE <{ACME}>"])
    export = runner.invoke(cli, ["--store", store, "export", "--format", "turtle", "-o", "-"])
    csv = runner.invoke(
        cli, ["--store", store, "query", "SELECT ?s WHERE { ?s ?p ?o }", "--format", "csv"]
    )
    for result in (table, describe, export, csv):
        assert result.exit_code == 0, result.output
    printed = set(PREFIXED.findall(table.output + describe.output + export.output))
    printed |= {f"<{line.strip()}>" for line in csv.output.splitlines()[1:] if line.strip()}
    assert {"ent:acme", "art:a1", "stmt:0123456789abcdef", "graph:system"} <= printed
    assert "\\/" not in describe.output + export.output
    for name in sorted(printed):
        if name.startswith(("kg:", "rdf:", "rdfs:", "skos:", "xsd:")):
            continue  # vocabulary terms, not nodes of this graph
        query = (
            f"SELECT * WHERE {{ {{ {name} ?p ?o }} UNION {{ ?s ?q {name} }} "
            f"UNION {{ GRAPH {name} {{ ?a ?b ?c }} }} }} LIMIT 1"
        )
        assert _rows(runner, store, query), f"{name} printed by kg finds nothing"


def test_readme_graph_example_parses(runner, sample_store: str) -> None:
    rows = _rows(runner, sample_store, "SELECT ?s WHERE { GRAPH graph:system { ?s ?p ?o } }")
    assert rows == [ARTICLE]


# -- pages behind data IRIs -----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "iri"),
    [
        ("/id/entity/acme", ACME),
        ("/id/article/a1", ARTICLE),
        ("/id/statement/0123456789abcdef", STATEMENT),
        ("/id/entity/caf%C3%A9", DATA_BASE + "entity/caf%C3%A9"),
        ("/id/entity/a>b", None),
        ("/id/entity/a%3", None),
        ("/id/entity/", None),
        ("/id/entity/a/b", None),
        ("/id/graph/system", None),
        ("/id/entity/x%20y> } DROP ALL", None),
    ],
)
def test_only_well_formed_data_paths_name_an_iri(path: str, iri: str | None) -> None:
    assert iri_for_path(path) == iri


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@pytest.fixture
def base_url(sample_store: str) -> Iterator[str]:
    server = make_server(Config(store=sample_store), ServeOptions(port=0))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.url.rstrip("/")
    finally:
        server.shutdown()
        server.server_close()
        server.holder.close()
        thread.join(10)


def get(url: str, accept: str | None = None, method: str = "GET") -> Reply:
    headers = {"Accept": accept} if accept else {}
    req = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return Reply(resp.status, dict(resp.headers), resp.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, dict(err.headers), err.read())


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_entity_iri_answers_rdf_clients_by_accept(
    base_url: str, accept: str, media: str, fmt
) -> None:
    reply = get(base_url + "/id/entity/acme", accept)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith(media)
    assert "Accept" in reply.headers["Vary"]
    triples = {
        (t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(reply.body, fmt)
    }
    assert (ACME, PREFIXES["rdfs"] + "label", "Acme GmbH") in triples
    assert (ACME, PREFIXES["kg"] + "memberOf", DATA_BASE + "entity/lab") in triples
    if fmt == ox.RdfFormat.TURTLE:
        assert b"ent:acme" in reply.body and b"\\/" not in reply.body


def test_entity_page_for_browsers(base_url: str) -> None:
    reply = get(base_url + "/id/entity/acme", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    assert "Accept" in reply.headers["Vary"]
    page = reply.body.decode("utf-8")
    assert "Acme GmbH" in page and "ent:acme" in page
    assert 'href="/id/entity/lab"' in page  # the relation's other end is a link
    assert 'href="/id/article/a1"' in page  # so is the article the evidence comes from
    # The evidence sentence, escaped (it holds quotes), whitespace folded.
    assert "Acme is a member of the &#34;Lab&#34; network." in page
    assert 'href="/id/statement/0123456789abcdef"' in page
    assert "Named in 1 article" in page
    # The prefixed name the page prints pastes back into a query on the same server.
    short = re.search(r'<code id="short">([^<]+)</code>', page).group(1)
    query = urllib.parse.quote(f"SELECT ?p ?o WHERE {{ {short} ?p ?o }}")
    answer = get(f"{base_url}/sparql?query={query}", "text/csv")
    assert answer.status == 200 and len(answer.body.splitlines()) > 1
    drawing = page[page.index('<section id="neighbourhood">') :]
    assert '<a href="/id/entity/lab">' in drawing[: drawing.index("</section>")]


@pytest.mark.parametrize("path", ["/id/article/a1", "/id/statement/0123456789abcdef"])
def test_articles_and_statements_have_pages(base_url: str, path: str) -> None:
    page = get(base_url + path, "text/html").body.decode("utf-8")
    assert 'href="/id/entity/acme"' in page


def test_format_parameter_serves_links_a_browser_can_follow(base_url: str) -> None:
    reply = get(base_url + "/id/entity/acme?format=turtle", "text/html")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/turtle")
    assert get(base_url + "/id/entity/acme?format=nonsense").status == 400


@pytest.mark.parametrize(
    "path", ["/id/entity/nobody", "/id/article/none", "/id/entity/a%3E%20%7D", "/id/nothing/x"]
)
def test_unknown_or_malformed_data_iris_are_404(base_url: str, path: str) -> None:
    reply = get(base_url + path, "text/turtle")
    assert reply.status == 404
    assert reply.headers["Content-Type"].startswith("text/plain")


def test_head_and_unacceptable_types(base_url: str) -> None:
    assert get(base_url + "/id/entity/acme", method="HEAD").status == 200
    assert get(base_url + "/id/entity/acme", "image/png").status == 406


def test_hostile_names_and_urls_stay_text(tmp_store: str) -> None:
    """Labels, sentences and article URLs come from the web: escaped, and never a script link."""
    from kg.sparql.pages import describe, render
    from kg.sparql.protocol import materialise
    from kg.store import open_store

    kg, rdfs = PREFIXES["kg"], PREFIXES["rdfs"]
    evil, art, st = (
        ox.NamedNode(DATA_BASE + p) for p in ("entity/evil", "article/x", "statement/1")
    )
    other = ox.NamedNode(DATA_BASE + "entity/net")

    def k(name: str) -> ox.NamedNode:
        return ox.NamedNode(kg + name)

    triples = [
        ox.Triple(evil, ox.NamedNode(rdfs + "label"), ox.Literal('<script>alert(1)</script>"')),
        ox.Triple(evil, k("memberOf"), other),
        ox.Triple(art, k("url"), ox.NamedNode("javascript:alert(2)")),
        ox.Triple(st, k("subject"), evil),
        ox.Triple(st, k("predicate"), k("memberOf")),
        ox.Triple(st, k("object"), other),
        ox.Triple(st, k("sentence"), ox.Literal("<img src=x onerror=alert(3)>")),
        ox.Triple(st, k("inArticle"), art),
    ]
    with open_store(Config(store=tmp_store), create=True) as store:
        store.apply({art.value: triples})
    with open_store(Config(store=tmp_store), create=False) as store:
        view = describe(lambda q: materialise(store.query(q), 100), evil.value)
        assert view is not None
        page = render(view).decode("utf-8")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;" in page
    assert "javascript:" not in page


def test_vendored_editor_is_the_pinned_build() -> None:
    """kg/assets/README.md names the exact YASGUI files shipped; the files must be those."""
    import hashlib

    from kg.config import asset_bytes

    readme = asset_bytes("README.md").decode("utf-8")
    for name in ("yasgui.min.js", "yasgui.min.css"):
        digest = hashlib.sha256(asset_bytes(name)).hexdigest()
        assert f"`build/{name}` (sha256 `{digest}`)" in readme, name
    for licence in ("yasgui.LICENSE-MIT", "yasgui.THIRD-PARTY-NOTICES"):
        assert asset_bytes(licence).strip()
