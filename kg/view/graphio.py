"""GraphML and GEXF export, for people who analyse networks in Gephi, yEd or Cytoscape.

Those tools want a flat property graph, not RDF: one node per entity with
plain string/number attributes, one edge per relation. So the rich graph of
kg.view.network is flattened here: classes and names joined into strings, evidence
reduced to a count, the first sentence and the qualifiers (role, amount,
currency). Output is deterministic (sorted nodes and edges, and GEXF's
"last modified" date taken from the newest article instead of today), so an
unchanged store exports byte-identical files.

What a network tool needs to be useful, and so is here: numbers as numbers
(amount and confidence are doubles, so Gephi can size or filter by them),
dates (a node's first article date, an edge's first evidence date; GEXF also
as `start`, so Gephi's timeline works), planned or intended facts as their
own edges flagged `hedged` (filter them out, or show them dashed), and each
node's class colour as the network page draws it (GEXF `viz:color`, and a
`color` attribute in both formats).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KGError
from kg.view.money import Funding
from kg.view.network import load_network, primary_class
from kg.view.style import CLASS_STYLE

if TYPE_CHECKING:
    import networkx as nx

#: Separator for multi-valued attributes (classes, names); never part of a class name.
JOIN = " | "


def _graph(store_or_graph: Any) -> nx.MultiDiGraph:
    import networkx as nx

    if isinstance(store_or_graph, nx.MultiDiGraph):
        return store_or_graph
    return load_network(store_or_graph, include_hedged=True)


def _first_date(dates: Any) -> str | None:
    known = sorted(d for d in dates if d)
    return known[0] if known else None


def flatten(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only scalar attributes, in sorted order, ready for GraphML/GEXF writers."""
    import networkx as nx

    flat = nx.MultiDiGraph()
    articles = graph.graph.get("articles", {})
    for n in sorted(graph.nodes):
        data = graph.nodes[n]
        cls = primary_class(data["classes"])
        attrs: dict[str, Any] = {
            "label": data["label"],
            "labels": JOIN.join((data["label"], *data["names"])),
            "classes": JOIN.join(data["classes"]),
            "class": cls,
            "color": CLASS_STYLE.get(cls, CLASS_STYLE["Entity"])[0],
            "articles": len(data["articles"]),
        }
        date = _first_date(articles.get(a, {}).get("date") for a in data["articles"])
        if date is not None:
            attrs["date"] = date
        flat.add_node(n, **attrs)
    fundings = {f.iri: f for f in graph.graph.get("fundings", [])}
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    for i, (u, v, _key, data) in enumerate(edges):
        evidence = data["evidence"]
        attrs: dict[str, Any] = {
            "id": f"e{i}",
            "label": data["relation"],
            "relation": data["relation"],
            "hedged": bool(data["hedged"]),
            "evidence": len(evidence),
        }
        if evidence:
            attrs["sentence"] = evidence[0]["sentence"]
            attrs["article"] = evidence[0]["title"]
            confidences = [ev["confidence"] for ev in evidence if ev["confidence"] is not None]
            if confidences:
                attrs["confidence"] = float(max(confidences))
            date = _first_date(ev["date"] for ev in evidence)
            if date is not None:
                attrs["date"] = date
        role = next((ev["role"] for ev in evidence if ev["role"]), None)
        if role is not None:
            attrs["role"] = str(role)
        attrs.update(_money_attrs(evidence, fundings))
        flat.add_edge(u, v, key=attrs["id"], **attrs)
    return flat


def _money_attrs(evidence: list[dict[str, Any]], fundings: dict[str, Funding]) -> dict[str, Any]:
    """A funding edge's money as numbers, and flags for what must not be added up.

    `amount` is the largest amount of the funding events behind the edge (a
    number, so Gephi can size by it); `events` how many there are; `amountShared` is
    true when an event has other funders or recipients (the amount is theirs
    together, repeated on each of their edges: sum events, not edges); and
    `amountHedged` is true when the text hedges an amount (around, more than, up to, a
    range, no number) or the money is only planned.
    """
    iris = sorted({iri for ev in evidence if (iri := ev.get("event")) and iri in fundings})
    events = [fundings[iri] for iri in iris]
    if not events:
        return {}
    attrs: dict[str, Any] = {
        "events": len(events),
        "amountShared": any(f.joint for f in events),
        "amountHedged": any(f.inexact or f.hedged for f in events),
    }
    valued = [f for f in events if f.amount is not None]
    if valued:
        top = max(valued, key=lambda f: (f.amount, f.iri))
        attrs["amount"] = float(top.amount)  # type: ignore[arg-type]
        attrs["currency"] = top.currency or ""
    qualifiers = sorted({q for f in events for q in f.qualifiers})
    if qualifiers:
        attrs["qualifiers"] = JOIN.join(qualifiers)
    return attrs


def write_graphml(store_or_graph: Any, path: str | Path) -> int:
    """Write GraphML; returns the number of edges written."""
    import networkx as nx

    flat = flatten(_graph(store_or_graph))
    try:
        nx.write_graphml(flat, str(path), encoding="utf-8", prettyprint=True)
    except OSError as err:
        raise KGError(f"cannot write {path}: {err.strerror or err}") from err
    return flat.number_of_edges()


def write_gexf(store_or_graph: Any, path: str | Path) -> int:
    """Write GEXF 1.2; returns the number of edges written."""
    graph = _graph(store_or_graph)
    flat = flatten(graph)
    for _node, data in flat.nodes(data=True):
        _gexf_extras(data)
    for _u, _v, data in flat.edges(data=True):
        _gexf_extras(data)
    writer = _gexf_writer_class()(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    dates = sorted(a["date"] for a in graph.graph.get("articles", {}).values() if a.get("date"))
    if meta is not None:
        # networkx stamps today's date; use the data's own newest date instead.
        if dates:
            meta.set("lastmodifieddate", dates[-1])
        else:
            meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(flat)
    try:
        with open(path, "wb") as fh:
            writer.write(fh)
    except OSError as err:
        raise KGError(f"cannot write {path}: {err.strerror or err}") from err
    return flat.number_of_edges()


def _gexf_extras(data: dict[str, Any]) -> None:
    """GEXF's own places for what GraphML keeps as attributes: the timeline start, the colour."""
    if "date" in data:
        data["start"] = data["date"]
    color = data.get("color")
    if color is not None:
        r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
        data["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}}


def _gexf_writer_class() -> type:
    from networkx.readwrite.gexf import GEXFWriter

    class GexfWriter(GEXFWriter):
        """networkx's writer without the `networkx_key` attribute it adds to multigraph edges.

        The edge `id` already names each edge; the key would be a second, meaningless copy.
        """

        def add_attributes(self, node_or_edge: str, xml_obj: Any, data: dict, default: dict):
            return super().add_attributes(
                node_or_edge, xml_obj, {k: v for k, v in data.items() if k != "key"}, default
            )

    return GexfWriter
