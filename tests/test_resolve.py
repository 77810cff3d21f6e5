"""kg.graph.resolve on hand-made extractions: merges that must and must not happen."""

from __future__ import annotations

from kg.config import Config
from kg.graph.rdf import article_triples
from kg.graph.resolve import resolve
from kg.model import Article, Evidence, Extraction, LocalEntity, Mention, RelationFact


def _article(i: int, names: list[tuple[str, ...]], types: str = "Company") -> Extraction:
    text = " ".join(n for group in names for n in group)
    article = Article.create(f"T{i}", f"T{i}\n\n{text}", "t.txt", i)
    entities = [
        LocalEntity(f"e{j}", (types,), group, (Mention(0, 1, group[0]),))
        for j, group in enumerate(names)
    ]
    return Extraction(article, entities)


def _nodes(exs: list[Extraction]) -> dict[str, str]:
    res = resolve(exs, Config())
    found = {}
    for ex in exs:
        for ent in ex.entities:
            for name in ent.names:
                found[name] = res.entity_id(ex.article.id, ent)
    return found


def test_a_teaser_short_name_joins_the_one_longer_name() -> None:
    nodes = _nodes([_article(0, [("Vireon Diagnostics GmbH",)]), _article(1, [("Vireon",)])])
    assert nodes["Vireon"] == nodes["Vireon Diagnostics GmbH"]


def test_a_short_name_already_known_as_a_firm_stays_with_it() -> None:
    """'Nordmedic' of 'Nordmedic A/S' is not the subsidiary 'Nordmedic Germany GmbH'."""
    exs = [
        _article(0, [("Nordmedic A/S", "Nordmedic"), ("Nordmedic Germany GmbH",)]),
        _article(1, [("Nordmedic",)]),
    ]
    nodes = _nodes(exs)
    assert nodes["Nordmedic A/S"] == nodes["Nordmedic"]
    assert nodes["Nordmedic Germany GmbH"] != nodes["Nordmedic A/S"]


def test_a_fact_whose_ends_became_one_node_is_dropped() -> None:
    ex = _article(0, [("Acme GmbH",), ("ACME",)])
    ev = Evidence(sentence="Acme GmbH, part of ACME.", start=0, end=24, rule="t", confidence=0.9)
    ex.relations.append(RelationFact("e0", "partOf", "e1", ev))
    res = resolve([ex], Config())
    assert res.entity_id(ex.article.id, ex.entities[0]) == res.entity_id(
        ex.article.id, ex.entities[1]
    )
    predicates = {t.predicate.value for t in article_triples(ex, res)}
    assert not any(p.endswith("#partOf") or p.endswith("#Statement") for p in predicates)


def test_an_abbreviated_name_word_meets_its_written_out_form() -> None:
    """'TU Varnholt' is 'Technical University Varnholt' (abbreviations live in data/)."""
    nodes = _nodes(
        [
            _article(0, [("Technical University Varnholt",)], "Institution"),
            _article(1, [("TU Varnholt",)], "Institution"),
        ]
    )
    assert nodes["TU Varnholt"] == nodes["Technical University Varnholt"]


def test_a_field_adjective_and_its_noun_name_one_faculty() -> None:
    """'Medical Faculty of Elbtal University' is 'Elbtal University Faculty of Medicine'."""
    nodes = _nodes(
        [
            _article(0, [("Medical Faculty of Elbtal University",)], "Institution"),
            _article(1, [("Elbtal University Faculty of Medicine",)], "Institution"),
            _article(2, [("Elbtal University Faculty of Chemistry",)], "Institution"),
        ]
    )
    assert (
        nodes["Medical Faculty of Elbtal University"]
        == nodes["Elbtal University Faculty of Medicine"]
    )
    assert (
        nodes["Elbtal University Faculty of Chemistry"]
        != nodes["Elbtal University Faculty of Medicine"]
    )


def test_a_german_adjective_ending_does_not_split_a_place() -> None:
    """Machine translation keeps 'Neuer Markt' / 'Neue Markt' as the sentence declined it."""
    nodes = _nodes(
        [_article(0, [("Neue Markt",)], "Place"), _article(1, [("Neuer Markt",)], "Place")]
    )
    assert nodes["Neuer Markt"] == nodes["Neue Markt"]
    people = _nodes(
        [_article(0, [("Peter Vogt",)], "Person"), _article(1, [("Pete Vogt",)], "Person")]
    )
    assert people["Peter Vogt"] != people["Pete Vogt"]  # names of people are not declined


