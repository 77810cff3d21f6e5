"""Doc facts read as arrays agree with spaCy; windowed matching finds what a full run finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Doc, Span

from kg.ingest import read_inputs
from kg.nlp.docarrays import entity_windows, sentence_starts
from kg.nlp.rules.surface import entity_tail

REPO = Path(__file__).resolve().parent.parent


def _doc(blank_nlp, words: list[str], sent_starts: list[int], ents: list[tuple[int, int]]) -> Doc:
    doc = Doc(blank_nlp.vocab, words=words)
    for i, tok in enumerate(doc):
        tok.is_sent_start = i in sent_starts
    doc.ents = [Span(doc, s, e, label="ORG") for s, e in ents]
    return doc


def test_sentence_starts_without_and_with_boundaries(blank_nlp) -> None:
    doc = _doc(blank_nlp, ["a", "b", "c", "d", "e"], [0, 2, 4], [])
    assert sentence_starts(doc).tolist() == [0, 2, 4]
    doc = Doc(blank_nlp.vocab, words=["a", "b"])  # no boundaries set: one sentence
    assert sentence_starts(doc).tolist() == [0]
    assert sentence_starts(Doc(blank_nlp.vocab, words=[])).tolist() == []


def test_entity_windows_keep_sentences_with_two_entities(blank_nlp) -> None:
    words = ["A", "x", "B", "y", "z", ".", "C", "w", ".", "D", "E", "v", "u"]
    # sentences: 0-5 (A, B), 6-8 (C only), 9-12 (D, E)
    doc = _doc(blank_nlp, words, [0, 6, 9], [(0, 1), (2, 3), (6, 7), (9, 10), (10, 11)])
    assert entity_windows(doc) == [(0, 3), (9, 11)]
    assert entity_windows(doc, after=2) == [(0, 5), (9, 13)]
    assert entity_windows(doc, after=None) == [(0, 6), (9, 13)]  # to the sentence's end
    assert entity_windows(doc, minimum=1) == [(0, 3), (6, 7), (9, 11)]
    assert entity_windows(doc, minimum=3) == []


def test_entity_tail_counts_tokens_after_the_last_entity() -> None:
    ent = {"ENT_TYPE": {"IN": ["Company"]}}
    assert entity_tail("x", [ent, {"LOWER": "in"}, ent]) == 0
    assert entity_tail("x", [ent, ent, {"ORTH": ")"}, {"ORTH": "x", "OP": "{0,3}"}]) == 4
    assert entity_tail("x", [ent, ent, {"ORTH": ")", "OP": "*"}]) is None
    with pytest.raises(ValueError, match="start on an entity"):
        entity_tail("x", [{"LOWER": "the"}, ent])
    with pytest.raises(ValueError, match="start on an entity"):
        entity_tail("x", [{"ENT_TYPE": {"NOT_IN": [""]}}, ent])


@pytest.mark.model
def test_windowed_surface_matches_equal_a_whole_doc_run(nlp) -> None:
    """Every hit a whole-Doc run keeps (within one sentence, two entities) and nothing else."""
    articles, _ = read_inputs([REPO / "data" / "articles", REPO / "data" / "dev"])
    rel = nlp.get_pipe("kg_relations")
    total = 0
    with nlp.select_pipes(disable=["kg_relations"]):
        for doc in nlp.pipe(a.text for a in articles):
            assert sentence_starts(doc).tolist() == [s.start for s in doc.sents]
            expected = [
                (m, s, e)
                for m, s, e in rel.surface(doc)
                if doc[s].sent.start == doc[e - 1].sent.start
                and sum(1 for t in doc[s:e] if t.ent_type_) >= 2
            ]
            got = [
                (m, s, e)
                for m, s, e in rel._surface_matches(doc)
                if sum(1 for t in doc[s:e] if t.ent_type_) >= 2
            ]
            assert got == expected
            total += len(got)
    assert total > 50  # the corpus exercises the patterns, so equality means something


@pytest.mark.model
def test_windows_reach_past_the_last_entity(nlp) -> None:
    """'X (Place)': the pattern's closing bracket lies after its last entity token."""
    words = ["Sorbitec", "(", "Freiberg", ")", "grows", "."]
    doc = Doc(
        nlp.vocab,
        words=words,
        ents=["B-Company", "O", "B-Place", "O", "O", "O"],
        pos=["PROPN", "PUNCT", "PROPN", "PUNCT", "VERB", "PUNCT"],
        lemmas=[w.lower() for w in words],
        sent_starts=[True, False, False, False, False, False],
    )
    rel = nlp.get_pipe("kg_relations")
    assert rel.surface_tail == 1
    hits = [(nlp.vocab.strings[m], s, e) for m, s, e in rel._surface_matches(doc)]
    assert ("loc-prep", 0, 4) in hits
    assert hits == [(nlp.vocab.strings[m], s, e) for m, s, e in rel.surface(doc)]
