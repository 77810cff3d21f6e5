"""The graph as three tables: entities, relations (one row per piece of evidence), funding.

For people who work in a spreadsheet or a DataFrame rather than with RDF.
Each table is one SPARQL query over the fixed RDF shape, read into rows of
plain Python values (numbers as numbers, hedged as a bool, several values
joined with " | "), and sorted, so the same store always gives the same
files. The rows feed `kg export --format csv` and the Python API
(`kg.open(...).entities()`), so a notebook and a CSV file never disagree.

Spreadsheets execute cells that start with "=", "+", "-" or "@" (or a tab or
carriage return before one) as formulas, and these texts come from news pages
nobody here controls: a sentence "=HYPERLINK(...)" in an article must not
become a live link in whoever opens the file. So by default such text cells get
a leading apostrophe (shown as text, not run); numbers such as "-5" are left
as they are. `raw=True` writes cells exactly as stored, for programs that
read the files. `excel=True` adds the UTF-8 byte-order mark Excel needs to
read accents, and CRLF line ends.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kg import namespace as ns
from kg.namespace import ENTITIES_GRAPH, SYSTEM_GRAPH

if TYPE_CHECKING:
    from kg.store.base import Store

#: Separator of several values in one cell (classes, names); never part of a class name.
JOIN = " | "
_XSD = ns.XSD
#: Joins values inside the query; a control character no name contains.
_SEP = "\x1f"
#: First characters that make a spreadsheet read a cell as a formula (or skip to one).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """One exported table: its file name, its columns, and the query that fills them."""

    name: str
    columns: tuple[str, ...]
    sparql: str
    description: str


_PREFIXES = f"PREFIX kg: <{ns.KG}>\nPREFIX rdfs: <{ns.RDFS}>\nPREFIX skos: <{ns.SKOS}>\n"
_NOT_SYSTEM = f"FILTER(?g != <{SYSTEM_GRAPH}>)"

ENTITIES = Table(
    "entities",
    ("entity", "label", "classes", "other_names", "articles"),
    _PREFIXES
    + f"""SELECT ?entity ?label
       (GROUP_CONCAT(DISTINCT STR(?cls); separator="{_SEP}") AS ?classes)
       (GROUP_CONCAT(DISTINCT ?alt; separator="{_SEP}") AS ?other_names)
       (COUNT(DISTINCT ?article) AS ?articles)
WHERE {{
  GRAPH <{ENTITIES_GRAPH}> {{
    ?entity rdfs:label ?label ; a ?cls . OPTIONAL {{ ?entity skos:altLabel ?alt }} }}
  OPTIONAL {{ GRAPH ?g {{ ?entity kg:mentionedIn ?article }} {_NOT_SYSTEM} }}
  FILTER(STRSTARTS(STR(?cls), STR(kg:)) && ?cls != kg:Entity)
}} GROUP BY ?entity ?label""",
    "one row per entity: IRI, name, classes, other names, how many articles name it",
)

_EVIDENCE_COLUMNS = (
    "statement", "subject", "subject_label", "relation", "object", "object_label",
    "hedged", "confidence", "rule", "role", "amount", "currency", "sentence",
    "start", "end", "article", "article_title", "article_date", "source",
)  # fmt: skip

RELATIONS = Table(
    "relations",
    _EVIDENCE_COLUMNS,
    _PREFIXES
    + f"""SELECT ?statement ?subject ?subject_label ?relation ?object ?object_label ?hedged
       ?confidence ?rule ?role ?amount ?currency ?sentence ?start ?end ?article
       ?article_title ?article_date ?source
WHERE {{
  GRAPH ?g {{
    ?statement a kg:Statement ; kg:subject ?subject ; kg:predicate ?p ; kg:object ?object .
    OPTIONAL {{ ?statement kg:hedged ?hedged }} OPTIONAL {{ ?statement kg:confidence ?confidence }}
    OPTIONAL {{ ?statement kg:rule ?rule }} OPTIONAL {{ ?statement kg:roleTitle ?role }}
    OPTIONAL {{ ?statement kg:amount ?amount }} OPTIONAL {{ ?statement kg:currency ?currency }}
    OPTIONAL {{ ?statement kg:sentence ?sentence }}
    OPTIONAL {{ ?statement kg:startOffset ?start }} OPTIONAL {{ ?statement kg:endOffset ?end }}
    OPTIONAL {{ ?statement kg:inArticle ?article }}
  }} {_NOT_SYSTEM}
  BIND(STRAFTER(STR(?p), STR(kg:)) AS ?relation)
  OPTIONAL {{ GRAPH <{ENTITIES_GRAPH}> {{ ?subject rdfs:label ?subject_label }} }}
  OPTIONAL {{ GRAPH <{ENTITIES_GRAPH}> {{ ?object rdfs:label ?object_label }} }}
  OPTIONAL {{ GRAPH ?article {{ ?article kg:title ?article_title }} }}
  OPTIONAL {{ GRAPH ?article {{ ?article kg:date ?article_date }} }}
  OPTIONAL {{ GRAPH ?article {{ ?article kg:url ?url }} }}
  OPTIONAL {{ GRAPH ?article {{ ?article kg:sourceFile ?file }} }}
  BIND(COALESCE(?url, ?file) AS ?source)
}}""",
    "one row per statement (a relation as read from one sentence), hedged ones included",
)

FUNDING = Table(
    "funding",
    (
        "event",
        "funders",
        "funder_labels",
        "recipients",
        "recipient_labels",
        "amount",
        "max_amount",
        "currency",
        "qualifiers",
        "kind",
        "round",
        "share_of",
        "hedged",
        "articles",
        "date",
    ),
    _PREFIXES
    + """SELECT ?event
       (GROUP_CONCAT(DISTINCT STR(?funder); separator=" | ") AS ?funders)
       (GROUP_CONCAT(DISTINCT ?funderLabel; separator=" | ") AS ?funder_labels)
       (GROUP_CONCAT(DISTINCT STR(?recipient); separator=" | ") AS ?recipients)
       (GROUP_CONCAT(DISTINCT ?recipientLabel; separator=" | ") AS ?recipient_labels)
       (SAMPLE(?amt) AS ?amount) (SAMPLE(?max) AS ?max_amount) (SAMPLE(?cur) AS ?currency)
       (GROUP_CONCAT(DISTINCT ?qualifier; separator=" | ") AS ?qualifiers)
       (SAMPLE(?kindName) AS ?kind) (SAMPLE(?roundName) AS ?round) (SAMPLE(?parent) AS ?share_of)
       (SAMPLE(?isHedged) AS ?hedged) (COUNT(DISTINCT ?article) AS ?articles)
       (MIN(?articleDate) AS ?date)
