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
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kg.model import ENTITY_CLASSES, RELATIONS
from kg.names import plural
from kg.store import check_complete
from kg.view.money import Funding, by_party, counted, totals
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
    """A funder (or recipient) with its counterparts, events and the money stated, per currency.

    `amounts` adds each funding event once; `joint` is the part of it given
    (or received) together with others, which the text does not split, so it
    is reported as such instead of being divided by guesswork.
    """

    label: str
    recipients: int
    amounts: dict[str, str]
    iri: str
    events: int = 0
    joint: dict[str, str] = field(default_factory=dict)
    inexact: int = 0


@dataclass(frozen=True)
class MoneyFigure:
    """All money stated: each funding event once (shares and hedged events left out)."""

    events: int
    amounts: dict[str, str]
    joint_events: int
    inexact: int
    without_number: int
    hedged: int
    shares: int


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
    recipients: tuple[FunderFigure, ...] = field(default_factory=tuple)
    money: MoneyFigure | None = None

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
                "Funders (recipients, money stated; each funding event counted once):",
                [(f.label, _funding(f, "recipient")) for f in self.funders],
            ),
            (
                "Recipients (funders, money stated; each funding event counted once):",
                [(f.label, _funding(f, "funder")) for f in self.recipients],
            ),
        ]
        if self.money is not None:
            sections.append(("Money stated:", [("all funding events", _money_line(self.money))]))
        for title, rows in sections:
            lines += ["", title, *(_table(rows) if rows else ["  (none)"])]
        return "\n".join(lines) + "\n"


def _table(rows: list[tuple[str, str]]) -> list[str]:
    width = max((len(a) for a, _ in rows), default=0)
    return [f"  {a.ljust(width)}  {b}" for a, b in rows]


def _ranked(r: Ranked, fmt: str) -> tuple[str, str]:
    return (f"{r.label} [{', '.join(r.classes) or 'Entity'}]", fmt.format(r.value))


def _funding(f: FunderFigure, other: str) -> str:
    money = ", ".join(f"{_money(v)} {c}" for c, v in f.amounts.items())
    joint = ", ".join(f"{_money(v)} {c}" for c, v in f.joint.items())
    text = plural(f.recipients, other) + (f"; {money}" if money else "")
    if joint:
        text += f" ({joint} of it jointly with others, not split)"
    if f.inexact:
        text += f"; {plural(f.inexact, 'amount')} approximate, bounded or without a number"
    return text


def _money_line(m: MoneyFigure) -> str:
    money = ", ".join(f"{_money(v)} {c}" for c, v in m.amounts.items()) or "no amount"
    extra = [
        f"{m.joint_events} joint",
        f"{m.inexact} approximate, bounded or without a number ({m.without_number} without)",
    ]
    if m.shares:
        extra.append(f"{plural(m.shares, 'share')} of them named as well")
    if m.hedged:
        extra.append(f"{m.hedged} planned or applied for, not counted")
    return f"{plural(m.events, 'event')}, {money} ({'; '.join(extra)})"



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


def _label(graph: nx.MultiDiGraph, iri: str) -> str:
    return str(graph.nodes[iri]["label"]) if iri in graph else iri.rsplit("/", 1)[-1]


def _party_figures(
    graph: nx.MultiDiGraph, fundings: list[Funding], side: str, top: int
) -> tuple[FunderFigure, ...]:
    """Funders (side "funders") or recipients with the money of their events, each event once.

    A funder that funds without any amount stated still counts its recipients
    from the kg:fundedBy edges, so nobody who funds disappears from the list.
    """
    other = "recipients" if side == "funders" else "funders"
    events = by_party(fundings, side)
    linked: dict[str, set[str]] = {iri: set() for iri in events}
    for u, v, d in graph.edges(data=True):
        if d["relation"] == "fundedBy":
            me, them = (v, u) if side == "funders" else (u, v)
            linked.setdefault(me, set()).add(them)
    figures = []
    for iri, counterparts in linked.items():
        mine = events.get(iri, [])
        counterparts |= {p for f in mine for p in getattr(f, other)}
        total = totals(mine)
        joint = totals(f for f in mine if f.joint)
        figures.append(
            FunderFigure(
                label=_label(graph, iri),
                recipients=len(counterparts),
                amounts={c: str(v) for c, v in total.items()},
                iri=iri,
                events=len(mine),
                joint={c: str(v) for c, v in joint.items()},
                inexact=sum(1 for f in mine if f.inexact),
            )
        )
    figures.sort(key=lambda f: (-f.recipients, f.label, f.iri))
    return tuple(figures[:top])


def _money_figure(fundings: list[Funding]) -> MoneyFigure:
    stated = [f for f in fundings if not f.hedged]
    whole = counted(fundings)
    return MoneyFigure(
        events=len(whole),
        amounts={c: str(v) for c, v in totals(whole).items()},
        joint_events=sum(1 for f in whole if f.joint),
        inexact=sum(1 for f in whole if f.inexact),
        without_number=sum(1 for f in whole if f.amount is None),
        hedged=len(fundings) - len(stated),
        shares=sum(1 for f in stated if f.share_of is not None),
    )


def compute_stats(store_or_graph: Any, *, top: int = 10, seed: int = 42) -> Stats:
    """Figures for a store (or an already loaded graph); hedged facts are not counted."""
    import networkx as nx

    if isinstance(store_or_graph, nx.MultiDiGraph):
        graph = store_or_graph
    else:
        check_complete(store_or_graph)  # figures of half a build would pass for the whole
        graph = load_network(store_or_graph)
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
    fundings: list[Funding] = graph.graph.get("fundings", [])
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
        funders=_party_figures(graph, fundings, "funders", top),
        recipients=_party_figures(graph, fundings, "recipients", top),
        money=_money_figure(fundings),
    )
