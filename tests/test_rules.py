"""Each relation rule lives in one place: its family module under kg/nlp/rules/.

The registry refuses a family whose handler table and patterns disagree, no other
module names a rule, and the one function that settles a claim's relation from its
ends' classes behaves as the annotation guide wants.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kg.config import Config
from kg.lexicon import load_lexicon
from kg.nlp.rules import (
    DEPENDENCY_FAMILIES,
    dependency_rules,
    settle_predicate,
    surface_rules,
)
from kg.nlp.rules import participation as participation_rules
from kg.nlp.rules.base import ALLOWED

PACKAGE = Path(__file__).resolve().parent.parent / "kg"
RULES_DIR = PACKAGE / "nlp" / "rules"


@pytest.fixture(scope="module")
def lex():  # -> kg.lexicon.Lexicon
    return load_lexicon(Config().lexicon_dir)


def test_every_rule_has_a_handler_and_a_known_relation(lex) -> None:
    rules = {**dependency_rules(lex), **surface_rules(lex)}
    assert len(rules) == len(dependency_rules(lex)) + len(surface_rules(lex))  # names unique
    for name, rule in rules.items():
        assert callable(rule.handler), name
        assert rule.pred in ALLOWED, name
        assert rule.patterns, name
    # every family contributes, in a fixed order
    families = [family.__name__.rsplit(".", 1)[-1] for family in DEPENDENCY_FAMILIES]
    assert families[-2:] == ["financing", "discourse"]


def test_a_pattern_without_its_handler_is_refused(lex, monkeypatch) -> None:
    handlers = dict(participation_rules.HANDLERS)
    handlers.pop("take-part")
    monkeypatch.setattr(participation_rules, "HANDLERS", handlers)
    with pytest.raises(ValueError, match="patterns and handlers differ"):
        dependency_rules(lex)


def test_no_other_module_names_a_rule(lex) -> None:
    """Rule names are data of the rules package; other stages read what a claim carries."""
    names = set(dependency_rules(lex)) | set(surface_rules(lex))
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if RULES_DIR in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if text in names or text.startswith(("dep:", "surface:")):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {text!r}")
    assert offenders == []


@pytest.mark.parametrize(
    ("pred", "role", "s_types", "o_types", "runs", "expected"),
    [
        # joining a project is taking part in it ...
        ("memberOf", None, {"Company"}, {"Project"}, False, ("participatesIn", None)),
        # ... but membership of a cluster or accelerator that is also typed a project stays
        # membership (CONVENTIONS.md: accelerators are clusters, projects also accepted)
        ("memberOf", None, {"Company"}, {"Cluster", "Project"}, False, ("memberOf", None)),
        # taking part in an accelerator or network is membership ...
        ("participatesIn", None, {"Company"}, {"Cluster"}, False, ("memberOf", None)),
        # ... unless the subject runs it
        ("participatesIn", None, {"Company"}, {"Cluster"}, True, ("participatesIn", None)),
        # a person's position in a project is taking part in it, without a role
        ("affiliatedWith", "speaker", {"Person"}, {"Project"}, False, ("participatesIn", None)),
        ("affiliatedWith", "head", {"Person"}, {"Project"}, True, ("affiliatedWith", "head")),
        # a position in an institute stays one
        ("affiliatedWith", "head", {"Person"}, {"Institution"}, False, ("affiliatedWith", "head")),
        ("participatesIn", None, {"Institution"}, {"Project"}, False, ("participatesIn", None)),
    ],
)
def test_settle_predicate(pred, role, s_types, o_types, runs, expected) -> None:
    assert settle_predicate(pred, role, s_types, o_types, runs) == expected
