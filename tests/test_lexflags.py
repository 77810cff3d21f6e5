"""Patterns whose word lists are read from lexeme flags match exactly what they matched before."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from spacy.matcher import Matcher

from kg.config import Config
from kg.ingest import read_inputs
from kg.lexicon import load_lexicon
from kg.nlp.lexflags import LexemeFlags, merge_alternatives
from kg.nlp.rules.surface import patterns as surface_patterns

REPO = Path(__file__).resolve().parent.parent


def test_rewritten_conditions_match_the_same_tokens(blank_nlp) -> None:
    flags = LexemeFlags(blank_nlp.vocab)
    pattern = [
        {"LOWER": {"IN": ["the", "this"]}},
        {"TEXT": {"REGEX": r"^[A-ZÄÖÜ]"}, "OP": "+"},
        {"ORTH": {"NOT_IN": [",", "."]}, "IS_PUNCT": False, "OP": "?"},
    ]
    rewritten = flags.rewrite(pattern)
    assert all(k.startswith("FLAG") or k in {"OP", "IS_PUNCT"} for t in rewritten for k in t)
    ours, theirs = Matcher(blank_nlp.vocab, validate=False), Matcher(blank_nlp.vocab)
    ours.add("X", [rewritten], greedy="LONGEST")
    theirs.add("X", [pattern], greedy="LONGEST")
    texts = ["See THE Big Apple today, then this Ökohaus.", "the the The Zeta Yotta, this"]
    for text in texts:
        with blank_nlp.memory_zone():  # words first seen here get their flags too
            doc = blank_nlp(text)
            assert sorted(ours(doc)) == sorted(theirs(doc)) != []


def test_equal_conditions_share_a_flag_and_other_keys_are_kept(blank_nlp) -> None:
    flags = LexemeFlags(blank_nlp.vocab)
    a = flags.rewrite([{"LOWER": {"IN": ["x", "y"]}}])
    b = flags.rewrite([{"LOWER": {"NOT_IN": ["y", "x"]}}, {"POS": {"IN": ["NOUN"]}}])
    assert a[0] == {next(iter(a[0])): True}
    assert b[0] == {next(iter(a[0])): False}  # the same flag, negated
    assert b[1] == {"POS": {"IN": ["NOUN"]}}  # context, not a word property: unchanged
    pickle.dumps(flags._flags)  # the getters live in the vocab, which spaCy may pickle


def test_invalid_patterns_are_still_refused(blank_nlp) -> None:
    with pytest.raises(ValueError, match="invalid token pattern"):
        LexemeFlags(blank_nlp.vocab).rewrite([{"LOWER": {"IN": "not a list"}, "NOPE": 1}])


@pytest.mark.model
def test_surface_patterns_match_as_before_on_the_corpus(nlp) -> None:
    """The relation component's surface patterns, flagged and not, on processed seed/dev pages."""
    articles, _ = read_inputs([REPO / "data" / "articles", REPO / "data" / "dev"])
    flags = LexemeFlags(nlp.vocab)
    ours, theirs = Matcher(nlp.vocab, validate=False), Matcher(nlp.vocab)
    for name, (_pred, _s, _o, patterns) in surface_patterns(
        load_lexicon(Config().lexicon_dir)
    ).items():
        ours.add(name, [flags.rewrite(p) for p in patterns])
        theirs.add(name, patterns)
    total = 0
    for doc in nlp.pipe(a.text for a in articles):
        expected = sorted(theirs(doc))
        assert sorted(ours(doc)) == expected
        total += len(expected)
    assert total > 20  # the corpus exercises the patterns, so equality means something


def test_patterns_that_differ_in_one_word_become_one(blank_nlp) -> None:
    patterns = [
        [{"LOWER": "collaborative"}, {"LOWER": "research"}, {"LOWER": "centre"}],
        [{"LOWER": "collaborative"}, {"LOWER": "research"}, {"LOWER": "center"}],
        [{"LOWER": "joint", "IS_LOWER": True}, {"LOWER": "project"}],
        [{"LOWER": "research", "IS_LOWER": True}, {"LOWER": "project"}],
        [{"LOWER": {"IN": ["pilot", "joint"]}, "IS_LOWER": True}, {"LOWER": "project"}],
        [{"LOWER": "clinical"}, {"LOWER": "study"}],
        # an operator, another condition or two different words: kept apart
        [{"LOWER": "clinical", "OP": "?"}, {"LOWER": "trial"}],
        [{"LOWER": "pilot", "OP": "?"}, {"LOWER": "trial"}],
        [{"LOWER": "clinical", "IS_TITLE": True}, {"LOWER": "study"}],
        [{"LOWER": "pilot"}, {"LOWER": "phase"}],
    ]
    merged = merge_alternatives(patterns)
    assert len(merged) == 7
    assert merged[1] == [
        {"LOWER": {"IN": ["joint", "pilot", "research"]}, "IS_LOWER": True},
        {"LOWER": "project"},
    ]
    ours, theirs = Matcher(blank_nlp.vocab), Matcher(blank_nlp.vocab)
    ours.add("X", merged, greedy="LONGEST")
    theirs.add("X", patterns, greedy="LONGEST")
    texts = [
        "A collaborative research center and a Joint project, a pilot project.",
        "clinical study, clinical trial, pilot trial and the pilot phase; research project",
    ]
    for doc in blank_nlp.pipe(texts):
        assert ours(doc) == theirs(doc) != []


@pytest.mark.model
def test_entity_patterns_find_the_same_matches_merged_and_apart(nlp, monkeypatch) -> None:
    """The entity Matcher, built with and without `merge_alternatives`, on processed pages:
    the same matches in the same order, key by key."""
    from kg.nlp import entities
    from kg.nlp.pipeline import split_pipeline

    merged = nlp.get_pipe("kg_entities").matcher
    monkeypatch.setattr(entities, "merge_alternatives", lambda patterns: patterns)
    apart = entities.EntityCues(nlp, load_lexicon(Config().lexicon_dir)).matcher
    assert len(apart) == len(merged)  # one entry per key
    articles, _ = read_inputs([REPO / "data" / "articles", REPO / "data" / "dev"])
    model, _rules = split_pipeline(nlp)
    total = 0
    for article in articles:
        doc = nlp.make_doc(article.text)
        for _name, proc in model:
            doc = proc(doc)
        expected = apart(doc)
        assert merged(doc) == expected
        total += len(expected)
    assert total > 100
