"""What every relation rule shares: its pattern format, its match, what it may assert.

A rule is a pattern (data) plus a handler that turns one match into claims:
which tokens are the ends and which relation they stand in. The handlers of a
family of constructions sit in a `{rule: handler}` table next to its patterns
(`kg.nlp.rules.funding`, `...membership`, ...); `kg.nlp.rules` gathers them.
`kg.nlp.relations` runs the patterns, calls the handlers and checks each
claim's classes, negation and hedging; `settle_predicate` is the one place a
claim's relation is adjusted to the classes its ends finally have.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from spacy.tokens import Doc, Token

from kg.nlp.referents import expand

#: A DependencyMatcher pattern: the anchor node, then one dict per edge.
Pattern = list[dict[str, Any]]

#: Which classes each end of a relation may have; anything else is dropped.
ALLOWED = {
    "memberOf": ({"Company", "Institution", "Person", "Cluster", "Funder"}, {"Cluster"}),
    "partOf": (
        {"Cluster", "Institution", "Company", "Project", "Funder"},
        {"Cluster", "Institution", "Company", "Funder"},
    ),
    "fundedBy": (
        {"Project", "Cluster", "Company", "Institution"},
        {"Funder", "Institution", "Company", "Cluster"},
    ),
    "participatesIn": ({"Company", "Institution", "Person", "Cluster", "Funder"}, {"Project"}),
    "affiliatedWith": ({"Person"}, {"Company", "Institution", "Cluster", "Funder", "Project"}),
    "locatedIn": ({"Company", "Institution", "Cluster", "Project", "Funder"}, {"Place"}),
    "produces": ({"Company", "Institution"}, {"Product"}),
}


def dep(anchor: dict[str, Any], *edges: tuple[str, str, str, dict[str, Any]]) -> Pattern:
    """Compact DependencyMatcher pattern: anchor, then (left, op, right, attrs) edges."""
    pattern: Pattern = [{"RIGHT_ID": "anchor", "RIGHT_ATTRS": anchor}]
    for left, op, right, attrs in edges:
        pattern.append({"LEFT_ID": left, "REL_OP": op, "RIGHT_ID": right, "RIGHT_ATTRS": attrs})
    return pattern


@dataclass(frozen=True)
class RuleContext:
    """Lexicon word lists the handlers read, built once per pipeline."""

    roles: frozenset[str]
    role_tokens: frozenset[str]
    fund_verbs: frozenset[str]
    titles: frozenset[str] = frozenset()  # academic titles written before a name
    speech: frozenset[str] = frozenset()  # verbs that attribute a quote ('said', 'commented')
    units: frozenset[str] = frozenset()  # head nouns of a unit's name ('office', 'institute')


class Claim(NamedTuple):
    """One fact a rule states between two entity tokens, before its classes are checked.

    `anchor` is the word whose negation or hedging counts (None: neither is checked);
    `runs` says the subject runs the object, so taking part stays taking part;
    `names` says the subject's name followed by 'of the' and the object's is a name of
    the subject ('the Institute of the University Y'); `joint` says the object is a body
    its partners run together ('X is a joint partnership of A and B'), an undertaking of
    theirs even when it is an institution.
    """

    s: Token
    p: str
    o: Token
    rule: str
    conf: float
    role: str | None = None
    anchor: Token | None = None
    runs: bool = False
    names: bool = False
    joint: bool = False


@dataclass
class DepMatch:
    """One dependency-pattern match: its nodes and the ends the pattern itself names."""

    name: str
    pred: str
    pattern: Pattern
    nodes: dict[str, Token]
    ctx: RuleContext
    runs: bool = False
    subj: Token | None = field(init=False)
    obj: Token | None = field(init=False)

    def __post_init__(self) -> None:
        anchor = self.nodes["anchor"]
        self.subj = self.nodes.get("subj", anchor if anchor.ent_type_ else None)
        self.obj = self.nodes.get("obj")

    @property
    def anchor(self) -> Token:
        return self.nodes["anchor"]

    @property
    def doc(self) -> Doc:
        return self.anchor.doc

    @property
    def rule(self) -> str:
        return f"dep:{self.name}"

    def claim(
        self,
        s: Token,
        p: str,
        o: Token,
        conf: float = 0.75,
        role: str | None = None,
        anchor: Token | None = None,
        rule: str | None = None,
    ) -> Claim:
        return Claim(s, p, o, rule or self.rule, conf, role, anchor, self.runs)


@dataclass(frozen=True)
class SurfaceMatch:
    """One surface-pattern match: its entity tokens in order and the ends' positions."""

    name: str
    pred: str
    s_idx: int
    o_idx: int
    toks: list[Token]
    ctx: RuleContext

    @property
    def rule(self) -> str:
        return f"surface:{self.name}"


