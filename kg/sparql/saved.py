"""Saved queries (.rq files) with declared parameters, for `kg query NAME` and the query page.

A saved query is a plain SPARQL file a researcher can also run in any other
tool. Its comment header says what it answers and which parameters it takes,
one line each, the way Datasette turns `:name` in SQL into form fields:

    # Question: Which people hold which positions in which organisations?
    # Parameter: person (?personName, name, default ""): a person's name or alias; ...

The body keeps a `VALUES ?personName { "" }` line holding the default, so the
file runs unchanged elsewhere; binding a parameter rewrites that one line with
properly escaped SPARQL terms (never by pasting text into the query), and
`--limit/--offset` rewrite the line marked `# PAGE`.

A `name` parameter is matched the way the network search matches names (case,
accents, punctuation, "&"/"and", a legal form more or less): the given name is
looked up among the labels of the graph first, and the query receives the
stored labels of the entities it found, which the query compares exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.errors import QueryError

#: Kinds of parameter values and what a value of that kind may look like.
KINDS: tuple[str, ...] = ("name", "text", "class", "integer", "boolean")
#: Longest accepted parameter value: names and title fragments, not documents.
MAX_VALUE_CHARS = 300

_HEADER_FIELD = re.compile(r" ?([A-Z][a-z]+):[ \t]*(.*)")
_PARAMETER = re.compile(
    r"([A-Za-z][A-Za-z0-9_-]*)\s*\(\s*\?([A-Za-z_][A-Za-z0-9_]*)\s*,\s*([a-z]+)"
    r"(?:\s*,\s*default\s+([^()]*?))?\s*\)\s*:\s*(.*)"
)
_INTEGER = re.compile(r"[+-]?[0-9]{1,15}")
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_QUERY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}")


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: its public name, the SPARQL variable it sets, kind, default."""

    name: str
    variable: str
    kind: str
    default: str
    meaning: str

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "variable": self.variable,
            "kind": self.kind,
            "default": self.default,
            "meaning": self.meaning,
        }


@dataclass(frozen=True)
class SavedQuery:
    """A .rq file: its name (file stem), question, parameters and text."""

    name: str
    title: str
    parameters: tuple[Parameter, ...]
    text: str
    paged: bool

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "parameters": [p.to_json() for p in self.parameters],
            "paged": self.paged,
            "query": self.text,
        }


def _header(text: str) -> list[tuple[str, str]]:
    """(field, value) pairs of the leading comment block.

    A field is `# Word: value`; lines indented further (`#   more`) continue
    it, so a question wrapped over two lines is read whole, never cut.
    """
    fields: list[tuple[str, str]] = []
    continuing = False
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].rstrip()
        match = _HEADER_FIELD.fullmatch(body)
        if match:
            fields.append((match.group(1), match.group(2).strip()))
            continuing = True
        elif continuing and body.startswith("  ") and body.strip():
            name, value = fields[-1]
            fields[-1] = (name, f"{value} {body.strip()}")
        else:
            continuing = False
    return fields


def _parameter(value: str, path: Path) -> Parameter:
    match = _PARAMETER.fullmatch(value)
    if not match:
        raise QueryError(
            f"{path.name}: cannot read the parameter line {value!r}; write "
            '`# Parameter: name (?variable, kind, default ""): meaning`'
        )
    name, variable, kind, default, meaning = match.groups()
    if kind not in KINDS:
        raise QueryError(f"{path.name}: parameter {name} has unknown kind {kind!r}")
    default = (default or '""').strip()
    if default.startswith('"') and default.endswith('"') and len(default) >= 2:
        default = default[1:-1]
    return Parameter(name, variable, kind, default, meaning.strip())


