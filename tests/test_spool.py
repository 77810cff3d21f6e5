"""kg.build.spool: the build's records on disk, and the N-Quads the workers send back."""

from __future__ import annotations

import pickle
import tempfile
from decimal import Decimal

import pyoxigraph as ox
import pytest
from helpers_rdf import seed_corpus, tiny_corpus

from kg.build.spool import Spool, Tally, article_graphs, article_nquads, nquads
from kg.errors import StoreError
from kg.graph.summary import RuleFigures
from kg.model import Article, Extraction

KG = "https://w3id.org/cluster-kg/ontology#"
ID = "https://w3id.org/cluster-kg/id/"


def test_records_come_back_as_written_whatever_the_key_holds() -> None:
    odd = [
        "/data/a\tb.txt#0",
        "/data/line\nbreak.txt#1",
        "/data/ünï\u2028code.txt#2",
    ]
    texts = ["Tab\there", "Line\nbreak\r\nand more", "Separator \u2028 and \u0085 too"]
    extractions = [
        Extraction(Article.create(f"T{i}", text, key, i))
        for i, (key, text) in enumerate(zip(odd, texts, strict=True))
    ]
    with tempfile.TemporaryFile() as raw:
        spool = Spool(raw)
        for ex, key in zip(extractions, odd, strict=True):
            spool.add(ex, key)
        spool.add(extractions[0], odd[0])  # the same article again is kept once
        back = list(spool)
    assert [key for key, _ in back] == odd
    assert [Extraction.from_json(record) for _, record in back] == extractions
    assert len(spool.articles) == 3


def triple(s: str, p: str, o: str | ox.Literal) -> ox.Triple:
    obj = o if isinstance(o, ox.Literal) else ox.NamedNode(ID + o)
    return ox.Triple(ox.NamedNode(ID + s), ox.NamedNode(KG + p), obj)


def test_nquads_parse_back_to_the_same_quads() -> None:
    pieces = [
        (ID + "article/a", [triple("entity/x", "memberOf", "entity/y")]),
        (
            ID + "article/a",
            [triple("st/1", "sentence", ox.Literal('He said "hi"\nthen \u2028 left'))],
        ),
        (ID + "graph/system", [triple("article/a", "sourceKey", ox.Literal("/a\tb#0"))]),
    ]
    parsed = list(ox.parse(nquads(pieces), ox.RdfFormat.N_QUADS))
    expected = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g, ts in pieces for t in ts
    ]
    assert parsed == expected


def test_nquads_refuse_blank_nodes() -> None:
    blank = ox.Triple(ox.BlankNode(), ox.NamedNode(KG + "p"), ox.Literal("x"))
    with pytest.raises(StoreError, match="blank nodes"):
        nquads([(ID + "article/a", [blank])])


