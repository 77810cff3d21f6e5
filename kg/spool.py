"""Between extraction and the store: records spooled to disk, turned into graphs.

Resolution needs the whole corpus before any article's triples can be made,
because statement and mention IRIs name corpus-wide entities. Holding every
`Extraction` until then made a build's memory grow with the corpus, so the
extraction stream is written to an anonymous temporary file (`Spool`) and read
back once resolution is done. From there each article's graphs are made on
their own (`article_graphs`), which is what lets worker processes make them in
parallel (`article_nquads`) while the build process only loads the store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from kg import namespace as ns
from kg.model import Extraction

if TYPE_CHECKING:
    import pyoxigraph

    from kg.model import Resolution

#: (graph IRI, its triples): a graph may come in several pieces (the system graph does).
Piece = tuple[str, list[Any]]


class Spool:
    """Extraction records in a file: one line per article, "<key JSON>\\t<record JSON>".

    Each record is the JSON the system graph stores anyway, so reading it back
    costs no extra serialisation.
    """

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self.articles: set[str] = set()

    def add(self, ex: Extraction, key: str) -> None:
        iri = ns.article_iri(ex.article.id)
        if iri in self.articles:
            return
        self.articles.add(iri)
        # JSON escapes every control character, so b"\n" only ever ends a record.
        line = json.dumps(key, ensure_ascii=False) + "\t" + ex.to_json() + "\n"
        self._file.write(line.encode("utf-8"))

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """(source key, extraction JSON) in the order they were spooled."""
        self._file.flush()
        self._file.seek(0)
        for raw in self._file:
            key, _, record = raw.decode("utf-8").rstrip("\n").partition("\t")
            yield json.loads(key), record


class Tally:
    """The build's figures, counted as graphs stream past (no graph is held to count it).

    Only asserted edges can repeat across graphs (every other triple names its
    article or lives in the entities graph), so only they need a set. Tallies
    of separate workers add up with `merge`.
    """

    def __init__(self) -> None:
        self._relations = frozenset(ns.RELATION_IRIS.values())
        self.edges: set[tuple[str, str, str]] = set()
        self.statements = 0
        self.other = 0
        self.graphs = 0

    def add(self, triples: list[pyoxigraph.Triple]) -> None:
        if triples:
            self.graphs += 1
        for t in triples:
            predicate = t.predicate.value
            if predicate in self._relations:
                self.edges.add((t.subject.value, predicate, t.object.value))
                continue
            self.other += 1
            if predicate == ns.RDF_TYPE and t.object.value == ns.STATEMENT:
                self.statements += 1

    def merge(self, other: Tally) -> None:
        self.edges |= other.edges
        self.statements += other.statements
        self.other += other.other
        self.graphs += other.graphs

    @property
    def triples(self) -> int:
        """Distinct knowledge triples (the system graph is never added)."""
        return self.other + len(self.edges)


def article_graphs(key: str, record: str, resolution: Resolution, tally: Tally) -> list[Piece]:
    """One spooled article as its named graph and its piece of the system graph."""
    from kg import rdf
    from kg.store import SYSTEM_GRAPH

    ex = Extraction.from_json(record)
    triples = rdf.article_triples(ex, resolution)
    tally.add(triples)
    return [
        (ns.article_iri(ex.article.id), triples),
        (SYSTEM_GRAPH, rdf.system_triples(ex, key, record=record)),
    ]


def graphs(
    lines: Iterable[tuple[str, str]], resolution: Resolution, tally: Tally
) -> Iterator[Piece]:
    """Every spooled article's graphs, one article at a time, then the entities graph."""
    from kg import rdf
    from kg.store import ENTITIES_GRAPH

    for key, record in lines:
        yield from article_graphs(key, record, resolution, tally)
    entities = rdf.entity_triples(resolution)
    tally.add(entities)
    yield ENTITIES_GRAPH, entities


def nquads(pieces: Iterable[Piece]) -> bytes:
    """Pieces as an N-Quads document, the form Oxigraph's bulk loader parses fastest.

    Triples print as N-Triples terms; blank nodes are refused as the store does.
    """
    from kg.store import check_storable

    lines: list[str] = []
    for graph, triples in pieces:
        suffix = f" <{graph}> .\n"
        for t in triples:
            check_storable(t)
            lines.append(f"{t}{suffix}")
    return "".join(lines).encode("utf-8")


def article_nquads(lines: list[tuple[str, str]], resolution: Resolution) -> tuple[bytes, Tally]:
    """A batch of spooled articles as N-Quads, with their tally: a worker's share."""
    tally = Tally()
    pieces = [p for key, record in lines for p in article_graphs(key, record, resolution, tally)]
    return nquads(pieces), tally
