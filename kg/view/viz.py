"""The network page: one self-contained HTML file a cluster manager can open from disk.

pyvis assembles the vis-network nodes, edges and options; the page around
them is our own template (kg/assets/page.html.j2), because every pyvis mode,
even "in_line", still pulls Bootstrap or vis from a CDN, and a page that
needs the network is useless on a train or behind a clinic firewall. The
vendored vis-network build and our CSS/JS are inlined, and a
Content-Security-Policy forbids any request, so nothing can leak out.

Big graphs are the other trap: vis physics freezes the browser above about a
thousand nodes, so above `PHYSICS_LIMIT` nodes the layout is computed here
(kg.view.layout) and physics is off. Everything is seeded and sorted, so the same
graph always gives byte-identical HTML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KGError
from kg.model import RELATIONS
from kg.view.network import (
    GraphSelectionError,
    betweenness,
    communities,
    load_network,
    primary_class,
    select,
    simple_undirected,
)

if TYPE_CHECKING:
    import networkx as nx

#: Above this many nodes the browser gets a precomputed layout and no physics.
PHYSICS_LIMIT = 500

#: Physics only polishes the precomputed start, so few iterations suffice
#: (measured: 500 nodes stabilise in ~0.7 s at 100-150 vs ~2.6 s at 400).
STABILIZATION_ITERATIONS = 150

SIZE_MEASURES = ("degree", "betweenness", "articles")

#: Colour (Okabe-Ito based, colour-blind safe) and vis shape per class.
CLASS_STYLE: dict[str, tuple[str, str]] = {
    "Cluster": ("#D55E00", "hexagon"),
    "Institution": ("#0072B2", "square"),
    "Company": ("#009E73", "dot"),
    "Project": ("#CC79A7", "diamond"),
    "Funder": ("#E69F00", "star"),
    "Person": ("#56B4E9", "triangle"),
    "Place": ("#8C8C8C", "triangleDown"),
    "Product": ("#7F3C8D", "dot"),
    "Entity": ("#BBBBBB", "dot"),
}

#: Colour, outgoing phrase and incoming phrase per relation.
RELATION_STYLE: dict[str, tuple[str, str, str]] = {
    "memberOf": ("#E07B39", "member of", "members"),
    "partOf": ("#9467BD", "part of", "has parts"),
    "fundedBy": ("#E6A100", "funded by", "funds"),
    "participatesIn": ("#D16BA5", "participates in", "participants"),
    "affiliatedWith": ("#4A9FD8", "affiliated with", "people"),
    "locatedIn": ("#9E9E9E", "located in", "located here"),
    "produces": ("#2CA02C", "produces", "produced by"),
}

COMMUNITY_PALETTE = (
    "#1F77B4",
    "#FF7F0E",
    "#2CA02C",
    "#D62728",
    "#9467BD",
    "#8C564B",
    "#E377C2",
    "#17BECF",
    "#BCBD22",
    "#7F7F7F",
    "#AEC7E8",
    "#FFBB78",
)
OTHER_COMMUNITY = "#D0D0D0"

SIZE_NOTES = {
    "degree": "Node size: number of relations (degree).",
    "betweenness": "Node size: betweenness centrality (how often a node bridges others).",
    "articles": "Node size: number of articles that mention the entity.",
}


@dataclass(frozen=True)
class VizReport:
    """What was written, for the CLI's one-line summary and for tests."""

    path: str
    nodes: int
    edges: int
    articles: int
    layout: str
    size: str
    communities: int
    focus: tuple[str, ...]
    bytes: int

    def summary(self) -> str:
        focus = f" around {', '.join(self.focus)}" if self.focus else ""
        return (
            f"wrote {self.path}: {self.nodes} entities, {self.edges} relations, "
            f"{self.articles} articles{focus} ({self.layout} layout, size by {self.size}, "
            f"{self.bytes / 1_000_000:.1f} MB)"
        )


