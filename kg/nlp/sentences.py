"""Sentence boundaries for news pages, as a spaCy component (`kg_sentences`).

Paragraph breaks end sentences; abbreviations, academic titles and legal forms
never do. The rules run as array operations over cached word shapes, because
they run on every token of every article.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

#: Abbreviations after which a capitalised word does not start a sentence; the
#: lexicon's academic titles ('Dipl.-Ing.') are added when the pipeline is loaded.
NO_BREAK_AFTER = frozenset(
    {
        "e.",
        "dr.",
        "prof.",
        "dipl.",
        "med.",
        "h.",
        "c.",
        "st.",
        "co.",
        "nr.",
        "no.",
        "inc.",
        "ltd.",
        "mr.",
        "mrs.",
        "ms.",
        "rer.",
        "nat.",
        "jun.",
        "sen.",
    }
)

# Word shapes the sentence rules test, one bit each (see SentenceMarks).
_NEWLINE, _V, _E, _CAPITAL, _NO_BREAK, _SHORT_DOT, _CAP_DOT = (1 << i for i in range(7))


class SentenceMarks:
    """Paragraph breaks end sentences; abbreviations and legal forms never do.

    The parser otherwise glues a title to the first sentence, or a signature
    line to a quote, and splits 'Elbtal Netzwerk e. V.' or 'Prof. Dr. X' in two.
    Runs before the parser, which keeps the boundaries it is given.

    Every rule looks at a word and its predecessor only, so each distinct word's
    shape is worked out once (`_shape`, cached by its hash) and the rules run as
    array operations over the Doc; only the few tokens they mark are touched.
    """

    #: Distinct words whose shape is remembered; the cache starts over beyond this.
    CACHE_WORDS = 200_000

    def __init__(self, no_break_after: Iterable[str]) -> None:
        self.no_break = frozenset(w.lower() for w in no_break_after)
        self._shapes: dict[int, int] = {}

    def _shape(self, text: str) -> int:
        lower = text.lower()
        bits = 0
        if text.isspace() and "\n" in text:
            bits |= _NEWLINE
        if lower == "v.":
            bits |= _V
        if lower == "e.":
            bits |= _E
        if text.istitle() or text.isupper():
            bits |= _CAPITAL
        if lower in self.no_break:
            bits |= _NO_BREAK
        if text.endswith("."):
            if len(text) <= 5:
                bits |= _SHORT_DOT
            if text[:1].isupper():
                bits |= _CAP_DOT
        return bits

    def __call__(self, doc: Doc) -> Doc:
        import numpy
        from spacy.attrs import ORTH

        if len(doc) < 2:
            return doc
        shapes = self._shapes
        if len(shapes) > self.CACHE_WORDS:
            shapes.clear()
        strings = doc.vocab.strings
        bits = []
        for key in doc.to_array(ORTH).tolist():
            shape = shapes.get(key)
            if shape is None:
                shape = shapes[key] = self._shape(strings[key])
            bits.append(shape)
        word = numpy.array(bits, dtype=numpy.int64)
        prev, cur = word[:-1], word[1:]
        before_prev = numpy.concatenate(([0], word[:-2]))  # the word two back, none for doc[1]
        # '... Network e. V. CEO X sees': after 'e. V.' a capitalised word starts anew.
        starts = ((prev & _NEWLINE) != 0) | (
            ((prev & _V) != 0) & ((before_prev & _E) != 0) & ((cur & _CAPITAL) != 0)
        )
        joins = ~starts & (
            ((prev & _NO_BREAK) != 0) | (((prev & _SHORT_DOT) != 0) & ((cur & _CAP_DOT) != 0))
        )
        for i in numpy.flatnonzero(starts).tolist():
            doc[i + 1].is_sent_start = True
        for i in numpy.flatnonzero(joins).tolist():
            doc[i + 1].is_sent_start = False
        return doc


@Language.factory("kg_sentences", default_config={"no_break_after": sorted(NO_BREAK_AFTER)})
def make_sentence_marks(nlp: Language, name: str, no_break_after: list[str]) -> SentenceMarks:
    return SentenceMarks(no_break_after)
