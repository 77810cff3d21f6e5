"""kg.view.stats and kg.view.graphio: the figures and the Gephi/yEd exports agree with the graph."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from helpers_network import ShapeBuilder, entity_iri, small_corpus

from kg.errors import KGError
from kg.view.graphio import JOIN, write_gexf, write_graphml
from kg.view.stats import Stats, compute_stats


@pytest.fixture(scope="module")
def stats() -> Stats:
    return compute_stats(small_corpus().store())


def test_counts_per_class_and_relation(stats: Stats) -> None:
    assert (stats.entities, stats.relations, stats.articles) == (12, 10, 2)
    assert stats.per_class == {
        "Cluster": 2,
        "Institution": 3,
        "Company": 3,
        "Project": 1,
        "Funder": 1,
        "Person": 1,
        "Place": 1,
        "Product": 1,
    }
    assert stats.per_relation["memberOf"] == 2
    assert stats.per_relation["locatedIn"] == 1  # hedged "intends to move" is not counted
    assert sum(stats.per_relation.values()) == stats.relations


def test_components_and_rankings(stats: Stats) -> None:
    assert stats.components == 2
    assert stats.largest_components == (11, 1)
    assert stats.isolated == 1
    top = [r.label for r in stats.top_degree[:4]]
    # Four entities tie at degree 3: ties are broken by label, so the order is stable.
    assert top == sorted(top)
    assert stats.top_degree[0].value == 3
    assert stats.top_betweenness[0].label == "Acme <Bio> GmbH"
    assert all(r.value > 0 for r in stats.top_betweenness)


def test_communities_are_seeded_and_named_by_members(stats: Stats) -> None:
    again = compute_stats(small_corpus().store())
    assert again.communities == stats.communities
    assert stats.community_count == len([c for c in stats.communities if c.size > 1])
    members = [m for c in stats.communities for m in c.members]
    assert "Lonely Labs" not in members  # a singleton is not a community
    assert sum(c.size for c in stats.communities) == 11


def test_clusters_and_funders(stats: Stats) -> None:
    wg = stats.clusters[0]
    assert (wg.label, wg.members) == ('Working group "Organoids"', 2)
    (funder,) = stats.funders
    assert (funder.label, funder.recipients, funder.amounts) == (
        "Ministry of Science",
        1,
        {"EUR": "5100000"},
    )


def test_same_grant_reported_twice_is_counted_once() -> None:
    b = ShapeBuilder()
    b.entity("p", ["Project"], "Project P")
    b.entity("f", ["Funder"], "Fund F")
    b.article("x", "First report", mentions=("p", "f"))
    b.article("y", "Second report", mentions=("p", "f"))
    for art in ("x", "y"):
        b.fact("p", "fundedBy", "f", art, f"F funds P ({art}).", amount="2000000", currency="EUR")
    (funder,) = compute_stats(b.store()).funders
    assert funder.amounts == {"EUR": "2000000"}


def test_text_and_json_reports(stats: Stats) -> None:
    text = stats.to_text()
    assert text.startswith("12 entities, 10 relations, 2 articles\n")
    for heading in (
        "Entities per class:",
        "Relations per property:",
        "Connected components: 2",
        "Top entities by degree",
        "Top entities by betweenness",
        "Communities (Louvain, seeded)",
        "Most-connected clusters",
        "Funders",
    ):
        assert heading in text
    assert "Ministry of Science  1 recipient; 5,100,000 EUR" in text
    data = json.loads(stats.to_json())
    assert data["per_class"]["Company"] == 3
    assert data["funders"][0]["amounts"] == {"EUR": "5100000"}
    assert data["top_degree"][0]["iri"].startswith("https://w3id.org/cluster-kg/id/entity/")


def test_empty_store_has_empty_figures() -> None:
    import pyoxigraph as ox

    empty = compute_stats(ox.Store())
    assert (empty.entities, empty.relations, empty.components) == (0, 0, 0)
    assert "(none)" in empty.to_text()


@pytest.mark.parametrize(
    ("writer", "reader"), [(write_graphml, nx.read_graphml), (write_gexf, nx.read_gexf)]
)
def test_exports_carry_class_labels_and_relation(
    tmp_path: Path, writer: Callable[..., int], reader: Callable[..., nx.Graph]
) -> None:
    path = tmp_path / "graph.out"
    assert writer(small_corpus().store(), path) == 11  # the hedged fact is an edge too
    graph = reader(path)
    assert graph.number_of_nodes() == 12 and graph.number_of_edges() == 11
    acme = graph.nodes[entity_iri("acme")]
    assert acme["class"] == "Company"
    assert acme["labels"].split(JOIN) == ["Acme <Bio> GmbH", "ACME Bio", "Acme"]
    assert graph.nodes[entity_iri("min")]["classes"] == f"Institution{JOIN}Funder"
    assert graph.nodes[entity_iri("min")]["class"] == "Funder"
    relations = {d["relation"] for *_, d in graph.edges(data=True)}
    assert len(relations) == 7
    funding = next(d for *_, d in graph.edges(data=True) if d["relation"] == "fundedBy")
    assert (funding["amount"], funding["currency"]) == (5100000.0, "EUR")
    assert funding["sentence"].startswith("The Ministry of Science funds")


@pytest.mark.parametrize("writer", [write_graphml, write_gexf])
def test_exports_are_deterministic(tmp_path: Path, writer: Callable[..., int]) -> None:
    one, two = tmp_path / "1", tmp_path / "2"
    writer(small_corpus().store(), one)
    writer(small_corpus().store(), two)
    assert one.read_bytes() == two.read_bytes()


def test_gexf_date_is_the_newest_article_not_today(tmp_path: Path) -> None:
    path = tmp_path / "g.gexf"
    write_gexf(small_corpus().store(), path)
    assert 'lastmodifieddate="2021-06-01"' in path.read_text(encoding="utf-8")


def test_unwritable_export_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KGError, match="cannot write"):
        write_graphml(small_corpus().store(), tmp_path / "no" / "such" / "dir.graphml")
    with pytest.raises(KGError, match="cannot write"):
        write_gexf(small_corpus().store(), tmp_path / "no" / "such" / "dir.gexf")
