"""Answer a SPARQL query and print the answer for a terminal or a program.

The result is materialised once as W3C SPARQL JSON (SELECT/ASK) or sorted
N-Triples (CONSTRUCT/DESCRIBE). Keeping the W3C form means csv/tsv/json come
straight from pyoxigraph's own result serializers, so they are the standard
formats other tools read, and only the human `table` view is written here.
`kg query` is read-only: update requests (and SERVICE, which would make the
store fetch other servers) are refused on the parsed query before they reach
the store (`kg.sparql.guard`).
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kg.errors import FormatError, QueryError
from kg.sparql.saved import (
    NameLookup,
    SavedQuery,
    bind,
    find_saved,
    legal_forms,
    list_saved,
    name_lookup,
    names_query,
    page,
    parse_saved,
)

if TYPE_CHECKING:
    import pyoxigraph

    from kg.config import Config
    from kg.store.base import Store

#: Output formats of `kg query`; csv/tsv/json are the W3C SPARQL result formats.
QUERY_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json")

_CELL_WIDTH = 80


@dataclass(frozen=True)
class QueryOutput:
    """A materialised answer: `payload` is W3C JSON results or N-Triples."""

    kind: Literal["select", "ask", "graph"]
    payload: bytes

    def solutions(self) -> pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean:
        import pyoxigraph

        return pyoxigraph.parse_query_results(self.payload, pyoxigraph.QueryResultsFormat.JSON)

    def triples(self) -> list[pyoxigraph.Triple]:
        import pyoxigraph

        parsed = pyoxigraph.parse(self.payload, pyoxigraph.RdfFormat.N_TRIPLES)
        return [q.triple for q in parsed]


def load_query(argument: str) -> str:
    """The query text: the argument itself, or the file it names (a .rq path).

    A path ending in .rq that does not exist is reported as a missing file,
    not parsed as SPARQL, because that is almost always a typo.
    """
    path = Path(argument)
    looks_like_file = "\n" not in argument and _is_file(path)
    if looks_like_file:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise QueryError(f"cannot read query file {argument}: {reason}") from exc
    if "\n" not in argument and argument.rstrip().endswith(".rq"):
        raise QueryError(f"query file not found: {argument}")
    return argument


def _is_file(path: Path) -> bool:
    """`Path.is_file` that treats "not a usable file name" (too long, NUL) as "no file"."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def run_query(store: Store, text: str) -> QueryOutput:
    """Run a read query against `store` and materialise its answer."""

    from kg.sparql.guard import RefusedQuery, check_query

    try:
        checked = check_query(text)
    except RefusedQuery as exc:
        message = str(exc)
        reason = f"kg query is {message}" if message.startswith("read-only") else message
        raise QueryError(reason) from None
    return _materialise(store, checked.text)


def _materialise(store: Store, text: str) -> QueryOutput:
    """Run and serialise, in a frame of its own.

    The check above leaves pyparsing's frames in reference cycles, and a
    frame keeps its callers alive; had the result been a local of
    `run_query`, the garbage collector could drop it later on another thread,
    which pyoxigraph refuses ("unsendable") with a leak and a traceback.
    """
    import pyoxigraph

    result = store.query(text)
    if isinstance(result, pyoxigraph.QueryTriples):
        triples = sorted(result, key=str)
        payload = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
        return QueryOutput("graph", payload or b"")
    kind: Literal["select", "ask"] = (
        "ask" if isinstance(result, pyoxigraph.QueryBoolean) else "select"
    )
    return QueryOutput(kind, result.serialize(format=pyoxigraph.QueryResultsFormat.JSON))


def _cell(term: object) -> str:
    """One table cell: short IRIs, bare literal values, one line, bounded width."""
    import pyoxigraph

    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        from kg.namespace import short_iri

        # A prefixed name that pastes back into a query (`ent:x`), or the full `<iri>`.
        text = short_iri(term.value)
    elif isinstance(term, pyoxigraph.Literal):
        text = term.value
    else:
        text = str(term)
    text = " ".join(text.split())
    return text if len(text) <= _CELL_WIDTH else text[: _CELL_WIDTH - 1] + "…"


