"""Where an organisation or site is: 'based in', 'has its headquarters in', 'the Leipzig site'.

Noun-phrase idioms ('the Dresden company X', 'X in Leipzig', 'Leipzig-based X')
are surface rules (`kg.nlp.rules.surface`); these are the verbal and nominal
constructions whose subject may sit on another clause.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.lexicon import Lexicon
from kg.nlp.referents import clause_subject, stand_in
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep, spread, two_ends

#: Nouns that stand for a named site: 'the "Mill Yard" site'.
_SITE_NOUNS = {"site", "location", "premises", "campus", "grounds", "quarter", "district"}

#: Nouns for a building a body has, which a later definite mention may place.
_BUILDING_NOUNS = ["building", "headquarters", "campus", "facility", "premises"]
#: Dependencies the parser gives a name it left loose at the start of a sentence.
_LOOSE = {"meta", "dep", "npadvmod"}
#: A site a body runs in a town ('operates a plant in Y'), and the verbs for running it.
_RUN_SITE_NOUNS = ["plant", "site", "office", "facility", "branch", "factory", "laboratory"]
_RUN_VERBS = ["operate", "run", "have", "maintain", "open"]

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
                # 'q-Bitex has been located at ...' with the name the parser left loose
                # ('meta', 'dep') opening the sentence: it is the subject all the same
                dep(
                    {"LEMMA": {"IN": ["base", "locate", "headquarter", "situate"]}},
                    (
                        "anchor",
                        ">",
                        "subj",
                        {"DEP": {"IN": ["meta", "dep", "npadvmod"]}, "ENT_TYPE": {"NOT_IN": [""]}},
                    ),
                    ("anchor", ">", "in", {"LOWER": {"IN": ["in", "at"]}}),
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
        # 'X, a Y-based company', 'X is a Y-based firm'
        "based-description": (
            "locatedIn",
            [
                dep(
                    {"LOWER": "based", "DEP": "amod"},
                    (
                        "anchor",
                        ">",
                        "obj",
                        {"ENT_TYPE": "Place", "DEP": {"IN": ["npadvmod", "compound", "nmod"]}},
                    ),
                    ("anchor", "<", "noun", {"DEP": {"IN": ["appos", "attr"]}}),
                ),
            ],
        ),
        # '... opened the new research building of X. The new building at Y is ...'
        "the-building-at": (
            "locatedIn",
            [
                dep(
                    {"LEMMA": {"IN": _BUILDING_NOUNS}, "DEP": {"IN": ["nsubj", "nsubjpass"]}},
                    ("anchor", ">", "the", {"LOWER": "the", "DEP": "det"}),
                    ("anchor", ">", "at", {"LOWER": {"IN": ["at", "in"]}, "DEP": "prep"}),
                    # (a place's class is checked on the claim: a site name may carry another
                    # label on the token)
                    ("at", ">", "obj", {"DEP": "pobj", "ENT_TYPE": {"NOT_IN": [""]}}),
                ),
            ],
        ),
        # 'X operates a plant in Y', 'X has an office in Y'
        "runs-site": (
            "locatedIn",
            [
                dep(
                    {"LEMMA": {"IN": _RUN_SITE_NOUNS}, "DEP": "dobj"},
                    ("anchor", "<", "verb", {"LEMMA": {"IN": _RUN_VERBS}}),
                    ("verb", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "in", {"LOWER": "in"}),
                    ("in", ">", "obj", {"DEP": "pobj", "ENT_TYPE": "Place"}),
                ),
            ],
        ),
    }


def _headquarters(m: DepMatch) -> list[Claim]:
    """'... which has its headquarters in Eindhoven': whose headquarters they are; in
    'the X site in Y' the name before the noun says it."""
    possessor = next(
        (
            c
            for c in m.anchor.children
            if c.dep_ == "poss" or (c.dep_ == "compound" and c.ent_type_ not in {"", "Place"})
        ),
        None,
    )
    subj = possessor if possessor is not None and possessor.ent_type_ else _own_subject(m.anchor)
    return spread(m, subj, m.pred, m.obj)


def _own_subject(tok: Token) -> Token | None:
    """The entity subject of the clause `tok` is in (or the name a relative clause
    describes); None when that clause's subject is no entity, so 'The history of the
    site in Y goes back ...: in 1911, X was founded' gives X no site in Y. A name that
    opens the sentence and that the parser left loose is the subject of a clause
    without one ('X has been located at ... and moved into its headquarters in Y')."""
    for t in tok.ancestors:
        subj = next((c for c in t.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if t.dep_ == "relcl" and t.head.ent_type_:
            return t.head
        if subj is not None:
            return subj if subj.ent_type_ else None
        loose = next(
            (
                c
                for c in t.children
                if c.dep_ in _LOOSE and c.ent_type_ and c.i == c.sent.start
            ),
            None,
        )
        if loose is not None:
            return loose
    return None


def _site(m: DepMatch) -> list[Claim]:
    """'X opens its Dresden site': the site is the clause subject's."""
    subj = clause_subject(m.anchor) if m.obj is not None else m.subj
    return spread(m, subj, m.pred, m.obj)


