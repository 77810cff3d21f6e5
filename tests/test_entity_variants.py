"""One body under two names in one article: a brand after a spaced dash, an acronym in brackets.

Real news writes 'Isotope Network Plauen - isoNet®' (with an en dash) and later
'the isoNet® team',
or 'Orlen Research Center (ORC) AdipoCare' and later 'the ORC AdipoCare': each
pair is one node, not a body and a product or two institutes. The articles
here are invented.
"""

from __future__ import annotations

import pytest
from helpers_extract import names_of, run

from kg.nlp.variants import bracket_acronym_pairs, bracket_alias_pairs, dash_alias_pairs


def _key(text: str, name: str, start: int = 0) -> tuple[int, int]:
    at = text.index(name, start)
    return (at, at + len(name))


def test_a_one_word_brand_after_a_spaced_dash_names_the_body() -> None:
    text = (
        "Isotope Network Plauen \u2013 isoNet opened. Kestrel - Tern AG met Lark Labs - Orla Bio."
    )
    keys = [
        _key(text, "Isotope Network Plauen"),
        _key(text, "isoNet"),
        _key(text, "Kestrel"),
        _key(text, "Tern AG"),
        _key(text, "Lark Labs"),
        _key(text, "Orla Bio"),
    ]
    # Only a several-word name followed by one word: 'Kestrel - Tern AG' and
    # 'Lark Labs - Orla Bio' are two bodies each.
    assert dash_alias_pairs(text, keys) == [(keys[0], keys[1])]


def test_an_unspaced_hyphen_joins_nothing() -> None:
    text = "Isotope Network Plauen-isoNet"
    keys = [(0, 22), (23, 29)]
    assert dash_alias_pairs(text, keys) == []


def test_an_acronym_in_brackets_before_a_last_word_makes_that_pair_a_name() -> None:
    text = "The Orlen Center (ORC) AdipoCare opened. The ORC AdipoCare and ORC grew."
    alone = _key(text, "ORC grew")[0], _key(text, "ORC grew")[0] + 3
    names = {_key(text, "ORC AdipoCare"): "ORC AdipoCare", alone: "ORC"}
    assert bracket_acronym_pairs(text, names) == [(_key(text, "ORC AdipoCare"), alone)]


def test_without_the_bracketed_form_an_acronym_and_a_word_stay_apart() -> None:
    text = "The ORC AdipoCare and ORC grew."
    names = {_key(text, "ORC AdipoCare"): "ORC AdipoCare", _key(text, "ORC", 10): "ORC"}
    assert bracket_acronym_pairs(text, names) == []


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "together"),
    [
        (
            "Researchers at the Isotope Network Plauen \u2013 isoNet® presented new tracers. "
            "The isoNet® team now has twelve members.",
            {"Isotope Network Plauen", "isoNet®"},
        ),
        (
            "The Orlen Research Center for Metabolic Diseases (ORC) AdipoCare opened in "
            "Plauen. The ORC AdipoCare treats patients. ORC was founded in 2010.",
            {"Orlen Research Center for Metabolic Diseases", "ORC", "ORC AdipoCare"},
        ),
    ],
)
def test_both_names_end_in_one_entity(nlp, text: str, together: set[str]) -> None:
    extraction = run(nlp, text)
    assert any(together <= set(e.names) for e in extraction.entities), extraction.entities


def test_a_bracket_of_the_name_in_german_and_an_acronym_names_the_body_before_it() -> None:
    text = "Orlen Institute (Orlen-Institut für Biologie, OI-B) and Kestrel GmbH (Plauen) met."
    names = {
        _key(text, "Orlen Institute"): "Orlen Institute",
        _key(text, "Orlen-Institut für Biologie"): "Orlen-Institut für Biologie",
        _key(text, "OI-B"): "OI-B",
        _key(text, "Kestrel GmbH"): "Kestrel GmbH",
        _key(text, "Plauen"): "Plauen",
    }
    pairs = bracket_alias_pairs(text, names, lambda name: " für " in name)
    assert pairs == [
        (_key(text, "Orlen Institute"), _key(text, "Orlen-Institut für Biologie")),
        (_key(text, "Orlen Institute"), _key(text, "OI-B")),
    ]


@pytest.mark.model
def test_german_names_whole_and_joined_kinds_and_common_nouns_dropped(nlp) -> None:
    """The German original in brackets is one more name of the institute, taken whole;
    a family name listed before a plural names a kind; 'the university's' is no name."""
    text = (
        "The Orlen Institute for Metabolic Research (Orlen-Institut für Metabolismus-, "
        "Adipositas- und Gefäßforschung, OI-MV) opened in 2020. OI-MV works with five Max "
        "Planck, Helmholtz and Fraunhofer Institutes. Anna Berg is the dean of the "
        "university\u2019s Medical Faculty."
    )
    extraction = run(nlp, text)
    names = names_of(extraction)
    german = "Orlen-Institut für Metabolismus-, Adipositas- und Gefäßforschung"
    assert any(
        {german, "Orlen Institute for Metabolic Research", "OI-MV"} <= set(e.names)
        for e in extraction.entities
    ), extraction.entities
    assert "Helmholtz" not in names and "Max Planck" not in names
    assert "Medical Faculty" in names
    assert not any(n.startswith("university") for n in names)
