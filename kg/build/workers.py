"""Extraction over several processes, streamed, in input order.

Why processes: the statistical pipeline is CPU-bound Python/Cython that holds
the GIL, so threads do not help; each worker process loads the pipeline once
(an initializer, not per task) and then turns chunks of articles into
`Extraction`s. Only plain dataclasses cross the process boundary, never Docs.

Why this shape:

* Deterministic. Chunks are numbered and results are yielded strictly in input
  order, and extraction of one article does not depend on its neighbours, so
  the output is identical whatever the number of workers (tests/test_parallel.py).
* Bounded memory. At most `2 * workers` chunks are in flight; the input is
  consumed lazily, so neither the articles nor the results of a whole corpus
  are held at once. Inside a worker the chunks run in spaCy `memory_zone`s of
  about `ZONE_ARTICLES` articles each, so strings interned for their Docs are
  freed every so often and the vocabulary does not grow over a long run.
* `workers=1` runs in this process: no pool, no pickling. With a spare core the
  model runs in a second thread while this one does kg's rule work
  (`kg.build.overlap`); without one, the same chunk loop the workers run. Either
  way the results are those of the pool.
* Workers finish together. When the caller knows how many articles are coming,
  the last chunks shrink (`tapered_sizes`), so the build does not wait on one
  worker's full chunk while the other cores idle.
* Workers can start early. Loading the model takes each worker about a second;
  an `ExtractionPool` started before the corpus is read (a first build) spends
  that second while the build process reads files.
* A worker that cannot load the model does not kill the pool silently: the
  error is kept and re-raised with the first chunk, so the caller sees the
  same one-line `ModelError` as in-process.
* Workers die with the build. If the build process is SIGKILLed (OOM killer,
  `kill -9`), Python's pool leaves its workers blocked forever, each holding a
  loaded model, and they in turn keep the forkserver alive. Each worker
  therefore watches the build process and exits when it is gone.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from kg.build.chunks import ZONE_ARTICLES, in_chunks, tapered_sizes

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from kg.build.spool import Tally
    from kg.config import Config
    from kg.model import Article, Extraction, Resolution

T = TypeVar("T")
R = TypeVar("R")

#: Chunks in flight per worker: one being processed, one queued, so no worker idles.
IN_FLIGHT_PER_WORKER = 2
#: Spooled articles per N-Quads task: about 3,000 quads, a few hundred kB each way.
NQUADS_BATCH = 50


def extract_parallel(
    articles: Iterable[Article],
    cfg: Config,
    workers: int,
    *,
    chunk_size: int | None = None,
    nlp: Any = None,
    total: int | None = None,
    overlap: bool | None = None,
) -> Iterator[Extraction]:
    """Extract every article with `workers` processes; yields in input order.

    With `workers <= 1` the work runs in this process, on `nlp` when the
    caller already holds a loaded pipeline (else one is loaded here), and
    with the model in a second thread (`kg.build.overlap`) when `overlap` is true,
    or by default when the process has a spare core.

    `chunk_size` (default `cfg.batch_size`) is how many articles one task
    carries: large enough that pickling and scheduling are noise next to the
    model, small enough that work spreads evenly at the end of a corpus.
    `total`, when known, lets the pool shrink the last chunks.
    """
    if workers <= 1:
        if nlp is None:
            from kg.nlp.pipeline import load_pipeline

            nlp = load_pipeline(cfg)
        from kg.build.overlap import extract_overlapped, spare_core

        if spare_core() if overlap is None else overlap:
            yield from extract_overlapped(articles, nlp, cfg)
            return
        zoned = _Zoned(nlp, cfg)
        try:
            for chunk in in_chunks(articles, max(1, chunk_size or cfg.batch_size)):
                yield from zoned.extract(chunk)
        finally:
            zoned.close()
        return
    yield from ExtractionPool(cfg, workers, chunk_size=chunk_size).extract(articles, total)


class ExtractionPool:
    """Extraction worker processes, each holding a loaded pipeline; started on demand.

    `start()` returns at once: the workers load the model in the background, so
    a build that starts the pool before reading its corpus gets both done at
    the same time. `extract` starts the pool itself if nobody did.
    """

    def __init__(self, cfg: Config, workers: int, *, chunk_size: int | None = None) -> None:
        self.cfg = cfg
        self.workers = workers
        self.chunk_size = max(1, chunk_size or cfg.batch_size)
        self._executor: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._executor is not None

    def start(self) -> None:
        """Launch every worker now (idempotent); each loads the model as it starts."""
        if self._executor is not None:
            return
        self._executor = _executor(self.workers, _init_worker, (self.cfg,))
        # The executor launches a process per submitted task, up to `workers`:
        # one no-op each starts them all, and they finish once the model is loaded.
        for _ in range(self.workers):
            self._executor.submit(_ready)

    def extract(
        self, articles: Iterable[Article], total: int | None = None
    ) -> Iterator[Extraction]:
        """Extractions of `articles` in input order; `total` (their count) tapers the chunks.

        A pool extracts once: the workers and their models are let go as soon as
        the last result is in (or the consumer stops), not when the build ends,
        so they do not add to the memory of the write phase.
        """
        self.start()
        assert self._executor is not None
        sizes = tapered_sizes(total, self.chunk_size, self.workers) if total else None
        chunks = in_chunks(articles, self.chunk_size, sizes)
        try:
            for extractions in _ordered(self._executor, _work, chunks, self.workers):
                yield from extractions
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers; queued chunks are dropped (on success there are none)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)






class _Zoned:
    """Extracts chunk after chunk inside memory zones of about `ZONE_ARTICLES` articles."""

    def __init__(self, nlp: Any, cfg: Config) -> None:
        self.nlp = nlp
        self.cfg = cfg
        self._zone: contextlib.ExitStack | None = None
        self._articles = 0

    def extract(self, chunk: list[Article]) -> list[Extraction]:
        from kg.nlp.reader import extract

        if self._zone is None:
            self._zone = contextlib.ExitStack()
            self._zone.enter_context(self.nlp.memory_zone())
        try:
            return list(extract(chunk, self.nlp, self.cfg))
        finally:
            self._articles += len(chunk)
            if self._articles >= ZONE_ARTICLES:
                self.close()

    def close(self) -> None:
        """Leave the current zone: the strings its Docs interned are freed."""
        zone, self._zone, self._articles = self._zone, None, 0
        if zone is not None:
            zone.close()


def nquads_parallel(
    spool: Iterable[tuple[str, str]], resolution: Resolution, workers: int
) -> Iterator[tuple[bytes, Tally]]:
    """Spooled articles as N-Quads documents made by `workers` processes, in spool order.

    With `workers <= 1` the documents are made in this process, lazily.

    Once resolution is done every article's triples are independent, so this
    second pool (no model: it starts in a fraction of a second) carries the
    resolution once per worker and batches of (key, record) lines per task.
    """
    batches = in_chunks(spool, NQUADS_BATCH)
    if workers <= 1:
        from kg.build.spool import article_nquads

        return (article_nquads(batch, resolution) for batch in batches)
    return _pooled_map(_nquads_work, batches, workers, _init_rdf_worker, (resolution,))


def _executor(
    workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]
) -> ProcessPoolExecutor:
    """A pool of `workers` processes that run `initializer(*initargs)` once each."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    # forkserver/spawn, never fork: forking a parent that may already hold
    # RocksDB handles, threads or a loaded model is unsafe and copies its memory.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_process,
        initargs=(os.getpid(), initializer, initargs),
    )


