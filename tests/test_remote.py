"""The remote store against REAL servers: Oxigraph (PyPI) and Virtuoso (Debian).

Every comparison is made against the embedded store holding the same graphs:
a remote store is only useful if `kg query`, `kg export` and `kg stats` cannot
tell the two apart.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import helpers_store
import pyoxigraph as ox
import pytest
from helpers_servers import Server, free_port

from kg.config import Config, default_queries_dir, store_auth_from
from kg.errors import QueryError, StoreError
from kg.namespace import ENTITIES_GRAPH
from kg.sparql.query import answer, run_query
from kg.store import dialects, open_store
from kg.store.base import INCOMPLETE
from kg.store.dialects import detect
from kg.store.remote import RemoteStore, batch_requests, derive_update_url

A1 = "https://w3id.org/cluster-kg/id/article/a1"
A2 = "https://w3id.org/cluster-kg/id/article/a2"


@pytest.fixture
def remote(server: Server) -> RemoteStore:
    store = server.open()
    store.apply(helpers_store.sample_graphs())
    return store


#: Columns the saved queries fill with GROUP_CONCAT, and their separators. SPARQL leaves
#: the order of GROUP_CONCAT undefined: Virtuoso lists "Funder, Institution" where
#: Oxigraph lists "Institution, Funder". Same members, so the same answer.
UNORDERED_LISTS = {
    "types": ", ",
    "altLabels": " | ",
    "roles": "; ",
    # funding-events.rq: an event's funders, recipients, qualifiers and purposes
    "funders": " | ",
    "recipients": " | ",
    "qualifiers": " | ",
    "purposes": " | ",
}


def comparable_rows(output: object) -> list[str]:
    """A SELECT answer's rows, in a fixed order, with GROUP_CONCAT lists sorted."""
    rows = json.loads(output.payload)["results"]["bindings"]  # type: ignore[attr-defined]
    for row in rows:
        for column, separator in UNORDERED_LISTS.items():
            if column in row:
                parts = sorted(row[column]["value"].split(separator))
                row[column]["value"] = separator.join(parts)
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def assert_same_answer(mine: object, theirs: object, name: str) -> None:
    """Two stores' answers to one query: equal rows, or for DESCRIBE, a superset.

    DESCRIBE is implementation-defined (SPARQL 1.1, 16.4): a server may add more
    (kg asks Virtuoso for CBD, a resource's own triples, as Oxigraph gives).
    """
    assert mine.kind == theirs.kind, name  # type: ignore[attr-defined]
    if mine.kind == "select":  # type: ignore[attr-defined]
        assert comparable_rows(mine) == comparable_rows(theirs), name
    elif name.lstrip().upper().startswith("DESCRIBE"):
        lines = [set(o.payload.splitlines()) for o in (mine, theirs)]  # type: ignore[attr-defined]
        assert lines[0] >= lines[1], name
    else:
        assert mine == theirs, name


def quad_strings(store: object, include_system: bool = True) -> list[str]:
    return [str(q) for q in store.quads(include_system=include_system)]  # type: ignore[attr-defined]


# -- pure parts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query_url", "update_url"),
    [
        ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update"),
        ("http://host:3030/ds/query", "http://host:3030/ds/update"),
        ("https://host/sparql", "https://host/sparql"),
        ("http://host:7200/repositories/kg", "http://host:7200/repositories/kg/statements"),
    ],
)
def test_update_url_is_derived_for_the_usual_layouts(query_url: str, update_url: str) -> None:
    assert derive_update_url(query_url) == update_url


def test_unknown_layout_asks_for_the_update_url() -> None:
    with pytest.raises(StoreError, match="--update-url"):
        derive_update_url("http://host/some/endpoint")


def test_batches_respect_the_limit_and_keep_order() -> None:
    ops = [f"DROP SILENT GRAPH <http://g/{i}>" for i in range(10)]
    batches = batch_requests(ops, 100)
    assert len(batches) > 1
    assert all(len(b) <= 100 for b in batches)
    assert " ;\n".join(batches) == " ;\n".join(ops)
    assert batch_requests(["x" * 500], 100) == ["x" * 500]


# -- against the real server ------------------------------------------------------


