"""Funding stated by a verb or noun: 'is funded by', 'X supports Y', 'a grant from Z'.

Rounds and investors whose company is named in another sentence are
`kg.nlp.rules.financing`. What is funded is often not an entity ('the
construction', 'two doctoral positions at the IMOM'); `_recipient` finds the
entity it stands for.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.lexicon import Lexicon
from kg.nlp.labels import REF
from kg.nlp.referents import (
    clause_subject,
    is_programme,
    passive_subject,
    sentence_project,
    stand_in,
    topic,
)
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep, spread


def patterns(lex: Lexicon) -> dict[str, tuple[str, list[Pattern]]]:
    """name -> (predicate, patterns); the pattern nodes 'subj' and 'obj' are the ends."""
    fund = {"LEMMA": {"IN": list(lex.words("fund_verbs"))}}
    pobj = {"DEP": "pobj"}
    return {
        "fund-passive": (
            "fundedBy",
            [
                dep(
                    fund,
                    ("anchor", ">", "subj", {"DEP": "nsubjpass"}),
                    ("anchor", ">", "by", {"DEP": "agent"}),
                    ("by", ">", "obj", pobj),
                ),
            ],
        ),
        "fund-agent": (
            "fundedBy",
            [
                dep(
                    {**fund, "TAG": "VBN"},
                    ("anchor", ">", "by", {"DEP": "agent"}),
                    ("by", ">", "obj", pobj),
                ),
            ],
        ),
        "fund-active": (
            "fundedBy",
            [
                dep(
                    fund,
                    ("anchor", ">", "obj", {"DEP": "nsubj"}),
                    ("anchor", ">", "subj", {"DEP": "dobj"}),
                ),
            ],
        ),
        "fund-noun": (
            "fundedBy",
            [
                dep(
                    {"LEMMA": {"IN": list(lex.words("fund_nouns"))}},
                    ("anchor", ">", "from", {"LOWER": {"IN": ["from", "by", "of"]}}),
                    ("from", ">", "obj", pobj),
                ),
                # 'a grant of 3,2 million euros from the ERDF': the source hangs off the sum
                dep(
                    {"LEMMA": {"IN": list(lex.words("fund_nouns"))}},
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "sum", {"DEP": "pobj", "LOWER": {"IN": ["euros", "euro", "eur"]}}),
                    ("sum", ">", "from", {"LOWER": "from"}),
                    ("from", ">", "obj", pobj),
                ),
            ],
        ),
        "receive-money": (
            "fundedBy",
            [
                dep(
                    {"LEMMA": {"IN": ["receive", "obtain", "get", "win", "raise", "secure"]}},
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "from", {"LOWER": "from"}),
                    ("from", ">", "obj", pobj),
                ),
                # 'receives 2 million euros for investments from Y': 'from' on the object
                dep(
                    {"LEMMA": {"IN": ["receive", "obtain", "get", "win", "raise", "secure"]}},
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "money", {"DEP": "dobj"}),
                    ("money", ">>", "from", {"LOWER": "from"}),
                    ("from", ">", "obj", pobj),
                ),
            ],
        ),
        "invest-in": (
            "fundedBy",
            [
                dep(
                    {"LEMMA": {"IN": ["invest", "participate"]}},
                    ("anchor", ">", "obj", {"DEP": "nsubj"}),
                    ("anchor", ">", "in", {"LOWER": "in"}),
                    ("in", ">", "subj", pobj),
                ),
            ],
        ),
        # 'The Irish X Group, a supplier of ..., invested in Y': the parser makes the
        # investor the root and 'invested' a clause on it or on the apposition's last noun;
        # only where the sentence has no verb of its own ('the money invested in Y' names
        # no investor)
        "invested-clause": (
            "fundedBy",
            [
                dep(
                    {"LEMMA": "invest", "DEP": "acl"},
                    ("anchor", ">", "in", {"LOWER": "in"}),
                    ("in", ">", "subj", pobj),
                ),
            ],
        ),
    }


def _funded(m: DepMatch) -> list[Claim]:
    """The claims of a funding match once its recipient is an entity."""
    recipient = _recipient(m.subj)
    return _from_owner(m, recipient, spread(m, recipient, m.pred, m.obj))


def _invested_clause(m: DepMatch) -> list[Claim]:
    """'X, a supplier of ..., invested in Y' parsed as a clause on a noun: the investor is the
    sentence's root, when that root is a name (a sentence with a verb of its own has the
    verb as its root)."""
    root = m.anchor.sent.root
    if root.ent_type_ in {"", "Place"}:
        return []
    return spread(m, _recipient(m.subj), m.pred, root, objects=[root])


def _from_owner(m: DepMatch, recipient: Token | None, claims: list[Claim]) -> list[Claim]:
    """Money from 'the programme "P" of Y' comes from Y: the programme is no funder
    of its own (its claim fails the class check), so Y's claim is added."""
    owner = _programme_owner(m.obj) if m.obj is not None else None
    if owner is None:
        return claims
    return claims + spread(m, recipient, m.pred, owner, objects=[owner])


