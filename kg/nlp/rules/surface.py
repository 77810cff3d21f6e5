"""Surface rules: the noun-phrase idioms of the genre, as token patterns for spaCy's Matcher.

'the Dresden company X', 'X of the University of Y', 'the Brontix product Z',
'Leipzig-based X'. Every pattern names the relation it states and which of its
entity tokens is the subject and which the object; the word lists come from
`data/lexicon/cues.json`. The few rules whose ends need more than two positions
have a handler in `HANDLERS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kg.lexicon import Lexicon
from kg.nlp.labels import REF
from kg.nlp.rules.base import Claim, Pattern, SurfaceHandler, SurfaceMatch, unit_after

ORGS = ["Cluster", "Institution", "Company", "Project", "Funder", REF]
AGENTS = ["Cluster", "Institution", "Company", "Funder", REF]
QUOTES = ['"', "\u201c", "\u201d", "\u201e", "'"]


def _ent(types: Iterable[str], **extra: Any) -> dict[str, Any]:
    return {"ENT_TYPE": {"IN": list(types)}, **extra}


def _lower(*words: str, op: str | None = None) -> dict[str, Any]:
    tok: dict[str, Any] = {"LOWER": {"IN": list(words)}}
    if op:
        tok["OP"] = op
    return tok


#: Bodies that belong to the organisation named before them with a possessive.
_OWNED_BODIES = ("authority", "agency", "committee", "council", "board")

#: Words that end a description before its head noun: 'a partner of a firm in Y' is
#: not said to be in Y.
_NOT_IN_NAME = [",", ".", ";", ":", "(", ")", "of", "with", "for", "and", "to", "by", "at"]

#: Nouns for an organisation's site in a town: 'the Halden site of X', "X's Halden plant".
_SITE_NOUNS = ("site", "sites", "location", "branch", "plant", "campus", "office", "facility")

#: Where in a town a site lies: 'in the heart of Y', 'on the outskirts of Y'.
_PART_OF_TOWN = (
    "heart",
    "centre",
    "center",
    "middle",
    "north",
    "south",
    "east",
    "west",
    "outskirts",
)

#: Surface patterns: name -> (predicate, subject index, object index, token patterns).
_THE = _lower("the", "a", "an", op="?")
_CUE = _lower(
    "innovation", "cluster", "network", "working", "group", "alliance", "association", op="*"
)


def patterns(lex: Lexicon) -> dict[str, tuple[str, int, int, list[Pattern]]]:
    """name -> (predicate, subject index, object index, patterns) over the entity tokens."""
    units = sorted({w.split()[-1] for w in lex.words("unit_heads")})
    # A unit's name ends in or starts with its head noun: 'Centre for Coastal Ecology'.
    unit_names = r"\b(" + "|".join(sorted({*units, *_OWNED_BODIES} - {"for"})) + r")\b"
    subsid = sorted({w.split()[0] for w in lex.words("subsidiary_words")})
    products = list(lex.words("product_nouns"))
    locate = list(lex.words("locate_words"))
    return {
        "loc-prep": (
            "locatedIn",
            0,
            -1,
            [
                # a site may be a place itself ('the BioSquare campus in X'): see `_add`
                [_ent([*ORGS, "Place"]), _lower("in", "from"), _ent(["Place"])],
                # 'Sorbitec UG (haftungsbeschränkt) from Freiberg', 'the IITS (IITS) in Chemnitz'
                [
                    _ent(ORGS),
                    {"ORTH": "("},
                    {"ORTH": {"NOT_IN": [")"]}, "OP": "{1,2}"},
                    {"ORTH": ")"},
                    _lower("in", "from"),
                    _ent(["Place"]),
                ],
                [_ent(ORGS), {"ORTH": "("}, _ent(["Place"]), {"ORTH": ")"}],
                # 'X is a start-up from Y', 'X, a firm in Y' ('X, a Y-based company':
                # `kg.nlp.rules.location`)
                [
                    _ent(AGENTS),
                    _lower(",", "is", "was"),
                    _lower("a", "an"),
                    {"ENT_TYPE": "", "LOWER": {"NOT_IN": _NOT_IN_NAME}, "OP": "{0,3}"},
                    _lower(*lex.words("company_cues"), "up", "off", "institute"),
                    _lower("from", "in"),
                    _ent(["Place"]),
                ],
                [
                    _ent(ORGS),
                    {"ORTH": ",", "OP": "?"},
                    _lower(*locate),
                    _lower("in", "at"),
                    _ent(["Place"]),
                ],
                # 'X is located in the heart of Y', 'X, based on the outskirts of Y'
                [
                    _ent(ORGS),
                    {"ORTH": ",", "OP": "?"},
                    _lower("is", "was", "are", "were", op="?"),
                    _lower(*locate),
                    _lower("in", "at", "on"),
                    _lower("the"),
                    _lower(*_PART_OF_TOWN),
                    _lower("of"),
                    _ent(["Place"]),
                ],
            ],
        ),
        "loc-compound": (
            "locatedIn",
            -1,
            0,
            [
                [_ent(["Place"]), _ent(AGENTS)],
                [
                    _ent(["Place"]),
                    _lower(
                        "company",
                        "firm",
                        "start-up",
                        "startup",
                        "biotech",
                        "pharmaceutical",
                        "institute",
                        "hospital",
                        "based",
                        "specialist",
                        "manufacturer",
                        "subsidiary",
                    ),
                    _ent(AGENTS),
                ],
                # 'the Halden site of X', 'the Halden campus of the University Y'
                [_ent(["Place"]), _lower(*_SITE_NOUNS), _lower("of"), _THE, _ent(AGENTS)],
                [
                    _ent(["Place"]),
                    {"ORTH": "-"},
                    _lower("based"),
                    {"ENT_TYPE": "", "IS_PUNCT": False, "IS_STOP": False, "OP": "{0,3}"},
                    _ent(AGENTS),
                ],
            ],
        ),
        # "X's Halden site", "X's new Halden plant": a site of X in that town
        "loc-site": (
            "locatedIn",
            0,
            1,
            [
                [
                    _ent(AGENTS),
                    _lower("'s", "\u2019s"),
                    _lower("new", op="?"),
                    _ent(["Place"]),
                    _lower(*_SITE_NOUNS),
                ]
            ],
        ),
        # "Leipzig's Alter Messe", "the city's X institute"
        "loc-possessive": (
            "locatedIn",
            -1,
            0,
            [[_ent(["Place"]), _lower("'s", "\u2019s"), _ent([*AGENTS, "Place"])]],
        ),
        # 'the City of X Office for Economic Development': a unit named after its parent
        "part-prefix": (
            "partOf",
            -1,
            0,
            [
                [
                    _ent(["Institution", "Company", "Cluster", "Funder"]),
                    _ent(["Institution", "Cluster"], LOWER={"REGEX": unit_names}),
                ]
            ],
        ),
        "loc-cue": (
            "locatedIn",
            -1,
            0,
            [
                [
                    _ent(["Place"]),
                    {"ENT_TYPE": "", "IS_PUNCT": False, "IS_STOP": False, "OP": "{0,3}"},
                    _lower(*lex.words("company_cues")),
                    _ent(AGENTS),
                ],
            ],
        ),
        "loc-start-up": (
            "locatedIn",
            -1,
            0,
            [
                [
                    _ent(["Place"]),
                    {"ENT_TYPE": "", "IS_PUNCT": False, "IS_STOP": False, "OP": "{0,2}"},
                    _lower("start", "spin"),
                    {"ORTH": "-"},
                    _lower("up", "ups", "off", "offs"),
                    _ent(AGENTS),
                ],
            ],
        ),
        "loc-acronym": (
            "locatedIn",
            0,
            -1,
            [
                [
                    _ent(ORGS),
                    {"ORTH": "("},
                    {"ENT_TYPE": {"NOT_IN": [""]}},
                    {"ORTH": ")"},
                    _lower("in", "from"),
                    _ent(["Place"]),
                ],
                # 'the Halden Tech Campus (HTC) Bremen': the town right after the acronym
                # (a site that is a place itself: see `kg.nlp.relations`)
                [
                    _ent([*ORGS, "Place"]),
                    {"ORTH": "("},
                    {"ENT_TYPE": {"NOT_IN": [""]}},
                    {"ORTH": ")"},
                    _ent(["Place"]),
                ],
            ],
        ),
        # 'awarded the prize to Dr. X from the Institute Y': the parser often hangs 'from'
        # on the verb, but a person's name directly followed by 'from'/'at' and an
        # organisation says where the person works.
        "affiliation-from": (
            "affiliatedWith",
            0,
            -1,
            [
                [
                    _ent(["Person"]),
                    _lower("from", "at"),
                    _THE,
                    _ent(["Institution", "Company", "Cluster", "Funder"]),
                ]
            ],
        ),
        # '(spokesperson: Professor X, Institute Y)', a round table's 'X, Company Y;'
        "affiliation-comma-org": (
            "affiliatedWith",
            0,
            -1,
            [
                # 'Dr Anna Brill (Kolbe AG) opened ...'
                [
                    _ent(["Person"]),
                    {"ORTH": "("},
                    _THE,
                    _ent(["Institution", "Company", "Cluster", "Funder"]),
                    {"ORTH": ")"},
                ],
                [
                    _ent(["Person"]),
                    {"ORTH": ","},
                    _THE,
                    _ent(["Institution", "Company", "Cluster", "Funder"]),
                    {"ORTH": {"IN": [")", ";"]}},
                ],
            ],
        ),
        "affiliation-org-role": (
            "affiliatedWith",
            -1,
            0,
            [
                [
                    _ent(["Institution", "Company", "Cluster", "Funder"]),
                    _lower("'s", "\u2019s", op="?"),
                    _lower("co", op="?"),  # 'Y co-founder X': 'co', '-', 'founder'
                    {"ORTH": "-", "OP": "?"},
                    {"LOWER": {"IN": role_tokens(lex)}, "OP": "{1,3}"},
                    {"ORTH": ",", "OP": "?"},  # 'Kerry CEO, Edmond Scanlon said'
                    {"LOWER": {"IN": [t.lower() for t in lex.words("person_titles")]}, "OP": "*"},
                    _ent(["Person"]),
                ],
                # "Kolbe AG's Anna Brill said"
                [
                    _ent(["Institution", "Company", "Cluster", "Funder"]),
                    _lower("'s", "\u2019s"),
                    {"LOWER": {"IN": [t.lower() for t in lex.words("person_titles")]}, "OP": "*"},
                    _ent(["Person"]),
                ],
            ],
        ),
        "part-unit": (
            "partOf",
            0,
            -1,
            [
                [
                    _ent(ORGS),
                    {"ORTH": {"IN": QUOTES}, "OP": "?"},
                    _lower("of"),
                    _THE,
                    _CUE,
                    _ent(["Institution", "Cluster", "Company", "Funder"]),
                ],
                [
                    _ent(ORGS),
                    {"ORTH": "("},
                    {"ENT_TYPE": {"NOT_IN": [""]}},
                    {"ORTH": ")"},
                    _lower("of", "at"),
                    _THE,
                    _ent(["Institution", "Cluster", "Company", "Funder"]),
                ],
            ],
        ),
        "part-from": (
            "partOf",
            0,
            -1,
            [
                [
                    _ent(["Cluster"]),
                    {"ORTH": {"IN": QUOTES}, "OP": "?"},
                    _lower("from", "within", "at"),
                    _THE,
                    _ent(["Cluster", "Institution"]),
                ],
            ],
        ),
        "part-subsidiary": (
            "partOf",
            0,
            -1,
            [
                [
                    _ent(AGENTS),
                    {"ORTH": ","},
                    _THE,
                    _lower(*subsid),
                    {"LOWER": "-", "OP": "?"},
                    {"LOWER": "off", "OP": "?"},
                    _lower("of"),
                    _THE,
                    _ent(AGENTS),
                ],
                # 'Halden Biosciences - A Tern Company': the brand line of a group's firm
                [
                    _ent(["Company"]),
                    {"ORTH": {"IN": ["-", "\u2013", ","]}},
                    _lower("a"),
                    _ent(["Company"]),
                    _lower("company"),
                ],
            ],
        ),
        "part-possessive": (
            "partOf",
            -1,
            0,
            [
                [
                    _ent(["Cluster", "Institution", "Company"]),
                    _lower("'s", "\u2019s"),
                    _lower("new", op="?"),
                    _CUE,
                    _ent(["Cluster"]),
                ],
                [
                    _ent(["Cluster", "Institution", "Company"]),
                    _lower("working", "the"),
                    _lower("group", "network", op="?"),
                    {"ORTH": {"IN": QUOTES}, "OP": "?"},
                    _ent(["Cluster"]),
                ],
                # "Y's German subsidiary X", "Y's subsidiary, X"
                [
                    _ent(["Cluster", "Institution", "Company"]),
                    _lower("'s", "\u2019s"),
                    {"ENT_TYPE": "", "POS": "ADJ", "OP": "{0,2}"},
                    _lower("subsidiary", "branch", "daughter", "division"),
                    _lower("company", op="?"),
                    {"ORTH": ",", "OP": "?"},
                    _ent(["Institution", "Company"]),
                ],
                # "the university's Institute of Zoology", "the firm's Research Centre"
                [
                    _ent(["Cluster", "Institution", "Company", "Funder"]),
                    _lower("'s", "\u2019s"),
                    _lower("new", op="?"),
                    _ent(["Institution", "Cluster"], LOWER={"REGEX": unit_names}),
                ],
            ],
        ),
        # "the university's new Collaborative Research Centre X": it runs the project
        "project-possessive": (
            "participatesIn",
            0,
            -1,
            [
                [
                    _ent(["Institution", "Company", "Cluster", "Funder", REF]),
                    _lower("'s", "\u2019s"),
                    _lower("new", op="?"),
                    _ent(["Project"]),
                ],
            ],
        ),
        "member-apposition": (
            "memberOf",
            0,
            -1,
            [
                [
                    _ent(AGENTS),
                    {"ORTH": ","},
                    _THE,
                    _lower("member", "members"),
                    _lower("of"),
                    _THE,
                    _ent(["Cluster", REF]),
                ],
            ],
        ),
        "produces-noun": (
            "produces",
            0,
            -1,
            [
                [
                    _ent(["Company", "Institution"]),
                    _lower("'s", "\u2019s", op="?"),
                    _lower(*products),
                    _ent(["Product"]),
                ],
                [_ent(["Company", "Institution"]), _lower("'s", "\u2019s"), _ent(["Product"])],
            ],
        ),
        "produces-verb-surface": (
            "produces",
            0,
            -1,
            [
                [
                    _ent(["Company", "Institution"]),
                    {"LEMMA": {"IN": list(lex.words("produce_verbs"))}},
                    _THE,
                    {
                        "POS": {"IN": ["NOUN", "ADJ", "VERB", "PROPN"]},
                        "ENT_TYPE": "",
                        "OP": "{0,3}",
                    },
                    _ent(["Product"]),
                ],
            ],
        ),
        "produces-of": (
            "produces",
            -1,
            0,
            [
                [
                    _ent(["Product"]),
                    _lower("of", "from"),
                    _THE,
                    _ent(["Company", "Institution", REF]),
                ]
            ],
        ),
        "produces-by": (
            "produces",
            -1,
            0,
            [
                [
                    _ent(["Product"]),
                    {"ORTH": ",", "OP": "?"},
                    _lower("by", "from"),
                    _ent(["Company"]),
                ],
            ],
        ),
        "unit-head": (
            "partOf",
            0,
            -1,
            [
                [
                    _ent(ORGS, LOWER={"REGEX": r"\b(" + "|".join(units) + r")\b"}),
                    {"ORTH": ",", "OP": "?"},
                    _lower("at", "of"),
                    _THE,
                    _ent(["Institution", "Company"]),
                ],
                # 'the X working group at Y': the unit's head noun follows its name
                [
                    _ent(["Institution", "Cluster"]),
                    _lower("working", "research", op="?"),
                    _lower("group", "team", "department", "division", "section", "laboratory"),
                    _lower("at", "of"),
                    _THE,
                    _ent(["Institution", "Company"]),
                ],
            ],
        ),
    }


def role_tokens(lex: Lexicon) -> list[str]:
    return sorted({w for r in lex.words("role_words") for w in r.split()} - {"of", "the", "and"})


def two_ends(m: SurfaceMatch) -> list[Claim]:
    """The default: the entity tokens at the rule's two positions are the ends."""
    return [Claim(m.toks[m.s_idx], m.pred, m.toks[m.o_idx], m.rule, 0.8)]


