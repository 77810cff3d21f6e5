"""A read-only SPARQL 1.1 Protocol endpoint over the store, plus a query page.

Researchers point their own tools (YASGUI, SPARQLWrapper, rdflib's
SPARQLStore) at `/sparql`, so the protocol details matter more than speed:
GET and POST, content negotiation, and status codes a client can act on
(400 bad query, 403 refused, 406 no acceptable format, 413 too large, 503
busy or timed out).

Design decisions:

* Read-only and local by default. The server binds 127.0.0.1 and refuses
  every update (INSERT, DELETE, LOAD, CLEAR, ...) and every SERVICE clause:
  a public endpoint that can write, or that can be made to fetch arbitrary
  URLs from inside a clinic network, is a liability. The graph changes only
  through `kg build`.
* The store is held open read-only and reopened when its files change on
  disk. A read-only handle takes no RocksDB lock, so `kg build` can write
  while the server runs; the build's single-transaction write means the next
  request after it finishes sees the whole new state, never half of it
  (in-flight requests finish on the snapshot they started with).
* Every query runs in its own worker thread that holds one of a bounded
  number of slots. The request thread waits at most `timeout` seconds; after
  that it answers 503 and abandons the query (the worker stops at the next
  row). pyoxigraph cannot interrupt a single long evaluation step, so an
  abandoned query keeps its slot until it returns: runaway queries cannot
  pile up, new ones get 503 instead of starving the machine.
* The row cap stops iterating the solutions and marks the answer with the
  `KG-Truncated` header, so a `SELECT *` over a big graph cannot exhaust memory.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from kg.config import asset_bytes
from kg.errors import KGError, QueryError, StoreError
from kg.sparql.protocol import (
    GRAPH_TYPES,
    SOLUTION_TYPES,
    Answer,
    HTTPError,
    materialise,
    negotiate,
    refuse_unsafe,
    serialize,
)

if TYPE_CHECKING:
    from kg.config import Config
    from kg.store.base import Store

log = logging.getLogger(__name__)

#: Static files of the query page: URL path -> (file in kg/assets, media type).
_STATIC = {
    "/": ("query.html", "text/html; charset=utf-8"),
    "/assets/query.js": ("query.js", "text/javascript; charset=utf-8"),
    "/assets/query.css": ("query.css", "text/css; charset=utf-8"),
    "/assets/yasgui.min.js": ("yasgui.min.js", "text/javascript; charset=utf-8"),
    "/assets/yasgui.min.css": ("yasgui.min.css", "text/css; charset=utf-8"),
    "/assets/yasgui.LICENSE-MIT": ("yasgui.LICENSE-MIT", "text/plain; charset=utf-8"),
    "/assets/yasgui.THIRD-PARTY-NOTICES": (
        "yasgui.THIRD-PARTY-NOTICES",
        "text/plain; charset=utf-8",
    ),
    "/assets/resource.css": ("resource.css", "text/css; charset=utf-8"),
}
#: The page may only talk to this server; nothing loads from a CDN.
_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
#: The query page: YASGUI (CodeMirror, DataTables) sets inline styles on its elements;
#: scripts stay limited to this server's files.
_EDITOR_CSP = _PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


@dataclass(frozen=True)
class ServeOptions:
    """How the endpoint behaves; the defaults are the safe ones."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 30.0
    max_rows: int = 100_000
    cors: str | None = None
    #: Queries evaluated at once; more wait up to `queue_wait` seconds, then get 503.
    max_concurrent: int = field(default_factory=lambda: max(2, min(8, os.cpu_count() or 2)))
    queue_wait: float = 30.0
    #: Largest accepted request body (POSTed query) in bytes.
    max_body: int = 1 << 20


# -- the store, held read-only ---------------------------------------------

#: Attempts per query when a concurrent build deletes files the snapshot needs.
_RETRIES = 7


def _stale_snapshot(exc: BaseException) -> bool:
    text = str(exc)
    return "No such file or directory" in text or "Corruption" in text


