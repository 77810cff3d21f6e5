"""Polite, guarded HTTP fetching with a local cache: how `kg build URL` reaches the web.

Why it is written on the standard library's `http.client` rather than a client
library: every hop must be checked before a byte is sent. A redirect may point
anywhere (a `file:` URL, a router at 192.168.0.1, a cloud metadata address), so
redirects are followed by hand, and the address a host name resolves to is
checked and then connected to directly: the name is not resolved a second time
by a library, so it cannot be swapped for a private address in between (DNS
rebinding). Private, loopback and link-local addresses are refused unless the
user asked for them (`--allow-private`, for an intranet; the tests use it to
reach their server on 127.0.0.1).

Politeness: robots.txt is read once per origin and obeyed (its Crawl-delay
too, up to a minute); requests go one at a time, and the same host is asked
again only after the delay; a clear User-Agent says who is asking. Transient
failures (timeouts, resets, 429, 5xx) are retried with a doubling wait, the
server's Retry-After honoured up to a minute.

Safety: a response larger than the size limit is abandoned as soon as the
limit is passed (the Content-Length is not trusted), the whole exchange has a
deadline so a server trickling bytes cannot hold a build, and only identity
or gzip bodies are accepted (gzip is inflated under the same limit).

A successful answer is kept in the cache directory, so a rebuild reads the
pages from disk and does not ask the server again unless `refresh` is set.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import ipaddress
import json
import os
import socket
import ssl
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from kg.config import FetchPolicy

#: The product token robots.txt rules are matched against.
ROBOTS_TOKEN = "kg"
#: Longest wait a server may ask for (Crawl-delay, Retry-After).
MAX_SERVER_WAIT = 60.0
#: robots.txt files are small; a larger one is cut here (as Google does at 500 KiB).
MAX_ROBOTS_BYTES = 512 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TRANSIENT = frozenset({429, 500, 502, 503, 504})
_CHUNK = 64 * 1024


class FetchFailed(Exception):
    """A URL that cannot be read; the message is the one-line reason for the summary."""


@dataclass(frozen=True)
class Response:
    """A fetched (or cached) answer: what was asked, where it ended, and the body."""

    url: str
    final_url: str
    content_type: str
    body: bytes
    fetched: str  # ISO 8601 UTC time of the network fetch (kept when read from the cache)
    from_cache: bool = False


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    address: str
    path: str


@dataclass
class Fetcher:
    """Fetches URLs under a `FetchPolicy`; keeps per-host timing and robots rules for one build.

    `sleep` and `clock` are parameters so tests can check the waiting without waiting.
    """

    policy: FetchPolicy
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    requests: int = 0  # network requests made (robots.txt included), for the report
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, RobotFileParser | None] = field(default_factory=dict)
    _host_delay: dict[str, float] = field(default_factory=dict)

    def get(self, url: str) -> Response:
        """The response for `url`, from the cache unless refreshing; raises FetchFailed."""
        check_url(url)
        cached = None if self.policy.refresh else self._from_cache(url)
        if cached is not None:
            return cached
        response = self._fetch(url)
        self._to_cache(response)
        return response

    # --- network -----------------------------------------------------------

    def _fetch(self, url: str) -> Response:
        current = url
        for _ in range(self.policy.max_redirects + 1):
            target = resolve(current, allow_private=self.policy.allow_private)
            self._obey_robots(current, target)
            status, headers, body = self._with_retries(target, self.policy.max_bytes)
            if status in _REDIRECTS:
                location = headers.get("location")
                if not location:
                    raise FetchFailed(f"HTTP {status} redirect without a Location")
                current = urljoin(current, location.strip())
                scheme = urlsplit(current).scheme.lower()
                if scheme not in ("http", "https"):
                    raise FetchFailed(f"redirect to a {scheme or 'relative'}: URL refused")
                continue
            if status != 200:
                raise FetchFailed(f"HTTP {status}")
            fetched = datetime.now(UTC).replace(microsecond=0).isoformat()
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            return Response(url, current, content_type, body, fetched.replace("+00:00", "Z"))
        raise FetchFailed(f"more than {self.policy.max_redirects} redirects")

    def _with_retries(self, target: _Target, limit: int) -> tuple[int, dict[str, str], bytes]:
        attempt = 0
        while True:
            self._wait_turn(target.host)
            try:
                status, headers, body = self._exchange(target, limit)
            except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as err:
                if attempt >= self.policy.retries:
                    raise FetchFailed(_network_reason(err)) from err
                wait = self._backoff(attempt)
            else:
                if status not in _TRANSIENT or attempt >= self.policy.retries:
                    return status, headers, body
                wait = max(self._backoff(attempt), _retry_after(headers.get("retry-after")))
            finally:
                self._last[target.host] = self.clock()
            attempt += 1
            self.sleep(wait)

    def _backoff(self, attempt: int) -> float:
        return float(self.policy.delay * 2**attempt)

    def _wait_turn(self, host: str) -> None:
        """One request at a time per host, `delay` (or the robots Crawl-delay) apart."""
        last = self._last.get(host)
        if last is None:
            return
        delay = max(self.policy.delay, self._host_delay.get(host, 0.0))
        wait = last + delay - self.clock()
        if wait > 0:
            self.sleep(wait)

    def _exchange(self, target: _Target, limit: int) -> tuple[int, dict[str, str], bytes]:
        """One HTTP GET on the checked address; the body read under the size and time limits."""
        self.requests += 1
        deadline = self.clock() + self.policy.timeout
        conn = _connection(target, self.policy.timeout)
        try:
            conn.request("GET", target.path, headers=self._headers(target))
            reply = conn.getresponse()
            headers = {k.lower(): v for k, v in reply.getheaders()}
            if reply.status != 200:  # redirects and errors: only the status and headers count
                return reply.status, headers, b""
            body = self._read_body(reply, headers, deadline, limit)
            return reply.status, headers, body
        finally:
            conn.close()

    def _headers(self, target: _Target) -> dict[str, str]:
        default_port = 443 if target.scheme == "https" else 80
        host = target.host if ":" not in target.host else f"[{target.host}]"
        return {
            "Host": host if target.port == default_port else f"{host}:{target.port}",
            "User-Agent": self.policy.user_agent,
            "Accept": "text/html, application/xhtml+xml, application/rss+xml, "
            "application/atom+xml, application/xml;q=0.9, text/plain;q=0.8, */*;q=0.1",
            "Accept-Encoding": "gzip, identity",
            "Connection": "close",
        }

    def _read_body(
        self, reply: http.client.HTTPResponse, headers: dict[str, str], deadline: float, limit: int
    ) -> bytes:
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip", ""):
            raise FetchFailed(f"unsupported Content-Encoding {encoding!r}")
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchFailed(f"larger than the {_size(limit)} limit ({_size(int(declared))})")
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None
        parts: list[bytes] = []
        size = 0
        while True:
            if self.clock() > deadline:
                raise FetchFailed(f"timed out after {self.policy.timeout:g} s")
            chunk = reply.read1(_CHUNK)
            if not chunk:
                break
            if inflate is not None:
                chunk = inflate.decompress(chunk, limit + 1 - size)
            size += len(chunk)
            if size > limit:
                raise FetchFailed(f"larger than the {_size(limit)} limit")
            parts.append(chunk)
        return b"".join(parts)

    # --- robots.txt --------------------------------------------------------

    def _obey_robots(self, url: str, target: _Target) -> None:
        origin = f"{target.scheme}://{target.host}:{target.port}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(url, target)
        rules = self._robots[origin]
        if rules is None:
            return
        if not rules.can_fetch(ROBOTS_TOKEN, url):
            raise FetchFailed("disallowed by robots.txt")
        crawl_delay = rules.crawl_delay(ROBOTS_TOKEN)
        if crawl_delay:
            self._host_delay[target.host] = min(float(crawl_delay), MAX_SERVER_WAIT)

    def _read_robots(self, url: str, target: _Target) -> RobotFileParser | None:
        """The origin's rules; None when it has none (4xx). Unreachable: everything disallowed.

        As RFC 9309 says: a missing robots.txt allows all, an unreachable one (5xx,
        network error) allows nothing, and 401/403 are read as "keep out".
        """
        parts = urlsplit(url)
        robots = _Target(target.scheme, target.host, target.port, target.address, "/robots.txt")
        rules = RobotFileParser(urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", "")))
        try:
            status, _, body = self._with_retries(robots, MAX_ROBOTS_BYTES)
        except FetchFailed as err:
            raise FetchFailed(f"robots.txt unreachable ({err})") from err
        if status in (401, 403):
            rules.disallow_all = True
        elif 400 <= status < 500 or status in _REDIRECTS:
            return None
        elif status != 200:
            raise FetchFailed(f"robots.txt unreachable (HTTP {status})")
        else:
            rules.parse(body.decode("utf-8", errors="replace").splitlines())
        return rules

    # --- cache -------------------------------------------------------------

    def _cache_paths(self, url: str) -> tuple[Path, Path] | None:
        if self.policy.cache_dir is None:
            return None
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        folder = Path(self.policy.cache_dir) / key[:2]
        return folder / f"{key}.json", folder / f"{key}.body"

    def _from_cache(self, url: str) -> Response | None:
        paths = self._cache_paths(url)
        if paths is None:
            return None
        meta_path, body_path = paths
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None  # not cached, or a torn entry: fetch again
        if not isinstance(meta, dict) or meta.get("url") != url:
            return None
        try:
            return Response(
                url=url,
                final_url=str(meta["final_url"]),
                content_type=str(meta["content_type"]),
                body=body,
                fetched=str(meta["fetched"]),
                from_cache=True,
            )
        except KeyError:
            return None

    def _to_cache(self, response: Response) -> None:
        """Body first, then the metadata that makes the entry valid, each by atomic rename."""
        paths = self._cache_paths(response.url)
        if paths is None:
            return
        meta_path, body_path = paths
        meta = {
            "url": response.url,
            "final_url": response.final_url,
            "content_type": response.content_type,
            "fetched": response.fetched,
        }
        try:
            meta_path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(body_path, response.body)
            _write_atomic(meta_path, json.dumps(meta, sort_keys=True).encode("utf-8"))
        except OSError as err:
            raise FetchFailed(f"cannot write the web cache: {err.strerror or err}") from err


# --- checks ----------------------------------------------------------------


def check_url(url: str) -> None:
    """Refuse what is not an absolute http(s) URL to a named host, before any network use."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise FetchFailed(f"invalid URL ({err})") from err
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchFailed(f"not an http(s) URL (scheme {parts.scheme or 'missing'!r})")
    if not parts.hostname:
        raise FetchFailed("URL without a host")
    if parts.username is not None or parts.password is not None:
        raise FetchFailed("URL with credentials refused (they would end up in the graph)")
    if port == 0:
        raise FetchFailed("URL with port 0")