@pytest.mark.server
def test_round_trip_equals_the_embedded_store(remote: RemoteStore, sample_store: str) -> None:
    with open_store(Config(store=sample_store)) as embedded:
        assert quad_strings(remote) == quad_strings(embedded)
        assert quad_strings(remote, False) == quad_strings(embedded, False)
        assert remote.graph_names() == embedded.graph_names()


@pytest.mark.server
@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",  # the default graph is the union
        "ASK { ?s a kg:Company }",
        "ASK { ?s a kg:Nothing }",
        "CONSTRUCT WHERE { ?s kg:title ?t }",
        "DESCRIBE <https://w3id.org/cluster-kg/id/entity/acme>",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    ],
)
def test_queries_answer_as_the_embedded_store(
    remote: RemoteStore, sample_store: str, query: str
) -> None:
    with open_store(Config(store=sample_store)) as embedded:
        assert_same_answer(run_query(remote, query), run_query(embedded, query), query)


@pytest.mark.server
def test_saved_queries_answer_as_the_embedded_store(remote: RemoteStore, sample_store: str) -> None:
    saved = sorted(default_queries_dir().glob("*.rq"))
    assert saved
    with open_store(Config(store=sample_store)) as embedded:
        for path in saved:
            text = path.read_text(encoding="utf-8")
            assert_same_answer(run_query(remote, text), run_query(embedded, text), path.name)


@pytest.mark.server
def test_cli_level_query_export_and_stats_match(
    remote: RemoteStore, sample_store: str, tmp_path: Path
) -> None:
    from kg.view.export import export_store

    local, far = Config(store=sample_store), Config(store=remote.location)
    q = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label"
    for fmt in ("table", "csv", "json"):
        assert answer(far, q, fmt) == answer(local, q, fmt)
    for fmt in ("turtle", "nquads", "jsonld"):
        export_store(local, fmt, tmp_path / f"local.{fmt}")
        export_store(far, fmt, tmp_path / f"far.{fmt}")
        assert (tmp_path / f"far.{fmt}").read_bytes() == (tmp_path / f"local.{fmt}").read_bytes()
    stats = pytest.importorskip("kg.view.stats")
    with open_store(local) as embedded:
        assert stats.compute_stats(remote) == stats.compute_stats(embedded)


@pytest.mark.server
def test_apply_replaces_and_drops_whole_graphs(remote: RemoteStore) -> None:
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    new = [ox.Triple(ox.NamedNode(A1), label, ox.Literal("only this"))]
    remote.apply({A1: new}, drop=[A2])
    names = remote.graph_names()
    assert A1 in names
    assert A2 not in names
    a1 = [q for q in remote.quads() if q.graph_name == ox.NamedNode(A1)]
    assert [q.triple for q in a1] == new
    remote.apply({A1: []})
    assert A1 not in remote.graph_names()


@pytest.mark.server
def _counting(store: RemoteStore, sent: list[str]) -> RemoteStore:
    """The store, recording the body of every update request it sends."""
    post = store._post

    def recording(url, form, accept, *, is_query, **options):  # type: ignore[no-untyped-def]
        if not is_query:
            sent.append(form[0][1])
        return post(url, form, accept, is_query=is_query, **options)

    store._post = recording  # type: ignore[method-assign]
    return store


def test_writes_go_in_batches(server: Server) -> None:
    graphs = helpers_store.sample_graphs()
    sent: list[str] = []
    _counting(server.open(), sent).apply(graphs)
    assert len(sent) == 1  # four graphs, one request
    sent.clear()
    small = _counting(server.open(batch_bytes=1500), sent)
    small.apply(graphs)
    assert 1 < len(sent) < sum(len(t) for t in graphs.values())
    # Several requests: the first marks the store incomplete, the last clears the mark.
    assert INCOMPLETE in sent[0] and INCOMPLETE in sent[-1]
    assert all("DROP SILENT GRAPH" in request for request in sent[1:-1])
    expected = sorted(
        str(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)))
        for g, ts in graphs.items()
        for t in ts
    )
    assert sorted(quad_strings(small)) == expected