def _asset(name: str) -> str:
    from kg.config import asset_bytes

    return asset_bytes(name).decode("utf-8")


def _vis_network_js() -> str:
    """The vendored library without its source-map comment (DevTools would try to fetch it)."""
    import re

    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", _asset("vis-network.min.js"))


def _script_json(data: Any) -> str:
    """JSON safe inside <script>: no `<`, `>` or `&` can close the tag or start markup."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _label_max(positions: dict[str, tuple[float, float]]) -> int:
    """Largest label size in world units, so the biggest hubs read at ~16 px in the overview.

    A precomputed 5,000-node map is shown zoomed out to ~0.1; a fixed label
    size would be unreadable there, and `maxVisible` caps it when zooming in.
    """
    if not positions:
        return 72
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    extent = max(max(xs) - min(xs), max(ys) - min(ys))
    return max(72, round(16 * extent / 1100))


def _vis_options(n_nodes: int, seed: int, physics: bool, label_max: int) -> dict[str, Any]:
    font = {"face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}
    options: dict[str, Any] = {
        "layout": {"randomSeed": seed, "improvedLayout": physics and n_nodes <= 150},
        "nodes": {
            # On a big map the overview is zoomed far out: hubs get bigger
            # nodes and labels so they stay readable, small labels stay hidden.
            "scaling": (
                {"min": 10, "max": 42, "label": {"enabled": False}}
                if physics
                else {
                    "min": 8,
                    "max": 64,
                    "label": {
                        "enabled": True,
                        "min": 8,
                        "max": label_max,
                        "maxVisible": 22,
                        "drawThreshold": 7,
                    },
                }
            ),
            "font": {**font, "size": 14},
            "borderWidth": 1,
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {**font, "size": 10, "align": "middle", "color": "#57606a"},
            "width": 1.4,
            "selectionWidth": 2.5,
            "smooth": {"enabled": True, "type": "continuous"} if physics else False,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": not physics,
            "hideEdgesOnZoom": not physics,
        },
    }
    if physics:
        options["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -70,
                "springLength": 110,
                "springConstant": 0.05,
                "avoidOverlap": 0.3,
            },
            "stabilization": {"enabled": True, "iterations": STABILIZATION_ITERATIONS, "fit": True},
            "minVelocity": 1.0,
        }
    else:
        options["physics"] = {"enabled": False}
    return options


def _measure(graph: nx.MultiDiGraph, size: str, seed: int) -> dict[str, float]:
    if size == "degree":
        return {n: float(graph.degree(n)) for n in graph.nodes}
    if size == "articles":
        return {n: float(len(graph.nodes[n]["articles"])) for n in graph.nodes}
    return betweenness(graph, seed=seed)


def _community_payload(
    graph: nx.MultiDiGraph, view: nx.MultiDiGraph, seed: int
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Communities of the whole graph, coloured for the ones that show in this view."""
    groups = communities(graph, seed=seed)
    member_of = {n: i for i, group in enumerate(groups) for n in group}
    legend = []
    for i, group in enumerate(groups[: len(COMMUNITY_PALETTE)]):
        shown = [n for n in group if n in view]
        if not shown:
            continue
        top = sorted(shown, key=lambda n: (-graph.degree(n), graph.nodes[n]["label"], n))[:3]
        legend.append(
            {
                "id": i,
                "color": COMMUNITY_PALETTE[i],
                "size": len(shown),
                "top": [graph.nodes[n]["label"] for n in top],
            }
        )
    return member_of, legend


