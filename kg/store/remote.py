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

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from kg.errors import QueryError, StoreError
from kg.namespace import DATA_BASE, SYSTEM_GRAPH
from kg.store.base import collect_graphs, nquads_pieces, quad_sort_key
from kg.store.dialects import (
    GENERIC,
    Dialect,
    canonical_results_json,
    canonical_term,
    detect,
)

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
_GRAPH_ACCEPT = f"application/n-triples, text/turtle;q=0.9, {_RESULTS_JSON};q=0.8"


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
    """The server `cfg.store` names, checked to answer before any work starts.

    The first answer tells which server this is (its `Server` header), and so
    which dialect to follow; a Virtuoso `/sparql` URL with credentials writes
    to its authenticated `/sparql-auth` endpoint.
    """
    update_url = cfg.update_url or derive_update_url(cfg.store)
    store = RemoteStore(cfg.store, update_url, auth=cfg.store_auth)
    store.ping()
    suffix = store.dialect.auth_update_suffix
    if cfg.update_url is None and cfg.store_auth and suffix and update_url == cfg.store:
        parts = urllib.parse.urlsplit(cfg.store)
        if parts.path.rstrip("/").endswith("/sparql"):
            store.update_url = urllib.parse.urlunsplit(
                parts._replace(path=parts.path.rstrip("/") + suffix)
            )
    return store


def _prologue() -> str:
    """All predeclared prefixes on ONE line, so error line numbers shift by exactly one."""
    from kg.namespace import PREFIXES

    return " ".join(f"PREFIX {name}: <{iri}>" for name, iri in sorted(PREFIXES.items())) + "\n"


def _syntax_message(detail: str) -> str:
    """The embedded store's wording, pointing back at the user's own line.

    Oxigraph answers "Error at 2:7: expected ..." and Virtuoso "... SPARQL
    compiler, line 2: syntax error at ..."; line 1 is our prologue.
    """
    match = re.match(r"error at (\d+):(\d+): (.*)", detail, re.IGNORECASE)
    if match:
        line, column, rest = match.groups()
        return f"invalid SPARQL at line {max(1, int(line) - 1)}, column {column}: {rest}"
    match = re.search(r"SPARQL compiler, line (\d+): (.*)", detail)
    if match:
        line, rest = match.groups()
        return f"invalid SPARQL at line {max(1, int(line) - 1)}: {rest}"
    return f"invalid SPARQL: {detail}"


def _refusal(url: str, code: int, detail: str) -> StoreError:
    """One line for a server that will not let us do something, saying what to change."""
    if "SR186" in detail or "No permission" in detail:
        return StoreError(
            f"remote store {url} refused the update: the user has no SPARQL_UPDATE role "
            "(Virtuoso: write to .../sparql-auth, with KG_STORE_USER and KG_STORE_PASSWORD "
            "of a user granted SPARQL_UPDATE)"
        )
    if code in (401, 403):
        return StoreError(
            f"remote store {url} refused access ({code}); "
            "set KG_STORE_USER and KG_STORE_PASSWORD"
        )
    return StoreError(f"remote store {url} answered {code}: {detail}")


