"""The anchored dependency matcher finds exactly what spaCy's DependencyMatcher finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.matcher import DependencyMatcher

from kg.config import Config
from kg.ingest import read_inputs
from kg.lexicon import load_lexicon
from kg.nlp.depmatch import AnchoredDependencyMatcher
from kg.nlp.rules import dependency_rules

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.model
def test_same_matches_as_spacy_on_the_corpus(nlp) -> None:
    articles, _ = read_inputs([REPO / "data" / "articles", REPO / "data" / "dev"])
    ours = AnchoredDependencyMatcher(nlp.vocab)
    theirs = DependencyMatcher(nlp.vocab)
    for name, rule in dependency_rules(load_lexicon(Config().lexicon_dir)).items():
        for i, pattern in enumerate(rule.patterns):
            ours.add(f"{name}#{i}", pattern)
            theirs.add(f"{name}#{i}", [pattern])
    total = 0
    for doc in nlp.pipe(a.text for a in articles):
        expected = sorted((m, tuple(ids)) for m, ids in theirs(doc))
        got = sorted((m, tuple(ids)) for m, ids in ours(doc))
        assert got == expected
        total += len(got)
    assert total > 100  # the corpus exercises the patterns, so equality means something


def test_unsupported_operator_or_attribute_is_refused(blank_nlp) -> None:
    matcher = AnchoredDependencyMatcher(blank_nlp.vocab)
    with pytest.raises(ValueError, match="operator"):
        matcher.add(
            "x",
            [
                {"RIGHT_ID": "a", "RIGHT_ATTRS": {"LOWER": "a"}},
                {"LEFT_ID": "a", "REL_OP": ";", "RIGHT_ID": "b", "RIGHT_ATTRS": {"LOWER": "b"}},
            ],
        )
    with pytest.raises(ValueError, match="attribute"):
        matcher.add("y", [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"SHAPE": "Xxxx"}}])


def test_member_is_isin_for_sorted_values() -> None:
    import numpy

    from kg.nlp.depmatch import _member

    rng = numpy.random.default_rng(7)
    for size in (0, 1, 5, 40):
        values = numpy.unique(rng.integers(0, 60, size)).astype("uint64")
        column = rng.integers(0, 70, 300).astype("uint64")
        assert _member(column, values).tolist() == numpy.isin(column, values).tolist()
    big = numpy.array([2**64 - 1], dtype="uint64")  # hashes use the whole range
    assert _member(numpy.array([2**64 - 1, 3], dtype="uint64"), big).tolist() == [True, False]


def test_anchor_conditions_beyond_the_filed_one_still_hold(blank_nlp) -> None:
    matcher = AnchoredDependencyMatcher(blank_nlp.vocab)
    matcher.add(
        "ab", [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"LOWER": {"IN": ["a", "b"], "NOT_IN": ["b"]}}}]
    )
    matcher.add("c", [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"LOWER": "c", "ORTH": "C"}}])
    doc = blank_nlp("a b B c C")
    strings = blank_nlp.vocab.strings
    assert [(strings[m], ids) for m, ids in matcher(doc)] == [("ab", [0]), ("c", [4])]


def test_token_matches_semantics(blank_nlp) -> None:
    from kg.nlp.depmatch import token_matches

    tok = blank_nlp("Fund")[0]
    assert token_matches(tok, {"LOWER": "fund", "ORTH": {"IN": ["Fund", "x"]}})
    assert not token_matches(tok, {"LOWER": {"NOT_IN": ["fund"]}})
    assert not token_matches(tok, {"LOWER": {"IN": ["fund"], "NOT_IN": ["fund"]}})
    assert not token_matches(tok, {"IS_LOWER": True})
    assert token_matches(tok, {})
