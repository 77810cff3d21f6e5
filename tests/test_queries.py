"""Every saved query answers its question on the seed corpus, documented and parameterisable.

The queries are run the way the store runs them: with the default graph as the
union of all graphs. Each file in queries/ must have an entry in EXPECTED, so a
new query cannot be added without pinning down what it returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers_queries import aggregate_by_articles, aggregate_by_rule
from helpers_rdf import BROCHURE_TITLE, VR_TITLE, WG_TITLE, graph_contents, load_store, seed_corpus
from helpers_rdf import tiny_corpus as tiny

from kg import namespace as ns
from kg.config import default_queries_dir

QUERIES = default_queries_dir()
QUERY_FILES = sorted(QUERIES.glob("*.rq"))

WG = 'working group "Cell Therapies"'
SMDT = "innovation cluster Smart Medical Devices and Therapies"
BMBF = "Federal Ministry of Education and Research"
IZI = "Leipzig Fraunhofer Institute for Cell Therapy and Immunology"
CRTD = "Center for Regenerative Therapies in Dresden"
ICCAS = "Innovation Center for Computer-Assisted Surgery"
MPM = "Models for Personalized Medicine"
MEDFAC = "Medical Faculty of the University of Leipzig"
MAYOR = "Mayor for Economy, Labor and Digital Affairs"
BIOSAXONY_LONG = "Industry association for biotechnology and medical technology biosaxony e. v."
HOFMANN = "Andre Hofmann"
MANAGEMENT = "biosaxony Management GmbH"
ALBRECHT = "Uwe Albrecht"
CITY = "City of Leipzig"
T1, T2, T3 = WG_TITLE, VR_TITLE, BROCHURE_TITLE


@dataclass(frozen=True)
class Expect:
    """The columns to compare, and the rows in query order.

    `split` names columns holding GROUP_CONCAT lists (in no fixed order) and
    their separator; they are compared as sorted tuples.
    """

    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]
    split: dict[str, str] = field(default_factory=dict)


EXPECTED: dict[str, Expect] = {
    "members-of-cluster.rq": Expect(
        ("cluster", "clusterLabel", "memberLabel", "viaLabel"),
        [
            ("biosaxony", "biosaxony", "Vita34", WG),
            ("smdt", SMDT, "Vita34", WG),
            ("wg-cell-therapies", WG, "Vita34", WG),
        ],
    ),
    "project-funding.rq": Expect(
        (
            "recipient",
            "recipientLabel",
            "funderLabel",
            "amount",
            "currency",
            "eventFunders",
            "eventRecipients",
            "hedged",
        ),
        [("mpm", MPM, BMBF, "5100000", "EUR", "1", "1", "false")],
    ),
    "funding-events.rq": Expect(
        (
            "amount",
            "currency",
            "qualifiers",
            "funders",
            "recipients",
            "kind",
            "shareOf",
            "hedged",
            "articles",
            "date",
        ),
        [
            (
                "5100000",
                "EUR",
                ("approximate", "total"),
                (BMBF,),
                (MPM,),
                "Grant",
                None,
                "false",
                "1",
                None,
            )
        ],
        split={"qualifiers": " | ", "funders": " | ", "recipients": " | "},
    ),
    "people-roles.rq": Expect(
        ("person", "personLabel", "organisationLabel", "roles"),
        [
            ("hofmann", "Andre Hofmann", "biosaxony Management GmbH", ("Managing Director",)),
            ("albrecht", "Uwe Albrecht", "City of Leipzig", (MAYOR,)),
        ],
        split={"roles": "; "},
    ),
    "organisations-by-place.rq": Expect(
        ("placeLabel", "organisationLabel", "direct"),
        [
            ("Dresden", CRTD, "true"),
            ("Leipzig", "CO.DON AG", "true"),
            ("Leipzig", IZI, "true"),
        ],
    ),
    "project-participants.rq": Expect(
        ("project", "projectLabel", "participantLabel"),
        [("mpm", MPM, ICCAS), ("saxocell", "SaxoCell", CRTD), ("saxocell", "SaxoCell", IZI)],
    ),
    "evidence.rq": Expect(
        (
            "subjectLabel",
            "predicate",
            "objectLabel",
            "hedged",
            "rule",
            "confidence",
            "articleTitle",
        ),
        [
            (HOFMANN, "affiliatedWith", MANAGEMENT, "false", "signature", "0.9", T1),
            (CRTD, "locatedIn", "Dresden", "false", "in-place", "0.8", T1),
            (CRTD, "participatesIn", "SaxoCell", "false", "applicant", "0.7", T1),
            ("CO.DON AG", "locatedIn", "Leipzig", "false", "site", "0.6", T1),
            ("CO.DON AG", "locatedIn", "Saxony", "true", "relocate", "0.65", T1),
            (ICCAS, "partOf", MEDFAC, "false", "of-org", "0.8", T2),
            (ICCAS, "participatesIn", MPM, "false", "scientists-in-project", "0.7", T2),
            (SMDT, "partOf", "biosaxony", "false", "cluster-from", "0.7", T1),
            (IZI, "locatedIn", "Leipzig", "false", "place-prefix", "0.75", T1),
            (IZI, "participatesIn", "SaxoCell", "false", "applicant", "0.7", T1),
            (MEDFAC, "partOf", "University of Leipzig", "false", "of-org", "0.8", T2),
            (MPM, "fundedBy", BMBF, "false", "funded-by", "0.85", T2),
            ("Novartis", "produces", "Kymriah", "false", "product-of", "0.9", T1),
            ("SaxoCell", "fundedBy", BMBF, "true", "application", "0.6", T1),
            (ALBRECHT, "affiliatedWith", CITY, "false", "title-comma-name", "0.55", T3),
            ("Vita34", "memberOf", WG, "false", "part-of-group", "0.8", T1),
            (WG, "partOf", SMDT, "false", "of-cluster", "0.8", T1),
        ],
    ),
    "entities-by-articles.rq": Expect(
        ("label", "types", "articles"),
        [
            ("biosaxony", ("Cluster", "Institution"), "2"),
            (BMBF, ("Funder", "Institution"), "2"),
            ("Leipzig", ("Place",), "2"),
            ("Saxony", ("Place",), "2"),
            ("Andre Hofmann", ("Person",), "1"),
            ("biosaxony Management GmbH", ("Company",), "1"),
            (CRTD, ("Institution",), "1"),
            ("City of Leipzig", ("Institution",), "1"),
            ("CO.DON AG", ("Company",), "1"),
            ("Dresden", ("Place",), "1"),
            ("health care and biotechnology cluster", ("Cluster",), "1"),
            (ICCAS, ("Institution",), "1"),
            (SMDT, ("Cluster",), "1"),
            ("Kymriah", ("Product",), "1"),
            (IZI, ("Institution",), "1"),
            (MEDFAC, ("Institution",), "1"),
            (MPM, ("Project",), "1"),
            ("Novartis", ("Company",), "1"),
            ("Office for Economic Development", ("Institution",), "1"),
            ("SaxoCell", ("Project",), "1"),
            ("University of Leipzig", ("Institution",), "1"),
            ("Uwe Albrecht", ("Person",), "1"),
            ("Vita34", ("Company",), "1"),
            (WG, ("Cluster", "Project"), "1"),
        ],
        split={"types": ", "},
    ),
    "links-between.rq": Expect(
        ("aLabel", "bLabel", "hops", "viaLabel", "path"),
        [
            (
                ICCAS,
                BMBF,
                "2",
                MPM,
                f"{ICCAS} -participatesIn-> {MPM} -fundedBy-> {BMBF}",
            )
        ],
    ),
    "hedged-statements.rq": Expect(
        ("subjectLabel", "predicate", "objectLabel", "alsoStated", "articleTitle"),
        [
            ("CO.DON AG", "locatedIn", "Saxony", "false", WG_TITLE),
            ("SaxoCell", "fundedBy", BMBF, "false", WG_TITLE),
        ],
    ),
    "entity-names.rq": Expect(
        ("class", "entity", "label", "altLabels"),
        [
            ("Cluster", "biosaxony", "biosaxony", (BIOSAXONY_LONG,)),
            ("Cluster", "health-biotech-cluster", "health care and biotechnology cluster", ("",)),
            ("Cluster", "smdt", SMDT, ("Smart Medical Devices and Therapies",)),
            ("Cluster", "wg-cell-therapies", WG, ("Cell Therapies",)),
            ("Company", "biosaxony-management", "biosaxony Management GmbH", ("",)),
            ("Company", "codon", "CO.DON AG", ("CO.DON",)),
            ("Company", "novartis", "Novartis", ("",)),
            ("Company", "vita34", "Vita34", ("",)),
            ("Funder", "bmbf", BMBF, ("BMBF",)),
            ("Institution", "biosaxony", "biosaxony", (BIOSAXONY_LONG,)),
            ("Institution", "crtd", CRTD, ("",)),
            ("Institution", "city-leipzig", "City of Leipzig", ("city of Leipzig",)),
            ("Institution", "bmbf", BMBF, ("BMBF",)),
            ("Institution", "iccas", ICCAS, ("ICCAS",)),
            ("Institution", "izi", IZI, ("Fraunhofer IZI", "IZI")),
            ("Institution", "medfac-leipzig", MEDFAC, ("",)),
            ("Institution", "office-econ", "Office for Economic Development", ("",)),
            ("Institution", "uni-leipzig", "University of Leipzig", ("",)),
            ("Person", "hofmann", "Andre Hofmann", ("",)),
            ("Person", "albrecht", "Uwe Albrecht", ("",)),
            ("Place", "dresden", "Dresden", ("",)),
            ("Place", "leipzig", "Leipzig", ("",)),
            ("Place", "saxony", "Saxony", ("",)),
            ("Product", "kymriah", "Kymriah", ("Kymriah®",)),
            ("Project", "mpm", MPM, ("",)),
            ("Project", "saxocell", "SaxoCell", ("",)),
            ("Project", "wg-cell-therapies", WG, ("Cell Therapies",)),
        ],
        split={"altLabels": " | "},
    ),
    "statements-by-rule.rq": Expect(
        ("rule", "statements", "hedged", "articles", "meanConfidence"),
        [
            ("applicant", "2", "0", "1", "0.7"),
            ("of-org", "2", "0", "1", "0.8"),
            ("application", "1", "1", "1", "0.6"),
            ("cluster-from", "1", "0", "1", "0.7"),
            ("funded-by", "1", "0", "1", "0.85"),
            ("in-place", "1", "0", "1", "0.8"),
            ("of-cluster", "1", "0", "1", "0.8"),
            ("part-of-group", "1", "0", "1", "0.8"),
            ("place-prefix", "1", "0", "1", "0.75"),
            ("product-of", "1", "0", "1", "0.9"),
            ("relocate", "1", "1", "1", "0.65"),
            ("scientists-in-project", "1", "0", "1", "0.7"),
            ("signature", "1", "0", "1", "0.9"),
            ("site", "1", "0", "1", "0.6"),
            ("title-comma-name", "1", "0", "1", "0.55"),
        ],
    ),
    "articles.rq": Expect(
        ("title", "date", "sourceFile", "position", "entities", "statements"),
        [
            (WG_TITLE, "2020-02-17", "data/articles/000_95a6e869cca391d4.txt", "0", "16", "12"),
            (VR_TITLE, None, "data/articles/000_95a6e869cca391d4.txt", "2", "5", "4"),
            (BROCHURE_TITLE, "2020-09-09", "data/articles/003_bcd31c1c45d1e794.txt", "0", "7", "1"),
        ],
    ),
}


def _ends(first: str, second: str) -> tuple[str, str]:
    """The two parameter lines of links-between.rq."""
    return f'VALUES ?nameA {{ "{first}" }}', f'VALUES ?nameB {{ "{second}" }}'


LINKS_DEFAULT = _ends(ICCAS, BMBF)

#: (query file, VALUES text(s) in the file, replacement(s), expected rows) for the parameters.
VARIANTS: list[
    tuple[str, str | tuple[str, ...], str | tuple[str, ...], list[tuple[object, ...]]]
] = [
    (
        "members-of-cluster.rq",
        'VALUES ?clusterName { "" }',
        'VALUES ?clusterName { "cell therapies" }',
        [("wg-cell-therapies", WG, "Vita34", WG)],
    ),
    (
        "members-of-cluster.rq",
        'VALUES ?clusterName { "" }',
        'VALUES ?clusterName { "Smart Medical Devices and Therapies" }',
        [("smdt", SMDT, "Vita34", WG)],
    ),
    (
        "people-roles.rq",
        'VALUES ?personName { "" }',
        'VALUES ?personName { "uwe albrecht" }',
        [("albrecht", "Uwe Albrecht", "City of Leipzig", (MAYOR,))],
    ),
    (
        "organisations-by-place.rq",
        'VALUES ?placeName { "" }',
        'VALUES ?placeName { "leipzig" }',
        [("Leipzig", "CO.DON AG", "true"), ("Leipzig", IZI, "true")],
    ),
    (
        "project-participants.rq",
        'VALUES ?projectName { "" }',
        'VALUES ?projectName { "SAXOCELL" }',
        [("saxocell", "SaxoCell", CRTD), ("saxocell", "SaxoCell", IZI)],
    ),
    (
        "evidence.rq",
        'VALUES ?entityName { "" }',
        'VALUES ?entityName { "bmbf" }',
        [
            (MPM, "fundedBy", BMBF, "false", "funded-by", "0.85", T2),
            ("SaxoCell", "fundedBy", BMBF, "true", "application", "0.6", T1),
        ],
    ),
    (
        "entities-by-articles.rq",
        'VALUES ?className { "" }',
        'VALUES ?className { "Person" }',
        [("Andre Hofmann", ("Person",), "1"), ("Uwe Albrecht", ("Person",), "1")],
    ),
    (
        "links-between.rq",
        LINKS_DEFAULT,
        _ends("Kymriah", "novartis"),
        [("Kymriah", "Novartis", "1", None, "Kymriah <-produces- Novartis")],
    ),
    (
        "links-between.rq",
        LINKS_DEFAULT,
        _ends("Fraunhofer IZI", CRTD),
        [
            (
                IZI,
                CRTD,
                "2",
                "SaxoCell",
                f"{IZI} -participatesIn-> SaxoCell <-participatesIn- {CRTD}",
            )
        ],
    ),
    (
        "links-between.rq",
        LINKS_DEFAULT,
        _ends("Leipzig", "Dresden"),
        [],
    ),
    (
        "hedged-statements.rq",
        'VALUES ?predicateName { "" }',
        'VALUES ?predicateName { "fundedBy" }',
        [("SaxoCell", "fundedBy", BMBF, "false", WG_TITLE)],
    ),
    (
        "entity-names.rq",
        'VALUES ?className { "" }',
        'VALUES ?className { "Product" }',
        [("Product", "kymriah", "Kymriah", ("Kymriah®",))],
    ),
    (
        "statements-by-rule.rq",
        "VALUES ?minStatements { 1 }",
        "VALUES ?minStatements { 2 }",
        [("applicant", "2", "0", "1", "0.7"), ("of-org", "2", "0", "1", "0.8")],
    ),
    (
        "articles.rq",
        'VALUES ?titleContains { "" }',
        'VALUES ?titleContains { "BROCHURE" }',
        [(BROCHURE_TITLE, "2020-09-09", "data/articles/003_bcd31c1c45d1e794.txt", "0", "7", "1")],
    ),
]


@pytest.fixture(scope="module")
def seed_graphs() -> dict[str, list[ox.Triple]]:
    extractions, res = seed_corpus()
    return graph_contents(extractions, res)


@pytest.fixture(scope="module")
def store(seed_graphs: dict[str, list[ox.Triple]]) -> ox.Store:
    return load_store(seed_graphs)


def _plain(term: object) -> str | None:
    """Entity IRIs as their ids, other terms as their lexical value."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ns.entity_id_of(term.value) or term.value
    assert isinstance(term, ox.Literal), term
    return term.value


