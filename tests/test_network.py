"""kg.view.network and kg.view.layout: the store read into networkx, views, big-graph layout."""

from __future__ import annotations

import math

import networkx as nx
import pyoxigraph as ox
import pytest
from helpers_network import (
    SYSTEM,
    ShapeBuilder,
    entity_iri,
    kg,
    small_corpus,
    synthetic_corpus,
)

from kg.names import normalize_name
from kg.view.layout import EDGE_LENGTH, layered_layout, precomputed_layout
from kg.view.network import (
    GraphSelectionError,
    betweenness,
    communities,
    community_name,
    find_entities,
    load_network,
    parse_types,
    select,
    shared_links,
    simple_undirected,
    working_degree,
)


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return load_network(small_corpus().store())


def e(key: str) -> str:
    return entity_iri(key)


def test_nodes_carry_classes_names_and_articles(graph: nx.MultiDiGraph) -> None:
    assert graph.number_of_nodes() == 12
    acme = graph.nodes[e("acme")]
    assert acme["label"] == "Acme <Bio> GmbH"
    assert acme["names"] == ("ACME Bio", "Acme")
    assert acme["classes"] == ("Company",)
    assert len(acme["articles"]) == 2
    # Several classes come in contract order, whatever order the store returns.
    assert graph.nodes[e("min")]["classes"] == ("Institution", "Funder")
    assert graph.nodes[e("lonely")]["articles"] and graph.degree(e("lonely")) == 0


def test_edges_are_asserted_facts_with_their_evidence(graph: nx.MultiDiGraph) -> None:
    assert graph.number_of_edges() == 10
    assert {rel for *_, rel in graph.edges(data="relation")} == {
        "memberOf",
        "partOf",
        "fundedBy",
        "participatesIn",
        "affiliatedWith",
        "locatedIn",
        "produces",
    }
    funding = graph.edges[e("proj"), e("min"), "fundedBy"]["evidence"]
    assert len(funding) == 1
    ev = funding[0]
    assert ev["sentence"].startswith("The Ministry of Science funds OrganoNet")
    assert (ev["amount"], ev["currency"]) == ("5100000", "EUR")
    assert (ev["title"], ev["date"], ev["url"]) == ("Ministry funds OrganoNet", "2021-06-01", None)
    assert ev["rule"] == "test-rule" and ev["confidence"] == pytest.approx(0.85)
    role = graph.edges[e("ada"), e("acme"), "affiliatedWith"]["evidence"][0]
    assert role["role"] == "Managing Director"
    assert role["url"] == "https://example.org/news/1"


def test_a_fact_read_twice_is_one_edge_with_two_sentences_oldest_first(
    graph: nx.MultiDiGraph,
) -> None:
    evidence = graph.edges[e("inst"), e("town"), "locatedIn"]["evidence"]
    assert [ev["date"] for ev in evidence] == ["2020-02-17", "2021-06-01"]
    assert graph.number_of_edges(e("inst"), e("town")) == 1


def test_hedged_facts_only_on_request_and_never_as_asserted(graph: nx.MultiDiGraph) -> None:
    assert not graph.has_edge(e("acme"), e("town"))
    with_hedged = load_network(small_corpus().store(), include_hedged=True)
    data = with_hedged.edges[e("acme"), e("town"), "locatedIn~hedged"]
    assert data["hedged"] is True and data["relation"] == "locatedIn"
    assert data["evidence"][0]["sentence"] == "Acme intends to move to Elbtal."
    assert with_hedged.number_of_edges() == graph.number_of_edges() + 1


def test_system_graph_and_default_graph_are_ignored() -> None:
    b = small_corpus()
    b.quads.append(ox.Quad(ox.NamedNode(e("acme")), kg("memberOf"), ox.NamedNode(e("net")), SYSTEM))
    b.quads.append(ox.Quad(ox.NamedNode(e("zell")), kg("partOf"), ox.NamedNode(e("net"))))
    graph = load_network(b.store())
    assert not graph.has_edge(e("acme"), e("net"))
    assert not graph.has_edge(e("zell"), e("net"))


