"""The store: one small interface, chosen by name (a path or a URL).

Every command talks to a `Store`; whether the quads live in an embedded
Oxigraph directory or on a SPARQL 1.1 server is decided once, in `open_store`.
Writes are whole named graphs replaced atomically, because an article is the
unit of change: a build either lands completely or leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Protocol

from kg.errors import StoreError
from kg.namespace import ARTICLE_BASE, ENTITIES_GRAPH, SYSTEM_GRAPH

if TYPE_CHECKING:
    import pyoxigraph


    QueryResult = pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples



class Store(Protocol):
    """What every store backend offers.

    `apply` is the general write: each graph named in `replace` ends up holding
    exactly the given triples, each graph in `drop` is removed, all in one
    atomic step. `load` writes graphs given as (graph, triples) pieces, a graph
    possibly in several pieces, as one step too; a store that is `creating`
    takes them as a stream without holding them all. `quads` yields every quad
    except the system graph's, which holds the build cache and the build's
    figures (its summary) rather than knowledge.
    """

    location: str
    #: True while the store does not exist yet (a first build): `load` may stream into it.
    creating: bool

    def query(self, sparql: str) -> QueryResult: ...

    def graph_names(self) -> set[str]: ...

    def apply(
        self,
        replace: Mapping[str, Iterable[pyoxigraph.Triple]],
        drop: Iterable[str] = (),
    ) -> None: ...

    def load(self, graphs: Iterable[tuple[str, Iterable[pyoxigraph.Triple]]]) -> None: ...

    def load_nquads(self, documents: Iterable[bytes]) -> None: ...

    def quads(self, include_system: bool = False) -> Iterator[pyoxigraph.Quad]: ...

    def triples(self, graph: str) -> set[pyoxigraph.Triple] | None:
        """The triples of one graph, or None where the backend cannot read one back
        exactly; a build then rewrites every graph instead of only the changed ones."""
        ...

    def close(self) -> None: ...



#: Set in the system graph while a write that spans several requests is under way
#: (remote stores; bookkeeping like the build cache, not an ontology term).
INCOMPLETE = SYSTEM_GRAPH + "#incomplete"


def incomplete_mark(started: str) -> pyoxigraph.Triple:
    """The system-graph triple that says a write started at `started` has not finished."""
    import pyoxigraph

    system = pyoxigraph.NamedNode(SYSTEM_GRAPH)
    return pyoxigraph.Triple(
        system, pyoxigraph.NamedNode(INCOMPLETE), pyoxigraph.Literal(started)
    )


def incomplete_reason(store: Store) -> str | None:
    """Why the store is not whole, or None when nothing says so.

    Two signs: the mark of a write that never finished (a remote store writes
    it first and clears it last), and article graphs with neither the entities
    graph nor the system graph beside them, which is what a first build that
    lost its server part-way leaves when it wrote no mark (kg before the mark;
    a build writes its articles' graphs first). An embedded store is written in
    one transaction and shows neither.
    """
    system = f"<{SYSTEM_GRAPH}>"
    marks = store.query(
        f"SELECT ?when WHERE {{ GRAPH {system} {{ {system} <{INCOMPLETE}> ?when }} }}"
    )
    started = sorted(str(getattr(row["when"], "value", "")) for row in marks)
    if started:
        return f"a write started at {started[0]} did not finish"
    def holds(pattern: str) -> bool:
        return bool(store.query(f"ASK {{ {pattern} }}"))

    if holds(f"GRAPH <{ENTITIES_GRAPH}> {{ ?s ?p ?o }}") or holds(f"GRAPH {system} {{ ?s ?p ?o }}"):
        return None
    if holds(f'GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{ARTICLE_BASE}"))'):
        return "it holds article graphs but no entities graph and no build record"
    return None


def check_complete(store: Store) -> None:
    """Refuse, in one line with what to do, a store that a write left half done.

    `kg stats` and `kg validate` call it: figures or a verdict about half a
    graph would pass for the real thing.
    """
    reason = incomplete_reason(store)
    if reason is not None:
        raise StoreError(
            f"store {getattr(store, 'location', '')} is incomplete: {reason}; "
            "run the same `kg build` again to complete it"
        )


def check_storable(triple: pyoxigraph.Triple) -> None:
    """Refuse blank nodes: a graph is diffed and replaced by value, so every node needs an IRI."""
    import pyoxigraph

    if isinstance(triple.subject, pyoxigraph.BlankNode) or isinstance(
        triple.object, pyoxigraph.BlankNode
    ):
        raise StoreError("blank nodes cannot be stored: every node needs an IRI")


def collect_graphs(
    graphs: Iterable[tuple[str, Iterable[pyoxigraph.Triple]]],
) -> dict[str, list[pyoxigraph.Triple]]:
    """(graph, triples) pieces gathered per graph, for backends that write in one request."""
    collected: dict[str, list[pyoxigraph.Triple]] = {}
    for graph, triples in graphs:
        collected.setdefault(graph, []).extend(triples)
    return collected


def nquads_pieces(
    documents: Iterable[bytes],
) -> Iterator[tuple[str, list[pyoxigraph.Triple]]]:
    """N-Quads documents as (graph, triples) pieces, for backends without a bulk loader."""
    import pyoxigraph

    for document in documents:
        for quad in pyoxigraph.parse(document, pyoxigraph.RdfFormat.N_QUADS):
            graph = quad.graph_name
            if not isinstance(graph, pyoxigraph.NamedNode):
                raise StoreError("every N-Quads line must name its graph")
            yield graph.value, [quad.triple]


def quad_sort_key(quad: pyoxigraph.Quad) -> tuple[str, str, str, str]:
    """Graph, subject, predicate, object in N-Triples form: a total, stable order."""
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))
