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
