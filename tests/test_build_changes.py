"""What a build tells: -v logs what it reads and skips, the summary names what changed,
--report writes every name as JSON, and sources no longer given get a --prune hint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers_docs import run

from kg.build.runner import build
from kg.cli import cli
from kg.config import Config

pytestmark = pytest.mark.model


def test_first_build_names_its_new_articles(
    reuse_nlp: object, seed_dir: Path, tmp_store: str
) -> None:
    report = build([seed_dir], Config(store=tmp_store))
    assert len(report.changes.new) == 6 and not report.changes.removed
    assert any("Cell Therapies" in title for title in report.changes.new)
    (line,) = report.changes.lines()
    assert line.startswith("Changed: 6 new (") and line.endswith("and 3 more)")
    assert report.changes.hint() is None


def test_unchanged_rebuild_reports_no_change(
    reuse_nlp: object, seed_dir: Path, tmp_store: str
) -> None:
    build([seed_dir], Config(store=tmp_store))
    again = build([seed_dir], Config(store=tmp_store))
    assert again.changes.lines() == [] and again.warnings == []


def test_a_changed_article_and_its_entity_changes_are_named(
    reuse_nlp: object, seed_dir: Path, tmp_store: str
) -> None:
    build([seed_dir], Config(store=tmp_store))
    page = next(seed_dir.glob("000_*.txt"))
    page.write_text(page.read_text(encoding="utf-8").replace("Bioplanta", "Florapharm"), "utf-8")
    report = build([seed_dir], Config(store=tmp_store))
    assert report.changes.changed and not report.changes.new
    assert "Florapharm" in report.changes.entities_added
    assert "Bioplanta" in report.changes.entities_removed
    changed, figures = report.changes.lines()
    assert changed.startswith("Changed: 1 changed (")
    assert "entities 1 added (Florapharm)" in figures


def test_a_deleted_source_is_kept_with_a_prune_hint(
    reuse_nlp: object, seed_dir: Path, tmp_store: str
) -> None:
    first = build([seed_dir], Config(store=tmp_store))
    gone = next(seed_dir.glob("003_*.txt"))
    gone.unlink()
    report = build([seed_dir], Config(store=tmp_store))
    assert report.removed == 0 and report.entities == first.entities  # kept, as before
    (hint,) = report.warnings
    assert hint.startswith("3 stored articles came from sources not given this time")
    assert "1 source no longer exists" in hint and gone.name in hint and "--prune" in hint
    pruned = build([seed_dir], Config(store=tmp_store), prune=True)
    assert pruned.removed == 3 and len(pruned.changes.removed) == 3 and pruned.warnings == []
    assert any(figure.startswith("  -") for figure in pruned.changes.lines())


def test_report_file_lists_every_change(reuse_nlp: object, seed_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    store = str(tmp_path / "store")
    result = CliRunner().invoke(
        cli, ["--store", store, "build", str(seed_dir), "--report", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Changed: 6 new" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["changes"]["new"]) == 6 and data["new"] == 6
    assert data["changes"]["after"]["entities"] == data["entities"]


def test_verbose_build_logs_what_it_reads_and_skips(tmp_path: Path, seed_dir: Path) -> None:
    (seed_dir / "empty.txt").write_text("", encoding="utf-8")
    status, output = run(f"kg -v --store {tmp_path / 'store'} build {seed_dir}", tmp_path)
    assert status == 0, output
    assert output.count("INFO kg.build.runner: read ") == 6
    assert "INFO kg.build.runner: skipped " in output and "empty.txt" in output
    assert "to extract" in output and "graphs into a new store" in output
