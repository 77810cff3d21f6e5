"""The remote store against a REAL Oxigraph server (the `oxigraph` PyPI package).

Every comparison is made against the embedded store holding the same graphs:
a remote store is only useful if `kg query`, `kg export` and `kg stats` cannot
tell the two apart.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import helpers_store
import pyoxigraph as ox
import pytest

from kg.config import Config, default_queries_dir, store_auth_from
from kg.errors import QueryError, StoreError
from kg.namespace import ENTITIES_GRAPH
from kg.sparql.query import answer, run_query
from kg.store import open_store
from kg.store.remote import RemoteStore, batch_requests, derive_update_url

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
A1 = "https://w3id.org/cluster-kg/id/article/a1"
A2 = "https://w3id.org/cluster-kg/id/article/a2"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """Query URL of a fresh Oxigraph server on a free loopback port."""
    binary = str(OXIGRAPH) if OXIGRAPH.exists() else shutil.which("oxigraph")
    # A dev dependency (pyproject.toml): missing means a broken install, not a skip.
    assert binary is not None, "the oxigraph server is not installed (pip install oxigraph)"
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    pytest.fail(f"oxigraph server did not start: {err}")
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def remote(server: str) -> RemoteStore:
    store = open_store(Config(store=server))
    assert isinstance(store, RemoteStore)
    store.apply(helpers_store.sample_graphs())
    return store


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
        assert run_query(remote, query) == run_query(embedded, query)


@pytest.mark.server
def test_saved_queries_answer_as_the_embedded_store(remote: RemoteStore, sample_store: str) -> None:
    saved = sorted(default_queries_dir().glob("*.rq"))
    assert saved
    with open_store(Config(store=sample_store)) as embedded:
        for path in saved:
            text = path.read_text(encoding="utf-8")
            mine, theirs = run_query(remote, text), run_query(embedded, text)
            assert mine.kind == theirs.kind, path.name
            if mine.kind == "select":  # row order may differ without ORDER BY
                rows = [json.loads(o.payload)["results"]["bindings"] for o in (mine, theirs)]
                key = lambda b: json.dumps(b, sort_keys=True)  # noqa: E731
                assert sorted(rows[0], key=key) == sorted(rows[1], key=key), path.name
            else:
                assert mine == theirs, path.name


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
def test_writes_go_in_batches(server: str) -> None:
    graphs = helpers_store.sample_graphs()
    sent: list[str] = []

    class Counting(RemoteStore):
        def _post(self, url, form, accept, *, is_query):  # type: ignore[no-untyped-def]
            if not is_query:
                sent.append(form[0][1])
            return super()._post(url, form, accept, is_query=is_query)

    whole = Counting(server, derive_update_url(server))
    whole.apply(graphs)
    assert len(sent) == 1  # four graphs, one request
    sent.clear()
    small = Counting(server, derive_update_url(server), batch_bytes=1500)
    small.apply(graphs)
    assert 1 < len(sent) < sum(len(t) for t in graphs.values())
    assert all("DROP SILENT GRAPH" in request for request in sent)
    expected = sorted(
        str(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)))
        for g, ts in graphs.items()
        for t in ts
    )
    assert sorted(quad_strings(small)) == expected


@pytest.mark.server
def test_blank_nodes_are_skolemised(server: str) -> None:
    store = RemoteStore(server, derive_update_url(server))
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
    # Same position; the detail after it differs slightly between the two builds.
    assert str(far.value).split(":")[0] == str(local.value).split(":")[0]
    assert str(far.value).startswith("invalid SPARQL at line 2, column")


def test_unreachable_server_is_one_clear_error() -> None:
    url = f"http://127.0.0.1:{_free_port()}/query"
    with pytest.raises(StoreError, match="cannot reach remote store"):
        open_store(Config(store=url))


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []

    def do_POST(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(401)
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
    assert _Recorder.seen == ["Basic " + base64.b64encode(b"reader:s3cret").decode()]
    assert "s3cret" not in str(err.value)


@pytest.mark.server
@pytest.mark.model
def test_build_into_the_server_gives_the_embedded_graph(
    server: str, seed_dir: Path, tmp_path: Path
) -> None:
    """`kg --store URL build` writes the same graph the embedded build does.

    The build runs as the real CLI in its own process, as a user would run it.
    """
    from kg.view.export import export_store

    far = Config(store=server)
    kg_build(server, seed_dir)
    local = Config(store=str(tmp_path / "embedded"))
    kg_build(local.store, seed_dir)  # same folder: same kg:sourceFile paths
    with open_store(far) as remote_store, open_store(local) as embedded:
        assert quad_strings(remote_store, False) == quad_strings(embedded, False)
        for path in sorted(default_queries_dir().glob("*.rq")):
            text = path.read_text(encoding="utf-8")
            mine, theirs = run_query(remote_store, text), run_query(embedded, text)
            if mine.kind == "select":
                rows = [json.loads(o.payload)["results"]["bindings"] for o in (mine, theirs)]
                key = lambda b: json.dumps(b, sort_keys=True)  # noqa: E731
                assert sorted(rows[0], key=key) == sorted(rows[1], key=key), path.name
            else:
                assert mine == theirs, path.name
        stats = pytest.importorskip("kg.view.stats")
        assert stats.compute_stats(remote_store) == stats.compute_stats(embedded)
    export_store(local, "turtle", tmp_path / "local.ttl")
    export_store(far, "turtle", tmp_path / "far.ttl")
    assert (tmp_path / "far.ttl").read_bytes() == (tmp_path / "local.ttl").read_bytes()
    # A second build finds its cache on the server and changes nothing.
    before = quad_strings(open_store(far))
    kg_build(server, seed_dir)
    assert quad_strings(open_store(far)) == before


def kg_build(store: str, articles: Path) -> None:
    kg = Path(sys.executable).parent / "kg"
    done = subprocess.run(
        [str(kg), "--store", store, "build", str(articles)],
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
