"""One build process, two threads: the model in one, kg's rules and reading in the other.

Why: with one worker, everything kg adds to the statistical model (the rule
components, reading each Doc into an `Extraction`, spooling and resolving) ran
after the model, in the same thread, and cost about a sixth of a build. The
model spends much of its time in numeric kernels (thinc/blis, the parser's
transition loop) that release the GIL, so a second thread can do kg's Python
work in those gaps: on a machine with a spare core the model barely waits.

How it stays correct:

* Order. The model thread hands over finished Docs through a bounded queue in
  input order; this thread runs the rule components on each Doc in turn,
  exactly as `nlp.pipe` would, so Extractions are identical to the plain path
  (tests/test_overlap.py).
* Memory. At most `2 * batch_size` Docs wait in the queue, and the work runs in
  spaCy memory zones of `ZONE_ARTICLES` articles, as in `kg.build.workers`; a zone is
  left only when both threads are done with its Docs.
* Failure. An error in the model thread is raised here, as the same exception;
  a consumer that stops early stops the model thread before the zone is left.
* Scope. Only one process, and only with a spare core: worker processes of a
  pool already keep every core busy, and on one core a second thread only adds
  switching. The interpreter's thread switch interval is shortened while the
  threads run (and restored after), so the model thread gets the GIL back soon
  after each kernel instead of after up to 5 ms of rule work.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.config import Config
    from kg.model import Article, Extraction

#: Thread switch interval while the model thread runs, in seconds (Python's default: 0.005).
SWITCH_INTERVAL = 0.0005
#: How often a blocked hand-over checks whether the other side has given up, in seconds.
_POLL = 0.1


def spare_core() -> bool:
    """Whether this process may run on more than one core."""
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # not Linux
        return (os.cpu_count() or 1) > 1


@dataclass(frozen=True)
class _Failed:
    """What the model thread hands over instead of a Doc when it fails."""

    error: BaseException


_DONE = object()


def extract_overlapped(
    articles: Iterable[Article], nlp: Any, cfg: Config, *, zone_articles: int | None = None
) -> Iterator[Extraction]:
    """Extractions of `articles` in input order, the model running in a second thread."""
    from kg.build.chunks import ZONE_ARTICLES, in_chunks
    from kg.nlp.pipeline import split_pipeline
    from kg.nlp.reader import DocReader

    model, rules = split_pipeline(nlp)
    reader = DocReader(nlp)
    for batch in in_chunks(articles, zone_articles or ZONE_ARTICLES):
        with nlp.memory_zone(), _switch_interval(SWITCH_INTERVAL):
            yield from _zone(batch, nlp, model, rules, reader, cfg.batch_size)


def _zone(
    batch: list[Article],
    nlp: Any,
    model: list[tuple[str, Any]],
    rules: list[tuple[str, Any]],
    reader: Any,
    batch_size: int,
) -> Iterator[Extraction]:
    handover: queue.Queue[Any] = queue.Queue(maxsize=2 * batch_size)
    stop = threading.Event()

    def run_model() -> None:
        try:
            docs: Iterable[Any] = (nlp.make_doc(article.text) for article in batch)
            for _name, proc in model:
                docs = _run(proc, docs, batch_size)
            for doc in docs:
                if not _put(handover, doc, stop):
                    return
            _put(handover, _DONE, stop)
        except BaseException as exc:  # handed to the consumer, which raises it
            _put(handover, _Failed(exc), stop)

    thread = threading.Thread(target=run_model, name="kg-model", daemon=True)
    thread.start()
    try:
        for article in batch:
            doc = handover.get()
            if isinstance(doc, _Failed):
                raise doc.error
            for _name, proc in rules:
                doc = proc(doc)
            yield reader.read(doc, article)
        end = handover.get()
        if isinstance(end, _Failed):  # failed after its last Doc, say while closing
            raise end.error
        if end is not _DONE:
            raise RuntimeError("the model thread returned more Docs than articles")
    finally:
        stop.set()
        thread.join()


def _run(proc: Any, docs: Iterable[Any], batch_size: int) -> Iterable[Any]:
    """One component over a stream of Docs, as `Language.pipe` runs it."""
    if hasattr(proc, "pipe"):
        return proc.pipe(docs, batch_size=batch_size)
    return (proc(doc) for doc in docs)


def _put(handover: queue.Queue[Any], item: object, stop: threading.Event) -> bool:
    """Hand `item` over, waiting for room; False once the consumer has stopped."""
    while not stop.is_set():
        try:
            handover.put(item, timeout=_POLL)
            return True
        except queue.Full:
            continue
    return False


@contextlib.contextmanager
def _switch_interval(seconds: float) -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(before)