def test_tallies_of_workers_add_up_and_count_shared_edges_once() -> None:
    edge = triple("entity/x", "memberOf", "entity/y")
    statement = ox.Triple(
        ox.NamedNode(ID + "st/1"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(KG + "Statement"),
    )
    first, second = Tally(), Tally()
    first.add([edge, statement])
    second.add([edge, triple("entity/x", "mentionedIn", "article/b")])
    second.add([])
    first.merge(second)
    assert (len(first.edges), first.statements, first.triples, first.graphs) == (1, 1, 3, 2)


def statement(iri: str, rule: str, confidence: str, hedged: bool) -> list[ox.Triple]:
    """The triples of one statement node that the build summary counts."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    node = ox.NamedNode(ID + iri)
    return [
        ox.Triple(
            node,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(KG + "Statement"),
        ),
        ox.Triple(node, ox.NamedNode(KG + "rule"), ox.Literal(rule)),
        ox.Triple(
            node,
            ox.NamedNode(KG + "confidence"),
            ox.Literal(confidence, datatype=ox.NamedNode(xsd + "decimal")),
        ),
        ox.Triple(
            node,
            ox.NamedNode(KG + "hedged"),
            ox.Literal(str(hedged).lower(), datatype=ox.NamedNode(xsd + "boolean")),
        ),
    ]


def test_tally_counts_rules_per_statement_and_per_article() -> None:
    first, second = Tally(), Tally()
    first.add(  # one article: rule "a" twice (one hedged), rule "b" once
        [
            *statement("st/1", "a", "0.5", False),
            *statement("st/2", "a", "0.75", True),
            *statement("st/3", "b", "0.9", False),
            triple("entity/x", "mentionedIn", "article/1"),
            triple("entity/y", "mentionedIn", "article/1"),
        ]
    )
    second.add(  # another article, tallied by another worker
        [*statement("st/4", "a", "0.6", False), triple("entity/x", "mentionedIn", "article/2")]
    )
    first.merge(second)
    figures = {
        rule: (f.statements, f.hedged, f.articles, str(f.confidence), str(f.mean_confidence))
        for rule, f in first.rules.items()
    }
    assert figures == {"a": (3, 1, 2, "1.85", "0.617"), "b": (1, 0, 1, "0.9", "0.9")}
    assert first.mentions == {ID + "entity/x": 2, ID + "entity/y": 1}
    assert first.statements == 4


@pytest.mark.parametrize(
    ("total", "statements", "mean"),
    [
        ("1.025", 2, "0.513"),  # 0.5125: a tie rounds up, as SPARQL's ROUND does
        ("2", 3, "0.667"),
        ("1", 3, "0.333"),
        ("0.0005", 1, "0.001"),
        ("0", 0, "0"),
    ],
)
def test_mean_confidence_rounds_half_up_to_three_decimals(
    total: str, statements: int, mean: str
) -> None:
    figures = RuleFigures(statements=statements, confidence=Decimal(total))
    assert figures.mean_confidence == Decimal(mean)


def test_tally_memory_does_not_grow_with_statements_or_articles() -> None:
    """Per rule and entity a few numbers; no set of statements or articles is kept."""

    def article(n: int) -> list[ox.Triple]:
        return [
            *statement(f"st/{n}-1", "a", "0.5", False),
            *statement(f"st/{n}-2", "b", "0.75", n % 2 == 0),
            triple("entity/x", "mentionedIn", f"article/{n}"),
        ]

    tally = Tally()
    tally.add(article(0))
    small = len(pickle.dumps(tally))
    for n in range(1, 1000):
        tally.add(article(n))
    assert (tally.rules["a"].articles, tally.mentions[ID + "entity/x"]) == (1000, 1000)
    assert len(pickle.dumps(tally)) < small + 50


def test_statement_without_confidence_is_refused() -> None:
    broken = [t for t in statement("st/1", "a", "0.5", False) if "confidence" not in str(t)]
    with pytest.raises(ValueError, match="no kg:confidence"):
        Tally().add(broken)


def _figures(tally: Tally) -> tuple[object, ...]:
    rules = {rule: vars(f) for rule, f in tally.rules.items()}
    return (tally.edges, tally.statements, tally.other, tally.graphs, rules, tally.mentions)


def test_article_nquads_are_the_nquads_of_article_graphs() -> None:
    """The first build's fast path writes and counts what the update path's triples hold."""
    extractions, res = seed_corpus()
    tiny, tiny_res = tiny_corpus()
    res.mapping.update(tiny_res.mapping)
    res.entities.update(tiny_res.entities)
    lines = [(f"/seed/{i}.txt#\t{i}", ex.to_json()) for i, ex in enumerate([*extractions, tiny])]
    tally = Tally()
    expected = nquads([p for key, rec in lines for p in article_graphs(key, rec, res, tally)])
    document, fast = article_nquads(lines, res)
    assert document == expected
    assert _figures(fast) == _figures(tally)
    assert fast.graphs == len(lines) and fast.statements > 0