def test_edge_to_an_undescribed_entity_still_gets_a_node() -> None:
    b = ShapeBuilder()
    b.entity("a", ["Company"], "Alpha")
    b.article("x", "Item", mentions=("a",))
    b.fact("a", "memberOf", "ghost", "x", "Alpha is in the ghost network.")
    graph = load_network(b.store())
    assert graph.nodes[e("ghost")]["label"] == "ghost"
    assert graph.nodes[e("ghost")]["classes"] == ()


def test_empty_store_gives_empty_graph() -> None:
    graph = load_network(ox.Store())
    assert graph.number_of_nodes() == 0 and graph.graph["articles"] == {}


def test_loading_is_deterministic() -> None:
    one = load_network(small_corpus().store())
    two = load_network(small_corpus().store())
    assert list(one.nodes(data=True)) == list(two.nodes(data=True))
    assert list(one.edges(keys=True, data=True)) == list(two.edges(keys=True, data=True))


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("The Ada  Nováková", "ada novakova"),
        ("Tissue & Organ", "tissue and organ"),
        ("C.O-D", "c o d"),
        ("Gießen", "gießen"),
    ],
)
def test_normalize_name_follows_the_scoring_contract(raw: str, normalised: str) -> None:
    assert normalize_name(raw) == normalised


def test_the_page_search_and_the_scorer_compare_names_alike() -> None:
    """One normalisation for both: a city with 'ß' must not become 'gie en' on the page."""
    import kg.eval.score
    import kg.view.network

    assert kg.view.network.normalize_name is kg.eval.score.normalize_name


def test_find_entities_by_any_name(graph: nx.MultiDiGraph) -> None:
    assert find_entities(graph, "ITOR") == [e("inst")]
    assert find_entities(graph, "ada novakova") == [e("ada")]
    assert find_entities(graph, "cartifi") == [e("prod")]  # unique substring
    with pytest.raises(GraphSelectionError, match="matches 2 entities"):
        find_entities(graph, "elbt")  # Elbtal and University of Elbtal
    with pytest.raises(GraphSelectionError, match="no entity is called"):
        find_entities(graph, "Nobody GmbH")


def test_select_neighbourhood_types_and_degree(graph: nx.MultiDiGraph) -> None:
    one_hop = select(graph, focus="Acme", hops=1)
    assert set(one_hop) == {e("acme"), e("wg"), e("proj"), e("ada")}
    assert one_hop.graph["focus"] == [e("acme")]
    assert set(select(graph, focus="Acme", hops=0)) == {e("acme")}
    two_hops = select(graph, focus="Acme", hops=2, types="company")
    # Zellwerk shares the working group with Acme: found through a Cluster, kept as a Company.
    assert set(two_hops) == {e("acme"), e("zell")}
    hubs = select(graph, min_degree=3)
    assert set(hubs) == {e("acme"), e("inst"), e("proj"), e("wg")}
    kept = select(graph, focus="Elbtal", hops=1, min_degree=3)
    assert e("town") in kept  # the focus survives every filter


def test_select_rejects_bad_requests(graph: nx.MultiDiGraph) -> None:
    with pytest.raises(GraphSelectionError, match="unknown class 'Startup'"):
        select(graph, types="Company,Startup")
    with pytest.raises(GraphSelectionError, match="hops"):
        select(graph, focus="Acme", hops=-1)
    assert parse_types(["person", " PLACE "]) == ("Person", "Place")
    assert parse_types("") is None


def test_communities_and_betweenness_are_seeded(graph: nx.MultiDiGraph) -> None:
    groups = communities(graph, seed=3)
    assert groups == communities(graph, seed=3)
    assert sorted(n for g in groups for n in g) == sorted(graph.nodes)
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)
    between = betweenness(graph)
    assert max(between, key=between.get) == e("acme")
    assert between[e("lonely")] == 0


def test_sampled_betweenness_is_reproducible() -> None:
    big = load_network(synthetic_corpus(600).store())
    assert betweenness(big, seed=1) == betweenness(big, seed=1)


def test_layout_is_deterministic_and_keeps_components_apart() -> None:
    big = simple_undirected(load_network(synthetic_corpus(600).store()))
    pos = precomputed_layout(big, seed=5)
    assert pos == precomputed_layout(big, seed=5)
    assert set(pos) == set(big.nodes)
    boxes = []
    for comp in nx.connected_components(big):
        xs = [pos[n][0] for n in comp]
        ys = [pos[n][1] for n in comp]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap


