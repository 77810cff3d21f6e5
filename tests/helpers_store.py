"""Hand-made quads in the fixed RDF shape, for tests that must not need the NLP stages."""

from __future__ import annotations

import pyoxigraph as ox

from kg.namespace import ENTITIES_GRAPH, PREFIXES, SYSTEM_GRAPH


def sample_graphs() -> dict[str, list[ox.Triple]]:
    """Hand-made graphs in the fixed RDF shape (brief): two articles, entities, system.

    Entity names are invented on purpose; the store/query/export tests must not
    depend on the extractor.
    """
    kg, base, xsd = PREFIXES["kg"], PREFIXES["id"], PREFIXES["xsd"]
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")

    def n(local: str) -> ox.NamedNode:
        return ox.NamedNode(base + local)

    def k(local: str) -> ox.NamedNode:
        return ox.NamedNode(kg + local)

    def lit(value: str, dtype: str | None = None) -> ox.Literal:
        return ox.Literal(value, datatype=ox.NamedNode(xsd + dtype)) if dtype else ox.Literal(value)

    acme, lab, town = n("entity/acme"), n("entity/lab"), n("entity/town")
    art1, art2 = n("article/a1"), n("article/a2")
    st = n("statement/0123456789abcdef")
    T = ox.Triple
    article1 = [
        T(art1, rdf_type, k("Article")),
        T(art1, k("title"), lit("Acme joins the Lab network")),
        T(art1, k("date"), lit("2020-02-17", "date")),
        T(art1, k("sourceFile"), lit("a1.txt")),
        T(art1, k("position"), lit("0", "integer")),
        T(acme, k("mentionedIn"), art1),
        T(lab, k("mentionedIn"), art1),
        T(acme, k("memberOf"), lab),
        T(st, rdf_type, k("Statement")),
        T(st, k("subject"), acme),
        T(st, k("predicate"), k("memberOf")),
        T(st, k("object"), lab),
        T(st, k("hedged"), lit("false", "boolean")),
        T(st, k("sentence"), lit('Acme is a member of the "Lab"\nnetwork.')),
        T(st, k("startOffset"), lit("0", "integer")),
        T(st, k("endOffset"), lit("38", "integer")),
        T(st, k("rule"), lit("member-of")),
        T(st, k("confidence"), lit("0.85", "decimal")),
        T(st, k("inArticle"), art1),
    ]
    article2 = [
        T(art2, rdf_type, k("Article")),
        T(art2, k("title"), lit("Lab opens in Town")),
        T(art2, k("sourceFile"), lit("a2.txt")),
        T(art2, k("position"), lit("0", "integer")),
        T(lab, k("mentionedIn"), art2),
        T(town, k("mentionedIn"), art2),
        T(lab, k("locatedIn"), town),
    ]
    entities = [
        T(acme, rdf_type, k("Company")),
        T(acme, rdf_type, k("Funder")),
        T(acme, ox.NamedNode(PREFIXES["rdfs"] + "label"), lit("Acme GmbH")),
        T(acme, ox.NamedNode(PREFIXES["skos"] + "altLabel"), lit("Acme")),
        T(lab, rdf_type, k("Cluster")),
        T(lab, ox.NamedNode(PREFIXES["rdfs"] + "label"), lit("Lab Network")),
        T(town, rdf_type, k("Place")),
        T(town, ox.NamedNode(PREFIXES["rdfs"] + "label"), lit("Täunchen")),
    ]
    system = [T(art1, k("sourceKey"), lit("/tmp/a1.txt#0"))]
    return {
        art1.value: article1,
        art2.value: article2,
        ENTITIES_GRAPH: entities,
        SYSTEM_GRAPH: system,
    }
