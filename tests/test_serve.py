"""The SPARQL endpoint: protocol, formats, errors, refusals, limits, concurrency.

Each test starts a real server on a free loopback port in a thread against a
small hand-made store and talks HTTP to it, as a researcher's tool would.
"""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import helpers_store
import pyoxigraph as ox
import pytest

from kg.config import Config
from kg.errors import StoreError
from kg.sparql.protocol import negotiate
from kg.sparql.server import ServeOptions, SparqlServer, make_server
from kg.store import open_store

SELECT_ALL = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label"
# Three entity labels in helpers_store.sample_graphs().
N_LABELS = 3


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def request(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return Reply(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def get_query(base: str, query: str, accept: str | None = None) -> Reply:
    headers = {"Accept": accept} if accept else {}
    return request(base + "sparql?" + urllib.parse.urlencode({"query": query}), headers=headers)


Start = Callable[..., SparqlServer]


@pytest.fixture
def start(sample_store: str, tmp_path: Path) -> Iterator[Start]:
    """Start a server over the sample store with given options (see `.url`)."""
    servers: list[tuple[SparqlServer, threading.Thread]] = []
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "labels.rq").write_text("# Every label\n" + SELECT_ALL + "\n", encoding="utf-8")

    def _start(store: str = sample_store, **options: object) -> SparqlServer:
        cfg = Config(store=store, queries_dir=queries)
        server = make_server(cfg, replace(ServeOptions(port=0), **options))
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        servers.append((server, thread))
        return server

    yield _start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        server.pool.close()
        server.holder.close()
        thread.join(10)


def labels(reply: Reply) -> list[str]:
    doc = json.loads(reply.body)
    return [b["label"]["value"] for b in doc["results"]["bindings"]]


# -- protocol: methods ------------------------------------------------------


def test_get_returns_w3c_json_by_default(start: Start) -> None:
    reply = get_query(start().url, SELECT_ALL)
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/sparql-results+json"
    assert labels(reply) == ["Acme GmbH", "Lab Network", "Täunchen"]


def test_post_form_and_direct_query_give_the_same_answer(start: Start) -> None:
    base = start().url
    form = request(
        base + "sparql",
        method="POST",
        data=urllib.parse.urlencode({"query": SELECT_ALL}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    direct = request(
        base + "sparql",
        method="POST",
        data=SELECT_ALL.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert form.status == direct.status == 200
    assert labels(form) == labels(direct) == labels(get_query(base, SELECT_ALL))


def test_post_with_another_content_type_is_415(start: Start) -> None:
    reply = request(
        start().url + "sparql", method="POST", data=b"x", headers={"Content-Type": "text/plain"}
    )
    assert reply.status == 415


def test_put_is_not_allowed(start: Start) -> None:
    reply = request(start().url + "sparql", method="PUT", data=b"x")
    assert reply.status == 405
    assert "read-only" in reply.text


# -- content negotiation ----------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", "JSON"),
        ("application/sparql-results+xml", "application/sparql-results+xml", "XML"),
        ("text/csv", "text/csv", "CSV"),
        ("text/tab-separated-values", "text/tab-separated-values", "TSV"),
        ("text/html, */*;q=0.1", "application/sparql-results+json", "JSON"),
        ("application/json", "application/sparql-results+json", "JSON"),
    ],
)
def test_select_formats(start: Start, accept: str, media: str, fmt: str) -> None:
    reply = get_query(start().url, SELECT_ALL, accept)
    assert reply.status == 200
    assert reply.headers["content-type"].split(";")[0] == media
    if fmt in ("JSON", "XML", "TSV"):
        parsed = ox.parse_query_results(reply.body, getattr(ox.QueryResultsFormat, fmt))
        assert sorted(s["label"].value for s in parsed) == ["Acme GmbH", "Lab Network", "Täunchen"]
    else:
        lines = reply.text.splitlines()
        assert lines[0] == "s,label"
        assert len(lines) == 1 + N_LABELS


def test_ask_formats(start: Start) -> None:
    base = start().url
    json_reply = get_query(base, "ASK { ?s a kg:Company }")
    assert json.loads(json_reply.body)["boolean"] is True
    xml_reply = get_query(base, "ASK { ?s a kg:Nothing }", "application/sparql-results+xml")
    assert bool(ox.parse_query_results(xml_reply.body, ox.QueryResultsFormat.XML)) is False


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        (None, ox.RdfFormat.TURTLE),
    ],
)
def test_construct_and_describe_formats(
    start: Start, accept: str | None, fmt: ox.RdfFormat
) -> None:
    base = start().url
    construct = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }"
    reply = get_query(base, construct, accept)
    assert reply.status == 200
    assert reply.headers["content-type"].split(";")[0] == fmt.media_type
    triples = {q.triple for q in ox.parse(reply.body, fmt)}
    assert len(triples) == N_LABELS
    describe = get_query(base, "DESCRIBE <https://w3id.org/cluster-kg/id/entity/town>", accept)
    assert describe.status == 200
    assert {q.triple for q in ox.parse(describe.body, fmt)}