def build_page(
    graph: nx.MultiDiGraph,
    *,
    size: str = "degree",
    focus: str | None = None,
    hops: int = 1,
    types: str | list[str] | None = None,
    min_degree: int = 0,
    community: bool = False,
    seed: int = 42,
    title: str = "Cluster network",
) -> tuple[str, dict[str, Any]]:
    """The page's HTML and a summary of what it shows; no file I/O (so `kg serve` can reuse it)."""
    from markupsafe import Markup
    from pyvis.network import Network

    from kg import __version__

    if size not in SIZE_MEASURES:
        raise GraphSelectionError(
            f"unknown size measure {size!r}; choose from {', '.join(SIZE_MEASURES)}"
        )
    view = select(graph, focus=focus, hops=hops, types=types, min_degree=min_degree)
    nodes = sorted(view.nodes)
    node_id = {n: i for i, n in enumerate(nodes)}
    edges = sorted(view.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    physics = len(nodes) <= PHYSICS_LIMIT
    measure = _measure(graph, size, seed)
    between = measure if size == "betweenness" else None
    member_of, community_legend = _community_payload(graph, view, seed) if community else ({}, [])
    colored = {c["id"] for c in community_legend}
    # Physics starts from the precomputed layout too: it then only has to
    # polish, which cuts stabilisation time several-fold at a few hundred nodes.
    from kg.view.layout import precomputed_layout

    positions = precomputed_layout(simple_undirected(view), seed=seed)

    article_iris = sorted(
        {a for n in nodes for a in view.nodes[n]["articles"]}
        | {ev["article"] for *_, d in edges for ev in d["evidence"] if ev["article"]}
    )
    article_id = {a: i for i, a in enumerate(article_iris)}
    art_meta = graph.graph.get("articles", {})

    net = Network(directed=True, cdn_resources="in_line")
    kg_nodes = []
    class_count: dict[str, int] = {}
    for n in nodes:
        data = view.nodes[n]
        cls = primary_class(data["classes"])
        for c in data["classes"] or ("Entity",):
            class_count[c] = class_count.get(c, 0) + 1
        color, shape = CLASS_STYLE[cls]
        comm = member_of.get(n)
        if community:
            color = COMMUNITY_PALETTE[comm] if comm in colored else OTHER_COMMUNITY
        extra: dict[str, Any] = {"value": round(measure.get(n, 0.0), 6)}
        if n in positions:
            extra.update(x=positions[n][0], y=positions[n][1])
        net.add_node(node_id[n], label=data["label"], shape=shape, color=color, **extra)
        kg_nodes.append(
            {
                "id": node_id[n],
                "iri": n,
                "label": data["label"],
                "names": list(data["names"]),
                "classes": list(data["classes"]),
                "articles": [article_id[a] for a in data["articles"] if a in article_id],
                "degree": graph.degree(n),
                "betweenness": round(between.get(n, 0.0), 6) if between is not None else None,
                "community": comm,
            }
        )
    kg_edges = []
    rel_count: dict[str, int] = {}
    for j, (u, v, _key, data) in enumerate(edges):
        rel = data["relation"]
        rel_count[rel] = rel_count.get(rel, 0) + 1
        color, phrase, _ = RELATION_STYLE[rel]
        # Rotated edge labels cost vis a canvas save/restore each: at 5,000
        # nodes that made some zoom levels take 3 s per frame (measured), so
        # big maps tell the relation by colour, tooltip and panel instead.
        text = {"label": phrase} if physics else {}
        net.add_edge(node_id[u], node_id[v], id=j, color=color, dashes=bool(data["hedged"]), **text)
        kg_edges.append(
            {
                "id": j,
                "from": node_id[u],
                "to": node_id[v],
                "relation": rel,
                "hedged": bool(data["hedged"]),
                "evidence": [_compact_evidence(ev, article_id) for ev in data["evidence"]],
            }
        )
    net.options = _vis_options(len(nodes), seed, physics, _label_max(positions))
    vis_nodes, vis_edges, _heading, _h, _w, options_json = net.get_network_data()

    dates = sorted(d for a in article_iris if (d := art_meta.get(a, {}).get("date")))
    focus_ids = [node_id[n] for n in view.graph.get("focus", []) if n in node_id]
    focus_labels = tuple(view.nodes[n]["label"] for n in view.graph.get("focus", []))
    summary = (
        f"{len(nodes)} entities \u00b7 {len(edges)} relations \u00b7 {len(article_iris)} articles"
    )
    if focus_labels:
        summary += f" \u00b7 {hops} hop{'s' if hops != 1 else ''} around {', '.join(focus_labels)}"
    payload = {
        "vis": {"nodes": vis_nodes, "edges": vis_edges, "options": json.loads(options_json)},
        "nodes": kg_nodes,
        "edges": kg_edges,
        "articles": [
            [
                art_meta.get(a, {}).get("title") or "",
                art_meta.get(a, {}).get("date"),
                art_meta.get(a, {}).get("url"),
            ]
            for a in article_iris
        ],
        "classes": [
            {"name": c, "color": CLASS_STYLE[c][0], "shape": CLASS_STYLE[c][1], "count": k}
            for c in CLASS_STYLE
            if (k := class_count.get(c, 0))
        ],
        "relations": [
            {
                "name": r,
                "color": RELATION_STYLE[r][0],
                "label": RELATION_STYLE[r][1],
                "out": RELATION_STYLE[r][1],
                "in": RELATION_STYLE[r][2],
                "count": k,
            }
            for r in RELATIONS
            if (k := rel_count.get(r, 0))
        ],
        "communities": community_legend,
        "sizeNote": SIZE_NOTES[size],
        "dateRange": [dates[0], dates[-1]] if dates else None,
        "focus": focus_ids,
    }
    template = _template()
    html = template.render(
        title=title,
        summary=summary,
        version=__version__,
        page_css=Markup(_asset("page.css")),
        page_js=Markup(_asset("page.js")),
        vis_js=Markup(_vis_network_js()),
        data_json=Markup(_script_json(payload)),
    )
    info = {
        "nodes": len(nodes),
        "edges": len(edges),
        "articles": len(article_iris),
        "layout": "physics" if physics else "precomputed",
        "communities": len(community_legend),
        "focus": focus_labels,
    }
    return html, info


def _compact_evidence(ev: dict[str, Any], article_id: dict[str, int]) -> dict[str, Any]:
    """Short keys keep a 5,000-node page small; nulls are dropped."""
    item = {
        "s": ev["sentence"],
        "a": article_id.get(ev["article"], -1),
        "r": ev["rule"] or None,
        "c": ev["confidence"],
        "role": ev["role"],
        "amount": ev["amount"],
        "currency": ev["currency"],
    }
    return {k: v for k, v in item.items() if v is not None}


def _template() -> Any:
    from jinja2 import Environment

    env = Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(_asset("page.html.j2"))


def render(
    store_or_graph: Any,
    out_path: str | Path,
    *,
    size: str = "degree",
    focus: str | None = None,
    hops: int = 1,
    types: str | list[str] | None = None,
    min_degree: int = 0,
    community: bool = False,
    seed: int = 42,
    hedged: bool = False,
    title: str = "Cluster network",
) -> VizReport:
    """Write the network page for a store (or an already loaded graph) to `out_path`.

    `hedged` also draws planned/intended facts, dashed. Raises
    `GraphSelectionError` for an unknown focus name, class or size measure,
    and `KGError` when the file cannot be written; nothing is written then.
    """
    import networkx as nx

    if isinstance(store_or_graph, nx.MultiDiGraph):
        graph = store_or_graph
    else:
        graph = load_network(store_or_graph, include_hedged=hedged)
    html, info = build_page(
        graph,
        size=size,
        focus=focus,
        hops=hops,
        types=types,
        min_degree=min_degree,
        community=community,
        seed=seed,
        title=title,
    )
    path = Path(out_path)
    data = html.encode("utf-8")
    try:
        path.write_bytes(data)
    except OSError as err:
        raise KGError(f"cannot write {path}: {err.strerror or err}") from err
    return VizReport(
        path=str(path),
        nodes=info["nodes"],
        edges=info["edges"],
        articles=info["articles"],
        layout=info["layout"],
        size=size,
        communities=info["communities"],
        focus=info["focus"],
        bytes=len(data),
    )
