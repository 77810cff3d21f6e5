"""Query worker processes: every query of `kg serve` runs in one, so it can be stopped.

Why processes and not threads: pyoxigraph evaluates a step such as a COUNT
or an ORDER BY in Rust without coming back to Python, so a thread running
it cannot be stopped; an abandoned query used to keep its slot (and grow
its memory) until it finished by itself, and two of them blocked the
endpoint for good. A process can be killed: at the timeout the request
thread kills its worker with SIGKILL, which stops the query and gives its
memory back at once, and a fresh worker takes its place.

Each worker also runs under an address-space limit (RLIMIT_AS), so an
ORDER BY over a cartesian product fails inside its own process at the
limit instead of taking the machine's memory; and, where the system allows
an unprivileged network namespace, without network, so even a query that
got past the SERVICE check (`kg.sparql.guard`) could not reach anything.

The worker does a request's whole job (check, negotiate, run, cap, write
the bytes) and sends back a small JSON header and the body, so the server
process never holds pyoxigraph results and nothing a query does can leak
into it. Frames are length-prefixed; the server unpickles nothing a worker
sends (the one pickle travels server -> worker: the frozen `Config`).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.errors import KGError, QueryError, StoreError

if TYPE_CHECKING:
    from kg.config import Config
    from kg.store import Store

log = logging.getLogger(__name__)

_FRAME = struct.Struct(">II")
#: Seconds a new worker may take to import its libraries and open the store.
STARTUP_TIMEOUT = 60.0
#: Attempts per query when a concurrent build deletes files the snapshot needs.
_RETRIES = 7
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


@dataclass(frozen=True)
class WorkerLimits:
    """What every worker enforces on its own queries."""

    max_rows: int = 100_000
    #: Address space of one worker in MiB (None: no limit).
    memory_mb: int | None = 2048
    #: Run without network when the system allows it (never for a remote store).
    isolate_network: bool = True


@dataclass
class Reply:
    """What a worker answered: 200 with a body, or an error status with a one-line message."""

    status: int
    media: str = "text/plain; charset=utf-8"
    body: bytes = b""
    message: str = ""
    truncated: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    #: The worker cannot be trusted with another query (it ran out of memory).
    retire: bool = False


class WorkerGone(Exception):
    """The worker process ended or stopped answering; `reason` says which, for the client."""


# -- frames ------------------------------------------------------------------


def _write_frame(stream: IO[bytes], header: dict[str, Any], body: bytes = b"") -> None:
    head = json.dumps(header, ensure_ascii=True).encode("ascii")
    stream.write(_FRAME.pack(len(head), len(body)) + head + body)
    stream.flush()


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size) if size else b""
    if len(data) != size:
        raise EOFError("the pipe closed mid-frame")
    return data


def _read_frame(stream: IO[bytes]) -> tuple[dict[str, Any], bytes]:
    head_len, body_len = _FRAME.unpack(_read_exact(stream, _FRAME.size))
    return json.loads(_read_exact(stream, head_len)), _read_exact(stream, body_len)


# -- the server side -----------------------------------------------------------


class QueryWorker:
    """One worker process; used by one request at a time (the pool sees to that)."""

    def __init__(self, cfg: Config, limits: WorkerLimits) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            # Its own session: a Ctrl-C in the terminal reaches the server,
            # which then stops its workers itself.
            start_new_session=True,
        )
        self._buffer = b""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._out = self.proc.stdout.fileno()
        blob = pickle.dumps((cfg, limits))
        try:
            self.proc.stdin.write(_FRAME.pack(len(blob), 0) + blob)
            self.proc.stdin.flush()
            hello, _ = self._receive(time.monotonic() + STARTUP_TIMEOUT)
        except (OSError, WorkerGone) as exc:
            self.kill()
            raise StoreError(f"cannot start a query worker: {exc}") from None
        if hello.get("error"):
            self.kill()
            raise StoreError(str(hello["error"]))
        self.isolated = bool(hello.get("isolated"))

    @property
    def pid(self) -> int:
        return self.proc.pid

    def ask(self, text: str, accept: str | None, timeout: float) -> Reply:
        """Send one query and wait at most `timeout` seconds; `WorkerGone` otherwise."""
        assert self.proc.stdin is not None
        try:
            _write_frame(self.proc.stdin, {"query": text, "accept": accept})
        except OSError:
            raise WorkerGone("the query worker has stopped") from None
        head, body = self._receive(time.monotonic() + timeout)
        return Reply(
            status=int(head["status"]),
            media=str(head.get("media") or "text/plain; charset=utf-8"),
            body=body,
            message=str(head.get("message", "")),
            truncated=bool(head.get("truncated")),
            retire=bool(head.get("retire")),
            headers={str(k): str(v) for k, v in (head.get("headers") or {}).items()},
        )

    def _receive(self, deadline: float) -> tuple[dict[str, Any], bytes]:
        head_len, body_len = _FRAME.unpack(self._take(_FRAME.size, deadline))
        head = json.loads(self._take(head_len, deadline))
        return head, self._take(body_len, deadline)

    def _take(self, size: int, deadline: float) -> bytes:
        """Exactly `size` bytes from the worker's stdout, or WorkerGone at the deadline/EOF."""
        chunks = [self._buffer]
        have = len(self._buffer)
        while have < size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._out], [], [], left)[0]:
                raise WorkerGone("timeout")
            chunk = os.read(self._out, max(size - have, 1 << 16))
            if not chunk:
                raise WorkerGone(self._death())
            chunks.append(chunk)
            have += len(chunk)
        data = b"".join(chunks)
        self._buffer = data[size:]
        return data[:size]

    def _death(self) -> str:
        """Why the process ended, in words for the client."""
        try:
            code = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            return "the query worker stopped answering"
        if code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL, 134, 137):
            return "memory"
        return f"the query worker ended (status {code})"

    def kill(self) -> None:
        """Stop the process for good (SIGKILL) and reap it."""
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


