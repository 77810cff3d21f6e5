"""A read-only SPARQL 1.1 Protocol endpoint over the store, plus a query page.

Researchers point their own tools (YASGUI, SPARQLWrapper, rdflib's
SPARQLStore) at `/sparql`, so the protocol details matter more than speed:
GET and POST, content negotiation, and status codes a client can act on
(400 bad query, 403 refused, 406 no acceptable format, 413 too large, 503
busy or timed out).

Design decisions:

* Read-only and local by default. The server binds 127.0.0.1 and refuses
  every update (INSERT, DELETE, LOAD, CLEAR, ...) and every SERVICE clause,
  decided on the parsed query (`kg.sparql.guard`): a public endpoint that
  can write, or that can be made to fetch arbitrary URLs from inside a
  clinic network, is a liability. The graph changes only through `kg build`.
* Only requests for this server's own names are answered: a `Host` header
  that names something else (a DNS-rebinding page, say) gets 403, so a page
  on another origin cannot read the graph through the victim's browser.
  Every answer forbids framing.
* The store is held open read-only and reopened when its files change on
  disk. A read-only handle takes no RocksDB lock, so `kg build` can write
  while the server runs; the build's single-transaction write means the next
  request after it finishes sees the whole new state, never half of it
  (in-flight requests finish on the snapshot they started with).
* Every query runs in a worker process (`kg.sparql.worker`), one of a
  bounded pool, under a memory limit. The request thread waits at most
  `timeout` seconds; then it kills the worker (which stops the query for
  good and frees its memory) and answers 503. A thread could not do this:
  pyoxigraph cannot interrupt a long evaluation step, and abandoned queries
  used to hold every slot until the server was restarted.
* The row cap stops iterating the solutions and marks the answer with the
  `KG-Truncated` header, so a `SELECT *` over a big graph cannot exhaust memory.
"""

from __future__ import annotations

import contextlib
import ipaddress
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
from kg.errors import KGError, StoreError
from kg.sparql.protocol import (
    GRAPH_TYPES,
    SOLUTION_TYPES,
    Answer,
    HTTPError,
    negotiate,
    parse_answer,
)
from kg.sparql.worker import QueryWorker, Reply, StoreHolder, WorkerGone, WorkerLimits, WorkerPool

