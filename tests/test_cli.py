"""The command line: help, exit codes, one-line errors, determinism and idempotence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import cli
from kg.config import Config
from kg.store import open_store
from kg.view.export import EXPORT_FORMATS

COMMANDS = sorted(cli.commands)


def invoke(runner: CliRunner, store: str, *args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(cli, ["--store", store, *args], env=env)


def quads(location: str) -> list[str]:
    with open_store(Config(store=location)) as store:
        return [str(q) for q in store.quads(include_system=True)]


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0]


# --- help -------------------------------------------------------------------


def test_all_commands_are_known() -> None:
    assert set(COMMANDS) >= {"build", "query", "export", "viz", "stats", "validate", "eval"}


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_has_an_example(runner: CliRunner, command: str | None) -> None:
    result = runner.invoke(cli, [command, "--help"] if command else ["--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    example = result.output.split("Example:", 1)[1]
    assert f"kg {command or ''}".strip() in example


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("kg, version ")


def test_import_is_light() -> None:
    """`import kg.cli` must not drag in the heavy libraries (help and completion stay fast)."""
    heavy = ("spacy", "rdflib", "pyoxigraph", "networkx", "jinja2", "pyshacl", "numpy")
    code = (
        f"import sys, kg.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- query / export on a hand-made store --------------------------------------


def test_query_table(runner: CliRunner, sample_store: str) -> None:
    result = invoke(
        runner, sample_store, "query", "SELECT ?l WHERE { ?e rdfs:label ?l } ORDER BY ?l"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[2:] == ["Acme GmbH", "Lab Network", "Täunchen", "(3 rows)"]


def test_query_from_rq_file_as_json(runner: CliRunner, sample_store: str, tmp_path: Path) -> None:
    rq = tmp_path / "places.rq"
    rq.write_text("# places\nSELECT ?e WHERE { ?e a kg:Place }\n", encoding="utf-8")
    result = invoke(runner, sample_store, "query", str(rq), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["results"]["bindings"][0]["e"]["value"].endswith("entity/town")


def test_store_from_environment(runner: CliRunner, sample_store: str) -> None:
    result = runner.invoke(
        cli, ["query", "ASK { ?x a kg:Cluster }"], env={"KG_STORE": sample_store}
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "true\n"


def test_export_to_stdout(runner: CliRunner, sample_store: str) -> None:
    result = invoke(runner, sample_store, "export", "--format", "ntriples", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count(" .\n") == len(result.stdout.splitlines())
    assert "wrote stdout" in result.stderr


def test_export_to_file(runner: CliRunner, sample_store: str, tmp_path: Path) -> None:
    out = tmp_path / "g.ttl"
    result = invoke(runner, sample_store, "export", "-f", "turtle", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out}: ")
    assert "@prefix kg:" in out.read_text(encoding="utf-8")


# --- bad input: one line, non-zero, store unchanged -----------------------------


BAD_INPUTS = {
    "missing path": (["build", "{tmp}/missing"], ["path not found"]),
    "nothing readable": (["build", "{tmp}/empty.txt"], ["nothing to build", "empty file"]),
    "binary file": (["build", "{tmp}/blob.txt"], ["nothing to build", "binary"]),
    "invalid SPARQL": (["query", "SELECT ?s WHERE {\n  ?s ?p }"], ["line 2, column"]),
    "update query": (["query", "DELETE WHERE { ?s ?p ?o }"], ["read-only"]),
    "missing .rq": (["query", "{tmp}/missing.rq"], ["query file not found"]),
    "undecodable .rq": (["query", "{tmp}/bad.rq"], ["cannot read query file"]),
    "unknown export format": (["export", "-f", "rdfxml", "-o", "{tmp}/x"], ["'rdfxml'", "turtle"]),
    "export into a directory": (["export", "-f", "turtle", "-o", "{tmp}"], ["Error"]),
    "unknown query format": (["query", "ASK {}", "-f", "xml"], ["'xml'", "table"]),
    "missing gold file": (["eval", "{tmp}/nope.json"], ["nope.json"]),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input(runner: CliRunner, sample_store: str, tmp_path: Path, case: str) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "bad.rq").write_bytes(b"SELECT \xff")
    args, fragments = BAD_INPUTS[case]
    before = quads(sample_store)
    result = invoke(runner, sample_store, *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert_one_line_error(result, *fragments)
    assert quads(sample_store) == before
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("command", [["build", "."], ["query", "ASK {}"], ["stats"], ["validate"]])
def test_store_path_is_a_file(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "file"
    path.write_text("not a store")
    result = invoke(runner, str(path), *command)
    assert_one_line_error(result, "store path is a file, not a directory")
    assert path.read_text() == "not a store"


@pytest.mark.parametrize(
    "command", [["query", "ASK {}"], ["export", "-f", "turtle", "-o", "-"], ["stats"]]
)
def test_no_store_yet(runner: CliRunner, tmp_store: str, command: list[str]) -> None:
    result = invoke(runner, tmp_store, *command)
    assert_one_line_error(result, "no store at", "kg build")
    assert not Path(tmp_store).exists()


def test_unreadable_article(
    runner: CliRunner, sample_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Permissions are simulated: tests run as root in CI, and root reads anything.
    path = tmp_path / "secret.txt"
    path.write_text("Title\n\nBody.\n")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    before = quads(sample_store)
    result = invoke(runner, sample_store, "build", str(path))
    assert_one_line_error(result, "nothing to build", "cannot read")
    assert quads(sample_store) == before


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    for args in (["build"], ["nosuch"], ["--bogus"], ["query", "ASK {}", "--format", "xml"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


# --- real pipeline: the seeds ---------------------------------------------------


def test_build_summary(
    runner: CliRunner, reuse_nlp: object, seed_dir: Path, tmp_store: str
) -> None:
    (seed_dir / "notes.txt").write_text("  \n")
    result = invoke(runner, tmp_store, "build", str(seed_dir))
    assert result.exit_code == 0, result.stderr
    first, second, *rest = result.stdout.splitlines()
    assert first.startswith(f"Built {tmp_store}: ")
    assert "new" in first and "entities" in second and "relations" in second
    assert rest[0].startswith("Changed: 6 new (")
    assert rest[1] == "Skipped 1 input:"
    assert rest[2].endswith("notes.txt: empty file")


def test_two_fresh_builds_export_identical_bytes(
    runner: CliRunner, reuse_nlp: object, seed_dir: Path, tmp_path: Path
) -> None:
    outputs: dict[str, list[bytes]] = {fmt: [] for fmt in EXPORT_FORMATS}
    for run in ("one", "two"):
        store = str(tmp_path / f"store-{run}")
        assert invoke(runner, store, "build", str(seed_dir)).exit_code == 0
        for fmt, spec in EXPORT_FORMATS.items():
            out = tmp_path / f"{run}-{fmt}{spec.suffix}"
            result = invoke(runner, store, "export", "-f", fmt, "-o", str(out))
            assert result.exit_code == 0, result.stderr
            files = sorted(out.iterdir()) if spec.folder else [out]
            outputs[fmt].append(b"".join(p.read_bytes() for p in files))
    for fmt, (one, two) in outputs.items():
        assert one == two, fmt
        assert one, fmt


def test_rebuild_is_idempotent_and_replaces_changed_articles(
    runner: CliRunner,
    reuse_nlp: object,
    seed_dir: Path,
    tmp_store: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Teammates edit extraction code while this runs; a changed fingerprint would
    # (rightly) re-extract. That path has its own test in test_build.py.
    monkeypatch.setattr("kg.build.runner.pipeline_fingerprint", lambda cfg: "pinned")
    assert invoke(runner, tmp_store, "build", str(seed_dir)).exit_code == 0
    before = quads(tmp_store)
    again = invoke(runner, tmp_store, "build", str(seed_dir))
    assert again.exit_code == 0
    assert "0 extracted" in again.stdout and "0 graphs written" in again.stdout
    assert quads(tmp_store) == before

    with open_store(Config(store=tmp_store)) as store:
        old_graphs = store.graph_names()
    page = sorted(seed_dir.glob("*.txt"))[-1]
    page.write_text(page.read_text(encoding="utf-8").replace("Leipzig", "Halle"), encoding="utf-8")
    changed = invoke(runner, tmp_store, "build", str(seed_dir))
    assert changed.exit_code == 0, changed.stderr
    assert " changed" in changed.stdout and "0 changed" not in changed.stdout
    with open_store(Config(store=tmp_store)) as store:
        new_graphs = store.graph_names()
        labels = {r["l"].value for r in store.query("SELECT ?l WHERE { ?e rdfs:label ?l }")}
    assert old_graphs - new_graphs  # the old version's graph is gone
    assert new_graphs - old_graphs  # and the new version has its own
    assert "Halle" in labels


def test_commands_on_the_built_store(runner: CliRunner, built_store: str, tmp_path: Path) -> None:
    stats = invoke(runner, built_store, "stats", "--format", "json")
    assert stats.exit_code == 0, stats.stderr
    assert json.loads(stats.stdout)["entities"] > 0
    validate = invoke(runner, built_store, "validate")
    assert validate.exit_code == 0, validate.stdout
    page = tmp_path / "net.html"
    viz = invoke(runner, built_store, "viz", "-o", str(page))
    assert viz.exit_code == 0, viz.stderr
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    gold = Path(__file__).resolve().parent.parent / "data" / "gold" / "seeds.json"
    if gold.is_file():
        scored = invoke(runner, built_store, "eval", str(gold), "--format", "json")
        assert scored.exit_code == 0, scored.stderr
        assert "entities" in json.loads(scored.stdout)


def test_validate_fails_on_a_nonconforming_graph(runner: CliRunner, sample_store: str) -> None:
    """The hand-made sample has a relation edge without a statement node: invalid."""
    result = invoke(runner, sample_store, "validate")
    assert result.exit_code == 1
    assert result.stdout.startswith("Graph does not conform")
