"""Facts in sentences the parser tears: a long apposition before 'invested in', a
surname after a list ('his company, Lipoxa, Abel is ...'), a copula left without its
subject. Each case stands for a general construction; invented names only.
"""

from __future__ import annotations

import pytest
from helpers_extract import entity_with, facts, run

pytestmark = pytest.mark.model

ABEL = (
    "Kai Abel set up Lipoxa in 2015. When we spoke about his latest venture, Lipoxa, Abel is "
    "also the founding director of the Kestrel Institute of Marine Biology and Genetics in "
    "Plauen, and he helped to create the Halden Laboratory (HLB)."
)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # the investor made the root, 'invested' a clause on the apposition's last noun
        (
            "Back in May 2021, the Danish Tern Group, a large maker of enzymes and cultures "
            "for the dairy, bakery and brewing trades, invested in Plauen-based Vantacell GmbH.",
            {("Vantacell GmbH", "fundedBy", "Tern Group")},
            set(),
        ),
        # money 'invested in' a firm, with a verb of the sentence's own: no investor named
        (
            "Tern AG, with all the money invested in Vantacell GmbH, grows fast.",
            set(),
            {("Vantacell GmbH", "fundedBy", "Tern AG")},
        ),
        (
            ABEL,
            {
                ("Kai Abel", "affiliatedWith", "Lipoxa"),
                ("Kai Abel", "affiliatedWith", "Kestrel Institute of Marine Biology and Genetics"),
            },
            set(),
        ),
    ],
)
def test_facts_of_torn_sentences(nlp, text, present, absent) -> None:
    got = facts(run(nlp, text))
    assert present <= got, got
    assert not absent & got, got


def test_a_surname_after_a_list_is_the_person_not_part_of_the_firm(nlp) -> None:
    ex = run(nlp, ABEL)
    assert "Abel" in entity_with(ex, "Kai Abel").names
    assert entity_with(ex, "Lipoxa").names == ("Lipoxa",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the word after the comma is the subject of the verb that follows the span
        ("Lipoxa, Abel is the director.", "Lipoxa"),
        # a legal form after the comma is part of the name
        ("Halden, Inc. is growing.", "Halden, Inc."),
        # no verb follows: a list is left to the other rules
        ("Lipoxa, Abel and Tern grow.", "Lipoxa, Abel"),
    ],
)
def test_a_name_ends_before_a_comma_and_the_subject_of_the_next_verb(nlp, text, expected) -> None:
    from spacy.tokens import Span

    doc = nlp(text)
    trimmer = nlp.get_pipe("kg_entities").trimmer
    end = next(t.i for t in doc if t.text in {"is", "and"})
    trimmed = trimmer.trim(Span(doc, 0, end, label="ORG"), doc.text)
    assert trimmed is not None and trimmed.text == expected


def _copula_doc(vocab, subject: bool):
    from spacy.tokens import Doc

    words = ["Lipoxa", ",", "Abel", "is", "the", "founding", "director", "of", "Kestrel Lab", "."]
    return Doc(
        vocab,
        words=words,
        heads=[3, 0, 0, 3, 6, 6, 3, 6, 7, 3],
        deps=[
            "nsubj" if subject else "dep",
            "punct",
            "conj",
            "ROOT",
            "det",
            "amod",
            "attr",
            "prep",
            "pobj",
            "punct",
        ],
        ents=["B-Company", "O", "B-Person", "O", "O", "O", "O", "O", "B-Institution", "O"],
        lemmas=[
            "Lipoxa",
            ",",
            "Abel",
            "be",
            "the",
            "founding",
            "director",
            "of",
            "Kestrel Lab",
            ".",
        ],
        pos=["PROPN", "PUNCT", "PROPN", "AUX", "DET", "ADJ", "NOUN", "ADP", "PROPN", "PUNCT"],
    )


@pytest.mark.parametrize(
    ("subject", "expected"), [(False, [("Abel", "Kestrel Lab", "founding director")]), (True, [])]
)
def test_a_copula_without_subject_takes_the_person_right_before_it(nlp, subject, expected) -> None:
    """The parser hung the person on the list before ('..., Lipoxa, Abel is the founding
    director of Y', 'Abel' a conjunct): 'is' has no subject, the person before it is it;
    a verb with a subject of its own is left to the ordinary rule."""
    from kg.nlp.rules import affiliation
    from kg.nlp.rules.base import DepMatch

    doc = _copula_doc(nlp.vocab, subject)
    ctx = nlp.get_pipe("kg_relations").ctx
    _pred, patterns = affiliation.patterns(nlp.get_pipe("kg_relations").lex)["role-copula-torn"]
    nodes = {"anchor": doc[6], "verb": doc[3], "prep": doc[7], "obj": doc[8]}
    m = DepMatch("role-copula-torn", "affiliatedWith", patterns[0], nodes, ctx)
    claims = affiliation.HANDLERS["role-copula-torn"](m)
    assert [(c.s.text, c.o.text, c.role) for c in claims] == expected