def _query_form(sparql: str) -> str | None:
    """"SelectQuery", "ConstructQuery", "DescribeQuery" or "AskQuery": the SPARQL
    parser's answer. None for an unparsable query, left to the server to locate."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return str(parseQuery(sparql)[1].name)
    except ParseException:
        return None


def _skolem(term: object) -> str:
    """SPARQL text of a term, with blank nodes turned into stable IRIs."""
    import pyoxigraph

    if isinstance(term, pyoxigraph.BlankNode):
        return f"<{SKOLEM_BASE}{term.value}>"
    return str(term)


def _graph_operations(
    graph: str,
    triples: list[pyoxigraph.Triple],
    per_insert: int | None = None,
    max_bytes: int | None = None,
) -> list[str]:
    """Replace one graph: drop it, then insert its triples; one operation if it fits.

    `per_insert` caps the triples of one INSERT DATA (a server's parser limit);
    `max_bytes` caps one operation's text (Virtuoso refuses a request over
    10 MB), so a larger graph becomes several operations: the drop and the
    first inserts, then more inserts, in order. Only then can a graph span two
    requests and be seen half-written between them.
    """
    drop = f"DROP SILENT GRAPH <{graph}>"
    if not triples:
        return [drop]
    step = per_insert or len(triples)
    limit = max_bytes or 0
    inserts: list[str] = []
    lines: list[str] = []
    size = 0
    for count, t in enumerate(triples, 1):
        line = f"{_skolem(t.subject)} {_skolem(t.predicate)} {_skolem(t.object)} ."
        lines.append(line)
        size += len(line.encode("utf-8")) + 1
        if len(lines) >= step or (limit and size >= limit // 2) or count == len(triples):
            body = "\n".join(lines)
            inserts.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
            lines, size = [], 0
    if not limit:
        return [" ;\n".join([drop, *inserts])]
    operations = [drop]
    for insert in inserts:
        joined = f"{operations[-1]} ;\n{insert}"
        if len(joined.encode("utf-8")) <= limit:
            operations[-1] = joined
        else:
            operations.append(insert)
    return operations


def batch_requests(
    operations: Iterable[str], limit: int, most: int | None = None
) -> list[str]:
    """Join operations with ';' into requests of at most `limit` bytes (one op may exceed
    it) and, where a server needs it, at most `most` operations."""
    requests: list[str] = []
    current: list[str] = []
    size = 0
    for op in operations:
        op_size = len(op.encode("utf-8")) + 3
        if current and (size + op_size > limit or (most and len(current) >= most)):
            requests.append(" ;\n".join(current))
            current, size = [], 0
        current.append(op)
        size += op_size
    if current:
        requests.append(" ;\n".join(current))
    return requests


class RowCapError(StoreError):
    """The server answered only the first rows of a SELECT (its result-size cap)."""

    def __init__(self, cap: int, url: str) -> None:
        super().__init__(
            f"remote store {url} cut the answer at its row limit ({cap} rows): "
            "narrow the query, page it with LIMIT/OFFSET, or raise the server's limit "
            "(Virtuoso: ResultSetMaxRows)"
        )
        self.cap = cap


class RemoteStore:
    """A SPARQL 1.1 server seen through the Store protocol."""

    #: The `Server` header of the last answer.
    server: str | None = None

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
        #: Which server this is, known after the first answer (`ping`).
        self.dialect: Dialect = GENERIC
        self._timeout = timeout
        self._batch_bytes = batch_bytes
        self._headers: dict[str, str] = {"User-Agent": "kg"}
        # Credentials answer the server's challenge, Basic or Digest (Virtuoso's
        # /sparql-auth), and are never sent before one: a plain-HTTP server that
        # asks for nothing is not handed a password.
        handlers: list[urllib.request.BaseHandler] = []
        if auth:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {query_url, update_url}:  # the whole server: /sparql-auth too
                root = urllib.parse.urlsplit(url)._replace(path="/", query="", fragment="")
                passwords.add_password(None, urllib.parse.urlunsplit(root), auth[0], auth[1])
            handlers = [
                urllib.request.HTTPBasicAuthHandler(passwords),
                urllib.request.HTTPDigestAuthHandler(passwords),
            ]
        self._opener = urllib.request.build_opener(*handlers)

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HTTP --------------------------------------------------------------
    def _post(
        self, url: str, form: list[tuple[str, str]], accept: str, *, is_query: bool
    ) -> tuple[str, bytes]:
        """POST a form; return (content type, body). HTTP failures become one-line errors.

        A SELECT answer the server cut at its row cap (Virtuoso's
        ResultSetMaxRows, announced in `X-SPARQL-MaxRows`) is an error here:
        a shortened answer must never pass for the whole one.
        """
        data = urllib.parse.urlencode(form).encode("utf-8")
        headers = {
            **self._headers,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": accept,
        }
        req = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with self._opener.open(req, timeout=self._timeout) as resp:
                media = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                body = resp.read()
                self.server = resp.headers.get("Server")
                cap = resp.headers.get("X-SPARQL-MaxRows")
        except urllib.error.HTTPError as exc:
            detail = _first_line(exc.read().decode("utf-8", "replace")) or exc.reason
            if is_query and exc.code == 400:
                raise QueryError(_syntax_message(detail)) from exc
            if is_query and "SPARQL compiler" in detail:
                raise QueryError(_syntax_message(detail)) from exc
            raise _refusal(url, exc.code, detail) from exc
        except urllib.error.URLError as exc:
            raise StoreError(f"cannot reach remote store {url}: {exc.reason}") from exc
        except (TimeoutError, ConnectionError) as exc:
            raise StoreError(f"cannot reach remote store {url}: {exc}") from exc
        if cap is not None and is_query:
            raise RowCapError(int(cap) if cap.isdigit() else 0, url)
        return media, body

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
        """Fail now, with a clear line, when the server is not there or refuses us.

        The answer also tells which server this is, and so its dialect.
        """
        self._select("ASK {}")
        self.dialect = detect(self.server)

    # -- Store protocol ----------------------------------------------------
    def _every_row(self, variables: str, pattern: str) -> list[pyoxigraph.QuerySolution]:
        """Every solution of `pattern`: in one answer, or in pages past the server's cap.

        Paging is counted first and checked after: Virtuoso cannot sort more
        rows than its cap (SR353), so pages follow the server's own scan order,
        and a page that overlaps or skips (a store written meanwhile) is an
        error rather than a quietly wrong answer.
        """
        import pyoxigraph

        json_format = pyoxigraph.QueryResultsFormat.JSON
        try:
            body = self._select(f"SELECT {variables} WHERE {{ {pattern} }}")
            return list(pyoxigraph.parse_query_results(body, json_format))
        except RowCapError as exc:
            # One row below the cap: an answer that reaches it is flagged as cut
            # (Virtuoso sends X-SPARQL-MaxRows for exactly `LIMIT cap` too).
            page = max(1, (exc.cap or self.dialect.page_rows) - 1)
        counted = pyoxigraph.parse_query_results(
            self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"), json_format
        )
        total = int(next(iter(counted))["n"].value)
        rows: list[pyoxigraph.QuerySolution] = []
        while len(rows) < total:
            body = self._select(
                f"SELECT {variables} WHERE {{ {pattern} }} LIMIT {page} OFFSET {len(rows)}"
            )
            got = list(pyoxigraph.parse_query_results(body, json_format))
            if not got:
                break
            rows.extend(got)
        distinct = {tuple(str(term) for term in row) for row in rows}
        if len(rows) != total or len(distinct) != total:
            raise StoreError(
                f"remote store {self.location} changed while it was read "
                f"({len(distinct)} of {total} rows); run the command again"
            )
        return rows

    def graph_names(self) -> set[str]:
        import pyoxigraph

        # Graphs from their triples (Virtuoso lists none for `GRAPH ?g {}`), and only
        # kg's own: a shared server's other graphs are not part of this store.
        rows = self._every_row(
            "?g",
            f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
            f'FILTER(STRSTARTS(STR(?g), "{DATA_BASE}")) }}',
        )
        return {s["g"].value for s in rows if isinstance(s["g"], pyoxigraph.NamedNode)}

    def query(self, sparql: str) -> QueryResult:
        """Run a read query over the union of all graphs, like the embedded store."""
        import pyoxigraph

        union, defines = self._union()
        text = _prologue() + sparql
        # Ask for the format the query form calls for: Virtuoso answers a CONSTRUCT
        # with a results table when a results format comes first in Accept.
        form = _query_form(text)
        accept = _GRAPH_ACCEPT if form in ("ConstructQuery", "DescribeQuery") else _ACCEPT
        if form == "DescribeQuery":
            defines = self.dialect.describe_prologue + defines
        text = defines + text
        media, body = self._post(
            self.location, [("query", text), *union], accept, is_query=True
        )
        if media in (_RESULTS_JSON, "application/json"):
            body = canonical_results_json(body)
            return pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON)
        fmt = pyoxigraph.RdfFormat.from_media_type(media) if media else None
        if fmt is None:
            raise StoreError(f"remote store {self.location} answered an unknown type {media!r}")
        try:
            triples = pyoxigraph.Store()
            triples.bulk_extend(
                pyoxigraph.Quad(q.subject, q.predicate, canonical_term(q.object))
                for q in pyoxigraph.parse(body, fmt)
            )
        except SyntaxError as exc:
            raise StoreError(
                f"remote store {self.location} sent unreadable {media}: {exc}"
            ) from exc
        cap = self.dialect.silent_graph_cap
        if cap and len(triples) >= cap:
            # Virtuoso cuts graph answers at its row cap without a word.
            raise RowCapError(cap, self.location)
        return triples.query("CONSTRUCT WHERE { ?s ?p ?o }")

    def _union(self) -> tuple[list[tuple[str, str]], str]:
        """(protocol parameters, prologue) that make the default graph kg's graphs.

        Anything put before the prologue stays on its line, so error line
        numbers still shift by exactly one.
        """
        if self.dialect.union == "parameter":
            return [("union-default-graph", "")], ""
        # Naming the default graphs empties the named-graph set unless it is
        # named too (SPARQL Protocol 2.1.4), which would break GRAPH ?g.
        graphs = sorted(self.graph_names())
        most = self.dialect.named_graphs_max
        if most is not None and len(graphs) > most:
            return [], ""  # the server's own default: the union of all its graphs
        union = [("default-graph-uri", g) for g in graphs]
        return union + [("named-graph-uri", g) for g in graphs], ""

    def triples(self, graph: str) -> None:
        """Not read back: a server may return other lexical forms of the same terms
        (decimals, language tags), so every written graph is rewritten whole."""
        return None

    def quads(self, include_system: bool = False) -> Iterator[pyoxigraph.Quad]:
        """Every quad in the same stable order as the embedded store."""
        import pyoxigraph


        rows = self._every_row(
            "?g ?s ?p ?o",
            f'GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{DATA_BASE}"))',
        )
        quads = [pyoxigraph.Quad(s["s"], s["p"], canonical_term(s["o"]), s["g"]) for s in rows]
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
        per_insert = self.dialect.insert_triples
        most = self.dialect.request_bytes
        for g in sorted(replaced):
            operations += _graph_operations(g, replaced[g], per_insert, most)
        limit = min(self._batch_bytes, self.dialect.request_bytes or self._batch_bytes)
        for request in batch_requests(operations, limit, self.dialect.graphs_per_request):
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
