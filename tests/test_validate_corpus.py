"""`kg validate` holds on the tool's own output at every corpus size, and reports findings right.

Small corpora hid two problems: facts the shapes forbid appear only once
enough articles meet, and a warning-level shape that nests another shape
(`sh:node`) was counted as a violation, because pyshacl also lists the nested
shape's results (under `sh:detail`) at that shape's default severity.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from helpers_rdf import graph_contents, seed_corpus
from rdflib import URIRef

from kg.cli import cli
from kg.config import default_ontology_dir
from kg.eval.shapes import validate_graph
from kg.namespace import SYSTEM_GRAPH

REPO = Path(__file__).resolve().parents[1]
GOLD_SETS = ("articles", "dev", "test", "holdout", "final", "blind")
REAL_DEV = REPO.parent / "shared" / "real-dev" / "articles"
KG = "https://w3id.org/cluster-kg/ontology#"


def _seed_data() -> rdflib.Graph:
    import pyoxigraph as ox

    extractions, res = seed_corpus()
    graphs = graph_contents(extractions, res)
    triples = [t for name, ts in graphs.items() if name != SYSTEM_GRAPH for t in ts]
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=nt, format="nt")


def test_a_nested_shape_failing_is_a_warning_not_a_violation() -> None:
    """An affiliation with a place (a warning) must not also count as a violation."""
    data = _seed_data()
    person = next(data.subjects(URIRef(KG + "affiliatedWith"), None))
    place = next(data.subjects(rdflib.RDF.type, URIRef(KG + "Place")))
    data.set((person, URIRef(KG + "affiliatedWith"), place))
    statement = next(data.subjects(URIRef(KG + "predicate"), URIRef(KG + "affiliatedWith")))
    data.set((statement, URIRef(KG + "object"), place))
    report = validate_graph(data, default_ontology_dir())
    assert report.conforms, report.text
    assert [r.severity for r in report.results] == ["Warning"]
    assert "not an organisation" in report.results[0].message


@pytest.mark.model
def test_every_gold_set_and_real_dev_together_conform(tmp_path: Path, reuse_nlp: object) -> None:
    """The largest corpus the project has, built as one store: no violation."""
    inputs = [str(REPO / "data" / name) for name in GOLD_SETS]
    if REAL_DEV.is_dir():  # third-party texts: read in place, never copied into the repo
        inputs.append(str(REAL_DEV))
    store = str(tmp_path / "store")
    runner = CliRunner()
    built = runner.invoke(cli, ["--store", store, "build", "--workers", "1", *inputs])
    assert built.exit_code == 0, built.output
    result = runner.invoke(cli, ["--store", store, "validate", "--format", "json"])
    report = json.loads(result.stdout)
    violations = [r for r in report["results"] if r["severity"] == "Violation"]
    assert violations == [] and report["conforms"] is True
    assert result.exit_code == 0
    assert report["triples"] > 12000


def test_validate_json_reports_the_verdict(built_store: str) -> None:
    result = CliRunner().invoke(cli, ["--store", built_store, "validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["conforms"], report["violations"]) == (True, 0)
    assert report["triples"] > 300 and isinstance(report["results"], list)


def test_defining_classes_are_the_shapes_violations() -> None:
    """kg.model.DEFINING_CLASSES, which the extractor enforces, says what shapes.ttl says."""
    from kg.model import DEFINING_CLASSES, RELATIONS

    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    shapes = rdflib.Graph().parse(default_ontology_dir() / "shapes.ttl", format="turtle")
    found: dict[str, list[str | None]] = {}
    for shape in shapes.subjects(rdflib.RDF.type, sh.NodeShape):
        cls = shapes.value(shape, sh["class"])
        if cls is None or shapes.value(shape, sh.severity) is not None:
            continue  # only plain sh:class shapes at the default severity, Violation
        for side, target in ((0, sh.targetSubjectsOf), (1, sh.targetObjectsOf)):
            for prop in shapes.objects(shape, target):
                ends = found.setdefault(str(prop).removeprefix(KG), [None, None])
                ends[side] = str(cls).removeprefix(KG)
    relations = {p: tuple(ends) for p, ends in found.items() if p in RELATIONS}
    assert relations == DEFINING_CLASSES