DepHandler = Callable[[DepMatch], Iterable[Claim]]
SurfaceHandler = Callable[[SurfaceMatch], Iterable[Claim]]


@dataclass(frozen=True)
class DepRule:
    """A dependency rule: its relation, its patterns and the handler that finds its ends."""

    name: str
    pred: str
    patterns: list[Pattern]
    handler: DepHandler
    inherit: bool = False  # also match a verb whose subject sits on the verb it complements
    runs: bool = False  # the subject runs the object (see `Claim`)


@dataclass(frozen=True)
class SurfaceRule:
    """A surface rule: relation, which entity tokens are its ends, patterns, handler."""

    name: str
    pred: str
    s_idx: int
    o_idx: int
    patterns: list[Pattern]
    handler: SurfaceHandler


def spread(
    m: DepMatch,
    subj: Token | None,
    pred: str,
    obj: Token | None,
    role: str | None = None,
    rule: str | None = None,
    subjects: list[Token] | None = None,
    objects: list[Token] | None = None,
) -> list[Claim]:
    """The claims of a match whose ends are `subj` and `obj`, each standing for its list.

    'A, B and C are members of X' gives three; 'a member of X as well as of Y' and
    'carried out at A and at B' add the conjoined objects of the pattern's preposition.
    `subjects` and `objects` replace the lists `subj` and `obj` stand for, where a
    handler knows better.
    """
    if subj is None or obj is None:
        return []
    out: list[Claim] = []
    anchor = m.anchor
    starts = subjects if subjects is not None else expand(subj)
    finals = objects if objects is not None else expand(obj)
    for prep_name in ("of", "at", "in", "to", "from"):
        prep = m.nodes.get(prep_name)
        if prep is None:
            continue
        end = pattern_end(m.pattern, prep_name)
        for conj in prep.conjuncts:
            for extra in (c for c in conj.children if c.dep_ == "pobj"):
                firsts = expand(extra) if end == "subj" else starts
                ends = expand(extra) if end == "obj" else finals
                for s in firsts:
                    for o in ends:
                        out.append(m.claim(s, pred, o, role=role, anchor=anchor, rule=rule))
    for s in starts:
        for o in finals:
            out.append(m.claim(s, pred, o, role=role, anchor=anchor, rule=rule))
    return out


def unit_after(org: Token, units: frozenset[str]) -> Token | None:
    """The unit named right after its parent ('the City of Y Office for Z'), if any: a
    person 'from' that phrase works in the unit, and in the parent only through it."""
    doc = org.doc
    nxt = doc[org.i + 1] if org.i + 1 < len(doc) else None
    if (
        nxt is not None
        and nxt.ent_type_ in {"Institution", "Cluster"}
        and set(nxt.lower_.split()) & units
    ):
        return nxt
    return None


def two_ends(m: DepMatch) -> list[Claim]:
    """The default handler: the pattern's 'subj' and 'obj' nodes are the ends."""
    return spread(m, m.subj, m.pred, m.obj)


def pattern_end(pattern: Pattern, prep: str) -> str | None:
    """Which end ('subj' or 'obj') of a dependency pattern hangs off the node `prep`."""
    for node in pattern[1:]:
        if node.get("LEFT_ID") == prep and node["RIGHT_ID"] in {"subj", "obj"}:
            return str(node["RIGHT_ID"])
    return None


def settle_predicate(
    pred: str, role: str | None, s_types: Iterable[str], o_types: Iterable[str], runs: bool
) -> tuple[str, str | None]:
    """The relation (and role) a claim states once its ends' classes are known.

    Joining a project is taking part in it (joining a cluster that is also typed a project
    stays membership: an accelerator is a cluster first); taking part in a
    cluster or accelerator (not a project) is membership, unless the subject runs it;
    a person's position in a project ('Spokesperson of the research unit is Y') is
    taking part in it, without a role.
    """
    s_cls, o_cls = set(s_types), set(o_types)
    if pred == "memberOf" and "Project" in o_cls and "Cluster" not in o_cls:
        return "participatesIn", role
    if runs:
        return pred, role
    if pred == "participatesIn" and "Cluster" in o_cls and "Project" not in o_cls:
        return "memberOf", role
    if pred == "affiliatedWith" and "Person" in s_cls and o_cls == {"Project"}:
        return "participatesIn", None
    return pred, role
