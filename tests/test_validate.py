"""SHACL validation accepts a correct graph and names what is wrong in a broken one."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from helpers_rdf import MemoryStore, graph_contents, load_store, seed_corpus
from rdflib import RDF, RDFS, Literal, URIRef

from kg import namespace as ns
from kg.config import Config, default_ontology_dir
from kg.errors import InputError
from kg.eval.shapes import ValidationReport, validate, validate_graph
from kg.namespace import ENTITIES_GRAPH, SYSTEM_GRAPH

ONTOLOGY = default_ontology_dir()
XSD_DECIMAL = URIRef(ns.XSD_DECIMAL)
XSD_DOUBLE = URIRef(ns.XSD + "double")


def ent(entity_id: str) -> URIRef:
    return URIRef(ns.entity_iri(entity_id))


def kg(term: str) -> URIRef:
    return URIRef(ns.KG + term)


@pytest.fixture(scope="module")
def seed_graphs() -> dict[str, list[ox.Triple]]:
    extractions, res = seed_corpus()
    return graph_contents(extractions, res)


@pytest.fixture
def data(seed_graphs: dict[str, list[ox.Triple]]) -> rdflib.Graph:
    """The seed corpus as one rdflib graph (all graphs but the build cache)."""
    triples = [t for name, ts in seed_graphs.items() if name != SYSTEM_GRAPH for t in ts]
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=nt, format="nt")


def _statement(graph: rdflib.Graph, predicate: str) -> URIRef:
    nodes = sorted(graph.subjects(kg("predicate"), kg(predicate)))
    assert nodes
    return nodes[0]  # type: ignore[return-value]


def _funding(graph: rdflib.Graph) -> URIRef:
    (node,) = graph.subjects(RDF.type, kg("FundingEvent"))
    return node  # type: ignore[return-value]


def test_seed_store_conforms(seed_graphs: dict[str, list[ox.Triple]]) -> None:
    report = validate(MemoryStore(load_store(seed_graphs)), Config())
    assert report.conforms, report.text
    assert report.violations == 0
    assert report.warnings == 0
    assert report.text.startswith("Graph conforms: 0 violations, 0 warnings")


def test_system_graph_is_not_validated(seed_graphs: dict[str, list[ox.Triple]]) -> None:
    """The build cache is not knowledge: a second label there must not count."""
    junk = ox.Triple(
        ox.NamedNode(ns.entity_iri("novartis")), ox.NamedNode(ns.RDFS_LABEL), ox.Literal("Other")
    )
    graphs = {**seed_graphs, SYSTEM_GRAPH: [*seed_graphs[SYSTEM_GRAPH], junk]}
    assert validate(MemoryStore(load_store(graphs)), Config()).conforms
    graphs = {**seed_graphs, ENTITIES_GRAPH: [*seed_graphs[ENTITIES_GRAPH], junk]}
    report = validate(MemoryStore(load_store(graphs)), Config())
    assert not report.conforms
    assert report.violations == 1


def _set_amount(g: rdflib.Graph) -> None:
    g.set((_funding(g), kg("amount"), Literal("about five million")))


def _set_double_amount(g: rdflib.Graph) -> None:
    g.set((_funding(g), kg("amount"), Literal("5.1E6", datatype=XSD_DOUBLE)))


def _set_currency(g: rdflib.Graph) -> None:
    g.set((_funding(g), kg("currency"), Literal("euros")))


def _second_label(g: rdflib.Graph) -> None:
    g.add((ent("novartis"), RDFS.label, Literal("Novartis AG")))


def _no_label(g: rdflib.Graph) -> None:
    g.remove((ent("vita34"), RDFS.label, None))


def _language_label(g: rdflib.Graph) -> None:
    g.set((ent("vita34"), RDFS.label, Literal("Vita34", lang="de")))


def _offsets_reversed(g: rdflib.Graph) -> None:
    st = _statement(g, "produces")
    g.set((st, kg("startOffset"), Literal(900)))


def _confidence_too_high(g: rdflib.Graph) -> None:
    g.set((_statement(g, "produces"), kg("confidence"), Literal("1.5", datatype=XSD_DECIMAL)))


def _confidence_float(g: rdflib.Graph) -> None:
    g.set((_statement(g, "produces"), kg("confidence"), Literal(0.9)))


def _missing_rule(g: rdflib.Graph) -> None:
    g.remove((_statement(g, "produces"), kg("rule"), None))


def _two_articles(g: rdflib.Graph) -> None:
    st = _statement(g, "produces")
    other = next(
        a for a in g.subjects(RDF.type, kg("Article")) if (st, kg("inArticle"), a) not in g
    )
    g.add((st, kg("inArticle"), other))


def _edge_without_statement(g: rdflib.Graph) -> None:
    g.add((ent("vita34"), kg("locatedIn"), ent("leipzig")))


def _statement_without_edge(g: rdflib.Graph) -> None:
    g.remove((ent("novartis"), kg("produces"), ent("kymriah")))


def _fund_from_a_place(g: rdflib.Graph) -> None:
    st = _statement(g, "fundedBy")
    g.set((st, kg("object"), ent("leipzig")))
    g.set((st, kg("hedged"), Literal(False)))
    subject = g.value(st, kg("subject"))
    g.add((subject, kg("fundedBy"), ent("leipzig")))


def _located_in_a_company(g: rdflib.Graph) -> None:
    st = _statement(g, "locatedIn")
    subject, obj = g.value(st, kg("subject")), g.value(st, kg("object"))
    g.remove((subject, kg("locatedIn"), obj))
    g.set((st, kg("object"), ent("novartis")))
    g.add((subject, kg("locatedIn"), ent("novartis")))


def _role_on_plain_statement(g: rdflib.Graph) -> None:
    g.add((_statement(g, "produces"), kg("roleTitle"), Literal("CEO")))


def _article_without_title(g: rdflib.Graph) -> None:
    art = next(g.subjects(RDF.type, kg("Article")))
    g.remove((art, kg("title"), None))


def _article_string_date(g: rdflib.Graph) -> None:
    art = next(g.subjects(kg("date"), None))
    g.set((art, kg("date"), Literal("17.02.2020")))


def _mention_of_non_article(g: rdflib.Graph) -> None:
    g.add((ent("vita34"), kg("mentionedIn"), ent("leipzig")))


@pytest.mark.parametrize(
    ("breakage", "path"),
    [
        (_set_amount, "amount"),
        (_set_double_amount, "amount"),
        (_set_currency, "currency"),
        (_second_label, "label"),
        (_no_label, "label"),
        (_language_label, "label"),
        (_offsets_reversed, "startOffset"),
        (_confidence_too_high, "confidence"),
        (_confidence_float, "confidence"),
        (_missing_rule, "rule"),
        (_two_articles, "inArticle"),
        (_edge_without_statement, "locatedIn"),
        (_statement_without_edge, None),
        (_fund_from_a_place, None),
        (_located_in_a_company, None),
        (_role_on_plain_statement, None),
        (_article_without_title, "title"),
        (_article_string_date, "date"),
        (_mention_of_non_article, "mentionedIn"),
    ],
)
def test_broken_graph_fails(
    data: rdflib.Graph, breakage: Callable[[rdflib.Graph], None], path: str | None
) -> None:
    breakage(data)
    report = validate_graph(data, ONTOLOGY)
    assert not report.conforms
    assert report.violations >= 1
    violations = [r for r in report.results if r.severity == "Violation"]
    if path is not None:
        assert any(r.path is not None and r.path.endswith(path) for r in violations), report.text
    assert "does not conform" in report.text.splitlines()[0]


def test_soft_constraints_only_warn(data: rdflib.Graph) -> None:
    """A typing gap is worth a look but does not make the graph invalid."""
    st = _statement(data, "memberOf")
    subject, obj = data.value(st, kg("subject")), data.value(st, kg("object"))
    data.remove((subject, kg("memberOf"), obj))
    data.set((st, kg("object"), ent("leipzig")))
    data.add((subject, kg("memberOf"), ent("leipzig")))
    report = validate_graph(data, ONTOLOGY)
    assert report.conforms, report.text
    assert report.warnings == 1
    (warning,) = report.results
    assert warning.severity == "Warning"
    assert warning.focus == ns.entity_iri("leipzig")
    assert "kg:memberOf" in warning.message


def test_self_loop_warns(data: rdflib.Graph) -> None:
    st = _statement(data, "partOf")
    subject, obj = data.value(st, kg("subject")), data.value(st, kg("object"))
    data.remove((subject, kg("partOf"), obj))
    data.set((st, kg("object"), subject))
    data.add((subject, kg("partOf"), subject))
    report = validate_graph(data, ONTOLOGY)
    assert report.conforms, report.text
    assert any("to itself" in r.message for r in report.results)


def test_report_text_lists_each_finding(data: rdflib.Graph) -> None:
    _second_label(data)
    _set_currency(data)
    report = validate_graph(data, ONTOLOGY)
    lines = report.text.splitlines()
    assert lines[0].startswith("Graph does not conform: 2 violations, 0 warnings in ")
    assert len(lines) == 3
    assert any(line.startswith("Violation: ent:novartis rdfs:label:") for line in lines)
    assert any("kg:currency" in line and "euros" in line for line in lines)


def test_empty_store_conforms() -> None:
    report = validate(MemoryStore(ox.Store()), Config())
    assert isinstance(report, ValidationReport)
    assert report.conforms
    assert report.triples == 0


def test_missing_shapes_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"shapes\.ttl"):
        validate(MemoryStore(ox.Store()), Config(ontology_dir=tmp_path))


def test_unreadable_shapes_is_a_clear_error(tmp_path: Path) -> None:
    shutil.copy(ONTOLOGY / "kg.ttl", tmp_path / "kg.ttl")
    (tmp_path / "shapes.ttl").write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(InputError, match=r"shapes\.ttl"):
        validate(MemoryStore(ox.Store()), Config(ontology_dir=tmp_path))


def test_graph_wide_sparql_checks_agree_with_pyshacl(data: rdflib.Graph) -> None:
    """kg.eval.shapes runs the SHACL-SPARQL constraints itself (pyshacl is too slow for them);
    on a graph breaking all of them the findings must be exactly pyshacl's own."""
    import pyshacl

    from kg.eval.shapes import _results

    _edge_without_statement(data)
    _statement_without_edge(data)
    st = _statement(data, "partOf")
    subject = data.value(st, kg("subject"))
    data.add((subject, kg("partOf"), subject))
    ours = validate_graph(data, ONTOLOGY)

    shapes = rdflib.Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    ontology = rdflib.Graph().parse(ONTOLOGY / "kg.ttl", format="turtle")
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    theirs = _results(report)
    assert set(ours.results) == theirs
    assert ours.violations == 3
    assert ours.warnings == 1