def _pooled_map(
    fn: Callable[[T], R],
    tasks: Iterable[T],
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> Iterator[R]:
    """`fn` over `tasks` in a pool of its own; results in task order, few tasks in flight."""
    executor = _executor(workers, initializer, initargs)
    try:
        yield from _ordered(executor, fn, tasks, workers)
    finally:
        # Reached on success, on error and when the consumer stops early:
        # queued tasks are dropped rather than processed for nobody.
        executor.shutdown(wait=True, cancel_futures=True)


def _ordered(
    executor: ProcessPoolExecutor, fn: Callable[[T], R], tasks: Iterable[T], workers: int
) -> Iterator[R]:
    """`fn` over `tasks` on `executor`, results in task order, `workers * 2` in flight."""
    pending: deque[Future[R]] = deque()
    try:
        for task in tasks:
            pending.append(executor.submit(fn, task))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:
        for future in pending:  # a consumer that stopped early wants none of these
            future.cancel()


def _result(future: Future[R]) -> R:
    """A task's result; a worker killed from outside (OOM killer) is a one-line error."""
    from concurrent.futures.process import BrokenProcessPool

    from kg.errors import KGError

    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise KGError(
            "an extraction worker process died (out of memory?); retry with fewer --workers"
        ) from exc


class _WorkerState:
    """The pipeline of THIS worker process, set once by `_init_worker`.

    Process-wide by necessity: a pool initializer can only leave its result
    where later tasks of the same process find it. It is never set in the
    parent process.
    """

    zoned: _Zoned | None = None
    error: BaseException | None = None
    resolution: Resolution | None = None


def _init_process(build_pid: int, initializer: Callable[..., None], args: tuple[Any, ...]) -> None:
    import threading

    threading.Thread(target=_exit_with, args=(build_pid,), daemon=True).start()
    initializer(*args)


def _init_rdf_worker(resolution: Resolution) -> None:
    _WorkerState.resolution = resolution


def _nquads_work(lines: list[tuple[str, str]]) -> tuple[bytes, Tally]:
    from kg.build.spool import article_nquads

    if _WorkerState.resolution is None:
        raise RuntimeError("worker process was not initialised")
    return article_nquads(lines, _WorkerState.resolution)


def _init_worker(cfg: Config) -> None:
    from kg.errors import KGError
    from kg.nlp.pipeline import load_pipeline

    try:
        _WorkerState.zoned = _Zoned(load_pipeline(cfg), cfg)
    except KGError as exc:
        # Raising here would make the pool respawn/break without the message.
        _WorkerState.error = exc


def _exit_with(pid: int) -> None:
    """Block until process `pid` has exited, then end this worker at once.

    A pidfd (Linux) wakes exactly when the process exits, zombie or not; elsewhere
    the process is polled once a second.
    """
    import os
    import select
    import time

    if os.name == "nt":  # os.kill(pid, 0) would send CTRL_C_EVENT there
        return
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])
    else:
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                continue
    os._exit(1)


def _ready() -> None:
    """A no-op task: it runs once the worker's initializer (the model load) is done."""


def _work(chunk: list[Article]) -> list[Extraction]:
    if _WorkerState.error is not None:
        raise _WorkerState.error
    if _WorkerState.zoned is None:
        raise RuntimeError("worker process was not initialised")
    return _WorkerState.zoned.extract(chunk)