def test_unacceptable_type_is_406(start: Start) -> None:
    base = start().url
    assert get_query(base, SELECT_ALL, "image/png").status == 406
    # A type that only fits graph results is refused once the answer is a table.
    reply = get_query(base, SELECT_ALL, "text/turtle")
    assert reply.status == 406
    assert "text/csv" in reply.text


def test_negotiate_prefers_q_then_our_order() -> None:
    offered = ("a/x", "b/y", "text/csv")
    assert negotiate("b/y;q=0.9, a/x;q=0.5", offered) == "b/y"
    assert negotiate("*/*", offered) == "a/x"
    assert negotiate("text/*", offered) == "text/csv"
    assert negotiate("*/*;q=0.1, a/x;q=0", offered) == "b/y"
    assert negotiate("nonsense", offered) is None


# -- errors and refusals ----------------------------------------------------


def test_bad_query_is_400_with_the_parser_message(start: Start) -> None:
    reply = get_query(start().url, "SELECT ?s WHERE { ?s ?p }")
    assert reply.status == 400
    assert "invalid SPARQL at line 1" in reply.text


def test_missing_query_is_400(start: Start) -> None:
    base = start().url
    assert request(base + "sparql").status == 400
    both = base + "sparql?" + urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK {}")])
    assert request(both).status == 400


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
        "PREFIX ex: <http://x/#>\nDELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <https://w3id.org/cluster-kg/id/graph/entities>",
    ],
)
def test_updates_are_refused_and_the_store_is_unchanged(
    start: Start, sample_store: str, query: str
) -> None:
    base = start().url
    before = get_query(base, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }").body
    for reply in (
        get_query(base, query),
        request(
            base + "sparql",
            method="POST",
            data=urllib.parse.urlencode({"update": query}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        request(
            base + "sparql",
            method="POST",
            data=query.encode(),
            headers={"Content-Type": "application/sparql-update"},
        ),
    ):
        assert reply.status == 403
        assert "read-only" in reply.text
    assert get_query(base, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }").body == before


def test_service_is_refused_but_the_word_elsewhere_is_not(start: Start) -> None:
    base = start().url
    federated = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    reply = get_query(base, federated)
    assert reply.status == 403
    assert "SERVICE" in reply.text
    silent = "SELECT * WHERE { service silent <http://example.org/sparql> { ?s ?p ?o } }"
    assert get_query(base, silent).status == 403
    harmless = (
        "# a SERVICE in a comment\n"
        'SELECT ?service WHERE { ?service rdfs:label "SERVICE desk" } LIMIT 1'
    )
    assert get_query(base, harmless).status == 200


def test_body_over_the_limit_is_413(start: Start) -> None:
    base = start(max_body=1000).url
    big = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 2000
    reply = request(
        base + "sparql",
        method="POST",
        data=big.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert reply.status == 413
    assert "limit" in reply.text
    assert get_query(base, SELECT_ALL).status == 200


def test_graph_uri_parameters_are_refused_clearly(start: Start) -> None:
    url = (
        start().url
        + "sparql?"
        + urllib.parse.urlencode({"query": SELECT_ALL, "default-graph-uri": "http://x/g"})
    )
    reply = request(url)
    assert reply.status == 400
    assert "default-graph-uri" in reply.text


def test_unknown_path_is_404(start: Start) -> None:
    assert request(start().url + "nothing-here").status == 404


def test_missing_store_fails_at_start(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        make_server(Config(store=str(tmp_path / "none")), ServeOptions(port=0))


# -- limits -----------------------------------------------------------------

# A cross product of the ~35 triples with themselves five times: 50 million
# rows that pyoxigraph streams one by one, so the worker can be stopped between rows.
SLOW = "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
# The same as one aggregate: seconds inside pyoxigraph that cannot be interrupted.
SLOW_COUNT = (
    "SELECT (COUNT(*) AS ?count) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
)


def test_busy_server_answers_503_and_recovers(start: Start) -> None:
    server = start(max_concurrent=1, queue_wait=0.0)
    # Take the only query worker, as a long-running query would.
    worker = server.pool.acquire(5)
    assert worker is not None
    try:
        busy = get_query(server.url, SELECT_ALL)
    finally:
        server.pool.release(worker)
    assert busy.status == 503
    assert "busy" in busy.text
    assert busy.headers["retry-after"]
    assert get_query(server.url, SELECT_ALL).status == 200


def test_timeout_cuts_a_long_query_and_frees_its_slot(start: Start) -> None:
    # One slot and a long queue wait: the second query only runs if the
    # abandoned worker really stopped and gave its slot back.
    base = start(timeout=0.3, max_rows=10**9, max_concurrent=1, queue_wait=60.0).url
    reply = get_query(base, SLOW)
    assert reply.status == 503
    assert "timed out after 0.3 s" in reply.text
    assert get_query(base, SELECT_ALL).status == 200


def test_row_cap_truncates_and_says_so(start: Start) -> None:
    base = start(max_rows=2).url
    reply = get_query(base, SELECT_ALL)
    assert reply.status == 200
    assert labels(reply) == ["Acme GmbH", "Lab Network"]
    assert reply.headers["kg-truncated"] == "max-rows=2"
    construct = get_query(base, "CONSTRUCT WHERE { ?s rdfs:label ?l }", "application/n-triples")
    assert len(construct.text.splitlines()) == 2
    assert "kg-truncated" in construct.headers
    small = get_query(base, "SELECT ?s WHERE { ?s a kg:Company }")
    assert "kg-truncated" not in small.headers


# -- CORS -------------------------------------------------------------------


def test_cors_is_off_by_default(start: Start) -> None:
    reply = get_query(start().url, SELECT_ALL)
    assert "access-control-allow-origin" not in reply.headers
    preflight = request(start().url + "sparql", method="OPTIONS")
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_origin_when_asked(start: Start) -> None:
    base = start(cors="https://yasgui.example").url
    reply = get_query(base, SELECT_ALL)
    assert reply.headers["access-control-allow-origin"] == "https://yasgui.example"
    preflight = request(base + "sparql", method="OPTIONS")
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == "https://yasgui.example"
    assert "POST" in preflight.headers["access-control-allow-methods"]


# -- page, saved queries, network --------------------------------------------


def test_page_and_assets_are_local(start: Start) -> None:
    base = start().url
    page = request(base)
    assert page.status == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "http://" not in page.text
    assert "https://" not in page.text
    assets = ("query.js", "query.css", "yasgui.min.js", "yasgui.min.css", "resource.css")
    for asset in (*assets, "yasgui.LICENSE-MIT", "yasgui.THIRD-PARTY-NOTICES"):
        assert request(base + "assets/" + asset).status == 200


def test_saved_queries_are_listed_and_run(start: Start) -> None:
    base = start().url
    saved = json.loads(request(base + "queries").body)["queries"]
    assert [(q["name"], q["title"]) for q in saved] == [("labels", "Every label")]
    assert labels(get_query(base, saved[0]["query"])) == ["Acme GmbH", "Lab Network", "Täunchen"]


def test_network_page(start: Start) -> None:
    pytest.importorskip("kg.view.viz")
    reply = request(start().url + "network")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert "Acme GmbH" in reply.text


# -- concurrency and builds while serving -------------------------------------


def test_fifty_concurrent_clients_are_all_answered(start: Start, sample_store: str) -> None:
    base = start(max_concurrent=4).url
    queries = [SELECT_ALL, "ASK { ?s a kg:Company }", "CONSTRUCT WHERE { ?s kg:title ?t }"]

    def client(i: int) -> int:
        statuses = {get_query(base, queries[(i + k) % 3]).status for k in range(4)}
        return statuses.pop() if len(statuses) == 1 else 0

    with ThreadPoolExecutor(max_workers=50) as pool:
        assert list(pool.map(client, range(50))) == [200] * 50
    with open_store(Config(store=sample_store)) as store:
        assert {str(q) for q in store.quads(include_system=True)} == {
            str(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)))
            for g, triples in helpers_store.sample_graphs().items()
            for t in triples
        }


def test_a_build_while_serving_works_and_is_seen_whole(start: Start, sample_store: str) -> None:
    """Readers hold no lock: a writer can replace graphs while the server runs,
    and the next request sees the new state as a whole."""
    base = start().url
    graph = "https://w3id.org/cluster-kg/id/article/a3"
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"

    def n() -> int:
        reply = get_query(base, count)
        if reply.status != 200:
            return -reply.status
        return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])

    assert n() == 0
    art = ox.NamedNode("https://w3id.org/cluster-kg/id/article/a3")
    kg = "https://w3id.org/cluster-kg/ontology#"
    new = [ox.Triple(art, ox.NamedNode(kg + "title"), ox.Literal(f"title {i}")) for i in range(50)]
    stop = threading.Event()
    seen: list[int] = []

    def reader() -> None:
        while not stop.is_set():
            seen.append(n())
        seen.append(n())

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in readers:
        t.start()
    try:
        with open_store(Config(store=sample_store), create=True) as store:
            store.apply({art.value: new})
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert set(seen) <= {0, 50}  # always answered, never a half-written graph
    assert n() == 50


