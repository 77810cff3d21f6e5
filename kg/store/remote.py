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
  up in a log line or a command line. Credentials written into the URL are taken
  out of it as the `Config` is made, so the URL every message prints has none.
* The server is not trusted (`kg.store.http`: one origin, deadlines, bounded
  reads). Its answers are checked before anyone uses them: results must parse
  whole, be of the kind the query asked for (rows, yes/no, triples) and carry
  the variables it selects, or the command ends with one line.
* A write that needs several requests marks the store incomplete first and
  clears the mark with its last request (`kg.store.base.check_complete`): a
  server lost between them leaves a store that says so.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from kg.config import DEFAULT_STORE_MAX_BYTES, DEFAULT_STORE_TIMEOUT, split_credentials
from kg.errors import QueryError, StoreError
from kg.namespace import DATA_BASE, SYSTEM_GRAPH
from kg.store.base import (
    INCOMPLETE,
    collect_graphs,
    incomplete_mark,
    nquads_pieces,
    quad_sort_key,
)
from kg.store.dialects import (
    GENERIC,
    Dialect,
    canonical_results_json,
    canonical_term,
    detect,
)
from kg.store.http import SMALL_BYTES, Http, StatusError, clean
from kg.store.updates import batch_requests, graph_operations

if TYPE_CHECKING:
    import pyoxigraph

    from kg.config import Config
    from kg.store.base import QueryResult

