"""Shared fixtures (owner: store/cli helper; others append, never rewrite).

Stores and article folders are always fresh temporary copies, so no test can
damage the checked-in seeds or another test's store. The fixtures that need
the NLP stages use the real pipeline, loaded once per session.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import helpers_store
import pytest
from click.testing import CliRunner

if TYPE_CHECKING:
    from kg.sparql.server import SparqlServer

REPO = Path(__file__).resolve().parent.parent
SEED_DIR = REPO / "data" / "articles"


@pytest.fixture
def runner() -> CliRunner:
    """A CLI runner; click 8.2+ keeps stderr apart from stdout (result.stderr)."""
    return CliRunner()


@pytest.fixture
def tmp_store(tmp_path: Path) -> str:
    """Path of a store directory that does not exist yet (a build creates it)."""
    return str(tmp_path / "store")


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """A private copy of data/articles that a test may edit, add to or delete from."""
    target = tmp_path / "articles"
    shutil.copytree(SEED_DIR, target)
    return target


@pytest.fixture
def blank_nlp():  # -> spacy.Language
    """A tokenizer-only pipeline: fast, for tests of rule components and offsets."""
    import spacy

    return spacy.blank("en")


@pytest.fixture(scope="session")
def nlp():  # -> spacy.Language
    """The real pipeline, loaded once per session (slow)."""
    from kg.config import Config
    from kg.nlp.pipeline import load_pipeline

    return load_pipeline(Config())


@pytest.fixture
def reuse_nlp(nlp, monkeypatch: pytest.MonkeyPatch):  # -> spacy.Language
    """Make every build in the test (CLI ones too) use the session's loaded pipeline."""
    monkeypatch.setattr("kg.nlp.pipeline.load_pipeline", lambda cfg: nlp)
    return nlp


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory, nlp) -> Iterator[str]:
    """Path of a store built once from the seed articles. Read it; never write to it."""
    from kg.build.runner import Stages, build
    from kg.config import Config

    base = tmp_path_factory.mktemp("built")
    articles = base / "articles"
    shutil.copytree(SEED_DIR, articles)
    location = str(base / "store")
    build([articles], Config(store=location), stages=Stages(load_pipeline=lambda cfg: nlp))
    yield location


@pytest.fixture
def sample_store(tmp_store: str) -> str:
    """Path of a closed store holding `sample_graphs()` (no NLP involved)."""
    from kg.config import Config
    from kg.store import open_store

    with open_store(Config(store=tmp_store), create=True) as store:
        store.apply(helpers_store.sample_graphs())
    return tmp_store


@pytest.fixture
def news_site():  # -> Iterator[helpers_web.NewsSite]
    """A news site on 127.0.0.1 (pages, feeds, a sitemap, misbehaving routes) for one test."""
    from helpers_web import Serving

    with Serving() as site:
        yield site


@pytest.fixture(scope="session")
def virtuoso_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One Virtuoso for the session (it takes seconds to start); tests clear it."""
    import helpers_servers

    why = helpers_servers.virtuoso_missing()
    if why:
        pytest.skip(why)
    with helpers_servers.virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """A real SPARQL server with an empty kg store: a fresh Oxigraph, or Virtuoso cleared."""
    import helpers_servers

    if request.param == "oxigraph":
        with helpers_servers.oxigraph_server(tmp_path / "oxigraph") as found:
            yield found
    else:
        found = request.getfixturevalue("virtuoso_session")
        found.clear()
        yield found


@pytest.fixture
def corpus_store(tmp_path: Path) -> str:
    """Path of a closed store holding helpers_network's made-up corpus (no NLP involved):
    every class and relation, an amount, a role, a hedged fact, a URL, two articles."""
    from helpers_network import small_corpus

    from kg.config import Config
    from kg.store import open_store

    graphs: dict = {}
    for quad in small_corpus().quads:
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    location = str(tmp_path / "corpus-store")
    with open_store(Config(store=location), create=True) as store:
        store.apply(graphs)
    return location


@pytest.fixture
def serve_sample(sample_store: str) -> Iterator[Callable[..., SparqlServer]]:
    """Start `kg serve` servers over the sample store in threads; `.url` is each one's base.

    Options are ServeOptions fields (port 0 picks a free loopback port); every
    server, its worker processes and its thread are stopped after the test.
    """
    import threading
    from dataclasses import replace

    from kg.config import Config
    from kg.sparql.server import ServeOptions, make_server

    started: list[tuple[SparqlServer, threading.Thread]] = []

    def _start(**options: object) -> SparqlServer:
        server = make_server(Config(store=sample_store), replace(ServeOptions(port=0), **options))
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        started.append((server, thread))
        return server

    yield _start
    for server, thread in started:
        server.shutdown()
        server.server_close()
        server.pool.close()
        server.holder.close()
        thread.join(10)
