"""Entity mechanisms for real prose, on an invented article (tests/data/entities/).

Every name is made up: these pass only if the structural cues carry the
extraction (shapes of junk, hyphenated compounds, government heads, context and
apposition, people quoted or listed with people, possessive units, acronyms in
brackets), never because a list knows a name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import Config
from kg.graph.resolve import resolve
from kg.model import Article, Extraction
from kg.nlp.reader import extract

ARTICLE = Path(__file__).resolve().parent / "data" / "entities" / "real_style.txt"

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def extraction(nlp) -> Extraction:
    text = ARTICLE.read_text(encoding="utf-8")
    article = Article.create(title="Plauen research news", text=text, source="r.txt", position=0)
    return next(extract([article], nlp, Config()))


def names_of(ex: Extraction) -> dict[str, tuple[str, ...]]:
    return {name: e.types for e in ex.entities for name in e.names}


def entity_with(ex: Extraction, name: str):  # -> LocalEntity
    return next(e for e in ex.entities if name in e.names)


@pytest.mark.parametrize(
    "junk",
    [
        "Press Release 14/03/2024",  # a dateline
        "Vollmerstraße",  # a street
        "GmbH",  # a legal form alone
        "Orlen Institutes",  # a plural head: a kind, not one body
        "University Hospital",  # a description
        "Talvi Orrenkamp says",  # a clause, not a name
        "Collaborative Research Centre",  # cue words alone: a kind of body
    ],
)
def test_structural_junk_is_no_entity(extraction: Extraction, junk: str) -> None:
    assert junk not in names_of(extraction)


def test_a_faculty_named_by_its_field_is_a_name(extraction: Extraction) -> None:
    assert "Medical Faculty" in names_of(extraction)


def test_a_hyphenated_name_is_kept_whole(extraction: Extraction) -> None:
    assert "x-Velor GmbH" in names_of(extraction)
    assert "Velor GmbH" not in names_of(extraction)


def test_a_german_conjunction_inside_a_firm_name_is_kept(extraction: Extraction) -> None:
    assert names_of(extraction)["Vorberg Architekten und Ingenieure GmbH"] == ("Company",)


def test_a_model_code_is_a_product(extraction: Extraction) -> None:
    assert names_of(extraction)["KLX-300"] == ("Product",)


@pytest.mark.parametrize(
    "person", ["Talvi Orrenkamp", "Harald Quenzel", "Ortrun Vesper", "Heide Varnholt"]
)
def test_quoted_listed_and_titled_people_are_persons(extraction: Extraction, person: str) -> None:
    assert names_of(extraction)[person] == ("Person",)


def test_role_words_are_no_part_of_a_name(extraction: Extraction) -> None:
    names = names_of(extraction)
    assert "Presidents Harald Quenzel" not in names
    assert "Norwin University" in names
    assert not any(n.startswith("Rector") for n in names)


def test_a_government_is_an_institution_that_funds(extraction: Extraction) -> None:
    assert set(names_of(extraction)["Free State of Plauen"]) == {"Institution", "Funder"}


def test_a_cluster_of_excellence_is_cluster_and_project(extraction: Extraction) -> None:
    cls = names_of(extraction)["Torgau Cluster of Excellence for Plant Systems"]
    assert set(cls) == {"Cluster", "Project"}


def test_two_coordinated_bodies_are_two_entities(extraction: Extraction) -> None:
    names = names_of(extraction)
    assert "Pirna University Hospital" in names
    assert not any(" and Pirna" in n for n in names)


def test_a_lower_case_letter_before_an_acronym_still_makes_it_one(
    extraction: Extraction,
) -> None:
    assert "sCore" in entity_with(extraction, "Zendal Centre for Soil Ecology").names


def test_a_unit_named_with_a_possessive_meets_its_bare_name(extraction: Extraction) -> None:
    unit = entity_with(extraction, "Norwin University\u2019s Faculty of Medicine")
    assert "Faculty of Medicine" in unit.names


def test_a_quoted_title_after_a_research_centre_cue_is_a_project(extraction: Extraction) -> None:
    assert names_of(extraction)["Soils under Changing Climates"] == ("Project",)


def test_a_city_and_its_office_are_two_bodies(extraction: Extraction) -> None:
    office = entity_with(extraction, "Office for Research Funding")
    assert "City of Plauen Office for Research Funding" in office.names
    assert names_of(extraction)["City of Plauen"] == ("Institution",)


def test_a_quote_inside_a_span_starts_another_name(extraction: Extraction) -> None:
    names = names_of(extraction)
    assert names["Roots under Pressure"] == ("Project",)
    assert not any("\u2018" in n for n in names)


def test_a_lower_case_cue_after_a_name_types_it(extraction: Extraction) -> None:
    group = entity_with(extraction, "Ostwald Validation")
    assert group.types == ("Cluster",)
    assert "Ostwald Validation working group" in group.names


def test_a_lone_institution_family_word_is_no_entity(nlp) -> None:
    from kg.lexicon import load_lexicon

    lexicon = load_lexicon(Config().lexicon_dir)
    known = {form.lower() for k in lexicon.all_known() for form in (k.name, *k.aliases)}
    families = [w.title() for w in lexicon.words("institution_prefixes") if w not in known]
    articles = [
        Article.create(
            title="News",
            text=f"News\n\nPartners such as {family}, Ostwald and Brandt joined.",
            source=f"{i}.txt",
            position=i,
        )
        for i, family in enumerate(families)
    ]
    found = {n for ex in extract(articles, nlp, Config()) for n in names_of(ex)}
    assert not found & set(families)


def test_state_variants_resolve_to_one_government(nlp) -> None:
    texts = [
        "The Free State of Bautzen funds the institute.",
        "The State of Bautzen will pay for the building.",
    ]
    articles = [
        Article.create(title="News", text=f"News\n\n{t}", source=f"{i}.txt", position=i)
        for i, t in enumerate(texts)
    ]
    extractions = list(extract(articles, nlp, Config()))
    resolution = resolve(extractions, Config())
    governments = [
        e for e in resolution.entities.values() if "State of Bautzen" in (e.label, *e.alt_labels)
    ]
    assert len(governments) == 1
    assert "Free State of Bautzen" in (governments[0].label, *governments[0].alt_labels)