def _programme_owner(tok: Token) -> Token | None:
    """Y in 'the programme "P" of Y' / 'the P programme of Y', else None."""
    named = stand_in(tok)
    if not (is_programme(named) or tok.lemma_.lower() in _PROGRAMME_NOUNS):
        return None
    # 'the program "P" of Y': the parser may hang the name on the noun as a clause
    names = [c for c in tok.children if c.ent_type_ == "Project"]
    for t in (tok, named, *names):
        for prep in (c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"):
            for g in prep.children:
                owner = stand_in(g) if g.dep_ == "pobj" else None
                if owner is not None and owner.ent_type_ in _OWNERS:
                    return owner
    return None


def _recipient(subj: Token | None) -> Token | None:
    """The entity a funded non-entity stands for: 'two doctoral positions at the IMOM'
    is the IMOM; 'the construction' is the undertaking of the item's topic."""
    if subj is None or subj.ent_type_ or stand_in(subj).ent_type_:
        return subj
    inside = next(
        (
            t
            for t in subj.subtree
            if t.ent_type_ in _RECIPIENTS and t.head.lower_ in {"at", "for", "of"}
        ),
        None,
    )
    if inside is not None:
        return inside
    if subj.lemma_.lower() in _UNDERTAKINGS:
        return topic(subj.doc) or subj
    return subj


def _fund_agent(m: DepMatch) -> list[Claim]:
    """'X, funded by Y': the patient of the passive participle."""
    recipient = _recipient(passive_subject(m.anchor))
    return _from_owner(m, recipient, spread(m, recipient, m.pred, m.obj))


def _fund_noun(m: DepMatch) -> list[Claim]:
    """Who gets 'a grant from X': the object of a funding verb, else the clause subject.

    In 'SAB supported the construction with a grant from the ERDF' the subject is
    another funder; the money goes to what is supported.
    """
    noun = m.anchor
    verb = next((t for t in noun.ancestors if t.pos_ in {"VERB", "AUX"}), None)
    if verb is None:
        subj = sentence_project(noun)
    elif verb.lemma_.lower() in m.ctx.fund_verbs:
        subj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    else:
        subj = clause_subject(noun) or sentence_project(noun)
    recipient = _recipient(subj)
    return _from_owner(m, recipient, spread(m, recipient, m.pred, m.obj))


def _receive_money(m: DepMatch) -> list[Claim]:
    """'X received Y from Z' is funding only when Y is money."""
    if not any(t.lower_ in _MONEY_WORDS for t in m.anchor.subtree):
        return []
    return _funded(m)


HANDLERS: dict[str, DepHandler] = {
    "fund-passive": _funded,
    "fund-agent": _fund_agent,
    "fund-active": _funded,
    "fund-noun": _fund_noun,
    "receive-money": _receive_money,
    "invest-in": _funded,
    "invested-clause": _invested_clause,
}
INHERITING: frozenset[str] = frozenset()
RUNNING: frozenset[str] = frozenset()

#: What funding can be 'for' when the text names no recipient: the topic's undertaking.
_UNDERTAKINGS = {
    "construction",
    "building",
    "expansion",
    "purchase",
    "acquisition",
    "foundation",
    "establishment",
    "development",
    "investment",
    "setup",
    "extension",
    "research",
    "work",
    "round",
    "financing",
    "company",
    "start-up",
    "founding",
    "move",
}
_MONEY_WORDS = {
    "euros",
    "euro",
    "eur",
    "million",
    "grant",
    "funding",
    "funds",
    "money",
    "investment",
}
_RECIPIENTS = {"Institution", "Company", "Project", "Cluster", REF}
#: Who may own a funding programme that pays: 'the programme P of the Free State'.
_OWNERS = {"Funder", "Institution", REF}
_PROGRAMME_NOUNS = {"programme", "program", "scheme", "initiative", "fund"}
