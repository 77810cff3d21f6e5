"""The ontology, the shapes and kg/namespace.py must describe the same vocabulary.

Code only ever names terms through kg.namespace, so checking it against the
ontology in both directions means a term cannot be written that the ontology
does not define, nor defined without the code knowing it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

from kg import namespace as ns
from kg.config import default_ontology_dir
from kg.model import ENTITY_CLASSES, RELATIONS

KG = Namespace(ns.KG)
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SH = Namespace("http://www.w3.org/ns/shacl#")

ONTOLOGY_DIR = default_ontology_dir()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "kg.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def _kg_terms(graph: Graph, rdf_type: URIRef) -> set[str]:
    return {str(s) for s in graph.subjects(RDF.type, rdf_type) if str(s).startswith(ns.KG)}


def test_ontology_header_has_version(ontology: Graph) -> None:
    header = URIRef(ns.ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo) is not None
    assert ontology.value(header, OWL.versionIRI) is not None


def test_contract_terms_are_declared(ontology: Graph) -> None:
    """ANNOTATION.md: the ontology may add terms but never drop the contract's."""
    classes = _kg_terms(ontology, OWL.Class)
    for name in (*ENTITY_CLASSES, "Article"):
        assert ns.KG + name in classes
    properties = _kg_terms(ontology, OWL.ObjectProperty)
    for name in (*RELATIONS, "mentionedIn"):
        assert ns.KG + name in properties


def test_namespace_matches_ontology_both_ways(ontology: Graph) -> None:
    assert _kg_terms(ontology, OWL.Class) == set(ns.CLASSES)
    assert _kg_terms(ontology, OWL.ObjectProperty) == set(ns.OBJECT_PROPERTIES)
    assert _kg_terms(ontology, OWL.DatatypeProperty) == set(ns.DATATYPE_PROPERTIES)


def test_every_kg_constant_in_namespace_module_is_declared(ontology: Graph) -> None:
    declared = {str(s) for s in ontology.subjects() if str(s).startswith(ns.KG)}
    constants = {
        value
        for name, value in vars(ns).items()
        if name.isupper() and isinstance(value, str) and value.startswith(ns.KG) and value != ns.KG
    }
    assert constants
    assert constants <= declared
    assert constants == set(ns.CLASSES | ns.OBJECT_PROPERTIES | ns.DATATYPE_PROPERTIES)


def test_every_term_has_english_label_and_comment(ontology: Graph) -> None:
    terms = ns.CLASSES | ns.OBJECT_PROPERTIES | ns.DATATYPE_PROPERTIES
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            values = list(ontology.objects(URIRef(term), prop))
            assert len(values) == 1, (term, prop)
            assert isinstance(values[0], Literal) and values[0].language == "en", (term, prop)


@pytest.mark.parametrize(
    ("sub", "relation", "sup"),
    [
        (KG.Cluster, RDFS.subClassOf, ORG.Organization),
        (KG.Institution, RDFS.subClassOf, SCHEMA.Organization),
        (KG.Company, RDFS.subClassOf, FOAF.Organization),
        (KG.Project, RDFS.subClassOf, SCHEMA.Project),
        (KG.Person, RDFS.subClassOf, SCHEMA.Person),
        (KG.Person, RDFS.subClassOf, FOAF.Person),
        (KG.Place, RDFS.subClassOf, SCHEMA.Place),
        (KG.Product, RDFS.subClassOf, SCHEMA.Product),
        (KG.Article, RDFS.subClassOf, SCHEMA.NewsArticle),
        (KG.Statement, RDFS.subClassOf, PROV.Entity),
        (KG.Affiliation, RDFS.subClassOf, KG.Statement),
        (KG.Affiliation, RDFS.subClassOf, ORG.Membership),
        (KG.Funding, RDFS.subClassOf, KG.Statement),
        (KG.memberOf, RDFS.subPropertyOf, ORG.memberOf),
        (KG.partOf, RDFS.subPropertyOf, ORG.subOrganizationOf),
        (KG.fundedBy, RDFS.subPropertyOf, SCHEMA.funder),
        (KG.affiliatedWith, RDFS.subPropertyOf, SCHEMA.affiliation),
        (KG.inArticle, RDFS.subPropertyOf, PROV.wasDerivedFrom),
        (KG.amount, RDFS.subPropertyOf, SCHEMA.amount),
    ],
)
def test_alignment_axioms(ontology: Graph, sub: URIRef, relation: URIRef, sup: URIRef) -> None:
    assert (sub, relation, sup) in ontology


def test_entity_classes_share_a_superclass(ontology: Graph) -> None:
    for name in ENTITY_CLASSES:
        assert (KG[name], RDFS.subClassOf, KG.Entity) in ontology


def test_domains_and_ranges_name_declared_or_standard_terms(ontology: Graph) -> None:
    standard = ("http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
    for prop in (RDFS.domain, RDFS.range):
        for _, target in ontology.subject_objects(prop):
            assert str(target) in ns.CLASSES or str(target).startswith(standard), target


def test_no_blank_nodes_in_ontology(ontology: Graph) -> None:
    assert not any(isinstance(term, BNode) for triple in ontology for term in triple)


def test_shapes_only_use_declared_terms(ontology: Graph, shapes: Graph) -> None:
    declared = {str(s) for s in ontology.subjects() if str(s).startswith(ns.KG)}
    used = {str(t) for triple in shapes for t in triple if str(t).startswith(ns.KG)}
    assert used
    assert used <= declared, used - declared
    # IRIs inside SHACL-SPARQL text are invisible to the triple check above.
    for query in shapes.objects(None, SH.select):
        iris = {part.split(">")[0] for part in str(query).split("<")[1:]}
        assert {i for i in iris if i.startswith(ns.KG)} <= declared


def test_shapes_target_every_entity_class(shapes: Graph) -> None:
    entity_shape = URIRef("https://w3id.org/cluster-kg/shapes#EntityShape")
    targets = {str(t) for t in shapes.objects(entity_shape, SH.targetClass)}
    assert targets == set(ns.ENTITY_CLASS_IRIS.values())


def test_importing_vocabulary_modules_loads_no_rdf_library() -> None:
    """`import kg.cli` must stay fast, so these modules defer their heavy imports."""
    code = (
        "import sys, kg.namespace, kg.graph.rdf, kg.eval.shapes\n"
        "print(sorted(m for m in ('pyoxigraph', 'rdflib', 'pyshacl') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert out.stdout.strip() == "[]"
