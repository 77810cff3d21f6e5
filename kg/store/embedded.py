"""The embedded backend: an Oxigraph (RocksDB) directory on the local disk.

Two decisions shape this module:

* Atomic writes. pyoxigraph 0.5 has no Python transaction API, but a SPARQL
  UPDATE request is executed in one transaction (a failing operation anywhere
  in the request rolls the whole request back; tests/test_store.py checks it).
  So `apply` turns the whole change set into ONE update request. To keep that
  request small on incremental builds, each replaced graph is diffed against
  what is stored and only the difference is written (`DELETE DATA` /
  `INSERT DATA`), and graphs that end up empty are dropped.
* The query default graph is the union of all graphs, the system graph (the
  build cache and the build summary) included. Excluding it would mean
  passing every other graph name with each query, which makes every triple
  pattern a scan over thousands of graphs; the system graph only adds
  `kg:extractionRecord` and `kg:sourceKey` on article nodes, `kg:articleCount`
  on entity nodes and the `kg:RuleSummary` nodes, so queries that count "all
  triples" should use `GRAPH ?g` or filter those out. Being in the union is
  what lets saved queries read the summary.

Readers open the directory read-only (`create=False`), which takes no lock, so
`kg query` or `kg viz` can run while another reader is open; a second writer
gets a clear "in use" error instead of RocksDB's lock message. A damaged
directory is reported as such at open, and a build never writes into one
(`kg.store.integrity`).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kg.errors import QueryError, StoreError
from kg.namespace import PREFIXES, SYSTEM_GRAPH
from kg.store import integrity
from kg.store.base import check_storable, collect_graphs, nquads_pieces, quad_sort_key

if TYPE_CHECKING:
    import pyoxigraph

    from kg.store.base import QueryResult

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Opening read-only while a build compacts can see a table file vanish and report
#: "Corruption"; a few retries tell that apart from real damage.
_OPEN_TRIES = 3
_OPEN_PAUSE = 0.2
#: Oxigraph lists every token it expected; past this width the list says nothing useful.
_DETAIL_WIDTH = 120
#: The file RocksDB always writes; its presence is what makes a directory a store.
_MARKER = "CURRENT"
#: A first build writes its store beside the target under this name, then renames it.
_STAGING_PREFIX = ".kg-creating-"
#: Quads per call of the bulk loader when creating a store. On 2,000 synthetic
#: pages 50,000 loads as fast as 200,000 and peaks 130 MiB lower; 20,000 is slower.
BULK_BATCH = 50_000
#: The same for N-Quads text: 50,000 quads of kg's make about 8 MB.
BULK_BYTES = 8 * 1024 * 1024


def _store_error(location: str, exc: OSError | RuntimeError) -> StoreError:
    """Turn RocksDB's multi-part errors into one line a user can act on."""
    detail = integrity.corruption_detail(exc)
    if detail is not None:
        return integrity.damaged(location, detail)
    text = str(exc)
    if "lock hold by current process" in text:
        return StoreError(f"store {location} is already open in this process")
    if "lock" in text.lower():
        return StoreError(
            f"store {location} is in use by another process (a running `kg build`?); "
            "wait for it to finish and retry"
        )
    first = text.splitlines()[0] if text else type(exc).__name__
    return StoreError(f"cannot use store {location}: {first}")


def holds_store(location: str) -> bool:
    """Whether the directory `location` already holds a store (not: could hold one)."""
    return (Path(location).expanduser() / _MARKER).is_file()


def open_embedded(location: str, *, create: bool, verify: bool = False) -> OxiStore:
    """Open (or with `create`, create) the store directory `location`.

    The checks run before RocksDB sees the path, because RocksDB would happily
    fill an unrelated non-empty directory (say, the articles folder given to
    `--store` by mistake) with its files. A store that is damaged is refused
    with one line (`kg.store.integrity`); a build (`create`) and `verify`
    compare every table file's checksum first, so nothing is built upon damage.
    """
    import pyoxigraph

    path = Path(location).expanduser()
    if path.exists() and not path.is_dir():
        raise StoreError(f"store path is a file, not a directory: {location}")
    if path.is_dir():
        integrity.check_layout(path, location)
    is_store = holds_store(location)
    if is_store:
        integrity.verify(path, location, checksums=create or verify)
    if not create:
        if not is_store:
            raise StoreError(f"no store at {location}; run `kg build` first")
        db = _open_read_only(path, location)
        return OxiStore(location, db, writable=False)
    if is_store:
        # RocksDB's own checks first, read-only: a writing open of a damaged
        # directory would leave files (a LOCK, logs) in it before it failed.
        _open_read_only(path, location)  # dropped at once: the handle frees RocksDB
        try:
            return OxiStore(location, pyoxigraph.Store(str(path)), writable=True)
        except (OSError, RuntimeError) as exc:
            raise _store_error(location, exc) from exc
    if path.is_dir() and any(path.iterdir()):
        raise StoreError(f"not a kg store (a non-empty directory without store files): {location}")
    _check_creatable(path, location)
    return OxiStore(location, pyoxigraph.Store(), writable=True, create_at=path)


