"""More real-news entity mechanisms, on a second invented article (tests/data/entities/).

A former name in brackets, 'a X Company' under a firm's name, a city's
possessive before a campus, a lower-case place word inside a firm's name, a
suspended compound, a job's remit after a role word, venues listed after
'venues like the', a German 'am' inside a venue's name, a German compound's
head noun, a nationality before a group's name, and a headline phrase the body
never takes up. Every name is made up.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_extract import entity_with, names_of, run_file

from kg.model import Extraction
from kg.nlp.variants import renamed_pairs

ARTICLE = Path(__file__).resolve().parent / "data" / "entities" / "real_news_b.txt"


@pytest.fixture(scope="module")
def extraction(nlp) -> Extraction:
    return run_file(nlp, ARTICLE)


@pytest.mark.model
@pytest.mark.parametrize(
    "junk",
    [
        "Greener Harbour",  # a headline phrase the body never names
        "Varnholt Company",  # 'a X Company': the name is X
        "Pharma and Life Sciences",  # a job's remit
        "Leipzig\u2019s OrvaCity",  # the city's possessive is no part of the name
        "thüringen",  # a lower-case place word inside a firm's name
        "Human- and Environment-Centered Technology",  # a cut compound
        "Irish Talbot Group",  # the nationality is no part of the name
        "Pears",  # a list with no known place in it makes nothing a place
    ],
)
def test_real_news_junk_is_no_name(extraction: Extraction, junk: str) -> None:
    assert junk not in names_of(extraction)


@pytest.mark.model
def test_a_former_name_in_brackets_is_the_same_firm(extraction: Extraction) -> None:
    firm = entity_with(extraction, "Ostvald Bio GmbH")
    assert "Tamsel Pharma GmbH" in firm.names


@pytest.mark.model
@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("Varnholt", "Company"),  # 'A Varnholt Company'
        ("OrvaCity", "Company"),  # after the city's possessive, cut off
        ("Talbot Group", "Company"),
        ("Potsdam-Orlenau", "Place"),  # a district written onto its town
        ("TernLab", "Cluster"),  # what the article says it is outvotes the model
        ("OrvaChip", "Product"),  # the apposition after it introduces another firm
        ("Ilse Varnow", "Person"),  # ', the company intends': a clause, no apposition
        ("Orlenau", "Place"),  # listed among known places
        ("Orvena Connect", "Company"),  # after a role and its remit, 'at' names the employer
        ("Talbot Systems", "Company"),
    ],
)
def test_real_news_names_and_classes(extraction: Extraction, name: str, cls: str) -> None:
    assert cls in entity_with(extraction, name).types


@pytest.mark.model
@pytest.mark.parametrize(
    ("words", "cls"),
    [
        ("Ballhalle am Park", ("Place",)),  # German 'am'; the compound ends in 'halle'
        ("Gründerzentrum", ("Institution",)),
        ("Walburga Felshaus", ()),  # a person's surname ending in 'haus' is no building
        ("ImmunoSpark", ()),  # a brand written with an inner capital is no German compound
    ],
)
def test_a_german_compound_is_typed_by_its_head(nlp, words: str, cls: tuple[str, ...]) -> None:
    doc = nlp.make_doc(f"They met at {words} yesterday.")
    span = doc[3 : 3 + len(words.split())]
    assert span.text == words
    assert nlp.get_pipe("kg_entities").cues.head_class(span) == cls


def test_renamed_pairs_only_join_neighbours_with_renaming_words() -> None:
    text = "Kestrel GmbH (formerly Ostvald GmbH) and Lark AG, now Lark Bio AG, met Tern AG."
    keys = [(0, 12), (23, 35), (41, 48), (54, 65), (71, 78)]
    assert [text[a[0] : a[1]] for a in keys] == [
        "Kestrel GmbH",
        "Ostvald GmbH",
        "Lark AG",
        "Lark Bio AG",
        "Tern AG",
    ]
    assert renamed_pairs(text, keys) == [((0, 12), (23, 35)), ((41, 48), (54, 65))]