WHERE {
  ?event a kg:FundingEvent ; kg:hedged ?isHedged ;
         kg:funder ?funder ; kg:recipient ?recipient ; kg:evidence/kg:inArticle ?article .
  ?funder rdfs:label ?funderLabel .
  ?recipient rdfs:label ?recipientLabel .
  OPTIONAL { ?event kg:amount ?amt }
  OPTIONAL { ?event kg:maxAmount ?max }
  OPTIONAL { ?event kg:currency ?cur }
  OPTIONAL { ?event kg:amountQualifier ?anyQualifier }
  BIND (COALESCE(?anyQualifier, "") AS ?qualifier)
  OPTIONAL { ?event kg:round ?roundName }
  OPTIONAL { ?event kg:shareOf ?parent }
  OPTIONAL { ?event a ?kindClass .
             VALUES ?kindClass { kg:Grant kg:EquityInvestment kg:Loan }
             BIND (STRAFTER(STR(?kindClass), "#") AS ?kindName) }
  OPTIONAL { ?article kg:date ?articleDate }
}
GROUP BY ?event
ORDER BY ?event""",
    "one row per funding event: the money once, with all its funders and recipients "
    "(sum amounts over these rows, never over funding relations)",
)

TABLES: dict[str, Table] = {t.name: t for t in (ENTITIES, RELATIONS, FUNDING)}


def plain_value(term: Any) -> Any:
    """A result term as a plain Python value: numbers as int/float, booleans as bool."""
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return term.value
    if isinstance(term, pyoxigraph.Literal):
        datatype = term.datatype.value
        if datatype == _XSD + "boolean":
            return term.value == "true"
        if datatype in (_XSD + "integer", _XSD + "long", _XSD + "int"):
            return int(term.value)
        if datatype == _XSD + "decimal":
            number = Decimal(term.value)
            return int(number) if number == number.to_integral_value() else float(number)
        if datatype == _XSD + "double":
            return float(term.value)
    return term.value


def _cell(name: str, value: Any) -> Any:
    if name in ("classes", "other_names"):
        parts = [] if value in (None, "") else str(value).split(_SEP)
        if name == "classes":
            parts = [p[len(ns.KG) :] if p.startswith(ns.KG) else p for p in parts]
        return JOIN.join(sorted(parts))
    return value


def rows(store: Store, table: Table) -> list[dict[str, Any]]:
    """The table's rows as dicts of plain values, in a stable order (by every column)."""
    out = []
    for solution in store.query(table.sparql):
        row = {name: _cell(name, plain_value(solution[name])) for name in table.columns}
        out.append(row)
    out.sort(key=lambda r: tuple("" if r[c] is None else str(r[c]) for c in table.columns))
    return _unique(out, table.columns)


def _unique(items: list[dict[str, Any]], columns: Sequence[str]) -> list[dict[str, Any]]:
    """Drop exact repeats (a malformed store with two titles multiplies OPTIONAL rows)."""
    seen: set[tuple[str, ...]] = set()
    kept = []
    for row in items:
        key = tuple(str(row[c]) for c in columns)
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


def _is_number(text: str) -> bool:
    """A plain number ("-5", "+1.5e3"): a spreadsheet reads it as a value, not a formula."""
    if text != text.strip():
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def spreadsheet_safe(text: str) -> str:
    """`text` as a cell no spreadsheet runs: an apostrophe before a formula's first character.

    The apostrophe is what Excel and LibreOffice themselves show for "text
    that looks like a formula", so the cell reads as the original text.
    """
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _text(value: Any, raw: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if raw or not isinstance(value, str):
        return text
    return spreadsheet_safe(text)


def to_csv(
    items: Iterable[dict[str, Any]],
    columns: Sequence[str],
    excel: bool = False,
    raw: bool = False,
) -> str:
    """CSV text of `items`; formula-like text cells neutralised unless `raw` (module docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if excel else "\n")
    writer.writerow(columns)
    for row in items:
        writer.writerow([_text(row[c], raw) for c in columns])
    return ("\ufeff" if excel else "") + buffer.getvalue()


def csv_files(store: Store, excel: bool = False, raw: bool = False) -> dict[str, tuple[str, int]]:
    """entities.csv, relations.csv and funding.csv: file name -> (text, rows), in table order."""
    files = {}
    for table in TABLES.values():
        items = rows(store, table)
        files[f"{table.name}.csv"] = (to_csv(items, table.columns, excel, raw), len(items))
    return files
