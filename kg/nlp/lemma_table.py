"""spaCy's rule lemmatizer, asked once per distinct (word, part of speech, morphology).

The English pipelines' lemmatizer runs in Python on every token: it makes a
Token, reads its part of speech, parses its morphology into a dict
(`is_base_form`) and walks the suffix rules. Its own cache stores only the
answers of the last branch, so every singular noun, infinitive or positive
adjective (most words of a news text) is worked out again on each occurrence;
on our articles that costs more per token than the attribute rules did.

What the rule and lookup modes answer depends on the word, its part of
speech and its morphology and on nothing else, so this component reads those
three columns with `Doc.to_array`, asks the pipeline's own lemmatizer only for
a combination it has not seen before, and writes the lemmas back with
`Doc.from_array`. Tokens that already carry a lemma (set by the attribute
rules) keep it unless the lemmatizer overwrites, as there. The lemmas are the
lemmatizer's, token for token (`tests/test_lemma_table.py` compares them on
the gold and synthetic corpora). `kg.nlp.pipeline.load_pipeline` swaps it in
only for a lemmatizer of spaCy's own classes in one of those two modes.
"""

from __future__ import annotations

from typing import Any

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

#: Modes whose answer is a function of (ORTH, POS, MORPH) alone.
_PURE_MODES = {"rule", "lookup"}
_COLUMNS = [ORTH, POS, MORPH, LEMMA]


def lemmatizer_for(nlp: Language) -> Any | None:
    """The pipeline's lemmatizer if a table can stand in for it, else None."""
    if "lemmatizer" not in nlp.pipe_names:
        return None
    lemmatizer = nlp.get_pipe("lemmatizer")
    # spaCy's Lemmatizer and its language subclasses (EnglishLemmatizer) only; a
    # lemmatizer of another kind may read anything.
    if not isinstance(lemmatizer, Lemmatizer) or not type(lemmatizer).__module__.startswith(
        "spacy."
    ):
        return None
    if lemmatizer.mode not in _PURE_MODES:
        return None
    return lemmatizer


class LemmaTable:
    """The lemmas of one spaCy lemmatizer, memoised per (ORTH, POS, MORPH)."""

    def __init__(self, lemmatizer: Any) -> None:
        self.lemmatizer = lemmatizer
        self.overwrite = bool(lemmatizer.overwrite)
        #: (orth, pos, morph) -> lemma string; strings, not hashes, so a memory zone
        #: that forgets a lemma's hash leaves this cache intact.
        self.cache: dict[tuple[int, ...], str] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        columns = doc.to_array(_COLUMNS)
        lemmas = columns[:, 3].copy()
        todo = range(len(doc)) if self.overwrite else numpy.flatnonzero(lemmas == 0).tolist()
        strings = doc.vocab.strings
        cache = self.cache
        keys = columns[:, :3].tolist()
        for i in todo:
            key = tuple(keys[i])
            lemma = cache.get(key)
            if lemma is None:
                lemma = cache[key] = self.lemmatizer.lemmatize(doc[i])[0]
            lemmas[i] = strings.add(lemma)
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


@Language.factory("kg_lemma_table", default_config={})
def make_lemma_table(nlp: Language, name: str) -> LemmaTable:
    """Made from the pipeline's lemmatizer, which must already be in the pipeline."""
    lemmatizer = lemmatizer_for(nlp)
    if lemmatizer is None:
        raise ValueError("kg_lemma_table needs a spaCy lemmatizer in rule or lookup mode")
    return LemmaTable(lemmatizer)
