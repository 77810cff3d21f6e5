"""The server's pages besides the protocol endpoint: the saved-query catalogue, saved
queries bound to a URL's parameters, and the descriptions behind data IRIs.

Kept out of `server` so the HTTP plumbing stays readable; every function here
gets the server's guarded `run` (slots, timeout, row cap) and never touches
the store itself, so what protects /sparql protects these routes too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from kg.errors import QueryError
from kg.sparql.protocol import HTTPError, negotiate, serialize

log = logging.getLogger(__name__)

Run = Callable[[str], Any]  # query text -> protocol.Answer
#: Digits of a limit or offset in a URL: far beyond any graph, short enough to parse cheaply.
_MAX_DIGITS = 9


def catalogue(folder: Path) -> bytes:
    """kg's prefixes and the saved queries of `folder` (question, parameters, text) as JSON.

    A malformed .rq file is skipped with a warning: one bad file in a user's
    folder must not take the query page down.
    """
    from kg.model import ENTITY_CLASSES
    from kg.namespace import DATA_BASE, PREFIXES
    from kg.sparql.saved import parse_saved

    entries = []
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        try:
            entries.append(parse_saved(path).to_json())
        except QueryError as exc:
            log.warning("skipping saved query %s: %s", path, exc)
    doc = {
        "prefixes": PREFIXES,
        "dataBase": DATA_BASE,
        "classes": list(ENTITY_CLASSES),
        "queries": entries,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def lexicon_legal_forms(lexicon_dir: Path) -> frozenset[str]:
    """The lexicon's legal forms in the normalised form names are compared in."""
    from kg.lexicon import load_lexicon
    from kg.names import normalize_name
    from kg.sparql.saved import legal_forms

    return legal_forms(load_lexicon(lexicon_dir).words("legal_forms"), normalize_name)


def bound_query(folder: Path, name: str, query_string: str, run: Run, forms: frozenset[str]) -> str:
    """The saved query `name` with the URL's parameters (and limit/offset) written in.

    400 for an unknown or repeated parameter or a bad value, 404 for a name
    that is no saved query; name parameters are looked up with one query.
    """
    from kg.names import normalize_name
    from kg.sparql.saved import bind, find_saved, name_lookup, names_query

    try:
        saved = find_saved(folder, name)
    except QueryError as exc:
        raise HTTPError(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc)) from exc
    if saved is None:
        raise HTTPError(HTTPStatus.NOT_FOUND, f"no saved query called {name!r}")
    values: dict[str, str] = {}
    for key, items in parse_qs(query_string, keep_blank_values=True).items():
        if len(items) != 1:
            raise HTTPError(HTTPStatus.BAD_REQUEST, f"give parameter {key!r} once")
        values[key] = items[0]
    paging: dict[str, int] = {}
    for key in ("limit", "offset"):
        raw = values.pop(key, "").strip()
        if raw:
            if not raw.isdigit() or len(raw) > _MAX_DIGITS:
                raise HTTPError(HTTPStatus.BAD_REQUEST, f"{key} must be a whole number")
            paging[key] = int(raw)

    def fetch() -> list[tuple[str, str, str]]:
        answer = run(names_query())
        return [(row[0].value, row[1].value, row[2].value) for row in answer.rows]

    try:
        return bind(
            saved,
            values,
            name_lookup(fetch, normalize_name, forms),
            paging.get("limit"),
            paging.get("offset"),
        )
    except QueryError as exc:
        raise HTTPError(HTTPStatus.BAD_REQUEST, str(exc)) from exc


def resource(
    path: str, query_string: str, accept: str | None, run: Run, template: Any = None
) -> tuple[bytes, str]:
    """What a data IRI's path answers: (body, media type), by `?format=` or by Accept.

    Linked Data practice: the IRI itself answers (no redirect), HTML for
    browsers and `*/*`, Turtle, N-Triples or JSON-LD for RDF clients; the
    caller adds `Vary: Accept`. 404 when the graph says nothing about it.
    """
    from kg.sparql import pages

    iri = pages.iri_for_path(path)
    if iri is None:
        raise HTTPError(HTTPStatus.NOT_FOUND, f"no such page: {path}")
    chosen = parse_qs(query_string).get("format")
    if chosen:
        media = pages.FORMATS.get(chosen[0])
        if media is None:
            raise HTTPError(HTTPStatus.BAD_REQUEST, f"format is one of {', '.join(pages.FORMATS)}")
    else:
        media = negotiate(accept, pages.PAGE_TYPES)
        if media is None:
            raise HTTPError(
                HTTPStatus.NOT_ACCEPTABLE,
                f"cannot answer in {accept}; this IRI is described as "
                + ", ".join(pages.PAGE_TYPES),
            )
    missing = HTTPError(HTTPStatus.NOT_FOUND, f"the graph says nothing about <{iri}>")
    if media == "text/html":
        view = pages.describe(run, iri)
        if view is None:
            raise missing
        return pages.render(view, template), media
    answer = run(pages.describe_query(iri))
    if not answer.triples:
        raise missing
    return serialize(answer, media), media
