"""Tests for the machine-translation damage normalisers in kg.normalize."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.normalize import find_amounts, find_dates, parse_amount, parse_date, parse_number

# --- parse_number --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # German thousands separator copied by the translator
        ("45.000", "45000"),
        ("2.600", "2600"),
        ("100.000.000", "100000000"),
        ("1.500", "1500"),
        # German decimal comma
        ("5,1", "5.1"),
        ("5,25", "5.25"),
        ("0,5", "0.5"),
        ("1.234.567,89", "1234567.89"),
        ("12.500,5", "12500.5"),
        # English forms
        ("1,234", "1234"),
        ("1,234,567", "1234567"),
        ("1,234.56", "1234.56"),
        ("2.5", "2.5"),
        ("1.25", "1.25"),
        ("1.2345", "1.2345"),
        # a leading zero cannot start a thousands group
        ("0.500", "0.5"),
        # plain integers and signs
        ("20", "20"),
        ("2020", "2020"),
        ("-3,5", "-3.5"),
        ("+7", "7"),
        ("  42  ", "42"),
        # space- and apostrophe-grouped thousands
        ("45 000", "45000"),
        ("45\u00a0000", "45000"),
        ("1'000", "1000"),
        ("1 234 567,5", "1234567.5"),
        # trailing zeros do not survive
        ("5,10", "5.1"),
        ("3,0", "3"),
    ],
)
def test_parse_number_values(text: str, expected: str) -> None:
    assert parse_number(text) == Decimal(expected)
    assert str(parse_number(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "XNUMX",
        "XNUMX,XNUMX",
        "XNUMX.XNUMX",
        "5,XNUMX",
        "xnumx",
        "",
        "   ",
        "abc",
        "12,5%",
        "5.",
        ",5",
        "1.2.3",
        "1,23,456",
        "1.234,567.8",
        "1,2.3",
        "12 34",
        "€5",
    ],
)
def test_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


def test_parse_number_never_uses_exponent() -> None:
    value = parse_number("5.100.000")
    assert value == 5100000
    assert "E" not in str(value)


# --- parse_amount / find_amounts -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("5,1 million euros", "5100000", "EUR"),
        ("around 5,1 million euros", "5100000", "EUR"),
        (
            "The project with a total funding of around 5,1 million euros is funded",
            "5100000",
            "EUR",
        ),
        ("EUR 2.5 million", "2500000", "EUR"),
        ("€ 300.000", "300000", "EUR"),
        ("€300,000", "300000", "EUR"),
        ("300.000 €", "300000", "EUR"),
        ("1.2 billion euros", "1200000000", "EUR"),
        ("45.000 euros", "45000", "EUR"),
        ("1 euro", "1", "EUR"),
        ("2 Mio. Euro", "2000000", "EUR"),
        ("1,5 Millionen Euro", "1500000", "EUR"),
        ("3 Mrd. EUR", "3000000000", "EUR"),
        ("3 million US dollars", "3000000", "USD"),
        ("3 million U.S. dollars", "3000000", "USD"),
        ("$3 million", "3000000", "USD"),
        ("US$ 4.5 billion", "4500000000", "USD"),
        ("USD 10,000", "10000", "USD"),
        ("CHF 2 million", "2000000", "CHF"),
        ("2 million Swiss francs", "2000000", "CHF"),
        ("£ 1,5 million", "1500000", "GBP"),
        ("300 thousand euros", "300000", "EUR"),
        ("funding of EUR 12 million.", "12000000", "EUR"),
        ("2,75 million euros", "2750000", "EUR"),
        ("12,50 euros", "12.5", "EUR"),
    ],
)
def test_parse_amount(text: str, value: str, currency: str) -> None:
    result = parse_amount(text)
    assert result == (Decimal(value), currency)
    # whole amounts serialise as plain integers, never 5.1E+6
    assert str(result[0]) == value


@pytest.mark.parametrize(
    "text",
    [
        "XNUMX million euros",
        "XNUMX euros",
        "EUR XNUMX million",
        "5,XNUMX million euros",
        "XNUMX,5 million euros",
        "2 million",
        "around 45.000 employees",
        "the euro zone",
        "",
    ],
)
def test_parse_amount_none(text: str) -> None:
    assert parse_amount(text) is None


def test_find_amounts_gives_spans_in_order() -> None:
    text = "First XNUMX million euros, then EUR 2 million and 3,5 million euros."
    found = find_amounts(text)
    assert [(text[s:e], v, c) for s, e, v, c in found] == [
        ("EUR 2 million", Decimal("2000000"), "EUR"),
        ("3,5 million euros", Decimal("3500000"), "EUR"),
    ]


# --- parse_date / find_dates ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the MT hybrid: the numeric date wins over the month word and trailing year
        ("February 17.02.2020th, 2018", "2020-02-17"),
        ("On February 17.02.2020th, 2018, the new working group started", "2020-02-17"),
        ("September 09.09.2020th, XNUMX", "2020-09-09"),
        ("the initial event on February 17.02.2020th, XNUMX in Leipzig", "2020-02-17"),
        ("March 17.02.2020", "2020-02-17"),
        (
            "Source: Report from the city of Leipzig from September 09.09.2020th, XNUMX",
            "2020-09-09",
        ),
        # German numeric and month-name forms
        ("17.02.2020", "2020-02-17"),
        ("on 1.3.2021.", "2021-03-01"),
        ("17. 02. 2020", "2020-02-17"),
        ("17.02.2020th", "2020-02-17"),
        ("17. Februar 2020", "2020-02-17"),
        ("3. März 2021", "2021-03-03"),
        ("3. Maerz 2021", "2021-03-03"),
        ("1. Dezember 2019", "2019-12-01"),
        ("24. Mai 2022", "2022-05-24"),
        # English forms
        ("February 17, 2020", "2020-02-17"),
        ("February 17th, 2020", "2020-02-17"),
        ("Feb. 17, 2020", "2020-02-17"),
        ("Sept 1 2021", "2021-09-01"),
        ("17 February 2020", "2020-02-17"),
        ("17th of February, 2020", "2020-02-17"),
        ("1st July 2019", "2019-07-01"),
        ("DECEMBER 24, 2020", "2020-12-24"),
        ("May 5, 2020", "2020-05-05"),
        # ISO
        ("2020-02-17", "2020-02-17"),
        ("2020-02-17T10:00:00Z", "2020-02-17"),
        # the first date wins
        ("from 1.2.2020 to 3.4.2020", "2020-02-01"),
    ],
)
def test_parse_date(text: str, expected: str) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "February 17, XNUMX",
        "17 February XNUMX",
        "approved in XNUMX",
        "XNUMX.XNUMX.XNUMX",
        "31.02.2020",
        "2020-13-01",
        "February 2020",
        "may 5, 2020",
        "version 1.12.2020.5",
        "ID 117.02.2020",
        "45.000 employees",
        "",
    ],
)
def test_parse_date_none(text: str) -> None:
    assert parse_date(text) is None


def test_find_dates_spans_cover_the_whole_hybrid() -> None:
    text = "On February 17.02.2020th, 2018, it started; again on 3 March 2021."
    found = find_dates(text)
    assert [(text[s:e], iso) for s, e, iso in found] == [
        ("February 17.02.2020th, 2018", "2020-02-17"),
        ("3 March 2021", "2021-03-03"),
    ]


def test_find_dates_skips_unknown_years_but_keeps_later_dates() -> None:
    text = "Approved on March 3, XNUMX and launched on 01.04.2021."
    assert [iso for _, _, iso in find_dates(text)] == ["2021-04-01"]


# --- property-style round trips (deterministic samples, no hypothesis) ----------------


def _german(n: int, fraction: str = "") -> str:
    grouped = f"{n:,}".replace(",", ".")
    return f"{grouped},{fraction}" if fraction else grouped


def _english(n: int, fraction: str = "") -> str:
    grouped = f"{n:,}"
    return f"{grouped}.{fraction}" if fraction else grouped


_SAMPLE_INTS = [1000 * k + r for k in (1, 7, 45, 999, 1234, 98765) for r in (0, 1, 600, 999)]


@pytest.mark.parametrize("n", [*_SAMPLE_INTS, 10**9 + 7, 123_456_789])
def test_grouped_integers_round_trip_in_both_styles(n: int) -> None:
    assert parse_number(_german(n)) == n
    assert parse_number(_english(n)) == n
    assert parse_number(str(n)) == n


@pytest.mark.parametrize("n", [0, 5, 12, 999, 1000, 45000, 1234567])
@pytest.mark.parametrize("fraction", ["1", "25", "5", "75"])
def test_decimals_round_trip_in_both_styles(n: int, fraction: str) -> None:
    expected = Decimal(f"{n}.{fraction}")
    assert parse_number(_german(n, fraction)) == expected
    assert parse_number(_english(n, fraction)) == expected


@pytest.mark.parametrize("scale", [("thousand", 10**3), ("million", 10**6), ("billion", 10**9)])
@pytest.mark.parametrize("number", ["5,1", "2.5", "12", "0,75"])
def test_amounts_scale_and_stay_integral(number: str, scale: tuple[str, int]) -> None:
    word, factor = scale
    value = parse_number(number)
    assert value is not None
    result = parse_amount(f"a grant of {number} {word} euros")
    assert result == (value * factor, "EUR")
    assert "E" not in str(result[0]) and "." not in str(result[0])


_MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("day", [1, 9, 17, 28])
@pytest.mark.parametrize("year", [1999, 2020])
def test_every_date_style_gives_the_same_iso_date(year: int, month: int, day: int) -> None:
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    name = _MONTHS_EN[month - 1]
    styles = [
        f"{day:02d}.{month:02d}.{year}",
        f"{day}.{month}.{year}",
        f"{name} {day:02d}.{month:02d}.{year}th, XNUMX",
        f"{name} {day:02d}.{month:02d}.{year}th, 2018",
        f"{name} {day}, {year}",
        f"{day} {name} {year}",
        iso,
    ]
    for text in styles:
        assert parse_date(f"It happened on {text} in Leipzig.") == iso, text
