"""Money: investors of a financing round, and one funding event per amount stated.

News about a round names the company once ('X has closed a seed round of 3 million
euros') and the investors in the sentences after it, without repeating it: 'Lead
investor is A; also B participated', 'The previous investors, C and D, sell their
shares'. These patterns find the investors; `financed_company` finds the company
the round is for, in this sentence or the few before it.

Every fundedBy hit is bound to the amount its sentence states for it
(`bind_money`); `funding_events` then makes one event per amount with all the
funders and recipients bound to it. Credited per hit, "funded by A and B with a
total of 48 million euros" counted 48 million twice, and a round of 9 million
with three investors 27 million.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc, Span, Token

from kg.lexicon import Lexicon
from kg.nlp.labels import REF
from kg.nlp.referents import expand, is_programme, stand_in, topic
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep
from kg.normalize import Money, find_money, find_period

#: Nouns that name a financing round or what it buys.
_ROUND_WORDS = {"round", "financing", "seed", "series", "share", "shares", "stake"}
#: Words that make a sentence about money put into a company.
_HOLDINGS = {"share", "shares", "stake"}
_MONEY_CONTEXT = _ROUND_WORDS | {"investor", "investors", "invest", "euros", "million"}
_INVESTORS = ["investor", "shareholder", "backer", "co-investor"]
_FUNDERS = ["Funder", "Company", "Institution"]
#: Verbs that give an amount (the amount is their object).
_GIVING_ALL = frozenset({"provide", "contribute", "allocate", "commit", "earmark", "fund"})
_GIVING = ["provide", "contribute", "allocate", "commit", "earmark"]
#: Objects of a giving verb that are money or a share of it.
_MONEY_OBJECTS = ["%", "percent", "share", "financing", "funding", "euros", "euro", "eur"]
_MONEY_OBJECTS += ["million", "billion"]
#: What money given 'for the construction' goes to: what the item is about.
_UNDERTAKINGS = {"construction", "building", "expansion", "establishment", "setup", "foundation"}
_TOPICS = {"Institution", "Project", "Cluster", "Company"}
#: How far back the company a round is for may be named.
_LOOKBACK_SENTENCES = 3


def patterns(lex: Lexicon) -> dict[str, tuple[str, list[Pattern]]]:
    """name -> ('fundedBy', patterns); the node 'obj' is the investor."""
    return {
        # 'also the High-Tech Fund and several business angels participated'
        "round-participant": (
            "fundedBy",
            [
                dep(
                    {"LEMMA": "participate"},
                    ("anchor", ">", "obj", {"DEP": "nsubj", "ENT_TYPE": {"IN": _FUNDERS}}),
                ),
            ],
        ),
        # 'Lead investor is A'
        "lead-investor": (
            "fundedBy",
            [
                dep(
                    {"LEMMA": {"IN": _INVESTORS}, "DEP": "nsubj"},
                    ("anchor", "<", "verb", {"LEMMA": "be"}),
                    ("verb", ">", "obj", {"DEP": "attr", "ENT_TYPE": {"IN": _FUNDERS}}),
                ),
            ],
        ),
        # 'The county provides 3 million euros for the new building', 'the ministry
        # covers most of the running costs, some 2 million euros a year'
        "provide-money": (
            "fundedBy",
            [
                dep(
                    {"LEMMA": {"IN": _GIVING}},
                    ("anchor", ">", "obj", {"DEP": "nsubj", "ENT_TYPE": {"IN": _FUNDERS}}),
                    ("anchor", ">", "sum", {"DEP": "dobj", "LOWER": {"IN": _MONEY_OBJECTS}}),
                ),
            ],
        ),
        # 'The previous investors, A and B, sell their shares'
        "investor-apposition": (
            "fundedBy",
            [
                dep(
                    {"LEMMA": {"IN": _INVESTORS}},
                    (
                        "anchor",
                        ">",
                        "obj",
                        {"DEP": {"IN": ["appos", "conj"]}, "ENT_TYPE": {"IN": _FUNDERS}},
                    ),
                ),
            ],
        ),
    }


def _investors(m: DepMatch) -> list[Claim]:
    """The investors a match names, each funding the company the round is for.

    The company as named, not its appositions ('X, participant of Y'): only the
    investors may be a list.
    """
    anchor, obj = m.anchor, m.obj
    if not about_money(anchor) or has_own_target(anchor):
        return []
    if obj is not None and not misparsed_list(anchor, obj):
        return []
    company = financed_company(anchor)
    if company is None or obj is None:
        return []
    return [m.claim(company, m.pred, o, conf=0.7, anchor=anchor) for o in expand(obj)]


def _provides(m: DepMatch) -> list[Claim]:
    """'X provides N euros for the construction (of Y)': money given to what the 'for'
    names, or for building, to what the item is about. Without a stated amount or a
    'for', nothing here: 'X covers most of the running costs, N euros a year' goes
    to whoever X was just said to fund (`funding_events`), and 'invested
    200 million euros to expand the sector' names no recipient."""
    anchor, sum_ = m.anchor, m.nodes["sum"]
    if m.obj is None or not find_money(anchor.sent.text):
        return []
    target = next(
        (
            g
            for c in (*anchor.children, *sum_.children)
            if c.dep_ == "prep" and c.lower_ == "for"
            for g in c.children
            if g.dep_ == "pobj"
        ),
        None,
    )
    recipient = _named_or_undertaking(target, m.obj) if target is not None else None
    if recipient is None or not recipient.ent_type_:
        return []
    return [m.claim(recipient, m.pred, o, anchor=anchor) for o in expand(m.obj)]