def _table(output: QueryOutput) -> str:
    solutions = output.solutions()
    if output.kind == "ask":
        return ("true" if bool(solutions) else "false") + "\n"
    names = [v.value for v in solutions.variables]
    rows = [[_cell(solution[i]) for i in range(len(names))] for solution in solutions]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    lines = [line(names), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _turtle(output: QueryOutput) -> str:
    import pyoxigraph

    from kg.namespace import PREFIXES

    data = pyoxigraph.serialize(
        output.triples(), format=pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES
    )
    return (data or b"").decode("utf-8")


def _check_format(fmt: str) -> None:
    if fmt not in QUERY_FORMATS:
        raise FormatError(f"unknown query format {fmt!r}; choose one of {', '.join(QUERY_FORMATS)}")


def format_output(output: QueryOutput, fmt: str = "table", raw_cells: bool = False) -> str:
    """Render an answer, ending in a newline; CONSTRUCT/DESCRIBE answers are always Turtle.

    csv/tsv are what pyoxigraph writes (CSV lines end in CRLF, as the W3C
    format says), so print the result without adding a newline. Unless
    `raw_cells`, literals a spreadsheet would run as formulas are neutralised
    first (`kg.view.tables.spreadsheet_safe`): these files end up in Excel.
    """
    import pyoxigraph

    _check_format(fmt)
    if output.kind == "graph":
        if fmt != "table":
            raise FormatError(
                f"--format {fmt} is for SELECT/ASK; CONSTRUCT/DESCRIBE answers print as Turtle"
            )
        return _turtle(output)
    if fmt == "table":
        return _table(output)
    if fmt == "json":
        return output.payload.decode("utf-8") + "\n"
    formats = pyoxigraph.QueryResultsFormat
    target = formats.CSV if fmt == "csv" else formats.TSV
    solutions = output if raw_cells else _spreadsheet_safe(output)
    data = solutions.solutions().serialize(format=target)
    return (data or b"").decode("utf-8")


def _spreadsheet_safe(output: QueryOutput) -> QueryOutput:
    """The answer with every formula-like literal neutralised (IRIs never start like one)."""
    from kg.view.tables import spreadsheet_safe

    if output.kind != "select":
        return output
    document = json.loads(output.payload)
    for binding in document["results"]["bindings"]:
        for term in binding.values():
            if term.get("type") == "literal":
                term["value"] = spreadsheet_safe(term["value"])
    return QueryOutput(output.kind, json.dumps(document).encode("utf-8"))


def answer(
    cfg: Config,
    query: str,
    fmt: str = "table",
    params: Mapping[str, str] | None = None,
    limit: int | None = None,
    offset: int | None = None,
    *,
    raw_cells: bool = False,
) -> str:
    """What `kg query` prints: load the query, bind its parameters, run it read-only, render.

    `query` is SPARQL text, a .rq file, or the name of a saved query in
    `cfg.queries_dir` (`kg query people-roles --param person=...`). Parameters
    need a query that declares them; `limit`/`offset` page any query.
    """
    from kg.store import open_store

    _check_format(fmt)
    saved = _saved(cfg, query, bool(params))
    text = load_query(query) if saved is None else saved.text
    if params and saved is None:
        raise QueryError(
            "--param needs a saved query that declares parameters: "
            "a name from `kg query --list` or a .rq file"
        )
    store = open_store(cfg, create=False)
    try:
        if saved is not None:
            text = bind(saved, params or {}, _store_lookup(cfg, store), limit, offset)
        elif limit is not None or offset is not None:
            text = page(text, limit, offset)
        with _interruptible():
            output = run_query(store, text)
    finally:
        store.close()
    return format_output(output, fmt, raw_cells)


def _saved(cfg: Config, query: str, with_params: bool) -> SavedQuery | None:
    """The saved query `query` names (by name, or as a .rq file when it gets parameters)."""
    if "\n" in query:
        return None
    path = Path(query)
    if _is_file(path):
        return parse_saved(path) if with_params else None
    return find_saved(cfg.queries_dir, query)


def _store_lookup(cfg: Config, store: Store) -> NameLookup:
    from kg.lexicon import load_lexicon
    from kg.names import normalize_name

    def fetch() -> list[tuple[str, str, str]]:
        return [(row[0].value, row[1].value, row[2].value) for row in store.query(names_query())]

    forms = legal_forms(load_lexicon(cfg.lexicon_dir).words("legal_forms"), normalize_name)
    return name_lookup(fetch, normalize_name, forms)


def parse_params(items: Iterable[str]) -> dict[str, str]:
    """`--param NAME=VALUE` options as a dict; the value may itself contain `=`."""
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param takes NAME=VALUE, got {item!r}")
        params[name.strip()] = value
    return params


def list_saved_text(cfg: Config) -> str:
    """What `kg query --list` prints: each saved query's name, question and parameters."""
    lines = []
    for saved in list_saved(cfg.queries_dir):
        lines.append(f"{saved.name}\n    {saved.title}")
        for p in saved.parameters:
            lines.append(f'    --param {p.name}="{p.default}"  ({p.kind}) {p.meaning}')
        if saved.paged:
            lines.append("    --limit N --offset M  (one page of rows; default LIMIT 100 OFFSET 0)")
    if not lines:
        return f"no saved queries in {cfg.queries_dir}\n"
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Let Ctrl-C end the process even while pyoxigraph evaluates.

    Python only raises KeyboardInterrupt when control comes back from Rust,
    which for a long COUNT or ORDER BY is after it finished; the default
    action of SIGINT ends the process at once. The store is open read-only,
    so there is nothing to clean up.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
