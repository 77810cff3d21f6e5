"""Investors of a financing round: facts whose recipient is named in another sentence.

News about a round names the company once ('X has closed a seed round of 3 million
euros') and the investors in the sentences after it, without repeating it: 'Lead
investor is A; also B participated', 'The previous investors, C and D, sell their
shares'. These patterns find the investors; `financed_company` finds the company
the round is for, in this sentence or the few before it.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.lexicon import Lexicon
from kg.nlp.referents import expand, stand_in, topic
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep

#: Nouns that name a financing round or what it buys.
_ROUND_WORDS = {"round", "financing", "seed", "series", "share", "shares", "stake"}
#: Words that make a sentence about money put into a company.
_HOLDINGS = {"share", "shares", "stake"}
_MONEY_CONTEXT = _ROUND_WORDS | {"investor", "investors", "invest", "euros", "million"}
_INVESTORS = ["investor", "shareholder", "backer", "co-investor"]
_FUNDERS = ["Funder", "Company", "Institution"]
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


HANDLERS: dict[str, DepHandler] = {
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
