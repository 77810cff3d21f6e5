"""The SPARQL 1.1 Protocol pieces of `kg serve` that need no server: checks,
content negotiation, and turning a (possibly cut) result into bytes.

Kept apart from the HTTP plumbing so each can be read (and tested) on its own.
Results are materialised as Python rows before they are written, because the
row cap must stop the iteration; the W3C JSON form is then built here and the
other result formats converted from it by pyoxigraph's own serializers, so
every format says exactly the same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyoxigraph

#: Result formats in order of preference (the first is the default for */*).
SOLUTION_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json")
_JSON_ALIASES = {"application/json": "application/sparql-results+json"}


class HTTPError(Exception):
    """An answer other than 200: status plus the one-line message for the client."""

    def __init__(self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _accept_ranges(header: str | None) -> list[tuple[str, float]]:
    """Media ranges from an Accept header with their q values, malformed parts skipped."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((_JSON_ALIASES.get(media, media), q))
    return ranges


def negotiate(header: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered type the client likes best (ties go to our order), or None."""
    ranges = _accept_ranges(header)
    best: tuple[float, int, str] | None = None
    for index, media in enumerate(offered):
        kind = media.split("/")[0]
        q = 0.0
        specificity = -1
        for candidate, cq in ranges:
            if candidate == media:
                level = 2
            elif candidate == f"{kind}/*":
                level = 1
            elif candidate == "*/*":
                level = 0
            else:
                continue
            if level > specificity:
                specificity, q = level, cq
        if q > 0 and (best is None or (q, -index) > (best[0], -best[1])):
            best = (q, index, media)
    return best[2] if best else None


# -- running a query -------------------------------------------------------


@dataclass
class Answer:
    """A materialised, possibly truncated result: rows of terms, a boolean or triples."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    boolean: bool = False
    triples: list[pyoxigraph.Triple] = field(default_factory=list)
    truncated: bool = False


def materialise(result: Any, max_rows: int) -> Answer:
    """Consume at most `max_rows` rows: the cap must stop the iteration, not cut a list."""
    import pyoxigraph

    if isinstance(result, pyoxigraph.QueryBoolean):
        return Answer("ask", boolean=bool(result))
    if isinstance(result, pyoxigraph.QueryTriples):
        answer = Answer("graph")
        for triple in result:
            if len(answer.triples) >= max_rows:
                answer.truncated = True
                break
            answer.triples.append(triple)
        return answer
    answer = Answer("select", variables=[v.value for v in result.variables])
    width = len(answer.variables)
    for solution in result:
        if len(answer.rows) >= max_rows:
            answer.truncated = True
            break
        answer.rows.append([solution[i] for i in range(width)])
    return answer


def parse_answer(body: bytes, media: str, truncated: bool = False) -> Answer:
    """An `Answer` back from W3C JSON results or N-Triples (what a query worker sends)."""
    import pyoxigraph

    if media.startswith("application/n-triples"):
        quads = pyoxigraph.parse(body, pyoxigraph.RdfFormat.N_TRIPLES)
        return Answer("graph", triples=[q.triple for q in quads], truncated=truncated)
    parsed = pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON)
    if isinstance(parsed, pyoxigraph.QueryBoolean):
        return Answer("ask", boolean=bool(parsed))
    names = [v.value for v in parsed.variables]
    rows = [[solution[i] for i in range(len(names))] for solution in parsed]
    return Answer("select", variables=names, rows=rows, truncated=truncated)


def _json_term(term: Any) -> dict[str, Any]:
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def results_json(answer: Answer) -> bytes:
    """W3C SPARQL JSON results; the other result formats are converted from it."""
    if answer.kind == "ask":
        return json.dumps({"head": {}, "boolean": answer.boolean}).encode()
    # Answers repeat the same IRIs and literals a lot: convert each term once.
    cache: dict[Any, dict[str, Any]] = {}

    def term_json(term: Any) -> dict[str, Any]:
        found = cache.get(term)
        if found is None:
            found = cache[term] = _json_term(term)
        return found

    bindings = [
        {name: term_json(term) for name, term in zip(answer.variables, row, strict=True) if term}
        for row in answer.rows
    ]
    doc = {"head": {"vars": answer.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def serialize(answer: Answer, media: str) -> bytes:
    """The answer in the negotiated media type."""
    import pyoxigraph

    from kg.namespace import PREFIXES

    if answer.kind == "graph":
        fmt = pyoxigraph.RdfFormat.from_media_type(media)
        if fmt is None:  # pragma: no cover - GRAPH_TYPES are all known to pyoxigraph
            raise HTTPError(HTTPStatus.NOT_ACCEPTABLE, f"cannot write {media}")
        prefixes = PREFIXES if fmt == pyoxigraph.RdfFormat.TURTLE else None
        data = pyoxigraph.serialize(answer.triples, format=fmt, prefixes=prefixes)
        return data or b""
    payload = results_json(answer)
    if media == SOLUTION_TYPES[0]:
        return payload
    fmt = pyoxigraph.QueryResultsFormat.from_media_type(media)
    parsed = pyoxigraph.parse_query_results(payload, pyoxigraph.QueryResultsFormat.JSON)
    return parsed.serialize(format=fmt) or b""