#: Largest UPDATE request body; one graph bigger than this travels alone.
DEFAULT_BATCH_BYTES = 4 << 20
#: What a parser may raise on a hostile answer, besides SyntaxError (json, pyoxigraph).
_UNREADABLE = (SyntaxError, ValueError, TypeError, KeyError, AttributeError, RecursionError)
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
    store = RemoteStore(
        cfg.store,
        update_url,
        auth=cfg.store_auth,
        timeout=cfg.store_timeout,
        max_bytes=cfg.store_max_bytes,
    )
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
    if 300 <= code < 400:
        return StoreError(f"remote store {url} answered {code} ({detail}); kg follows no redirects")
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
        timeout: float = DEFAULT_STORE_TIMEOUT,
        batch_bytes: int = DEFAULT_BATCH_BYTES,
        max_bytes: int = DEFAULT_STORE_MAX_BYTES,
    ) -> None:
        # Credentials in a URL given here directly (not through Config) leave it too.
        query_url, in_query = split_credentials(query_url)
        update_url, in_update = split_credentials(update_url)
        assert query_url is not None and update_url is not None
        auth = auth or in_query or in_update
        self.location = query_url
        self.creating = False  # a server's store always exists
        self.update_url = update_url
        #: Which server this is, known after the first answer (`ping`).
        self.dialect: Dialect = GENERIC
        self._batch_bytes = batch_bytes
        self._headers: dict[str, str] = {"User-Agent": "kg"}
        # The whole server may answer with credentials (/sparql-auth too): its origins.
        self._http = Http({query_url, update_url}, auth, timeout=timeout, max_bytes=max_bytes)

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HTTP --------------------------------------------------------------
    def _post(
        self,
        url: str,
        form: list[tuple[str, str]],
        accept: str,
        *,
        is_query: bool,
        small: bool = False,
    ) -> tuple[str, bytes]:
        """POST a form; return (content type, body). Every failure is one line.

        An update's acknowledgement (and with `small`, the answer) may have at
        most `SMALL_BYTES`: nothing kg asks for there is larger. A SELECT answer
        the server cut at its row cap (Virtuoso's ResultSetMaxRows, announced in
        `X-SPARQL-MaxRows`) is an error here: a shortened answer must never pass
        for the whole one.
        """
        headers = {**self._headers, "Accept": accept}
        limit = SMALL_BYTES if small or not is_query else None
        try:
            answer = self._http.post(url, form, headers, limit=limit)
        except StatusError as exc:
            if is_query and (exc.code == 400 or "SPARQL compiler" in exc.detail):
                raise QueryError(_syntax_message(exc.detail)) from None
            raise _refusal(url, exc.code, exc.detail) from None
        self.server = answer.server
        cap = answer.max_rows
        if cap is not None and is_query:
            cap = cap.strip()
            raise RowCapError(int(cap) if cap.isdigit() and len(cap) < 12 else 0, url)
        return answer.media, answer.body

    def _select(self, sparql: str, *, small: bool = False) -> bytes:
        """The JSON results of one of kg's own queries (a user's goes through `query`)."""
        media, body = self._post(
            self.location, [("query", sparql)], _RESULTS_JSON, is_query=True, small=small
        )
        if media not in (_RESULTS_JSON, "application/json"):
            raise StoreError(
                f"remote store {self.location} answered {clean(media) or 'no type'}, not JSON"
            )
        return body

    def _rows(self, sparql: str, variables: Iterable[str]) -> list[pyoxigraph.QuerySolution]:
        """The solutions of one of kg's own SELECTs, checked whole (see `_checked_results`)."""

        names = list(variables)
        rows = _checked_results(self._select(sparql), self.location, "SelectQuery", names)
        assert isinstance(rows, list)  # a yes/no for a SELECT is refused above
        # kg's own patterns have no OPTIONAL: a row without a value is not an answer.
        if any(row[name] is None for row in rows for name in names):
            raise StoreError(f"remote store {self.location} answered rows with values missing")
        return rows

    def ping(self) -> None:
        """Fail now, with a clear line, when the server is not there or refuses us.

        The answer must be the yes/no an ASK calls for: a server that answers
        something else is not a SPARQL endpoint, or not one to trust. It also
        tells which server this is, and so its dialect.
        """
        _checked_results(self._select("ASK {}", small=True), self.location, "AskQuery", ())
        self.dialect = detect(self.server)

    # -- Store protocol ----------------------------------------------------
    def _every_row(self, variables: str, pattern: str) -> list[pyoxigraph.QuerySolution]:
        """Every solution of `pattern`: in one answer, or in pages past the server's cap.

        Paging is counted first and checked after: Virtuoso cannot sort more
        rows than its cap (SR353), so pages follow the server's own scan order,
        and a page that overlaps or skips (a store written meanwhile) is an
        error rather than a quietly wrong answer.
        """

        names = [name.lstrip("?") for name in variables.split()]
        try:
            return self._rows(f"SELECT {variables} WHERE {{ {pattern} }}", names)
        except RowCapError as exc:
            # One row below the cap: an answer that reaches it is flagged as cut
            # (Virtuoso sends X-SPARQL-MaxRows for exactly `LIMIT cap` too).
            page = max(1, (exc.cap or self.dialect.page_rows) - 1)
        counted = self._rows(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", ["n"])
        total = _count(counted, self.location)
        rows: list[pyoxigraph.QuerySolution] = []
        while len(rows) < total:
            got = self._rows(
                f"SELECT {variables} WHERE {{ {pattern} }} LIMIT {page} OFFSET {len(rows)}",
                names,
            )
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
            if form in ("ConstructQuery", "DescribeQuery"):
                raise StoreError(f"remote store {self.location} answered a table, not triples")
            _checked_results(body, self.location, form, _projection(_prologue() + sparql))
            body = _canonical(body, self.location)
            return pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON)
        if form in ("SelectQuery", "AskQuery"):
            what = clean(media) or "no type"
            raise StoreError(f"remote store {self.location} answered {what}, not SPARQL results")
        fmt = pyoxigraph.RdfFormat.from_media_type(media) if media else None
        if fmt is None:
            what = clean(media) or "no type"
            raise StoreError(f"remote store {self.location} answered an unknown type {what!r}")
        try:
            triples = pyoxigraph.Store()
            triples.bulk_extend(
                pyoxigraph.Quad(q.subject, q.predicate, canonical_term(q.object))
                for q in pyoxigraph.parse(body, fmt)
            )
        except _UNREADABLE as exc:
            reason = clean(str(exc)) or type(exc).__name__
            raise StoreError(
                f"remote store {self.location} sent unreadable {clean(media)}: {reason}"
            ) from None
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
        try:
            quads = [
                pyoxigraph.Quad(s["s"], s["p"], canonical_term(s["o"]), s["g"]) for s in rows
            ]
        except TypeError as exc:  # a literal as subject, predicate or graph
            raise StoreError(
                f"remote store {self.location} sent impossible quads: {clean(str(exc))}"
            ) from None
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
        A change that fits one request is one transaction. A larger one cannot
        be: its first request sets the incomplete mark in the system graph (the
        new system graph carries it too) and its last removes it, so a server
        lost in between leaves a store that says it is incomplete
        (`check_complete`), and the error says so too.
        """
        replaced = {graph: list(triples) for graph, triples in replace.items()}
        dropped = set(drop) - set(replaced)
        requests = self._requests(replaced, dropped)
        if len(requests) > 1:
            import datetime

            started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            mark = incomplete_mark(started)
            system = f"<{SYSTEM_GRAPH}>"
            if SYSTEM_GRAPH in replaced:
                replaced[SYSTEM_GRAPH].append(mark)
            requests = [
                f"INSERT DATA {{ GRAPH {system} {{ {system} <{INCOMPLETE}> {mark.object} }} }}",
                *self._requests(replaced, dropped),
            ]
            if SYSTEM_GRAPH not in dropped:  # dropped last, it takes the mark with it
                requests.append(
                    f"DELETE {{ GRAPH {system} {{ {system} <{INCOMPLETE}> ?t }} }} "
                    f"WHERE {{ GRAPH {system} {{ {system} <{INCOMPLETE}> ?t }} }}"
                )
        for number, request in enumerate(requests):
            try:
                self._post(self.update_url, [("update", request)], "*/*", is_query=False)
            except StoreError as exc:
                if number == 0:
                    raise
                raise StoreError(
                    f"{exc}; the store is now incomplete ({number} of {len(requests)} "
                    "update requests done) and says so until the same `kg build` is run "
                    "again to complete it"
                ) from None

    def _requests(
        self, replaced: dict[str, list[pyoxigraph.Triple]], dropped: set[str]
    ) -> list[str]:
        """The update requests of a change set; the system graph, if dropped, goes last."""
        operations = [f"DROP SILENT GRAPH <{g}>" for g in sorted(dropped - {SYSTEM_GRAPH})]
        per_insert = self.dialect.insert_triples
        most = self.dialect.request_bytes
        for g in sorted(replaced):
            operations += graph_operations(g, replaced[g], per_insert, most)
        if SYSTEM_GRAPH in dropped:
            operations.append(f"DROP SILENT GRAPH <{SYSTEM_GRAPH}>")
        limit = min(self._batch_bytes, self.dialect.request_bytes or self._batch_bytes)
        return batch_requests(operations, limit, self.dialect.graphs_per_request)

    def load(self, graphs: Iterable[tuple[str, Iterable[pyoxigraph.Triple]]]) -> None:
        """Write the pieces' graphs in `apply`'s batched requests: nothing to stream into."""

        self.apply(collect_graphs(graphs))

    def load_nquads(self, documents: Iterable[bytes]) -> None:
        """N-Quads documents written like `load`'s pieces."""

        self.load(nquads_pieces(documents))

    def close(self) -> None:
        """Nothing to release: every request uses its own connection."""




