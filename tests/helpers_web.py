"""A news site on 127.0.0.1 for the web-ingest tests: pages, a feed, a sitemap and misbehaviour.

Serves tests/data/web/ (pages and feeds written for these tests, invented
names) with "{base}" in XML files replaced by the server's own address, plus
routes that misbehave on purpose: a redirect, a redirect to a file: URL, a
slow page, a huge page, a page that fails once with 503, a page whose text a
test can change, and a robots.txt that forbids /private/. It binds the
loopback address only and records every request (path and User-Agent), so
tests can tell what was asked and that nothing was asked twice.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "web"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
#: Size of /huge.html: larger than the tests' size limit (HUGE_LIMIT).
HUGE_BYTES = 256 * 1024
HUGE_LIMIT = 64 * 1024
#: How long /slow.html waits before answering; the tests' timeout is far below it.
SLOW_SECONDS = 3.0
_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml", ".txt": "text/plain"}


@dataclass
class NewsSite:
    """The running server: its base URL and the log of requests it answered."""

    base: str = ""
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, User-Agent)
    flaky_failures: int = 0
    #: What /changing.html says now: a test edits it to see a rebuild notice the change.
    changing: str = "Harbor Ventures has opened an office at the Elmstadt Science Park."
    stop: threading.Event = field(default_factory=threading.Event)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


def _handler(site: NewsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the request log is `site.requests`."""

        def do_GET(self) -> None:
            site.requests.append((self.path, self.headers.get("User-Agent", "")))
            route = {
                "/robots.txt": lambda: self._send(200, ROBOTS, "text/plain"),
                "/redirect": lambda: self._redirect("/news/kerrow.html"),
                "/redirect-file": lambda: self._redirect("file:///etc/passwd"),
                "/slow.html": self._slow,
                "/huge.html": self._huge,
                "/flaky.html": self._flaky,
                "/changing.html": self._changing,
            }.get(self.path)
            if route is not None:
                route()
                return
            self._file()

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                return  # the client gave up first (the slow page): nothing to answer

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _slow(self) -> None:
            if not site.stop.wait(SLOW_SECONDS):
                self._send(200, b"<html><body><p>Too late.</p></body></html>", "text/html")

        def _huge(self) -> None:
            # No Content-Length: the client must stop reading at its limit by itself.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"Filler text of an endless page. " * 30 + b"</p>\n"
            sent = 0
            try:
                while sent < HUGE_BYTES:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except OSError:
                return  # the client hung up, as it should

        def _flaky(self) -> None:
            if site.flaky_failures == 0:
                site.flaky_failures += 1
                self._send(503, b"try again", "text/plain")
                return
            self._file("/news/flaky.html")

        def _changing(self) -> None:
            page = (
                "<html lang='en'><head><title>Harbor Ventures in Elmstadt</title></head><body>"
                f"<main><h1>Harbor Ventures in Elmstadt</h1><p>{site.changing}</p></main>"
                "</body></html>"
            )
            self._send(200, page.encode(), "text/html; charset=utf-8")

        def _file(self, path: str | None = None) -> None:
            relative = (path or self.path).split("?", 1)[0].lstrip("/")
            target = (DATA / relative).resolve()
            if DATA not in target.parents or not target.is_file():
                self._send(404, b"not found", "text/plain")
                return
            body = target.read_bytes()
            if target.suffix == ".xml":
                body = body.replace(b"{base}", site.base.encode())
            self._send(200, body, _TYPES.get(target.suffix, "application/octet-stream"))

    return Handler


class Serving:
    """Context manager: the site runs on 127.0.0.1 (a free port) in a thread until exit."""

    def __init__(self) -> None:
        self.site = NewsSite()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.site))
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.site.base = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> NewsSite:
        self._thread.start()
        return self.site

    def __exit__(self, *exc: object) -> None:
        self.site.stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