def _named_or_undertaking(tok: Token, funder: Token) -> Token | None:
    """'for Y', 'for the construction of Y', 'for the construction of the building'.

    A building without a name is the one named with its owner just before ('the
    new building of the NCT Dresden will house ...'), else the thing the item is
    about, unless that is the funder itself.
    """
    named = stand_in(tok)
    if named.ent_type_:
        return named
    inside = next((t for t in tok.subtree if t.ent_type_ in _TOPICS and t.i != tok.i), None)
    if inside is not None:
        return inside
    nouns = {t.lemma_.lower() for t in tok.subtree} & _UNDERTAKINGS
    if not nouns:
        return None
    doc = tok.doc
    start = tok.sent.start
    for _ in range(3):
        if start == 0:
            break
        start = doc[start - 1].sent.start
    for t in reversed(doc[start : tok.i]):
        if t.lemma_.lower() in nouns and t.i not in {s.i for s in tok.subtree}:
            # 'the building of the X': the parser may hang X on 'of' or on the noun itself
            owner = next(
                (
                    doc[j]
                    for c in t.children
                    if c.lower_ == "of"
                    for j in (c.i + 1, c.i + 2)
                    if j < len(doc) and stand_in(doc[j]).ent_type_ in _TOPICS
                ),
                None,
            )
            if owner is not None:
                return stand_in(owner)
    about = topic(doc)
    if about is None or about.ent_type_ not in _TOPICS or about.lower_ == funder.lower_:
        return None
    return about


HANDLERS: dict[str, DepHandler] = {
    "provide-money": _provides,
    "round-participant": _investors,
    "lead-investor": _investors,
    "investor-apposition": _investors,
}
INHERITING: frozenset[str] = frozenset()
RUNNING: frozenset[str] = frozenset()


def about_money(anchor: Token) -> bool:
    """The anchor's sentence or the one before it speaks of a round or investors."""
    sent = anchor.sent
    start = anchor.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    return any(t.lower_ in _MONEY_CONTEXT for t in anchor.doc[start : sent.end])


