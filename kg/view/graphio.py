"""GraphML and GEXF export, for people who analyse networks in Gephi, yEd or Cytoscape.

Those tools want a flat property graph, not RDF: one node per entity with
plain string/number attributes, one edge per relation. So the rich graph of
kg.view.network is flattened here: classes and names joined into strings, evidence
reduced to a count, the first sentence and the qualifiers (role, amount,
currency). Output is deterministic (sorted nodes and edges, and GEXF's
"last modified" date taken from the newest article instead of today), so an
unchanged store exports byte-identical files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KGError
from kg.view.money import Funding
from kg.view.network import load_network, primary_class

if TYPE_CHECKING:
    import networkx as nx

#: Separator for multi-valued attributes (classes, names); never part of a class name.
JOIN = " | "


def _graph(store_or_graph: Any) -> nx.MultiDiGraph:
    import networkx as nx

    if isinstance(store_or_graph, nx.MultiDiGraph):
        return store_or_graph
    return load_network(store_or_graph)


def flatten(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only scalar attributes, in sorted order, ready for GraphML/GEXF writers."""
    import networkx as nx

    flat = nx.MultiDiGraph()
    for n in sorted(graph.nodes):
        data = graph.nodes[n]
        flat.add_node(
            n,
            label=data["label"],
            labels=JOIN.join((data["label"], *data["names"])),
            classes=JOIN.join(data["classes"]),
            **{"class": primary_class(data["classes"])},
            articles=len(data["articles"]),
        )
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
                attrs["confidence"] = max(confidences)
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
    from networkx.readwrite.gexf import GEXFWriter

    graph = _graph(store_or_graph)
    flat = flatten(graph)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
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
