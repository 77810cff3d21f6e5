"""Queries: every output format, read-only refusal, error positions, .rq files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rdflib

from kg.config import Config
from kg.errors import FormatError, QueryError, StoreError
from kg.sparql.query import answer, format_output, load_query, run_query
from kg.store import open_store

LABELS = """SELECT ?e ?label WHERE {
  GRAPH graph:entities { ?e rdfs:label ?label }
} ORDER BY ?label"""


@pytest.fixture
def store(sample_store: str):
    with open_store(Config(store=sample_store)) as s:
        yield s


def test_table_shortens_iris_and_aligns(store) -> None:
    text = format_output(run_query(store, LABELS), "table")
    lines = text.splitlines()
    assert lines[0].split() == ["e", "label"]
    assert lines[2].split(maxsplit=1) == ["ent:acme", "Acme GmbH"]
    assert lines[-1] == "(3 rows)"
    label_column = lines[0].index("label")
    assert all(line[label_column - 2 : label_column] == "  " for line in lines[2:-1])
    assert "Täunchen" in text


def test_table_keeps_cells_on_one_line(store) -> None:
    text = format_output(run_query(store, "SELECT ?s WHERE { ?x kg:sentence ?s }"), "table")
    assert 'Acme is a member of the "Lab" network.' in text


def test_csv_is_w3c(store) -> None:
    text = format_output(run_query(store, LABELS), "csv")
    assert text.startswith("e,label\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["https://w3id.org/cluster-kg/id/entity/acme", "Acme GmbH"]


def test_tsv_is_w3c(store) -> None:
    text = format_output(run_query(store, LABELS), "tsv")
    header, first = text.splitlines()[:2]
    assert header == "?e\t?label"
    assert first == '<https://w3id.org/cluster-kg/id/entity/acme>\t"Acme GmbH"'


def test_json_is_w3c(store) -> None:
    data = json.loads(format_output(run_query(store, LABELS), "json"))
    assert data["head"]["vars"] == ["e", "label"]
    assert data["results"]["bindings"][0]["label"] == {"type": "literal", "value": "Acme GmbH"}


@pytest.mark.parametrize(("fmt", "expected"), [("table", "true"), ("json", '"boolean":true')])
def test_ask(store, fmt: str, expected: str) -> None:
    assert expected in format_output(run_query(store, "ASK { ?x a kg:Company }"), fmt)


def test_construct_prints_turtle(store) -> None:
    output = run_query(store, "CONSTRUCT { ?e a kg:Company } WHERE { ?e a kg:Company }")
    text = format_output(output, "table")
    assert "@prefix kg:" in text
    graph = rdflib.Graph().parse(data=text, format="turtle")
    assert len(graph) == 1


def test_construct_refuses_result_formats(store) -> None:
    output = run_query(store, "DESCRIBE ent:acme")
    with pytest.raises(FormatError, match="CONSTRUCT/DESCRIBE"):
        format_output(output, "csv")


def test_unbound_values_are_empty(store) -> None:
    query = "SELECT ?a ?d WHERE { ?a a kg:Article OPTIONAL { ?a kg:date ?d } } ORDER BY ?a"
    lines = format_output(run_query(store, query), "table").splitlines()
    assert lines[2].split() == ["art:a1", "2020-02-17"]
    assert lines[3].split() == ["art:a2"]


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX x: <http://x/#>\n# comment with INSERT\ndelete where { ?s ?p ?o }",
        "  DROP ALL",
        "CLEAR GRAPH <urn:g>",
        "LOAD <http://example.org/x.ttl>",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(store, update: str) -> None:
    before = list(store.quads(include_system=True))
    with pytest.raises(QueryError, match="read-only"):
        run_query(store, update)
    assert list(store.quads(include_system=True)) == before


def test_query_mentioning_update_words_is_fine(store) -> None:
    query = "PREFIX insert: <http://x/#delete>\nSELECT ?drop WHERE { ?drop ?p ?o } LIMIT 1"
    assert run_query(store, query).kind == "select"


def test_invalid_sparql_reports_line_and_column(store) -> None:
    with pytest.raises(QueryError, match=r"line 3, column \d+"):
        run_query(store, "SELECT ?s\nWHERE {\n  ?s ?p }")


def test_unknown_prefix_is_a_query_error(store) -> None:
    with pytest.raises(QueryError, match="invalid SPARQL"):
        run_query(store, "SELECT * WHERE { ?s nope:x ?o }")


def test_load_query_reads_rq_files(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert load_query(str(path)) == "ASK { ?s ?p ?o }"
    assert load_query("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"
    assert load_query("SELECT " + "x" * 300) == "SELECT " + "x" * 300


def test_load_query_missing_rq_file(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="query file not found"):
        load_query(str(tmp_path / "nope.rq"))


def test_load_query_undecodable_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_bytes(b"SELECT \xff\xfe")
    with pytest.raises(QueryError, match="cannot read query file"):
        load_query(str(path))


def test_answer_checks_format_before_opening(tmp_store: str) -> None:
    with pytest.raises(FormatError, match="table, csv, tsv, json"):
        answer(Config(store=tmp_store), "ASK {}", "xml")


def test_answer_on_missing_store(tmp_store: str) -> None:
    with pytest.raises(StoreError, match="no store at"):
        answer(Config(store=tmp_store), "ASK {}")


def test_answer_end_to_end(sample_store: str) -> None:
    assert answer(Config(store=sample_store), "ASK { ?x a kg:Place }") == "true\n"