def _site_of(m: SurfaceMatch) -> list[Claim]:
    """ "Leipzig's Alter Messe": the site is in the town; "Germany's Free State of Saxony"
    is a government, not a site (a funder has no location by a possessive)."""
    site = m.toks[m.s_idx]
    classes = (site.doc._.kg_classes or {}).get((site.idx, site.idx + len(site.text)), ())
    if "Funder" in classes:
        return []
    return two_ends(m)


def _unit_of(m: SurfaceMatch) -> list[Claim]:
    """'the Institute X of the University Y': X is part of Y, and 'X of the Y' is a name
    of X; 'the project X of the Chair of Y': the chair runs the project."""
    unit, parent = m.toks[m.s_idx], m.toks[m.o_idx]
    if unit.ent_type_ == "Project":
        return [Claim(parent, "participatesIn", unit, "surface:project-of", 0.8)]
    return [Claim(unit, m.pred, parent, m.rule, 0.8, names=True)]


def _from_unit(m: SurfaceMatch) -> list[Claim]:
    """'Dr X from the City of Y Office for Z': X works in the unit (`unit_after`)."""
    unit = unit_after(m.toks[m.o_idx], m.ctx.units)
    if unit is not None:
        return [Claim(m.toks[m.s_idx], m.pred, unit, m.rule, 0.8)]
    return two_ends(m)