@pytest.mark.server
def test_blank_nodes_are_skolemised(server: Server) -> None:
    store = server.open()
    blank = ox.BlankNode("b1")
    store.apply({ENTITIES_GRAPH: [ox.Triple(blank, ox.NamedNode("http://x/p"), ox.Literal("v"))]})
    (quad,) = list(store.quads())
    assert quad.subject == ox.NamedNode("https://w3id.org/cluster-kg/id/genid/b1")


@pytest.mark.server
def test_bad_query_points_at_the_same_place_as_embedded(
    remote: RemoteStore, sample_store: str
) -> None:
    bad = "SELECT ?s WHERE {\n  ?s ?p }"
    with pytest.raises(QueryError) as far:
        remote.query(bad)
    with open_store(Config(store=sample_store)) as embedded, pytest.raises(QueryError) as local:
        embedded.query(bad)
    # Same position; the detail after it differs between servers. Virtuoso names the
    # line only, Oxigraph the column too.
    assert str(far.value).startswith("invalid SPARQL at line 2")
    where = str(far.value).split(":")[0]
    assert str(local.value).startswith(where)


def test_unreachable_server_is_one_clear_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(StoreError, match="cannot reach remote store"):
        open_store(Config(store=url))


class _Recorder(BaseHTTPRequestHandler):
    """A server that asks for Basic credentials and refuses whatever it gets."""

    seen: ClassVar[list[str | None]] = []

    def do_POST(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="kg"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_credentials_come_from_the_environment() -> None:
    auth = store_auth_from({"KG_STORE_USER": "reader", "KG_STORE_PASSWORD": "s3cret"})
    assert store_auth_from({"KG_STORE_PASSWORD": "s3cret"}) is None
    assert "s3cret" not in repr(Config(store_auth=auth))
    httpd = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/query"
        with pytest.raises(StoreError, match="refused access") as err:
            open_store(Config(store=url, store_auth=auth))
    finally:
        httpd.shutdown()
        httpd.server_close()
    # Nothing sent before the server asks; then the answer to its challenge.
    assert _Recorder.seen[:2] == [None, "Basic " + base64.b64encode(b"reader:s3cret").decode()]
    assert "s3cret" not in str(err.value)


@pytest.mark.server
@pytest.mark.model
def test_build_into_the_server_gives_the_embedded_graph(
    server: Server, seed_dir: Path, tmp_path: Path
) -> None:
    """`kg --store URL build` writes the same graph the embedded build does.

    The build runs as the real CLI in its own process, as a user would run it.
    """
    from kg.view.export import export_store

    far = server.config()
    kg_build(server.url, seed_dir, server.env)
    local = Config(store=str(tmp_path / "embedded"))
    kg_build(local.store, seed_dir)  # same folder: same kg:sourceFile paths
    with open_store(far) as remote_store, open_store(local) as embedded:
        assert quad_strings(remote_store, False) == quad_strings(embedded, False)
        for path in sorted(default_queries_dir().glob("*.rq")):
            text = path.read_text(encoding="utf-8")
            mine, theirs = run_query(remote_store, text), run_query(embedded, text)
            assert_same_answer(mine, theirs, path.name)
        stats = pytest.importorskip("kg.view.stats")
        assert stats.compute_stats(remote_store) == stats.compute_stats(embedded)
    export_store(local, "turtle", tmp_path / "local.ttl")
    export_store(far, "turtle", tmp_path / "far.ttl")
    assert (tmp_path / "far.ttl").read_bytes() == (tmp_path / "local.ttl").read_bytes()
    # A second build finds its cache on the server and changes nothing.
    before = quad_strings(open_store(far))
    kg_build(server.url, seed_dir, server.env)
    assert quad_strings(open_store(far)) == before


def kg_build(store: str, articles: Path, env: dict[str, str] | None = None) -> None:
    kg = Path(sys.executable).parent / "kg"
    done = subprocess.run(
        [str(kg), "--store", store, "build", str(articles)],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.server
def test_kg_serve_can_front_a_remote_store(remote: RemoteStore) -> None:
    """`kg --store URL serve` gives the remote graph the same read-only endpoint."""
    from kg.sparql.server import ServeOptions, make_server

    endpoint = make_server(Config(store=remote.location), ServeOptions(port=0))
    thread = threading.Thread(target=endpoint.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        query = "SELECT ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label"
        url = endpoint.url + "sparql?" + urllib.parse.urlencode({"query": query})
        with urllib.request.urlopen(url, timeout=30) as resp:
            doc = json.loads(resp.read())
        labels = [b["label"]["value"] for b in doc["results"]["bindings"]]
        assert labels == ["Acme GmbH", "Lab Network", "Täunchen"]
    finally:
        endpoint.shutdown()
        endpoint.server_close()
        thread.join(10)


# -- dialects: what differs between servers, each met on a real one ---------------


@pytest.mark.server
def test_reads_and_writes_past_the_servers_limits(server: Server) -> None:
    """12,000 triples in one graph: more than one Virtuoso INSERT DATA may carry
    (~4,970) and more than its answers hold (ResultSetMaxRows 10,000)."""
    p = ox.NamedNode("https://w3id.org/cluster-kg/ontology#title")
    big = [
        ox.Triple(
            ox.NamedNode(f"https://w3id.org/cluster-kg/id/entity/e{i}"), p, ox.Literal(f"n{i}")
        )
        for i in range(12_000)
    ]
    store = server.open()
    store.apply({ENTITIES_GRAPH: big})
    assert sorted(str(q.triple) for q in store.quads()) == sorted(map(str, big))
    if server.kind == "virtuoso":
        # A user's query is never answered short without a word.
        with pytest.raises(StoreError, match="row limit"):
            list(store.query("SELECT ?s WHERE { ?s kg:title ?t }"))
        with pytest.raises(StoreError, match="row limit"):
            store.query("CONSTRUCT WHERE { ?s kg:title ?t }")
    else:
        assert len(list(store.query("SELECT ?s WHERE { ?s kg:title ?t }"))) == 12_000


@pytest.mark.server
def test_booleans_read_back_canonical(remote: RemoteStore, sample_store: str) -> None:
    query = "SELECT ?h WHERE { ?s kg:hedged ?h }"
    with open_store(Config(store=sample_store)) as embedded:
        assert_same_answer(run_query(remote, query), run_query(embedded, query), query)
    assert {str(s["h"]) for s in remote.query(query)} <= {
        '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>',
        '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>',
    }


def test_dialect_follows_the_server_header() -> None:
    assert detect("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu") is dialects.VIRTUOSO
    assert detect("Oxigraph/0.5.13") is dialects.OXIGRAPH
    assert detect(None) is dialects.GENERIC
    assert dialects.VIRTUOSO.insert_triples and dialects.VIRTUOSO.insert_triples < 4_970


def test_canonical_booleans_in_json_results() -> None:
    body = json.dumps(
        {
            "head": {"vars": ["h", "n"]},
            "results": {
                "bindings": [
                    {
                        "h": {
                            "type": "typed-literal",
                            "value": "0",
                            "datatype": "http://www.w3.org/2001/XMLSchema#boolean",
                        },
                        "n": {
                            "type": "typed-literal",
                            "value": "0",
                            "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                        },
                    }
                ]
            },
        }
    ).encode()
    (row,) = ox.parse_query_results(
        dialects.canonical_results_json(body), ox.QueryResultsFormat.JSON
    )
    assert row["h"].value == "false" and row["n"].value == "0"


@pytest.fixture
def virtuoso(virtuoso_session: Server) -> Server:
    virtuoso_session.clear()
    return virtuoso_session


@pytest.mark.server
def test_virtuoso_writes_go_to_sparql_auth_with_digest(virtuoso: Server) -> None:
    store = virtuoso.open()
    assert store.dialect is dialects.VIRTUOSO
    assert store.update_url == virtuoso.url + "-auth"
    store.apply(helpers_store.sample_graphs())
    assert store.graph_names() == set(helpers_store.sample_graphs())


@pytest.mark.server
def test_virtuoso_refusals_are_one_clear_line(virtuoso: Server) -> None:
    graphs = helpers_store.sample_graphs()
    anonymous = open_store(Config(store=virtuoso.url))
    with pytest.raises(StoreError, match="no SPARQL_UPDATE role") as err:
        anonymous.apply(graphs)
    assert "\n" not in str(err.value)
    wrong = open_store(Config(store=virtuoso.url, store_auth=(virtuoso.auth[0], "wrong")))
    with pytest.raises(StoreError, match="refused access"):
        wrong.apply(graphs)
    assert virtuoso.open().graph_names() == set()


# -- every gold set: the same answers from a server as from the embedded store -----

GOLD_SETS = {
    "seeds": "data/articles",
    "dev": "data/dev",
    "test": "data/test",
    "holdout": "data/holdout",
    "final": "data/final",
    "blind": "data/blind",
}


@pytest.fixture(scope="module")
def gold_stores(tmp_path_factory: pytest.TempPathFactory, nlp) -> dict[str, str]:
    """Each gold set built once into an embedded store (the server gets its quads)."""
    from kg.build.runner import Stages, build

    repo = Path(__file__).resolve().parents[1]
    built = {}
    for name, articles in GOLD_SETS.items():
        base = tmp_path_factory.mktemp(f"gold-{name}")
        shutil.copytree(repo / articles, base / "articles")
        location = str(base / "store")
        build(
            [base / "articles"],
            Config(store=location),
            stages=Stages(load_pipeline=lambda _cfg: nlp),
        )
        built[name] = location
    return built


@pytest.mark.server
@pytest.mark.model
@pytest.mark.parametrize("name", sorted(GOLD_SETS))
def test_every_command_answers_alike_on_every_gold_set(
    server: Server, gold_stores: dict[str, str], name: str, tmp_path: Path
) -> None:
    """query (every saved query), export, stats, viz's network, validate and eval."""
    from kg.eval.score import evaluate
    from kg.eval.shapes import validate
    from kg.view.export import export_store
    from kg.view.network import load_network
    from kg.view.stats import compute_stats

    repo = Path(__file__).resolve().parents[1]
    local = Config(store=gold_stores[name])
    with open_store(local) as embedded:
        graphs: dict[str, list[ox.Triple]] = {}
        for quad in embedded.quads(include_system=True):
            graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
        far = server.open()
        far.apply(graphs)
        assert quad_strings(far) == quad_strings(embedded)
        for path in sorted(default_queries_dir().glob("*.rq")):
            # One page holding every row: a page's rows follow each store's own order.
            text = path.read_text(encoding="utf-8").replace("LIMIT 100 OFFSET 0", "LIMIT 1000000")
            assert_same_answer(run_query(far, text), run_query(embedded, text), path.name)
        assert compute_stats(far) == compute_stats(embedded)
        mine, theirs = load_network(far), load_network(embedded)
        assert list(mine.nodes(data=True)) == list(theirs.nodes(data=True))
        assert list(mine.edges(keys=True, data=True)) == list(theirs.edges(keys=True, data=True))
        assert validate(far, local) == validate(embedded, local)
    for fmt in ("turtle", "nquads", "jsonld", "graphml"):
        export_store(local, fmt, tmp_path / f"local.{fmt}")
        export_store(server.config(), fmt, tmp_path / f"far.{fmt}")
        assert (tmp_path / f"far.{fmt}").read_bytes() == (tmp_path / f"local.{fmt}").read_bytes()
    gold = repo / "data" / "gold" / f"{name}.json"
    assert evaluate(gold, server.config()).to_dict() == evaluate(gold, local).to_dict()


def test_a_graph_past_the_request_limit_is_split_in_order() -> None:
    """Virtuoso refuses requests over 10 MB: a big graph becomes several operations,
    the drop first, each under the limit, every triple once."""
    from kg.store.updates import graph_operations

    p = ox.NamedNode("https://w3id.org/cluster-kg/ontology#extractionRecord")
    big = [
        ox.Triple(
            ox.NamedNode(f"https://w3id.org/cluster-kg/id/article/a{i}"), p, ox.Literal("x" * 5000)
        )
        for i in range(400)
    ]
    ops = graph_operations(ENTITIES_GRAPH, big, 2_000, 400_000)
    assert len(ops) > 1 and ops[0].startswith(f"DROP SILENT GRAPH <{ENTITIES_GRAPH}>")
    assert all(len(op.encode()) <= 400_000 for op in ops)
    assert sum(op.count('"x') for op in ops) == 400
    assert graph_operations(ENTITIES_GRAPH, big[:3], 2_000, None)[0].count("INSERT DATA") == 1
    assert batch_requests(ops, 400_000) == ops  # each operation its own request
