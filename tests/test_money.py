"""Money that adds up: one funding event per stated amount, counted once everywhere.

The phrasings are invented articles (tests/data/money/, made-up names); the
invariants run on every gold set and on ../shared/real-dev when it is there.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers_money import (
    EVENT_SUM,
    EVENTS_PER_ARTICLE,
    SAME_MONEY_TWICE,
    SHARED_AMOUNTS,
    STATED_PER_ARTICLE,
    STRAY_AMOUNTS,
    rows,
    total,
)

from kg.build.runner import Stages, build
from kg.config import Config
from kg.model import Article, Evidence, Extraction, FundingEvent
from kg.names import normalize_name
from kg.nlp.money import read_fundings
from kg.nlp.reader import extract
from kg.normalize import find_money, find_period
from kg.view.money import by_party, counted, load_fundings, totals
from kg.view.stats import compute_stats

REPO = Path(__file__).resolve().parent.parent
MONEY = Path(__file__).resolve().parent / "data" / "money"
REAL_DEV = REPO.parent / "shared" / "real-dev"
GOLD_SETS = ("articles", "dev", "test", "holdout", "final", "blind")


# --- what a text says about an amount (no model) ---------------------------------


@pytest.mark.parametrize(
    ("text", "value", "upper", "qualifiers", "share"),
    [
        ("funded with a total of 48 million euros", "48000000", None, ("total",), False),
        (
            "with a total funding of around 5,1 million euros",
            "5100000",
            None,
            ("approximate", "total"),
            False,
        ),
        ("receives around €34 million", "34000000", None, ("approximate",), False),
        ("with almost 40 Mio €", "40000000", None, ("approximate",), False),
        ("with more than 40 million Euros", "40000000", None, ("atLeast",), False),
        ("each team gets up to 25.000 euros per team", "25000", None, ("atMost", "each"), False),
        ("0.55 million euros per year", "550000", None, ("perYear",), False),
        ("an annual budget of 180.000 euros", "180000", None, ("perYear",), False),
        ("with between 2 and 3 million euros", "2000000", "3000000", ("range",), False),
        ("with 2\u20133 million euros", "2000000", "3000000", ("range",), False),
        ("from 2021 to 3 million euros", "3000000", None, (), False),
        (
            "7,9 million euros, of which about 1,1 million euros go to X",
            "1100000",
            None,
            ("approximate",),
            True,
        ),
        ("30 million euros, of which 10 million euros from the ERDF", "10000000", None, (), True),
        ("receives 1,2 million euros of the federal funding", "1200000", None, (), True),
    ],
)
def test_amount_qualifiers(
    text: str, value: str, upper: str | None, qualifiers: tuple[str, ...], share: bool
) -> None:
    money = find_money(text)[-1]
    assert money.value == Decimal(value)
    assert money.upper == (Decimal(upper) if upper else None)
    assert money.qualifiers == qualifiers
    assert money.share is share
    assert text[money.start : money.end] == money.text


@pytest.mark.parametrize(
    "text",
    [
        "investing a seven-figure sum in X",
        "with XNUMX million euros",
        "a six-figure amount",
        "multi-million-euro funding",
        "EUR XNUMX million",
    ],
)
def test_an_amount_without_a_number_is_a_qualifier_never_a_value(text: str) -> None:
    (money,) = find_money(text)
    assert money.value is None
    assert money.qualifiers == ("unknownValue",)


def test_period_as_written() -> None:
    assert find_period("funds it over five years with 600.000 euros") == "over five years"
    assert find_period("funded DigiX from 2019 to 2021 with 1,2 million") == "from 2019 to 2021"
    assert find_period("funds it with 600.000 euros") is None


def test_qualifiers_cost_linear_time_on_hostile_text() -> None:
    """Every qualifier pattern runs on a bounded window: a long run of digits and
    separators before an amount cannot make the range pattern backtrack for long."""
    text = "1." * 20000 + " 5 million euros " + "between " * 5000 + "XNUMX euros"
    assert [m.value for m in find_money(text)] == [Decimal("5000000"), None]


# --- a restatement in one article is one event (no model) ------------------------


def _raw(
    start: int,
    funders: list[tuple[int, int]],
    recipients: list[tuple[int, int]],
    value: str | None,
    text: str,
) -> dict[str, object]:
    return {
        "money": (start, start + len(text)),
        "text": text,
        "value": None if value is None else Decimal(value),
        "upper": None,
        "currency": "EUR" if value else None,
        "qualifiers": [] if value else ["unknownValue"],
        "share": False,
        "share_of": None,
        "funders": funders,
        "recipients": recipients,
        "purposes": [],
        "rule": "r",
        "conf": 0.75,
        "hedged": False,
        "sent": (0, 10),
        "kind": None,
        "round": None,
        "period": None,
    }


def test_title_and_body_stating_one_sum_give_one_event() -> None:
    article = Article.create("t", "x" * 400, "t.txt", 0)
    key_of = {(0, 1): "bank", (2, 3): "lab", (4, 5): "fund", (6, 7): "other"}
    raw = [
        _raw(10, [(0, 1)], [(2, 3)], "1800000", "1,8 million euros"),
        _raw(100, [(0, 1), (4, 5)], [(2, 3)], "1800000", "1,8 million euros"),
        # the same size from somebody else entirely: a second grant
        _raw(200, [(6, 7)], [(2, 3)], "1800000", "1,8 million euros"),
        _raw(300, [(4, 5)], [(2, 3)], None, "a seven-figure sum"),
        _raw(350, [(4, 5)], [(2, 3)], None, "a seven-figure sum"),
    ]
    events = read_fundings(article, raw, key_of, {})
    assert [(e.funders, e.amount) for e in events] == [
        (("bank", "fund"), Decimal("1800000")),
        (("other",), Decimal("1800000")),
        (("fund",), None),
    ]


def test_an_event_needs_a_funder_and_a_recipient() -> None:
    article = Article.create("t", "x" * 100, "t.txt", 0)
    raw = [_raw(10, [(0, 1)], [(0, 1)], "5", "5 euros"), _raw(20, [(9, 9)], [(2, 3)], "5", "5 €")]
    assert read_fundings(article, raw, {(0, 1): "a", (2, 3): "b"}, {}) == []


def test_extraction_cache_keeps_fundings() -> None:
    article = Article.create("t", "A funds B with 5 euros.", "t.txt", 0)
    event = FundingEvent(
        funders=("a",),
        recipients=("b",),
        evidence=Evidence("A funds B.", 0, 23, "r", 0.5),
        amount_text="5 euros",
        amount_start=15,
        amount_end=22,
        amount=Decimal("5"),
        currency="EUR",
        qualifiers=("total",),
        kind="grant",
        period="over two years",
    )
    ex = Extraction(article, [], [], [event])
    assert Extraction.from_json(ex.to_json()).fundings == [event]


# --- each phrasing, through the real pipeline ----------------------------------------


def _events(nlp, name: str) -> list[tuple[object, ...]]:
    text = (MONEY / name).read_text(encoding="utf-8")
    article = Article.create(text.split("\n", 1)[0], text, name, 0)
    ex = next(extract([article], nlp, Config()))
    label = {e.key: e.names[0] for e in ex.entities}
    return [
        (
            frozenset(label[k] for k in f.funders),
            frozenset(label[k] for k in f.recipients),
            f.amount,
            f.upper,
            f.qualifiers,
            f.kind,
            f.round,
            f.share_of,
        )
        for f in ex.fundings
    ]


W = "Weltau Ministry of Science"


@pytest.mark.model
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "joint.txt",
            # two funders, one total; the founders named in the relative clause get nothing
            [
                (
                    {W, "Federal Ministry of Regional Research"},
                    {"Kerbach Centre for Cell Models"},
                    Decimal("36000000"),
                    None,
                    ("total",),
                    "grant",
                    None,
                    None,
                )
            ],
        ),
        (
            "round.txt",
            # the investors jointly; the company, not the institute it spun off from
            [
                (
                    {"Elbtal Capital GmbH", "Grellwitz Founders Fund", "Morvenna Ventures GmbH"},
                    {"Vantix Therapeutics GmbH"},
                    Decimal("6500000"),
                    None,
                    (),
                    "equity",
                    "Series A",
                    None,
                )
            ],
        ),
        (
            "qualifiers.txt",
            [
                (
                    {W},
                    {"CartiLoop"},
                    Decimal("1900000"),
                    None,
                    ("approximate",),
                    "grant",
                    None,
                    None,
                ),
                (
                    {"Foundation for Tissue Medicine"},
                    {"OsteoGrid"},
                    Decimal("4000000"),
                    None,
                    ("atLeast",),
                    "grant",
                    None,
                    None,
                ),
                (
                    {"Federal Ministry of Regional Research"},
                    {"BioNexus"},
                    Decimal("800000"),
                    None,
                    ("atMost",),
                    "grant",
                    None,
                    None,
                ),
                (
                    {"Weltau Ministry of Economy"},
                    {"NeuroWeave"},
                    Decimal("180000"),
                    None,
                    ("perYear",),
                    "grant",
                    None,
                    None,
                ),
                (
                    {"Kessler Foundation"},
                    {"ImmunoSpark"},
                    Decimal("600000"),
                    None,
                    (),
                    "grant",
                    None,
                    None,
                ),
            ],
        ),
        (
            "share.txt",
            [
                (
                    {"European Union"},
                    {"NanoFlow"},
                    Decimal("7900000"),
                    None,
                    (),
                    "grant",
                    None,
                    None,
                ),
                (
                    {"European Union"},
                    {"Qubex GmbH"},
                    Decimal("1100000"),
                    None,
                    ("approximate",),
                    "grant",
                    None,
                    0,
                ),
                ({W}, {"KesselLab"}, Decimal("30000000"), None, (), "grant", None, None),
                (
                    {"European Regional Development Fund"},
                    {"KesselLab"},
                    Decimal("10000000"),
                    None,
                    (),
                    "grant",
                    None,
                    2,
                ),
            ],
        ),
        (
            "range.txt",
            [
                (
                    {"Weltau Ministry of Economy"},
                    {"BioSpark Weltau"},
                    Decimal("2000000"),
                    Decimal("3000000"),
                    ("range",),
                    "grant",
                    None,
                    None,
                )
            ],
        ),
        (
            "nonumber.txt",
            [
                (
                    {"Orbis Ventures GmbH", "Grellwitz Founders Fund"},
                    {"Lumix GmbH"},
                    None,
                    None,
                    ("unknownValue",),
                    "equity",
                    "seed",
                    None,
                ),
                ({W}, {"PhotoCell"}, None, None, ("unknownValue",), "grant", None, None),
            ],
        ),
        (
            "provide.txt",
            # a funder's share in a sentence of its own goes to whom it was just said to fund;
            # money for 'the building' to the owner named with it; 'to expand the sector'
            # names no recipient
            [
                (
                    {"Federal Ministry of Regional Research"},
                    {"Kessel Institute for Metabolic Research"},
                    Decimal("6000000"),
                    None,
                    (),
                    "grant",
                    None,
                    None,
                ),
                (
                    {W},
                    {"Lindgren Centre for Imaging"},
                    Decimal("12000000"),
                    None,
                    (),
                    "grant",
                    None,
                    None,
                ),
            ],
        ),
        (
            "loan.txt",
            [
                (
                    {"Weltau Development Bank"},
                    {"Pellmed GmbH"},
                    Decimal("2000000"),
                    None,
                    (),
                    "loan",
                    None,
                    None,
                )
            ],
        ),
    ],
)
def test_each_phrasing_gives_its_events(nlp, name: str, expected: list[tuple[object, ...]]) -> None:
    found = _events(nlp, name)
    assert found == [(frozenset(e[0]), frozenset(e[1]), *e[2:]) for e in expected]


# --- stores: invariants with SPARQL ----------------------------------------------


def _build(nlp, dirs: list[Path], tmp: Path) -> ox.Store:
    copies = []
    for i, d in enumerate(dirs):
        copies.append(tmp / f"in{i}")
        shutil.copytree(d, copies[-1], ignore=shutil.ignore_patterns("*.md", "*.json"))
    cfg = Config(store=str(tmp / "store"))
    build(copies, cfg, stages=Stages(load_pipeline=lambda _cfg: nlp))
    return ox.Store.read_only(str(tmp / "store"))


@pytest.fixture(scope="module")
def money_store(nlp, tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    return _build(nlp, [MONEY], tmp_path_factory.mktemp("money"))


@pytest.fixture(scope="module")
def gold_store(nlp, tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """Every gold set of data/ in one store (133 articles), as issue 14 measured it."""
    return _build(nlp, [REPO / "data" / d for d in GOLD_SETS], tmp_path_factory.mktemp("gold"))


@pytest.fixture(scope="module")
def real_dev_store(nlp, tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    if not (REAL_DEV / "articles").is_dir():
        pytest.skip("../shared/real-dev is not here")
    return _build(nlp, [REAL_DEV / "articles"], tmp_path_factory.mktemp("realdev"))


STORES = ["money_store", "gold_store", "real_dev_store"]


@pytest.mark.model
@pytest.mark.parametrize("which", STORES)
def test_no_amount_belongs_to_two_funding_events(
    request: pytest.FixtureRequest, which: str
) -> None:
    store = request.getfixturevalue(which)
    assert rows(store, SHARED_AMOUNTS) == []
    assert rows(store, SAME_MONEY_TWICE) == []
    assert rows(store, STRAY_AMOUNTS) == [], "money lives on funding events only"


@pytest.mark.model
@pytest.mark.parametrize("which", STORES)
def test_events_add_up_to_the_amounts_stated(request: pytest.FixtureRequest, which: str) -> None:
    """Each stated amount counts once per article that states it, and each event once.

    Summing the amounts as the articles state them (distinct article and offsets)
    equals summing each event once per article reporting it: no amount is split
    over two events, no event holds two amounts of one article. Over the whole
    store each event counts once, and what a view adds up is that figure.
    """
    store = request.getfixturevalue(which)
    stated = total(store, STATED_PER_ARTICLE)
    assert stated == total(store, EVENTS_PER_ARTICLE)
    (events,) = rows(store, EVENT_SUM)
    once = Decimal(events["total"] or "0")
    assert once <= stated
    fundings = load_fundings(store)
    assert totals(counted(fundings)).get("EUR", Decimal(0)) == once
    stats = compute_stats(store)
    assert stats.money is not None
    assert Decimal(stats.money.amounts.get("EUR", "0")) == once


@pytest.mark.model
def test_the_same_event_in_two_articles_is_one_event(money_store: ox.Store) -> None:
    (event,) = [f for f in load_fundings(money_store) if f.amount == Decimal("1900000")]
    assert len(event.evidence) == 2
    assert event.qualifiers == ["approximate"]


@pytest.mark.model
def test_joint_money_is_not_split_and_counted_once_per_party(money_store: ox.Store) -> None:
    fundings = load_fundings(money_store)
    per_funder = by_party(fundings, "funders")
    (joint,) = [f for f in fundings if f.amount == Decimal("36000000")]
    assert joint.joint
    for funder in joint.funders:
        assert joint in per_funder[funder]
    stats = compute_stats(money_store)
    figure = next(f for f in stats.funders if f.label == "Federal Ministry of Regional Research")
    assert figure.joint == {"EUR": "36000000"}
    assert "jointly with others, not split" in stats.to_text()


# --- recall of the amounts the real-dev annotators listed ---------------------------

_NOTE = re.compile(r"^- (d\d\d): (.*)$")
_PART = re.compile(
    r"(?:(?P<recipient>[^;<]+?)\s*)?<-\s*(?P<funder>[^:;]+):\s*"
    r"(?:about\s+|approximately\s+|more\s+than\s+|almost\s+)?(?P<amount>\d+)\s+EUR"
)


def listed_amounts(notes: Path) -> list[tuple[str, str, str, Decimal]]:
    """(article prefix, recipient, funder, amount) for each 'X <- Y: N EUR' the notes list."""
    found = []
    for line in notes.read_text(encoding="utf-8").splitlines():
        m = _NOTE.match(line)
        if m is None:
            continue
        recipient = ""
        for part in _PART.finditer(m.group(2)):
            recipient = (part.group("recipient") or "").strip(" .") or recipient
            found.append(
                (m.group(1), recipient, part.group("funder"), Decimal(part.group("amount")))
            )
    return found


def _names_match(written: str, names: set[str]) -> bool:
    text = f" {normalize_name(written)} "
    return any(n and (f" {n} " in text or text.strip() in n) for n in names)


def real_dev_recall(store: ox.Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The listed amounts found as events with the right funder and recipient, and the rest."""
    q = """PREFIX kg: <https://w3id.org/cluster-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?event ?amount ?side ?name ?source WHERE {
  ?event kg:amount ?amount ; kg:evidence/kg:inArticle/kg:sourceFile ?source .
  { ?event kg:funder ?e BIND("f" AS ?side) } UNION { ?event kg:recipient ?e BIND("r" AS ?side) }
  { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name }
}"""
    events: dict[str, dict[str, object]] = {}
    for row in rows(store, q):
        ev = events.setdefault(
            str(row["event"]),
            {
                "amount": Decimal(str(row["amount"])),
                "source": str(row["source"]),
                "f": set(),
                "r": set(),
            },
        )
        ev[str(row["side"])].add(normalize_name(str(row["name"])))  # type: ignore[union-attr]
    found, missed = [], []
    for item in (x for p in sorted(REAL_DEV.glob("NOTES-part*.md")) for x in listed_amounts(p)):
        prefix, recipient, funder, amount = item
        hit = any(
            Path(str(ev["source"])).name.startswith(prefix + "_")
            and ev["amount"] == amount
            and _names_match(funder, ev["f"])  # type: ignore[arg-type]
            and _names_match(recipient, ev["r"])  # type: ignore[arg-type]
            for ev in events.values()
        )
        (found if hit else missed).append(item)
    return found, missed