def financed_company(anchor: Token) -> Token | None:
    """The company a round is for: the subject of the nearest sentence about a round.

    'X has closed a seed round' names it; the investors' sentences after it do not.
    Without such a sentence, the company the item is about.
    """
    doc = anchor.doc
    sent = anchor.sent
    for _ in range(_LOOKBACK_SENTENCES + 1):
        for tok in sent:
            if tok.lower_ not in _ROUND_WORDS:
                continue
            if tok.lower_ in _HOLDINGS:
                # 'A has acquired all shares in B': the shares are B's, not A's; the
                # parser may hang 'in B' on the verb.
                around = [*tok.children, *(tok.head.children if tok.dep_ == "dobj" else ())]
                held = next(
                    (
                        g
                        for c in around
                        if c.lower_ in {"in", "of"}
                        for g in c.children
                        if g.dep_ == "pobj" and stand_in(g).ent_type_ == "Company"
                    ),
                    None,
                )
                if held is not None:
                    return stand_in(held)
                continue
            verb = next((a for a in tok.ancestors if a.pos_ in {"VERB", "AUX"}), None)
            subj = (
                next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
                if verb is not None
                else None
            )
            named = stand_in(subj) if subj is not None else None
            if named is not None and named.ent_type_ == "Company" and named.i != anchor.i:
                return named  # 'The Dresden company X has closed a round
        if sent.start == 0:
            break
        sent = doc[sent.start - 1].sent
    about = topic(doc)
    return about if about is not None and about.ent_type_ == "Company" else None


def misparsed_list(anchor: Token, obj: Token) -> bool:
    """'investors and the city': a true conjunct is no apposition; only after a comma
    ('The investors, A and B, sell') does the parser's 'conj' stand for one."""
    nxt = anchor.doc[anchor.i + 1] if anchor.i + 1 < len(anchor.doc) else anchor
    return obj.dep_ != "conj" or nxt.text == ","


def has_own_target(anchor: Token) -> bool:
    """'A participates in the project B': a stated target makes it another fact."""
    return any(
        c.dep_ == "prep" and c.lower_ in {"in", "on"} and any(g.ent_type_ for g in c.subtree)
        for c in anchor.children
    )


# --- funding events --------------------------------------------------------------

#: Words that make an amount a loan, or equity, rather than a grant (checked in this order).
_KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("loan", frozenset({"loan", "loans", "credit", "credits"})),
    (
        "equity",
        frozenset(
            {
                "round",
                "seed",
                "series",
                "stake",
                "shares",
                "equity",
                "investor",
                "investors",
                "invest",
                "invests",
                "invested",
                "investing",
                "investment",
                "raise",
                "raised",
                "raises",
            }
        ),
    ),
    (
        "grant",
        frozenset(
            {
                "grant",
                "grants",
                "fund",
                "funds",
                "funded",
                "funding",
                "support",
                "supports",
                "supported",
                "finance",
                "finances",
                "financed",
                "financing",
                "provide",
                "provides",
                "providing",
                "contribute",
                "contributes",
                "subsidy",
                "subsidies",
            }
        ),
    ),
)
_ROUND = re.compile(r"\b(?:pre-seed|seed|series\s+[a-f]\d?)\b", re.IGNORECASE)
#: Words before an entity in a share clause: who gives ('from') and who gets ('to').
_SHARE_FROM = {"from", "by", "via"}
_SHARE_TO = {"to", "for"}
_PURPOSE_CLASSES = {"Project", "Funder", REF}


def _monies(sent: Span) -> list[Money]:
    """The amounts of a sentence, with offsets into the whole Doc."""
    base = sent.start_char
    return [
        Money(
            start=m.start + base,
            end=m.end + base,
            text=m.text,
            value=m.value,
            currency=m.currency,
            upper=m.upper,
            qualifiers=m.qualifiers,
            share=m.share,
        )
        for m in find_money(sent.text)
    ]


def _distance(doc: Doc, money: Money, anchor: Token | None) -> tuple[int, int]:
    """How far an amount hangs from the fact's word: dependency steps, then characters."""
    if anchor is None:
        return (99, money.start)
    span = doc.char_span(money.start, money.end, alignment_mode="expand")
    root = span.root if span is not None and len(span) else None
    steps = 99
    if root is not None:
        for n, t in enumerate([root, *root.ancestors]):
            if t.i == anchor.i:
                steps = n
                break
    return (steps, abs(money.start - anchor.idx))


