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
from dataclasses import dataclass
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


# --- what a text says about an amount ----------------------------------------

#: How far before or after an amount its qualifiers are looked for, in characters.
#: Every qualifier pattern below runs on a window of this size, so the cost per
#: amount is constant whatever the length of the text.
_WINDOW = 48

#: Amounts with no number: a qualifier, never a value ("a seven-figure sum", "XNUMX million euros").
_NO_NUMBER = re.compile(
    r"(?<![\w-])(?:an?\s+)?(?:(?:five|six|seven|eight|nine|ten|[5-9]|1[0-2])-figure"
    r"(?:\s+euro)?\s+(?:sum|amount|investment|grant)"
    r"|(?:single|double|triple)-digit\s+million(?:-euro)?\s+(?:sum|amount|investment)"
    r"|multi-million(?:-euro)?(?:\s+(?:sum|amount|investment|funding|grant))?"
    rf"|(?:EUR|€)\s*{XNUMX}(?:[.,]\d+)?(?:\s+(?:thousand|million|billion))?"
    rf"|{XNUMX}(?:[.,]\d+)?\s+(?:(?:thousand|million|billion)\s+)?(?:euros?\b|EUR\b|€))",
    re.IGNORECASE,
)


def _window_pattern(words: str, *, before: bool) -> re.Pattern[str]:
    if before:
        return re.compile(rf"(?:{words})\s*$", re.IGNORECASE)
    return re.compile(rf"^\s*(?:{words})\b", re.IGNORECASE)


