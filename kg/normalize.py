"""Undo the machine-translation damage in numbers, money amounts and dates.

The articles are English machine translations of German pages. The translator
keeps German number punctuation ("45.000" employees, "5,1 million euros"),
replaces numbers it could not place with the token "XNUMX", and mangles dates
into hybrids such as "February 17.02.2020th, 2018" where only the German
numeric date survived intact. These pure functions (no spaCy) turn such
strings into plain values so every later stage compares like with like.

"XNUMX" stands for a number the translator lost; it is never turned into a
value, because a made-up number in the graph is worse than a missing one.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

#: The translator's placeholder for a number it dropped.
XNUMX = "XNUMX"

# --- numbers -----------------------------------------------------------------

# Spaces and apostrophes only ever group thousands ("45 000", Swiss "1'000").
_SPACE_GROUPED = re.compile(r"(\d{1,3}(?:['\u00a0\u202f\u2009 ]\d{3})+)((?:[.,]\d+)?)")
_DIGITS_AND_SEPARATORS = re.compile(r"\d(?:[\d.,]*\d)?")


def _plain(value: Decimal) -> Decimal:
    """Drop exponent notation and trailing zeros so "5100000" never prints as 5.1E+6.

    The RDF stage writes `str(amount)` as an xsd:decimal lexical form, which
    must not contain an exponent.
    """
    if value == value.to_integral_value():
        return Decimal(int(value))
    return Decimal(format(value.normalize(), "f"))


def _is_grouped(parts: list[str]) -> bool:
    """True when `parts` read as thousands groups: 1-3 leading digits, then 3-digit groups.

    A leading "0" cannot start a grouped number, so "0.500" is a fraction.
    """
    head, *groups = parts
    return (
        bool(groups)
        and 1 <= len(head) <= 3
        and not head.startswith("0")
        and all(len(g) == 3 and g.isdigit() for g in groups)
    )


def _split_decimal(s: str) -> tuple[str, str] | None:
    """Split digits-with-separators into (integer digits, fraction digits), or None."""
    if "." in s and "," in s:
        last = max(s.rfind("."), s.rfind(","))
        group_sep = "," if s[last] == "." else "."
        head, fraction = s[:last], s[last + 1 :]
        parts = head.split(group_sep)
        if s[last] in head or not _is_grouped(parts):
            return None
        return "".join(parts), fraction
    sep = "." if "." in s else "," if "," in s else ""
    if not sep:
        return s, ""
    parts = s.split(sep)
    if _is_grouped(parts):
        return "".join(parts), ""
    if len(parts) == 2:
        return parts[0], parts[1]
    return None


def parse_number(text: str) -> Decimal | None:
    """Read a number written in German or English style; None when it is not one.

    German sources write "45.000" (forty-five thousand) and "5,1" (five point
    one), and the translator copies that punctuation into the English text,
    so "2.600 companies" means 2600. The separator is told apart by the shape
    of the groups after it: a dot or comma followed by well-formed 3-digit
    groups is a thousands separator; a single dot or comma followed by any
    other number of digits is the decimal point. With both present the last
    one is the decimal point ("1.234.567,89", "1,234.56"). "XNUMX" anywhere
    means the translator lost the number: None, never a guess.
    """
    s = text.strip()
    if XNUMX in s.upper():
        return None
    sign = ""
    if s[:1] in ("+", "-"):
        sign, s = ("-" if s[0] == "-" else ""), s[1:].lstrip()
    spaced = _SPACE_GROUPED.fullmatch(s)
    if spaced:
        s = re.sub(r"\D", "", spaced.group(1)) + spaced.group(2)
    if not _DIGITS_AND_SEPARATORS.fullmatch(s):
        return None
    split = _split_decimal(s)
    if split is None:
        return None
    integer, fraction = split
    return _plain(Decimal(f"{sign}{integer}.{fraction}" if fraction else f"{sign}{integer}"))


# --- money -------------------------------------------------------------------

# The number must not be glued to a neighbouring word or number, so that
# "XNUMX,5 million" and "5,XNUMX million" yield nothing rather than "5 million".
_NUM_BODY = r"\d(?:[\d.,]*\d)?"
_NUM_END = r"(?![.,]?\w)"

_SCALES: dict[str, int] = {
    "thousand": 10**3,
    "tsd": 10**3,
    "million": 10**6,
    "millions": 10**6,
    "millionen": 10**6,
    "mio": 10**6,
    "mln": 10**6,
    "mn": 10**6,
    "billion": 10**9,
    "billions": 10**9,
    "bn": 10**9,
    "mrd": 10**9,
    "milliarde": 10**9,
    "milliarden": 10**9,
    "trillion": 10**12,
}
_SCALE_WORDS = r"thousand|tsd|millionen|millions?|mio|mln|mn|billions?|bn|mrd|milliarden?|trillion"

_AMOUNT = re.compile(
    # "EUR 2.5 million", "€ 300.000", "$3 million", "US$ 3 million"
    rf"(?:(?<!\w)(?P<code_before>EUR|USD|CHF|GBP)|(?P<sym_before>US\$|\$|€|£))"
    rf"\s*(?P<num1>{_NUM_BODY}){_NUM_END}(?:\s+(?P<scale1>{_SCALE_WORDS})\b\.?)?"
    # "5,1 million euros", "45.000 euros", "3 million US dollars", "300.000 €"
    rf"|(?<![\w.,])(?P<num2>{_NUM_BODY}){_NUM_END}(?:\s+(?P<scale2>{_SCALE_WORDS})\b\.?)?"
    r"\s*(?P<cur_after>(?:euros?|EUR|US[- ]dollars?|U\.S\. dollars?|dollars?|USD"
    r"|Swiss francs?|francs?|CHF|pounds sterling|British pounds?|GBP)\b|US\$|€|\$|£)",
    re.IGNORECASE,
)


def _currency_code(word: str) -> str:
    """Map a currency word, code or symbol to its ISO 4217 code."""
    w = word.lower()
    if w.startswith("eur") or w == "€":
        return "EUR"
    if "franc" in w or w == "chf":
        return "CHF"
    if "pound" in w or w in ("gbp", "£"):
        return "GBP"
    return "USD"


def find_amounts(text: str) -> list[tuple[int, int, Decimal, str]]:
    """Every money amount in `text` as (start, end, value, ISO currency code).

    Offsets are character offsets into `text`, so the extractor can tie an
    amount to the sentence it came from. Amounts whose number is "XNUMX" are
    left out: the translator lost the value.
    """
    found: list[tuple[int, int, Decimal, str]] = []
    for m in _AMOUNT.finditer(text):
        num = m.group("num1") or m.group("num2")
        scale = (m.group("scale1") or m.group("scale2") or "").lower()
        currency = m.group("code_before") or m.group("sym_before") or m.group("cur_after")
        value = parse_number(num)
        if value is None:
            continue
        amount = _plain(value * _SCALES.get(scale, 1))
        found.append((m.start(), m.end(), amount, _currency_code(currency)))
    return found


def parse_amount(text: str) -> tuple[Decimal, str] | None:
    """The first money amount in `text` as (value, ISO currency code), or None.

    "around 5,1 million euros" -> (Decimal("5100000"), "EUR"): the German
    decimal comma is read as such and the scale word multiplied out, so the
    graph holds one comparable xsd:decimal instead of a phrase. The value is
    an integral Decimal when whole, so it serialises without an exponent.
    "XNUMX million euros" -> None.
    """
    amounts = find_amounts(text)
    if not amounts:
        return None
    return amounts[0][2], amounts[0][3]


# --- dates -------------------------------------------------------------------

_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("january", "jan", "januar", "jänner"),
    ("february", "feb", "februar"),
    ("march", "mar", "märz", "maerz"),
    ("april", "apr"),
    ("may", "mai"),
    ("june", "jun", "juni"),
    ("july", "jul", "juli"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct", "oktober", "okt"),
    ("november", "nov"),
    ("december", "dec", "dezember", "dez"),
)
_MONTHS: dict[str, int] = {
    name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names
}
# Capitalised or upper case only, so the verb "may" is never read as a month.
_MONTH = (
    "(?:"
    + "|".join(
        sorted({n.capitalize() for n in _MONTHS} | {n.upper() for n in _MONTHS}, key=len)[::-1]
    )
    + r")\b\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|2\d\d\d)"


def _numeric(prefix: str) -> str:
    """German day.month.year with named groups `{prefix}d`, `{prefix}m`, `{prefix}y`."""
    return (
        rf"(?P<{prefix}d>\d{{1,2}})\.\s?(?P<{prefix}m>\d{{1,2}})\.\s?"
        rf"(?P<{prefix}y>{_YEAR}){_ORD}"
    )


# Every form starts with a digit or a capitalised month: the lookahead lets the
# scan skip all other positions without trying each alternative there.
_DATE_START = "".join(sorted({n[0].upper() for n in _MONTHS}))
_DATE = re.compile(
    rf"(?=[0-9{_DATE_START}])(?:"
    + "|".join(
        (
            # "February 17.02.2020th, 2018": the MT hybrid; the numeric part wins.
            rf"(?P<hmonth>{_MONTH})\s+{_numeric('h')}(?:,?\s+(?:{_YEAR}|XNUMX)\b)?",
            # "17.02.2020", "17. 2. 2020"
            _numeric("n"),
            # "2020-02-17", also the date part of an ISO timestamp
            rf"(?P<iy>{_YEAR})-(?P<im>\d\d)-(?P<id>\d\d)",
            # "February 17, 2020", "February 17th 2020"
            rf"(?P<em>{_MONTH})\s+(?P<ed>\d{{1,2}}){_ORD},?\s+(?P<ey>{_YEAR})",
            # "17 February 2020", "17. Februar 2020", "17th of February, 2020"
            rf"(?P<gd>\d{{1,2}})(?:\.|{_ORD})\s*(?:of\s+)?(?P<gm>{_MONTH}),?\s+(?P<gy>{_YEAR})",
        )
    )
    + ")"
)


def _iso(year: str, month: int | str, day: str) -> str | None:
    """ISO 8601 date, or None for impossible dates like 31.02.2020."""
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _month_number(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def _match_iso(m: re.Match[str]) -> str | None:
    """Turn whichever date alternative matched into an ISO date."""
    g = m.groupdict()
    if g["hmonth"]:
        return _iso(g["hy"], g["hm"], g["hd"])
    if g["nd"]:
        return _iso(g["ny"], g["nm"], g["nd"])
    if g["iy"]:
        return _iso(g["iy"], g["im"], g["id"])
    if g["em"]:
        return _iso(g["ey"], _month_number(g["em"]), g["ed"])
    return _iso(g["gy"], _month_number(g["gm"]), g["gd"])


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Every date in `text` as (start, end, ISO date), in reading order.

    Handles the translator's hybrid "February 17.02.2020th, 2018" (the month
    word and the trailing year are its inventions; only the German numeric
    date is reliable), German "17.02.2020" and "17. Februar 2020", English
    "February 17, 2020" and "17 February 2020", and ISO "2020-02-17". A date
    whose only year is "XNUMX" ("February 17, XNUMX") is not found: the year
    is unknown. Impossible dates (31.02.) and dates glued to longer numbers
    ("1.12.2020.5") are dropped.
    """
    found: list[tuple[int, int, str]] = []
    for m in _DATE.finditer(text):
        start, end = m.span()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if (
            before.isalnum()
            or before in ".,-"
            or after.isdigit()
            or (after == "." and text[end + 1 : end + 2].isdigit())
        ):
            continue
        iso = _match_iso(m)
        if iso is not None:
            found.append((start, end, iso))
    return found


def parse_date(text: str) -> str | None:
    """The first date in `text` as an ISO string ("2020-02-17"), or None.

    Used for article dates and JSONL `date` fields alike, so
    "February 17.02.2020th, 2018", "17.02.2020", "2020-02-17T10:00:00Z" and
    "February 17, 2020" all become "2020-02-17". A date whose year is only
    "XNUMX" gives None.
    """
    dates = find_dates(text)
    return dates[0][2] if dates else None