def _open_read_only(path: Path, location: str) -> pyoxigraph.Store:
    import pyoxigraph

    attempt = 1
    while True:
        try:
            return pyoxigraph.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:
            if integrity.corruption_detail(exc) is None or attempt >= _OPEN_TRIES:
                raise _store_error(location, exc) from exc
        attempt += 1
        time.sleep(_OPEN_PAUSE)


def _remove_stale_creations(path: Path) -> None:
    """Delete staging directories that builds killed mid-creation left behind."""
    for stale in path.parent.glob(f"{_STAGING_PREFIX}{path.name}-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        try:
            os.kill(int(pid), 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(stale, ignore_errors=True)
        except PermissionError:
            continue  # a live process of another user: not ours to remove


def _check_creatable(path: Path, location: str) -> None:
    """Fail now, not after an hour of NLP, when the store directory cannot be made."""
    ancestor = path
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise StoreError(f"cannot create store {location}: {ancestor} is not a directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise StoreError(f"cannot create store {location}: {ancestor} is not writable")


def syntax_message(exc: SyntaxError) -> str:
    """Oxigraph says "error at 3:7: expected ..." (1-based line and character column).

    Its list of expected tokens can run over several lines of character
    classes; keep the readable tokens so the error stays one short line.
    """
    text = " ".join(str(exc).split()) or "syntax error"
    match = re.match(r"error at (\d+):(\d+): (.*)", text)
    if not match:
        return f"invalid SPARQL: {text}"
    line, column, detail = match.groups()
    classes = detail.find(", [")
    if classes > 0:
        detail = detail[:classes] + ", ..."
    if len(detail) > _DETAIL_WIDTH:
        detail = detail[: detail.rfind(",", 0, _DETAIL_WIDTH)] + ", ..."
    return f"invalid SPARQL at line {line}, column {column}: {detail}"


def _term(term: object) -> str:
    """SPARQL/N-Triples text of a term; blank nodes cannot be diffed or deleted by value."""
    import pyoxigraph

    if isinstance(term, pyoxigraph.BlankNode):
        raise StoreError("blank nodes cannot be stored: every node needs an IRI")
    return str(term)


def _triple_line(triple: pyoxigraph.Triple) -> str:
    return f"{_term(triple.subject)} {_term(triple.predicate)} {_term(triple.object)} ."


def _graph_block(graph: str, triples: Iterable[pyoxigraph.Triple]) -> str:
    lines = "\n".join(_triple_line(t) for t in sorted(triples, key=str))
    return f"GRAPH <{graph}> {{\n{lines}\n}}"




def update_request(
    current: Mapping[str, set[pyoxigraph.Triple]],
    replace: Mapping[str, Iterable[pyoxigraph.Triple]],
    drop: Iterable[str],
) -> str:
    """The single SPARQL UPDATE that turns `current` into the wanted state.

    `current` holds the stored triples of every graph in `replace`. A graph in
    both `replace` and `drop` is replaced (dropping it first would be a no-op).
    Returns "" when nothing changes, so an idempotent rebuild writes nothing.
    """
    operations: list[str] = []
    deletes: list[str] = []
    inserts: list[str] = []
    for graph in sorted(set(drop) - set(replace)):
        operations.append(f"DROP SILENT GRAPH <{graph}>")
    for graph in sorted(replace):
        wanted = set(replace[graph])
        stored = current.get(graph, set())
        if not wanted:
            if stored:
                operations.append(f"DROP SILENT GRAPH <{graph}>")
            continue
        if stored - wanted:
            deletes.append(_graph_block(graph, stored - wanted))
        if wanted - stored:
            inserts.append(_graph_block(graph, wanted - stored))
    if deletes:
        operations.append("DELETE DATA {\n" + "\n".join(deletes) + "\n}")
    if inserts:
        operations.append("INSERT DATA {\n" + "\n".join(inserts) + "\n}")
    return " ;\n".join(operations)


def _quad_batches(
    graphs: Iterable[tuple[str, Iterable[pyoxigraph.Triple]]],
) -> Iterator[list[pyoxigraph.Quad]]:
    """(graph, triples) pieces as lists of about BULK_BATCH quads; blank nodes refused."""
    import pyoxigraph

    batch: list[pyoxigraph.Quad] = []
    for graph, triples in graphs:
        name = pyoxigraph.NamedNode(graph)
        for t in triples:
            check_storable(t)
            batch.append(pyoxigraph.Quad(t.subject, t.predicate, t.object, name))
        if len(batch) >= BULK_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _joined(documents: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Small N-Quads documents joined into ones of about `size` bytes: fewer loader runs."""
    parts: list[bytes] = []
    length = 0
    for document in documents:
        parts.append(document)
        length += len(document)
        if length >= size:
            yield b"".join(parts)
            parts, length = [], 0
    if parts:
        yield b"".join(parts)


class OxiStore:
    """An open embedded store; `close()` (or `with`) releases the RocksDB lock.

    pyoxigraph frees the database (and its lock) only when no Python object
    refers to it any more, and query results keep such a reference: consume
    and drop them before reopening the same directory in one process.
    """

    def __init__(
        self,
        location: str,
        store: pyoxigraph.Store,
        *,
        writable: bool,
        create_at: Path | None = None,
    ) -> None:
        self.location = location
        self._store: pyoxigraph.Store | None = store
        self._writable = writable
        # A new store is an empty in-memory one until the first write, so a
        # build that fails before writing leaves no empty directory behind.
        self._create_at = create_at

    def __enter__(self) -> OxiStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _db(self) -> pyoxigraph.Store:
        if self._store is None:
            raise StoreError(f"store {self.location} is closed")
        return self._store

    @property
    def creating(self) -> bool:
        return self._create_at is not None

    def _create(self, batches: Iterable[list[pyoxigraph.Quad] | bytes]) -> None:
        """Bulk-load a new store in a hidden sibling, then rename it into place.

        RocksDB needs several files before a directory opens; a build killed
        while they are written would leave a store no reader can open. Built
        aside and renamed once flushed, the store path holds either nothing or a
        whole store, whatever moment the process dies. Because nobody can see the
        sibling, the first build may use Oxigraph's bulk loader, which is not
        transactional but far faster than one update request holding the corpus,
        and may feed it in batches (quads, or N-Quads text) as they arrive, so the
        corpus is never held in memory. Any failure removes the sibling: the store
        stays uncreated. The loader works in a second thread, so with one build
        process the triples of the next batch are made while the last is loaded.
        """
        import pyoxigraph

        path = self._create_at
        assert path is not None
        if (path / _MARKER).exists():
            raise StoreError(
                f"store {self.location} was created by another process meanwhile; build again"
            )
        staging = path.parent / f"{_STAGING_PREFIX}{path.name}-{os.getpid()}"
        try:
            db = self._bulk_load(batches, path, staging)
            if db is None:
                return  # nothing to write: no store either
            self._write(db.flush)
            del db  # RocksDB closes when the handle is freed
            self._write(lambda: os.replace(staging, path))
        except BaseException:
            # Whatever failed, the caller's stream or the store: the target stays uncreated.
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self._store = self._write(lambda: pyoxigraph.Store(str(path)))
        self._create_at = None

    def _bulk_load(
        self, batches: Iterable[list[pyoxigraph.Quad] | bytes], path: Path, staging: Path
    ) -> pyoxigraph.Store | None:
        """Every batch into the staging store (made at the first batch); None if there were none.

        Oxigraph's loader releases the GIL, so it runs in a thread of its own
        while this one makes the next batch: one batch waits, one is loaded.
        Nothing here outlives the call, so the caller's handle is the store's
        last reference and closing it releases the RocksDB lock.
        """
        import pyoxigraph

        db: pyoxigraph.Store | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-load") as loader:
            pending: deque[Future[None]] = deque()
            for batch in batches:
                if db is None:  # not `db or`: an empty Store is falsy (it has a length)
                    db = self._staging(path, staging)
                if isinstance(batch, bytes):
                    fmt = pyoxigraph.RdfFormat.N_QUADS
                    pending.append(
                        loader.submit(self._write, partial(db.bulk_load, input=batch, format=fmt))
                    )
                else:
                    pending.append(loader.submit(self._write, partial(db.bulk_extend, batch)))
                if len(pending) > 1:
                    pending.popleft().result()
            while pending:
                pending.popleft().result()
        return db

    def _write(self, step: Callable[[], T]) -> T:
        """Run one store operation, turning its failures into one-line `StoreError`s."""
        try:
            return step()
        except OSError as exc:
            raise _store_error(self.location, exc) from exc
        except (SyntaxError, RuntimeError) as exc:
            if integrity.corruption_detail(exc) is not None:
                raise _store_error(self.location, exc) from exc
            raise StoreError(f"store {self.location} rejected the update: {exc}") from exc

    def _staging(self, path: Path, staging: Path) -> pyoxigraph.Store:
        """The hidden sibling a new store is built in; leftovers of killed builds go first."""
        import pyoxigraph

        def make() -> pyoxigraph.Store:
            path.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_creations(path)
            shutil.rmtree(staging, ignore_errors=True)
            return pyoxigraph.Store(str(staging))

        return self._write(make)

    def query(self, sparql: str) -> QueryResult:
        """Run a read query; the usual prefixes (kg:, id:, rdfs:, ...) are predeclared."""
        try:
            return self._db.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(syntax_message(exc)) from exc
        except OSError as exc:
            raise _store_error(self.location, exc) from exc
        except RuntimeError as exc:
            if integrity.corruption_detail(exc) is not None:
                raise _store_error(self.location, exc) from exc
            raise QueryError(f"query failed: {exc}") from exc

    def _read(self, step: Callable[[], T]) -> T:
        """Run one read, a damaged table file (found only now) reported as such."""
        try:
            return step()
        except (OSError, RuntimeError) as exc:
            raise _store_error(self.location, exc) from exc

    def graph_names(self) -> set[str]:
        import pyoxigraph

        names = self._read(lambda: list(self._db.named_graphs()))
        return {g.value for g in names if isinstance(g, pyoxigraph.NamedNode)}

    def triples(self, graph: str) -> set[pyoxigraph.Triple]:
        """The triples of one named graph (empty when it does not exist)."""
        import pyoxigraph

        name = pyoxigraph.NamedNode(graph)
        quads = self._db.quads_for_pattern
        return self._read(lambda: {q.triple for q in quads(None, None, None, name)})

    def apply(
        self,
        replace: Mapping[str, Iterable[pyoxigraph.Triple]],
        drop: Iterable[str] = (),
    ) -> None:
        """Replace and drop graphs in one transaction (see the module docstring).

        Everything that can fail in Python (consuming the triple iterables,
        rejecting blank nodes) happens before the store is touched.
        """
        if not self._writable:
            raise StoreError(f"store {self.location} was opened read-only")
        replace = {graph: list(triples) for graph, triples in replace.items()}
        drop = list(drop)
        if self._create_at is not None:
            self._create(_quad_batches(replace.items()))
            return
        current = {graph: self.triples(graph) for graph in replace}
        request = update_request(current, replace, drop)
        if not request:
            return
        try:
            self._db.update(request)
            self._db.flush()
        except OSError as exc:
            raise _store_error(self.location, exc) from exc
        except (SyntaxError, RuntimeError) as exc:
            if integrity.corruption_detail(exc) is not None:
                raise _store_error(self.location, exc) from exc
            raise StoreError(f"store {self.location} rejected the update: {exc}") from exc

    def load(self, graphs: Iterable[tuple[str, Iterable[pyoxigraph.Triple]]]) -> None:
        """Write graphs given in pieces: streamed into a new store, one request otherwise."""
        if not self._writable:
            raise StoreError(f"store {self.location} was opened read-only")
        if self._create_at is not None:
            self._create(_quad_batches(graphs))
        else:
            self.apply(collect_graphs(graphs))

    def load_nquads(self, documents: Iterable[bytes]) -> None:
        """Write N-Quads documents as `load` writes pieces (graphs they name are replaced)."""
        if not self._writable:
            raise StoreError(f"store {self.location} was opened read-only")
        if self._create_at is not None:
            self._create(_joined(documents, BULK_BYTES))
        else:
            self.apply(collect_graphs(nquads_pieces(documents)))

    def quads(self, include_system: bool = False) -> Iterator[pyoxigraph.Quad]:
        """Every quad in a stable order (graph, subject, predicate, object)."""
        system = f"<{SYSTEM_GRAPH}>"

        def read() -> list[pyoxigraph.Quad]:
            quads = self._db.quads_for_pattern(None, None, None, None)
            return [q for q in quads if include_system or str(q.graph_name) != system]

        return iter(sorted(self._read(read), key=quad_sort_key))

    def close(self) -> None:
        """Flush and drop the handle, then record the table files of a store written to.

        RocksDB releases its lock when the object is freed, and it finishes its
        background compactions first. The record is made only after that: made
        while the handle was open, it caught a table file a compaction was still
        writing at a partial size, and the next open called the whole file damaged.
        """
        store, self._store = self._store, None
        if store is None:
            return
        written = self._writable and self._create_at is None
        if written:
            try:
                store.flush()
            except OSError as exc:
                log.warning("flushing store %s failed: %s", self.location, exc)
        del store  # the last reference: RocksDB closes here
        if written:
            try:
                integrity.record(Path(self.location).expanduser())
            except StoreError as exc:
                # The previous record still holds for the files it names.
                log.warning("%s", exc)