def _projection(text: str) -> list[str] | None:
    """The variables a SELECT answers with, from running it on an empty local store.

    Cheap (nothing to match) and by the same rules the server follows; None
    for a query the local parser does not take (a server's own extension),
    which is then not checked.
    """
    import pyoxigraph

    try:
        result = pyoxigraph.Store().query(text)
    except (SyntaxError, ValueError, RuntimeError, OSError):
        return None
    if not isinstance(result, pyoxigraph.QuerySolutions):
        return None
    return [variable.value for variable in result.variables]


def _checked_results(
    body: bytes, url: str, form: str | None, variables: Iterable[str] | None
) -> list[pyoxigraph.QuerySolution] | bool:
    """SPARQL JSON results read whole and checked: the rows, or the yes/no.

    A hostile or broken server must not reach the caller with something it
    cannot use: the answer must parse to the end (pyoxigraph reads lazily, so
    a fault would otherwise surface in the middle of a command), be rows for a
    SELECT and a yes/no for an ASK, and name every variable in `variables`.
    """
    import pyoxigraph

    json_format = pyoxigraph.QueryResultsFormat.JSON
    parsed: pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | None = None
    rows: list[pyoxigraph.QuerySolution] | None = None
    reason = ""
    try:
        parsed = pyoxigraph.parse_query_results(body, json_format)
        if isinstance(parsed, pyoxigraph.QuerySolutions):
            rows = list(parsed)
            named = {variable.value for variable in parsed.variables}
        else:
            answer = bool(parsed)
    except _UNREADABLE as exc:
        reason = clean(str(exc)) or type(exc).__name__
    if reason:
        # Raised outside the handler, the half-read results are in no cycle with the
        # error: pyoxigraph's must be freed by this thread, not a later collector's.
        parsed = rows = None
        raise StoreError(f"remote store {url} sent unreadable results: {reason}")
    parsed = None
    if rows is None:
        if form == "SelectQuery":
            raise StoreError(f"remote store {url} answered a yes/no where rows were asked")
        return answer
    if form == "AskQuery":
        raise StoreError(f"remote store {url} answered rows where a yes/no was asked")
    missing = [name for name in variables or () if name not in named]
    if missing:
        raise StoreError(
            f"remote store {url} answered without the variable(s) asked for: "
            + clean(", ".join(f"?{name}" for name in missing[:5]))
        )
    return rows


def _canonical(body: bytes, url: str) -> bytes:
    """`canonical_results_json`, its parser's failures one line (a checked body rarely fails)."""
    reason = ""
    try:
        return canonical_results_json(body)
    except _UNREADABLE as exc:
        reason = clean(str(exc)) or type(exc).__name__
    raise StoreError(f"remote store {url} sent unreadable results: {reason}")


def _count(rows: list[pyoxigraph.QuerySolution], url: str) -> int:
    """The number a `SELECT (COUNT(*) AS ?n)` answered, or a one-line error."""
    try:
        return int(rows[0]["n"].value)
    except (IndexError, AttributeError, ValueError) as exc:
        raise StoreError(f"remote store {url} answered no count: {clean(str(exc))}") from None
