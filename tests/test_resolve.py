"""kg.graph.resolve on hand-made extractions: merges that must and must not happen."""

from __future__ import annotations

from kg.config import Config
from kg.graph.rdf import article_triples
from kg.graph.resolve import resolve
from kg.model import Article, Evidence, Extraction, LocalEntity, Mention, RelationFact


def _article(i: int, names: list[tuple[str, ...]], types: str = "Company") -> Extraction:
    text = " ".join(n for group in names for n in group)
    article = Article.create(f"T{i}", f"T{i}\n\n{text}", "t.txt", i)
    entities = [
        LocalEntity(f"e{j}", (types,), group, (Mention(0, 1, group[0]),))
        for j, group in enumerate(names)
    ]
    return Extraction(article, entities)


def _nodes(exs: list[Extraction]) -> dict[str, str]:
    res = resolve(exs, Config())
    found = {}
    for ex in exs:
        for ent in ex.entities:
            for name in ent.names:
                found[name] = res.entity_id(ex.article.id, ent)
    return found


def test_a_teaser_short_name_joins_the_one_longer_name() -> None:
    nodes = _nodes([_article(0, [("Vireon Diagnostics GmbH",)]), _article(1, [("Vireon",)])])
    assert nodes["Vireon"] == nodes["Vireon Diagnostics GmbH"]


def test_a_short_name_already_known_as_a_firm_stays_with_it() -> None:
    """'Nordmedic' of 'Nordmedic A/S' is not the subsidiary 'Nordmedic Germany GmbH'."""
    exs = [
        _article(0, [("Nordmedic A/S", "Nordmedic"), ("Nordmedic Germany GmbH",)]),
        _article(1, [("Nordmedic",)]),
    ]
    nodes = _nodes(exs)
    assert nodes["Nordmedic A/S"] == nodes["Nordmedic"]
    assert nodes["Nordmedic Germany GmbH"] != nodes["Nordmedic A/S"]


def test_a_fact_whose_ends_became_one_node_is_dropped() -> None:
    ex = _article(0, [("Acme GmbH",), ("ACME",)])
    ev = Evidence(sentence="Acme GmbH, part of ACME.", start=0, end=24, rule="t", confidence=0.9)
    ex.relations.append(RelationFact("e0", "partOf", "e1", ev))
    res = resolve([ex], Config())
    assert res.entity_id(ex.article.id, ex.entities[0]) == res.entity_id(
        ex.article.id, ex.entities[1]
    )
    predicates = {t.predicate.value for t in article_triples(ex, res)}
    assert not any(p.endswith("#partOf") or p.endswith("#Statement") for p in predicates)
