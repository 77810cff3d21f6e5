"""kg.view.viz: the written page is self-contained, safe, deterministic and shows what was asked."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from helpers_network import ShapeBuilder, small_corpus, synthetic_corpus

from kg.errors import KGError
from kg.view.network import GraphSelectionError, load_network, primary_class
from kg.view.viz import (
    CLASS_STYLE,
    RELATION_STYLE,
    SHARED_RELATION,
    _vis_network_js,
    build_page,
    render,
)

ASSETS = Path(__file__).resolve().parent.parent / "kg" / "assets"


def payload(html: str) -> dict[str, Any]:
    match = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "page data block missing"
    return json.loads(match.group(1))


def own_markup(html: str) -> str:
    """The page minus the vendored vis-network source (which has its own `<b>` strings)."""
    js = _vis_network_js()
    assert html.count(js) == 1
    return html.replace(js, "")


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return load_network(small_corpus().store(), include_hedged=True)


def test_render_writes_a_page_and_reports_it(tmp_path: Path) -> None:
    out = tmp_path / "network.html"
    report = render(small_corpus().store(), out)
    assert out.is_file() and report.bytes == out.stat().st_size
    assert (report.nodes, report.edges, report.articles) == (12, 10, 2)
    assert report.layout == "precomputed" and report.size == "degree"
    assert "12 entities, 10 relations, 2 articles" in report.summary()


def test_page_loads_nothing_from_outside(tmp_path: Path) -> None:
    out = tmp_path / "network.html"
    render(small_corpus().store(), out)
    html = out.read_text(encoding="utf-8")
    # No attribute, CSS url() or import may point anywhere: everything is inline.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"@import", html)
    assert "sourceMappingURL" not in html
    assert not re.search(r"cdn|jsdelivr|unpkg|googleapis", own_markup(html), re.I)
    assert html.count("<script") == 4  # data, vis-network, page logic, money view; none with src
    assert "<script src" not in html and "<link" not in html
    assert "default-src 'none'" in html  # the browser refuses any request anyway


def test_same_graph_same_bytes(tmp_path: Path) -> None:
    one, two = tmp_path / "1.html", tmp_path / "2.html"
    render(small_corpus().store(), one, community=True, size="betweenness")
    render(small_corpus().store(), two, community=True, size="betweenness")
    assert one.read_bytes() == two.read_bytes()


def test_names_cannot_break_out_of_the_page(tmp_path: Path) -> None:
    b = ShapeBuilder()
    evil = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'
    b.entity("evil", ["Company"], evil, ("Tom & Jerry's \u2028 <b>",))
    b.entity("good", ["Cluster"], "Good Net")
    b.article("x", "A </title> title", mentions=("evil", "good"))
    b.fact("evil", "memberOf", "good", "x", "It says </script> & <b>bold</b>.")
    out = tmp_path / "evil.html"
    render(b.store(), out, title="<Network> & co")
    html = out.read_text(encoding="utf-8")
    assert html.count("</script>") == 4
    own = own_markup(html)
    assert "<img" not in own and "<b>" not in own
    assert "<title>&lt;Network&gt; &amp; co</title>" in html
    data = payload(html)
    assert data["nodes"][0]["label"] == evil  # the text itself survives intact
    assert data["edges"][0]["evidence"][0]["s"] == "It says </script> & <b>bold</b>."


def test_payload_has_styles_legend_and_evidence(graph: nx.MultiDiGraph) -> None:
    html, info = build_page(graph)
    data = payload(html)
    vis_nodes = {n["id"]: n for n in data["vis"]["nodes"]}
    nodes = {n["label"]: n for n in data["nodes"]}
    acme = nodes["Acme <Bio> GmbH"]
    assert vis_nodes[acme["id"]]["shape"] == CLASS_STYLE["Company"][1]
    assert vis_nodes[acme["id"]]["color"] == CLASS_STYLE["Company"][0]
    # degree without where it sits: member, participant, employer (the
    # hedged "intends to move to Elbtal" is a locatedIn, so it does not count)
    assert vis_nodes[acme["id"]]["value"] == 3
    assert acme["names"] == ["ACME Bio", "Acme"]
    ministry = nodes["Ministry of Science"]
    assert ministry["classes"] == ["Institution", "Funder"]
    assert vis_nodes[ministry["id"]]["shape"] == CLASS_STYLE["Funder"][1]  # drawn as funder
    assert {c["name"]: c["count"] for c in data["classes"]}["Company"] == 3
    assert {r["name"] for r in data["relations"]} == {*RELATION_STYLE, SHARED_RELATION}
    vis_edges = {e["id"]: e for e in data["vis"]["edges"]}
    hedged = [e for e in data["edges"] if e["hedged"]]
    assert len(hedged) == 1 and vis_edges[hedged[0]["id"]]["dashes"] is True
    funding = next(e for e in data["edges"] if e["relation"] == "fundedBy")
    assert vis_edges[funding["id"]]["label"] == "funded by"
    assert vis_edges[funding["id"]]["color"] == RELATION_STYLE["fundedBy"][0]
    ev = funding["evidence"][0]
    assert (ev["amount"], ev["currency"]) == ("5100000", "EUR")
    title, date, url = data["articles"][ev["a"]]
    assert (title, date, url) == ("Ministry funds OrganoNet", "2021-06-01", None)
    assert data["dateRange"] == ["2020-02-17", "2021-06-01"]
    assert data["vis"]["options"]["physics"] == {"enabled": False}
    assert info["layout"] == "precomputed"


@pytest.mark.parametrize(
    ("size", "biggest"), [("degree", "Acme <Bio> GmbH"), ("articles", "Elbtal")]
)
def test_size_measures(graph: nx.MultiDiGraph, size: str, biggest: str) -> None:
    data = payload(build_page(graph, size=size)[0])
    values = {n["label"]: n["value"] for n in data["vis"]["nodes"]}
    top = max(values.values())
    assert values[biggest] == top
    assert data["sizeNote"].lower().count(size[:6]) >= 1


def test_betweenness_size_and_panel_figure(graph: nx.MultiDiGraph) -> None:
    data = payload(build_page(graph, size="betweenness")[0])
    values = {n["label"]: n["value"] for n in data["vis"]["nodes"]}
    assert values["Lonely Labs"] == 0
    assert max(values, key=values.get) == "Acme <Bio> GmbH"
    assert all(n["betweenness"] is not None for n in data["nodes"])


def test_focus_view(graph: nx.MultiDiGraph) -> None:
    html, info = build_page(graph, focus="itor", hops=1)
    data = payload(html)
    labels = {n["label"] for n in data["nodes"]}
    assert labels == {
        "Institute for Tissue & Organ Research",
        "University of Elbtal",
        "Elbtal",
        "OrganoNet",
    }
    focus = data["focus"]
    assert [n["label"] for n in data["nodes"] if n["id"] in focus] == [
        "Institute for Tissue & Organ Research"
    ]
    assert info["focus"] == ("Institute for Tissue & Organ Research",)
    assert "1 hop around Institute for Tissue" in html


def test_types_and_min_degree_views(graph: nx.MultiDiGraph) -> None:
    data = payload(build_page(graph, types="Company,Cluster")[0])
    assert {c["name"] for c in data["classes"]} == {"Company", "Cluster"}
    assert {r["name"] for r in data["relations"]} == {"memberOf", "partOf", SHARED_RELATION}
    data = payload(build_page(graph, min_degree=3)[0])
    assert all(n["degree"] >= 3 for n in data["nodes"])


def test_community_colouring(graph: nx.MultiDiGraph) -> None:
    data = payload(build_page(graph, community=True)[0])
    assert data["communities"], "legend lists the communities"
    colours = {c["id"]: c["color"] for c in data["communities"]}
    vis = {n["id"]: n for n in data["vis"]["nodes"]}
    for node in data["nodes"]:
        assert vis[node["id"]]["color"] == colours[node["community"]]
        # shape still tells the class
        assert vis[node["id"]]["shape"] == CLASS_STYLE[primary_class(node["classes"])][1]
    sizes = [c["size"] for c in data["communities"]]
    assert sum(sizes) == len(data["nodes"])


def test_bad_requests_raise_and_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "never.html"
    store = small_corpus().store()
    with pytest.raises(GraphSelectionError, match="no entity is called"):
        render(store, out, focus="Nobody")
    with pytest.raises(GraphSelectionError, match="unknown size measure"):
        render(store, out, size="pagerank")
    with pytest.raises(GraphSelectionError, match="unknown class"):
        render(store, out, types="Robot")
    assert not out.exists()
    with pytest.raises(KGError, match="cannot write"):
        render(store, tmp_path / "missing-dir" / "x.html")


def test_big_graph_is_laid_out_before_it_opens() -> None:
    graph = load_network(synthetic_corpus(600).store())
    html, info = build_page(graph)
    data = payload(html)
    assert info["layout"] == "precomputed"
    assert data["vis"]["options"]["physics"] == {"enabled": False}
    assert data["vis"]["options"]["edges"]["smooth"] is False
    assert all("x" in n and "y" in n for n in data["vis"]["nodes"])
    assert len(data["vis"]["nodes"]) == graph.number_of_nodes()
    assert len(data["vis"]["edges"]) == graph.number_of_edges() + info["shared"]
    assert all("label" not in e for e in data["vis"]["edges"])  # no edge text on a big map


def test_vendored_vis_network_is_pinned_and_licensed() -> None:
    js = (ASSETS / "vis-network.min.js").read_text(encoding="utf-8")
    assert "@version 9.1.13" in js[:400]
    assert "</script" not in js.lower()
    assert (ASSETS / "vis-network.LICENSE-MIT").is_file()
    assert (ASSETS / "vis-network.LICENSE-APACHE-2.0").is_file()


def test_whole_graph_opens_on_organisations_with_layers_off(graph: nx.MultiDiGraph) -> None:
    html, info = build_page(graph)
    data = payload(html)
    flags = {c["name"]: (c["layer"], c["on"]) for c in data["classes"]}
    assert flags["Person"] == flags["Place"] == flags["Product"] == (True, False)
    assert flags["Company"] == flags["Cluster"] == (False, True)
    # Organisations with a link to another organisation; Lonely Labs has none.
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert info["opening"] == 8 and "Lonely Labs" in labels.values()
    shared = [e for e in data["edges"] if e["relation"] == SHARED_RELATION]
    vias = [[labels[v] for v in e["via"]] for e in shared]
    assert vias == [["OrganoNet"], ['Working group "Organoids"']]
    assert all(e["arts"] and not e["evidence"] for e in shared)
    assert data["labels"]["scale"] > 0 and data["relayout"]["enabled"] is True


def test_a_question_already_asked_shows_all_its_classes(graph: nx.MultiDiGraph) -> None:
    for options in ({"focus": "Acme"}, {"types": "Person,Company"}):
        data = payload(build_page(graph, **options)[0])
        assert all(c["on"] for c in data["classes"]), options