def redact(url: str) -> str:
    """`url` fit to print: a user name and password in it are replaced by "***"."""
    scheme, sep, rest = url.partition("://")
    authority, slash, tail = rest.partition("/")
    if not sep or "@" not in authority:
        return url
    return f"{scheme}://***@{authority.rpartition('@')[2]}{slash}{tail}"


def resolve(url: str, *, allow_private: bool) -> _Target:
    """Where `url` will be fetched from: its host's first address, after every address is checked.

    All addresses must be public unless `allow_private`: a name that resolves to
    one public and one private address is refused, since either could be used.
    """
    check_url(url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        raise FetchFailed(f"cannot resolve host {host!r}") from err
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchFailed(f"cannot resolve host {host!r}")
    if not allow_private:
        for address in addresses:
            if not _is_public(address):
                raise FetchFailed(
                    f"{host} is a private or loopback address ({address}); "
                    "--allow-private reads from an intranet"
                )
    path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    return _Target(scheme, host, port, addresses[0], path)


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool((mapped or ip).is_global)


def _connection(target: _Target, timeout: float) -> http.client.HTTPConnection:
    """A connection to the checked address; TLS still verifies the certificate for the host name."""
    if target.scheme == "https":
        return _PinnedHTTPS(target, timeout)
    return http.client.HTTPConnection(target.address, target.port, timeout=timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, with SNI and certificate checks for the real host name."""

    def __init__(self, target: _Target, timeout: float) -> None:
        super().__init__(target.address, target.port, timeout=timeout)
        self._server_name = target.host
        self._context = ssl.create_default_context()

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._server_name)


def _retry_after(value: str | None) -> float:
    """Seconds a 429/503 asks us to wait (delta or HTTP date), capped at a minute."""
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_SERVER_WAIT)
    with contextlib.suppress(TypeError, ValueError):
        when = parsedate_to_datetime(value)
        return max(0.0, min((when - datetime.now(UTC)).total_seconds(), MAX_SERVER_WAIT))
    return 0.0


def _network_reason(err: BaseException) -> str:
    if isinstance(err, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(err, ssl.SSLError):
        return f"TLS error ({err.reason or err})"
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    text = getattr(err, "strerror", None) or str(err) or type(err).__name__
    return f"network error ({text})"


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MiB" if count >= 2**20 else f"{count // 1024} KiB"


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
