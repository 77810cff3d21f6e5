"""kg.build.workers: the same Extractions whatever the number of worker processes.

Determinism across worker counts is what lets `kg build --workers N` be a pure
speed knob: the store a 2-worker build writes must equal the 1-worker one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus import write_corpus
from kg.build.chunks import MIN_TAPERED, in_chunks, tapered_sizes
from kg.build.workers import extract_parallel
from kg.config import Config
from kg.errors import ModelError
from kg.ingest import read_inputs
from kg.model import Article

SEEDS = Path(__file__).resolve().parent.parent / "data" / "articles"


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> list[Article]:
    """The seed pages plus a few synthetic ones: varied lengths, teasers, signatures."""
    root = tmp_path_factory.mktemp("parallel")
    write_corpus(6, root / "synthetic", seed=7)
    found, skipped = read_inputs([SEEDS, root / "synthetic"])
    assert not skipped
    return found


def test_chunks_keep_order_and_cover_everything() -> None:
    items = [Article.create(str(i), f"text {i}", "s", i) for i in range(7)]
    chunks = list(in_chunks(iter(items), 3))
    assert [len(c) for c in chunks] == [3, 3, 1]
    assert [a for c in chunks for a in c] == items


def test_chunks_follow_given_sizes_then_the_default() -> None:
    items = list(range(10))
    assert list(in_chunks(items, 3, [4, 1])) == [[0, 1, 2, 3], [4], [5, 6, 7], [8, 9]]
    assert list(in_chunks(items, 3, [6, 6])) == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9]]


@pytest.mark.parametrize("total", [1, 7, 64, 300, 4809])
@pytest.mark.parametrize("workers", [2, 4])
def test_chunks_taper_towards_the_end(total: int, workers: int) -> None:
    """Full chunks first, then smaller ones: no worker is left with a big last chunk."""
    sizes = tapered_sizes(total, 64, workers)
    assert sum(sizes) == total
    assert sizes == sorted(sizes, reverse=True)
    assert max(sizes) <= 64
    assert all(s >= MIN_TAPERED for s in sizes[:-1])
    if total >= 64 * 2 * workers:  # a long corpus: full chunks until near the end
        assert sizes[0] == 64
    assert sizes[-1] <= MIN_TAPERED  # what the others must wait for at the end


@pytest.mark.model
def test_two_workers_give_the_same_extractions_as_one(articles: list[Article], nlp) -> None:
    cfg = Config()
    # chunk_size=2 makes several chunks, so results from both workers interleave.
    one = [ex.to_json() for ex in extract_parallel(articles, cfg, 1, chunk_size=2, nlp=nlp)]
    two = [ex.to_json() for ex in extract_parallel(articles, cfg, 2, chunk_size=2)]
    tapered = extract_parallel(articles, cfg, 2, chunk_size=4, total=len(articles))
    assert [ex.to_json() for ex in tapered] == two
    assert len(one) == len(articles)
    assert [ex for ex in one] == two


@pytest.mark.model
def test_in_process_chunks_equal_plain_extract(articles: list[Article], nlp) -> None:
    """The memory zones around the chunks must not change what is extracted."""
    from kg.nlp.reader import extract

    cfg = Config()
    plain = [ex.to_json() for ex in extract(articles, nlp, cfg)]
    chunked = extract_parallel(articles, cfg, 1, chunk_size=3, nlp=nlp, overlap=False)
    chunked = [ex.to_json() for ex in chunked]
    assert chunked == plain


def test_worker_model_error_reaches_the_caller(articles: list[Article]) -> None:
    """A worker that cannot load the model reports the one-line error, not a broken pool."""
    cfg = Config(model="no_such_spacy_model_xyz")
    with pytest.raises(ModelError, match="no_such_spacy_model_xyz"):
        list(extract_parallel(articles[:2], cfg, 2))


def test_stopping_early_does_not_hang(articles: list[Article]) -> None:
    """A consumer that stops (an error downstream) must not wait for the whole corpus."""
    cfg = Config(model="no_such_spacy_model_xyz")
    stream = extract_parallel(articles, cfg, 2, chunk_size=1)
    with pytest.raises(ModelError):
        next(stream)
    stream.close()


@pytest.mark.model
def test_memory_zones_span_chunks_and_are_left(nlp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Words new to the model live for ZONE_ARTICLES articles, not for one chunk, then go."""
    import kg.build.workers

    monkeypatch.setattr(kg.build.workers, "ZONE_ARTICLES", 4)
    words = [f"Zorblaxian{i}q" for i in range(6)]
    items = [Article.create(str(i), f"{w} met the board.", "s", i) for i, w in enumerate(words)]
    zoned = kg.build.workers._Zoned(nlp, Config())
    for i in range(0, 4, 2):
        zoned.extract(items[i : i + 2])
        if i == 0:  # one chunk done, the zone still open: its words are still known
            assert words[0] in nlp.vocab.strings
    # four articles done: the zone was left, and with it the words of its Docs
    assert not any(w in nlp.vocab.strings for w in words[:4])
    zoned.extract(items[4:])
    zoned.close()
    assert not any(w in nlp.vocab.strings for w in words)


def test_a_pool_lets_its_workers_go_once_done(articles: list[Article]) -> None:
    """The workers (and their models) must not live on into the write phase."""
    from kg.build.workers import ExtractionPool

    pool = ExtractionPool(Config(model="no_such_spacy_model_xyz"), 2)
    pool.start()
    assert pool.started
    stream = pool.extract(articles[:2])
    with pytest.raises(ModelError):
        next(stream)
    assert not pool.started  # stopped by the error, not left for the build's end