def parse_saved(path: Path) -> SavedQuery:
    """Read one .rq file; a malformed header is a QueryError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read saved query {path.name}: {exc}") from exc
    title = ""
    parameters: list[Parameter] = []
    for field, value in _header(text):
        if field == "Question" and not title:
            title = value
        elif field == "Parameter":
            parameters.append(_parameter(value, path))
    names = [p.name for p in parameters]
    if len(set(names)) != len(names):
        raise QueryError(f"{path.name}: a parameter is declared twice")
    for param in parameters:
        if len(_values_lines(text, param.variable)) != 1:
            raise QueryError(
                f"{path.name}: parameter {param.name} needs exactly one "
                f"`VALUES ?{param.variable} {{ ... }}` line in the query"
            )
    if not title:
        # A file without a Question field: its first comment line, as the old pages showed.
        first = next((ln for ln in text.splitlines() if ln.startswith("#")), "")
        title = first.lstrip("#").strip()
    return SavedQuery(path.stem, title or path.stem, tuple(parameters), text, _page_line(text) >= 0)


def list_saved(folder: Path) -> list[SavedQuery]:
    """Every .rq file of `folder`, by name; unreadable ones raise (they are the project's own)."""
    if not folder.is_dir():
        return []
    return [parse_saved(path) for path in sorted(folder.glob("*.rq"))]


def find_saved(folder: Path, name: str) -> SavedQuery | None:
    """The saved query called `name` (file stem), or None when `name` is not one."""
    if not _QUERY_NAME.fullmatch(name):
        return None
    path = folder / f"{name}.rq"
    return parse_saved(path) if path.is_file() else None


# -- binding ------------------------------------------------------------------


def sparql_string(value: str) -> str:
    """A SPARQL string literal for any text: every character that could end it is escaped."""
    return '"' + "".join(_STRING_ESCAPES.get(ch, ch) for ch in value) + '"'


def _clean(param: Parameter, value: str) -> str:
    if len(value) > MAX_VALUE_CHARS:
        raise QueryError(f"parameter {param.name} is longer than {MAX_VALUE_CHARS} characters")
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise QueryError(f"parameter {param.name} contains control characters")
    return value.strip()


def _term(param: Parameter, value: str) -> str:
    if param.kind == "integer":
        if not _INTEGER.fullmatch(value):
            raise QueryError(f"parameter {param.name} must be a whole number, not {value!r}")
        return str(int(value))
    if param.kind == "class" and value:
        from kg.model import ENTITY_CLASSES

        by_lower = {name.lower(): name for name in ENTITY_CLASSES}
        if value.lower() not in by_lower:
            raise QueryError(
                f"parameter {param.name} is one of {', '.join(ENTITY_CLASSES)}, not {value!r}"
            )
        return sparql_string(by_lower[value.lower()])
    if param.kind == "boolean":
        flag = _BOOLEANS.get(value.lower())
        if flag is None:
            raise QueryError(f"parameter {param.name} must be true or false, not {value!r}")
        return "true" if flag else "false"
    return sparql_string(value)


def _values_lines(text: str, variable: str) -> list[re.Match[str]]:
    pattern = re.compile(r"VALUES[ \t]+\?" + re.escape(variable) + r"[ \t]*\{[^{}\n]*\}")
    return list(pattern.finditer(text))


def _page_line(text: str) -> int:
    for index, line in enumerate(text.splitlines()):
        if "# PAGE" in line and "LIMIT" in line.split("#", 1)[0]:
            return index
    return -1


#: Finds the entities a name denotes: (given name) -> their stored labels.
NameLookup = Callable[[str], list[str]]


def bind(
    saved: SavedQuery,
    values: Mapping[str, str],
    lookup: NameLookup | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> str:
    """The query text with the given parameter values, limit and offset written in.

    Unknown parameter names are refused (a typo would otherwise silently run
    the default). A `name` value is replaced by the stored labels of the
    entities it matches; when it matches none, the name itself is used, so
    the query answers no rows rather than everything.
    """
    declared = {p.name: p for p in saved.parameters}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise QueryError(
            f"{saved.name} has no parameter {', '.join(unknown)} (its parameters: {known})"
        )
    text = saved.text
    for param in saved.parameters:
        if param.name not in values:
            continue
        value = _clean(param, values[param.name])
        terms = [_term(param, value)]
        if param.kind == "name" and value and lookup is not None:
            labels = lookup(value)
            if labels:
                terms = [sparql_string(label) for label in labels]
        (match,) = _values_lines(text, param.variable)
        line = f"VALUES ?{param.variable} {{ {' '.join(terms)} }}"
        text = text[: match.start()] + line + text[match.end() :]
    if limit is not None or offset is not None:
        text = page(text, limit, offset)
    return text


def page(text: str, limit: int | None, offset: int | None) -> str:
    """Set LIMIT/OFFSET on the line marked `# PAGE`, or append them to a query without one."""
    if limit is not None and limit < 1:
        raise QueryError("--limit must be at least 1")
    if offset is not None and offset < 0:
        raise QueryError("--offset must not be negative")
    lines = text.splitlines()
    index = _page_line(text)
    if index < 0:
        extra = ([f"LIMIT {limit}"] if limit is not None else []) + (
            [f"OFFSET {offset}"] if offset is not None else []
        )
        return text.rstrip("\n") + "\n" + "\n".join(extra) + "\n"
    code, hash_, comment = lines[index].partition("#")
    if limit is not None:
        code = re.sub(r"LIMIT[ \t]+[0-9]+", f"LIMIT {limit}", code)
    if offset is not None:
        if re.search(r"OFFSET[ \t]+[0-9]+", code):
            code = re.sub(r"OFFSET[ \t]+[0-9]+", f"OFFSET {offset}", code)
        else:
            code = code.rstrip() + f" OFFSET {offset}   "
    lines[index] = code + hash_ + comment
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def match_names(
    wanted: str,
    names: Iterable[tuple[str, str, str]],
    normalize: Callable[[str], str],
    legal_forms: frozenset[str] = frozenset(),
) -> list[str]:
    """The labels of the entities called `wanted`: (entity, label, name) rows in, labels out.

    Exact normalised matches win; then matches with the legal form ignored on
    both sides ("Elbwerk e.V." finds "ELBWERK"); then, as in the network
    search, a name that contains `wanted` (only when that picks one entity).
    """
    target = normalize(wanted)
    if not target:
        return []
    labels: dict[str, str] = {}
    exact: set[str] = set()
    loose: set[str] = set()
    partial: set[str] = set()
    bare_target = strip_legal_form(target, legal_forms)
    for entity, label, name in names:
        labels[entity] = label
        norm = normalize(name)
        if norm == target:
            exact.add(entity)
        elif strip_legal_form(norm, legal_forms) == bare_target:
            loose.add(entity)
        elif target in norm:
            partial.add(entity)
    chosen = exact or loose or (partial if len(partial) == 1 else set())
    return sorted({labels[e] for e in chosen})


def strip_legal_form(normalised: str, legal_forms: frozenset[str]) -> str:
    """A normalised name without a trailing legal form ('elbwerk e v' -> 'elbwerk')."""
    words = normalised.split(" ")
    for cut in range(1, len(words)):
        if " ".join(words[cut:]) in legal_forms:
            return " ".join(words[:cut])
    return normalised


# -- names in the store ---------------------------------------------------------

_NAMES_QUERY = """
SELECT ?entity ?label ?name WHERE {
  ?entity <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  { ?entity <http://www.w3.org/2000/01/rdf-schema#label> ?name }
  UNION { ?entity <http://www.w3.org/2004/02/skos/core#altLabel> ?name }
  FILTER (STRSTARTS(STR(?entity), "%s"))
}
"""


def names_query() -> str:
    """Every entity's label and names, as (entity, label, name) rows: what a name is matched in."""
    from kg.namespace import ENTITY_BASE

    return _NAMES_QUERY % ENTITY_BASE


def legal_forms(words: Iterable[str], normalize: Callable[[str], str]) -> frozenset[str]:
    """The lexicon's legal forms ("GmbH", "e. V.") in the normalised form names are compared in."""
    return frozenset(form for form in (normalize(w) for w in words) if form)


def name_lookup(
    fetch: Callable[[], Iterable[tuple[str, str, str]]],
    normalize: Callable[[str], str],
    forms: frozenset[str],
) -> NameLookup:
    """A `NameLookup` over the store's names, read once (by `fetch`) when first needed."""
    rows: list[tuple[str, str, str]] = []
    loaded = False

    def lookup(wanted: str) -> list[str]:
        nonlocal loaded
        if not loaded:
            rows.extend(fetch())
            loaded = True
        return match_names(wanted, rows, normalize, forms)

    return lookup
