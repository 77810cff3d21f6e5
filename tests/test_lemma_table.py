"""The lemma table gives exactly the lemmas of spaCy's lemmatizer."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import Lemmatizer

from kg.config import DEFAULT_MODELS
from kg.ingest import read_inputs
from kg.nlp.lemma_table import lemmatizer_for

REPO = Path(__file__).resolve().parent.parent
_ATTRS = ("tag_", "pos_", "morph", "lemma_", "dep_", "ent_type_")


def _annotations(doc) -> list[tuple[str, ...]]:
    return [tuple(str(getattr(t, a)) for a in _ATTRS) for t in doc]


class _OwnLemmatizer(Lemmatizer):
    """A lemmatizer of our own making: it may read anything, so no table stands in."""


@Language.factory("test_own_lemmatizer")
def _own_lemmatizer(nlp: Language, name: str) -> _OwnLemmatizer:
    return _OwnLemmatizer(nlp.vocab, None, name, mode="lookup")


def test_a_lemmatizer_of_another_kind_or_mode_is_kept() -> None:
    nlp = spacy.blank("en")
    assert lemmatizer_for(nlp) is None
    with pytest.raises(ValueError, match="lemmatizer"):
        nlp.add_pipe("kg_lemma_table")
    nlp.add_pipe("test_own_lemmatizer", name="lemmatizer")
    assert lemmatizer_for(nlp) is None
    italian = spacy.blank("it")  # its part-of-speech lookup reads more than the table keys
    italian.add_pipe("lemmatizer", config={"mode": "pos_lookup"})
    assert lemmatizer_for(italian) is None


@pytest.mark.model
def test_same_lemmas_as_the_model_lemmatizer_on_the_corpus() -> None:
    articles, _ = read_inputs([REPO / "data" / "articles", REPO / "data" / "dev"])
    # Every text twice: the second pass answers from the table's memory.
    texts = [a.text for a in articles] * 2 + ["", "The institutes' directors were meeting."]
    name = next(m for m in DEFAULT_MODELS if spacy.util.is_package(m))
    stock = spacy.load(name, exclude=["senter"])
    table = spacy.load(name, exclude=["senter"])
    assert lemmatizer_for(table) is not None
    table.add_pipe("kg_lemma_table", before="lemmatizer")
    table.remove_pipe("lemmatizer")
    tokens = 0
    for got, expected in zip(table.pipe(texts), stock.pipe(texts), strict=True):
        assert _annotations(got) == _annotations(expected)
        tokens += len(got)
    assert tokens > 1000


@pytest.mark.model
def test_attribute_rule_lemmas_are_kept_unless_the_lemmatizer_overwrites() -> None:
    name = next(m for m in DEFAULT_MODELS if spacy.util.is_package(m))
    for overwrite in (False, True):
        pipelines = []
        for swap in (False, True):
            nlp = spacy.load(
                name,
                exclude=["senter"],
                config={"components": {"lemmatizer": {"overwrite": overwrite}}},
            )
            nlp.get_pipe("attribute_ruler").add([[{"LOWER": "institutes"}]], {"LEMMA": "ruled"})
            if swap:
                nlp.add_pipe("kg_lemma_table", before="lemmatizer")
                nlp.remove_pipe("lemmatizer")
            pipelines.append(nlp)
        text = "Two institutes opened."
        stock, table = (nlp(text) for nlp in pipelines)
        assert [t.lemma_ for t in table] == [t.lemma_ for t in stock]
        assert (table[1].lemma_ == "ruled") is not overwrite
