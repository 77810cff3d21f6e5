"""The store: one small interface, chosen by name (a path or a URL).

This module is the one place that knows both backends: `open_store` decides,
from the configured location, whether the quads live in an embedded Oxigraph
directory (`kg.store.embedded`) or on a SPARQL 1.1 server (`kg.store.remote`).
Everything else talks to the `Store` protocol of `kg.store.base`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.store.base import (
    Store,
    check_complete,
    check_storable,
    collect_graphs,
    nquads_pieces,
)

if TYPE_CHECKING:
    from kg.config import Config

__all__ = [
    "Store",
    "check_complete",
    "check_storable",
    "collect_graphs",
    "is_new_store",
    "nquads_pieces",
    "open_store",
]

def open_store(cfg: Config, *, create: bool = False, verify: bool = False) -> Store:
    """The store `cfg.store` names: a directory (embedded Oxigraph) or an http(s) URL.

    `create=True` opens for writing (a build) and creates the directory when it
    is missing; `create=False` opens an existing store read-only, so readers do
    not lock out each other. Every failure is a one-line `StoreError`; a
    damaged embedded store is one too. `verify` (and `create`) also checks
    every table file's checksum, which costs a read of the whole directory.
    """
    if cfg.store_is_remote:
        from kg.store.remote import open_remote

        return open_remote(cfg)
    from kg.store.embedded import open_embedded

    return open_embedded(cfg.store, create=create, verify=verify)


def is_new_store(cfg: Config) -> bool:
    """Whether a build of `cfg.store` will create it, so every article needs extracting.

    A remote store always exists already; it is never new.
    """
    if cfg.store_is_remote:
        return False
    from kg.store.embedded import holds_store

    return not holds_store(cfg.store)
