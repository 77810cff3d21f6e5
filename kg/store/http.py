"""HTTP for the remote store: one origin, bounded answers, one line per failure.

A store server is treated like any other endpoint: misconfigured, broken or
hostile, it must not be able to take credentials elsewhere, hold a command
forever, fill the memory or end a command in a traceback. So:

* Redirects are refused, never followed. urllib would follow a POST's
  301/302/303 as a GET without its body (the query is lost) and take the answer
  from wherever `Location` points, so a redirect to another origin would send
  our requests, and after that origin's challenge perhaps our credentials, to a
  server nobody configured. Stripping the credentials would still trust the
  other origin's answer; refusing keeps both at home. The message names where
  the server pointed (without any credentials in it), so a user whose endpoint
  really moved can give that URL.
* Credentials answer the challenge of the configured origins only (the
  password manager knows no other) and are never sent unasked.
* Every request has a deadline for the whole exchange, first byte to last: a
  watchdog shuts the socket when it passes. A socket timeout alone restarts at
  every byte, so a server that drips one byte a second would hold a command
  for ever.
* Answers are read in chunks up to a limit. One announced larger is refused
  before its body is read; one that grows past the limit is dropped there and
  its connection closed, never read whole. A body shorter than announced is
  an error, not a quietly shortened answer.
* Every failure is a `StoreError` of one line: urllib's, http.client's (a bad
  status line, too many or too long headers, a broken chunk), the socket's, an
  authentication challenge urllib cannot answer. What a server says about its
  error is cut to its first printable line and a few hundred characters.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from kg.config import redact_url
from kg.errors import StoreError

#: The most of an error page read for its first line.
ERROR_BYTES = 64 * 1024
#: The most a small answer (the first ASK, an update's acknowledgement) may have.
SMALL_BYTES = 1 << 20
#: Characters of a server's own words kept in a message.
DETAIL_CHARS = 300
_CHUNK = 1 << 16


def clean(text: str, width: int = DETAIL_CHARS) -> str:
    """The first non-blank line of `text`, printable characters only, at most `width`."""
    for line in text.splitlines():
        shown = "".join(c if c.isprintable() else "?" for c in line).strip()
        if shown:
            return shown if len(shown) <= width else shown[: width - 3] + "..."
    return ""


def size_text(count: int) -> str:
    """Bytes as a reader would say them: 256 MiB, 64 KiB, 900 bytes."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if count >= 1 << shift:
            value = count / (1 << shift)
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{count} bytes"


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, the default port filled in."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port


@dataclass(frozen=True)
class Answer:
    """A 2xx answer: its media type (lower case, no parameters), body and telling headers."""

    media: str
    body: bytes
    server: str | None
    max_rows: str | None


class StatusError(StoreError):
    """The server answered an HTTP error status; `detail` is the first line it said."""

    def __init__(self, url: str, code: int, detail: str) -> None:
        super().__init__(f"remote store {redact_url(url)} answered {code}: {detail}")
        self.code = code
        self.detail = detail


