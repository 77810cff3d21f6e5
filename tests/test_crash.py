"""A `kg build` killed with SIGKILL leaves a usable store, and a rerun completes it.

Nothing can be cleaned up after SIGKILL, so the guarantee has to come from the
write itself: the store must open afterwards, every article graph in it must be
whole (its kg:Article node and its build-cache record both present), and the
next build must end in the same store a clean build makes. The kills land at
the two dangerous moments: while the store files are being written, and in
the middle of extraction when updating an existing store.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.corpus import write_corpus
from kg.config import Config
from kg.namespace import ENTITIES_GRAPH, SYSTEM_GRAPH
from kg.store import open_store

pytestmark = pytest.mark.model

PAGES = 60  # about 140 articles: long enough to kill midway
_KG = "https://w3id.org/cluster-kg/ontology#"


def _start_build(corpus: Path, store: Path, *options: str) -> subprocess.Popen[bytes]:
    code = "import sys; from kg.cli import cli; sys.exit(cli())"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--store", str(store), "build", *options, str(corpus)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _run_build(corpus: Path, store: Path) -> None:
    proc = _start_build(corpus, store)
    _, err = proc.communicate(timeout=1800)
    assert proc.returncode == 0, err.decode()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` (forkserver, resource tracker, pool workers), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for its (re)parent to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _quads(store: Path) -> list[str]:
    """All quads but the code fingerprint, which changes whenever kg's code is edited."""
    with open_store(Config(store=str(store))) as db:
        return [str(q) for q in db.quads(include_system=True) if "#pipeline>" not in str(q)]


def assert_whole_articles(store: Path) -> int:
    """The store opens and every article graph comes with its Article node and cache record."""
    with open_store(Config(store=str(store))) as db:
        graphs = db.graph_names() - {ENTITIES_GRAPH, SYSTEM_GRAPH}
        typed = {
            row["g"].value
            for row in db.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g a <{_KG}Article> }} }}")
        }
        records = {
            row["a"].value
            for row in db.query(
                f"SELECT ?a WHERE {{ GRAPH <{SYSTEM_GRAPH}> {{ ?a <{_KG}extractionRecord> ?r }} }}"
            )
        }
    assert graphs == typed, "an article graph lacks its kg:Article node"
    assert graphs == records, "article graphs and build-cache records disagree"
    return len(graphs)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crash") / "articles"
    write_corpus(PAGES, root, seed=3)
    return root


@pytest.fixture(scope="module")
def clean(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The store an uninterrupted build of the corpus makes."""
    store = tmp_path_factory.mktemp("clean") / "store"
    _run_build(corpus, store)
    return _quads(store)


def test_killed_while_writing_the_store(corpus: Path, clean: list[str], tmp_path: Path) -> None:
    store = tmp_path / "store"
    proc = _start_build(corpus, store)
    # A first build writes its store aside and renames it into place: kill the moment
    # either the staging directory or the store appears, i.e. while RocksDB creates it.
    while (
        not (store / "CURRENT").exists()
        and not any(tmp_path.glob(".kg-creating-store-*"))
        and proc.poll() is None
    ):
        time.sleep(0.002)
    _kill(proc)
    killed = tmp_path / "killed"
    if store.exists():
        shutil.copytree(store, killed)

    # A rerun completes the build to exactly what a clean build makes.
    _run_build(corpus, store)
    assert assert_whole_articles(store) > 0
    assert _quads(store) == clean

    # Readers (kg query, kg viz) can open whatever the kill left: nothing, or a
    # whole store; and the rerun above removed the killed build's staging directory.
    if killed.exists():
        assert_whole_articles(killed)
    assert not any(tmp_path.glob(".kg-creating-store-*"))


def test_killed_midway_through_an_update(corpus: Path, clean: list[str], tmp_path: Path) -> None:
    # A store holding the first half of the corpus...
    half = tmp_path / "half"
    half.mkdir()
    pages = sorted(corpus.iterdir())
    for page in pages[: PAGES // 2]:
        (half / page.name).write_bytes(page.read_bytes())
    store = tmp_path / "store"
    _run_build(half, store)
    before = _quads(store)

    # ...then the other half arrives and the build is killed during extraction.
    for page in pages[PAGES // 2 :]:
        (half / page.name).write_bytes(page.read_bytes())
    proc = _start_build(half, store, "--workers", "2")
    # Kill once the pool is up (forkserver, resource tracker, workers): the workers are
    # still loading or running the model then, so the kill lands during extraction
    # whatever the machine's speed, rather than after a fixed sleep.
    deadline = time.monotonic() + 120
    helpers: set[int] = set()
    while len(helpers) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        helpers = _descendants(proc.pid)
    time.sleep(0.5)
    helpers |= _descendants(proc.pid)
    assert proc.poll() is None, "the build ended before it could be killed"
    assert len(helpers) >= 3, "the 2-worker build started no worker pool"
    _kill(proc)
    assert_whole_articles(store)
    assert _quads(store) == before  # nothing of the interrupted build landed

    # The workers (each holding a loaded model) and the forkserver go with the build
    # instead of lingering; the deadline is generous, they exit within a second.
    deadline = time.monotonic() + 60
    while any(_alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in helpers if _alive(pid)], "worker processes outlived the build"

    _run_build(half, store)
    assert_whole_articles(store)
    rebuilt = _quads(store)
    # Same articles as a clean build of the full corpus; only the source paths differ
    # (absolute in the system graph's keys, folder/name in kg:sourceFile).
    def placed(quad: str, folder: Path) -> str:
        return quad.replace(str(folder), "@").replace(f'"{folder.name}/', '"@/')

    assert len(rebuilt) == len(clean)
    assert sorted(placed(q, half) for q in rebuilt) == sorted(placed(q, corpus) for q in clean)
