"""The anchored dependency matcher finds exactly what spaCy's DependencyMatcher finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.matcher import DependencyMatcher

from kg.config import Config
from kg.dep_patterns import dep_patterns
from kg.depmatch import AnchoredDependencyMatcher
from kg.ingest import read_inputs
from kg.lexicon import load_lexicon

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.model
def test_same_matches_as_spacy_on_the_corpus(nlp) -> None:
    articles, _ = read_inputs([REPO / "data" / "articles", REPO / "data" / "dev"])
    ours = AnchoredDependencyMatcher(nlp.vocab)
    theirs = DependencyMatcher(nlp.vocab)
    for name, (_pred, patterns) in dep_patterns(load_lexicon(Config().lexicon_dir)).items():
        for i, pattern in enumerate(patterns):
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
