"""Where an organisation or site is: 'based in', 'has its headquarters in', 'the Leipzig site'.

Noun-phrase idioms ('the Dresden company X', 'X in Leipzig', 'Leipzig-based X')
are surface rules (`kg.nlp.rules.surface`); these are the verbal and nominal
constructions whose subject may sit on another clause.
"""

from __future__ import annotations

from kg.lexicon import Lexicon
from kg.nlp.referents import clause_subject
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep, spread, two_ends


def patterns(lex: Lexicon) -> dict[str, tuple[str, list[Pattern]]]:
    """name -> (predicate, patterns); the pattern nodes 'subj' and 'obj' are the ends."""
    subj = {"DEP": {"IN": ["nsubj", "nsubjpass"]}}
    pobj = {"DEP": "pobj"}
    return {
        "located-headquarters": (
            "locatedIn",
            [
                dep(
                    {"LEMMA": {"IN": ["headquarters", "seat", "site", "office", "location"]}},
                    ("anchor", ">", "in", {"LOWER": {"IN": ["in", "at"]}}),
                    ("in", ">", "obj", {"DEP": "pobj", "ENT_TYPE": "Place"}),
                ),
            ],
        ),
        "located-participle": (
            "locatedIn",
            [
                dep(
                    {
                        "LEMMA": {"IN": ["base", "locate", "headquarter", "situate"]},
                        "DEP": {"IN": ["acl", "relcl"]},
                    },
                    ("anchor", "<", "subj", {}),
                    ("anchor", ">", "in", {"LOWER": {"IN": ["in", "at"]}}),
                    ("in", ">", "obj", pobj),
                ),
            ],
        ),
        "located-verb": (
            "locatedIn",
            [
                dep(
                    {
                        "LEMMA": {
                            "IN": [
                                *lex.words("locate_words"),
                                "base",
                                "locate",
                                "headquarter",
                                "settle",
                                "relocate",
                                "move",
                                "establish",
                                "open",
                            ]
                        }
                    },
                    ("anchor", ">", "subj", subj),
                    ("anchor", ">", "in", {"LOWER": {"IN": ["in", "to", "at"]}}),
                    ("in", ">", "obj", pobj),
                ),
            ],
        ),
        "located-site": (
            "locatedIn",
            [
                dep(
                    {
                        "LEMMA": {
                            "IN": [
                                "site",
                                "location",
                                "headquarters",
                                "plant",
                                "facility",
                                "premises",
                                "branch",
                                "office",
                            ]
                        }
                    },
                    ("anchor", ">", "obj", {"DEP": {"IN": ["compound", "amod", "nmod"]}}),
                ),
            ],
        ),
    }


def _headquarters(m: DepMatch) -> list[Claim]:
    """'... which has its headquarters in Eindhoven': whose headquarters they are."""
    possessor = next((c for c in m.anchor.children if c.dep_ == "poss"), None)
    subj = possessor if possessor is not None and possessor.ent_type_ else clause_subject(m.anchor)
    return spread(m, subj, m.pred, m.obj)


def _site(m: DepMatch) -> list[Claim]:
    """'X opens its Dresden site': the site is the clause subject's."""
    subj = clause_subject(m.anchor) if m.obj is not None else m.subj
    return spread(m, subj, m.pred, m.obj)


HANDLERS: dict[str, DepHandler] = {
    "located-headquarters": _headquarters,
    "located-participle": two_ends,
    "located-verb": two_ends,
    "located-site": _site,
}
INHERITING = frozenset({"located-verb"})
RUNNING: frozenset[str] = frozenset()
