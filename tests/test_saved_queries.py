"""Saved queries with declared parameters: headers, binding, name matching, CLI, server.

Parameters are the one place where text from a user (a CLI flag, a URL) is
written into a query, so binding is tested with hostile values as well as
with every declared parameter of every saved query.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import cli
from kg.config import Config, default_queries_dir
from kg.errors import QueryError
from kg.names import normalize_name
from kg.sparql.saved import bind, match_names, parse_saved, sparql_string

QUERIES = sorted(default_queries_dir().glob("*.rq"))
PROLOGUE = "PREFIX kg: <https://w3id.org/cluster-kg/ontology#>\n"


def _parses(text: str) -> None:
    """Parse (and run) a query against an empty store: a syntax error raises."""
    from kg.namespace import PREFIXES

    ox.Store().query(text, prefixes=PREFIXES)


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_every_saved_query_declares_readable_parameters(path: Path) -> None:
    saved = parse_saved(path)
    # The question is read whole, however many lines it is wrapped over.
    assert saved.title.endswith(("?", ")", ".")), saved.title
    assert saved.parameters, f"{path.name} declares no parameter"
    for param in saved.parameters:
        assert param.meaning and param.kind in ("name", "text", "class", "integer", "boolean")
    # Binding every parameter to its own default gives a query that parses and runs.
    _parses(bind(saved, {p.name: p.default for p in saved.parameters}, limit=5, offset=10))


HOSTILE = [
    '" } } DROP ALL #',
    'a"b\\"c',
    "line\nbreak } UNION { ?s ?p ?o",
    "\\u0022 }",
    "'''",
    "Gießen & Co. KG",
]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("path", [p for p in QUERIES if p.stem in ("people-roles", "articles")])
def test_hostile_values_stay_one_string_literal(path: Path, value: str) -> None:
    saved = parse_saved(path)
    (param,) = saved.parameters
    text = bind(saved, {param.name: value})
    _parses(text)
    line = next(ln for ln in text.splitlines() if f"VALUES ?{param.variable}" in ln)
    assert line.split("{", 1)[1].rsplit("}", 1)[0].strip() == sparql_string(value.strip())


@pytest.mark.parametrize(
    ("kind", "value"), [("integer", "1; DROP"), ("integer", "1e9"), ("boolean", "maybe")]
)
def test_typed_parameters_refuse_other_values(tmp_path: Path, kind: str, value: str) -> None:
    path = tmp_path / "q.rq"
    path.write_text(
        f"# Question: Typed?\n# Parameter: x (?x, {kind}, default 1): a value\n"
        "SELECT ?x WHERE { VALUES ?x { 1 } }\n",
        encoding="utf-8",
    )
    with pytest.raises(QueryError, match="parameter x"):
        bind(parse_saved(path), {"x": value})


def test_unknown_parameters_and_missing_values_lines_are_errors(tmp_path: Path) -> None:
    saved = parse_saved(default_queries_dir() / "people-roles.rq")
    with pytest.raises(QueryError, match="has no parameter nobody"):
        bind(saved, {"nobody": "x"})
    path = tmp_path / "broken.rq"
    path.write_text('# Parameter: x (?x, text, default ""): x\nSELECT * WHERE { ?s ?p ?o }\n')
    with pytest.raises(QueryError, match="VALUES"):
        parse_saved(path)


NAMES = [
    ("e1", "BioSaxony", "BioSaxony"),
    ("e1", "BioSaxony", "biosaxony e.V."),
    ("e2", "Universität Gießen", "Universität Gießen"),
    ("e3", "Medi-Log GmbH", "Medi-Log GmbH"),
    ("e4", "Cell & Gene Network", "Cell & Gene Network"),
]
LEGAL = frozenset({"e v", "gmbh", "ag"})


@pytest.mark.parametrize(
    ("given", "labels"),
    [
        ("Biosaxony e.V.", ["BioSaxony"]),
        ("BIOSAXONY", ["BioSaxony"]),
        ("universitat gießen", ["Universität Gießen"]),
        ("medi-log", ["Medi-Log GmbH"]),
        ("Medi Log AG", ["Medi-Log GmbH"]),
        ("cell and gene network", ["Cell & Gene Network"]),
        ("nobody at all", []),
    ],
)
def test_names_match_like_the_network_search(given: str, labels: list[str]) -> None:
    assert match_names(given, NAMES, normalize_name, LEGAL) == labels


# -- the CLI ---------------------------------------------------------------------


def test_query_list_shows_questions_and_parameters(runner) -> None:
    result = runner.invoke(cli, ["query", "--list"])
    assert result.exit_code == 0, result.output
    for path in QUERIES:
        saved = parse_saved(path)
        assert saved.name in result.output and saved.title in result.output
        for param in saved.parameters:
            assert f"--param {param.name}=" in result.output


def test_saved_query_by_name_with_parameter_and_page(runner, sample_store: str) -> None:
    base = ["--store", sample_store, "query", "--format", "csv"]
    everyone = runner.invoke(cli, [*base, "organisations-by-place"])
    assert everyone.exit_code == 0, everyone.output
    one = runner.invoke(cli, [*base, "organisations-by-place", "--param", "place=TAUNCHEN"])
    assert one.exit_code == 0, one.output
    assert "Täunchen" in one.output
    none = runner.invoke(cli, [*base, "organisations-by-place", "--param", "place=Nowhere"])
    assert none.output.splitlines()[1:] == []
    skipped = runner.invoke(cli, [*base, "organisations-by-place", "--offset", "100"])
    assert skipped.exit_code == 0 and skipped.output.splitlines()[1:] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["people-roles", "--param", "nobody=x"], "has no parameter nobody"),
        (["people-roles", "--param", "novalue"], "NAME=VALUE"),
        (["SELECT * WHERE { ?s ?p ?o }", "--param", "x=1"], "saved query"),
        (["no-such-saved-query"], "invalid SPARQL"),
    ],
)
def test_parameter_mistakes_are_one_line_errors(runner, sample_store: str, args, message) -> None:
    result = runner.invoke(cli, ["--store", sample_store, "query", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


# -- the server --------------------------------------------------------------------


@pytest.fixture
def server_url(sample_store: str) -> Iterator[str]:
    from kg.sparql.server import ServeOptions, make_server

    server = make_server(Config(store=sample_store), ServeOptions(port=0))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        server.holder.close()
        thread.join(10)


def test_queries_catalogue_and_binding_over_http(server_url: str) -> None:
    with urllib.request.urlopen(server_url + "queries", timeout=30) as resp:
        catalogue = json.load(resp)
    assert {q["name"] for q in catalogue["queries"]} == {p.stem for p in QUERIES}
    assert catalogue["prefixes"]["ent"].endswith("/id/entity/")
    url = server_url + "queries/organisations-by-place?place=t%C3%A4unchen&limit=7"
    with urllib.request.urlopen(url, timeout=30) as resp:
        text = resp.read().decode("utf-8")
    assert 'VALUES ?placeName { "Täunchen" }' in text and "LIMIT 7" in text
    for bad in (
        "queries/people-roles?nobody=1",
        "queries/people-roles?person=a&person=b",
        "queries/people-roles?limit=-1",
        "queries/..%2Fsecret",
        "queries/nope",
    ):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server_url + bad, timeout=30)
        assert err.value.code in (400, 404)


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_every_saved_query_binds_and_runs_over_http(server_url: str, path: Path) -> None:
    """What the query page does: bind the form's values, then POST the text to /sparql."""
    saved = parse_saved(path)
    values = {p.name: p.default for p in saved.parameters}
    query = urllib.parse.urlencode({**values, **({"limit": "3"} if saved.paged else {})})
    with urllib.request.urlopen(f"{server_url}queries/{saved.name}?{query}", timeout=30) as resp:
        text = resp.read()
    request = urllib.request.Request(
        server_url + "sparql",
        data=text,
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    with urllib.request.urlopen(request, timeout=60) as resp:
        assert resp.status == 200


def test_class_parameters_take_any_case() -> None:
    saved = parse_saved(default_queries_dir() / "entity-names.rq")
    assert 'VALUES ?className { "Company" }' in bind(saved, {"class": "company"})
