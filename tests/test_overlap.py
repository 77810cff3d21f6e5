"""kg.build.overlap: the model in a second thread changes nothing but the time it takes."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from benchmarks.corpus import write_corpus
from kg.build.overlap import SWITCH_INTERVAL, extract_overlapped, spare_core
from kg.build.workers import extract_parallel
from kg.config import Config
from kg.ingest import read_inputs
from kg.model import Article

SEEDS = Path(__file__).resolve().parent.parent / "data" / "articles"

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> list[Article]:
    root = tmp_path_factory.mktemp("overlap")
    write_corpus(8, root / "synthetic", seed=11)
    found, _skipped = read_inputs([SEEDS, root / "synthetic"])
    return found


def _model_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kg-model"]


def test_the_same_extractions_as_one_thread(articles: list[Article], nlp) -> None:
    """Zones of three articles: Docs cross the hand-over and zone ends many times."""
    cfg = Config(batch_size=2)
    plain = extract_parallel(articles, cfg, 1, nlp=nlp, overlap=False)
    overlapped = extract_overlapped(articles, nlp, cfg, zone_articles=3)
    assert [ex.to_json() for ex in overlapped] == [ex.to_json() for ex in plain]
    assert not _model_threads()


def test_the_switch_interval_is_restored(articles: list[Article], nlp) -> None:
    before = sys.getswitchinterval()
    stream = extract_overlapped(articles[:2], nlp, Config())
    next(stream)
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)  # while the threads run
    stream.close()
    assert sys.getswitchinterval() == before


def test_a_model_error_reaches_the_caller(
    articles: list[Article], nlp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.nlp.pipeline

    def boom(doc):  # a model component that fails on the third Doc
        if doc.text == articles[2].text:
            raise ValueError("model failed on this text")
        return doc

    real = kg.nlp.pipeline.split_pipeline
    monkeypatch.setattr(
        kg.nlp.pipeline,
        "split_pipeline",
        lambda nlp: ([*real(nlp)[0], ("boom", boom)], real(nlp)[1]),
    )
    stream = extract_overlapped(articles, nlp, Config(batch_size=1))
    assert len([next(stream), next(stream)]) == 2  # the Docs before the failing one
    with pytest.raises(ValueError, match="model failed on this text"):
        next(stream)
    assert not _model_threads()


def test_stopping_early_stops_the_model_thread(articles: list[Article], nlp) -> None:
    stream = extract_overlapped(articles, nlp, Config(batch_size=1))
    next(stream)
    assert _model_threads()  # still working ahead
    stream.close()
    assert not _model_threads()


def test_the_in_process_default_follows_the_cores(
    articles: list[Article], nlp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One worker overlaps by default only where a spare core exists."""
    import kg.build.overlap

    calls: list[int] = []
    real = kg.build.overlap.extract_overlapped

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(kg.build.overlap, "extract_overlapped", counted)
    for cores, expected in ((False, []), (True, [1])):
        calls.clear()
        monkeypatch.setattr(kg.build.overlap, "spare_core", lambda cores=cores: cores)
        list(extract_parallel(articles[:1], Config(), 1, nlp=nlp))
        assert calls == expected
    assert isinstance(spare_core(), bool)


def test_a_model_error_after_the_last_doc_is_not_lost(
    articles: list[Article], nlp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.nlp.pipeline

    class FailsAtTheEnd:
        def __call__(self, doc):
            return doc

        def pipe(self, docs, batch_size: int = 1):
            yield from docs
            raise ValueError("the model failed after its last Doc")

    real = kg.nlp.pipeline.split_pipeline
    monkeypatch.setattr(
        kg.nlp.pipeline,
        "split_pipeline",
        lambda nlp: ([*real(nlp)[0], ("end", FailsAtTheEnd())], real(nlp)[1]),
    )
    stream = extract_overlapped(articles[:3], nlp, Config())
    assert len([next(stream) for _ in range(3)]) == 3
    with pytest.raises(ValueError, match="after its last Doc"):
        next(stream)
