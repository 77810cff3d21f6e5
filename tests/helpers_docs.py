"""Run shell examples from documentation and compare what they print with what is shown.

The model is the datasette project's documentation tests: an example that is
not run goes stale. An example is a fenced block whose lines start with
"$ " (the command) followed by the output it shows. Matching is literal, with
two wildcards: a line that is just "..." stands for any number of lines, and
"..." inside a line for any text; run times ("in 1.9s") are compared as "in Ns".
An example shown without output is only run (its exit status is checked).
A block preceded by `<!-- not run: REASON -->` is skipped, and must say why.

Commands run in bash from a scratch folder that links the checkout's data/,
queries/ and ontology/, so relative paths in examples work and every store
they build is thrown away; `kg` is the checkout's own (`python -m kg.cli`).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_FENCE = re.compile(r"^```(\w*)\s*$")
_NOT_RUN = re.compile(r"<!--\s*not run:\s*(.*?)\s*-->")
_SECONDS = re.compile(r"\bin \d+(?:\.\d+)?s\b")
WILDCARD = "..."


@dataclass
class Example:
    """One command of a document, with the output the document shows for it."""

    source: str  # "README.md:123"
    command: str
    expected: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.source} {self.command[:60]}"


@dataclass
class Block:
    """A fenced block: its language, first line number, lines, and why it is not run."""

    lang: str
    line: int
    lines: list[str]
    not_run: str | None


def blocks(path: Path) -> list[Block]:
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    inside: Block | None = None
    note: str | None = None
    for number, text in enumerate(lines, start=1):
        fence = _FENCE.match(text)
        if inside is None:
            marker = _NOT_RUN.search(text)
            if marker:
                note = marker.group(1)
            elif fence:
                inside = Block(fence.group(1), number + 1, [], note)
                note = None
            elif text.strip():
                note = None
        elif text.startswith("```"):
            found.append(inside)
            inside = None
        else:
            inside.lines.append(text)
    return found


def examples(path: Path, *, include_skipped: bool = False) -> list[Example]:
    """The shell examples of `path`, in document order (later ones may use earlier stores)."""
    found: list[Example] = []
    for block in blocks(path):
        if block.lang not in ("", "console", "shell") or not block.lines:
            continue
        if not block.lines[0].startswith("$ ") or (block.not_run and not include_skipped):
            continue
        current: Example | None = None
        for offset, text in enumerate(block.lines):
            if text.startswith("$ "):
                current = Example(f"{path.name}:{block.line + offset}", text[2:])
                found.append(current)
            elif current is not None and current.command.endswith("\\"):
                current.command += "\n" + text
            elif current is not None:
                current.expected.append(text.rstrip())
    return found


def workspace(tmp: Path) -> Path:
    """A scratch folder where the checkout's data, queries and ontology are at hand."""
    for name in ("data", "queries", "ontology"):
        link = tmp / name
        if not link.exists():
            link.symlink_to(REPO / name)
    return tmp


def run(command: str, cwd: Path, timeout: float = 300) -> tuple[int, str]:
    """Run one example in bash with `kg` as this checkout's CLI: exit status, stdout + stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["COLUMNS"] = "100"
    script = f'kg() {{ "{sys.executable}" -m kg.cli "$@"; }}\nset -o pipefail\n{command}\n'
    # Its own process group: on a timeout the whole example (a server it started too) is
    # stopped, not just bash.
    proc = subprocess.Popen(
        ["bash", "-c", script],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return proc.returncode, stdout + stderr


def _normal(line: str) -> str:
    return _SECONDS.sub("in Ns", line.rstrip())


def _line_matches(expected: str, actual: str) -> bool:
    if WILDCARD not in expected:
        return _normal(expected) == _normal(actual)
    parts = [re.escape(_normal(p)) for p in expected.split(WILDCARD)]
    return re.fullmatch(".*".join(parts), _normal(actual)) is not None


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` lines fit the shown `expected` lines (wildcards as described above)."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == WILDCARD:
        return any(matches(rest, actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and _line_matches(head, actual[0]) and matches(rest, actual[1:])


def check(example: Example, output: str) -> None:
    actual = [line.rstrip() for line in output.rstrip("\n").splitlines()]
    expected = list(example.expected)
    while expected and not expected[-1].strip():
        expected.pop()
    if not expected:
        return  # the document shows no output for it: running cleanly is what it claims
    if not matches(expected, actual):
        shown = "\n".join(expected)
        got = "\n".join(actual)
        raise AssertionError(
            f"{example.source}: `{example.command}` printed\n{got}\n"
            f"--- but the document shows\n{shown}"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(args: list[str], cwd: Path) -> Iterator[str]:
    """Run `kg ARGS` (a server) in `cwd` while the block runs; yields its first stderr line."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    argv = [sys.executable, "-m", "kg.cli", *args]
    server = subprocess.Popen(argv, cwd=cwd, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        yield server.stderr.readline()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
