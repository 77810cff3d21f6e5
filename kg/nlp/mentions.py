"""Later mentions of a name found earlier in the same article.

A name is typed once, where its cues are ("Medi-Log GmbH", "Prof. Dr. Anna
Berg", "Long Name (ACR)"); afterwards the article says "Medi-Log", "Berg" or
"ACR". These helpers find such mentions so they carry the classes of the name
they stand for. They are plain functions over spans and strings, called by
`kg_entities` once per Doc, so they must stay cheap: nothing here compiles a
pattern per document.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

from spacy.tokens import Doc, Span

#: What may stand in brackets after a name as its acronym: two capitals at least, or a
#: capital inside a word ('iDiv', 'sDiv': a lower-case letter, then the acronym proper).
PAREN_ALIAS = re.compile(r"^(?=.*[A-Z].*[A-Z]|[a-z]{1,3}[A-Z])[A-Za-z0-9&.+\-]{2,15}$")


def _wordish(char: str) -> bool:
    """A character `re`'s `\\w` matches: letters and digits of any script, and '_'."""
    return char.isalnum() or char == "_"


def find_whole_words(text: str, forms: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, form) of each whole-word occurrence of any form, without overlaps.

    An occurrence is whole when no letter, digit, '_' or '.' comes right before
    it ('Dr.Berg' is not 'Berg') and no letter, digit or '_' right after it.
    Scanning runs left to right; where several forms start at one place the
    longest wins, and the scan goes on after it. That is what one regular
    expression alternating the forms longest first would find, but a document's
    forms are its own, and compiling such a pattern per Doc cost a third of
    the entity component.
    """
    hits: list[tuple[int, int, str]] = []
    size = len(text)
    for form in set(forms):
        if not form:
            continue
        start = text.find(form)
        while start != -1:
            end = start + len(form)
            before = text[start - 1] if start else ""
            if not (before and (_wordish(before) or before == ".")) and not (
                end < size and _wordish(text[end])
            ):
                hits.append((start, -end, form))
            start = text.find(form, start + 1)
    hits.sort()
    out: list[tuple[int, int, str]] = []
    reached = 0
    for start, neg_end, form in hits:
        if start >= reached:
            out.append((start, -neg_end, form))
            reached = -neg_end
    return out


def acronym_spans(
    spans: list[Span],
    classes: dict[tuple[int, int], tuple[str, ...]],
    weak: set[tuple[int, int]] | None = None,
) -> list[Span]:
    """'Long Name (ACR)': the acronym is a mention of the same entity, of its classes.

    The long name's classes win over a weak guess for the acronym alone (the model's
    ORG default for an unknown string of capitals)."""
    out = []
    for span in spans:
        doc, end = span.doc, span.end
        close = next(
            (i for i in range(end + 2, min(end + 4, len(doc))) if doc[i].text == ")"), None
        )
        if (
            close is not None
            and doc[end].text == "("
            and PAREN_ALIAS.match(doc[end + 1].text)
            and all(t.is_title or t.is_upper for t in doc[end + 2 : close])
        ):
            acr = Span(doc, end + 1, close, label="ACRONYM")
            key = (acr.start_char, acr.end_char)
            long_classes = classes[(span.start_char, span.end_char)]
            if weak is not None and key in weak:
                weak.discard(key)
                classes[key] = long_classes
            else:
                classes.setdefault(key, long_classes)
            out.append(acr)
    return out


def acronym_pairs(doc: Doc) -> list[tuple[int, int, int, int]]:
    """Character offsets of (long name, acronym) entity pairs written 'Long Name (ACR)'."""
    pairs = []
    ents = list(doc.ents)
    for i, ent in enumerate(ents[:-1]):
        nxt = ents[i + 1]
        if (
            nxt.start == ent.end + 1
            and doc[ent.end].text == "("
            and nxt.end < len(doc)
            and doc[nxt.end].text == ")"
            and len(nxt) <= 3
            and PAREN_ALIAS.match(nxt[0].text)
        ):
            pairs.append((ent.start_char, ent.end_char, nxt.start_char, nxt.end_char))
    return pairs


def inner_hints(
    hints: dict[tuple[int, int], set[str]], hinted: list[tuple[int, int]], key: tuple[int, int]
) -> set[str]:
    """The hints of the candidates inside the span `key` (character offsets).

    Cue hints name exactly their span; model labels of inner spans still count.
    `hinted` is `sorted(hints)`: a bisect finds the first candidate starting
    inside the span, instead of a test of every candidate for every span.
    """
    start, end = key
    inner: set[str] = set()
    for i in range(bisect_left(hinted, (start,)), len(hinted)):
        k = hinted[i]
        if k[0] > end:
            break
        if k[1] <= end:
            inner.update(
                h for h in hints[k] if k == key or not h.startswith(("CUE_", "QUOTED_", "LIST_"))
            )
    return inner
