"""kg_sentences: where the rules force or forbid a sentence start before the parser runs."""

from __future__ import annotations

import pytest

from kg.nlp.sentences import NO_BREAK_AFTER, SentenceMarks


def _marks(blank_nlp, text: str, no_break: set[str] = NO_BREAK_AFTER) -> dict[str, bool]:
    """Token text -> is_sent_start, for the tokens a rule decided (others stay None)."""
    doc = SentenceMarks(no_break)(blank_nlp.make_doc(text))
    return {t.text: bool(t.is_sent_start) for t in doc[1:] if t.is_sent_start is not None}


def test_a_paragraph_break_starts_a_sentence(blank_nlp) -> None:
    assert _marks(blank_nlp, "Funding round closed\n\nthe company said")["the"] is True


def test_no_sentence_after_a_title_abbreviation(blank_nlp) -> None:
    marks = _marks(blank_nlp, "The team of Prof. Smith met Mr. Jones.")
    assert marks == {"Smith": False, "Jones": False}


def test_lexicon_titles_join_what_follows(blank_nlp) -> None:
    from spacy.tokens import Doc

    words = ["Head", "is", "habil.", "Weber", "now", "."]  # the title kept whole, as loaded

    def marks(no_break: set[str]) -> list[bool | None]:
        doc = SentenceMarks(no_break)(Doc(blank_nlp.vocab, words=words))
        return [t.is_sent_start for t in doc]

    assert marks(NO_BREAK_AFTER)[3] is None
    assert marks(NO_BREAK_AFTER | {"habil."})[3] is False


def test_after_e_v_a_capitalised_word_starts_anew(blank_nlp) -> None:
    marks = _marks(blank_nlp, "Elbtal Netzwerk e. V. CEO Anna Berg sees growth.")
    assert marks["V."] is False  # 'e.' is an abbreviation: 'e. V.' stays together
    assert marks["CEO"] is True


@pytest.mark.parametrize(
    ("text", "word", "start"),
    [
        ("Made by Acme Co. Ltd. today", "Ltd.", False),  # short dotted word, then 'Xx.'
        ("Made by Acme Co. Ltd today", "Ltd", False),  # 'co.' never ends a sentence
        ("It grew. Then it shrank.", "Then", None),  # left to the parser
    ],
)
def test_short_abbreviations(blank_nlp, text: str, word: str, start: bool | None) -> None:
    assert _marks(blank_nlp, text).get(word) is start


def test_the_same_word_shapes_whatever_the_cache(blank_nlp) -> None:
    """Shapes are cached per word; a full cache starts over without changing results."""
    marks = SentenceMarks(NO_BREAK_AFTER)
    marks.CACHE_WORDS = 3
    text = "Prof. Smith met Dr. Jones\n\nThe end. Elbtal e. V. CEO here."
    first = [t.is_sent_start for t in marks(blank_nlp.make_doc(text))]
    again = [t.is_sent_start for t in marks(blank_nlp.make_doc(text))]
    assert first == again
    assert len(marks._shapes) <= len(blank_nlp.make_doc(text))
