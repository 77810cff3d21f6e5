"""The attribute table gives exactly the annotations of spaCy's attribute_ruler."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from kg.config import DEFAULT_MODELS
from kg.ingest import read_inputs
from kg.nlp.attribute_table import table_for

REPO = Path(__file__).resolve().parent.parent
_ATTRS = ("tag_", "pos_", "morph", "lemma_", "dep_")


def _annotations(doc) -> list[tuple[str, ...]]:
    return [tuple(str(getattr(t, a)) for a in _ATTRS) for t in doc]


def _ruled(patterns: list[dict]) -> tuple[spacy.Language, spacy.Language]:
    """A blank pipeline with an attribute_ruler, and the same with the table instead."""
    pipelines = []
    for swap in (False, True):
        nlp = spacy.blank("en")
        nlp.add_pipe("attribute_ruler").add_patterns(patterns)
        if swap:
            nlp.add_pipe("kg_attribute_table", before="attribute_ruler")
            nlp.remove_pipe("attribute_ruler")
        pipelines.append(nlp)
    return pipelines[0], pipelines[1]


def test_every_condition_kind_and_rule_order(blank_nlp) -> None:
    patterns = [
        {"patterns": [[{"LOWER": "the"}]], "attrs": {"POS": "DET", "MORPH": "Definite=Def"}},
        {"patterns": [[{"ORTH": {"IN": ["Leipzig", "Halle"]}}]], "attrs": {"POS": "PROPN"}},
        # a later rule wins over an earlier one on the same token and attribute
        {"patterns": [[{"LOWER": {"REGEX": "^hal"}}]], "attrs": {"POS": "NOUN", "LEMMA": "hall"}},
        {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE"}},
        {
            "patterns": [[{"LOWER": {"NOT_IN": ["the", "in", " ", "\n"]}, "IS_SPACE": False}]],
            "attrs": {"TAG": "X"},
        },
        # conditions are tested before anything is assigned: TAG here is the tagger's (none)
        {"patterns": [[{"TAG": "X"}]], "attrs": {"LEMMA": "never"}},
        {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "go"}, "index": 0},
        {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": -1},
        # an operator leaves the pattern to a Matcher
        {"patterns": [[{"LOWER": "got"}, {"LOWER": "ta", "OP": "?"}]], "attrs": {"LEMMA": "get"}},
    ]
    stock, table = _ruled(patterns)
    assert "kg_attribute_table" in table.pipe_names
    texts = ["The hall in Halle, gon na see  Leipzig.\n", "", "the", "Gon na gon na", "got ta"]
    # a sequence does not run from one Doc of a batch into the next
    texts += ["We are gon", "na see", "gon", "na"]
    for got, expected in zip(table.pipe(texts, batch_size=4), stock.pipe(texts), strict=True):
        assert _annotations(got) == _annotations(expected)
    assert [t.lemma_ for t in table("gon na")] == ["go", "to"]


def test_a_ruler_with_conditions_it_cannot_evaluate_is_kept() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("attribute_ruler").add_patterns(
        [{"patterns": [[{"SHAPE": "Xxxx"}]], "attrs": {"POS": "PROPN"}}]
    )
    assert table_for(nlp) is None
    with pytest.raises(ValueError, match="attribute_ruler"):
        nlp.add_pipe("kg_attribute_table")


@pytest.mark.model
def test_same_annotations_as_the_model_ruler_on_the_corpus() -> None:
    articles, _ = read_inputs([REPO / "data" / "articles", REPO / "data" / "dev"])
    texts = [a.text for a in articles]
    name = next(m for m in DEFAULT_MODELS if spacy.util.is_package(m))
    stock = spacy.load(name, exclude=["senter"])
    table = spacy.load(name, exclude=["senter"])
    table.add_pipe("kg_attribute_table", before="attribute_ruler")
    table.remove_pipe("attribute_ruler")
    tokens = 0
    for got, expected in zip(table.pipe(texts), stock.pipe(texts), strict=True):
        assert _annotations(got) == _annotations(expected)
        tokens += len(got)
    assert tokens > 5000
