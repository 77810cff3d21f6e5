"""Taking part in a project: 'participates in', 'coordinated by', 'partners are'.

Many of these name only the participant ('scientists from A', 'A is a partner');
the project is the one named in the sentence or last before it
(`sentence_project`). Leading a project (`RUNNING`) is taking part in it even
where the project is also a cluster.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.lexicon import Lexicon
from kg.nlp.labels import REF
from kg.nlp.referents import (
    JOINABLE,
    expand,
    is_financing,
    is_programme,
    passive_subject,
    sentence_project,
    stand_in,
)
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep, spread, two_ends
from kg.nlp.rules.financing import financed_company

_PARTICIPANT_NOUNS = [
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


def patterns(lex: Lexicon) -> dict[str, tuple[str, list[Pattern]]]:
    """name -> (predicate, patterns); the pattern nodes 'subj' and 'obj' are the ends."""
    subj = {"DEP": {"IN": ["nsubj", "nsubjpass"]}}
    pobj = {"DEP": "pobj"}
    lead = {"LEMMA": {"IN": list(lex.words("lead_verbs"))}}
    return {
        "participate-verb": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": {"IN": ["participate", "involve", "engage", "collaborate", "work"]}},
                    ("anchor", ">", "subj", subj),
                    ("anchor", ">", "in", {"LOWER": {"IN": ["in", "on"]}}),
                    ("in", ">", "obj", pobj),
                ),
                dep(
                    lead,
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "obj", {"DEP": "dobj"}),
                ),
                dep(
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
                dep(
                    {**lead, "TAG": "VBN"},
                    ("anchor", ">", "by", {"DEP": "agent"}),
                    ("by", ">", "subj", pobj),
                ),
            ],
        ),
        "participate-noun": (
            "participatesIn",
            [
                dep(
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
                dep(
                    {"LEMMA": {"IN": _PARTICIPANT_NOUNS}},
                    ("anchor", ">", "from", {"LOWER": {"IN": ["from", "at", "of"]}}),
                    ("from", ">", "subj", pobj),
                ),
            ],
        ),
        "participant-apposition": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": {"IN": ["applicant", "partner", "participant", "coordinator"]}},
                    ("anchor", ">", "subj", {"DEP": "appos"}),
                ),
            ],
        ),
        "participant-copula": (
            "participatesIn",
            [
                dep(
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
                dep(
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
                dep(
                    {"LEMMA": {"IN": ["involve", "participate"]}},
                    ("anchor", ">", "subj", {"DEP": {"IN": ["nsubj", "nsubjpass", "attr"]}}),
                ),
                dep(
                    {"LEMMA": "involve"},
                    ("anchor", ">", "aux", {"DEP": {"IN": ["aux", "auxpass"]}}),
                    ("aux", ">", "subj", {"DEP": {"IN": ["nsubj", "attr"]}}),
                ),
            ],
        ),
        "direction-of": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": {"IN": ["direction", "leadership", "supervision", "management"]}},
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "subj", {"DEP": "pobj", "ENT_TYPE": "Person"}),
                ),
            ],
        ),
        "participate-relcl": (
            "participatesIn",
            [
                dep(
                    {"ENT_TYPE": {"IN": ["Project", REF]}},
                    ("anchor", ">", "verb", {"DEP": "relcl"}),
                    ("verb", ">>", "in", {"LOWER": {"IN": ["in", "within"]}}),
                    ("in", ">", "which", {"LOWER": "which"}),
                    ("verb", ">", "subj", {"DEP": "nsubj"}),
                ),
            ],
        ),
        "participant-of": (
            "participatesIn",
            [
                dep(
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
        "take-part": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": "take"},
                    ("anchor", ">", "part", {"LOWER": "part", "DEP": "dobj"}),
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "in", {"LOWER": "in"}),
                    ("in", ">", "obj", pobj),
                ),
            ],
        ),
        "participate-in-project": (
            "participatesIn",
            [
                dep(
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
                dep(
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
    }


def _in_sentence_project(m: DepMatch) -> list[Claim]:
    """'scientists from A', 'A is a partner': the project named here or last before."""
    return spread(m, m.subj, m.pred, sentence_project(m.anchor))


def _participation_noun(m: DepMatch) -> list[Claim]:
    """'with the participation of A': A takes part in the project, or in a financing
    round invests in the company the item is about."""
    if is_financing(m.anchor):
        return _invests(m, m.subj, [])
    return spread(m, m.subj, m.pred, sentence_project(m.anchor))


def _invests(m: DepMatch, investor: Token | None, before: list[Claim]) -> list[Claim]:
    """'The round was led by investor X, with the participation of Y': X and Y invest
    in the company the item is about."""
    about = financed_company(m.anchor)
    if about is None or investor is None:
        return before
    return before + spread(m, about, "fundedBy", investor, rule=f"{m.rule}-financing")


def _led_by(m: DepMatch) -> list[Claim]:
    """'run by A together with B': both run it; 'led by investor X': X invests; 'It is
    led by Prof. X': heading a working group is a position in it."""
    subj, pred, obj = m.subj, m.pred, passive_subject(m.anchor)
    claims: list[Claim] = []
    if subj is not None and obj is not None:
        partners = [
            g
            for c in subj.children
            if c.lower_ in {"with", "and"} and c.dep_ in {"prep", "cc"}
            for g in c.subtree
            if g.ent_type_ and g.ent_type_ not in {"Place", "Person"}
        ]
        claims.extend(m.claim(extra, pred, obj, anchor=m.anchor) for extra in partners)
    if is_financing(m.anchor):
        return _invests(m, subj, claims)
    if subj is not None and subj.ent_type_ == "Person":
        targets = expand(obj) if obj is not None else []
        if targets and targets[0].ent_type_ in {"Cluster", REF}:
            pred, obj = "affiliatedWith", targets[0]
    return claims + spread(m, subj, pred, obj)


