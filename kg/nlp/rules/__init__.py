"""Relation rules, one module per family of constructions, gathered in one table.

Each family module holds its patterns (data: `patterns(lex)`) and next to them a
`{rule: handler}` table (`HANDLERS`) saying how a match's ends are found and what
it claims; `INHERITING` names the verb rules that also match a verb whose subject
sits on the verb it complements, `RUNNING` those whose subject runs what it takes
part in. A rule's name appears nowhere else: the claims carry what later stages
need (`kg.nlp.rules.base.Claim`).

The order of the families is the order in which matches on one token are tried,
and so which rule is credited when two state the same fact.
"""

from __future__ import annotations

from types import ModuleType

from kg.lexicon import Lexicon
from kg.nlp.rules import (
    affiliation,
    discourse,
    financing,
    funding,
    joint,
    location,
    membership,
    panels,
    participation,
    production,
    structure,
    surface,
)
from kg.nlp.rules.base import (
    ALLOWED,
    Claim,
    DepMatch,
    DepRule,
    RuleContext,
    SurfaceMatch,
    SurfaceRule,
    settle_predicate,
)

__all__ = [
    "ALLOWED",
    "DEPENDENCY_FAMILIES",
    "SURFACE_FAMILIES",
    "Claim",
    "DepMatch",
    "DepRule",
    "RuleContext",
    "SurfaceMatch",
    "SurfaceRule",
    "dependency_rules",
    "settle_predicate",
    "surface_rules",
]

#: Families of dependency rules, in the order their matches on one token are tried.
DEPENDENCY_FAMILIES: tuple[ModuleType, ...] = (
    funding,
    membership,
    participation,
    joint,
    structure,
    affiliation,
    location,
    production,
    financing,
    discourse,
)


#: Families of surface rules (token patterns over entity tokens).
SURFACE_FAMILIES: tuple[ModuleType, ...] = (surface, panels)


def dependency_rules(lex: Lexicon) -> dict[str, DepRule]:
    """Every dependency rule by name; a family's handler table must cover its patterns."""
    rules: dict[str, DepRule] = {}
    for family in DEPENDENCY_FAMILIES:
        table = family.patterns(lex)
        handlers = family.HANDLERS
        if set(handlers) != set(table):
            raise ValueError(f"{family.__name__}: patterns and handlers differ")
        for name, (pred, patterns) in table.items():
            if name in rules:
                raise ValueError(f"relation rule {name} defined twice")
            rules[name] = DepRule(
                name,
                pred,
                patterns,
                handlers[name],
                inherit=name in family.INHERITING,
                runs=name in family.RUNNING,
            )
    return rules


def surface_rules(lex: Lexicon) -> dict[str, SurfaceRule]:
    """Every surface rule by name, with its handler."""
    rules: dict[str, SurfaceRule] = {}
    for family in SURFACE_FAMILIES:
        table = family.patterns(lex)
        if set(family.HANDLERS) != set(table):
            raise ValueError(f"{family.__name__}: patterns and handlers differ")
        for name, (pred, s_idx, o_idx, patterns) in table.items():
            if name in rules:
                raise ValueError(f"relation rule {name} defined twice")
            rules[name] = SurfaceRule(name, pred, s_idx, o_idx, patterns, family.HANDLERS[name])
    return rules
