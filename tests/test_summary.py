"""The build summary: the figures the corpus-wide saved queries read instead of the corpus.

statements-by-rule.rq and entities-by-articles.rq read per-rule summary nodes
and per-entity article counts that `kg build` writes to the system graph. What
must hold is that they always give the rows the aggregate over the statements
and mentions themselves gives (the formulation each query file documents), on
a first build with one worker or several, after articles are added and
changed, after a deleted file is kept, and after `--prune` removes it; and
that exports, which people take elsewhere, never carry them.

The extractor here is a stand-in that reads facts spelled out in the text
("Acme memberOf Lab by r-one at 0.55 maybe."), so each test states exactly
which rules, confidences and hedges the store holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers_queries import BY_ARTICLES, BY_RULE, aggregate_by_articles, aggregate_by_rule

from kg.build.runner import BuildReport, Stages, build
from kg.config import Config
from kg.model import (
    Article,
    Entity,
    Evidence,
    Extraction,
    LocalEntity,
    Mention,
    RelationFact,
    Resolution,
)
from kg.store import open_store
from kg.view.export import export

FACT = re.compile(
    r"\b([A-Z]\w+) (memberOf|partOf|participatesIn) ([A-Z]\w+) by ([\w-]+) at ([\d.]+)( maybe)?\."
)


def extract(articles: Iterable[Article], nlp: object, cfg: Config) -> Iterator[Extraction]:
    """Entities are the ends of the spelled-out facts; each fact is one statement."""
    for art in articles:
        mentions: dict[str, list[Mention]] = {}
        relations = []
        for m in FACT.finditer(art.text):
            for group in (1, 3):
                word = m.group(group)
                mention = Mention(m.start(group), m.end(group), word)
                mentions.setdefault(word, []).append(mention)
            evidence = Evidence(m.group(), m.start(), m.end(), m.group(4), float(m.group(5)))
            relations.append(
                RelationFact(m.group(1), m.group(2), m.group(3), evidence, hedged=bool(m.group(6)))
            )
        entities = [
            LocalEntity(key=word, types=("Company",), names=(word,), mentions=tuple(found))
            for word, found in sorted(mentions.items())
        ]
        yield Extraction(article=art, entities=entities, relations=relations)


def resolve(extractions: Iterable[Extraction], cfg: Config) -> Resolution:
    """One entity per word, across articles: "Acme" in two articles is one node."""
    res = Resolution()
    for ex in extractions:
        for ent in ex.entities:
            res.mapping[(ex.article.id, ent.key)] = ent.key.lower()
            res.entities[ent.key.lower()] = Entity(ent.key.lower(), ent.types, ent.key, ())
    return res


def in_process(articles: Iterable[Article], cfg: Config) -> Iterator[Extraction]:
    return extract(articles, "nlp", cfg)


STAGES = Stages(lambda cfg: "nlp", extract, resolve, in_process)

ARTICLES = {
    # r-one: 0.55, 0.525 and 0.5 in two articles: mean 0.525. r-two: a hedged 0.6 here.
    "a": "Acme memberOf Lab by r-one at 0.55. Beta partOf Lab by r-two at 0.6 maybe. "
    "Acme memberOf Hub by r-one at 0.525.",
    "b": "Gamma memberOf Lab by r-one at 0.5. Gamma partOf Hub by r-three at 0.9.",
    # r-two: 0.6, 0.7, 0.65 over two articles: mean 0.65, two of three hedged.
    "c": "Delta participatesIn Lab by r-two at 0.7 maybe. Acme memberOf Lab by r-two at 0.65.",
    # r-four fires only here, so pruning this file must remove its summary.
    "d": "Acme partOf Hub by r-four at 0.8. Acme memberOf Lab by r-four at 0.7.",
}


def write(folder: Path, name: str, text: str) -> None:
    record = {"title": f"News {name}", "text": text}
    (folder / f"{name}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in ARTICLES.items():
        write(folder, name, text)
    return folder


@pytest.fixture(params=[1, 2], ids=["1-worker", "2-workers"])
def workers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """With 2, the first build makes its article graphs in worker processes, one per task."""
    monkeypatch.setattr("kg.build.runner.MIN_ARTICLES_PER_WORKER", 1)
    monkeypatch.setattr("kg.build.workers.NQUADS_BATCH", 1)
    return int(request.param)


def run_build(folder: Path, store: str, workers: int = 1, **kwargs: Any) -> BuildReport:
    return build([folder], Config(store=store, workers=workers), stages=STAGES, **kwargs)


#: (saved query, the aggregate over the statements or mentions it stands for)
PAIRS = {
    "statements-by-rule": (BY_RULE.read_text(encoding="utf-8"), aggregate_by_rule()),
    "entities-by-articles": (BY_ARTICLES.read_text(encoding="utf-8"), aggregate_by_articles()),
}


def answers(db: Any, text: str) -> list[tuple[str | None, ...]]:
    """Rows as N-Triples terms (datatypes count), GROUP_CONCAT lists sorted."""
    result = db.query(text)
    names = [v.value for v in result.variables]
    rows = []
    for row in result:
        values: list[str | None] = []
        for name in names:
            term = row[name]
            if term is not None and name == "types":
                values.append(", ".join(sorted(term.value.split(", "))))
            else:
                values.append(None if term is None else str(term))
        rows.append(tuple(values))
    return rows


def both(store: str) -> dict[str, tuple[list[tuple[str | None, ...]], list[Any]]]:
    """For each pair: the saved query's rows and the aggregate's rows."""
    with open_store(Config(store=store)) as db:
        return {name: (answers(db, q), answers(db, agg)) for name, (q, agg) in PAIRS.items()}


def assert_summaries_agree(store: str) -> dict[str, list[tuple[str | None, ...]]]:
    found = both(store)
    for name, (summary, aggregate) in found.items():
        assert summary, f"{name} found nothing"
        assert summary == aggregate, name
    return {name: rows for name, (rows, _) in found.items()}


def plain(rows: list[tuple[str | None, ...]]) -> list[tuple[str, ...]]:
    """Lexical values only, for readable expectations."""
    return [tuple(re.sub(r'^"(.*)"(\^\^<.*>)?$', r"\1", v or "") for v in row) for row in rows]


def by_rule(store: str) -> list[tuple[str, ...]]:
    return plain(assert_summaries_agree(store)["statements-by-rule"])


def by_articles(store: str) -> dict[str, str]:
    rows = plain(assert_summaries_agree(store)["entities-by-articles"])
    return {label: articles for _, label, _, articles in rows}


FIRST_RULES = [
    ("r-one", "3", "0", "2", "0.525"),
    ("r-two", "3", "2", "2", "0.65"),
    ("r-four", "2", "0", "1", "0.75"),
    ("r-three", "1", "0", "1", "0.9"),
]
FIRST_ARTICLES = {"Lab": "4", "Acme": "3", "Hub": "3", "Gamma": "1", "Beta": "1", "Delta": "1"}


def test_first_build_summaries_equal_the_aggregates(
    corpus: Path, tmp_path: Path, workers: int
) -> None:
    store = str(tmp_path / "store")
    run_build(corpus, store, workers)
    assert by_rule(store) == FIRST_RULES
    assert by_articles(store) == FIRST_ARTICLES


def test_summaries_follow_added_and_changed_articles(
    corpus: Path, tmp_path: Path, workers: int
) -> None:
    store = str(tmp_path / "store")
    run_build(corpus, store, workers)
    # One article more (r-one fires in a third article), one changed (r-three goes from
    # b, and its statement with it; r-five is new), and a mean that is a tie: r-one's
    # 0.55, 0.525, 0.5, 0.475 and 0.5125 sum to 2.5625 over 5, 0.5125, rounded up.
    write(
        corpus,
        "e",
        "Epsilon memberOf Lab by r-one at 0.475. Epsilon memberOf Hub by r-one at 0.5125.",
    )
    write(
        corpus,
        "b",
        "Gamma memberOf Lab by r-one at 0.5. Gamma partOf Acme by r-five at 0.35 maybe.",
    )
    report = run_build(corpus, store, workers)
    assert (report.new, report.changed, report.unchanged) == (1, 1, 3)
    assert by_rule(store) == [
        ("r-one", "5", "0", "3", "0.513"),
        ("r-two", "3", "2", "2", "0.65"),
        ("r-four", "2", "0", "1", "0.75"),
        ("r-five", "1", "1", "1", "0.35"),
    ]
    assert by_articles(store) == {**FIRST_ARTICLES, "Lab": "5", "Acme": "4", "Epsilon": "1"}


def test_summaries_follow_pruning(corpus: Path, tmp_path: Path, workers: int) -> None:
    store = str(tmp_path / "store")
    run_build(corpus, store, workers)
    (corpus / "d.jsonl").unlink()
    kept = run_build(corpus, store, workers)
    assert (kept.removed, kept.graphs_written) == (0, 0)  # without --prune d's article stays
    assert by_rule(store) == FIRST_RULES
    pruned = run_build(corpus, store, workers, prune=True)
    assert pruned.removed == 1
    assert by_rule(store) == [r for r in FIRST_RULES if r[0] != "r-four"]
    assert by_articles(store) == {**FIRST_ARTICLES, "Lab": "3", "Acme": "2", "Hub": "2"}


def test_summaries_are_not_exported(corpus: Path, tmp_path: Path) -> None:
    """Derived, corpus-relative figures stay in the store's system graph."""
    store = str(tmp_path / "store")
    run_build(corpus, store)
    with open_store(Config(store=store)) as db:
        for fmt in ("turtle", "trig", "nquads", "ntriples", "jsonld"):
            out = tmp_path / f"graph.{fmt}"
            export(db, fmt, out)
            text = out.read_text(encoding="utf-8")
            assert "Lab" in text and "r-one" in text  # the statements are there...
            for term in ("RuleSummary", "articleCount", "statementCount", "summary/rule"):
                assert term not in text, (fmt, term)  # ...their summary is not
        assert len(answers(db, BY_RULE.read_text(encoding="utf-8"))) == 4


@pytest.mark.model
def test_seed_build_summaries_agree_and_validate(built_store: str) -> None:
    """The real pipeline on the seed articles: the same rows both ways, and a valid graph."""
    from kg.eval.shapes import validate

    rows = assert_summaries_agree(built_store)
    assert len(rows["statements-by-rule"]) > 5
    with open_store(Config(store=built_store)) as db:
        report = validate(db, Config(store=built_store))
    assert report.conforms, report.text