# -- the CLI process ----------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_kg_serve_stops_cleanly_on_a_signal(sample_store: str, sig: signal.Signals) -> None:
    """SIGTERM (service managers) and SIGINT (Ctrl-C) end the process with status 0."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    kg = Path(sys.executable).parent / "kg"
    proc = subprocess.Popen(
        [str(kg), "--store", sample_store, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        ready = proc.stderr.readline()
        assert f"127.0.0.1:{port}" in ready
        assert get_query(f"http://127.0.0.1:{port}/", SELECT_ALL).status == 200
        proc.send_signal(sig)
        assert proc.wait(30) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_shutdown_finishes_the_answer_in_flight_and_ignores_idle_connections(
    sample_store: str,
) -> None:
    """A query running when SIGTERM arrives still gets its answer; a browser's idle
    keep-alive connection does not keep the process alive."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    kg = Path(sys.executable).parent / "kg"
    proc = subprocess.Popen(
        [str(kg), "--store", sample_store, "serve", "--port", str(port), "--timeout", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    idle = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        assert proc.stderr is not None
        proc.stderr.readline()
        idle.request("GET", "/queries")
        assert idle.getresponse().read() is not None  # the connection stays open
        slow: list[Reply | Exception] = []

        def ask() -> None:
            try:
                slow.append(get_query(f"http://127.0.0.1:{port}/", SLOW_COUNT))
            except Exception as exc:  # shown by the assertion below
                slow.append(exc)

        client = threading.Thread(target=ask)
        client.start()
        time.sleep(0.5)  # ordering only: let the query reach the server first
        proc.send_signal(signal.SIGTERM)
        client.join(60)
        assert proc.wait(30) == 0
    finally:
        idle.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    (reply,) = slow
    assert isinstance(reply, Reply), reply
    assert reply.status == 503
    assert "timed out" in reply.text


# -- other SPARQL clients ---------------------------------------------------------


def test_rdflib_sparqlstore_reads_the_endpoint(start: Start) -> None:
    """rdflib's SPARQLStore (GET, XML results, its own Accept header) works as a client."""
    from rdflib import Graph, Literal
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(query_endpoint=start().url + "sparql")
    graph = Graph(store=store)
    rows = graph.query(
        "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
        "ORDER BY ?label"
    )
    assert [row[0] for row in rows] == [
        Literal(x) for x in ("Acme GmbH", "Lab Network", "Täunchen")
    ]
    store.method = "POST"
    assert bool(graph.query("ASK { ?s a <https://w3id.org/cluster-kg/ontology#Company> }"))