class WorkerPool:
    """At most `size` workers; a request borrows one, a killed one is replaced in the background."""

    def __init__(self, cfg: Config, size: int, limits: WorkerLimits) -> None:
        self._cfg = cfg
        self._limits = limits
        self.size = size
        self._idle: list[QueryWorker] = []
        self._count = 0  # idle + busy + starting
        self._cond = threading.Condition()
        self._closed = False
        self._warned = False
        #: Pids of the workers killed at a timeout or a memory limit (reaped, gone).
        self.killed_pids: list[int] = []

    @property
    def busy(self) -> int:
        with self._cond:
            return self._count - len(self._idle)

    def pids(self) -> list[int]:
        with self._cond:
            return [w.pid for w in self._idle]

    def acquire(self, wait: float) -> QueryWorker | None:
        """An idle worker, a new one while under `size`, or None after `wait` seconds."""
        deadline = time.monotonic() + wait
        with self._cond:
            while not self._idle and self._count >= self.size and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)
            if self._closed:
                return None
            if self._idle:
                return self._idle.pop()
            self._count += 1
        try:
            return self._spawn()
        except StoreError:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _spawn(self) -> QueryWorker:
        worker = QueryWorker(self._cfg, self._limits)
        if not self._warned:
            self._warned = True
            if worker.isolated:
                log.info("query workers run without network access")
            elif self._limits.isolate_network and not self._cfg.store_is_remote:
                log.warning(
                    "query workers could not be cut off the network here; "
                    "SERVICE is still refused by the query check"
                )
        return worker

    def prestart(self) -> None:
        """Start every worker in the background, so no first query pays for a start-up."""
        with self._cond:
            missing = self.size - self._count
            self._count += max(missing, 0)
        for _ in range(max(missing, 0)):
            threading.Thread(target=self._replace, name="kg-worker-spawn", daemon=True).start()

    def release(self, worker: QueryWorker) -> None:
        with self._cond:
            if self._closed:
                worker.kill()
                self._count -= 1
            else:
                self._idle.append(worker)
            self._cond.notify()

    def discard(self, worker: QueryWorker) -> None:
        """Kill `worker` and start its replacement without making anyone wait for it."""
        worker.kill()
        with self._cond:
            self.killed_pids.append(worker.pid)
            if self._closed:
                self._count -= 1
                self._cond.notify()
                return
        threading.Thread(target=self._replace, name="kg-worker-spawn", daemon=True).start()

    def _replace(self) -> None:
        try:
            worker = self._spawn()
        except StoreError as exc:
            log.warning("could not replace a query worker: %s", exc)
            with self._cond:
                self._count -= 1
                self._cond.notify()
            return
        self.release(worker)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.kill()


# -- the worker side -------------------------------------------------------------


def _stale_snapshot(exc: BaseException) -> bool:
    text = str(exc)
    return "No such file or directory" in text or "Corruption" in text


class StoreHolder:
    """One read-only store handle, reopened when the store changes on disk.

    Opening a read-only RocksDB costs ~10 ms while a query on a held handle
    can take 0.1 ms, but a held handle never sees later writes. Comparing the
    directory's file names, sizes and mtimes (one scandir) before each request
    gives both: cheap queries and fresh data right after a build.
    """

    def __init__(self, cfg: Config) -> None:
        from kg.store import open_store

        self._cfg = cfg
        self._open = open_store
        self._lock = threading.Lock()
        self._signature = self._disk_signature()
        self._store: Store = open_store(cfg, create=False)

    def _disk_signature(self) -> tuple[tuple[str, int, int], ...] | None:
        if self._cfg.store_is_remote:
            return None
        try:
            with os.scandir(Path(self._cfg.store).expanduser()) as entries:
                files = [(e.name, e.stat()) for e in entries if e.is_file()]
        except OSError:
            return None
        return tuple(sorted((name, st.st_size, st.st_mtime_ns) for name, st in files))

    @property
    def signature(self) -> object:
        return self._signature

    def get(self, *, force: bool = False) -> Store:
        """The current handle; old handles stay alive while in-flight queries use them."""
        signature = self._disk_signature()
        with self._lock:
            if force or signature != self._signature:
                try:
                    self._store = self._open(self._cfg, create=False)
                    self._signature = signature
                except (StoreError, OSError, RuntimeError) as exc:
                    # pyoxigraph reports a table file deleted by a concurrent
                    # compaction as RuntimeError("Corruption: ...").
                    if force:
                        raise
                    # A build may be mid-way through writing files: keep
                    # answering from the previous snapshot, retry next time.
                    log.warning("reopening the store failed, serving the old snapshot: %s", exc)
            return self._store

    def close(self) -> None:
        with self._lock:
            self._store.close()


