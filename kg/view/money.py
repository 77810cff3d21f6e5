"""Funding events read from the store: the one place views learn who gives how much to whom.

A funding event (kg:FundingEvent) holds an amount once, with all its funders
and recipients. Views that add money up (`kg stats`, the network page's money
view, GraphML/GEXF) read the events here and sum over events, never over
funder-recipient pairs: that is what credited a joint grant in full to each
funder and each recipient before. The same event reported by two articles is
one IRI with an evidence from each, so it is counted once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from kg import namespace as ns
from kg.namespace import SYSTEM_GRAPH

#: Qualifiers that make an amount less than exact: flagged in exports and views.
INEXACT = frozenset({"approximate", "atLeast", "atMost", "range", "unknownValue"})


@dataclass
class Funding:
    """One funding event as views need it (IRIs of funders and recipients, amount as Decimal)."""

    iri: str
    funders: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    amount: Decimal | None = None
    upper: Decimal | None = None
    currency: str | None = None
    qualifiers: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    round: str | None = None
    periods: list[str] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    share_of: str | None = None
    hedged: bool = False
    evidence: list[dict[str, Any]] = field(default_factory=list)

    @property
    def joint(self) -> bool:
        """Given by several funders or to several recipients together: never split by guesswork."""
        return len(self.funders) > 1 or len(self.recipients) > 1

    @property
    def inexact(self) -> bool:
        """Whether the text hedges the amount (around, more than, up to, a range, no number)."""
        return bool(INEXACT & set(self.qualifiers)) or self.amount is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "funders": self.funders,
            "recipients": self.recipients,
            "amount": None if self.amount is None else str(self.amount),
            "upper": None if self.upper is None else str(self.upper),
            "currency": self.currency,
            "qualifiers": self.qualifiers,
            "kinds": self.kinds,
            "round": self.round,
            "periods": self.periods,
            "purposes": self.purposes,
            "share_of": self.share_of,
            "hedged": self.hedged,
            "joint": self.joint,
            "evidence": self.evidence,
        }


def _rows(store: Any, sparql: str) -> Iterable[dict[str, str | None]]:
    solutions = store.query(sparql)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {n: (None if solution[n] is None else solution[n].value) for n in names}


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


_LISTS = {
    ns.FUNDER_OF_EVENT: "funders",
    ns.RECIPIENT: "recipients",
    ns.AMOUNT_QUALIFIER: "qualifiers",
    ns.PERIOD: "periods",
    ns.PURPOSE: "purposes",
}
_KINDS = {iri: kind for kind, iri in ns.FUNDING_KIND_IRIS.items()}


def load_fundings(store: Any) -> list[Funding]:
    """Every funding event of the store, sorted by IRI, with its evidence sorted by article."""
    q = (
        f"PREFIX kg: <{ns.KG}>\nSELECT DISTINCT ?e ?p ?o WHERE {{ GRAPH ?g {{ "
        f"?e a kg:FundingEvent ; ?p ?o }} FILTER(?g != <{SYSTEM_GRAPH}>) }}"
    )
    events: dict[str, Funding] = {}
    for row in _rows(store, q):
        iri, p, o = str(row["e"]), str(row["p"]), row["o"]
        ev = events.setdefault(iri, Funding(iri))
        if o is None:
            continue
        if p in _LISTS:
            getattr(ev, _LISTS[p]).append(o)
        elif p == ns.RDF_TYPE and o in _KINDS:
            ev.kinds.append(_KINDS[o])
        elif p == ns.AMOUNT:
            value = _decimal(o)
            # Two values for one event only in a broken store: keep the smaller, stably.
            ev.amount = value if ev.amount is None or value is None else min(ev.amount, value)
        elif p == ns.MAX_AMOUNT:
            ev.upper = _decimal(o)
        elif p == ns.CURRENCY:
            ev.currency = o if ev.currency is None else min(ev.currency, o)
        elif p == ns.ROUND:
            ev.round = o
        elif p == ns.SHARE_OF:
            ev.share_of = o
        elif p == ns.HEDGED:
            ev.hedged = ev.hedged or o == "true"
    q = (
        f"PREFIX kg: <{ns.KG}>\nSELECT DISTINCT ?e ?ev ?sentence ?text ?art ?title ?date "
        f"WHERE {{ GRAPH ?g {{ ?e kg:evidence ?ev . ?ev kg:inArticle ?art "
        "OPTIONAL { ?ev kg:sentence ?sentence } OPTIONAL { ?ev kg:amountText ?text } } "
        "OPTIONAL { GRAPH ?art { ?art kg:title ?title OPTIONAL { ?art kg:date ?date } } } "
        f"FILTER(?g != <{SYSTEM_GRAPH}>) }}"
    )
    for row in _rows(store, q):
        ev = events.get(str(row["e"]))
        if ev is None:
            continue
        ev.evidence.append(
            {
                "evidence": row["ev"],
                "sentence": row["sentence"] or "",
                "amountText": row["text"] or "",
                "article": row["art"],
                "title": row["title"] or "",
                "date": row["date"],
            }
        )
    for ev in events.values():
        for name in ("funders", "recipients", "qualifiers", "periods", "purposes", "kinds"):
            setattr(ev, name, sorted(set(getattr(ev, name))))
        seen: dict[str, dict[str, Any]] = {}
        for item in ev.evidence:
            seen.setdefault(str(item["evidence"]), item)
        ev.evidence = sorted(
            seen.values(), key=lambda i: (i["date"] or "9999", i["article"], i["evidence"])
        )
    return [events[k] for k in sorted(events)]


def counted(fundings: list[Funding]) -> list[Funding]:
    """The events whose money adds up: stated (not hedged) and not a share of another event."""
    return [f for f in fundings if not f.hedged and f.share_of is None]


def totals(fundings: Iterable[Funding]) -> dict[str, Decimal]:
    """Sum of amounts per currency, each event once; events without a number add nothing."""
    out: dict[str, Decimal] = {}
    for f in fundings:
        if f.amount is not None:
            cur = f.currency or "?"
            out[cur] = out.get(cur, Decimal(0)) + f.amount
    return {c: out[c] for c in sorted(out)}


def by_party(fundings: list[Funding], side: str) -> dict[str, list[Funding]]:
    """Events per funder (`side="funders"`) or per recipient, each event once per party.

    A share ("of which 10 million euros from the ERDF") counts for a party only
    when its parent event does not already list that party, so a funder of the
    whole is not credited its share again.
    """
    parents = {f.iri: f for f in fundings}
    out: dict[str, list[Funding]] = {}
    for f in fundings:
        if f.hedged:
            continue
        parent = parents.get(f.share_of) if f.share_of else None
        for party in getattr(f, side):
            if parent is not None and party in getattr(parent, side):
                continue
            out.setdefault(party, []).append(f)
    return out
