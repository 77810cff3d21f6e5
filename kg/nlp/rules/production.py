"""Who makes or offers a product: 'X develops Y', 'Y, made by X', 'its service Y'.

Noun-phrase idioms ('X's product Y', 'Y from X') are surface rules
(`kg.nlp.rules.surface`).
"""

from __future__ import annotations

from kg.lexicon import Lexicon
from kg.nlp.labels import REF
from kg.nlp.referents import clause_subject, passive_subject, topic
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep, spread, two_ends


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


HANDLERS: dict[str, DepHandler] = {
    "produces-possessive": _possessive,
    "produces-owner": _the_product,
    "produces-with": two_ends,
    "produces-relcl": _the_product,
    "produces-agent": _made_by,
    "produces-verb": two_ends,
}
INHERITING = frozenset({"produces-verb"})
RUNNING: frozenset[str] = frozenset()