def _org_role(m: SurfaceMatch) -> list[Claim]:
    """'Y's managing director X': the role words between organisation and person."""
    doc = m.toks[0].doc
    role = (
        " ".join(
            t.text for t in doc[m.toks[0].i + 1 : m.toks[-1].i] if t.lower_ in m.ctx.role_tokens
        )
        or None
    )
    return [Claim(m.toks[m.s_idx], m.pred, m.toks[m.o_idx], m.rule, 0.8, role=role)]


HANDLERS: dict[str, SurfaceHandler] = {
    "loc-prep": two_ends,
    "loc-compound": two_ends,
    "loc-site": two_ends,
    "loc-possessive": _site_of,
    "part-prefix": two_ends,
    "loc-cue": two_ends,
    "loc-start-up": two_ends,
    "loc-acronym": two_ends,
    "affiliation-from": _from_unit,
    "affiliation-comma-org": two_ends,
    "affiliation-org-role": _org_role,
    "part-unit": _unit_of,
    "part-from": two_ends,
    "part-subsidiary": two_ends,
    "part-possessive": two_ends,
    "project-possessive": two_ends,
    "member-apposition": two_ends,
    "produces-noun": two_ends,
    "produces-verb-surface": two_ends,
    "produces-of": two_ends,
    "produces-by": two_ends,
    "unit-head": two_ends,
}


def entity_tail(name: str, pattern: list[dict[str, Any]]) -> int | None:
    """How many tokens a surface pattern may match after its last entity token.

    None when unbounded. `kg.nlp.relations.RelationPatterns._surface_matches` runs the Matcher
    only from the first entity token of a sentence to this many tokens past
    its last one, which finds every hit only if each pattern starts on a
    required entity token; a pattern that does not is refused.
    """
    if not _is_entity(pattern[0]):
        raise ValueError(f"surface pattern {name} must start on an entity token")
    last = max(i for i, tok in enumerate(pattern) if _is_entity(tok))
    tail = 0
    for tok in pattern[last + 1 :]:
        op = tok.get("OP", "!")
        if op in {"*", "+"}:
            return None
        if op.startswith("{"):
            high = op.strip("{}").split(",")[-1]
            if not high:
                return None
            tail += int(high)
        else:
            tail += 1
    return tail


def _is_entity(tok: dict[str, Any]) -> bool:
    """A required token whose entity type is one of a list without the empty type."""
    types = tok.get("ENT_TYPE")
    return (
        "OP" not in tok
        and isinstance(types, dict)
        and set(types) == {"IN"}
        and "" not in types["IN"]
    )