def bind_money(sent: Span, anchor: Token | None) -> tuple[int, int] | None:
    """The (start, end) Doc character span of the amount a fundedBy hit in `sent` is about.

    A share ('of which 1 million euros') is bound only when the sentence states
    nothing else; with several amounts the one hanging closest from the fact's
    word wins, so 'A gets 2 million euros and B 3 million euros' keeps them apart.
    """
    if anchor is not None and anchor.sent.start != sent.start:
        # The fact's word speaks of the money where it stands ('are investing a
        # seven-figure sum in X' after a title naming X); an investor named sentences
        # after the round ('The round was led by Y') takes the round's amount.
        here = bind_money(anchor.sent, anchor)
        return here if here is not None else bind_money(sent, None)
    monies = _monies(sent)
    whole = [m for m in monies if not m.share] or monies
    if not whole:
        return None
    best = min(whole, key=lambda m: _distance(sent.doc, m, anchor))
    return (best.start, best.end)


def _key(tok: Token) -> tuple[int, int]:
    return (tok.idx, tok.idx + len(tok.text))


def _kind(sent: Span) -> str | None:
    words = {t.lower_ for t in sent}
    return next((kind for kind, cues in _KINDS if words & cues), None)


def _round_name(sent: Span) -> str | None:
    m = _ROUND.search(sent.text)
    if m is None:
        return None
    name = " ".join(m.group().split())
    return name.lower() if "seed" in name.lower() else "Series " + name.split()[-1].upper()


