"""Per-Doc facts read as arrays, for rule components that must not loop over tokens.

Making a spaCy `Token` or `Span` object costs far more than reading the same
attribute from `Doc.to_array`, and a `Matcher` costs time for every token it
is given, matched or not. The helpers here answer "where could a pattern
possibly match" and "which tokens start sentences" from one array read per
Doc, so the components run their matchers and loops only where it matters.
"""

from __future__ import annotations

import numpy
from spacy.tokens import Doc


def sentence_starts(doc: Doc) -> numpy.ndarray:
    """Index of the first token of every sentence, ascending (always starts with 0).

    The same boundaries as `Token.sent`: a sentence starts at token 0 and at
    every token whose `is_sent_start` is True.
    """
    if not len(doc):
        return numpy.zeros(0, dtype="int64")
    flags = doc.to_array("SENT_START").astype("int64")
    flags[0] = 1
    return numpy.flatnonzero(flags == 1)


def entity_windows(doc: Doc, minimum: int = 2, after: int | None = 0) -> list[tuple[int, int]]:
    """(start, end) token ranges, one per sentence with at least `minimum` entity tokens.

    A range runs from the sentence's first entity token to `after` tokens past
    its last one, but not past the sentence (`after=None`: to the sentence's
    end). A token pattern that begins on an entity token, needs `minimum` of
    them, has at most `after` tokens after its last one and must not cross a
    sentence boundary can only match inside one of these ranges.
    """
    if not len(doc):
        return []
    ents = numpy.flatnonzero(doc.to_array("ENT_TYPE"))
    if len(ents) < minimum:
        return []
    starts = sentence_starts(doc)
    sent = numpy.searchsorted(starts, ents, side="right")  # sentence number + 1
    ends = numpy.append(starts[1:], len(doc))[sent - 1]
    # Runs of entity tokens that share a sentence: where the sentence number changes.
    cuts = numpy.flatnonzero(numpy.diff(sent)) + 1
    firsts = numpy.concatenate(([0], cuts)).astype("int64")
    lasts = numpy.concatenate((cuts, [len(ents)])).astype("int64") - 1
    keep = (lasts - firsts + 1) >= minimum
    firsts, lasts = firsts[keep], lasts[keep]
    stops = ends[lasts] if after is None else numpy.minimum(ends[lasts], ents[lasts] + 1 + after)
    return list(zip(ents[firsts].tolist(), stops.tolist(), strict=True))
