"""A VoID/DCAT description of an export: what the files are, how much, from where, what licence.

Data handed to someone else should say what it is without the tool that made
it: which files belong together, how many triples, entities and articles,
which classes with how many members, the date range of the articles, the
sources they were read from (file names as given to `kg build`, or URLs), the
vocabulary (shipped beside it as kg.ttl) and, when the publisher names one,
the licence. It is written as Turtle next to the data (`void.ttl`).

Everything here is a figure of the store, so the same store always gives the
same bytes; the build date is not stored and so not stated (a store records
what it holds, not when it was made).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kg import namespace as ns
from kg.namespace import DATA_BASE, ENTITIES_GRAPH, SYSTEM_GRAPH

if TYPE_CHECKING:
    from kg.store.base import Store

#: The file name of the description, beside the data files.
VOID_FILE = "void.ttl"
DATASET_IRI = DATA_BASE + "dataset"
_VOID = "http://rdfs.org/ns/void#"
_DCAT = "http://www.w3.org/ns/dcat#"

_PREFIXES = f"PREFIX kg: <{ns.KG}>\nPREFIX rdfs: <{ns.RDFS}>\n"
_NOT_SYSTEM = f"FILTER(?g != <{SYSTEM_GRAPH}>)"


def _one(store: Store, sparql: str) -> dict[str, str | None]:
    solutions = store.query(_PREFIXES + sparql)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        return {n: (None if solution[n] is None else solution[n].value) for n in names}
    return {}


def _figures(store: Store) -> dict[str, str | None]:
    figures = _one(
        store,
        f"""SELECT (COUNT(*) AS ?triples) WHERE {{
            SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_SYSTEM} }} }}""",
    )
    figures |= _one(
        store,
        f"""SELECT (COUNT(DISTINCT ?e) AS ?entities) WHERE {{
            GRAPH <{ENTITIES_GRAPH}> {{ ?e rdfs:label ?l }} }}""",
    )
    figures |= _one(
        store,
        """SELECT (COUNT(DISTINCT ?a) AS ?articles) (MIN(?d) AS ?first) (MAX(?d) AS ?last)
            WHERE { GRAPH ?a { ?a a kg:Article OPTIONAL { ?a kg:date ?d } } }""",
    )
    return figures


def describe(store: Store, files: Sequence[str], licence: str | None = None) -> str:
    """The Turtle description of `store`'s export into `files` (names beside it)."""
    import pyoxigraph as ox

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    def integer(value: str | int | None) -> ox.Literal:
        return ox.Literal(str(value or 0), datatype=iri(ns.XSD + "integer"))

    dataset = iri(DATASET_IRI)
    rdf_type = iri(ns.RDF + "type")
    triples = [
        ox.Triple(dataset, rdf_type, iri(_VOID + "Dataset")),
        ox.Triple(dataset, rdf_type, iri(_DCAT + "Dataset")),
        ox.Triple(
            dataset,
            iri(ns.DCTERMS + "title"),
            ox.Literal("Knowledge graph of innovation-cluster news"),
        ),
        ox.Triple(dataset, iri(_VOID + "vocabulary"), iri(ns.ONTOLOGY_IRI)),
    ]
    figures = _figures(store)
    for name, prop in (
        ("triples", _VOID + "triples"),
        ("entities", _VOID + "entities"),
        ("articles", _VOID + "documents"),
    ):
        triples.append(ox.Triple(dataset, iri(prop), integer(figures.get(name))))
    if figures.get("first") and figures.get("last"):
        period = iri(DATASET_IRI + "#articles-dated")
        dt = iri(ns.XSD + "date")
        triples += [
            ox.Triple(dataset, iri(ns.DCTERMS + "temporal"), period),
            ox.Triple(period, rdf_type, iri(ns.DCTERMS + "PeriodOfTime")),
            ox.Triple(period, iri(_DCAT + "startDate"), ox.Literal(figures["first"], datatype=dt)),
            ox.Triple(period, iri(_DCAT + "endDate"), ox.Literal(figures["last"], datatype=dt)),
        ]
    if licence:
        triples.append(ox.Triple(dataset, iri(ns.DCTERMS + "license"), iri(licence)))
    query = f"""SELECT ?cls (COUNT(DISTINCT ?e) AS ?n) WHERE {{
        GRAPH <{ENTITIES_GRAPH}> {{ ?e a ?cls }} FILTER(STRSTARTS(STR(?cls), STR(kg:))) }}
        GROUP BY ?cls"""
    for solution in store.query(_PREFIXES + query):
        cls = solution["cls"].value
        part = iri(f"{DATASET_IRI}#class-{cls[len(ns.KG) :]}")
        triples += [
            ox.Triple(dataset, iri(_VOID + "classPartition"), part),
            ox.Triple(part, iri(_VOID + "class"), iri(cls)),
            ox.Triple(part, iri(_VOID + "entities"), integer(solution["n"].value)),
        ]
    sources = """SELECT DISTINCT ?src WHERE { GRAPH ?a { ?a a kg:Article ;
        kg:url|kg:sourceFile ?src } }"""
    for solution in store.query(_PREFIXES + sources):
        triples.append(ox.Triple(dataset, iri(ns.DCTERMS + "source"), solution["src"]))
    for name in files:
        dist = iri(f"{DATASET_IRI}#file-{name}")
        triples += [
            ox.Triple(dataset, iri(_DCAT + "distribution"), dist),
            ox.Triple(dist, rdf_type, iri(_DCAT + "Distribution")),
            ox.Triple(dist, iri(ns.DCTERMS + "title"), ox.Literal(name)),
        ]
    prefixes = {"void": _VOID, "dcat": _DCAT, "dcterms": ns.DCTERMS, "kg": ns.KG, "xsd": ns.XSD}
    data = ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return (data or b"").decode("utf-8")