#: (qualifier, pattern on the text just before the amount)
_QUALIFIERS_BEFORE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, _window_pattern(words, before=True))
    for name, words in (
        (
            "total",
            r"(?:\ba\s+total|\btotal(?:\s+(?:funding|investment|volume|amount|sum))?)\s+of"
            r"(?:\s+(?:around|about|approximately|some|almost|nearly|roughly|more\s+than|over"
            r"|up\s+to))?|\btotall?ing|\bin\s+total|\baltogether|\boverall",
        ),
        (
            "approximate",
            r"\b(?:around|about|approximately|approx\.|some|almost|nearly|roughly|circa|ca\."
            r"|just\s+under|just\s+over)",
        ),
        ("atLeast", r"\b(?:more\s+than|over|at\s+least|upwards\s+of|in\s+excess\s+of)"),
        ("atMost", r"\b(?:up\s+to|a\s+maximum\s+of|at\s+most|no\s+more\s+than|maximum\s+of)"),
        ("perYear", r"\bannual(?:ly)?(?:\s+(?:funding|budget|grant|sum|amount))?(?:\s+of)?"),
    )
)
#: (qualifier, pattern on the text just after the amount)
_QUALIFIERS_AFTER: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, _window_pattern(words, before=False))
    for name, words in (
        ("perYear", r"(?:per|a|each|every)\s+year|annually|per\s+annum"),
        ("total", r"in\s+total|altogether"),
        ("each", r"each|per\s+(?:team|project|start-?up|company|participant|recipient|person)"),
    )
)
#: The lower end of a range before the amount: "between 2 and", "2 to", "2-", "EUR 2 million to".
_RANGE_LOW = re.compile(
    r"(?:\bbetween\s+)?(?:(?:EUR|€|\$)\s*)?(?<![\d.,])(?P<low>\d(?:[\d.,]*\d)?)"
    rf"(?:\s+(?P<scale>{_SCALE_WORDS}))?(?:\s+euros?)?\s*(?:\band\b|\bto\b|-|\u2013)\s*"
    r"(?:(?:EUR|€|\$)\s*)?$",
    re.IGNORECASE,
)
#: A share of a larger sum named just before: "of which", "thereof", "of this".
_SHARE_BEFORE = re.compile(
    r"(?:\bof\s+(?:which|this|these|that|it)|\bthereof|\bof\s+the\s+total)"
    r"(?:\s+(?:around|about|approximately|some|almost|nearly|roughly|more\s+than|over|up\s+to))?"
    r"\s*$",
    re.IGNORECASE,
)
#: ... or just after: "1,1 million euros of the funding".
_SHARE_AFTER = re.compile(
    r"^\s*of\s+(?:the|this|these|that|its)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:funding|funds|sum|amount|total|grant|money|budget)\b",
    re.IGNORECASE,
)
#: How long the money is for, as written: "over five years", "from 2019 to 2021".
_PERIOD = re.compile(
    r"\b(?:over|for|during)\s+(?:(?:the|a)\s+)?(?:(?:next|initially|further|another|coming)\s+)?"
    r"(?:\w+\s+)?years\b"
    r"|\bfrom\s+(?:19|20)\d\d\s+(?:to|until|till)\s+(?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d\s*[-\u2013]\s*(?:19|20)\d\d\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Money:
    """An amount of money as a text states it: value, currency and what it says about them.

    `value` is None when the text gives no usable number ("a seven-figure sum",
    "XNUMX million euros"): the phrase is kept as a qualifier, never as a value.
    A range keeps its lower end as `value` and its upper end as `upper`.
    `share` marks a part of a larger sum named before ("of which 10 million euros").
    Offsets are character offsets into the text given to `find_money`.
    """

    start: int
    end: int
    text: str
    value: Decimal | None
    currency: str | None
    upper: Decimal | None = None
    qualifiers: tuple[str, ...] = ()
    share: bool = False


def _range_start(text: str, start: int, value: Decimal, scale: str) -> tuple[int, Decimal] | None:
    """Where a range before the amount at `start` begins, and its lower end; None if none."""
    window_start = max(0, start - _WINDOW)
    m = _RANGE_LOW.search(text[window_start:start])
    if m is None:
        return None
    low = parse_number(m.group("low"))
    if low is None:
        return None
    factor = _SCALES.get((m.group("scale") or scale).lower(), 1)
    lower = _plain(low * factor)
    if lower >= value:
        return None  # "2021 to 3 million euros" is a year, not the lower end
    return window_start + m.start(), lower


def find_money(text: str) -> list[Money]:
    """Every amount of money in `text` with what the text says about it, in reading order.

    Qualifiers are a closed set: "total" ("a total of"), "approximate"
    ("around", "some", "almost"), "atLeast" ("more than"), "atMost" ("up to"),
    "perYear" ("per year", "annual"), "each" ("per team"), "range"
    ("between 2 and 3 million euros") and "unknownValue" (no number). Each
    is read from a short window next to the amount, so a long text costs
    linear time.
    """
    found: list[Money] = []
    for m in _AMOUNT.finditer(text):
        num = m.group("num1") or m.group("num2")
        value = parse_number(num)
        if value is None:
            continue
        scale = m.group("scale1") or m.group("scale2") or ""
        amount = _plain(value * _SCALES.get(scale.lower(), 1))
        currency = m.group("code_before") or m.group("sym_before") or m.group("cur_after")
        start, end = m.span()
        before = text[max(0, start - _WINDOW) : start]
        after = text[end : end + _WINDOW]
        quals = [name for name, pat in _QUALIFIERS_BEFORE if pat.search(before)]
        quals += [n for n, pat in _QUALIFIERS_AFTER if pat.search(after) and n not in quals]
        upper = None
        low = _range_start(text, start, amount, scale)
        if low is not None:
            start, (upper, amount) = low[0], (amount, low[1])
            quals.append("range")
        found.append(
            Money(
                start=start,
                end=end,
                text=text[start:end],
                value=amount,
                currency=_currency_code(currency),
                upper=upper,
                qualifiers=tuple(sorted(quals)),
                share=bool(_SHARE_BEFORE.search(before) or _SHARE_AFTER.search(after)),
            )
        )
    for m in _NO_NUMBER.finditer(text):
        if any(f.start <= m.start() < f.end for f in found):
            continue
        after = text[m.end() : m.end() + _WINDOW]
        currency = "EUR" if "eur" in m.group().lower() or "€" in m.group() else None
        found.append(
            Money(
                start=m.start(),
                end=m.end(),
                text=m.group(),
                value=None,
                currency=currency,
                qualifiers=("unknownValue",),
                share=bool(_SHARE_AFTER.search(after)),
            )
        )
    return sorted(found, key=lambda f: f.start)


def find_period(text: str) -> str | None:
    """How long money is given for, as the text says it ("over five years"), or None."""
    m = _PERIOD.search(text)
    return " ".join(m.group().split()) if m else None


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


def is_unicode(text: str) -> bool:
    """False for strings holding lone surrogates (JSON "\\ud800", undecodable file names),
    which no UTF-8 file, graph or terminal can take."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
