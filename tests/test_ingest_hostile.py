"""Hostile inputs to ingest: each one becomes one line of the build summary, the rest builds.

Every input here used to end a whole build with a traceback (or, for the long
token, a regular expression that ran for minutes): a JSON string with a lone
surrogate, 100,000-deep nesting, a 5,000-digit number, a file name that is not
UTF-8, an article over the language model's length limit; and one raw NUL line
used to reject a whole JSONL file.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.ingest import MAX_ARTICLE_CHARS, read_inputs, split_page
from kg.model import Article, Skipped

GOOD_RECORD = json.dumps({"title": "Quorvex opens a lab", "text": "Quorvex GmbH opened a lab."})
GOOD_PAGE = (
    "Brindle Labs opens an office\n\n"
    "Brindle Labs GmbH, a company in Leipzig, opened an office with the Zorblat Institute.\n"
)
#: Bounds a hang, not a speed: the quadratic version needed over ten minutes for 2 MB.
HANG_LIMIT_S = 120
T = TypeVar("T")


def _read(path: Path) -> tuple[list[Article], list[Skipped]]:
    return read_inputs([str(path)])


def _within_limit(work: Callable[[], T]) -> T:
    """Run `work()` in a thread; fail instead of hanging when it does not end in time."""
    out: list[T] = []
    thread = threading.Thread(target=lambda: out.append(work()), daemon=True)
    thread.start()
    thread.join(HANG_LIMIT_S)
    assert not thread.is_alive(), f"still running after {HANG_LIMIT_S} s"
    return out[0]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"title": "T \\ud800", "text": "Some text."}', "'title' holds a lone surrogate"),
        ('{"title": "T", "text": "Some \\udc00 text."}', "'text' holds a lone surrogate"),
        ("[" * 100_000 + "]" * 100_000, "invalid JSON (nested too deeply)"),
        ('{"title": "T", "text": "x.", "n": ' + "9" * 5000 + "}", "invalid JSON (Exceeds the"),
        ("\x00", "binary data (contains NUL bytes)"),
        ('{"title": "T", "text": "' + "word " * 200_001 + '"}', "model's limit of 1,000,000"),
    ],
    ids=["surrogate-title", "surrogate-text", "deep", "huge-number", "nul-line", "too-long"],
)
def test_one_bad_jsonl_record_is_one_skipped_line(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(line.encode("utf-8", "surrogatepass") + b"\n" + GOOD_RECORD.encode() + b"\n")
    articles, skipped = _read(path)
    assert [a.title for a in articles] == ["Quorvex opens a lab"]
    assert len(skipped) == 1
    assert skipped[0].reason.startswith(f"{path.as_posix()}:1: ")
    assert reason in skipped[0].reason


def test_a_file_of_nuls_is_still_binary(tmp_path: Path) -> None:
    path = tmp_path / "utf16.jsonl"
    path.write_bytes(GOOD_RECORD.encode("utf-16-le"))
    articles, skipped = _read(path)
    assert articles == []
    assert [s.reason for s in skipped] == ["binary file (contains NUL bytes)"]


def test_a_page_article_over_the_model_limit_is_skipped_and_its_teasers_kept(
    tmp_path: Path,
) -> None:
    body = ("Brindle Labs works with Zorblat. " * (MAX_ARTICLE_CHARS // 30))[:MAX_ARTICLE_CHARS]
    page = f"Main story\n\n{body}\n\nPrevious news\n\nA short teaser\n\nZorblat GmbH hires.\n"
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    articles, skipped = _read(path)
    assert [a.title for a in articles] == ["A short teaser"]
    (skip,) = skipped
    assert skip.path == f"{path.as_posix()}#0"
    assert "over the model's limit of 1,000,000" in skip.reason


def test_a_file_name_that_is_not_utf8_is_skipped_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_PAGE, encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "w", encoding="utf-8") as f:
        f.write(GOOD_PAGE.replace("Brindle", "Kestrel"))
    articles, skipped = _read(folder)
    assert [a.title for a in articles] == ["Brindle Labs opens an office"]
    (skip,) = skipped
    assert skip.path == f"{folder.as_posix()}/caf\\xe9.txt"
    assert skip.reason == "file name is not valid UTF-8; rename the file"


@pytest.mark.parametrize(
    "token",
    [
        "a" * 2_000_000,
        "a@" * 1_000_000,
        ("b" * 99 + "@") * 20_000,
        "x@a" + ".a" * 1_000_000,
        "+0" + "1" * 2_000_000 + "x",
        "." * 2_000_000,
    ],
    ids=["word", "at-pairs", "at-runs", "dotted-domain", "digits", "dots"],
)
def test_two_megabyte_token_ends_the_page_in_bounded_time(token: str) -> None:
    page = f"A title\n\nA sentence about a lab.\n\n{token}\n"
    articles = _within_limit(lambda: split_page(page, "page.txt"))
    assert [a.title for a in articles] == ["A title"]


def test_every_bad_input_is_one_summary_line_and_the_rest_builds(
    runner: CliRunner, reuse_nlp: object, tmp_path: Path, tmp_store: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_PAGE, encoding="utf-8")
    (folder / "token.txt").write_text("A title\n\nA line.\n\n" + "a" * 200_000, encoding="utf-8")
    bad_lines = [
        '{"title": "T \\ud800", "text": "x"}',
        "[" * 100_000 + "]" * 100_000,
        '{"title": "T", "text": "x", "n": ' + "9" * 5000 + "}",
        "\x00",
    ]
    (folder / "feed.jsonl").write_text("\n".join([*bad_lines, GOOD_RECORD]) + "\n")
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "w", encoding="utf-8") as f:
        f.write(GOOD_PAGE)
    result = runner.invoke(cli, ["--store", tmp_store, "build", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    assert "Skipped 5 inputs:" in lines
    skipped = lines[lines.index("Skipped 5 inputs:") + 1 :]
    assert len([line for line in skipped if line.startswith("  ")]) == 5
    assert result.stdout.startswith(f"Built {tmp_store}: 3 articles")
