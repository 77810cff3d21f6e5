"""Incremental builds with the real pipeline: what was built is never built again.

tests/test_build.py checks the orchestration with stand-in NLP stages. These
tests run the real extractor on synthetic pages, because what must hold is a
property of real Extractions going through the build cache and back: an
incremental build (add, change, prune) ends in exactly the store a clean build
of the same files makes, cross-article resolution included, while only the
new and changed articles pass through the model.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.corpus import write_corpus
from kg.build.runner import BuildReport, Stages, build
from kg.config import Config
from kg.ingest import read_inputs
from kg.model import Article, Extraction
from kg.namespace import article_iri
from kg.store import open_store

pytestmark = pytest.mark.model


class Counting:
    """Real stages around the session pipeline, counting what reaches the model."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.loads = 0
        self.extracted: list[str] = []

    def load(self, cfg: Config) -> Any:
        self.loads += 1
        return self.nlp

    def extract(self, articles: Iterable[Article], nlp: Any, cfg: Config) -> Iterable[Extraction]:
        from kg.nlp.reader import extract

        def counted() -> Iterable[Article]:
            for art in articles:
                self.extracted.append(art.id)
                yield art

        return extract(counted(), nlp, cfg)

    def stages(self) -> Stages:
        return Stages(load_pipeline=self.load, extract=self.extract)


def _build(paths: list[Path], store: str, nlp: Any, **kwargs: Any) -> tuple[BuildReport, Counting]:
    counting = Counting(nlp)
    report = build(paths, Config(store=store), stages=counting.stages(), **kwargs)
    return report, counting


def _quads(store: str) -> list[str]:
    with open_store(Config(store=store)) as db:
        return [str(q) for q in db.quads(include_system=True)]


def _ids(path: Path) -> set[str]:
    articles, _ = read_inputs([path])
    return {a.id for a in articles}


@pytest.fixture
def pages(tmp_path: Path) -> list[Path]:
    """Eight synthetic pages; they share companies and institutes across pages."""
    return write_corpus(8, tmp_path / "pool", seed=11)


def _clean_build(folder: Path, tmp_path: Path, nlp: Any) -> list[str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    store = str(tmp_path / "store")
    _build([folder], store, nlp)
    return _quads(store)


def test_unchanged_rebuild_runs_no_nlp(pages: list[Path], tmp_path: Path, nlp: Any) -> None:
    folder = pages[0].parent
    store = str(tmp_path / "store")
    first, _ = _build([folder], store, nlp)
    before = _quads(store)
    report, counting = _build([folder], store, nlp)
    assert counting.loads == 0
    assert counting.extracted == []
    assert (report.extracted, report.graphs_written) == (0, 0)
    assert report.unchanged == first.articles
    assert _quads(store) == before


def test_added_and_changed_pages_equal_a_clean_build(
    pages: list[Path], tmp_path: Path, nlp: Any
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for page in pages[:5]:
        shutil.copy(page, folder)
    store = str(tmp_path / "store")
    _build([folder], store, nlp)
    old_ids = _ids(folder)

    # Three new pages, and one page edited (a sentence added to its main story).
    for page in pages[5:]:
        shutil.copy(page, folder)
    edited = folder / pages[0].name
    lines = edited.read_text(encoding="utf-8").split("\n\n")
    lines[2] += " The company from Leipzig opened a new laboratory at the BioCity Campus."
    edited.write_text("\n\n".join(lines), encoding="utf-8")
    new_ids = _ids(folder)
    fresh = new_ids - old_ids

    report, counting = _build([folder], store, nlp)
    assert set(counting.extracted) == fresh  # only new and changed text reached the model
    assert report.changed == 1
    gone = old_ids - new_ids
    assert len(gone) == 1
    with open_store(Config(store=store)) as db:
        names = db.graph_names()
    assert article_iri(gone.pop()) not in names
    # Resolution ran over cached and fresh extractions alike: same store as from scratch.
    assert _quads(store) == _clean_build(folder, tmp_path / "clean", nlp)


def test_prune_equals_a_clean_build_of_what_is_left(
    pages: list[Path], tmp_path: Path, nlp: Any
) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(pages[0].parent, folder)
    store = str(tmp_path / "store")
    _build([folder], store, nlp)
    (folder / pages[3].name).unlink()
    (folder / pages[6].name).unlink()

    kept, _ = _build([folder], store, nlp)
    assert kept.removed == 0  # without --prune a deleted file's articles stay...
    report, counting = _build([folder], store, nlp, prune=True)
    assert report.removed > 0  # ...with it they go, and their entities with them
    assert counting.extracted == []
    assert _quads(store) == _clean_build(folder, tmp_path / "clean", nlp)
