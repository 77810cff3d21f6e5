"""`kg stats`: the figures a cluster manager asks for first, computed with networkx.

Who are the hubs (degree) and the brokers between groups (betweenness)?
Which groups form (communities)? How fragmented is the picture (connected
components)? Which clusters have the most members and which funders spread
the most money? All of it comes from the same graph as the network page
(kg.view.network), so the page and the figures never disagree. Communities and
sampled betweenness are seeded: the same store always gives the same report.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from kg.model import ENTITY_CLASSES, RELATIONS
from kg.names import plural
from kg.view.network import betweenness, communities, load_network, simple_undirected

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class Ranked:
    """One entity in a top list, with the figure it is ranked by."""

    label: str
    classes: tuple[str, ...]
    value: float
    iri: str


@dataclass(frozen=True)
class Community:
    """A detected community: its size and its best-connected members."""

    id: int
    size: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class ClusterFigure:
    """A cluster with how many distinct organisations or people are in it."""

    label: str
    members: int
    degree: int
    iri: str


@dataclass(frozen=True)
class FunderFigure:
    """A funder with how many recipients it funds and the money stated, per currency."""

    label: str
    recipients: int
    amounts: dict[str, str]
    iri: str


@dataclass(frozen=True)
class Stats:
    """Everything `kg stats` prints; `to_json` is the machine form."""

    entities: int
    relations: int
    articles: int
    per_class: dict[str, int]
    per_relation: dict[str, int]
    components: int
    largest_components: tuple[int, ...]
    isolated: int
    top_degree: tuple[Ranked, ...] = ()
    top_betweenness: tuple[Ranked, ...] = ()
    communities: tuple[Community, ...] = ()
    community_count: int = 0
    clusters: tuple[ClusterFigure, ...] = ()
    funders: tuple[FunderFigure, ...] = field(default_factory=tuple)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    def to_text(self) -> str:
        lines = [
            f"{self.entities} entities, {self.relations} relations, {self.articles} articles",
            "",
            "Entities per class:",
            *_table([(c, str(n)) for c, n in self.per_class.items()]),
            "",
            "Relations per property:",
            *_table([(r, str(n)) for r, n in self.per_relation.items()]),
            "",
            f"Connected components: {self.components} (largest: "
            f"{', '.join(map(str, self.largest_components)) or '-'}; isolated entities: "
            f"{self.isolated})",
        ]
        sections: list[tuple[str, list[tuple[str, str]]]] = [
            (
                "Top entities by degree (relations):",
                [_ranked(r, "{:.0f}") for r in self.top_degree],
            ),
            (
                "Top entities by betweenness (bridges between groups):",
                [_ranked(r, "{:.4f}") for r in self.top_betweenness],
            ),
            (
                f"Communities (Louvain, seeded): {self.community_count}; largest:",
                [(f"#{c.id + 1} ({c.size})", ", ".join(c.members)) for c in self.communities],
            ),
            (
                "Most-connected clusters (members, degree):",
                [
                    (c.label, f"{plural(c.members, 'member')}, degree {c.degree}")
                    for c in self.clusters
                ],
            ),
            (
                "Funders (recipients, money stated):",
                [(f.label, _funding(f)) for f in self.funders],
            ),
        ]
        for title, rows in sections:
            lines += ["", title, *(_table(rows) if rows else ["  (none)"])]
        return "\n".join(lines) + "\n"


def _table(rows: list[tuple[str, str]]) -> list[str]:
    width = max((len(a) for a, _ in rows), default=0)
    return [f"  {a.ljust(width)}  {b}" for a, b in rows]


def _ranked(r: Ranked, fmt: str) -> tuple[str, str]:
    return (f"{r.label} [{', '.join(r.classes) or 'Entity'}]", fmt.format(r.value))


def _funding(f: FunderFigure) -> str:
    money = ", ".join(f"{_money(v)} {c}" for c, v in f.amounts.items())
    return plural(f.recipients, "recipient") + (f"; {money}" if money else "")



def _money(value: str) -> str:
    return f"{Decimal(value):,.0f}" if Decimal(value) == Decimal(value).to_integral() else value


def _top(graph: nx.MultiDiGraph, values: dict[str, float], top: int) -> tuple[Ranked, ...]:
    order = sorted(values, key=lambda n: (-values[n], graph.nodes[n]["label"], n))
    return tuple(
        Ranked(
            label=graph.nodes[n]["label"],
            classes=tuple(graph.nodes[n]["classes"]),
            value=round(float(values[n]), 6),
            iri=n,
        )
        for n in order[:top]
        if values[n] > 0
    )


def _clusters(graph: nx.MultiDiGraph, top: int) -> tuple[ClusterFigure, ...]:
    figures = []
    for n, data in graph.nodes(data=True):
        if "Cluster" not in data["classes"]:
            continue
        members = {
            u for u, _, d in graph.in_edges(n, data=True) if d["relation"] in ("memberOf", "partOf")
        }
        figures.append(ClusterFigure(data["label"], len(members), graph.degree(n), n))
    figures.sort(key=lambda c: (-c.members, -c.degree, c.label, c.iri))
    return tuple(figures[:top])


def _funders(graph: nx.MultiDiGraph, top: int) -> tuple[FunderFigure, ...]:
    """Funders by recipients; money is the largest amount stated per recipient and currency.

    The same grant is often reported in several articles, so summing every
    statement would count it twice; a recipient's largest stated amount is
    the honest lower bound of what it received.
    """
    figures = []
    for n, data in graph.nodes(data=True):
        funded = [(u, d) for u, _, d in graph.in_edges(n, data=True) if d["relation"] == "fundedBy"]
        if "Funder" not in data["classes"] and not funded:
            continue
        totals: dict[str, Decimal] = {}
        for _, d in funded:
            best: dict[str, Decimal] = {}
            for ev in d["evidence"]:
                try:
                    amount = Decimal(ev["amount"]) if ev["amount"] is not None else None
                except InvalidOperation:
                    amount = None
                if amount is not None:
                    cur = ev["currency"] or "?"
                    best[cur] = max(best.get(cur, amount), amount)
            for cur, amount in best.items():
                totals[cur] = totals.get(cur, Decimal(0)) + amount
        amounts = {c: str(totals[c]) for c in sorted(totals)}
        figures.append(FunderFigure(data["label"], len({u for u, _ in funded}), amounts, n))
    figures.sort(key=lambda f: (-f.recipients, f.label, f.iri))
    return tuple(figures[:top])


def compute_stats(store_or_graph: Any, *, top: int = 10, seed: int = 42) -> Stats:
    """Figures for a store (or an already loaded graph); hedged facts are not counted."""
    import networkx as nx

    graph = (
        store_or_graph
        if isinstance(store_or_graph, nx.MultiDiGraph)
        else load_network(store_or_graph)
    )
    per_class = {c: 0 for c in ENTITY_CLASSES}
    for _, data in graph.nodes(data=True):
        for c in data["classes"]:
            per_class[c] += 1
    per_relation = {r: 0 for r in RELATIONS}
    for *_, rel in graph.edges(data="relation"):
        per_relation[rel] += 1
    simple = simple_undirected(graph)
    sizes = sorted((len(c) for c in nx.connected_components(simple)), reverse=True)
    degree = {n: float(graph.degree(n)) for n in graph.nodes}
    groups = communities(graph, seed=seed)
    return Stats(
        entities=graph.number_of_nodes(),
        relations=graph.number_of_edges(),
        articles=len(graph.graph.get("articles", {})),
        per_class=per_class,
        per_relation=per_relation,
        components=len(sizes),
        largest_components=tuple(sizes[:5]),
        isolated=sum(1 for s in sizes if s == 1),
        top_degree=_top(graph, degree, top),
        top_betweenness=_top(graph, betweenness(graph, seed=seed), top),
        communities=tuple(
            Community(
                id=i,
                size=len(group),
                members=tuple(
                    graph.nodes[n]["label"]
                    for n in sorted(group, key=lambda n: (-degree[n], graph.nodes[n]["label"]))[:5]
                ),
            )
            for i, group in enumerate(groups[:top])
            if len(group) > 1
        ),
        community_count=sum(1 for g in groups if len(g) > 1),
        clusters=_clusters(graph, top),
        funders=_funders(graph, top),
    )