if TYPE_CHECKING:
    from kg.config import Config

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
#: Sent with every answer: no page of ours may be framed by another site (clickjacking).
_NO_FRAMES = {"X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'"}
#: What the server asks a worker for when it reads an answer itself.
_INTERNAL_ACCEPT = "application/sparql-results+json, application/n-triples"
#: Host names that always mean "this machine".
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass(frozen=True)
class ServeOptions:
    """How the endpoint behaves; the defaults are the safe ones."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 30.0
    max_rows: int = 100_000
    cors: str | None = None
    #: Query worker processes; more queries wait up to `queue_wait` seconds, then get 503.
    #: At least four, so two runaway queries and a memory bomb leave one for everyone else.
    max_concurrent: int = field(default_factory=lambda: max(4, min(8, os.cpu_count() or 4)))
    queue_wait: float = 30.0
    #: Largest accepted request body (POSTed query) in bytes.
    max_body: int = 1 << 20
    #: Address space of each query worker in MiB; a query needing more is stopped (503).
    memory_mb: int | None = 2048
    #: Host names (besides the bound address, IP literals and localhost) the server answers to.
    allowed_hosts: tuple[str, ...] = ()
    #: Run query workers without network where the system allows it.
    isolate_network: bool = True

    def host_allowed(self, header: str | None) -> bool:
        """Whether a request's `Host` header names this server.

        DNS rebinding needs a host *name* that the attacker's DNS points at
        127.0.0.1, so IP literals and `localhost` are always fine; any other
        name must be the bound one or given with `--allow-host`. A request
        without Host (HTTP/1.0 tools) comes from no browser and is answered.
        """
        if header is None:
            return True
        name = _host_name(header)
        if not name:
            return False
        if name in _LOCAL_NAMES or name == self.host.lower():
            return True
        if name in {h.lower() for h in self.allowed_hosts}:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True


def _host_name(header: str) -> str:
    """The name part of a Host header, lower-case, without port or IPv6 brackets."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else ""
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


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
        # The server's own read-only handle: proves the store opens before the
        # port is bound, and renders the network page (no user query runs on it).
        self.holder = StoreHolder(cfg)
        limits = WorkerLimits(
            max_rows=options.max_rows,
            memory_mb=options.memory_mb,
            isolate_network=options.isolate_network,
        )
        self.pool = WorkerPool(cfg, options.max_concurrent, limits)
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
            self.pool.close()
            raise StoreError(
                f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}"
            ) from exc

    def server_close(self) -> None:
        """Close the socket and stop every query worker."""
        super().server_close()
        self.pool.close()

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

    def run_query(self, text: str, accept: str | None) -> Reply:
        """Answer in a worker process; kill it at the timeout or when its memory ran out."""
        opts = self.options
        worker = self.pool.acquire(opts.queue_wait)
        if worker is None:
            raise HTTPError(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"server busy: {opts.max_concurrent} queries are running; retry later",
                {"Retry-After": "5"},
            )
        try:
            reply = worker.ask(text, accept, opts.timeout)
        except WorkerGone as gone:
            self.pool.discard(worker)
            raise self._stopped(worker, str(gone)) from None
        if reply.retire:
            self.pool.discard(worker)
        else:
            self.pool.release(worker)
        if reply.status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            log.warning("query failed (%d): %s", reply.status, reply.message)
        if reply.status != HTTPStatus.OK:
            raise HTTPError(HTTPStatus(reply.status), reply.message, reply.headers)
        return reply

    def _stopped(self, worker: QueryWorker, why: str) -> HTTPError:
        """The answer for a query whose worker was killed, plus its one log line."""
        opts = self.options
        if why == "timeout":
            log.warning(
                "query stopped at the %g s timeout (worker %d killed)", opts.timeout, worker.pid
            )
            message = (
                f"query timed out after {opts.timeout:g} s and was stopped; "
                "add a LIMIT or narrow the pattern"
            )
        elif why == "memory":
            log.warning(
                "query stopped at the %s MiB memory limit (worker %d)", opts.memory_mb, worker.pid
            )
            message = (
                f"query needed more than {opts.memory_mb} MiB and was stopped; "
                "add a LIMIT or narrow the pattern"
            )
        else:
            log.warning("query worker %d failed: %s", worker.pid, why)
            return HTTPError(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {why}")
        return HTTPError(HTTPStatus.SERVICE_UNAVAILABLE, message)

    def network_page(self) -> bytes:
        """The network view, rendered once per store state (it is slow on big graphs)."""
        from kg.view.viz import render

        store = self.holder.get()
        key = self.holder.signature
        with self._network_lock:
            if self._network_cache and self._network_cache[0] == key:
                return self._network_cache[1]
            try:
                with tempfile.TemporaryDirectory(prefix="kg-serve-") as tmp:
                    path = Path(tmp) / "network.html"
                    render(store, path)
                    html = path.read_bytes()
            except KGError as exc:
                raise HTTPError(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc)) from exc
            if key is not None:
                self._network_cache = (key, html)
            return html

    def answer(self, text: str) -> Answer:
        """A query's rows or triples for the server's own pages (entity pages, name lookups).

        The one place those pages run queries: through `run_query`, so they get
        the same checks, worker, timeout, memory limit and row cap as any
        client's query; the worker's W3C JSON or N-Triples answer is parsed
        back here, in the thread that uses it.
        """
        reply = self.run_query(text, _INTERNAL_ACCEPT)
        return parse_answer(reply.body, reply.media, reply.truncated)

    def saved_queries(self) -> bytes:
        """The query page's catalogue: prefixes and saved queries with their parameters."""
        from kg.sparql.web import catalogue

        return catalogue(self.cfg.queries_dir)

    def bound_query(self, name: str, query_string: str) -> str:
        """A saved query with a URL's parameters written in; names looked up via answer."""
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
        headers = {**_NO_FRAMES, **(headers or {})}
        if self.server.options.cors:
            self.send_header("Access-Control-Allow-Origin", self.server.options.cors)
            self.send_header("Access-Control-Expose-Headers", "KG-Truncated")
            self.send_header("Vary", "Origin")
        for name, value in headers.items():
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
                    self._check_host()
                    action()
                except HTTPError as err:
                    self._error(err)
            except (BrokenPipeError, ConnectionResetError):
                # The client left; nothing to answer and nobody to tell.
                self.close_connection = True

    def _check_host(self) -> None:
        host = self.headers.get("Host")
        if not self.server.options.host_allowed(host):
            raise HTTPError(
                HTTPStatus.FORBIDDEN,
                f"this server does not answer for host {host!r}; "
                "start kg serve with --allow-host NAME to serve that name",
            )

    # -- methods -----------------------------------------------------------
    def do_GET(self) -> None:
        self._guard(self._get)

    def do_HEAD(self) -> None:
        self._guard(self._get)

    def do_POST(self) -> None:
        self._guard(self._post)

    def do_OPTIONS(self) -> None:
        self._guard(self._options)

    def _options(self) -> None:
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
        accept = self.headers.get("Accept")
        if not negotiate(accept, SOLUTION_TYPES) and not negotiate(accept, GRAPH_TYPES):
            raise self._not_acceptable(SOLUTION_TYPES + GRAPH_TYPES)
        # The worker checks the query (SERVICE, updates), negotiates the
        # format for its form, runs it and writes the bytes.
        reply = self.server.run_query(queries[0], accept)
        headers = {"Vary": "Accept", "Cache-Control": "no-store"}
        if reply.truncated:
            headers["KG-Truncated"] = f"max-rows={self.server.options.max_rows}"
        self._send(HTTPStatus.OK, reply.body, reply.media, headers)

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
    server.pool.prestart()
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
        server.pool.close()
        server.holder.close()
        for sig, handler in previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(sig, handler)
