"""Who makes or offers a product: 'X develops Y', 'Y, made by X', 'its service Y'.

Noun-phrase idioms ('X's product Y', 'Y from X') are surface rules
(`kg.nlp.rules.surface`).
"""

from __future__ import annotations

from kg.lexicon import Lexicon
from kg.nlp.labels import REF
from kg.nlp.referents import clause_subject, passive_subject, topic
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep, spread, two_ends

#: Nouns by which a copula says who makes a product: 'X is the manufacturer of Y'.
_MAKER_NOUNS = ["manufacturer", "producer", "developer", "maker", "site", "facility", "plant"]
#: What a site, facility or plant must be for to make the product there.
_MAKING_WORDS = {"manufacturing", "production", "development", "manufacture", "producing"}


def patterns(lex: Lexicon) -> dict[str, tuple[str, list[Pattern]]]:
    """name -> (predicate, patterns); the pattern nodes 'subj' and 'obj' are the ends."""
    produce = list(lex.words("produce_verbs"))
    pobj = {"DEP": "pobj"}
    return {
        "produces-possessive": (
            "produces",
            [
                dep(
                    {"ENT_TYPE": "Product"},
                    ("anchor", ">", "poss", {"LOWER": {"IN": ["its", "their"]}}),
                ),
            ],
        ),
        "produces-owner": (
            "produces",
            [
                dep(
                    {"ENT_TYPE": "Product"},
                    (
                        "anchor",
                        ">>",
                        "subj",
                        {"DEP": "poss", "ENT_TYPE": {"IN": ["Company", "Institution", REF]}},
                    ),
                ),
            ],
        ),
        "produces-with": (
            "produces",
            [
                dep(
                    {"LEMMA": {"IN": produce}},
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "with", {"LOWER": "with"}),
                    ("with", ">", "obj", {"DEP": "pobj", "ENT_TYPE": "Product"}),
                ),
            ],
        ),
        "produces-relcl": (
            "produces",
            [
                dep(
                    {"ENT_TYPE": "Product"},
                    (
                        "anchor",
                        ">",
                        "verb",
                        {"DEP": {"IN": ["relcl", "acl"]}, "LEMMA": {"IN": produce}},
                    ),
                    ("verb", ">", "subj", {"DEP": "nsubj"}),
                ),
            ],
        ),
        "produces-agent": (
            "produces",
            [
                dep(
                    {"LEMMA": {"IN": produce}, "TAG": "VBN"},
                    ("anchor", ">", "by", {"DEP": "agent"}),
                    ("by", ">", "subj", pobj),
                ),
            ],
        ),
        # 'X is the manufacturer of Y', 'X is a key manufacturing site for Y'
        "produces-copula": (
            "produces",
            [
                dep(
                    {key: value, "DEP": "attr"},
                    ("anchor", "<", "verb", {"LEMMA": "be"}),
                    ("verb", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "for", {"LOWER": {"IN": ["for", "of"]}}),
                    ("for", ">", "obj", {"DEP": "pobj", "ENT_TYPE": "Product"}),
                )
                # 'the manufacturer' may be an anaphor token of its own
                for key, value in (("LEMMA", {"IN": _MAKER_NOUNS}), ("ENT_TYPE", REF))
            ],
        ),
        "produces-verb": (
            "produces",
            [
                dep(
                    {"LEMMA": {"IN": produce}},
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "obj", {"DEP": "dobj"}),
                ),
            ],
        ),
    }


def _possessive(m: DepMatch) -> list[Claim]:
    """'With its service X, parents can ...': 'its' is the company the item is about."""
    subj = clause_subject(m.anchor)
    if subj is None or subj.ent_type_ not in {"Company", "Institution"}:
        subj = topic(m.doc)
    return spread(m, subj, m.pred, m.anchor)


def _the_product(m: DepMatch) -> list[Claim]:
    """'Y's product X', 'X, which Y develops': the anchor is the product."""
    return spread(m, m.subj, m.pred, m.anchor)


def _made_by(m: DepMatch) -> list[Claim]:
    """'X is made by Y': the patient of the passive."""
    return spread(m, m.subj, m.pred, passive_subject(m.anchor))


def _maker(m: DepMatch) -> list[Claim]:
    """'X is the manufacturer of Y'; a site, facility or plant only where it is one for
    making ('a key manufacturing and development site for Y', not 'a test site')."""
    noun = m.anchor
    if noun.ent_type_ and noun.lower_.split()[-1] not in _MAKER_NOUNS:
        return []
    if noun.lower_.split()[-1] in {"site", "facility", "plant"}:
        words = {
            w.lower_
            for c in noun.children
            if c.dep_ in {"amod", "compound", "nmod"}
            for w in (c, *c.conjuncts)
        }
        if not words & _MAKING_WORDS:
            return []
    return spread(m, m.subj, m.pred, m.obj, objects=[m.obj] if m.obj is not None else None)


HANDLERS: dict[str, DepHandler] = {
    "produces-possessive": _possessive,
    "produces-owner": _the_product,
    "produces-with": two_ends,
    "produces-relcl": _the_product,
    "produces-agent": _made_by,
    "produces-copula": _maker,
    "produces-verb": two_ends,
}
INHERITING = frozenset({"produces-verb"})
RUNNING: frozenset[str] = frozenset()
