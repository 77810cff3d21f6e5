"""String helpers on the per-mention hot path, checked against the slower forms they replaced."""

from __future__ import annotations

import random
import re

import pytest

from kg.names import group_key
from kg.nlp.cues import strip_legal
from kg.nlp.mentions import find_whole_words


def _by_regex(text: str, forms: list[str]) -> list[tuple[int, int, str]]:
    """One alternation of the forms, longest first, with word-boundary lookarounds."""
    pattern = re.compile(
        r"(?<![\w.])(?:"
        + "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))
        + r")(?![\w])"
    )
    return [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    ("text", "forms", "expected"),
    [
        ("Medi-Log GmbH and later Medi-Log.", ["Medi-Log GmbH", "Medi-Log"], [(0, 13), (24, 32)]),
        ("Berg met Bergmann.", ["Berg"], [(0, 4)]),  # no match inside a longer word
        ("Dr.Berg and Berg", ["Berg"], [(12, 16)]),  # a full stop right before binds
        ("Lumeqa Therapeutics", ["Lumeqa", "Lumeqa Therapeutics"], [(0, 19)]),  # longest wins
        ("Ärztehaus Nord, Ärztehaus", ["Ärztehaus"], [(0, 9), (16, 25)]),
        ("x_Berg Berg_x Berg", ["Berg"], [(14, 18)]),  # '_' is a word character
    ],
)
def test_finds_whole_words_only(text: str, forms: list[str], expected: list[tuple]) -> None:
    assert [(s, e) for s, e, _ in find_whole_words(text, forms)] == expected


def test_agrees_with_the_regex_on_random_texts() -> None:
    rng = random.Random(7)
    alphabet = ["Ab", "ab", "Abc", " ", ".", "-", "_", "Ä", "1", "Ab Abc", ","]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        forms = ["".join(rng.choice(alphabet[:5]) for _ in range(rng.randint(1, 3)))]
        forms += [f for f in ("Ab", "Abc", "Ab Abc", "ab.") if rng.random() < 0.5]
        assert find_whole_words(text, forms) == _by_regex(text, forms), (text, forms)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("medi-log gmbh", "medi-log"),
        ("elbtal holding gmbh & co. kg", "elbtal holding"),  # the longest form wins
        ("gmbh", "gmbh"),  # a legal form alone is no name without one
        ("kg werke", "kg werke"),  # only at the end
        ("acme  gmbh", "acme"),
    ],
)
def test_strip_legal_takes_the_longest_form_at_the_end(name: str, expected: str) -> None:
    assert strip_legal(name, {"gmbh", "kg", "gmbh & co. kg", "co. kg"}) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Brückner GmbH", "Brueckner GmbH"),
        ("Medi-Log", "MEDILOG"),
        ("the Elbtal Network", "Elbtal network"),
        ("Smith & Partner", "Smith and Partner"),
        ("Přibil", "Pribil"),
    ],
)
def test_group_key_joins_spellings_of_one_name(a: str, b: str) -> None:
    assert group_key(a) == group_key(b) != ""


def test_group_key_ascii_shortcut_agrees_with_the_unicode_path() -> None:
    """Plain-ASCII names skip normalisation; the result must be what it would have made."""
    rng = random.Random(3)
    alphabet = "aZ09 -&.'_tThHeE\t"
    for _ in range(2000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        # A non-ASCII character the key drops forces the Unicode path on the same letters.
        assert group_key(name) == group_key(name + "\u00b7"), name
