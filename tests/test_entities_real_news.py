"""Entity mechanisms for real news pages, on an invented article (tests/data/entities/).

Every name is made up. Each test pins one mechanism that real, often machine
translated, news needs: a title-case headline whose capitals run past a name,
words that only modify a plural ('DFG Research' of 'DFG Research Grants'),
fields of study, numbered buildings, slogans, names cut before a lower-case
noun, an organisation written with and without its city, and a surname
misspelt by one letter.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_extract import entity_with, names_of, run_file

from kg.model import Extraction
from kg.nlp.spans import headline_lines
from kg.nlp.variants import place_suffix_pairs, surname_variant_pairs

ARTICLE = Path(__file__).resolve().parent / "data" / "entities" / "real_news.txt"


@pytest.fixture(scope="module")
def extraction(nlp) -> Extraction:
    return run_file(nlp, ARTICLE)


@pytest.mark.model
@pytest.mark.parametrize(
    "junk",
    [
        "Varnholt Labs Extend Partnership",  # a headline's capitals run past the name
        "DFG Research",  # modifies the plural 'Research Grants'
        "Max Planck",  # one of three families before the plural 'Institutes'
        "Analytical Chemistry",  # a field of study, the subject of a team
        "Toxicology",  # a field of study alone
        "Building C",  # a numbered building
        "Made in Saxony",  # a slogan
        "Premier League of European",  # cut before a lower-case noun
        "Technical University",  # the city after it is part of the name
        "New Collaborative Research Centre",  # a heading's description of a kind
        "CV",  # a short acronym the model calls a place
    ],
)
def test_real_news_junk_is_no_entity(extraction: Extraction, junk: str) -> None:
    assert junk not in names_of(extraction)


@pytest.mark.model
def test_a_name_in_a_headline_that_the_body_repeats_is_kept(extraction: Extraction) -> None:
    assert "Varnholt Labs" in names_of(extraction)


@pytest.mark.model
def test_a_name_with_its_city_after_it_is_the_same_body(extraction: Extraction) -> None:
    clinic = entity_with(extraction, "Mira Heart Clinic")
    assert "Mira Heart Clinic Dresden" in clinic.names
    campus = entity_with(extraction, "OCL")
    assert "OCL Leipzig" in campus.names


@pytest.mark.model
def test_a_university_and_its_hospital_stay_two_bodies(extraction: Extraction) -> None:
    hospital = entity_with(extraction, "Tamsel University Hospital")
    assert "Tamsel University" not in hospital.names


@pytest.mark.model
def test_a_contact_line_names_the_body_not_its_office_or_a_person(extraction: Extraction) -> None:
    names = names_of(extraction)
    assert not any("Communications Office" in n for n in names)
    body = entity_with(extraction, "Tamsel University Plauen")
    assert "Person" not in body.types


@pytest.mark.model
def test_a_city_after_a_head_noun_belongs_to_the_name(extraction: Extraction) -> None:
    assert "Technical University Plauen" in names_of(extraction)


@pytest.mark.model
def test_a_mayors_portfolio_is_no_body_but_the_city_is(extraction: Extraction) -> None:
    names = names_of(extraction)
    assert "City of Dresden" in names
    assert not any(n.startswith("Urban Planning") for n in names)


@pytest.mark.model
@pytest.mark.parametrize(
    ("name", "cls"),
    [("OrvaDome", "Place"), ("TernMed", "Company"), ("LivaChip", "Product")],
)
def test_a_capital_inside_a_word_marks_a_name(extraction: Extraction, name: str, cls: str) -> None:
    """The model tags none of these; the shape and the words before type them."""
    assert cls in entity_with(extraction, name).types


@pytest.mark.model
def test_a_surname_misspelt_by_one_letter_is_one_person(extraction: Extraction) -> None:
    person = entity_with(extraction, "Jana Sommerfeld")
    assert "Jana Sommerfeldt" in person.names
    assert person.types == ("Person",)


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        ("Kestrel and Nordvik Extend Their Deal\n\nKestrel extends.\n", True),
        ("Kestrel Labs Dresden\nKestrel extends its deal.\n", False),  # one name, no joint
        ("A headline in sentence case with no capitals\n", False),
        ("Kestrel extends its deal with Nordvik.\n", False),  # a sentence
        ("Deal done.\n\nKestrel Labs e. V. Dr. Jana Ost Managing Director\n", False),  # not first
    ],
)
def test_headline_lines(text: str, headline: bool) -> None:
    lines = headline_lines(text)
    assert bool(lines) is headline
    if headline:
        assert text[lines[0][0] : lines[0][1]] == text.splitlines()[0]


def test_place_suffix_joins_one_city_only() -> None:
    names = {(0, 1): "Tern Institute", (2, 3): "Tern Institute Leipzig", (4, 5): "Lark Clinic"}
    assert place_suffix_pairs(names, {"leipzig", "dresden"}) == [((2, 3), (0, 1))]
    two_sites = {**names, (6, 7): "Tern Institute Dresden"}
    assert place_suffix_pairs(two_sites, {"leipzig", "dresden"}) == []


def test_place_suffix_reads_the_base_in_any_word_order() -> None:
    names = {(0, 1): "Hospital Anna Berg Dresden", (2, 3): "Anna Berg Hospital"}
    assert place_suffix_pairs(names, {"dresden"}) == [((0, 1), (2, 3))]


@pytest.mark.parametrize(
    ("a", "b", "joined"),
    [
        (["Jana", "Sommerfeld"], ["Jana", "Sommerfeldt"], True),  # one letter added
        (["Jana", "Sommerfeld"], ["Jana", "Sommerfelt"], True),  # one letter replaced
        (["Jana", "Sommerfeld"], ["Jonas", "Sommerfeldt"], False),  # another given name
        (["Jan", "Meyer"], ["Jan", "Mayer"], True),  # five letters: still one edit
        (["Jan", "Rau"], ["Jan", "Rahu"], False),  # too short to tell
        (["Jana", "Sommerfeld"], ["Jana", "Sommerfield"], True),
        (["Jana", "Hartwig"], ["Jana", "Hartwich"], False),  # two edits
    ],
)
def test_surname_variants(a: list[str], b: list[str], joined: bool) -> None:
    pairs = surname_variant_pairs([((0, 1), a), ((2, 3), b)])
    assert bool(pairs) is joined
