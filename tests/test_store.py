"""The embedded store: opening rules, atomic graph replacement, stable reads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Config
from kg.errors import QueryError, StoreError
from kg.namespace import ENTITIES_GRAPH, SYSTEM_GRAPH
from kg.store import embedded as oxistore
from kg.store import open_store

KG = "https://w3id.org/cluster-kg/ontology#"
ID = "https://w3id.org/cluster-kg/id/"
GRAPH_A = ID + "article/a"
GRAPH_B = ID + "article/b"


def triple(s: str, p: str, o: str | ox.Literal) -> ox.Triple:
    obj = o if isinstance(o, ox.Literal) else ox.NamedNode(ID + o)
    return ox.Triple(ox.NamedNode(ID + s), ox.NamedNode(KG + p), obj)


def article(name: str, n: int = 3) -> list[ox.Triple]:
    return [triple(f"entity/{name}{i}", "mentionedIn", f"article/{name}") for i in range(n)]


def snapshot(location: str) -> list[str]:
    with open_store(Config(store=location)) as store:
        return [str(q) for q in store.quads(include_system=True)]


@pytest.fixture
def store(tmp_store: str):
    with open_store(Config(store=tmp_store), create=True) as s:
        s.apply(
            {
                GRAPH_A: article("a"),
                GRAPH_B: article("b"),
                SYSTEM_GRAPH: [triple("article/a", "sourceKey", ox.Literal("/x.txt#0"))],
            }
        )
        yield s


def test_missing_store_for_reading(tmp_store: str) -> None:
    with pytest.raises(StoreError, match=r"^no store at .*; run `kg build` first$"):
        open_store(Config(store=tmp_store))
    assert not Path(tmp_store).exists()


def test_store_path_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    for create in (True, False):
        with pytest.raises(StoreError, match="store path is a file, not a directory"):
            open_store(Config(store=str(path)), create=create)
    assert path.read_text() == "x"


def test_non_store_directory_is_not_filled(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(StoreError, match="not a kg store"):
        open_store(Config(store=str(tmp_path)), create=True)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_store_directory_appears_with_the_first_write(tmp_path: Path) -> None:
    """A build that fails before writing must not leave an empty store behind."""
    location = str(tmp_path / "a" / "b" / "store")
    with open_store(Config(store=location), create=True) as store:
        assert store.graph_names() == set()
        assert list(store.query("SELECT * WHERE { ?s ?p ?o }")) == []
        store.apply({GRAPH_A: []})
        assert not Path(location).exists()
        store.apply({GRAPH_A: article("a")})
    assert (Path(location) / "CURRENT").is_file()
    assert snapshot(location) == [str(q) for q in sorted_quads(GRAPH_A, article("a"))]


def sorted_quads(graph: str, triples: list[ox.Triple]) -> list[ox.Quad]:
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples]
    return sorted(quads, key=oxistore.quad_sort_key)


def test_unwritable_parent_fails_at_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Permissions are simulated: tests run as root in CI, and root may write anywhere.
    parent = tmp_path / "ro"
    parent.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        "kg.store.embedded.os.access",
        lambda p, mode: False if Path(p) == parent else real_access(p, mode),
    )
    with pytest.raises(StoreError, match="not writable"):
        open_store(Config(store=str(parent / "store")), create=True)
    assert not (parent / "store").exists()


def test_store_created_by_someone_else_meanwhile(tmp_store: str) -> None:
    with open_store(Config(store=tmp_store), create=True) as mine:
        with open_store(Config(store=tmp_store), create=True) as theirs:
            theirs.apply({GRAPH_B: article("b")})
        with pytest.raises(StoreError, match="created by another process"):
            mine.apply({GRAPH_A: article("a")})
    assert snapshot(tmp_store) == [str(q) for q in sorted_quads(GRAPH_B, article("b"))]


def test_urls_go_to_the_remote_backend() -> None:
    """open_store picks the backend by name; an unreachable URL is one StoreError line."""
    with pytest.raises(StoreError, match=r"http://127\.0\.0\.1:9/query"):
        open_store(Config(store="http://127.0.0.1:9/query"))


def test_second_writer_in_same_process(store) -> None:
    with pytest.raises(StoreError, match="already open in this process"):
        open_store(Config(store=store.location), create=True)


def test_second_writer_in_other_process(tmp_store: str) -> None:
    with open_store(Config(store=tmp_store), create=True) as store:
        store.apply({GRAPH_A: article("a")})
        code = (
            "import sys\n"
            "from kg.config import Config\n"
            "from kg.errors import StoreError\n"
            "from kg.store import open_store\n"
            "try:\n"
            f"    open_store(Config(store={tmp_store!r}), create=True)\n"
            "except StoreError as e:\n"
            "    print(e); sys.exit(3)\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 3, proc.stderr
    assert "in use by another process" in proc.stdout


def test_reader_does_not_lock(store) -> None:
    """Read-only handles take no lock: readers and the writer coexist."""
    with open_store(Config(store=store.location)) as reader:
        assert reader.graph_names() == store.graph_names()


def test_read_only_store_refuses_writes(store) -> None:
    store.close()
    with (
        open_store(Config(store=store.location)) as reader,
        pytest.raises(StoreError, match="read-only"),
    ):
        reader.apply({GRAPH_A: []})


def test_apply_replaces_and_drops(store) -> None:
    store.apply({GRAPH_A: article("a", 1), ENTITIES_GRAPH: article("e", 2)}, drop=[GRAPH_B])
    assert store.graph_names() == {GRAPH_A, ENTITIES_GRAPH, SYSTEM_GRAPH}
    assert store.triples(GRAPH_A) == set(article("a", 1))
    assert store.triples(ENTITIES_GRAPH) == set(article("e", 2))


def test_replace_with_nothing_removes_the_graph(store) -> None:
    store.apply({GRAPH_A: []})
    assert GRAPH_A not in store.graph_names()


def test_replace_wins_over_drop(store) -> None:
    store.apply({GRAPH_A: article("x", 1)}, drop=[GRAPH_A, ID + "article/never-was"])
    assert store.triples(GRAPH_A) == set(article("x", 1))


def test_unchanged_apply_sends_no_update() -> None:
    current = {GRAPH_A: set(article("a"))}
    assert oxistore.update_request(current, {GRAPH_A: article("a")}, []) == ""


def test_update_request_only_writes_the_difference() -> None:
    current = {GRAPH_A: set(article("a", 3))}
    request = oxistore.update_request(current, {GRAPH_A: article("a", 2)}, [])
    assert request.startswith("DELETE DATA")
    assert "INSERT DATA" not in request
    assert request.count("kg/id/entity/a") == 1


def test_failed_iterator_leaves_store_unchanged(store) -> None:
    before = snapshot_of(store)

    def half_then_fail():
        yield from article("new", 2)
        raise RuntimeError("extractor crashed")

    with pytest.raises(RuntimeError, match="extractor crashed"):
        store.apply({GRAPH_A: article("z"), ID + "article/new": half_then_fail()}, drop=[GRAPH_B])
    assert snapshot_of(store) == before


def test_failure_inside_the_update_rolls_everything_back(store, monkeypatch) -> None:
    """The property `apply` relies on: one SPARQL UPDATE request is one transaction."""
    before = snapshot_of(store)
    real = oxistore.update_request

    def failing_last(*args, **kwargs):
        return real(*args, **kwargs) + " ;\nDROP GRAPH <urn:kg:does-not-exist>"

    monkeypatch.setattr(oxistore, "update_request", failing_last)
    with pytest.raises(StoreError, match="rejected the update"):
        store.apply({GRAPH_A: article("z"), ID + "article/new": article("new")}, drop=[GRAPH_B])
    assert snapshot_of(store) == before


def test_blank_nodes_are_refused_before_writing(store) -> None:
    before = snapshot_of(store)
    bad = ox.Triple(ox.BlankNode(), ox.NamedNode(KG + "p"), ox.Literal("x"))
    with pytest.raises(StoreError, match="blank nodes"):
        store.apply({GRAPH_A: [bad]})
    assert snapshot_of(store) == before


def test_literals_survive_the_update_text(store) -> None:
    tricky = ox.Literal('line "one"\nline \\two\\ \u00e9\U0001f600')
    dec = ox.Literal("0.85", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    lang = ox.Literal("Leipzig", language="de")
    wanted = {
        triple("s", "sentence", tricky),
        triple("s", "confidence", dec),
        triple("s", "label", lang),
    }
    store.apply({GRAPH_A: wanted})
    assert store.triples(GRAPH_A) == wanted


def test_many_graphs_in_one_apply(store) -> None:
    graphs = {f"{ID}article/n{i}": article(f"n{i}", 5) for i in range(500)}
    store.apply(graphs)
    assert len(store.graph_names()) == 503
    store.apply({}, drop=list(graphs))
    assert len(store.graph_names()) == 3


def test_quads_sorted_and_without_system(store) -> None:
    quads = list(store.quads())
    assert quads == sorted(quads, key=oxistore.quad_sort_key)
    assert {q.graph_name.value for q in quads} == {GRAPH_A, GRAPH_B}
    assert len(list(store.quads(include_system=True))) == len(quads) + 1


def test_query_sees_the_union_with_prefixes(store) -> None:
    rows = list(store.query("SELECT ?e WHERE { ?e kg:mentionedIn id:article\\/a }"))
    assert len(rows) == 3
    assert bool(store.query("ASK { ?a kg:sourceKey ?k }"))  # documented: system graph included
    del rows


def test_invalid_sparql_has_position(store) -> None:
    with pytest.raises(QueryError, match=r"^invalid SPARQL at line 2, column \d+: expected"):
        store.query("SELECT ?s WHERE {\n ?s ?p }")


def snapshot_of(store) -> list[str]:
    return [str(q) for q in store.quads(include_system=True)] + sorted(store.graph_names())


def test_data_persists_after_close(store) -> None:
    before = [str(q) for q in store.quads(include_system=True)]
    store.close()
    assert snapshot(store.location) == before
    assert len(before) == 7


def test_new_store_is_streamed_in_batches(tmp_path: Path, monkeypatch) -> None:
    """A first build hands over graphs piece by piece; the result is one apply's."""
    monkeypatch.setattr(oxistore, "BULK_BATCH", 2)
    pieces = [
        (GRAPH_A, article("a")[:2]),
        (SYSTEM_GRAPH, [triple("article/a", "sourceKey", ox.Literal("/x.txt#0"))]),
        (GRAPH_A, article("a")[2:]),
        (GRAPH_B, article("b")),
        (SYSTEM_GRAPH, [triple("article/b", "sourceKey", ox.Literal("/x.txt#1"))]),
    ]
    streamed, applied = str(tmp_path / "streamed"), str(tmp_path / "applied")
    with open_store(Config(store=streamed), create=True) as store:
        assert store.creating
        store.load(iter(pieces))
        assert not store.creating
    with open_store(Config(store=applied), create=True) as store:
        store.apply(
            {
                GRAPH_A: article("a"),
                GRAPH_B: article("b"),
                SYSTEM_GRAPH: [p for g, ts in pieces if g == SYSTEM_GRAPH for p in ts],
            }
        )
    assert snapshot(streamed) == snapshot(applied)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["applied", "streamed"]