class StoreHolder:
    """One shared read-only store handle, reopened when the store changes on disk.

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


# -- the HTTP server -------------------------------------------------------


class SparqlServer(ThreadingHTTPServer):
    """Holds the settings, the store and the query slots shared by all request threads."""

    # Connection threads are daemons so an idle keep-alive connection (every
    # browser keeps one) cannot hold up shutdown; `wait_idle` waits for the
    # requests that are actually being answered instead.
    daemon_threads = True
    request_queue_size = 128  # 50 clients connecting at once must not be refused

    def __init__(self, cfg: Config, options: ServeOptions) -> None:
        self.cfg = cfg
        self.options = options
        self.holder = StoreHolder(cfg)
        self.slots = threading.BoundedSemaphore(options.max_concurrent)
        self._active = 0
        self._idle = threading.Condition()
        self._network_cache: tuple[object, bytes] | None = None
        self._legal_forms: frozenset[str] | None = None
        self._page_template: Any = None
        self._network_lock = threading.Lock()
        try:
            super().__init__((options.host, options.port), SparqlHandler)
        except OSError as exc:
            self.holder.close()
            raise StoreError(
                f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}"
            ) from exc

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        """Count a request as in flight while it is being answered."""
        with self._idle:
            self._active += 1
        try:
            yield
        finally:
            with self._idle:
                self._active -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no request is being answered; False when `timeout` ran out first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._active == 0, timeout)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def run_query(self, text: str) -> Answer:
        """Evaluate in a worker thread holding a slot; give up after the timeout."""
        opts = self.options
        if not self.slots.acquire(timeout=opts.queue_wait):
            raise HTTPError(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"server busy: {opts.max_concurrent} queries are running; retry later",
                {"Retry-After": "5"},
            )
        cancelled = threading.Event()
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["answer"] = self._evaluate(text, cancelled)
            except Exception as exc:  # handed to the request thread: 400 or 500, logged
                outcome["error"] = exc
            finally:
                self.slots.release()
                done.set()

        threading.Thread(target=work, name="kg-query", daemon=True).start()
        if not done.wait(opts.timeout):
            cancelled.set()
            raise HTTPError(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"query timed out after {opts.timeout:g} s and was abandoned; "
                "add a LIMIT or narrow the pattern",
            )
        error = outcome.get("error")
        if isinstance(error, QueryError):
            raise HTTPError(HTTPStatus.BAD_REQUEST, str(error))
        if isinstance(error, KGError):
            raise HTTPError(HTTPStatus.INTERNAL_SERVER_ERROR, str(error))
        if error is not None:
            log.error("query failed", exc_info=error)
            raise HTTPError(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {error}")
        return outcome["answer"]

    def _evaluate(self, text: str, cancelled: threading.Event) -> Answer:
        """Query the held snapshot; reopen and retry when a build compacted it away.

        A read-only RocksDB handle opens its table files lazily, so after a
        writer's compaction deletes them the old handle fails with "No such
        file". A fresh read-only open sees the new, complete state; while the
        writer is still compacting, the reopen is retried with a short backoff
        (about 2.5 s in all) before the query fails with a 500.
        """
        for attempt in range(_RETRIES):
            try:
                store = self.holder.get(force=attempt > 0)
                return materialise(store.query(text), self.options.max_rows, cancelled)
            except (KGError, OSError, RuntimeError) as exc:
                if attempt + 1 == _RETRIES or not _stale_snapshot(exc) or cancelled.is_set():
                    raise
                log.info("store changed under a query, reopening: %s", exc)
                # A writer is mid-compaction: give it a moment before reopening.
                cancelled.wait(0.02 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def network_page(self) -> bytes:
        """The network view, rendered once per store state (it is slow on big graphs)."""
        from kg.view.viz import render

        store = self.holder.get()
        key = self.holder.signature
        with self._network_lock:
            if self._network_cache and self._network_cache[0] == key:
                return self._network_cache[1]
            if not self.slots.acquire(timeout=self.options.queue_wait):
                raise HTTPError(HTTPStatus.SERVICE_UNAVAILABLE, "server busy; retry later")
            try:
                with tempfile.TemporaryDirectory(prefix="kg-serve-") as tmp:
                    path = Path(tmp) / "network.html"
                    render(store, path)
                    html = path.read_bytes()
            except KGError as exc:
                raise HTTPError(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc)) from exc
            finally:
                self.slots.release()
            if key is not None:
                self._network_cache = (key, html)
            return html

    def answer(self, text: str) -> Answer:
        """A query's rows or triples for the server's own pages (entity pages, name lookups).

        The one place those pages run queries: through `run_query`, so they get
        the same checks, slots, timeout and row cap as any client's query.
        """
        return self.run_query(text)

    def saved_queries(self) -> bytes:
        """The query page's catalogue: prefixes and saved queries with their parameters."""
        from kg.sparql.web import catalogue

        return catalogue(self.cfg.queries_dir)

    def bound_query(self, name: str, query_string: str) -> str:
        """A saved query with a URL's parameters written in; names looked up via run_query."""
        from kg.sparql.web import bound_query

        if self._legal_forms is None:
            from kg.sparql.web import lexicon_legal_forms

            self._legal_forms = lexicon_legal_forms(self.cfg.lexicon_dir)
        return bound_query(
            self.cfg.queries_dir, name, query_string, self.answer, self._legal_forms
        )

    def resource(self, path: str, query_string: str, accept: str | None) -> tuple[bytes, str]:
        """The description of a data IRI (`/id/entity/...`): an HTML page or RDF, by Accept."""
        from kg.sparql.pages import load_template
        from kg.sparql.web import resource

        if self._page_template is None:
            self._page_template = load_template()
        return resource(path, query_string, accept, self.answer, self._page_template)


