"""`kg eval` on a store that holds more articles than the gold file lists.

The made-up corpus has two articles, read from a1.txt and a2.txt. A gold file
for a1.txt alone must be scored on a1's graph and the entities a1 mentions,
with a warning that a2 was left out, instead of counting a2's entities as
false positives without a word.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.config import Config
from kg.eval.score import evaluate

#: What a1 says (entities it mentions, its asserted relations), in the gold format.
A1_GOLD = {
    "articles": ["a1.txt"],
    "entities": [
        {"id": "net", "types": ["Cluster"], "names": ["Saxon Life Net", "SLN"]},
        {"id": "wg", "types": ["Cluster"], "names": ['Working group "Organoids"']},
        {
            "id": "inst",
            "types": ["Institution"],
            "names": ["Institute for Tissue & Organ Research"],
        },
        {"id": "univ", "types": ["Institution"], "names": ["University of Elbtal"]},
        {"id": "acme", "types": ["Company"], "names": ["Acme <Bio> GmbH", "Acme"]},
        {"id": "zell", "types": ["Company"], "names": ["Zellwerk Müller AG"]},
        {"id": "ada", "types": ["Person"], "names": ["Ada Nováková"]},
        {"id": "town", "types": ["Place"], "names": ["Elbtal"]},
        {"id": "prod", "types": ["Product"], "names": ["CartiFix"]},
    ],
    "relations": [
        ["acme", "memberOf", "wg"],
        ["zell", "memberOf", "wg"],
        ["wg", "partOf", "net"],
        ["inst", "partOf", "univ"],
        ["ada", "affiliatedWith", "acme"],
        ["inst", "locatedIn", "town"],
        ["zell", "produces", "prod"],
    ],
}


@pytest.fixture
def corpus(corpus_store: str, tmp_path: Path) -> tuple[str, Path]:
    gold = tmp_path / "a1.json"
    gold.write_text(json.dumps(A1_GOLD), encoding="utf-8")
    return corpus_store, gold


def test_only_the_gold_articles_are_scored_and_the_rest_is_named(corpus: tuple[str, Path]) -> None:
    location, gold = corpus
    report = evaluate(gold, Config(store=location))
    assert (report.entities.precision, report.entities.recall) == (1.0, 1.0)
    assert (report.relations.precision, report.relations.recall) == (1.0, 1.0)
    (warning,) = report.warnings
    assert "2 articles, 1 of them" in warning and "scoring only the 1" in warning
    assert json.loads(report.to_json())["warnings"] == [warning]


def test_gold_articles_missing_from_the_store_are_named(corpus: tuple[str, Path]) -> None:
    location, gold = corpus
    gold.write_text(json.dumps({**A1_GOLD, "articles": ["a1.txt", "gone.txt"]}), encoding="utf-8")
    report = evaluate(gold, Config(store=location))
    assert any("not in the store: gone.txt" in w for w in report.warnings)


def test_a_store_of_exactly_the_gold_articles_has_no_warning(corpus: tuple[str, Path]) -> None:
    location, gold = corpus
    gold.write_text(json.dumps({**A1_GOLD, "articles": ["a1.txt", "a2.txt"]}), encoding="utf-8")
    report = evaluate(gold, Config(store=location))
    assert report.warnings == []
    assert report.entities.predicted == 12  # a2's entities are scored (as false) again


def test_the_cli_prints_the_warning_on_stderr(corpus: tuple[str, Path]) -> None:
    location, gold = corpus
    result = CliRunner().invoke(cli, ["--store", location, "eval", str(gold)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: the store holds 2 articles")
    assert "entities " in result.stdout
