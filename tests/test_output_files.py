"""Files kg writes on request (issue 15, item 8): atomic, regular files only, one-line errors.

`kg export -o` used to rename its temporary file over whatever the path named
(a FIFO, a symlink, a device node: as root it replaced /dev/full); `kg viz -o`
wrote in place, so a full disk left half a page instead of the good one; the
csv folder was replaced table by table, so a failure left old and new tables
mixed; and a full TMPDIR or a full or closed stdout ended in a traceback.
Subprocess tests have a timeout: the old `kg viz -o FIFO` blocked for ever.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

KG = "import sys; from kg.cli import cli; sys.exit(cli())"
FIFO_OK = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
DEV_FULL = Path("/dev/full")


def _kg(*args: str, timeout: float = 120, **options: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", KG, *args], timeout=timeout, check=False, **options
    )  # type: ignore[call-overload]


def _export(runner: CliRunner, store: str, target: Path | str):  # -> click's Result
    return runner.invoke(cli, ["--store", store, "export", "-f", "turtle", "-o", str(target)])


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the outputs (the sample store sits beside it in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _one_line(text: str) -> str:
    assert "Traceback" not in text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _symlink(path: Path) -> Path:
    real = path.parent / "real.ttl"
    real.write_text("keep me\n", encoding="utf-8")
    path.symlink_to(real)
    return path


def _device(path: Path) -> Path:
    """A character device like /dev/full, made in the test's folder (needs CAP_MKNOD)."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


MAKERS = {
    "fifo": (_fifo, "FIFO"),
    "symlink": (_symlink, "symbolic link"),
    "device": (_device, "device"),
    "directory": (_directory, "directory"),
}


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_export_replaces_only_a_regular_file(
    runner: CliRunner, sample_store: str, out: Path, kind: str
) -> None:
    if kind == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    make, word = MAKERS[kind]
    target = make(out / "out.ttl")
    before = target.lstat()
    result = _export(runner, sample_store, target)
    assert result.exit_code == 1
    assert word in _one_line(result.stderr)
    after = target.lstat()
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    if kind == "symlink":
        assert (out / "real.ttl").read_text(encoding="utf-8") == "keep me\n"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


@FIFO_OK
def test_viz_refuses_a_fifo_instead_of_blocking(sample_store: str, tmp_path: Path) -> None:
    page = _fifo(tmp_path / "network.html")
    proc = _kg("--store", sample_store, "viz", "-o", str(page), capture_output=True, timeout=90)
    assert proc.returncode == 1
    assert "FIFO" in _one_line(proc.stderr.decode())
    assert stat.S_ISFIFO(page.lstat().st_mode)


@FIFO_OK
def test_a_fifo_in_the_csv_folder_stops_the_export_before_any_table(
    runner: CliRunner, sample_store: str, tmp_path: Path
) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    _fifo(folder / "relations.csv")
    result = runner.invoke(cli, ["--store", sample_store, "export", "-f", "csv", "-o", str(folder)])
    assert result.exit_code == 1 and "FIFO" in _one_line(result.stderr)
    assert sorted(p.name for p in folder.iterdir()) == ["relations.csv"]


def test_export_replaces_a_regular_file_whole_and_keeps_its_mode(
    runner: CliRunner, sample_store: str, out: Path
) -> None:
    target = out / "out.ttl"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    assert _export(runner, sample_store, target).exit_code == 0
    assert "kg:" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in out.iterdir()] == ["out.ttl"]


def test_a_missing_folder_is_one_line(runner: CliRunner, sample_store: str, tmp_path: Path) -> None:
    result = _export(runner, sample_store, tmp_path / "nowhere" / "out.ttl")
    assert result.exit_code == 1
    assert "does not exist" in _one_line(result.stderr)


