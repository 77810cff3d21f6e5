"""Which SPARQL requests the endpoint and `kg query` refuse, decided on the parsed query.

A regular expression over the query text cannot decide this: SPARQL ends a
comment at a carriage return as well as a newline, allows `\\uXXXX` escapes
anywhere, and needs no space after a `.`, so a pattern that looks for the
word SERVICE is always one spelling behind the query engine (two such
spellings made pyoxigraph fetch arbitrary URLs). Instead the text is parsed
with rdflib's SPARQL 1.1 grammar and the parse tree is walked: a query that
contains a SERVICE pattern anywhere (sub-queries, EXISTS, MINUS, OPTIONAL,
UNION included) is refused, and so is every update (INSERT, DELETE, LOAD,
CLEAR, ...). A text rdflib cannot parse is refused too, even when pyoxigraph
might accept it: a query is only run when the check has understood it.

pyoxigraph offers no switch for its SERVICE client and no parser of its own
in Python, which is why the check needs a second parser; the server's query
workers also run without network where the system allows it (see
`kg.sparql.worker`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from kg.errors import QueryError

QueryForm = Literal["select", "ask", "graph"]

_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "graph",
    "DescribeQuery": "graph",
}
#: rdflib's names of update operations -> the SPARQL keyword a user wrote.
_UPDATE_VERBS = {
    "InsertData": "INSERT",
    "DeleteData": "DELETE",
    "DeleteWhere": "DELETE",
    "Modify": "INSERT/DELETE",
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}


class RefusedQuery(QueryError):
    """A well-formed request the read-only, local-only endpoint will not run."""


@dataclass(frozen=True)
class CheckedQuery:
    """A read query that passed the check: run `text` (not the original) and nothing else."""

    form: QueryForm
    text: str


def check_query(original: str) -> CheckedQuery:
    """The query to run, or `RefusedQuery` / `QueryError` when it must not run.

    `RefusedQuery` for updates and for SERVICE anywhere in the query;
    `QueryError` (with line and column) when the text does not parse.

    Two lexical rules close the gaps between rdflib's reading and
    pyoxigraph's, both found by trying spellings against both engines:
    pyoxigraph ends a comment at a carriage return and rdflib does not, so
    every CR becomes a newline in the text that is checked *and* run; rdflib
    expands `\\uXXXX` escapes before parsing and pyoxigraph only inside
    strings and IRIs (so `"a\\u0022 ... "` closes a string for one and not
    the other), so codepoint escapes are refused.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    text = original.replace("\r\n", "\n").replace("\r", "\n")
    if "\\u" in text or "\\U" in text:
        raise QueryError(
            "invalid SPARQL: \\u/\\U codepoint escapes are not accepted here; "
            "write the character itself"
        )
    try:
        tree = parseQuery(text)
    except ParseBaseException as exc:
        verb = _update_verb(text)
        if verb:
            raise RefusedQuery(
                f"read-only: {verb} requests are refused; the graph changes only through `kg build`"
            ) from None
        raise QueryError(
            f"invalid SPARQL at line {exc.lineno}, column {exc.col}: {exc.msg}"
        ) from None
    except RecursionError:
        raise QueryError("invalid SPARQL: the query is nested too deeply to check") from None
    if any(name == "ServiceGraphPattern" for name in _names(tree)):
        raise RefusedQuery(
            "SERVICE (federated query) is refused: this endpoint does not fetch other servers"
        )
    return CheckedQuery(_FORMS[tree[1].name], text)


def _update_verb(text: str) -> str | None:
    """The first operation of `text` when it parses as a SPARQL update, else None."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        request = parseUpdate(text).request
    except (ParseBaseException, RecursionError):
        return None
    names = [op.name for op in request]
    return _UPDATE_VERBS.get(names[0], "update") if names else None


def _names(tree: object) -> Iterator[str]:
    """Names of every node of an rdflib parse tree (iteratively: trees can be deep)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node.name
            stack.extend(node.values())
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
