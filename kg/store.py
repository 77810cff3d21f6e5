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

    from kg.config import Config

    QueryResult = pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples

#: IRIs of the graphs that are not articles.
DATA_BASE = "https://w3id.org/cluster-kg/id/"
ENTITIES_GRAPH = DATA_BASE + "graph/entities"
SYSTEM_GRAPH = DATA_BASE + "graph/system"


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

    def close(self) -> None: ...


def open_store(cfg: Config, *, create: bool = False) -> Store:
    """The store `cfg.store` names: a directory (embedded Oxigraph) or an http(s) URL.

    `create=True` opens for writing (a build) and creates the directory when it
    is missing; `create=False` opens an existing store read-only, so readers do
    not lock out each other. Every failure is a one-line `StoreError`.
    """
    if cfg.store_is_remote:
        from kg.remote import open_remote

        return open_remote(cfg)
    from kg.oxistore import open_embedded

    return open_embedded(cfg.store, create=create)


def is_new_store(cfg: Config) -> bool:
    """Whether a build of `cfg.store` will create it, so every article needs extracting.

    A remote store always exists already; it is never new.
    """
    if cfg.store_is_remote:
        return False
    from kg.oxistore import holds_store

    return not holds_store(cfg.store)


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