def _full_disk(real):  # -> a writer that writes half, then fails like a full disk
    def writer(store: object, path: Path) -> int:
        real(store, path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    return writer


def test_a_full_disk_leaves_the_previous_export(
    runner: CliRunner, sample_store: str, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.view.export as export

    target = out / "graph.ttl"
    assert _export(runner, sample_store, target).exit_code == 0
    good = target.read_bytes()
    monkeypatch.setattr(export, "write_turtle", _full_disk(export.write_turtle))
    result = _export(runner, sample_store, target)
    assert result.exit_code == 1
    assert "No space left on device" in _one_line(result.stderr)
    assert target.read_bytes() == good
    assert [p.name for p in out.iterdir()] == ["graph.ttl"]


def test_a_full_tmpdir_for_stdout_is_one_line_and_prints_nothing(
    runner: CliRunner, sample_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.view.export as export

    monkeypatch.setattr(export, "write_turtle", _full_disk(export.write_turtle))
    result = _export(runner, sample_store, "-")
    assert result.exit_code == 1
    assert "No space left on device" in _one_line(result.stderr)
    assert result.stdout == ""


def test_viz_leaves_the_previous_page_when_the_disk_fills(
    runner: CliRunner, sample_store: str, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = out / "network.html"
    page.write_text("<html>the good page</html>", encoding="utf-8")
    real_write = Path.write_bytes

    def half_then_full(self: Path, data: bytes) -> int:
        real_write(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", half_then_full)
    result = runner.invoke(cli, ["--store", sample_store, "viz", "-o", str(page)])
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "No space left on device" in _one_line(result.stderr)
    assert page.read_text(encoding="utf-8") == "<html>the good page</html>"
    assert [p.name for p in out.iterdir()] == ["network.html"]


def test_a_failure_midway_leaves_every_csv_table_as_it_was(
    runner: CliRunner, sample_store: str, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = out / "tables"
    args = ["--store", sample_store, "export", "-f", "csv", "-o", str(folder)]
    assert runner.invoke(cli, args).exit_code == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real_write = Path.write_bytes

    def full_at_the_description(self: Path, data: bytes) -> int:
        if self.name.startswith(".void.ttl."):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_at_the_description)
    result = runner.invoke(cli, [*args, "--excel"])  # the BOM changes every table
    monkeypatch.undo()
    assert result.exit_code == 1 and "void.ttl" in _one_line(result.stderr)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command",
    [["export", "-f", "turtle", "-o", "-"], ["query", "SELECT * WHERE { ?s ?p ?o }"], ["stats"]],
    ids=["export", "query", "stats"],
)
def test_a_full_stdout_is_one_line(sample_store: str, command: list[str]) -> None:
    with DEV_FULL.open("wb") as full:
        proc = _kg("--store", sample_store, *command, stdout=full, stderr=subprocess.PIPE)
    assert proc.returncode == 1
    assert "No space left on device" in _one_line(proc.stderr.decode())


def test_a_closed_stdout_is_one_line(sample_store: str) -> None:
    proc = _kg(
        "--store",
        sample_store,
        *["export", "-f", "turtle", "-o", "-"],
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
    )
    assert proc.returncode == 1
    assert "standard output" in _one_line(proc.stderr.decode())


@FIFO_OK
def test_build_refuses_a_fifo_report_before_it_builds(
    runner: CliRunner, tmp_path: Path, out: Path
) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "news.txt").write_text("Quillmoor Robotics GmbH moved to Brennwald.\n", "utf-8")
    report = _fifo(out / "report.json")
    store = tmp_path / "store"
    args = ["--store", str(store), "build", "--workers", "1", "--report", str(report)]
    result = runner.invoke(cli, [*args, str(articles)])
    assert result.exit_code == 1
    assert "FIFO" in _one_line(result.stderr)
    assert stat.S_ISFIFO(report.lstat().st_mode) and not store.exists()


def test_no_permission_is_one_line(
    runner: CliRunner, sample_store: str, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a folder the user may not write to gives (simulated: tests may run as root)."""
    import kg.output

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(kg.output.tempfile, "mkstemp", refuse)
    result = _export(runner, sample_store, out / "graph.ttl")
    assert result.exit_code == 1
    assert "Permission denied" in _one_line(result.stderr)
    assert list(out.iterdir()) == []
