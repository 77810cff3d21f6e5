"""The remote backend: the Store protocol over a SPARQL 1.1 Query + Update server.

When a corpus outgrows the embedded store, the graph goes to an existing
server (Oxigraph, Fuseki, GraphDB, Virtuoso, QLever) and every command keeps
working unchanged. Only the two W3C protocols are used, so any compliant
server fits; the standard library's urllib is enough for that.

Decisions:

* Same query semantics as the embedded store: the usual prefixes are
  predeclared and the default graph is the union of all named graphs. The
  union is asked for the standard way, one `default-graph-uri` (and
  `named-graph-uri`) per graph, as servers differ in how, or whether, they
  offer a union switch. That costs one extra round trip per query and a
  request that grows with the number of articles.
* Query answers come back as real pyoxigraph result objects, so callers
  cannot tell the backends apart. Graph answers are parsed and re-queried
  from an in-memory store, because pyoxigraph has no public constructor for
  `QueryTriples`.
* Writes replace whole named graphs (`DROP SILENT GRAPH` + `INSERT DATA`) in
  requests of bounded size instead of one request per triple. A graph's drop
  and insert always travel in the same request, which servers execute as one
  transaction, so a graph is never seen half-replaced; a change set larger
  than one request is atomic per request, not as a whole.
* Blank nodes are skolemised to IRIs under the data base (the shape has none;
  this only protects other data from being silently merged).
* Credentials come from KG_STORE_USER / KG_STORE_PASSWORD in the environment, read
  by the CLI into `Config.store_auth` (kept out of its repr), so they cannot show
  up in a log line or a command line.
"""

from __future__ import annotations

import base64
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from kg.errors import QueryError, StoreError
from kg.namespace import DATA_BASE, SYSTEM_GRAPH
from kg.store.base import collect_graphs, nquads_pieces, quad_sort_key

if TYPE_CHECKING:
    import pyoxigraph

    from kg.config import Config
    from kg.store.base import QueryResult

#: Largest UPDATE request body; one graph bigger than this travels alone.
DEFAULT_BATCH_BYTES = 4 << 20
DEFAULT_TIMEOUT = 120.0
SKOLEM_BASE = DATA_BASE + "genid/"
_RESULTS_JSON = "application/sparql-results+json"
_ACCEPT = f"{_RESULTS_JSON}, application/n-triples;q=0.9, text/turtle;q=0.8"


def derive_update_url(query_url: str) -> str:
    """The update endpoint for the usual server layouts, or a StoreError asking for it.

    Oxigraph and Fuseki: `.../query` -> `.../update`; Virtuoso, QLever and
    Fuseki's dataset URL `.../sparql`: the same URL; GraphDB:
    `.../repositories/NAME` -> `.../repositories/NAME/statements`.
    """
    parts = urllib.parse.urlsplit(query_url)
    path = parts.path.rstrip("/")
    if path.endswith("/query"):
        path = path[: -len("query")] + "update"
    elif path.endswith("/sparql"):
        pass
    elif re.search(r"/repositories/[^/]+$", path):
        path += "/statements"
    else:
        raise StoreError(
            f"cannot tell the update endpoint of {query_url}; "
            "give it with --update-url or KG_STORE_UPDATE"
        )
    return urllib.parse.urlunsplit(parts._replace(path=path))


def open_remote(cfg: Config) -> RemoteStore:
    """The server `cfg.store` names, checked to answer before any work starts."""
    update_url = cfg.update_url or derive_update_url(cfg.store)
    store = RemoteStore(cfg.store, update_url, auth=cfg.store_auth)
    store.ping()
    return store


def _prologue() -> str:
    """All predeclared prefixes on ONE line, so error line numbers shift by exactly one."""
    from kg.namespace import PREFIXES

    return " ".join(f"PREFIX {name}: <{iri}>" for name, iri in sorted(PREFIXES.items())) + "\n"


def _syntax_message(detail: str) -> str:
    """The embedded store's wording, pointing back at the user's own line.

    Oxigraph answers "Error at 2:7: expected ..."; line 1 is our prologue.
    """
    match = re.match(r"error at (\d+):(\d+): (.*)", detail, re.IGNORECASE)
    if match:
        line, column, rest = match.groups()
        return f"invalid SPARQL at line {max(1, int(line) - 1)}, column {column}: {rest}"
    return f"invalid SPARQL: {detail}"


def _skolem(term: object) -> str:
    """SPARQL text of a term, with blank nodes turned into stable IRIs."""
    import pyoxigraph

    if isinstance(term, pyoxigraph.BlankNode):
        return f"<{SKOLEM_BASE}{term.value}>"
    return str(term)


def _graph_operation(graph: str, triples: list[pyoxigraph.Triple]) -> str:
    """Replace one graph: drop it, then insert its triples, in one request."""
    drop = f"DROP SILENT GRAPH <{graph}>"
    if not triples:
        return drop
    lines = "\n".join(
        f"{_skolem(t.subject)} {_skolem(t.predicate)} {_skolem(t.object)} ." for t in triples
    )
    return f"{drop} ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{lines}\n}} }}"


def batch_requests(operations: Iterable[str], limit: int) -> list[str]:
    """Join operations with ';' into requests of at most `limit` bytes (one op may exceed it)."""
    requests: list[str] = []
    current: list[str] = []
    size = 0
    for op in operations:
        op_size = len(op.encode("utf-8")) + 3
        if current and size + op_size > limit:
            requests.append(" ;\n".join(current))
            current, size = [], 0
        current.append(op)
        size += op_size
    if current:
        requests.append(" ;\n".join(current))
    return requests


