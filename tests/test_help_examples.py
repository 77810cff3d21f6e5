"""Every `Example:` in `kg --help` and each command's `--help` runs as shown.

The examples are what a user copies first, so each one is run, in the
order the commands are listed, in one scratch folder that links the
checkout's data/ and queries/ (later examples read what earlier ones wrote:
the store, graph.ttl). `kg serve` is started on a free port instead of 7878
(other test runs may hold that one), asked the example's curl query, and stopped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers_docs import free_port, run, serving, workspace

from kg.cli import cli

pytestmark = pytest.mark.model

#: Commands in the order their examples run: build first (the rest read its store).
ORDER = ["build", "query", "export", "viz", "stats", "validate", "eval", "serve"]


def help_examples(command: str | None) -> list[str]:
    """The example command lines of a help text (a trailing backslash continues a line)."""
    group = cli
    text = (group.commands[command].help if command else group.help) or ""
    block = text.split("Example:", 1)[1] if "Example:" in text else ""
    lines: list[str] = []
    for raw in block.splitlines():
        line = raw.strip()
        if lines and lines[-1].endswith("\\"):
            lines[-1] = lines[-1][:-1] + " " + line
        elif line.startswith(("kg ", "curl ")):
            lines.append(line)
        elif line and not line.startswith("\b") and lines:
            break
    return lines


def test_every_command_has_runnable_examples() -> None:
    assert sorted(ORDER) == sorted(cli.commands)
    for command in [None, *ORDER]:
        examples = help_examples(command)
        assert examples, command
        assert all(e.startswith(("kg ", "curl ")) for e in examples)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder with the demo store built, so any example can run first."""
    folder = workspace(tmp_path_factory.mktemp("help-examples"))
    status, output = run("kg build data/articles", folder)
    assert status == 0, output
    return folder


def _serve_and_ask(examples: list[str], cwd: Path) -> None:
    port = str(free_port())
    serve, *clients = (re.sub(r"\b7878\b", port, e) for e in examples)
    with serving(serve.split()[1:], cwd) as first_line:
        assert first_line.startswith("serving http://127.0.0.1:"), first_line
        for client in clients:
            status, output = run(client, cwd, timeout=60)
            assert status == 0, output
            assert set(output.splitlines()[0].split(",")) == {"s", "p", "o"}, output


#: Examples that fetch from the web are not run: tests never leave this machine (the
#: web ingest tests serve pages from 127.0.0.1 instead).
FETCHES = re.compile(r"https?://(?!127\.0\.0\.1[:/])")


@pytest.mark.parametrize("command", [*ORDER, None])
def test_help_example_runs(command: str | None, scratch: Path) -> None:
    examples = help_examples(command)
    if command == "serve":
        _serve_and_ask(examples, scratch)
        return
    for example in (e for e in examples if not FETCHES.search(e)):
        status, output = run(example, scratch)
        assert status == 0, f"`{example}` exited {status}:\n{output}"
        assert "Traceback" not in output