@pytest.mark.model
def test_real_dev_listed_amounts_are_found(real_dev_store: ox.Store) -> None:
    """Recall of the amounts the annotators listed (NOTES-part*.md); a floor, measured."""
    found, missed = real_dev_recall(real_dev_store)
    assert len(found) + len(missed) >= 5, "the notes list amounts as 'X <- Y: N EUR'"
    assert len(found) >= 1, f"found {found}, missed {missed}"


@pytest.mark.model
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_exports_give_amounts_as_numbers_and_flag_shared_or_hedged_ones(
    money_store: ox.Store, tmp_path: Path, fmt: str
) -> None:
    import networkx as nx

    from kg.view.graphio import write_gexf, write_graphml

    path = tmp_path / f"g.{fmt}"
    (write_graphml if fmt == "graphml" else write_gexf)(money_store, path)
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    funding = {
        (graph.nodes[u]["label"], graph.nodes[v]["label"]): d
        for u, v, d in graph.edges(data=True)
        if d["relation"] == "fundedBy"
    }
    joint = funding[("Kerbach Centre for Cell Models", W)]
    assert joint["amount"] == 36000000.0 and isinstance(joint["amount"], float)
    assert joint["amountShared"] is True
    assert joint["amountHedged"] is False
    around = funding[("CartiLoop", W)]
    assert around["amountHedged"] is True  # "around 1,9 million euros"
    assert around["qualifiers"] == "approximate"
    assert "amount" not in funding[("Lumix GmbH", "Orbis Ventures GmbH")]  # a seven-figure sum