def test_failure_while_streaming_a_new_store_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(oxistore, "BULK_BATCH", 2)
    location = tmp_path / "store"

    def pieces():
        yield GRAPH_A, article("a")  # three quads: the hidden store is already being written
        raise RuntimeError("resolution broke")

    with open_store(Config(store=str(location)), create=True) as store:
        with pytest.raises(RuntimeError, match="resolution broke"):
            store.load(pieces())
        assert store.creating
    assert list(tmp_path.iterdir()) == []


def test_load_into_an_existing_store_replaces_whole_graphs(store) -> None:
    assert not store.creating
    store.load([(GRAPH_A, article("a", 1)), (GRAPH_A, article("c", 1))])
    assert store.triples(GRAPH_A) == set(article("a", 1) + article("c", 1))
    assert store.triples(GRAPH_B) == set(article("b"))


def test_streamed_create_loads_many_documents_and_fails_whole(
    tmp_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """N-Quads documents are loaded by a second thread while the next is made.

    Every document of a good stream arrives; a document the loader rejects (here
    the third) is one StoreError, and no store is left, not even the part loaded.
    """
    monkeypatch.setattr(oxistore, "BULK_BYTES", 1)  # one loader run per document
    docs = [f"<urn:s{i}> <urn:p> <urn:o{i}> <urn:g{i % 3}> .\n".encode() for i in range(40)]
    with open_store(Config(store=tmp_store), create=True) as store:
        store.load_nquads(iter(docs))
    with open_store(Config(store=tmp_store)) as store:
        assert sum(1 for _ in store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")) == 40

    other = tmp_store + "-bad"
    made: list[int] = []

    def stream():
        for i, doc in enumerate([*docs[:2], b"<urn:s> <urn:p> not rdf .\n", *docs[2:]]):
            made.append(i)
            yield doc

    with (
        open_store(Config(store=other), create=True) as store,
        pytest.raises(StoreError, match="rejected"),
    ):
        store.load_nquads(stream())
    assert len(made) < 10  # the error stopped the stream soon after the bad document
    assert not Path(other).exists()
    assert not [p for p in Path(other).parent.iterdir() if p.name.startswith(".kg-creating")]
