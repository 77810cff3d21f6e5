"""Exports: every format reads back as the same graph, bytes are stable, writes are atomic."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from helpers_store import sample_graphs
from rdflib.compare import isomorphic

from kg.config import Config
from kg.errors import FormatError, KGError, StoreError
from kg.namespace import SYSTEM_GRAPH
from kg.store import open_store
from kg.view import export as export_mod
from kg.view.export import EXPORT_FORMATS, export, export_store, jsonld_document

RDFLIB_FORMATS = {
    "turtle": "turtle",
    "ntriples": "nt",
    "jsonld": "json-ld",
    "trig": "trig",
    "nquads": "nquads",
}
QUAD_FORMATS = {"trig", "nquads"}


def _rdflib_term(term: ox.NamedNode | ox.Literal) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == str(rdflib.XSD.string):
        return rdflib.Literal(term.value)  # rdflib keeps simple literals untyped
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def expected_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for name, triples in sample_graphs().items():
        if name == SYSTEM_GRAPH:
            continue
        for t in triples:
            graph.add(tuple(_rdflib_term(x) for x in (t.subject, t.predicate, t.object)))
    return graph


def expected_dataset() -> rdflib.Dataset:
    ds = rdflib.Dataset()
    for name, triples in sample_graphs().items():
        if name == SYSTEM_GRAPH:
            continue
        g = ds.graph(rdflib.URIRef(name))
        for t in triples:
            g.add(tuple(_rdflib_term(x) for x in (t.subject, t.predicate, t.object)))
    return ds


def _quads(ds: rdflib.Dataset) -> set[tuple]:
    return {(s, p, o, g) for s, p, o, g in ds.quads() if g is not None and len(str(g))}


@pytest.mark.parametrize("fmt", sorted(RDFLIB_FORMATS))
def test_reads_back_as_the_same_graph(sample_store: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"graph{EXPORT_FORMATS[fmt].suffix}"
    count = export_store(Config(store=sample_store), fmt, out)
    assert count > 0
    if fmt in QUAD_FORMATS:
        ds = rdflib.Dataset()
        ds.parse(out, format=RDFLIB_FORMATS[fmt])
        got = {q for q in _quads(ds) if str(q[3]) != "urn:x-rdflib:default"}
        assert got == _quads(expected_dataset())
        assert SYSTEM_GRAPH not in {str(q[3]) for q in got}
    else:
        graph = rdflib.Graph().parse(out, format=RDFLIB_FORMATS[fmt])
        assert isomorphic(graph, expected_graph())
    assert "sourceKey" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(f for f, spec in EXPORT_FORMATS.items() if not spec.folder))
def test_output_is_byte_identical_across_fresh_stores(tmp_path: Path, fmt: str) -> None:
    """Same content inserted in a different order into another store: same bytes."""
    graphs = sample_graphs()
    outputs = []
    for run, order in enumerate((sorted(graphs), sorted(graphs, reverse=True))):
        location = str(tmp_path / f"store{run}")
        with open_store(Config(store=location), create=True) as store:
            for name in order:
                store.apply({name: list(reversed(graphs[name]))})
            out = tmp_path / f"out{run}"
            export(store, fmt, out)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_turtle_uses_the_team_prefixes(sample_store: str, tmp_path: Path) -> None:
    out = tmp_path / "g.ttl"
    export_store(Config(store=sample_store), "turtle", out)
    text = out.read_text(encoding="utf-8")
    for prefix in ("kg", "id", "rdfs", "skos", "xsd", "prov", "dcterms"):
        assert f"@prefix {prefix}: " in text
    assert "<https://w3id.org/cluster-kg/ontology#" not in text.split("\n", 8)[-1]


def test_jsonld_uses_the_published_context(sample_store: str, tmp_path: Path) -> None:
    out = tmp_path / "g.jsonld"
    export_store(Config(store=sample_store), "jsonld", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    ctx = doc["@context"]
    assert ctx["label"] == "rdfs:label"
    assert ctx["altLabel"] == {"@id": "skos:altLabel", "@container": "@set"}
    assert ctx["memberOf"] == {"@id": "kg:memberOf", "@type": "@id", "@container": "@set"}
    assert ctx["confidence"] == {"@id": "kg:confidence", "@type": "xsd:decimal"}
    assert ctx["Company"] == "kg:Company"
    nodes = {n["id"]: n for n in doc["@graph"]}
    acme = nodes["ent:acme"]
    assert acme["type"] == ["Company", "Funder"]
    assert acme["label"] == "Acme GmbH"
    assert acme["altLabel"] == ["Acme"]
    statement = nodes["stmt:0123456789abcdef"]
    assert statement["hedged"] is False
    assert statement["endOffset"] == 38
    assert statement["confidence"] == 0.85
    assert statement["predicate"] == "memberOf"


def test_jsonld_keeps_mixed_and_odd_literals() -> None:
    s, p = ox.NamedNode("https://w3id.org/cluster-kg/id/x"), ox.NamedNode("urn:other:p")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    triples = sorted(
        [
            ox.Triple(s, p, ox.Literal("007", datatype=ox.NamedNode(xsd + "integer"))),
            ox.Triple(s, p, ox.Literal("Leipzig", language="de")),
            ox.Triple(s, p, ox.NamedNode("urn:thing")),
            ox.Triple(s, p, ox.Literal("plain")),
        ],
        key=str,
    )
    doc = jsonld_document(triples)
    graph = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    expected = rdflib.Graph()
    for t in triples:
        expected.add(tuple(_rdflib_term(x) for x in (t.subject, t.predicate, t.object)))
    assert isomorphic(graph, expected)


def test_unknown_format_lists_the_valid_ones(sample_store: str, tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="turtle, trig, nquads, ntriples, jsonld, jsonld-nested"):
        export_store(Config(store=sample_store), "rdfxml", tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_missing_store(tmp_store: str, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        export_store(Config(store=tmp_store), "turtle", tmp_path / "x.ttl")
    assert not (tmp_path / "x.ttl").exists()


def test_failed_write_leaves_old_file_and_no_temp(
    sample_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "g.ttl"
    out.write_text("previous export\n")

    def broken(store, path):
        path.write_bytes(b"@prefix half: <written> .\n")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export_mod, "write_turtle", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export_store(Config(store=sample_store), "turtle", out)
    assert out.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.ttl", "store"]


def test_output_into_missing_directory(sample_store: str, tmp_path: Path) -> None:
    with pytest.raises(KGError, match="cannot write"):
        export_store(Config(store=sample_store), "turtle", tmp_path / "nope" / "g.ttl")


def test_output_is_a_directory(sample_store: str, tmp_path: Path) -> None:
    with pytest.raises(KGError, match="is a directory"):
        export_store(Config(store=sample_store), "turtle", tmp_path)


def test_written_file_has_normal_permissions(sample_store: str, tmp_path: Path) -> None:
    out = tmp_path / "g.nt"
    export_store(Config(store=sample_store), "ntriples", out)
    assert out.stat().st_mode & 0o644 == 0o644