class _Watch:
    """Shuts the sockets of one request when its deadline passes (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.fired = False

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                _shut(sock)

    def fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing left to stop
        sock.shutdown(socket.SHUT_RDWR)


class _Request(urllib.request.Request):
    """A request that carries its watchdog to the connection opened for it."""

    watch: _Watch


class _Connection(http.client.HTTPConnection):
    def __init__(self, *args: Any, watch: _Watch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch = watch

    def connect(self) -> None:
        super().connect()
        self._watch.add(self.sock)


class _TlsConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, watch: _Watch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch = watch

    def connect(self) -> None:
        super().connect()
        self._watch.add(self.sock)


def _watch_of(req: urllib.request.Request) -> _Watch:
    return req.watch if isinstance(req, _Request) else _Watch()


class _Handler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_Connection, watch=_watch_of(req)), req)


class _TlsHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            partial(_TlsConnection, watch=_watch_of(req)), req, context=self._context
        )


class _Refuse(urllib.request.HTTPRedirectHandler):
    """Every redirect becomes a one-line error (see the module docstring)."""

    def http_error_302(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any
    ) -> None:
        target = headers.get("Location") or headers.get("URI") or ""
        fp.close()
        raise StoreError(redirect_message(req.full_url, target, code))

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def redirect_message(url: str, target: str, code: int) -> str:
    """Why kg stops at a redirect, naming where it pointed (never with credentials)."""
    try:
        where = urllib.parse.urljoin(url, clean(target, 2000))
    except ValueError:
        where = ""
    shown = clean(redact_url(where), 200) or "nowhere readable"
    if where and origin(where) == origin(url):
        return (
            f"remote store {redact_url(url)} redirected ({code}) to {shown}; "
            "kg does not follow redirects: give that URL with --store if it is the endpoint"
        )
    return (
        f"remote store {redact_url(url)} redirected ({code}) to another origin ({shown}); "
        "kg does not follow it, so requests and credentials stay with the configured "
        "server: give the endpoint's own URL with --store"
    )


class Http:
    """POSTs to a SPARQL server within a deadline and a size limit (module docstring)."""

    def __init__(
        self,
        urls: Iterable[str],
        auth: tuple[str, str] | None,
        *,
        timeout: float,
        max_bytes: int,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        handlers: list[urllib.request.BaseHandler] = [_Handler(), _TlsHandler(), _Refuse()]
        if auth:
            # Basic or Digest (Virtuoso's /sparql-auth), for the configured servers only,
            # and only in answer to their challenge.
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in set(urls):
                root = urllib.parse.urlsplit(url)._replace(path="/", query="", fragment="")
                passwords.add_password(None, urllib.parse.urlunsplit(root), auth[0], auth[1])
            handlers += [
                urllib.request.HTTPBasicAuthHandler(passwords),
                urllib.request.HTTPDigestAuthHandler(passwords),
            ]
        self._opener = urllib.request.build_opener(*handlers)

    def post(
        self,
        url: str,
        form: list[tuple[str, str]],
        headers: dict[str, str],
        *,
        limit: int | None = None,
    ) -> Answer:
        """POST a form; the answer, or a one-line `StoreError` (`StatusError` for 4xx/5xx)."""
        req = _Request(
            url,
            data=urllib.parse.urlencode(form).encode("utf-8"),
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        req.watch = _Watch()
        timer = threading.Timer(self.timeout, req.watch.fire)
        timer.daemon = True
        timer.start()
        try:
            answer = self._exchange(req, url, limit or self.max_bytes)
        except StoreError:
            if req.watch.fired:
                raise self._too_slow(url) from None
            raise
        finally:
            timer.cancel()
        if req.watch.fired:
            raise self._too_slow(url)
        return answer

    def _too_slow(self, url: str) -> StoreError:
        return StoreError(
            f"remote store {redact_url(url)} did not answer within {self.timeout:g} s; "
            "try again, or allow more with KG_STORE_TIMEOUT"
        )

    def _exchange(self, req: _Request, url: str, limit: int) -> Answer:
        shown = redact_url(url)
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                media = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                body = _read(resp, shown, limit)
                return Answer(
                    media, body, resp.headers.get("Server"), resp.headers.get("X-SPARQL-MaxRows")
                )
        except urllib.error.HTTPError as exc:
            raise StatusError(url, exc.code, _error_detail(exc)) from None
        except urllib.error.URLError as exc:
            reason = clean(str(exc.reason)) or type(exc.reason).__name__
            raise StoreError(f"cannot reach remote store {shown}: {reason}") from None
        except http.client.HTTPException as exc:
            # Raised after the request went out: a bad status line, headers past
            # http.client's limits, a broken chunk, the connection dropped mid-answer.
            reason = clean(str(exc)) or type(exc).__name__
            raise StoreError(
                f"remote store {shown} sent a broken answer ({type(exc).__name__}: {reason})"
            ) from None
        except OSError as exc:
            reason = clean(str(exc)) or type(exc).__name__
            raise StoreError(f"cannot reach remote store {shown}: {reason}") from None
        except ValueError as exc:
            # urllib's answer to an authentication challenge it cannot follow, or a URL
            # it cannot use.
            reason = clean(str(exc)) or type(exc).__name__
            raise StoreError(f"remote store {shown}: {reason}") from None


def _read(resp: http.client.HTTPResponse, url: str, limit: int) -> bytes:
    """The body, read in chunks and refused past `limit` (see the module docstring)."""
    announced = resp.headers.get("Content-Length")
    expected = int(announced) if announced and announced.strip().isdigit() else None
    if expected is not None and expected > limit:
        raise StoreError(_too_large(url, limit, f"announced {size_text(expected)}"))
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = resp.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise StoreError(_too_large(url, limit, "stopped reading"))
        chunks.append(chunk)
    if expected is not None and total != expected:
        raise StoreError(
            f"remote store {url} sent a broken answer: {total} of the {expected} bytes it announced"
        )
    return b"".join(chunks)


def _too_large(url: str, limit: int, what: str) -> str:
    return (
        f"remote store {url} sent an answer over {size_text(limit)} ({what}); "
        "narrow the query (LIMIT), or allow more with KG_STORE_MAX_BYTES"
    )


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """The first line of an error page, read no further than ERROR_BYTES."""
    try:
        text = exc.read(ERROR_BYTES).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException, ValueError):
        text = ""
    finally:
        exc.close()
    return clean(text) or clean(str(exc.reason)) or "no reason given"
