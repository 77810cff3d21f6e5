"""The network page: one self-contained HTML file a cluster manager can open from disk.

The page is our own Jinja template (kg/assets/page.html.j2) with the
vis-network nodes, edges and options written as JSON: no page generator
(pyvis was one) can be trusted not to pull Bootstrap or vis from a CDN, and
a page that needs the network is useless on a train or behind a clinic
firewall. The vendored vis-network build and our CSS/JS are inlined, and a
Content-Security-Policy forbids any request, so nothing can leak out.

The page opens on "who works with whom": organisations linked by their
relations and by what they share (kg.view.network.shared_links), with
people, places and products as layers to switch on and entities without a
visible link hidden. What is shown is decided in the browser (page.js), so
the data carries the whole selected graph and a precomputed layout
(kg.view.layout.layered_layout) of the opening view: nothing moves when the
page opens, and a filter change re-lays out with bounded physics.
Everything is seeded and sorted, so the same graph always gives
byte-identical HTML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.view.network import (
    CONTEXT_RELATIONS,
    LAYER_CLASSES,
    GraphSelectionError,
    betweenness,
    communities,
    community_name,
    load_network,
    primary_class,
    select,
    shared_links,
    simple_undirected,
    working_degree,
)
from kg.view.style import (
    CLASS_STYLE,
    COMMUNITY_PALETTE,
    LABELS,
    OTHER_COMMUNITY,
    RELATION_STYLE,
    SHARED_RELATION,
    SHARED_STYLE,
    SIZE_NOTES,
    class_legend,
    edge_width,
    opening_scale,
    relation_legend,
    relayout_physics,
    vis_options,
)

if TYPE_CHECKING:
    import networkx as nx

#: Views with at most this many nodes write the relation on each line;
#: beyond it the text buries the map (and costs a canvas save per edge).
EDGE_LABEL_LIMIT = 60

SIZE_MEASURES = ("degree", "betweenness", "articles")


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
    opening: int = 0

    def summary(self) -> str:
        focus = f" around {', '.join(self.focus)}" if self.focus else ""
        return (
            f"wrote {self.path}: {self.nodes} entities, {self.edges} relations, "
            f"{self.articles} articles{focus}; opens on {self.opening} linked entities "
            f"({self.layout} layout, size by {self.size}, {self.bytes / 1_000_000:.1f} MB)"
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


def _measure(graph: nx.MultiDiGraph, size: str, seed: int) -> dict[str, float]:
    if size == "degree":
        return {n: float(working_degree(graph, n)) for n in graph.nodes}
    if size == "articles":
        return {n: float(len(graph.nodes[n]["articles"])) for n in graph.nodes}
    return betweenness(graph, seed=seed, exclude=CONTEXT_RELATIONS)


def _community_payload(
    graph: nx.MultiDiGraph, view: nx.MultiDiGraph, seed: int
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Communities of who works with whom (places left out), named by their central organisation."""
    groups = communities(graph, seed=seed, exclude=CONTEXT_RELATIONS)
    member_of = {n: i for i, group in enumerate(groups) for n in group}
    legend = []
    for i, group in enumerate(groups[: len(COMMUNITY_PALETTE)]):
        shown = [n for n in group if n in view]
        if not shown:
            continue
        top = sorted(shown, key=lambda n: (-working_degree(graph, n), graph.nodes[n]["label"], n))
        legend.append(
            {
                "id": i,
                "color": COMMUNITY_PALETTE[i],
                "size": len(shown),
                "name": community_name(graph, shown),
                "top": [graph.nodes[n]["label"] for n in top[:3]],
            }
        )
    return member_of, legend