def _located(m: DepMatch) -> list[Claim]:
    """'X is located at the "Mill Yard" site': the place the noun names. A loose name
    counts as the subject only where it opens the sentence and no subject is there."""
    subj = m.subj
    loose = (
        subj is not None and subj.head.i == m.anchor.i and subj.dep_ in _LOOSE
    )
    if loose and (
        subj.i != subj.sent.start
        or any(c.dep_ in {"nsubj", "nsubjpass"} for c in m.anchor.children)
    ):
        return []
    return spread(m, m.subj, m.pred, _place_named(m.obj) if m.obj is not None else None)


def _the_building_at(m: DepMatch) -> list[Claim]:
    """'... opened the new research building of X. The new building at Y is ...': the
    building is the one introduced as X's (same noun, 'of X' or "X's") earlier in the
    paragraph; X is in Y. Nothing when no body or several own such a building."""
    noun = m.anchor
    doc = m.doc
    start = noun.sent.start
    while start > 0 and "\n" not in doc[start - 1].whitespace_ + doc[start - 1].text:
        start = doc[start - 1].sent.start  # back to the paragraph's first sentence
    owners = {
        o.text: o
        for t in doc[start : noun.i]
        if t.lemma_ == noun.lemma_
        for o in _building_owners(t)
    }
    if len(owners) != 1:
        return []
    return spread(m, next(iter(owners.values())), m.pred, m.obj)


def _building_owners(noun: Token) -> list[Token]:
    """The bodies a building noun names as its owners: 'the building of X', "X's building"."""
    owners = [c for c in noun.children if c.dep_ == "poss"]
    owners += [
        g
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for g in c.children
        if g.dep_ == "pobj"
    ]
    return [
        stand_in(o)
        for o in owners
        if stand_in(o).ent_type_ in {"Institution", "Company", "Cluster", "Funder"}
    ]


def _described_as_based(m: DepMatch) -> list[Claim]:
    """'X, a Y-based company': the name the description is an apposition of, or the
    subject of the copula it is the attribute of."""
    noun = m.nodes["noun"]
    head = noun.head
    subj = (
        head
        if noun.dep_ == "appos"
        else next((c for c in head.children if c.dep_ == "nsubj"), None)
    )
    return spread(m, subj, m.pred, m.obj)


def _place_named(noun: Token) -> Token:
    """The place a site noun names by a name attached to it ('the "Y" site'); 'at Y
    airport' is not said to be in Y."""
    if noun.ent_type_ or noun.lemma_.lower() not in _SITE_NOUNS:
        return noun
    return next(
        (
            c
            for c in noun.children
            if c.ent_type_ == "Place" and c.dep_ in {"compound", "nmod", "appos", "amod"}
        ),
        noun,
    )


HANDLERS: dict[str, DepHandler] = {
    "located-headquarters": _headquarters,
    "located-participle": _located,
    "located-verb": _located,
    "located-site": _site,
    "runs-site": two_ends,
    "the-building-at": _the_building_at,
    "based-description": _described_as_based,
}
INHERITING = frozenset({"located-verb"})
RUNNING: frozenset[str] = frozenset()
