"""Membership of a cluster or network: 'are members of', 'joined', 'members include'.

Where the clause names only the members ('Founding members include A and B',
'Among the first members are C'), the network is the nearest one named in this or
the last sentence (`context_entity`).
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.lexicon import Lexicon
from kg.nlp.referents import (
    CLUSTER_NOUNS,
    context_entity,
    expand,
    partner_subject,
    sentence_project,
    stand_in,
    verb_subject,
)
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep, spread, two_ends
from kg.nlp.rules.discourse import is_working_group, relative_antecedent

#: Nouns for the start-ups an accelerator takes in at one time.
_COHORT_NOUNS = ["cohort", "batch", "intake"]
#: Verbs by which a cohort is said to be made of its start-ups.
_LISTING_VERBS = {"be", "include", "comprise"}

#: Bodies something is a part of rather than a member of.
_BODIES = {"Institution", "Company", "Funder"}


def patterns(lex: Lexicon) -> dict[str, tuple[str, list[Pattern]]]:
    """name -> (predicate, patterns); the pattern nodes 'subj' and 'obj' are the ends."""
    member = {"LEMMA": {"IN": ["part", "member", "alumnus", "alumni", "alumna"]}}
    subj = {"DEP": {"IN": ["nsubj", "nsubjpass"]}}
    pobj = {"DEP": "pobj"}
    return {
        "member-copula": (
            "memberOf",
            [
                dep(
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
                dep(
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
                dep(
                    {"LEMMA": {"IN": ["join", "enter"]}},
                    ("anchor", ">", "subj", subj),
                    ("anchor", ">", "obj", {"DEP": "dobj"}),
                ),
                dep(
                    {"LEMMA": "belong"},
                    ("anchor", ">", "subj", subj),
                    ("anchor", ">", "to", {"LOWER": "to"}),
                    ("to", ">", "obj", pobj),
                ),
            ],
        ),
        "member-include": (
            "memberOf",
            [
                dep(
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
                dep(
                    {"LEMMA": {"IN": ["member", "partner"]}},
                    ("anchor", ">", "incl", {"LOWER": {"IN": ["including", "among"]}}),
                    ("incl", ">", "subj", pobj),
                ),
            ],
        ),
        "admitted-to": (
            "memberOf",
            [
                dep(
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
        # 'The start-ups of the second cohort are A, B and C', 'The cohort includes A'
        "cohort-members": ("memberOf", [dep({"LEMMA": {"IN": _COHORT_NOUNS}})]),
        # 'X is one of five start-ups selected for the accelerator Y'
        "selected-for": (
            "memberOf",
            [
                dep(
                    {"LEMMA": {"IN": ["select", "admit", "accept", "choose"]}, "DEP": "acl"},
                    ("anchor", "<", "noun", {"POS": "NOUN"}),
                    ("anchor", ">", "to", {"LOWER": {"IN": ["for", "to", "into"]}}),
                    ("to", ">", "obj", {"DEP": "pobj", "ENT_TYPE": {"IN": ["Cluster", "Project"]}}),
                ),
            ],
        ),
        "member-among": (
            "memberOf",
            [
                dep(
                    {"LEMMA": {"IN": ["member", "founder", "partner"]}, "DEP": "pobj"},
                    ("anchor", "<", "among", {"LOWER": "among"}),
                    ("among", "<", "verb", {"LEMMA": "be"}),
                    ("verb", ">", "subj", {"DEP": {"IN": ["nsubj", "attr"]}}),
                ),
            ],
        ),
    }


def _copula(m: DepMatch) -> list[Claim]:
    """'A and B are members of X'; in 'Y was founded and is a member of X' the subject
    sits on the first verb."""
    subj = m.subj if m.subj is not None else verb_subject(m.nodes["verb"])
    whole = stand_in(m.obj) if m.obj is not None else None
    if m.anchor.lemma_ == "part" and whole is not None and whole.ent_type_ in _BODIES:
        # 'X is part of the University Y': containment, not membership of a network
        return spread(m, subj, "partOf", m.obj)
    return spread(m, subj, m.pred, m.obj)


def _join(m: DepMatch) -> list[Claim]:
    """'the working group X, which belongs to the cluster Y': X is part of Y; 'A joined
    the company Y': A works at Y; 'X belongs to the company Y': X is part of Y."""
    subj, pred = m.subj, m.pred
    if subj is not None:
        subj = relative_antecedent(subj)
        if subj.ent_type_ == "Cluster" and m.obj is not None and is_working_group(subj):
            pred = "partOf"
        # 'X belongs to Kolbe AG': a body belonging to a company or an institute is
        # part of it (to a network, a member).
        if (
            subj.ent_type_ in {"Institution", "Company", "Cluster"}
            and m.anchor.lemma_ == "belong"
            and m.obj is not None
            and m.obj.ent_type_ in {"Institution", "Company"}
        ):
            pred = "partOf"
        # 'Anna Brill joined Kolbe AG as CFO': a person who joins a company or an
        # institute works there (a network or project she joins, she belongs to).
        if (
            subj.ent_type_ == "Person"
            and m.anchor.lemma_ == "join"
            and m.obj is not None
            and m.obj.ent_type_ in {"Institution", "Company"}
        ):
            pred = "affiliatedWith"
    return spread(m, subj, pred, m.obj)