class SparqlHandler(BaseHTTPRequestHandler):
    """One request: route, check, run, negotiate, answer."""

    server: SparqlServer
    protocol_version = "HTTP/1.1"
    #: Seconds an idle keep-alive connection may wait for its next request.
    timeout = 60

    def version_string(self) -> str:
        return "kg-sparql"

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s - %s", self.address_string(), format % args)

    # -- responses ---------------------------------------------------------
    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.server.options.cors:
            self.send_header("Access-Control-Allow-Origin", self.server.options.cors)
            self.send_header("Access-Control-Expose-Headers", "KG-Truncated")
            self.send_header("Vary", "Origin")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, err: HTTPError) -> None:
        body = (err.message + "\n").encode("utf-8")
        headers = dict(err.headers)
        if err.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
            headers["Connection"] = "close"
            self.close_connection = True
        self._send(err.status, body, "text/plain; charset=utf-8", headers)

    def _guard(self, action: Callable[[], None]) -> None:
        with self.server.answering():  # error answers count as in flight too
            try:
                try:
                    action()
                except HTTPError as err:
                    self._error(err)
            except (BrokenPipeError, ConnectionResetError):
                # The client left; nothing to answer and nobody to tell.
                self.close_connection = True

    # -- methods -----------------------------------------------------------
    def do_GET(self) -> None:
        self._guard(self._get)

    def do_HEAD(self) -> None:
        self._guard(self._get)

    def do_POST(self) -> None:
        self._guard(self._post)

    def do_OPTIONS(self) -> None:
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self.server.options.cors:
            headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
            headers["Access-Control-Max-Age"] = "600"
        self._send(HTTPStatus.NO_CONTENT, b"", "text/plain", headers)

    def _not_allowed(self) -> None:
        self._error(
            HTTPError(
                HTTPStatus.METHOD_NOT_ALLOWED,
                f"{self.command} is not allowed: this endpoint is read-only",
                {"Allow": "GET, HEAD, POST, OPTIONS"},
            )
        )

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    def _get(self) -> None:
        url = urlsplit(self.path)
        if url.path in _STATIC:
            name, media = _STATIC[url.path]
            csp = _EDITOR_CSP if url.path == "/" else _PAGE_CSP
            headers = {"Content-Security-Policy": csp, "Cache-Control": "no-cache"}
            self._send(HTTPStatus.OK, asset_bytes(name), media, headers)
        elif url.path == "/queries":
            self._send(HTTPStatus.OK, self.server.saved_queries(), "application/json")
        elif url.path.startswith("/queries/"):
            text = self.server.bound_query(url.path[len("/queries/") :], url.query)
            headers = {"Cache-Control": "no-store"}
            self._send(HTTPStatus.OK, text.encode("utf-8"), "application/sparql-query", headers)
        elif url.path.startswith("/id/"):
            body, media = self.server.resource(url.path, url.query, self.headers.get("Accept"))
            headers = {"Vary": "Accept", "Content-Security-Policy": _PAGE_CSP}
            charset = "; charset=utf-8" if media.startswith("text/") else ""
            self._send(HTTPStatus.OK, body, media + charset, headers)
        elif url.path == "/network":
            page = self.server.network_page()
            self._send(HTTPStatus.OK, page, "text/html; charset=utf-8")
        elif url.path == "/sparql":
            params = parse_qs(url.query, keep_blank_values=True)
            self._sparql(params)
        else:
            raise HTTPError(HTTPStatus.NOT_FOUND, f"no such page: {url.path}")

    def _post(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            raise HTTPError(HTTPStatus.NOT_FOUND, f"no such endpoint: {url.path}")
        body = self._body()
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if media == "application/x-www-form-urlencoded":
            try:
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError as exc:
                raise HTTPError(HTTPStatus.BAD_REQUEST, "the form is not UTF-8") from exc
            for name, values in form.items():
                params.setdefault(name, []).extend(values)
        elif media == "application/sparql-query":
            try:
                params.setdefault("query", []).append(body.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise HTTPError(HTTPStatus.BAD_REQUEST, "the query is not UTF-8") from exc
        elif media == "application/sparql-update":
            raise HTTPError(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
        else:
            raise HTTPError(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "POST the query as application/sparql-query or "
                "application/x-www-form-urlencoded (query=...)",
            )
        self._sparql(params)

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raise HTTPError(HTTPStatus.LENGTH_REQUIRED, "send a Content-Length, not chunks")
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError as exc:
            raise HTTPError(HTTPStatus.BAD_REQUEST, "bad Content-Length") from exc
        limit = self.server.options.max_body
        if length > limit:
            raise HTTPError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"request body of {length} bytes is over the {limit}-byte limit",
            )
        return self.rfile.read(length) if length > 0 else b""

    def _sparql(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            raise HTTPError(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise HTTPError(HTTPStatus.BAD_REQUEST, "give exactly one non-empty `query` parameter")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            raise HTTPError(
                HTTPStatus.BAD_REQUEST,
                "default-graph-uri/named-graph-uri are not supported: the default graph is "
                "the union of all graphs; use GRAPH in the query",
            )
        text = queries[0]
        refuse_unsafe(text)
        accept = self.headers.get("Accept")
        if not negotiate(accept, SOLUTION_TYPES) and not negotiate(accept, GRAPH_TYPES):
            raise self._not_acceptable(SOLUTION_TYPES + GRAPH_TYPES)
        answer = self.server.run_query(text)
        offered = GRAPH_TYPES if answer.kind == "graph" else SOLUTION_TYPES
        media = negotiate(accept, offered)
        if media is None:
            raise self._not_acceptable(offered)
        body = serialize(answer, media)
        headers = {"Vary": "Accept", "Cache-Control": "no-store"}
        if answer.truncated:
            headers["KG-Truncated"] = f"max-rows={self.server.options.max_rows}"
        charset = "; charset=utf-8" if media.startswith("text/") else ""
        self._send(HTTPStatus.OK, body, media + charset, headers)

    def _not_acceptable(self, offered: tuple[str, ...]) -> HTTPError:
        return HTTPError(
            HTTPStatus.NOT_ACCEPTABLE,
            f"cannot answer in {self.headers.get('Accept')}; this answer is available as "
            + ", ".join(offered),
        )


def make_server(cfg: Config, options: ServeOptions) -> SparqlServer:
    """A bound, not yet running server (port 0 picks a free port; see `.url`)."""
    return SparqlServer(cfg, options)


def serve(
    cfg: Config,
    options: ServeOptions,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until SIGTERM/SIGINT, then stop accepting and finish in-flight answers.

    `shutdown()` blocks until the serving loop ends, so the signal handler
    (which runs in this same thread, inside the loop) hands it to a thread.
    """
    server = make_server(cfg, options)
    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        if not stopping.is_set():
            stopping.set()
            log.info("signal %s: shutting down", signum)
            threading.Thread(target=server.shutdown, name="kg-shutdown").start()

    previous = {}
    in_main = threading.current_thread() is threading.main_thread()
    if in_main:
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, stop)
    try:
        if on_ready:
            on_ready(server.url)
        server.serve_forever(poll_interval=0.2)
        # Let in-flight answers go out; a query cannot outlive its timeout by much.
        if not server.wait_idle(options.timeout + 5):
            log.warning("shutting down with requests still running")
    finally:
        server.server_close()
        server.holder.close()
        for sig, handler in previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(sig, handler)