def _direction_of(m: DepMatch) -> list[Claim]:
    """'coordinated by ITCE under the direction of Prof. X': X leads it, for ITCE."""
    verb = m.anchor.head.head
    obj = sentence_project(m.anchor) or passive_subject(verb)
    agent = next(
        (g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"),
        None,
    )
    claims: list[Claim] = []
    if agent is not None and m.subj is not None:
        claims = [m.claim(m.subj, "affiliatedWith", org, conf=0.7) for org in expand(agent)]
    return claims + spread(m, m.subj, m.pred, obj)


def _in_named_project(m: DepMatch) -> list[Claim]:
    """'In the joint project "X", A and B develop ...'; 'the study X is carried out at A':
    only a project (not a funding programme) or an anaphor for one is taken part in."""
    obj = stand_in(m.obj) if m.obj is not None else None
    project = obj is not None and obj.ent_type_ == "Project" and not is_programme(obj)
    anaphor = obj is not None and obj.ent_type_ == REF and any(w in obj.lower_ for w in JOINABLE)
    if not (project or anaphor):
        return []
    return spread(m, m.subj, m.pred, obj)


def _the_project(m: DepMatch) -> list[Claim]:
    """'the project X, in which A works': the anchor is the project."""
    return spread(m, m.subj, m.pred, m.anchor)


HANDLERS: dict[str, DepHandler] = {
    "participate-verb": two_ends,
    "participate-agent": _led_by,
    "participate-noun": _participation_noun,
    "participate-from": _in_sentence_project,
    "participant-apposition": _in_sentence_project,
    "participant-copula": _in_sentence_project,
    "initiative-of": two_ends,
    "participate-involved": _in_sentence_project,
    "direction-of": _direction_of,
    "participate-relcl": _the_project,
    "participant-of": two_ends,
    "take-part": two_ends,
    "participate-in-project": _in_named_project,
    "carried-out-at": _in_named_project,
}
INHERITING = frozenset({"participate-verb"})
#: Leading or running a thing: taking part in it, never mere membership.
RUNNING = frozenset({"participate-agent", "participate-verb", "initiative-of", "direction-of"})
