"""Helpers of the entity component that replaced per-token loops keep their behaviour."""

from __future__ import annotations

import pytest


@pytest.mark.model
def test_repeated_short_form_only_on_token_boundaries(nlp) -> None:
    """'Lumeqa' after 'Lumeqa Therapeutics GmbH' is a mention; 'Lumeqa' inside 'Lumeqa.com' not."""
    doc = nlp("Lumeqa Therapeutics GmbH opened a lab. Lumeqa grows fast. See Lumeqa.com for more.")
    ents = [(e.text, e.start_char, e.label_) for e in doc.ents]
    assert ("Lumeqa", 39, "Company") in ents
    site = doc.text.index("Lumeqa.com")
    assert not any(start == site for _t, start, _l in ents)
    assert (site, site + 6) not in doc._.kg_classes


def _inner_by_scan(hints: dict, key: tuple[int, int]) -> set[str]:
    """The comprehension `inner_hints` replaced: every candidate tested against the span."""
    return {
        h
        for k, hs in hints.items()
        if k[0] >= key[0] and k[1] <= key[1]
        for h in hs
        if k == key or not h.startswith(("CUE_", "QUOTED_", "LIST_"))
    }


def test_inner_hints_agree_with_a_full_scan() -> None:
    import random

    from kg.nlp.mentions import inner_hints

    labels = ["ORG", "GPE", "CUE_Project", "QUOTED_Cluster", "LIST_Company", "LEGAL", "HEAD"]
    rng = random.Random(3)
    for _ in range(300):
        hints: dict[tuple[int, int], set[str]] = {}
        for _ in range(rng.randint(0, 12)):
            start = rng.randint(0, 40)
            key = (start, start + rng.randint(1, 12))
            hints.setdefault(key, set()).update(rng.sample(labels, rng.randint(1, 3)))
        hinted = sorted(hints)
        spans = [*hints, (0, 60), (5, 5 + rng.randint(1, 20))]
        for key in spans:
            assert inner_hints(hints, hinted, key) == _inner_by_scan(hints, key)


def test_inner_hints_keep_cue_hints_on_their_own_span_only() -> None:
    from kg.nlp.mentions import inner_hints

    hints = {(0, 10): {"CUE_Project", "ORG"}, (0, 20): {"HEAD"}, (12, 20): {"QUOTED_X", "GPE"}}
    hinted = sorted(hints)
    assert inner_hints(hints, hinted, (0, 20)) == {"ORG", "HEAD", "GPE"}
    assert inner_hints(hints, hinted, (0, 10)) == {"CUE_Project", "ORG"}
    assert inner_hints(hints, hinted, (12, 20)) == {"QUOTED_X", "GPE"}


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Elbtal Bio GmbH / Leipzig", "Elbtal Bio GmbH"),
        ("Elbtal Bio GmbH (Leipzig)", "Elbtal Bio GmbH"),
        ("Elbtal Bio; Leipzig", "Elbtal Bio"),
        ("Elbtal Bio: Leipzig", "Elbtal Bio"),
        ("Elbtal Bio\nLeipzig", "Elbtal Bio"),
        ("Elbtal Bio's", "Elbtal Bio"),
        ("Elbtal Bio e. V.", "Elbtal Bio e. V."),
    ],
)
def test_trim_cuts_at_marks_and_furniture(nlp, text: str, expected: str) -> None:
    from spacy.tokens import Span

    doc = nlp.make_doc(text)
    trimmer = nlp.get_pipe("kg_entities").trimmer
    trimmed = trimmer.trim(Span(doc, 0, len(doc), label="HEAD"), doc.text)
    assert trimmed is not None and trimmed.text == expected
