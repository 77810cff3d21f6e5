"""A remote store that loses its server part-way through a write says so, and so do
`kg stats` and `kg validate`, until a build completes it.

The server is the real Oxigraph server, killed (SIGKILL) between two of the
write's requests, then started again on the same database. An embedded store
writes in one transaction and is never caught half-way (tests/test_crash.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import helpers_store
import pytest
from click.testing import CliRunner, Result
from helpers_servers import Server, oxigraph_server

import kg.store.remote as remote
from kg.build.runner import Stages, build
from kg.cli import cli
from kg.config import Config
from kg.errors import StoreError
from kg.namespace import ENTITIES_GRAPH, SYSTEM_GRAPH
from kg.store import check_complete, open_store
from kg.store.base import incomplete_reason

ARTICLES = Path(__file__).parent / "data" / "remote"


def killing_after(server: Server, updates: int) -> Callable[[Config], Any]:
    """`open_remote`, but the store writes in small requests and its server is killed
    just before the update request number `updates + 1` goes out."""
    original = remote.open_remote

    def opening(cfg: Config) -> remote.RemoteStore:
        store = original(cfg)
        store._batch_bytes = 1500
        post = store._post
        sent = [0]

        def posting(url, form, accept, *, is_query, **options):  # type: ignore[no-untyped-def]
            if not is_query:
                if sent[0] == updates and server.process is not None:
                    server.process.kill()
                    server.process.wait()
                sent[0] += 1
            return post(url, form, accept, is_query=is_query, **options)

        store._post = posting  # type: ignore[method-assign]
        return store

    return opening


def kg(store: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--store", store, *args])


def assert_says_incomplete(store: str) -> None:
    for command in ("stats", "validate"):
        result = kg(store, command)
        assert result.exit_code == 1, result.stdout
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "is incomplete" in lines[0], result.stderr
        assert "kg build" in lines[0] and "Traceback" not in result.stderr


@pytest.mark.server
def test_a_write_cut_short_marks_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    location = tmp_path / "oxigraph"
    with oxigraph_server(location) as server:
        monkeypatch.setattr(remote, "open_remote", killing_after(server, 2))
        store = open_store(server.config())
        with pytest.raises(StoreError) as err:
            store.apply(helpers_store.sample_graphs())
        message = str(err.value)
        assert "cannot reach" in message and "now incomplete (2 of " in message
        assert "\n" not in message
    monkeypatch.undo()
    with oxigraph_server(location) as again:
        store = open_store(again.config())
        assert incomplete_reason(store) is not None
        with pytest.raises(StoreError, match="is incomplete: a write started at"):
            check_complete(store)
        assert_says_incomplete(again.url)
        # The same write, done whole, clears the mark.
        store.apply(helpers_store.sample_graphs())
        assert incomplete_reason(store) is None
        assert kg(again.url, "stats").exit_code == 0


@pytest.mark.server
@pytest.mark.model
def test_a_build_that_loses_its_server_says_so_until_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nlp: object
) -> None:
    """Six articles, the server killed after three of the build's update requests:
    the build ends with one line saying the store is incomplete, `kg stats` and
    `kg validate` say so against the restarted server, and the same build again
    completes it."""
    articles = tmp_path / "articles"
    shutil.copytree(ARTICLES, articles)
    stages = Stages(load_pipeline=lambda cfg: nlp)
    location = tmp_path / "oxigraph"
    with oxigraph_server(location) as server:
        monkeypatch.setattr(remote, "open_remote", killing_after(server, 3))
        with pytest.raises(StoreError) as err:
            build([articles], server.config(), stages=stages)
        assert "now incomplete" in str(err.value) and "kg build" in str(err.value)
    monkeypatch.undo()
    with oxigraph_server(location) as again:
        with open_store(again.config()) as store:
            written = store.graph_names()
        assert len(written) > 1  # the kill came mid-way: part of the build is there
        assert_says_incomplete(again.url)
        report = build([articles], again.config(), stages=stages)
        assert report.articles == 6
        with open_store(again.config()) as store:
            check_complete(store)
            assert {ENTITIES_GRAPH, SYSTEM_GRAPH} <= store.graph_names()
        assert kg(again.url, "stats").exit_code == 0
        # A verdict about the graph again (whatever it is), not about a half store.
        checked = kg(again.url, "validate")
        assert checked.stdout.startswith("Graph ") and "incomplete" not in checked.stderr


def test_article_graphs_without_entities_or_build_record_are_incomplete(tmp_path: Path) -> None:
    """What a first build that lost its server left before the mark existed: its
    article graphs only (a build writes them first)."""
    graphs = helpers_store.sample_graphs()
    partial = {g: t for g, t in graphs.items() if g not in (ENTITIES_GRAPH, SYSTEM_GRAPH)}
    location = str(tmp_path / "partial")
    with open_store(Config(store=location), create=True) as store:
        store.apply(partial)
    assert_says_incomplete(location)
    whole = str(tmp_path / "whole")
    with open_store(Config(store=whole), create=True) as store:
        store.apply(graphs)
        check_complete(store)
    assert kg(whole, "stats").exit_code == 0
