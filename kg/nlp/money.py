"""From the amounts a Doc states to `FundingEvent`s between local entities.

`kg.nlp.rules.financing` groups the fundedBy hits of a Doc by the amount they
are bound to; here their ends become the article's local entities, events
without a funder or a recipient are dropped (an amount nobody gives or gets
is not funding), and one stated sum repeated in the same article (the title
and the body both saying "1,8 million euros from the SAB") becomes one event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from kg.model import Article, Evidence, FundingEvent, RelationFact

Key = tuple[int, int]


def read_fundings(
    article: Article,
    raw: list[dict[str, Any]],
    key_of: Mapping[Key, str],
    antecedent: Mapping[Key, str],
    relations: Sequence[RelationFact] = (),
) -> list[FundingEvent]:
    """The article's funding events, in reading order, shares pointing at their parent.

    An event that names only its funder (`inherit`: 'A will provide 90% of the running
    costs, amounting to 5 million euros') goes to what the article's
    fundedBy facts just said A funds, in the sentences right before it.
    """

    def local(keys: list[Key]) -> tuple[str, ...]:
        found = (key_of.get(tuple(k)) or antecedent.get(tuple(k)) for k in keys)
        return tuple(dict.fromkeys(k for k in found if k is not None))

    kept: dict[int, FundingEvent] = {}
    for i, ev in enumerate(raw):
        funders = local(ev["funders"])
        recipients = tuple(r for r in local(ev["recipients"]) if r not in funders)
        if ev.get("inherit"):
            recipients = _funded_just_before(relations, funders, ev["sent"][0])
        if not funders or not recipients:
            continue
        start, end = ev["sent"]
        kept[i] = FundingEvent(
            funders=funders,
            recipients=recipients,
            evidence=Evidence(
                sentence=article.text[start:end].strip(),
                start=start,
                end=end,
                rule=ev["rule"],
                confidence=ev["conf"],
            ),
            amount_text=ev["text"],
            amount_start=ev["money"][0],
            amount_end=ev["money"][1],
            amount=ev["value"],
            upper=ev["upper"],
            currency=ev["currency"],
            qualifiers=tuple(ev["qualifiers"]),
            kind=ev["kind"],
            round=ev["round"],
            period=ev["period"],
            purposes=tuple(p for p in local(ev["purposes"]) if p not in funders + recipients),
            hedged=ev["hedged"],
        )
    same = _repeats(kept)
    order = [i for i in sorted(kept, key=lambda i: kept[i].amount_start) if i not in same]
    index = {i: n for n, i in enumerate(order)}
    for dup, first in same.items():
        index[dup] = index[first]
    events = []
    for i in order:
        ev = kept[i]
        for dup, first in same.items():
            if first == i:
                ev = _merged(ev, kept[dup])
        parent = raw[i]["share_of"]
        share_of = index.get(parent) if parent is not None else None
        events.append(_with_share(ev, share_of if share_of != index[i] else None))
    return events


#: How far back (characters) a funder's earlier fundedBy fact may be for an amount to inherit.
_INHERIT_WINDOW = 600


def _funded_just_before(
    relations: Sequence[RelationFact], funders: tuple[str, ...], start: int
) -> tuple[str, ...]:
    """Whom the funders were said to fund in the nearest sentence before `start`."""
    earlier = [
        r
        for r in relations
        if r.predicate == "fundedBy"
        and not r.hedged
        and r.object in funders
        and start - _INHERIT_WINDOW <= r.evidence.start < start
    ]
    if not earlier:
        return ()
    last = max(r.evidence.start for r in earlier)
    return tuple(
        dict.fromkeys(
            r.subject for r in earlier if r.evidence.start == last and r.subject not in funders
        )
    )


def _repeats(events: dict[int, FundingEvent]) -> dict[int, int]:
    """Later restatements of an earlier event in the same article: index -> first index.

    The same amount (value, range and currency; or, without a number, the same
    words: 'a seven-figure sum' twice) to a recipient in common from a funder in
    common is the same money told twice; with disjoint funders or recipients it
    is two grants of equal size.
    """
    first: dict[int, int] = {}
    ordered = sorted(events, key=lambda i: events[i].amount_start)
    for n, i in enumerate(ordered):
        a = events[i]
        for j in ordered[:n]:
            b = events[j]
            if j in first or _sum(a) != _sum(b) or a.share_of != b.share_of:
                continue
            if set(a.recipients) & set(b.recipients) and set(a.funders) & set(b.funders):
                first[i] = j
                break
    return first


def _sum(ev: FundingEvent) -> tuple[object, ...]:
    """What makes two stated amounts the same money."""
    words = " ".join(ev.amount_text.lower().split()) if ev.amount is None else ""
    return (ev.amount, ev.upper, ev.currency, ev.hedged, words)


def _merged(ev: FundingEvent, other: FundingEvent) -> FundingEvent:
    """`ev` with what a restatement adds: funders, qualifiers, round, period, purposes."""
    funders = tuple(dict.fromkeys(ev.funders + other.funders))
    return dataclasses.replace(
        ev,
        funders=funders,
        recipients=tuple(
            r for r in dict.fromkeys(ev.recipients + other.recipients) if r not in funders
        ),
        qualifiers=tuple(sorted(set(ev.qualifiers) | set(other.qualifiers))),
        round=ev.round or other.round,
        period=ev.period or other.period,
        kind=ev.kind or other.kind,
        purposes=tuple(dict.fromkeys(ev.purposes + other.purposes)),
    )


def _with_share(ev: FundingEvent, share_of: int | None) -> FundingEvent:
    return dataclasses.replace(ev, share_of=share_of)