def _network_in_context(m: DepMatch) -> list[Claim]:
    """'Founding members include A and B': the network named nearest before."""
    return spread(m, m.subj, m.pred, context_entity(m.anchor, ("Cluster",), CLUSTER_NOUNS))


def _members_including(m: DepMatch) -> list[Claim]:
    """'X has 40 members, including A and B': X is the verb's subject."""
    obj = next(
        (c for c in m.anchor.head.children if c.dep_ in {"nsubj", "nsubjpass"} and c.ent_type_),
        None,
    )
    return spread(m, m.subj, m.pred, obj)


def _cohort(m: DepMatch) -> list[Claim]:
    """'The start-ups of the second cohort are A, B and C', 'The new cohort includes A
    and B', 'The four start-ups of the cohort develop ... (A, B, C)': each joins the
    accelerator named in this sentence or the last."""
    noun = m.anchor
    target = sentence_project(noun) or context_entity(noun, ("Cluster",), CLUSTER_NOUNS)
    if target is None or target.ent_type_ not in {"Cluster", "Project"}:
        return []
    pred = "participatesIn" if target.ent_type_ == "Project" else m.pred
    head = noun
    if noun.dep_ == "pobj" and noun.head.lower_ in {"of", "in", "from"}:
        head = noun.head.head  # 'the start-ups of the cohort'
    named: list[Token] = []
    if head.dep_ in {"nsubj", "nsubjpass"}:
        verb = head.head
        if verb.lemma_ in _LISTING_VERBS:
            named = [c for c in verb.children if c.dep_ in {"attr", "dobj"}]
        named += [t for t in _in_brackets(verb.sent, noun.i) if t.ent_type_]
    members = [
        t
        for first in named
        for t in expand(first)
        if t.ent_type_ in {"Company", "Institution"} and t.i > noun.i
    ]
    return [m.claim(t, pred, target, conf=0.7) for t in dict.fromkeys(members)]


def _in_brackets(sent: Span, after: int) -> list[Token]:
    """The tokens of the first parenthesis after token `after` that lists only names."""
    start = next((t.i for t in sent if t.i > after and t.text == "("), None)
    end = next((t.i for t in sent if start is not None and t.i > start and t.text == ")"), None)
    if start is None or end is None:
        return []
    inside = list(sent.doc[start + 1 : end])
    if not all(t.ent_type_ or t.text == "," or t.lower_ == "and" for t in inside):
        return []
    return inside


def _selected_for(m: DepMatch) -> list[Claim]:
    """'X is one of five start-ups selected for Y': the copula's subject joins Y (an
    accelerator or network: membership; a project: taking part)."""
    obj = m.nodes["obj"]
    pred = "participatesIn" if obj.ent_type_ == "Project" else m.pred
    return spread(m, partner_subject(m.nodes["noun"]), pred, obj)


HANDLERS: dict[str, DepHandler] = {
    "member-copula": _copula,
    "member-copula-conj": _copula,
    "member-join": _join,
    "member-include": _network_in_context,
    "member-including": _members_including,
    "admitted-to": two_ends,
    "selected-for": _selected_for,
    "cohort-members": _cohort,
    "member-among": _network_in_context,
}
INHERITING = frozenset({"member-join"})
RUNNING: frozenset[str] = frozenset()
