"""A small SPARQL endpoint on 127.0.0.1 that misbehaves on request.

It answers like a real server (an in-memory pyoxigraph store behind the two
W3C protocols) until told which kinds of request ("ping", the first `ASK {}`;
"query"; "update") get a misbehaviour instead: one of `GARBAGE`, each a way a
broken or hostile server has answered. Every request is recorded, and so is
how many bytes of a long answer went out before the client hung up.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

JSON = "application/sparql-results+json"
#: Seconds between two bytes of a slow drip: well under the client's deadline,
#: so only the whole-request deadline can stop it.
DRIP = 0.2


@dataclass
class Seen:
    kind: str
    path: str
    authorization: str | None


@dataclass
class State:
    store: ox.Store = field(default_factory=ox.Store)
    garbage: Callable[[BaseHTTPRequestHandler], None] | None = None
    targets: frozenset[str] = frozenset()
    seen: list[Seen] = field(default_factory=list)
    #: Bytes of a streamed answer written before the client went away.
    streamed: list[int] = field(default_factory=list)
    challenge: bool = False


def _raw(handler: BaseHTTPRequestHandler, data: bytes) -> None:
    handler.wfile.write(data)
    handler.wfile.flush()
    handler.close_connection = True


def _reply(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    media: str | None = JSON,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    if media is not None:
        handler.send_header("Content-Type", media)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(body)
    handler.close_connection = True


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Close with a TCP reset (SO_LINGER 0), no answer at all."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True


def _silent(handler: BaseHTTPRequestHandler) -> None:
    handler.close_connection = True


def _stream(handler: BaseHTTPRequestHandler, head: bytes, total: int, piece: bytes) -> None:
    """Write `head`, then `piece` again and again up to `total` bytes, counting what went out."""
    state: State = handler.server.state  # type: ignore[attr-defined]
    sent = 0
    try:
        handler.wfile.write(head)
        while sent < total:
            handler.wfile.write(piece)
            sent += len(piece)
    except OSError:
        pass  # the client hung up: what this test wants to see
    state.streamed.append(sent)
    handler.close_connection = True


def _drip(handler: BaseHTTPRequestHandler, head: bytes, tail: bytes) -> None:
    """Write `head`, then `tail` one byte at a time, until the client hangs up."""
    try:
        handler.wfile.write(head)
        handler.wfile.flush()
        for value in tail * 1000:
            handler.wfile.write(bytes([value]))
            handler.wfile.flush()
            time.sleep(DRIP)
    except OSError:
        pass  # the client gave up: expected
    handler.close_connection = True


_ROWS = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":'
_BIG = "9" * 5000
_XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"

#: name -> what the server does instead of answering. Every one must end a
#: command with one line, never a traceback.
GARBAGE: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {
    "html-200": lambda h: _reply(
        h, 200, b"<html><body><h1>It works!</h1></body></html>", "text/html"
    ),
    "html-500": lambda h: _reply(
        h,
        500,
        b"<!DOCTYPE html>\n<html>\n<head><title>500</title></head>\n<body>Oops</body>",
        "text/html",
    ),
    "text-plain": lambda h: _reply(h, 200, b"hello there", "text/plain"),
    "no-content-type": lambda h: _reply(h, 200, b'{"head":{},"boolean":true}', None),
    "truncated-json": lambda h: _reply(h, 200, _ROWS),
    "invalid-utf8": lambda h: _reply(
        h, 200, _ROWS + b'{"type":"literal","value":"\xff\xfe\xc3"}}]}}'
    ),
    "json-list": lambda h: _reply(h, 200, b"[1, 2, 3]"),
    "json-deep": lambda h: _reply(h, 200, b"[" * 100_000),
    "json-huge-number": lambda h: _reply(
        h,
        200,
        (
            '{"head":{"vars":["n","g","s","p","o"]},"results":{"bindings":[{"n":'
            f'{{"type":"literal","value":"{_BIG}","datatype":"{_XSD_INT}"}}}}]}}}}'
        ).encode(),
    ),
    "other-variables": lambda h: _reply(
        h,
        200,
        b'{"head":{"vars":["zz"]},"results":{"bindings":[{"zz":{"type":"uri","value":"x:y"}}]}}',
    ),
    "yes-for-rows": lambda h: _reply(h, 200, b'{"head":{},"boolean":true}'),
    "empty-200": lambda h: _reply(h, 200, b""),
    "junk-ntriples": lambda h: _reply(h, 200, b"<<< not triples at all", "application/n-triples"),
    "short-body": lambda h: _raw(
        h,
        b"HTTP/1.1 200 OK\r\nContent-Type: "
        + JSON.encode()
        + b"\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n"
        + _ROWS,
    ),
    "connection-reset": _reset,
    "close-silently": _silent,
    "bad-status-line": lambda h: _raw(h, b"HELLO THERE\r\n\r\n"),
    "status-999": lambda h: _raw(
        h, b"HTTP/1.1 999 Whatever\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
    ),
    "long-header": lambda h: _raw(
        h, b"HTTP/1.1 200 OK\r\nX-Junk: " + b"a" * 100_000 + b"\r\n\r\n{}"
    ),
    "many-headers": lambda h: _raw(
        h,
        b"HTTP/1.1 200 OK\r\n"
        + b"".join(b"X-H%d: v\r\n" % i for i in range(300))
        + b"Connection: close\r\n\r\n{}",
    ),
    "broken-chunks": lambda h: _raw(
        h,
        b"HTTP/1.1 200 OK\r\nContent-Type: "
        + JSON.encode()
        + b"\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n",
    ),
    "control-characters-500": lambda h: _reply(
        h, 500, b"\x1b[31mred alert\x1b[0m\x07\x00 and more\r\nsecond line", "text/plain"
    ),
    "binary-400": lambda h: _reply(h, 400, bytes(range(256)) * 4, "application/octet-stream"),
    "negotiate-401": lambda h: _reply(h, 401, b"", None, {"WWW-Authenticate": "Negotiate"}),
    "digest-junk-401": lambda h: _reply(
        h, 401, b"", None, {"WWW-Authenticate": 'Digest realm="x", nonce="1", algorithm="ROT13"'}
    ),
    "redirect-elsewhere": lambda h: _reply(
        h, 302, b"", None, {"Location": "http://127.0.0.1:9/query"}
    ),
    "redirect-307-here": lambda h: _reply(h, 307, b"", None, {"Location": "/moved"}),
    "maxrows-junk": lambda h: _reply(
        h,
        200,
        b'{"head":{"vars":[]},"results":{"bindings":[]}}',
        headers={"X-SPARQL-MaxRows": "lots"},
    ),
    "gzip-junk": lambda h: _reply(h, 200, bytes(range(200)), JSON, {"Content-Encoding": "gzip"}),
    "endless-body": lambda h: _stream(
        h,
        b"HTTP/1.1 200 OK\r\nContent-Type: " + JSON.encode() + b"\r\nConnection: close\r\n\r\n",
        64 << 20,
        b"[" * 65536,
    ),
    "huge-announced": lambda h: _stream(
        h,
        b"HTTP/1.1 200 OK\r\nContent-Type: "
        + JSON.encode()
        + b"\r\nContent-Length: 300000000\r\nConnection: close\r\n\r\n",
        64 << 20,
        b" " * 65536,
    ),
    "slow-drip-body": lambda h: _drip(
        h,
        b"HTTP/1.1 200 OK\r\nContent-Type: " + JSON.encode() + b"\r\nConnection: close\r\n\r\n",
        b'{"head":{"vars":[]},"results":{"bindings":[]}}',
    ),
    "slow-drip-headers": lambda h: _drip(h, b"HTTP/1.1 200 OK\r\n", b"X-Slow: " + b"z" * 50),
}
#: Misbehaviours that take the client's whole deadline to notice.
SLOW = frozenset({"slow-drip-body", "slow-drip-headers"})
#: Misbehaviours that are a good answer to an update (its body means nothing).
FINE_FOR_UPDATES = frozenset(
    {
        "html-200",
        "text-plain",
        "no-content-type",
        "truncated-json",
        "invalid-utf8",
        "json-list",
        "json-deep",
        "json-huge-number",
        "other-variables",
        "yes-for-rows",
        "empty-200",
        "junk-ntriples",
        "gzip-junk",
        "maxrows-junk",
    }
)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        state: State = self.server.state  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        query = (form.get("query") or [""])[0]
        update = (form.get("update") or [""])[0]
        kind = "update" if update else "ping" if query.strip() == "ASK {}" else "query"
        authorization = self.headers.get("Authorization")
        state.seen.append(Seen(kind, self.path, authorization))
        if state.challenge and authorization is None:
            _reply(self, 401, b"", None, {"WWW-Authenticate": 'Basic realm="kg"'})
            return
        if state.garbage is not None and kind in state.targets:
            state.garbage(self)
            return
        if update:
            state.store.update(update)
            _reply(self, 204, b"", None)
            return
        result = state.store.query(query, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            _reply(
                self, 200, result.serialize(format=ox.RdfFormat.N_TRIPLES), "application/n-triples"
            )
        else:
            _reply(self, 200, result.serialize(format=ox.QueryResultsFormat.JSON))

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Endpoint:
    url: str
    state: State

    def misbehave(self, name: str | None, *targets: str) -> None:
        self.state.garbage = GARBAGE[name] if name else None
        self.state.targets = frozenset(targets)


@contextmanager
def fake_sparql(state: State | None = None) -> Iterator[Endpoint]:
    """The endpoint, serving from threads until the `with` block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.state = state or State()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Endpoint(f"http://127.0.0.1:{server.server_address[1]}/query", server.state)  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