def test_layout_keeps_leaves_next_to_their_only_neighbour() -> None:
    big = simple_undirected(load_network(synthetic_corpus(600).store()))
    pos = precomputed_layout(big, seed=5)
    leaves = [n for n in big if big.degree(n) == 1 and big.degree(next(iter(big[n]))) > 1]
    assert leaves
    for leaf in leaves:
        parent = next(iter(big[leaf]))
        assert math.dist(pos[leaf], pos[parent]) < 2 * EDGE_LENGTH


def test_shared_links_join_organisations_of_one_project_or_cluster(graph: nx.MultiDiGraph) -> None:
    links = {(a, b): (via, arts) for a, b, via, arts in shared_links(graph)}
    # Acme and Zellwerk are both in the working group; ITOR and Acme both in OrganoNet.
    assert set(links) == {
        tuple(sorted((e("acme"), e("zell")))),
        tuple(sorted((e("acme"), e("inst")))),
    }
    assert links[tuple(sorted((e("acme"), e("zell"))))][0] == (e("wg"),)
    assert links[tuple(sorted((e("acme"), e("inst"))))][0] == (e("proj"),)
    assert all(arts for _, arts in links.values())  # a date filter has articles to go by
    assert shared_links(graph, limit=1) == []  # groups above the limit add no pairs


def test_shared_links_skip_pairs_already_linked_and_people() -> None:
    b = ShapeBuilder()
    for key, cls in (("p", "Project"), ("c1", "Company"), ("c2", "Company"), ("ann", "Person")):
        b.entity(key, [cls], key.upper())
    b.article("a", "A", mentions=("p", "c1", "c2", "ann"))
    b.fact("c1", "participatesIn", "p", "a", "C1 joins P.")
    b.fact("c2", "participatesIn", "p", "a", "C2 joins P.")
    b.fact("ann", "participatesIn", "p", "a", "Ann joins P.")
    b.fact("c1", "partOf", "c2", "a", "C1 belongs to C2.")
    assert shared_links(load_network(b.store())) == []


def test_places_do_not_make_an_entity_important_nor_name_its_community() -> None:
    b = ShapeBuilder()
    b.entity("city", ["Place"], "Bigtown")
    b.entity("net", ["Cluster"], "Little Net")
    for i in range(4):
        b.entity(f"c{i}", ["Company"], f"Company {i}")
    b.article("a", "A", mentions=("city", "net", "c0", "c1", "c2", "c3"))
    for i in range(4):
        b.fact(f"c{i}", "locatedIn", "city", "a", f"Company {i} sits in Bigtown.")
    for i in range(2):
        b.fact(f"c{i}", "memberOf", "net", "a", f"Company {i} joins Little Net.")
    g = load_network(b.store())
    assert working_degree(g, e("city")) == 0 and g.degree(e("city")) == 4
    assert working_degree(g, e("net")) == 2
    assert community_name(g, sorted(g.nodes)) == "Little Net"
    assert betweenness(g, exclude=("locatedIn",))[e("city")] == 0
    groups = communities(g, exclude=("locatedIn",))
    assert not any(e("city") in group and e("net") in group for group in groups)


def test_layered_layout_lays_out_the_core_alone_and_hangs_the_rest_beside_it() -> None:
    big = load_network(synthetic_corpus(600).store())
    simple = simple_undirected(big)
    orgs = {
        n
        for n in big
        if "Company" in big.nodes[n]["classes"] or "Cluster" in big.nodes[n]["classes"]
    }
    core = sorted(n for n in orgs if any(m in orgs for m in simple[n]))
    pos = layered_layout(simple, core, seed=3)
    assert pos == layered_layout(simple, core, seed=3)
    assert set(pos) == set(simple.nodes)
    assert {n: pos[n] for n in core} == precomputed_layout(simple.subgraph(core), seed=3)
    people = [n for n in big if big.nodes[n]["classes"] == ("Person",) and simple.degree(n) == 1]
    assert people
    for person in people:
        (anchor,) = simple[person]
        if anchor in core:
            assert math.dist(pos[person], pos[anchor]) < 3 * EDGE_LENGTH
