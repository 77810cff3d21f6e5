"""Dependency-pattern tables for `kg.nlp.relations`.

Each entry names the relation it states and the nodes ('subj', 'obj') that are its
ends, in the DependencyMatcher format that `kg.nlp.depmatch` runs from the anchors. The
word lists come from `data/lexicon/cues.json`, so the patterns read as a list of
constructions: "is funded by", "are members of", "coordinates", "a subsidiary of".
"""

from __future__ import annotations

from typing import Any

from kg.lexicon import Lexicon
from kg.nlp.labels import REF


def _dep(
    anchor: dict[str, Any], *edges: tuple[str, str, str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Compact DependencyMatcher pattern: anchor, then (left, op, right, attrs) edges."""
    pattern: list[dict[str, Any]] = [{"RIGHT_ID": "anchor", "RIGHT_ATTRS": anchor}]
    for left, op, right, attrs in edges:
        pattern.append({"LEFT_ID": left, "REL_OP": op, "RIGHT_ID": right, "RIGHT_ATTRS": attrs})
    return pattern


def dep_patterns(lex: Lexicon) -> dict[str, tuple[str, list[list[dict[str, Any]]]]]:
    """name -> (predicate, patterns); the pattern nodes 'subj' and 'obj' are the ends."""
    fund = {"LEMMA": {"IN": list(lex.words("fund_verbs"))}}
    member = {"LEMMA": {"IN": ["part", "member"]}}
    subj = {"DEP": {"IN": ["nsubj", "nsubjpass"]}}
    pobj = {"DEP": "pobj"}
    produce = list(lex.words("produce_verbs"))
    lead = {"LEMMA": {"IN": list(lex.words("lead_verbs"))}}
    return {
        "fund-passive": (
            "fundedBy",
            [
                _dep(
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
                _dep(
                    {**fund, "TAG": "VBN"},
                    ("anchor", ">", "by", {"DEP": "agent"}),
                    ("by", ">", "obj", pobj),
                ),
            ],
        ),
        "fund-active": (
            "fundedBy",
            [
                _dep(
                    fund,
                    ("anchor", ">", "obj", {"DEP": "nsubj"}),
                    ("anchor", ">", "subj", {"DEP": "dobj"}),
                ),
            ],
        ),
        "fund-noun": (
            "fundedBy",
            [
                _dep(
                    {"LEMMA": {"IN": list(lex.words("fund_nouns"))}},
                    ("anchor", ">", "from", {"LOWER": {"IN": ["from", "by", "of"]}}),
                    ("from", ">", "obj", pobj),
                ),
                # 'a grant of 3,2 million euros from the ERDF': the source hangs off the sum
                _dep(
                    {"LEMMA": {"IN": list(lex.words("fund_nouns"))}},
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "sum", {"DEP": "pobj", "LOWER": {"IN": ["euros", "euro", "eur"]}}),
                    ("sum", ">", "from", {"LOWER": "from"}),
                    ("from", ">", "obj", pobj),
                ),
            ],
        ),
        "member-copula": (
            "memberOf",
            [
                _dep(
                    member,
                    ("anchor", "<", "verb", {"POS": {"IN": ["AUX", "VERB"]}}),
                    ("verb", ">", "subj", subj),
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "obj", pobj),
                ),
            ],
        ),
        "member-copula-conj": (
            "memberOf",
            [
                _dep(
                    member,
                    ("anchor", "<", "verb", {"POS": {"IN": ["AUX", "VERB"]}, "DEP": "conj"}),
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "obj", pobj),
                ),
            ],
        ),
        "member-join": (
            "memberOf",
            [
                _dep(
                    {"LEMMA": {"IN": ["join", "enter"]}},
                    ("anchor", ">", "subj", subj),
                    ("anchor", ">", "obj", {"DEP": "dobj"}),
                ),
                _dep(
                    {"LEMMA": "belong"},
                    ("anchor", ">", "subj", subj),
                    ("anchor", ">", "to", {"LOWER": "to"}),
                    ("to", ">", "obj", pobj),
                ),
            ],
        ),
        "participate-verb": (
            "participatesIn",
            [
                _dep(
                    {"LEMMA": {"IN": ["participate", "involve", "engage", "collaborate", "work"]}},
                    ("anchor", ">", "subj", subj),
                    ("anchor", ">", "in", {"LOWER": {"IN": ["in", "on"]}}),
                    ("in", ">", "obj", pobj),
                ),
                _dep(
                    lead,
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "obj", {"DEP": "dobj"}),
                ),
                _dep(
                    lead,
                    ("anchor", ">", "obj", {"DEP": "nsubjpass"}),
                    ("anchor", ">", "by", {"DEP": "agent"}),
                    ("by", ">", "subj", pobj),
                ),
            ],
        ),
        "participate-agent": (
            "participatesIn",
            [
                _dep(
                    {**lead, "TAG": "VBN"},
                    ("anchor", ">", "by", {"DEP": "agent"}),
                    ("by", ">", "subj", pobj),
                ),
            ],
        ),
        "participate-noun": (
            "participatesIn",
            [
                _dep(
                    {
                        "LEMMA": {
                            "IN": ["participation", "involvement", "coordination", "leadership"]
                        }
                    },
                    ("anchor", ">", "of", {"LOWER": {"IN": ["of", "by"]}}),
                    ("of", ">", "subj", pobj),
                ),
            ],
        ),
        "participate-from": (
            "participatesIn",
            [
                _dep(
                    {
                        "LEMMA": {
                            "IN": [
                                "scientist",
                                "researcher",
                                "team",
                                "expert",
                                "physician",
                                "engineer",
                                "partner",
                                "doctor",
                                "colleague",
                                "staff",
                            ]
                        }
                    },
                    ("anchor", ">", "from", {"LOWER": {"IN": ["from", "at", "of"]}}),
                    ("from", ">", "subj", pobj),
                ),
            ],
        ),
        "participant-apposition": (
            "participatesIn",
            [
                _dep(
                    {"LEMMA": {"IN": ["applicant", "partner", "participant", "coordinator"]}},
                    ("anchor", ">", "subj", {"DEP": "appos"}),
                ),
            ],
        ),
        "participant-copula": (
            "participatesIn",
            [
                _dep(
                    {
                        "LEMMA": {
                            "IN": ["partner", "participant", "applicant", "member", "coordinator"]
                        },
                        "DEP": "nsubj",
                    },
                    ("anchor", "<", "verb", {"LEMMA": "be"}),
                    ("verb", ">", "subj", {"DEP": {"IN": ["attr", "acomp"]}}),
                ),
            ],
        ),
        "initiative-of": (
            "participatesIn",
            [
                _dep(
                    {
                        "LEMMA": {
                            "IN": [
                                "initiative",
                                "project",
                                "programme",
                                "program",
                                "joint venture",
                                "cooperation",
                            ]
                        },
                        "DEP": "attr",
                    },
                    ("anchor", "<", "verb", {"LEMMA": "be"}),
                    ("verb", ">", "obj", {"DEP": "nsubj"}),
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "subj", pobj),
                ),
            ],
        ),
        "participate-involved": (
            "participatesIn",
            [
                _dep(
                    {"LEMMA": {"IN": ["involve", "participate"]}},
                    ("anchor", ">", "subj", {"DEP": {"IN": ["nsubj", "nsubjpass", "attr"]}}),
                ),
                _dep(
                    {"LEMMA": "involve"},
                    ("anchor", ">", "aux", {"DEP": {"IN": ["aux", "auxpass"]}}),
                    ("aux", ">", "subj", {"DEP": {"IN": ["nsubj", "attr"]}}),
                ),
            ],
        ),
        "direction-of": (
            "participatesIn",
            [
                _dep(
                    {"LEMMA": {"IN": ["direction", "leadership", "supervision", "management"]}},
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "subj", {"DEP": "pobj", "ENT_TYPE": "Person"}),
                ),
            ],
        ),
        "participate-relcl": (
            "participatesIn",
            [
                _dep(
                    {"ENT_TYPE": {"IN": ["Project", REF]}},
                    ("anchor", ">", "verb", {"DEP": "relcl"}),
                    ("verb", ">>", "in", {"LOWER": {"IN": ["in", "within"]}}),
                    ("in", ">", "which", {"LOWER": "which"}),
                    ("verb", ">", "subj", {"DEP": "nsubj"}),
                ),
            ],
        ),
        "member-include": (
            "memberOf",
            [
                _dep(
                    {"LEMMA": {"IN": ["include", "comprise", "count"]}},
                    (
                        "anchor",
                        ">",
                        "members",
                        {"LEMMA": {"IN": ["member", "partner"]}, "DEP": "nsubj"},
                    ),
                    ("anchor", ">", "subj", {"DEP": "dobj"}),
                ),
            ],
        ),
        "member-including": (
            "memberOf",
            [
                _dep(
                    {"LEMMA": {"IN": ["member", "partner"]}},
                    ("anchor", ">", "incl", {"LOWER": {"IN": ["including", "among"]}}),
                    ("incl", ">", "subj", pobj),
                ),
            ],
        ),
        "its-subsidiary": (
            "partOf",
            [
                _dep(
                    {"LEMMA": {"IN": ["subsidiary", "daughter", "division", "branch"]}},
                    ("anchor", ">", "poss", {"LOWER": {"IN": ["its", "their"]}}),
                ),
            ],
        ),
        "heads-org": (
            "affiliatedWith",
            [
                _dep(
                    {"LEMMA": {"IN": ["head", "lead", "direct", "manage", "run", "chair"]}},
                    ("anchor", ">", "subj", {"DEP": "nsubj", "ENT_TYPE": "Person"}),
                    (
                        "anchor",
                        ">",
                        "obj",
                        {
                            "DEP": "dobj",
                            "ENT_TYPE": {"IN": ["Institution", "Company", "Cluster", REF]},
                        },
                    ),
                ),
                _dep(
                    {"LEMMA": {"IN": ["management", "direction", "leadership", "chair", "helm"]}},
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    (
                        "of",
                        ">",
                        "obj",
                        {"DEP": "pobj", "ENT_TYPE": {"IN": ["Institution", "Company", "Cluster"]}},
                    ),
                ),
            ],
        ),
        "receive-money": (
            "fundedBy",
            [
                _dep(
                    {"LEMMA": {"IN": ["receive", "obtain", "get", "win", "raise", "secure"]}},
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "from", {"LOWER": "from"}),
                    ("from", ">", "obj", pobj),
                ),
            ],
        ),
        "invest-in": (
            "fundedBy",
            [
                _dep(
                    {"LEMMA": {"IN": ["invest", "participate"]}},
                    ("anchor", ">", "obj", {"DEP": "nsubj"}),
                    ("anchor", ">", "in", {"LOWER": "in"}),
                    ("in", ">", "subj", pobj),
                ),
            ],
        ),
        "appointed": (
            "affiliatedWith",
            [
                _dep(
                    {
                        "LEMMA": {"IN": ["appoint", "elect", "name", "hire", "recruit", "call"]},
                        "TAG": "VBN",
                    },
                    ("anchor", ">", "subj", {"DEP": "nsubjpass", "ENT_TYPE": "Person"}),
                ),
                _dep(
                    {"LEMMA": {"IN": ["appoint", "elect", "name", "hire", "recruit"]}},
                    (
                        "anchor",
                        ">",
                        "obj",
                        {"DEP": "nsubj", "ENT_TYPE": {"NOT_IN": ["", "Person"]}},
                    ),
                    ("anchor", ">", "subj", {"DEP": "dobj", "ENT_TYPE": "Person"}),
                ),
            ],
        ),
        "admitted-to": (
            "memberOf",
            [
                _dep(
                    {
                        "LEMMA": {"IN": ["admit", "accept", "welcome", "take", "include"]},
                        "TAG": "VBN",
                    },
                    ("anchor", ">", "subj", {"DEP": "nsubjpass"}),
                    ("anchor", ">", "to", {"LOWER": {"IN": ["to", "into", "in"]}}),
                    ("to", ">", "obj", pobj),
                ),
            ],
        ),
        "participant-of": (
            "participatesIn",
            [
                _dep(
                    {
                        "LEMMA": {"IN": ["participant", "member", "partner", "alumnus"]},
                        "DEP": "appos",
                    },
                    ("anchor", "<", "subj", {"ENT_TYPE": {"NOT_IN": [""]}}),
                    ("anchor", ">", "of", {"LOWER": {"IN": ["of", "in"]}}),
                    ("of", ">", "obj", pobj),
                ),
            ],
        ),
        "member-among": (
            "memberOf",
            [
                _dep(
                    {"LEMMA": {"IN": ["member", "founder", "partner"]}, "DEP": "pobj"},
                    ("anchor", "<", "among", {"LOWER": "among"}),
                    ("among", "<", "verb", {"LEMMA": "be"}),
                    ("verb", ">", "subj", {"DEP": {"IN": ["nsubj", "attr"]}}),
                ),
            ],
        ),
        "founds-unit": (
            "partOf",
            [
                _dep(
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
                _dep(
                    {
                        "LEMMA": {"IN": ["subsidiary", "daughter", "division", "branch"]},
                        "DEP": "attr",
                    },
                    ("anchor", "<", "verb", {"LEMMA": "be"}),
                    ("verb", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "obj", pobj),
                ),
            ],
        ),
        "take-part": (
            "participatesIn",
            [
                _dep(
                    {"LEMMA": "take"},
                    ("anchor", ">", "part", {"LOWER": "part", "DEP": "dobj"}),
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "in", {"LOWER": "in"}),
                    ("in", ">", "obj", pobj),
                ),
            ],
        ),
        "located-headquarters": (
            "locatedIn",
            [
                _dep(
                    {"LEMMA": {"IN": ["headquarters", "seat", "site", "office", "location"]}},
                    ("anchor", ">", "in", {"LOWER": {"IN": ["in", "at"]}}),
                    ("in", ">", "obj", {"DEP": "pobj", "ENT_TYPE": "Place"}),
                ),
            ],
        ),
        "subsidiary-appos": (
            "partOf",
            [
                _dep(
                    {
                        "LEMMA": {"IN": ["subsidiary", "daughter", "division", "branch"]},
                        "DEP": "appos",
                    },
                    ("anchor", "<", "subj", {"ENT_TYPE": {"NOT_IN": [""]}}),
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "obj", pobj),
                ),
            ],
        ),
        "located-participle": (
            "locatedIn",
            [
                _dep(
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
        "founded-by": (
            "affiliatedWith",
            [
                _dep(
                    {"LEMMA": {"IN": ["found", "establish", "start"]}, "TAG": "VBN"},
                    ("anchor", ">", "by", {"DEP": "agent"}),
                    ("by", ">", "subj", pobj),
                ),
            ],
        ),
        "participate-in-project": (
            "participatesIn",
            [
                _dep(
                    {"POS": "VERB"},
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "in", {"LOWER": {"IN": ["in", "within"]}}),
                    ("in", ">", "obj", {"DEP": "pobj"}),
                ),
            ],
        ),
        "carried-out-at": (
            "participatesIn",
            [
                _dep(
                    {
                        "LEMMA": {"IN": ["carry", "conduct", "perform", "run", "test", "hold"]},
                        "TAG": "VBN",
                    },
                    ("anchor", ">", "obj", {"DEP": "nsubjpass"}),
                    ("anchor", ">", "at", {"LOWER": {"IN": ["at", "in"]}}),
                    ("at", ">", "subj", {"DEP": "pobj"}),
                ),
            ],
        ),
        "produces-possessive": (
            "produces",
            [
                _dep(
                    {"ENT_TYPE": "Product"},
                    ("anchor", ">", "poss", {"LOWER": {"IN": ["its", "their"]}}),
                ),
            ],
        ),
        "produces-owner": (
            "produces",
            [
                _dep(
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
                _dep(
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
                _dep(
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
                _dep(
                    {"LEMMA": {"IN": produce}, "TAG": "VBN"},
                    ("anchor", ">", "by", {"DEP": "agent"}),
                    ("by", ">", "subj", pobj),
                ),
            ],
        ),
        "located-verb": (
            "locatedIn",
            [
                _dep(
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
                _dep(
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
        "produces-verb": (
            "produces",
            [
                _dep(
                    {"LEMMA": {"IN": list(lex.words("produce_verbs"))}},
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "obj", {"DEP": "dobj"}),
                ),
            ],
        ),
        "affiliation-apposition": (
            "affiliatedWith",
            [
                _dep({"ENT_TYPE": "Person"}, ("anchor", ">", "role", {"DEP": "appos"})),
                _dep(
                    {"ENT_TYPE": "Person"},
                    ("anchor", "<", "role", {"DEP": {"IN": ["nsubj", "attr"]}, "POS": "NOUN"}),
                    ("role", ">", "prep", {"LOWER": {"IN": ["of", "at"]}}),
                    ("prep", ">", "obj", pobj),
                ),
                _dep(
                    {"ENT_TYPE": "Person"},
                    ("anchor", "<", "role", {"POS": "NOUN"}),
                    ("role", ">", "prep", {"LOWER": {"IN": ["of", "at"]}}),
                    ("prep", ">", "obj", pobj),
                ),
            ],
        ),
        "affiliation-prep": (
            "affiliatedWith",
            [
                _dep(
                    {"ENT_TYPE": "Person"},
                    ("anchor", ">", "prep", {"LOWER": {"IN": ["from", "at", "of"]}}),
                    ("prep", ">", "obj", pobj),
                ),
            ],
        ),
        "affiliation-possessive": (
            "affiliatedWith",
            [
                _dep(
                    {"ENT_TYPE": "Person"},
                    ("anchor", ">", "role", {"POS": {"IN": ["NOUN", "PROPN"]}}),
                    ("role", ">", "obj", {"DEP": "poss"}),
                ),
            ],
        ),
    }