def run(store: ox.Store, sparql: str) -> tuple[list[str], list[dict[str, str | None]]]:
    result = store.query(sparql, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return names, [{name: _plain(row[name]) for name in names} for row in result]


def project(rows: list[dict[str, str | None]], expect: Expect) -> list[tuple[object, ...]]:
    out = []
    for row in rows:
        values: list[object] = []
        for column in expect.columns:
            value = row[column]
            if column in expect.split and value is not None:
                value = tuple(sorted(value.split(expect.split[column])))
            values.append(value)
        out.append(tuple(values))
    return out


def _read(name: str) -> str:
    return (QUERIES / name).read_text(encoding="utf-8")


def test_there_are_enough_queries() -> None:
    names = {p.name for p in QUERY_FILES}
    required = {
        "members-of-cluster.rq",
        "project-funding.rq",
        "people-roles.rq",
        "organisations-by-place.rq",
        "project-participants.rq",
        "evidence.rq",
        "entities-by-articles.rq",
        "links-between.rq",
    }
    assert required <= names
    assert set(EXPECTED) <= names, "expectations for a query file that no longer exists"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_query_answers_on_seed_corpus(store: ox.Store, path: Path) -> None:
    assert path.name in EXPECTED, f"add expected rows for {path.name} to EXPECTED"
    expect = EXPECTED[path.name]
    _, rows = run(store, path.read_text(encoding="utf-8"))
    assert project(rows, expect) == expect.rows


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_query_header_documents_it(store: ox.Store, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    for section in ("# Question:", "# Returns:", "# Parameter:", "# Adapt:"):
        assert section in header, f"{path.name} lacks {section}"
    assert "# PARAMETER" in text, f"{path.name} has no marked parameter"
    returns = re.search(r"^# Returns:(.*)$", text, re.MULTILINE)
    assert returns is not None
    documented = re.findall(r"\?(\w+)", returns.group(1))
    names, _ = run(store, text)
    assert documented == names


@pytest.mark.parametrize(
    ("name", "old", "new", "rows"),
    VARIANTS,
    ids=[f"{v[0]}:{v[2]}" for v in VARIANTS],
)
def test_query_parameters(
    store: ox.Store,
    name: str,
    old: str | tuple[str, ...],
    new: str | tuple[str, ...],
    rows: list[tuple[object, ...]],
) -> None:
    text = _read(name)
    olds, news = ((old,), (new,)) if isinstance(old, str) else (old, new)
    for before, after in zip(olds, news, strict=True):
        assert text.count(before) == 1, f"{name}: parameter line {before!r} changed"
        text = text.replace(before, after)
    _, found = run(store, text)
    assert project(found, EXPECTED[name]) == rows


def test_every_query_with_parameters_has_a_variant() -> None:
    """The funding queries' parameter is tested with an extra hedged funding below."""
    money = {"project-funding.rq", "funding-events.rq"}
    assert {v[0] for v in VARIANTS} >= {p.name for p in QUERY_FILES} - money


@pytest.mark.parametrize(
    ("name", "column", "stated"),
    [("project-funding.rq", "recipient", "mpm"), ("funding-events.rq", "recipients", MPM)],
)
def test_funding_amounts_are_decimals_and_hedged_ones_are_optional(
    seed_graphs: dict[str, list[ox.Triple]], name: str, column: str, stated: str
) -> None:
    ex, res = tiny()
    graphs = {name: list(triples) for name, triples in seed_graphs.items()}
    for graph, triples in graph_contents([ex], res).items():
        graphs.setdefault(graph, []).extend(triples)
    store = load_store(graphs)
    text = _read(name)
    result = store.query(text, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    decimal = ox.NamedNode(ns.XSD_DECIMAL)
    assert [(_plain(r[column]), r["amount"], _plain(r["hedged"])) for r in result] == [
        (stated, ox.Literal("5100000", datatype=decimal), "false"),
        (
            "acme" if column == "recipient" else "Acme GmbH",
            ox.Literal("2500000", datatype=decimal),
            "true",
        ),
    ]
    old = "VALUES ?includeHedged { true }"
    assert text.count(old) == 1
    _, rows = run(store, text.replace(old, "VALUES ?includeHedged { false }"))
    assert [r[column] for r in rows] == [stated]


def test_place_hierarchy_lists_organisations_under_the_larger_place(
    seed_graphs: dict[str, list[ox.Triple]],
) -> None:
    edge = ox.Triple(
        ox.NamedNode(ns.entity_iri("leipzig")),
        ox.NamedNode(ns.LOCATED_IN),
        ox.NamedNode(ns.entity_iri("saxony")),
    )
    store = load_store({**seed_graphs, "urn:x-test:extra": [edge]})
    text = _read("organisations-by-place.rq").replace(
        'VALUES ?placeName { "" }', 'VALUES ?placeName { "Saxony" }'
    )
    _, rows = run(store, text)
    assert project(rows, EXPECTED["organisations-by-place.rq"]) == [
        ("Saxony", "CO.DON AG", "false"),
        ("Saxony", IZI, "false"),
    ]


def test_summary_queries_answer_as_their_documented_aggregates(store: ox.Store) -> None:
    """The build summary and the statements and mentions it counts give the same rows."""
    for name, aggregate in (
        ("statements-by-rule.rq", aggregate_by_rule()),
        ("entities-by-articles.rq", aggregate_by_articles()),
    ):
        names, rows = run(store, aggregate)
        assert names == run(store, _read(name))[0], name
        assert project(rows, EXPECTED[name]) == EXPECTED[name].rows, name
    person = aggregate_by_articles(
        _read("entities-by-articles.rq").replace(
            'VALUES ?className { "" }', 'VALUES ?className { "Person" }'
        )
    )
    _, rows = run(store, person)
    assert [r["label"] for r in rows] == ["Andre Hofmann", "Uwe Albrecht"]


def test_summary_queries_find_nothing_without_the_summary(
    seed_graphs: dict[str, list[ox.Triple]],
) -> None:
    """They read only the summary: a store without it (another tool's) needs the aggregate."""
    summarised = ns.rule_summary_iri("x").removesuffix("x")
    bare = load_store(
        {
            name: [
                t
                for t in triples
                if not t.subject.value.startswith(summarised)
                and t.predicate.value != ns.ARTICLE_COUNT
            ]
            for name, triples in seed_graphs.items()
        }
    )
    assert len(bare) < sum(len(triples) for triples in seed_graphs.values())
    for name in ("statements-by-rule.rq", "entities-by-articles.rq"):
        assert run(bare, _read(name))[1] == [], name
    assert len(run(bare, aggregate_by_rule())[1]) == len(EXPECTED["statements-by-rule.rq"].rows)


def test_queries_see_nothing_without_the_union_default_graph(store: ox.Store) -> None:
    """Documents the assumption the store must honour: all data lives in named graphs."""
    result = store.query(_read("entity-names.rq"))
    assert isinstance(result, ox.QuerySolutions)
    assert list(result) == []


def test_evidence_carries_the_article_date(store: ox.Store) -> None:
    _, rows = run(store, _read("evidence.rq"))
    assert {(r["articleTitle"], r["date"]) for r in rows} == {
        (WG_TITLE, "2020-02-17"),
        (VR_TITLE, None),
        (BROCHURE_TITLE, "2020-09-09"),
    }


#: The page line of the paged listings, as the files ship it.
PAGE = "LIMIT 100 OFFSET 0"
PAGED = [p for p in QUERY_FILES if PAGE in p.read_text(encoding="utf-8")]


def test_corpus_sized_listings_are_paged() -> None:
    assert {p.name for p in PAGED} >= {
        "articles.rq",
        "evidence.rq",
        "hedged-statements.rq",
        "members-of-cluster.rq",
        "people-roles.rq",
        "project-funding.rq",
    }


@pytest.mark.parametrize("size", [1, 2])
@pytest.mark.parametrize("path", PAGED, ids=lambda p: p.name)
def test_pages_are_consecutive_and_do_not_overlap(store: ox.Store, path: Path, size: int) -> None:
    """Small pages, one after the other, give every row of the listing exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(PAGE) == 1, "one page line"
    assert "# Paged:" in text, "the header says how to page"
    _, everything = run(store, text)
    assert 1 <= len(everything) < 100, "the seed corpus fits in one default page"
    seen: list[tuple[str | None, ...]] = []
    start = 0
    while True:
        _, page = run(store, text.replace(PAGE, f"LIMIT {size} OFFSET {start}"))
        rows = [tuple(row.values()) for row in page]
        assert len(rows) <= size
        assert not set(rows) & set(seen), f"rows of the page at {start} were on an earlier page"
        seen.extend(rows)
        if len(rows) < size:
            break
        start += size
    assert sorted(seen, key=repr) == sorted((tuple(r.values()) for r in everything), key=repr)