def _isolate_network() -> bool:
    """Move this (still single-threaded) process into an empty network namespace."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    unshare = getattr(libc, "unshare", None)
    if unshare is None:
        return False
    # As root a network namespace alone keeps file permissions as they are;
    # otherwise a user namespace is what makes it allowed.
    return any(unshare(flags) == 0 for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET))


def _limit_memory(megabytes: int | None) -> None:
    if megabytes is None:
        return
    limit = megabytes << 20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def answer(holder: StoreHolder, text: str, accept: str | None, limits: WorkerLimits) -> Reply:
    """Check, run and write one query: the whole job of a request, as a `Reply`."""
    from kg.sparql.guard import RefusedQuery, check_query
    from kg.sparql.protocol import GRAPH_TYPES, SOLUTION_TYPES, negotiate, serialize

    try:
        checked = check_query(text)
        offered = GRAPH_TYPES if checked.form == "graph" else SOLUTION_TYPES
        media = negotiate(accept, offered)
        if media is None:
            return Reply(
                HTTPStatus.NOT_ACCEPTABLE,
                message=f"cannot answer in {accept}; this answer is available as "
                + ", ".join(offered),
            )
        result = _evaluate(holder, checked.text, limits.max_rows)
        body = serialize(result, media)
    except RefusedQuery as exc:
        message = str(exc)
        if message.startswith("read-only"):
            message = "this endpoint is " + message
        return Reply(HTTPStatus.FORBIDDEN, message=message)
    except QueryError as exc:
        return Reply(HTTPStatus.BAD_REQUEST, message=str(exc))
    except KGError as exc:
        return Reply(HTTPStatus.INTERNAL_SERVER_ERROR, message=str(exc))
    except MemoryError:
        return Reply(
            HTTPStatus.SERVICE_UNAVAILABLE,
            message=f"query needed more than {limits.memory_mb} MiB and was stopped; "
            "add a LIMIT or narrow the pattern",
            retire=True,
        )
    except (OSError, RuntimeError, ValueError) as exc:
        # pyoxigraph's own errors while evaluating (a failed reopen, a
        # function on a bad value): one line for the client and the log.
        return Reply(HTTPStatus.INTERNAL_SERVER_ERROR, message=f"query failed: {exc}")
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    return Reply(HTTPStatus.OK, media=media + charset, body=body, truncated=result.truncated)


def _evaluate(holder: StoreHolder, text: str, max_rows: int) -> Any:
    """Query the held snapshot; reopen and retry when a build compacted it away.

    A read-only RocksDB handle opens its table files lazily, so after a
    writer's compaction deletes them the old handle fails with "No such
    file". A fresh read-only open sees the new, complete state; while the
    writer is still compacting, the reopen is retried with a short backoff
    (about 2.5 s in all) before the query fails.
    """
    from kg.sparql.protocol import materialise

    for attempt in range(_RETRIES):
        try:
            store = holder.get(force=attempt > 0)
            return materialise(store.query(text), max_rows)
        except (KGError, OSError, RuntimeError) as exc:
            if attempt + 1 == _RETRIES or not _stale_snapshot(exc):
                raise
            time.sleep(0.02 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def main() -> None:
    """The worker's loop: read the settings, cut the network, cap memory, answer until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when a worker ends
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames may reach the pipe
    head_len, _ = _FRAME.unpack(_read_exact(stdin, _FRAME.size))
    cfg, limits = pickle.loads(_read_exact(stdin, head_len))
    isolated = limits.isolate_network and not cfg.store_is_remote and _isolate_network()
    _limit_memory(limits.memory_mb)
    try:
        holder = StoreHolder(cfg)
    except (KGError, OSError, RuntimeError) as exc:
        _write_frame(stdout, {"error": str(exc)})
        return
    # Load the parser and the writers now, so a fresh worker's first query is
    # not charged their import time (0.4 s) against its timeout.
    answer(holder, "ASK {}", None, limits)
    _write_frame(stdout, {"isolated": isolated})
    while True:
        try:
            request, _ = _read_frame(stdin)
        except (EOFError, struct.error):
            break
        reply = answer(holder, str(request["query"]), request.get("accept"), limits)
        head = {
            "status": int(reply.status),
            "media": reply.media,
            "message": reply.message,
            "truncated": reply.truncated,
            "headers": reply.headers,
            "retire": reply.retire,
        }
        _write_frame(stdout, head, reply.body)
        if reply.retire:
            break  # after a MemoryError nothing in this process is to be trusted
    holder.close()


if __name__ == "__main__":
    main()
