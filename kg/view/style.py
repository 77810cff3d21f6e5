"""How the network page looks: colours, shapes, legends, sizes and the vis-network options.

Kept apart from kg.view.viz (which decides what the page carries) so the
look can change without touching the data, and so helpers that add a view
(the money view) reuse one palette.
"""

from __future__ import annotations

from typing import Any

from kg.model import RELATIONS
from kg.view.network import LAYER_CLASSES

#: The map's size in CSS pixels at 1600x1000 (sidebar and top bar taken off):
#: node and label sizes are chosen so the opening zoom reads there.
CANVAS = (1330.0, 930.0)

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

#: The derived link between two organisations that share a project or cluster.
SHARED_RELATION = "sharesWith"
SHARED_STYLE = ("#5B6B8C", "share a project or cluster", "works with (shared project or cluster)")

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
    "degree": "Node size: number of relations (degree), where it is located not counted.",
    "betweenness": "Node size: betweenness centrality (how often a node bridges others).",
    "articles": "Node size: number of articles that mention the entity.",
}


def opening_scale(positions: dict[str, tuple[float, float]], shown: list[str]) -> float:
    """The zoom the page opens at: the fit of what it shows first (page.js fitDefault)."""
    points = [positions[n] for n in shown if n in positions] or list(positions.values())
    if not points:
        return 1.0
    width = max(p[0] for p in points) - min(p[0] for p in points) + 60
    height = max(p[1] for p in points) - min(p[1] for p in points) + 60
    return min(1.0, CANVAS[0] / width, CANVAS[1] / height)


#: Label sizes in screen px at the opening zoom, for the least and the most
#: important entity (page.js scales them with the zoom, hides those under
#: the threshold and caps them when zoomed in), so the opening view names
#: the hubs and zooming in names the rest.
LABELS = {"min": 9, "max": 22, "threshold": 8, "cap": 18}


def vis_options(n_nodes: int, seed: int, scale: float) -> dict[str, Any]:
    """Node sizes in world units chosen for the opening zoom `scale`.

    vis draws no node labels (font size 0): page.js draws them itself, most
    important first, skipping any that would overlap one already drawn.
    """
    font = {"face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}
    return {
        "layout": {"randomSeed": seed, "improvedLayout": False},
        "nodes": {
            "scaling": {
                "min": round(max(6.0, 4 / scale), 1),
                "max": round(max(24.0, 18 / scale), 1),
                "label": {"enabled": False},
            },
            "font": {**font, "size": 0},
            "borderWidth": 1,
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {**font, "size": 10, "align": "middle", "color": "#57606a"},
            "width": 1.4,
            "selectionWidth": 2.5,
            "smooth": False,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": n_nodes > 1000,
            "hideEdgesOnZoom": n_nodes > 1000,
        },
        "physics": {"enabled": False},
    }


def relayout_physics() -> dict[str, Any]:
    """What page.js switches on for a bounded re-layout after a filter change.

    Barnes-Hut (n log n) from the current positions, spring length equal to
    the precomputed layout's edge length so the map keeps its scale.
    """
    from kg.view.layout import EDGE_LENGTH

    return {
        "enabled": True,
        "solver": "barnesHut",
        "barnesHut": {
            "gravitationalConstant": -2500,
            "centralGravity": 0.15,
            "springLength": EDGE_LENGTH,
            "springConstant": 0.04,
            "damping": 0.3,
            "avoidOverlap": 0.2,
        },
        # Small batches, so the page's time cap can stop a run between two of them.
        "stabilization": {"enabled": False, "fit": False, "updateInterval": 5},
        "minVelocity": 2.0,
    }


def class_legend(class_count: dict[str, int], classes_on: set[str]) -> list[dict[str, Any]]:
    return [
        {
            "name": c,
            "color": CLASS_STYLE[c][0],
            "shape": CLASS_STYLE[c][1],
            "count": k,
            "layer": c in LAYER_CLASSES,
            "on": c in classes_on,
        }
        for c in CLASS_STYLE
        if (k := class_count.get(c, 0))
    ]


def relation_legend(rel_count: dict[str, int], n_shared: int) -> list[dict[str, Any]]:
    legend = [
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
    ]
    if n_shared:
        color, label, phrase = SHARED_STYLE
        legend.append(
            {
                "name": SHARED_RELATION,
                "color": color,
                "label": label,
                "out": phrase,
                "in": phrase,
                "count": n_shared,
                "derived": True,
            }
        )
    return legend


def edge_width(weight: int) -> float:
    """Line width by how many articles state a fact (or how many things two share)."""
    import math

    return round(1.2 + 1.3 * math.log2(max(weight, 1)), 2)