def test_a_body_named_before_a_unit_does_not_join_the_unit() -> None:
    """'City of Leipzig' is not its 'City of Leipzig Office for Trade'; 'Tamsel
    University' is not 'Tamsel University Hospital'; but 'Oskar Brenn University' is
    the one 'Oskar Brenn University Ostwald' (the words before 'University' name no body)."""
    nodes = _nodes(
        [
            _article(0, [("City of Leipzig Office for Trade",)], "Institution"),
            _article(1, [("City of Leipzig",)], "Institution"),
            _article(2, [("Tamsel University Hospital",)], "Institution"),
            _article(3, [("Tamsel University",)], "Institution"),
            _article(4, [("Oskar Brenn University Ostwald",)], "Institution"),
            _article(5, [("Oskar Brenn University",)], "Institution"),
        ]
    )
    assert nodes["City of Leipzig"] != nodes["City of Leipzig Office for Trade"]
    assert nodes["Tamsel University"] != nodes["Tamsel University Hospital"]
    assert nodes["Oskar Brenn University"] == nodes["Oskar Brenn University Ostwald"]


def test_a_surname_alone_joins_the_one_full_name_of_the_corpus() -> None:
    nodes = _nodes(
        [
            _article(0, [("Anna Varnow",)], "Person"),
            _article(1, [("Mr Varnow", "Varnow")], "Person"),
            _article(2, [("Jan Ost",), ("Eva Ost",)], "Person"),
            _article(3, [("Ost",)], "Person"),
        ]
    )
    assert nodes["Mr Varnow"] == nodes["Anna Varnow"]
    assert nodes["Ost"] not in {nodes["Jan Ost"], nodes["Eva Ost"]}  # two people: which?


def test_a_possessive_unit_name_meets_the_of_form() -> None:
    possessive = "Elbtal University\u2019s Faculty of Medicine"  # a typographic apostrophe
    nodes = _nodes(
        [
            _article(0, [(possessive,)], "Institution"),
            _article(1, [("Medical Faculty of the Elbtal University",)], "Institution"),
        ]
    )
    assert nodes[possessive] == nodes["Medical Faculty of the Elbtal University"]


def test_a_german_name_meets_its_english_translation() -> None:
    """Machine-translated pages write 'Rotes Haus' in one article, 'Red House' in another."""
    nodes = _nodes(
        [
            _article(0, [("Rotes Haus",)], "Place"),
            _article(1, [("Red House",)], "Place"),
            _article(2, [("Blaues Haus",)], "Place"),
        ]
    )
    assert nodes["Rotes Haus"] == nodes["Red House"]
    assert nodes["Blaues Haus"] != nodes["Red House"]


def test_a_name_led_by_its_acronym_meets_the_rest_of_the_full_name() -> None:
    """'ORCA Research Center for Coastal Diseases' in one article is the body another
    calls 'Research Centre for Coastal Diseases' (British spelling, the lead word dropped)."""
    nodes = _nodes(
        [
            _article(
                0,
                [
                    (
                        "Orlenau Research Centre for Coastal Diseases",
                        "Research Centre for Coastal Diseases",
                    )
                ],
                "Institution",
            ),
            _article(1, [("ORCA Research Center for Coastal Diseases",)], "Institution"),
        ]
    )
    assert (
        nodes["ORCA Research Center for Coastal Diseases"]
        == nodes["Research Centre for Coastal Diseases"]
    )


def test_a_name_led_by_a_town_or_a_units_name_keeps_its_own_node() -> None:
    """'Plauen Centre for Coastal Diseases' is another centre than 'Halden Centre for ...';
    a unit's name ('Faculty of Marine Medicine') repeats across owners."""
    nodes = _nodes(
        [
            _article(
                0,
                [("Plauen Research Centre for Coastal Diseases",), ("Faculty of Marine Medicine",)],
                "Institution",
            ),
            _article(
                1,
                [
                    ("Halden Research Centre for Coastal Diseases",),
                    ("HMU Faculty of Marine Medicine",),
                ],
                "Institution",
            ),
        ]
    )
    assert (
        nodes["Plauen Research Centre for Coastal Diseases"]
        != nodes["Halden Research Centre for Coastal Diseases"]
    )
    assert nodes["HMU Faculty of Marine Medicine"] != nodes["Faculty of Marine Medicine"]


def test_a_body_voted_institution_and_project_alike_is_both() -> None:
    """The joint rules type a body partners run together both ways; resolution keeps both
    when nothing else outvotes the project class."""
    article = Article.create("T0", "T0\n\nOrlenau Prevention Centre", "t.txt", 0)
    ent = LocalEntity(
        "e0",
        ("Institution", "Project"),
        ("Orlenau Prevention Centre",),
        (Mention(0, 1, "Orlenau Prevention Centre"),),
    )
    res = resolve([Extraction(article, [ent])], Config())
    assert set(res.entities[res.entity_id(article.id, ent)].types) == {"Institution", "Project"}
    plain = _article(1, [("Kestrel Institute",)], "Institution")
    res = resolve([plain], Config())
    node = res.entities[res.entity_id(plain.article.id, plain.entities[0])]
    assert node.types == ("Institution",)
