"""The README runs as written: every shell example, top to bottom, prints what it shows.

Examples run in document order in one scratch folder (linking data/,
queries/ and ontology/), with `kg` on the PATH as the README says, so the
tour's store is the one `kg build data/articles` made a few lines earlier.
A block the README marks `<!-- not run: REASON -->` is skipped, and the
reason must be there; the Python notebook example is run by doctest.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from helpers_docs import REPO, Example, blocks, check, examples, free_port, run, serving, workspace

pytestmark = pytest.mark.model

README = REPO / "README.md"
EXAMPLES = examples(README)


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[int, str]]]:
    """The scratch folder, and every example's exit status and output, run once in README order."""
    folder = workspace(tmp_path_factory.mktemp("readme"))
    return folder, {example.id: run(example.command, folder) for example in EXAMPLES}


def test_the_readme_has_examples_and_every_skip_says_why() -> None:
    assert len(EXAMPLES) >= 10
    for block in blocks(README):
        if block.not_run is not None:
            assert len(block.not_run) > 10, f"README.md:{block.line}: say why it is not run"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_prints_what_the_readme_shows(
    example: Example, tour: tuple[Path, dict[str, tuple[int, str]]]
) -> None:
    status, output = tour[1][example.id]
    assert "Traceback" not in output
    shows_error = any(line.startswith("Error: ") for line in example.expected)
    assert (status != 0) is shows_error, f"{example.command} exited {status}:\n{output}"
    check(example, output)


CURLS = [e for e in examples(README, include_skipped=True) if e.command.startswith("curl")]


@pytest.mark.parametrize("curl", CURLS, ids=[e.id for e in CURLS])
def test_the_curl_examples(curl: Example, tour: tuple[Path, dict[str, tuple[int, str]]]) -> None:
    """Each curl example, asked of `kg serve` on the tour's store (on a free port, not 7878)."""
    folder = tour[0]
    port = str(free_port())
    with serving(["serve", "--port", port], folder) as first_line:
        assert first_line.startswith("serving http://127.0.0.1:"), first_line
        status, output = run(re.sub(r"\b7878\b", port, curl.command), folder, timeout=60)
    assert status == 0, output
    check(curl, "\n".join(line for line in output.splitlines() if not _curl_progress(line)))


def _curl_progress(line: str) -> bool:
    """curl's progress meter (on stderr when piped), which the README does not show."""
    return line.lstrip().startswith(("%", "Dload")) or bool(re.match(r"^\s*\d+\s+\d+\s+\d+", line))


def test_the_notebook_example_runs(
    tour: tuple[Path, dict[str, tuple[int, str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's Python example, as a doctest, in the tour's folder (its kg-store)."""
    (block,) = [b for b in blocks(README) if b.lang == "python" and b.lines[0].startswith(">>>")]
    monkeypatch.chdir(tour[0])
    text = "\n".join(block.lines)
    test = doctest.DocTestParser().get_doctest(text, {}, "README", str(README), block.line)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
