"""Organisational containment: subsidiaries, divisions and units founded by a body.

'X is a subsidiary of Y', 'X, a subsidiary of Y', 'Its subsidiary X' (X belongs
to whoever 'its' is), 'The network has founded the working group X'. Units named
with 'of the' or 'at' ('the Institute X of the University Y') are surface rules
(`kg.nlp.rules.surface`); subsidiaries whose parent is named in another sentence
are in `kg.nlp.rules.discourse`.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.lexicon import Lexicon
from kg.nlp.labels import REF
from kg.nlp.referents import owner, stand_in, topic
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep, spread, two_ends
from kg.nlp.rules.discourse import relative_antecedent

_UNIT_NOUNS = ["subsidiary", "daughter", "division", "branch"]
#: Nouns by which something is said to be a unit of a larger body: 'an institute of Y'.
_UNIT_OF_NOUNS = ["infrastructure", "unit", "facility", "department", "institute", "division"]
#: Nouns for a unit an organisation has: 'its X research cluster'.
_OWN_UNIT_NOUNS = [
    "cluster",
    "institute",
    "centre",
    "center",
    "department",
    "faculty",
    "laboratory",
    "clinic",
    "accelerator",
]


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
        # 'its LeiX research cluster', 'their new Institute Y centre'
        "its-unit": (
            "partOf",
            [
                dep(
                    {"LEMMA": {"IN": _OWN_UNIT_NOUNS}},
                    ("anchor", ">", "poss", {"LOWER": {"IN": ["its", "their"]}}),
                    (
                        "anchor",
                        ">",
                        "subj",
                        {
                            "DEP": {"IN": ["compound", "nmod", "appos"]},
                            "ENT_TYPE": {"IN": ["Institution", "Cluster", "Project"]},
                        },
                    ),
                ),
                # the parser may hang 'its' on the name itself
                dep(
                    {"ENT_TYPE": {"IN": ["Institution", "Cluster", "Project"]}},
                    ("anchor", ">", "poss", {"LOWER": {"IN": ["its", "their"]}}),
                ),
            ],
        ),
        # 'The faculty has one more institute: the Institute for X was founded ...'
        "has-unit": (
            "partOf",
            [
                dep(
                    {"LEMMA": {"IN": [*_OWN_UNIT_NOUNS, *_UNIT_NOUNS]}, "DEP": "dobj"},
                    ("anchor", "<", "verb", {"LEMMA": {"IN": ["have", "gain", "get"]}}),
                    ("verb", ">", "subj", {"DEP": "nsubj", "ENT_TYPE": {"NOT_IN": [""]}}),
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
        # 'X, which has been a central infrastructure of Y', 'X is an institute of Y'
        "unit-copula": (
            "partOf",
            [
                dep(
                    {"LEMMA": {"IN": _UNIT_OF_NOUNS}, "DEP": "attr"},
                    ("anchor", "<", "verb", {"LEMMA": "be"}),
                    ("verb", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "obj", pobj),
                ),
            ],
        ),
        # 'X, one of 80 institutes of Y', 'X is one of the institutes of Y'
        "one-of-units": (
            "partOf",
            [
                dep(
                    {"LEMMA": {"IN": sorted({*_UNIT_NOUNS, *_UNIT_OF_NOUNS})}, "DEP": "pobj"},
                    ("anchor", "<", "of1", {"LOWER": "of"}),
                    ("of1", "<", "one", {"LOWER": "one", "DEP": {"IN": ["appos", "attr"]}}),
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "obj", pobj),
                ),
            ],
        ),
        "subsidiary-appos": (
            "partOf",
            [
                # 'X, a subsidiary of Y'; 'X, an institute of the University Y'
                dep(
                    {"LEMMA": {"IN": sorted({*_UNIT_NOUNS, *_UNIT_OF_NOUNS})}, "DEP": "appos"},
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


def _its_unit(m: DepMatch) -> list[Claim]:
    """'Excellent news for University Y: its X research cluster ...': X is part of
    whoever 'its' is, the subject before it or the organisation named last before."""
    if m.anchor.ent_type_ and not _names_unit(m.anchor):
        return []
    parent = owner(m.anchor)
    if parent is None:
        before = [
            t
            for t in m.anchor.sent
            if t.i < m.anchor.i and t.ent_type_ in {"Institution", "Company", "Cluster"}
        ]
        parent = before[-1] if before else None
    if parent is None:
        return []
    return spread(m, m.subj, m.pred, parent, subjects=[m.subj] if m.subj is not None else [])


def _names_unit(name: Token) -> bool:
    """The name, or the words right after it in its phrase, call it a unit."""
    words = set(name.lower_.split())
    for t in name.doc[name.i + 1 : name.i + 6]:
        if t.pos_ in {"VERB", "AUX"} or (t.ent_type_ and t.dep_ != "appos"):
            break
        words.add(t.lemma_.lower())
    return bool(words & set(_OWN_UNIT_NOUNS))


def _has_unit(m: DepMatch) -> list[Claim]:
    """'X has one more institute: the Institute for Y ...', 'X now has a new centre, the
    Centre for Z': the unit the noun introduces, named right after it, is part of X.
    The name must carry the noun ('institute' -> 'Institute for Y'); a subsidiary may
    be any company."""
    noun, owner_tok = m.anchor, m.subj
    if owner_tok is None or owner_tok.ent_type_ not in {"Institution", "Company", "Cluster", REF}:
        return []
    named = _introduced(noun)
    if named is None or named.i == owner_tok.i:
        return []
    lemma = noun.lemma_.lower()
    fits = lemma in named.lower_ or (lemma in {"center", "centre"} and "cent" in named.lower_)
    if not fits and not (lemma in _UNIT_NOUNS and named.ent_type_ == "Company"):
        return []
    return spread(m, named, m.pred, owner_tok, subjects=[named], objects=[owner_tok])


def _introduced(noun: Token) -> Token | None:
    """The name a noun introduces: its apposition, the subject of a clause on it ('one
    more institute: the Institute X was founded'), or the first name after a colon."""
    for c in noun.children:
        if c.dep_ == "appos" and c.ent_type_:
            return c
        if c.dep_ in {"acl", "relcl"}:
            subj = next((g for g in c.children if g.dep_ in {"nsubj", "nsubjpass"}), None)
            if subj is not None and subj.ent_type_:
                return subj
    doc = noun.doc
    after = doc[noun.i + 1 : min(noun.i + 4, noun.sent.end)]
    if len(after) and after[0].text in {":", ","}:
        return next((t for t in after[1:] if t.ent_type_), None)
    return None


def _unit_copula(m: DepMatch) -> list[Claim]:
    """'X, which has been a central infrastructure of Y': 'which' is X."""
    subj = relative_antecedent(m.subj) if m.subj is not None else None
    return spread(m, subj, m.pred, m.obj)


def _one_of_units(m: DepMatch) -> list[Claim]:
    """'X, one of 80 institutes of Y' (X the name 'one' describes), 'X is one of the
    institutes of Y' (X the copula's subject): X is part of Y."""
    one = m.nodes["one"]
    if one.dep_ == "appos":
        subj: Token | None = one.head
    else:
        subj = next((c for c in one.head.children if c.dep_ == "nsubj"), None)
    return spread(m, subj, m.pred, m.obj)


HANDLERS: dict[str, DepHandler] = {
    "its-subsidiary": _its_subsidiary,
    "its-unit": _its_unit,
    "has-unit": _has_unit,
    "founds-unit": two_ends,
    "subsidiary-copula": two_ends,
    "unit-copula": _unit_copula,
    "subsidiary-appos": two_ends,
    "one-of-units": _one_of_units,
}
INHERITING: frozenset[str] = frozenset()
RUNNING: frozenset[str] = frozenset()
