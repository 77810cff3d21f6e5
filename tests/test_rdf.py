"""kg.graph.rdf writes exactly the brief's RDF shape, deterministically and without blank nodes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib
from helpers_rdf import graph_contents, seed_corpus, tiny_corpus
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg import namespace as ns
from kg.graph.rdf import (
    REQUIRED_ENDS,
    Lines,
    Terms,
    article_triples,
    decimal_lexical,
    entity_triples,
    fill_article,
    fill_system,
    system_triples,
)
from kg.model import RELATIONS, Entity, Extraction, Resolution

DATA = Path(__file__).parent / "data" / "rdf"
REPO = Path(__file__).resolve().parents[1]


def to_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def assert_isomorphic(actual: rdflib.Graph, expected: rdflib.Graph) -> None:
    if not isomorphic(actual, expected):
        _, only_actual, only_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
        pytest.fail(
            "graphs differ\nonly in output:\n"
            + only_actual.serialize(format="nt")
            + "\nonly in golden file:\n"
            + only_expected.serialize(format="nt")
        )


def test_article_triples_match_golden_file() -> None:
    ex, res = tiny_corpus()
    expected = rdflib.Graph().parse(DATA / "article_tiny.ttl", format="turtle")
    assert_isomorphic(to_rdflib(article_triples(ex, res)), expected)


def test_entity_triples_match_golden_file() -> None:
    _, res = tiny_corpus()
    expected = rdflib.Graph().parse(DATA / "entities_tiny.ttl", format="turtle")
    assert_isomorphic(to_rdflib(entity_triples(res)), expected)


def test_output_is_sorted_and_repeatable() -> None:
    ex, res = tiny_corpus()
    first = article_triples(ex, res)
    assert first == article_triples(ex, res)
    assert [str(t) for t in first] == sorted(str(t) for t in first)
    assert len(set(first)) == len(first)
    entities = entity_triples(res)
    assert [str(t) for t in entities] == sorted(str(t) for t in entities)


def test_fact_order_does_not_change_output() -> None:
    ex, res = tiny_corpus()
    shuffled = Extraction(ex.article, ex.entities[::-1], ex.relations[::-1], ex.fundings)
    assert article_triples(shuffled, res) == article_triples(ex, res)


def test_no_blank_nodes_anywhere() -> None:
    extractions, res = seed_corpus()
    for triples in graph_contents(extractions, res).values():
        for t in triples:
            assert not isinstance(t.subject, ox.BlankNode)
            assert not isinstance(t.object, ox.BlankNode)


def _objects(
    triples: list[ox.Triple], subject: str, predicate: str
) -> list[ox.NamedNode | ox.Literal]:
    return [
        t.object for t in triples if t.subject.value == subject and t.predicate.value == predicate
    ]


def test_hedged_fact_gets_statement_but_no_edge() -> None:
    ex, res = tiny_corpus()
    triples = article_triples(ex, res)
    acme, fund = ns.entity_iri("acme"), ns.entity_iri("example-fund")
    assert _objects(triples, acme, ns.FUNDED_BY) == []
    statements = [
        t.subject.value
        for t in triples
        if t.object == ox.NamedNode(fund) and t.predicate.value == ns.OBJECT
    ]
    assert len(statements) == 1
    assert _objects(triples, statements[0], ns.HEDGED) == [ox.Literal(True)]


def test_asserted_fact_gets_edge() -> None:
    ex, res = tiny_corpus()
    triples = article_triples(ex, res)
    assert _objects(triples, ns.entity_iri("jane-roe"), ns.AFFILIATED_WITH) == [
        ox.NamedNode(ns.entity_iri("acme"))
    ]


def test_literal_datatypes() -> None:
    extractions, res = seed_corpus()
    funding = next(ex for ex in extractions if ex.fundings)
    triples = article_triples(funding, res)
    amounts = [t.object for t in triples if t.predicate.value == ns.AMOUNT]
    assert amounts == [ox.Literal("5100000", datatype=ox.NamedNode(ns.XSD_DECIMAL))]
    for t in triples:
        if t.predicate.value == ns.CONFIDENCE:
            assert t.object.datatype.value == ns.XSD_DECIMAL
        if t.predicate.value in (ns.START_OFFSET, ns.END_OFFSET, ns.POSITION):
            assert t.object.datatype.value == ns.XSD_INTEGER
        if t.predicate.value == ns.HEDGED:
            assert t.object.datatype.value == ns.XSD_BOOLEAN


@pytest.mark.parametrize(
    ("value", "lexical"),
    [
        (Decimal("5.1E+6"), "5100000"),
        (Decimal("5100000.00"), "5100000"),
        (Decimal("0.850"), "0.85"),
        (Decimal("-0"), "0"),
        (Decimal("-12.50"), "-12.5"),
        (0.85, "0.85"),
        (1.0, "1"),
        (45000, "45000"),
        (Decimal("1E-7"), "0.0000001"),
    ],
)
def test_decimal_lexical_is_canonical(value: Decimal | float, lexical: str) -> None:
    assert decimal_lexical(value) == lexical


@pytest.mark.parametrize("value", [Decimal("NaN"), float("inf")])
def test_decimal_lexical_rejects_non_numbers(value: Decimal | float) -> None:
    with pytest.raises(ValueError):
        decimal_lexical(value)


def test_statement_iri_depends_on_offsets() -> None:
    a = ns.statement_iri("art", "s", "memberOf", "o", 0, 10)
    assert a == ns.statement_iri("art", "s", "memberOf", "o", 0, 10)
    assert a != ns.statement_iri("art", "s", "memberOf", "o", 11, 20)
    assert a != ns.statement_iri("art2", "s", "memberOf", "o", 0, 10)
    assert a.startswith(ns.DATA_BASE + "statement/")


def test_duplicate_fact_keeps_one_statement_with_best_rule() -> None:
    ex, res = tiny_corpus()
    first = ex.relations[0]
    weaker = replace(first, evidence=replace(first.evidence, rule="weak-rule", confidence=0.3))
    doubled = Extraction(ex.article, ex.entities, [weaker, *ex.relations], ex.fundings)
    triples = article_triples(doubled, res)
    assert triples == article_triples(ex, res)
    assert [t.object.value for t in triples if t.predicate.value == ns.RULE].count("weak-rule") == 0


def test_facts_and_mentions_of_unresolved_entities_are_left_out() -> None:
    ex, res = tiny_corpus()
    mapping = {k: v for k, v in res.mapping.items() if k[1] != "f"}
    triples = article_triples(ex, Resolution(res.entities, mapping))
    assert not any(ns.entity_iri("example-fund") in str(t) for t in triples)
    assert any(t.predicate.value == ns.AFFILIATED_WITH for t in triples)


def test_a_fact_whose_end_lost_its_needed_class_in_resolution_is_left_out() -> None:
    """Jane Roe typed a company corpus-wide (say by other articles' votes) holds no position."""
    ex, res = tiny_corpus()
    jane = res.entities["jane-roe"]
    entities = {**res.entities, "jane-roe": replace(jane, types=("Company",))}
    triples = article_triples(ex, Resolution(entities, res.mapping, res.by_signature))
    assert not any(t.predicate.value == ns.AFFILIATED_WITH for t in triples)
    assert not any(t.object.value == "affiliatedWith" for t in triples)
    assert any(t.predicate.value == ns.PREDICATE for t in triples)  # the funding fact stays


def test_required_ends_are_the_violation_level_class_shapes() -> None:
    """`REQUIRED_ENDS` and ontology/shapes.ttl say the same thing, so neither drifts."""
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    shapes = rdflib.Graph().parse(REPO / "ontology" / "shapes.ttl")
    found: dict[str, list[str | None]] = {}
    for shape, cls in shapes.subject_objects(sh["class"]):
        if not isinstance(shape, rdflib.URIRef) or (shape, sh.severity, None) in shapes:
            continue  # nested in an sh:or, or only a warning
        name = str(cls).rsplit("#", 1)[1]
        for side, target in ((0, sh.targetSubjectsOf), (1, sh.targetObjectsOf)):
            for prop in shapes.objects(shape, target):
                ends = found.setdefault(str(prop).rsplit("#", 1)[1], [None, None])
                ends[side] = name
    relations = {p: tuple(e) for p, e in found.items() if p in RELATIONS}
    assert relations == REQUIRED_ENDS


def test_unknown_predicate_is_an_error() -> None:
    ex, res = tiny_corpus()
    bad = replace(ex.relations[0], predicate="employs")
    with pytest.raises(ValueError, match="employs"):
        article_triples(Extraction(ex.article, ex.entities, [bad]), res)


def test_unknown_entity_class_is_an_error() -> None:
    broken = Resolution({"x": Entity("x", ("Gadget",), "X", ())}, {})
    with pytest.raises(ValueError, match="Gadget"):
        entity_triples(broken)


@pytest.mark.parametrize(
    ("date", "url", "expect_date", "expect_url"),
    [
        ("2020-02-30", None, None, None),
        ("17.02.2020", "www.example.org/x", None, None),
        ("2020-02-17", "https://example.org/a?b=1#c", "2020-02-17", "https://example.org/a?b=1#c"),
    ],
)
def test_unusable_dates_and_urls_are_omitted(
    date: str, url: str | None, expect_date: str | None, expect_url: str | None
) -> None:
    ex, res = tiny_corpus()
    article = replace(ex.article, date=date, url=url)
    triples = article_triples(Extraction(article, ex.entities, ex.relations), res)
    art = ns.article_iri(article.id)
    dates = [
        t.object.value for t in triples if t.subject.value == art and t.predicate.value == ns.DATE
    ]
    urls = [
        t.object.value for t in triples if t.subject.value == art and t.predicate.value == ns.URL
    ]
    assert dates == ([] if expect_date is None else [expect_date])
    assert urls == ([] if expect_url is None else [expect_url])


def test_system_triples_round_trip_the_extraction() -> None:
    ex, _ = tiny_corpus()
    triples = system_triples(ex, "/data/news/tiny.txt#1")
    art = ns.article_iri(ex.article.id)
    assert {t.subject.value for t in triples} == {art}
    (record,) = _objects(triples, art, ns.EXTRACTION_RECORD)
    assert Extraction.from_json(record.value) == ex
    assert _objects(triples, art, ns.SOURCE_KEY) == [ox.Literal("/data/news/tiny.txt#1")]


def test_entity_iris_are_valid_for_any_id() -> None:
    iri = ns.entity_iri("Fraunhofer IZI/Leipzig")
    ox.NamedNode(iri)
    assert ns.entity_id_of(iri) == "Fraunhofer IZI/Leipzig"
    assert ns.entity_id_of(ns.article_iri("abc")) is None
    with pytest.raises(ValueError):
        ns.entity_iri("")


def test_seed_graph_has_one_edge_per_asserted_fact() -> None:
    extractions, res = seed_corpus()
    relation_iris = set(ns.RELATION_IRIS.values())
    for ex in extractions:
        triples = article_triples(ex, res)
        edges = {
            (t.subject.value, t.predicate.value, t.object.value)
            for t in triples
            if t.predicate.value in relation_iris
        }
        expected = {
            (
                ns.entity_iri(res.mapping[(ex.article.id, r.subject)]),
                ns.relation_iri(r.predicate),
                ns.entity_iri(res.mapping[(ex.article.id, r.object)]),
            )
            for r in ex.relations
            if not r.hedged
        }
        assert edges == expected
        statements = [
            t
            for t in triples
            if t.predicate.value == ns.RDF_TYPE and t.object.value == ns.STATEMENT
        ]
        assert len(statements) == len(ex.relations)


@pytest.mark.parametrize(
    "value",
    ["novacore-medical-inc-1eef02e8", "A_b.c~9", "a b", "a/b", "ünï", "a\n", "%41", "-", "+"],
)
def test_iri_segments_are_percent_encoded_as_quote_does(value: str) -> None:
    assert ns.entity_iri(value) == ns.DATA_BASE + "entity/" + quote(value, safe="-._~")


def _awkward(ex: Extraction, url: str) -> Extraction:
    """The tiny article with every character N-Triples escapes in its literals."""
    title = 'A "quoted" \\ title\nwith\ttabs \x00\x1f\x7f \ufffe\uffff é 😀 \u2028'
    article = replace(ex.article, title=title, url=url, source="C:\\news\\tiny.txt")
    role = replace(ex.relations[0], role='Chief "Executive"\r\nOfficer')
    return Extraction(article, ex.entities, [role, *ex.relations[1:]])


@pytest.mark.parametrize(
    "url", ["https://example.org/a b<c>", "www.example.org/x", "https://example.org/a?b=1#c"]
)
def test_lines_are_the_printed_triples_in_the_same_order(url: str) -> None:
    """The first build's N-Triples lines are exactly what the update path's triples print as."""
    tiny, tiny_res = tiny_corpus()
    extractions, res = seed_corpus()
    cases = [(_awkward(tiny, url), tiny_res), (tiny, tiny_res), *((ex, res) for ex in extractions)]
    terms = Terms()  # shared, as across a batch: a cached term must print the same
    for ex, r in cases:
        triples = article_triples(ex, r)
        lines = fill_article(Lines(terms), ex, r)
        assert lines.result() == [str(t) for t in triples]
        values = [(t.subject.value, t.predicate.value, t.object.value) for t in triples]
        assert lines.values() == values
        system = fill_system(Lines(terms), ex, "/data/a\tb.txt#1")
        assert system.result() == [str(t) for t in system_triples(ex, "/data/a\tb.txt#1")]


@pytest.mark.parametrize("bad", ["", "rel/x", "no scheme", "http://[::1"])
def test_lines_refuse_the_iris_pyoxigraph_refuses(bad: str) -> None:
    with pytest.raises(ValueError):
        ox.NamedNode(bad)
    article = ns.article_iri("a")
    terms = Terms()
    for _ in range(2):  # a refused IRI is not remembered as valid
        with pytest.raises(ValueError):
            Lines(terms).link(bad, ns.RDF_TYPE, ns.ARTICLE)
        with pytest.raises(ValueError):
            Lines(terms).link(article, ns.URL, bad)
        with pytest.raises(ValueError):
            Lines(terms).value(article, ns.TITLE, "x", bad)
    dropped = Lines(terms)
    dropped.url(article, ns.URL, bad)
    assert dropped.result() == []