class RemoteStore:
    """A SPARQL 1.1 server seen through the Store protocol."""

    def __init__(
        self,
        query_url: str,
        update_url: str,
        *,
        auth: tuple[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        batch_bytes: int = DEFAULT_BATCH_BYTES,
    ) -> None:
        self.location = query_url
        self.creating = False  # a server's store always exists
        self.update_url = update_url
        self._timeout = timeout
        self._batch_bytes = batch_bytes
        self._headers: dict[str, str] = {"User-Agent": "kg"}
        if auth:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HTTP --------------------------------------------------------------
    def _post(
        self, url: str, form: list[tuple[str, str]], accept: str, *, is_query: bool
    ) -> tuple[str, bytes]:
        """POST a form; return (content type, body). HTTP failures become one-line errors."""
        data = urllib.parse.urlencode(form).encode("utf-8")
        headers = {
            **self._headers,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": accept,
        }
        req = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self._timeout) as resp:
                media = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                return media, resp.read()
        except urllib.error.HTTPError as exc:
            detail = _first_line(exc.read().decode("utf-8", "replace")) or exc.reason
            if exc.code in (401, 403):
                raise StoreError(
                    f"remote store {url} refused access ({exc.code}); "
                    "set KG_STORE_USER and KG_STORE_PASSWORD"
                ) from exc
            if is_query and exc.code == 400:
                raise QueryError(_syntax_message(detail)) from exc
            raise StoreError(f"remote store {url} answered {exc.code}: {detail}") from exc
        except urllib.error.URLError as exc:
            raise StoreError(f"cannot reach remote store {url}: {exc.reason}") from exc
        except (TimeoutError, ConnectionError) as exc:
            raise StoreError(f"cannot reach remote store {url}: {exc}") from exc

    def _select(self, sparql: str, form: list[tuple[str, str]] | None = None) -> bytes:
        media, body = self._post(
            self.location, [("query", sparql), *(form or [])], _RESULTS_JSON, is_query=True
        )
        if media not in (_RESULTS_JSON, "application/json"):
            raise StoreError(
                f"remote store {self.location} answered {media or 'no type'}, not JSON"
            )
        return body

    def ping(self) -> None:
        """Fail now, with a clear line, when the server is not there or refuses us."""
        self._select("ASK {}")

    # -- Store protocol ----------------------------------------------------
    def graph_names(self) -> set[str]:
        import pyoxigraph

        body = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
        parsed = pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON)
        return {s["g"].value for s in parsed if isinstance(s["g"], pyoxigraph.NamedNode)}

    def query(self, sparql: str) -> QueryResult:
        """Run a read query over the union of all graphs, like the embedded store."""
        import pyoxigraph

        # Naming the default graphs empties the named-graph set unless it is
        # named too (SPARQL Protocol 2.1.4), which would break GRAPH ?g.
        graphs = sorted(self.graph_names())
        union = [("default-graph-uri", g) for g in graphs]
        union += [("named-graph-uri", g) for g in graphs]
        media, body = self._post(
            self.location, [("query", _prologue() + sparql), *union], _ACCEPT, is_query=True
        )
        if media in (_RESULTS_JSON, "application/json"):
            return pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON)
        fmt = pyoxigraph.RdfFormat.from_media_type(media) if media else None
        if fmt is None:
            raise StoreError(f"remote store {self.location} answered an unknown type {media!r}")
        try:
            triples = pyoxigraph.Store()
            triples.bulk_extend(pyoxigraph.parse(body, fmt))
        except SyntaxError as exc:
            raise StoreError(
                f"remote store {self.location} sent unreadable {media}: {exc}"
            ) from exc
        return triples.query("CONSTRUCT WHERE { ?s ?p ?o }")

    def triples(self, graph: str) -> None:
        """Not read back: a server may return other lexical forms of the same terms
        (decimals, language tags), so every written graph is rewritten whole."""
        return None

    def quads(self, include_system: bool = False) -> Iterator[pyoxigraph.Quad]:
        """Every quad in the same stable order as the embedded store."""
        import pyoxigraph


        body = self._select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        parsed = pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON)
        quads = [pyoxigraph.Quad(s["s"], s["p"], s["o"], s["g"]) for s in parsed]
        if not include_system:
            quads = [q for q in quads if str(q.graph_name) != f"<{SYSTEM_GRAPH}>"]
        return iter(sorted(quads, key=quad_sort_key))

    def apply(
        self,
        replace: Mapping[str, Iterable[pyoxigraph.Triple]],
        drop: Iterable[str] = (),
    ) -> None:
        """Replace and drop whole graphs in batched UPDATE requests (see the module docstring).

        Every triple iterable is consumed and every request built before the
        first one is sent, so a Python-side failure leaves the server untouched.
        """
        replaced = {graph: list(triples) for graph, triples in replace.items()}
        operations = [f"DROP SILENT GRAPH <{graph}>" for graph in sorted(set(drop) - set(replaced))]
        operations += [_graph_operation(g, replaced[g]) for g in sorted(replaced)]
        for request in batch_requests(operations, self._batch_bytes):
            self._post(self.update_url, [("update", request)], "*/*", is_query=False)

    def load(self, graphs: Iterable[tuple[str, Iterable[pyoxigraph.Triple]]]) -> None:
        """Write the pieces' graphs in `apply`'s batched requests: nothing to stream into."""

        self.apply(collect_graphs(graphs))

    def load_nquads(self, documents: Iterable[bytes]) -> None:
        """N-Quads documents written like `load`'s pieces."""

        self.load(nquads_pieces(documents))

    def close(self) -> None:
        """Nothing to release: every request uses its own connection."""


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