def _opening_view(view: nx.MultiDiGraph, classes_on: set[str]) -> tuple[nx.Graph, list[str]]:
    """The layout graph and the nodes the page opens on.

    Those are the nodes of a class switched on with at least one link to
    another such node (a shared link implies two real ones, so relations
    suffice); page.js computes the same set from the same rules.
    """
    # Shared links stay out of the layout: both ends are already linked to
    # the project or cluster they share, and a dozen members as a clique
    # would pull a group into a knot.
    layout_graph = simple_undirected(view)

    def on(n: str) -> bool:
        return any(c in classes_on for c in view.nodes[n]["classes"] or ("Entity",))

    linked = {n for u, v in layout_graph.edges() if on(u) and on(v) for n in (u, v)}
    return layout_graph, sorted(linked)


def _largest_part(layout_graph: nx.Graph, shown: list[str]) -> list[str]:
    """What the page fits at first: the largest component if it is a real part of the view."""
    import networkx as nx

    sub = layout_graph.subgraph(shown)
    parts = sorted((sorted(c) for c in nx.connected_components(sub)), key=lambda c: (-len(c), c[0]))
    if parts and len(parts[0]) >= 2 and 2 * len(parts[0]) >= len(shown):
        return parts[0]
    return shown


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

    from kg import __version__
    from kg.view.layout import layered_layout

    if size not in SIZE_MEASURES:
        raise GraphSelectionError(
            f"unknown size measure {size!r}; choose from {', '.join(SIZE_MEASURES)}"
        )
    view = select(graph, focus=focus, hops=hops, types=types, min_degree=min_degree)
    nodes = sorted(view.nodes)
    node_id = {n: i for i, n in enumerate(nodes)}
    edges = sorted(view.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    shared = shared_links(view)
    # A focus or class selection is a question already asked: show all of it.
    whole = focus is None and types is None
    classes_on = {c for c in CLASS_STYLE if not (whole and c in LAYER_CLASSES)}
    layout_graph, opening = _opening_view(view, classes_on)
    positions = layered_layout(layout_graph, opening, seed=seed)
    scale = opening_scale(positions, _largest_part(layout_graph, opening))
    measure = _measure(graph, size, seed)
    between = measure if size == "betweenness" else None
    member_of, community_legend = _community_payload(graph, view, seed) if community else ({}, [])
    colored = {c["id"] for c in community_legend}

    article_iris = sorted(
        {a for n in nodes for a in view.nodes[n]["articles"]}
        | {ev["article"] for *_, d in edges for ev in d["evidence"] if ev["article"]}
        | {a for *_, arts in shared for a in arts}
    )
    article_id = {a: i for i, a in enumerate(article_iris)}
    art_meta = graph.graph.get("articles", {})

    vis_nodes: list[dict[str, Any]] = []
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
        x, y = positions[n]
        vis_nodes.append(
            {
                "id": node_id[n],
                "label": data["label"],
                "shape": shape,
                "color": color,
                "value": round(measure.get(n, 0.0), 6),
                "x": x,
                "y": y,
            }
        )
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
    vis_edges: list[dict[str, Any]] = []
    kg_edges: list[dict[str, Any]] = []
    rel_count: dict[str, int] = {}
    text_labels = len(nodes) <= EDGE_LABEL_LIMIT
    for j, (u, v, _key, data) in enumerate(edges):
        rel = data["relation"]
        rel_count[rel] = rel_count.get(rel, 0) + 1
        color, phrase, _ = RELATION_STYLE[rel]
        weight = len({ev["article"] for ev in data["evidence"]})
        vis_edge = {
            "id": j,
            "from": node_id[u],
            "to": node_id[v],
            "color": color,
            "dashes": bool(data["hedged"]),
            "width": edge_width(weight),
        }
        if text_labels:
            vis_edge["label"] = phrase
        vis_edges.append(vis_edge)
        kg_edges.append(
            {
                "id": j,
                "from": node_id[u],
                "to": node_id[v],
                "relation": rel,
                "hedged": bool(data["hedged"]),
                "w": weight,
                "evidence": [_compact_evidence(ev, article_id) for ev in data["evidence"]],
            }
        )
    for j, (a, b, via, arts) in enumerate(shared, start=len(edges)):
        vis_edges.append(
            {
                "id": j,
                "from": node_id[a],
                "to": node_id[b],
                "color": {"color": SHARED_STYLE[0], "opacity": 0.5},
                "dashes": [2, 5],
                "width": edge_width(len(via)),
                "arrows": {"to": {"enabled": False}},
            }
        )
        kg_edges.append(
            {
                "id": j,
                "from": node_id[a],
                "to": node_id[b],
                "relation": SHARED_RELATION,
                "hedged": False,
                "w": len(via),
                "via": [node_id[x] for x in via],
                "arts": [article_id[x] for x in arts],
                "evidence": [],
            }
        )

    dates = sorted(d for a in article_iris if (d := art_meta.get(a, {}).get("date")))
    focus_ids = [node_id[n] for n in view.graph.get("focus", []) if n in node_id]
    focus_labels = tuple(view.nodes[n]["label"] for n in view.graph.get("focus", []))
    summary = (
        f"{len(nodes)} entities \u00b7 {len(edges)} relations \u00b7 {len(article_iris)} articles"
    )
    if focus_labels:
        summary += f" \u00b7 {hops} hop{'s' if hops != 1 else ''} around {', '.join(focus_labels)}"
    payload = {
        "vis": {
            "nodes": vis_nodes,
            "edges": vis_edges,
            "options": vis_options(len(opening), seed, scale),
        },
        "relayout": relayout_physics(),
        "labels": {**LABELS, "scale": round(scale, 6)},
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
        "classes": class_legend(class_count, classes_on),
        "relations": relation_legend(rel_count, len(shared)),
        "communities": community_legend,
        "sizeNote": SIZE_NOTES[size],
        "dateRange": [dates[0], dates[-1]] if dates else None,
        "money": _money_payload(graph, node_id, article_id),
        "focus": focus_ids,
    }
    template = _template()
    html = template.render(
        title=title,
        summary=summary,
        version=__version__,
        page_css=Markup(_asset("page.css")),
        page_js=Markup(_asset("page.js")),
        money_js=Markup(_asset("money.js")),
        vis_js=Markup(_vis_network_js()),
        data_json=Markup(_script_json(payload)),
    )
    info = {
        "nodes": len(nodes),
        "edges": len(edges),
        "shared": len(shared),
        "opening": len(opening),
        "articles": len(article_iris),
        "layout": "precomputed",
        "communities": len(community_legend),
        "focus": focus_labels,
    }
    return html, info


def _money_payload(
    graph: nx.MultiDiGraph, node_id: dict[str, int], article_id: dict[str, int]
) -> list[dict[str, Any]]:
    """The funding events between shown entities, for the money view (kg/assets/money.js).

    One item per event, so the page can list events and add each once: an amount
    given jointly is one item with all its funders, never one per funding line.
    """
    out = []
    for f in graph.graph.get("fundings", []):
        funders = [node_id[n] for n in f.funders if n in node_id]
        recipients = [node_id[n] for n in f.recipients if n in node_id]
        if not funders or not recipients:
            continue
        out.append(
            {
                "funders": funders,
                "recipients": recipients,
                "amount": None if f.amount is None else str(f.amount),
                "upper": None if f.upper is None else str(f.upper),
                "currency": f.currency,
                "qualifiers": f.qualifiers,
                "joint": f.joint,
                "hedged": f.hedged,
                "share": f.share_of,
                "round": f.round,
                "kind": f.kinds[0] if f.kinds else None,
                "text": f.evidence[0]["amountText"] if f.evidence else None,
                "evidence": [
                    {"s": ev["sentence"], "a": article_id.get(str(ev["article"]), -1)}
                    for ev in f.evidence
                ],
            }
        )
    return out


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
    from kg.output import write_file

    path = Path(out_path)
    data = html.encode("utf-8")
    # Renamed into place: a full disk leaves the previous page, not half of a new one.
    write_file(out_path, lambda tmp: tmp.write_bytes(data))
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
        opening=info["opening"],
    )
