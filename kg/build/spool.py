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
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, TypeVar

from kg import namespace as ns
from kg.graph.summary import RuleFigures
from kg.model import Extraction

if TYPE_CHECKING:
    import pyoxigraph

    from kg.graph.rdf import Collector
    from kg.model import Resolution

C = TypeVar("C", bound="Collector")

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






class _ArticleRules:
    """The rule, hedging and confidence of one article graph's statements, until it is counted.

    A statement's three figures are separate triples that can come in any order,
    so they are gathered per graph (never more than one article's statements)
    and folded into the per-rule figures when the graph is done.
    """

    def __init__(self) -> None:
        self.rule: dict[str, str] = {}
        self.hedged: set[str] = set()
        self.confidence: dict[str, str] = {}
        #: Nodes typed kg:Statement: funding evidence has a rule too, but is no statement.
        self.statements: set[str] = set()

    def note(self, predicate: str, statement: str, value: str) -> None:
        if predicate == ns.RULE:
            self.rule[statement] = value
        elif predicate == ns.CONFIDENCE:
            self.confidence[statement] = value
        elif value == "true":  # kg:hedged
            self.hedged.add(statement)

    def count_into(self, rules: dict[str, RuleFigures]) -> None:
        self.rule = {k: v for k, v in self.rule.items() if k in self.statements}
        for statement, rule in self.rule.items():
            if statement not in self.confidence:
                raise ValueError(f"statement {statement} has a kg:rule but no kg:confidence")
            figures = rules.setdefault(rule, RuleFigures())
            figures.add(Decimal(self.confidence[statement]), hedged=statement in self.hedged)
        # One graph is one article, and each article graph is tallied once: so a rule
        # counts an article here, with no corpus-sized set of article IRIs per rule.
        for rule in set(self.rule.values()):
            rules[rule].articles += 1


_EVIDENCE = frozenset({ns.RULE, ns.CONFIDENCE, ns.HEDGED})


class Tally:
    """The build's figures, counted as graphs stream past (no graph is held to count it).

    Only asserted edges can repeat across graphs (every other triple names its
    article or lives in the entities graph), so only they need a set. Tallies
    of separate workers add up with `merge`.

    Besides the report's totals it counts the build summary the system graph
    keeps (`rdf.summary_triples`): per extraction rule its `RuleFigures`, and
    per entity the articles that mention it. Both are counted from the triples
    actually written, one article graph at a time, so memory grows with the
    number of rules and entities, never with statements or mentions: a
    kg:mentionedIn triple sits only in the graph of the article it names, so
    counting those triples per entity counts distinct articles.
    """

    def __init__(self) -> None:
        self._relations = frozenset(ns.RELATION_IRIS.values())
        self.edges: set[tuple[str, str, str]] = set()
        self.statements = 0
        self.other = 0
        self.graphs = 0
        self.rules: dict[str, RuleFigures] = {}
        self.mentions: dict[str, int] = {}  # entity IRI -> articles mentioning it

    def add(self, triples: list[pyoxigraph.Triple]) -> None:
        """Count one graph's triples; an article graph must come in one piece."""
        self.add_values([(t.subject.value, t.predicate.value, t.object.value) for t in triples])

    def add_values(self, triples: list[tuple[str, str, str]]) -> None:
        """`add` for triples given by their terms' values (an IRI, or a literal's lexical form)."""
        if triples:
            self.graphs += 1
        evidence = _ArticleRules()
        for subject, predicate, obj in triples:
            if predicate in self._relations:
                self.edges.add((subject, predicate, obj))
                continue
            self.other += 1
            if predicate == ns.RDF_TYPE:
                if obj == ns.STATEMENT:
                    self.statements += 1
                    evidence.statements.add(subject)
            elif predicate == ns.MENTIONED_IN:
                self.mentions[subject] = self.mentions.get(subject, 0) + 1
            elif predicate in _EVIDENCE:
                evidence.note(predicate, subject, obj)
        evidence.count_into(self.rules)

    def merge(self, other: Tally) -> None:
        self.edges |= other.edges
        self.statements += other.statements
        self.other += other.other
        self.graphs += other.graphs
        for rule, figures in other.rules.items():
            self.rules.setdefault(rule, RuleFigures()).merge(figures)
        for entity, articles in other.mentions.items():
            self.mentions[entity] = self.mentions.get(entity, 0) + articles

    @property
    def triples(self) -> int:
        """Distinct knowledge triples (the system graph is never added)."""
        return self.other + len(self.edges)


def _pieces(
    key: str, record: str, resolution: Resolution, new: Callable[[], C]
) -> list[tuple[str, C]]:
    """Which graphs one spooled article writes, each filled into a collector `new` makes.

    The article's named graph comes first (the piece to tally), then its piece
    of the system graph. Shared by both output forms so they cannot disagree.
    """
    from kg.graph import rdf
    from kg.namespace import SYSTEM_GRAPH

    ex = Extraction.from_json(record)
    return [
        (ns.article_iri(ex.article.id), rdf.fill_article(new(), ex, resolution)),
        (SYSTEM_GRAPH, rdf.fill_system(new(), ex, key, record=record)),
    ]


def article_graphs(key: str, record: str, resolution: Resolution, tally: Tally) -> list[Piece]:
    """One spooled article as its named graph and its piece of the system graph."""
    from kg.graph.rdf import Triples

    pieces = [(graph, out.result()) for graph, out in _pieces(key, record, resolution, Triples)]
    tally.add(pieces[0][1])
    return pieces


def graphs(
    lines: Iterable[tuple[str, str]], resolution: Resolution, tally: Tally
) -> Iterator[Piece]:
    """Every spooled article's graphs, one article at a time, then the entities graph."""
    from kg.graph import rdf
    from kg.namespace import ENTITIES_GRAPH

    for key, record in lines:
        yield from article_graphs(key, record, resolution, tally)
    entities = rdf.entity_triples(resolution)
    tally.add(entities)
    yield ENTITIES_GRAPH, entities


def nquads(pieces: Iterable[Piece]) -> bytes:
    """Pieces as an N-Quads document, the form Oxigraph's bulk loader parses fastest.

    Triples print as N-Triples terms; blank nodes are refused as the store does.
    """
    from kg.store.base import check_storable

    lines: list[str] = []
    for graph, triples in pieces:
        suffix = f" <{graph}> .\n"
        for t in triples:
            check_storable(t)
            lines.append(f"{t}{suffix}")
    return "".join(lines).encode("utf-8")


def article_nquads(lines: list[tuple[str, str]], resolution: Resolution) -> tuple[bytes, Tally]:
    """A batch of spooled articles as N-Quads, with their tally: a worker's share.

    The same quads, in the same order, as `nquads` of `article_graphs`, but
    made as N-Triples lines (`rdf.Lines`) that share one `rdf.Terms` across
    the batch: most of a first build's write phase went into making pyoxigraph
    triples only to print them twice.
    """
    from kg.graph import rdf

    tally = Tally()
    terms = rdf.Terms()
    parts: list[str] = []
    for key, record in lines:
        pieces = _pieces(key, record, resolution, lambda: rdf.Lines(terms))
        tally.add_values(pieces[0][1].values())
        for graph, out in pieces:
            triples = out.result()
            if triples:
                suffix = f" <{graph}> .\n"
                parts.append(suffix.join(triples))
                parts.append(suffix)
    return "".join(parts).encode("utf-8"), tally