def _purposes(sent: Span, taken: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Programmes the money comes from or is part of ('as part of Horizon Europe')."""
    return [
        _key(t)
        for t in sent
        if t.ent_type_ in _PURPOSE_CLASSES and _key(t) not in taken and is_programme(t)
    ]


def _share_parties(doc: Doc, money: Money) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Who gives and who gets a share: 'of which 1 million euros from A go to B'."""
    span = doc.char_span(money.start, money.end, alignment_mode="expand")
    if span is None:
        return [], []
    givers: list[tuple[int, int]] = []
    takers: list[tuple[int, int]] = []
    for t in doc[span.end : span.sent.end]:
        if t.text in {";", "."} or t.lower_ in {"which", "while", "whereas"}:
            break
        if not t.ent_type_ or t.ent_type_ in {"Person", "Place"} or t.i == 0:
            continue
        before = doc[t.i - 1].lower_
        if before == "the" and t.i > 1:
            before = doc[t.i - 2].lower_
        if before in _SHARE_FROM:
            givers.append(_key(t))
        elif before in _SHARE_TO:
            takers.append(_key(t))
    return givers, takers


def funding_events(doc: Doc, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One event per stated amount, with every funder and recipient of the hits bound to it.

    Hits are dicts as `RelationPatterns` records them (`s`, `p`, `o` token
    spans; `money` the bound amount's span). Shares of a larger event ('of
    which 10 million euros from the ERDF') become events of their own pointing
    at it (`share_of`, an index into the returned list), with the funders or
    recipients their clause names and the larger event's for the rest.
    """
    by_money: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for hit in found:
        if hit["p"] == "fundedBy" and hit.get("money") is not None:
            by_money.setdefault(tuple(hit["money"]), []).append(hit)
    events: list[dict[str, Any]] = []
    for span in sorted(by_money):
        hits = by_money[span]
        sent = doc.char_span(span[0], span[1], alignment_mode="expand")
        if sent is None:
            continue
        sentence = sent.sent
        money = next(m for m in _monies(sentence) if (m.start, m.end) == span)
        funders = list(dict.fromkeys(tuple(h["o"]) for h in hits))
        recipients = [
            k for k in dict.fromkeys(tuple(h["s"]) for h in hits) if k not in set(funders)
        ]
        taken = set(funders) | set(recipients)
        events.append(
            _event(
                money,
                sentence,
                funders,
                recipients,
                rule=hits[0]["rule"],
                conf=max(h["conf"] for h in hits),
                hedged=all(h["hedged"] for h in hits),
                purposes=_purposes(sentence, taken),
            )
        )
    for parent in list(events):
        if parent["share"]:
            continue
        sentence = doc.char_span(*parent["sent"], alignment_mode="expand")
        if sentence is None:
            continue
        for money in _monies(sentence):
            if not money.share or any(e["money"] == (money.start, money.end) for e in events):
                continue
            givers, takers = _share_parties(doc, money)
            if not givers and not takers:
                continue  # 'of which 2 million euros' with nobody named: the same money
            share = _event(
                money,
                sentence,
                givers or parent["funders"],
                takers or parent["recipients"],
                rule=parent["rule"] + "-share",
                conf=parent["conf"],
                hedged=parent["hedged"],
                purposes=parent["purposes"],
            )
            share["share_of"] = events.index(parent)
            events.append(share)
    events += _given_on(doc, events)
    for i, event in enumerate(events):
        if event["share"] and event["share_of"] is None:
            event["share_of"] = _larger_before(events, i)
    return events


def _given_on(doc: Doc, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Amounts a funder gives in a sentence of their own, to whom it was just said to fund.

    'The lab is backed for the long term by A and B. From next year A covers most of
    its running costs, some 2 million euros a year.' The second
    sentence names no recipient; the event it makes asks the reader
    (`kg.nlp.money`) for the recipients of A's funding stated in the two sentences
    before (`inherit`), and is dropped when there is none.
    """
    bound = {tuple(e["money"]) for e in events}
    out: list[dict[str, Any]] = []
    for sent in doc.sents:
        monies = [m for m in _monies(sent) if (m.start, m.end) not in bound and not m.share]
        if len(monies) != 1:
            continue
        giver = next(
            (
                c
                for t in sent
                if t.lemma_.lower() in _GIVING_ALL and t.pos_ in {"VERB", "AUX"}
                for c in t.children
                if c.dep_ == "nsubj" and c.ent_type_ in _FUNDERS
            ),
            None,
        )
        if giver is None:
            continue
        event = _event(
            monies[0],
            sent,
            [_key(giver)],
            [],
            rule="dep:provide-money-inherited",
            conf=0.6,
            hedged=False,
            purposes=[],
        )
        event["inherit"] = True
        out.append(event)
    return out


def _larger_before(events: list[dict[str, Any]], i: int) -> int | None:
    """The event a share in a sentence of its own is part of: an earlier, larger one
    with a funder in common ('receives 1,2 million euros of the BMBF funding')."""
    me = events[i]
    for j in range(i - 1, -1, -1):
        other = events[j]
        if (
            not other["share"]
            and other["value"] is not None
            and me["value"] is not None
            and other["value"] > me["value"]
            and set(other["funders"]) & set(me["funders"])
        ):
            return j
    return None


def _event(
    money: Money,
    sentence: Span,
    funders: list[tuple[int, int]],
    recipients: list[tuple[int, int]],
    *,
    rule: str,
    conf: float,
    hedged: bool,
    purposes: list[tuple[int, int]],
) -> dict[str, Any]:
    return {
        "money": (money.start, money.end),
        "text": money.text,
        "value": money.value,
        "upper": money.upper,
        "currency": money.currency,
        "qualifiers": list(money.qualifiers),
        "share": money.share,
        "share_of": None,
        "funders": list(funders),
        "recipients": list(recipients),
        "purposes": [p for p in purposes if p not in set(funders) | set(recipients)],
        "rule": rule,
        "conf": conf,
        "hedged": hedged,
        "sent": (sentence.start_char, sentence.end_char),
        "kind": _kind(sentence),
        "round": _round_name(sentence),
        "period": find_period(sentence.text),
    }
