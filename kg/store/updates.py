"""Writing graphs to a SPARQL server: whole graphs replaced, in requests of bounded size.

Split from `kg.store.remote`, which sends these requests: how a change set
becomes update operations and requests is pure text work, tested without a
server. A graph's drop and its inserts travel in one request where they fit,
which servers execute as one transaction, so a graph is never seen
half-replaced; the limits come from the server's dialect (`kg.store.dialects`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kg.namespace import DATA_BASE

if TYPE_CHECKING:
    import pyoxigraph

#: Blank nodes become IRIs under here (the shape has none; this only protects
#: other data from being silently merged).
SKOLEM_BASE = DATA_BASE + "genid/"


def _skolem(term: object) -> str:
    """SPARQL text of a term, with blank nodes turned into stable IRIs."""
    import pyoxigraph

    if isinstance(term, pyoxigraph.BlankNode):
        return f"<{SKOLEM_BASE}{term.value}>"
    return str(term)


def graph_operations(
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
