"""Organisational containment: subsidiaries, divisions and units founded by a body.

'X is a subsidiary of Y', 'X, a subsidiary of Y', 'Its subsidiary X' (X belongs
to whoever 'its' is), 'The network has founded the working group X'. Units named
with 'of the' or 'at' ('the Institute X of the University Y') are surface rules
(`kg.nlp.rules.surface`); subsidiaries whose parent is named in another sentence
are in `kg.nlp.rules.discourse`.
"""

from __future__ import annotations

from kg.lexicon import Lexicon
from kg.nlp.labels import REF
from kg.nlp.referents import owner, stand_in, topic
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep, spread, two_ends

_UNIT_NOUNS = ["subsidiary", "daughter", "division", "branch"]


def patterns(lex: Lexicon) -> dict[str, tuple[str, list[Pattern]]]:
    """name -> (predicate, patterns); the pattern nodes 'subj' and 'obj' are the ends."""
    pobj = {"DEP": "pobj"}
    return {
        "its-subsidiary": (
            "partOf",
            [
                dep(
                    {"LEMMA": {"IN": _UNIT_NOUNS}},
                    ("anchor", ">", "poss", {"LOWER": {"IN": ["its", "their"]}}),
                ),
            ],
        ),
        "founds-unit": (
            "partOf",
            [
                dep(
                    {"LEMMA": {"IN": ["found", "establish", "launch", "create", "set", "form"]}},
                    (
                        "anchor",
                        ">",
                        "obj",
                        {
                            "DEP": "nsubj",
                            "ENT_TYPE": {"IN": ["Cluster", "Institution", "Company", REF]},
                        },
                    ),
                    ("anchor", ">", "subj", {"DEP": "dobj", "ENT_TYPE": {"IN": ["Cluster", REF]}}),
                ),
            ],
        ),
        "subsidiary-copula": (
            "partOf",
            [
                dep(
                    {"LEMMA": {"IN": _UNIT_NOUNS}, "DEP": "attr"},
                    ("anchor", "<", "verb", {"LEMMA": "be"}),
                    ("verb", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "obj", pobj),
                ),
            ],
        ),
        "subsidiary-appos": (
            "partOf",
            [
                dep(
                    {"LEMMA": {"IN": _UNIT_NOUNS}, "DEP": "appos"},
                    ("anchor", "<", "subj", {"ENT_TYPE": {"NOT_IN": [""]}}),
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "obj", pobj),
                ),
            ],
        ),
    }


def _its_subsidiary(m: DepMatch) -> list[Claim]:
    """'Its subsidiary X': X belongs to whoever 'its' is, the previous subject."""
    anchor = m.anchor
    named = stand_in(anchor)
    if not named.ent_type_ and anchor.dep_ == "compound" and anchor.head.ent_type_:
        named = anchor.head  # 'its Leipzig subsidiary Lumagen Mikrofluidix'
    if not named.ent_type_:
        return []
    return spread(m, named, m.pred, owner(anchor) or topic(m.doc))


HANDLERS: dict[str, DepHandler] = {
    "its-subsidiary": _its_subsidiary,
    "founds-unit": two_ends,
    "subsidiary-copula": two_ends,
    "subsidiary-appos": two_ends,
}
INHERITING: frozenset[str] = frozenset()
RUNNING: frozenset[str] = frozenset()
