"""No passage of the third-party real-dev articles is copied into the repository.

Real-dev (`../shared/real-dev`) is read in place by tests and `make eval`; its
texts may not be reproduced in code, tests, fixtures, data or documentation.
Eight running words in common with an article count as a copied passage, unless
they are only a name: every word capitalised, a number or a joining word
('the Institute of Applied Research of the University of X' is a name, not prose).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL_DEV = REPO.parent / "shared" / "real-dev" / "articles"
N = 8
_WORD = re.compile(r"\w+")
_JOINING = {
    *("of", "the", "for", "and", "in", "at", "on", "with", "from", "by", "to", "a", "s"),
    *("de", "der", "und", "für"),
}


def _shingles(text: str) -> dict[str, bool]:
    """Each run of N words (lower-cased) -> whether it is only a name, as written here."""
    words = _WORD.findall(text)
    found: dict[str, bool] = {}
    for i in range(len(words) - N + 1):
        run = words[i : i + N]
        name = all(w[0].isupper() or w.isdigit() or w in _JOINING for w in run)
        key = " ".join(w.lower() for w in run)
        found[key] = found.get(key, True) and name
    return found


def _tracked() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "-C", str(REPO), "ls-files"], capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [REPO / name for name in listed]


def test_no_real_dev_passage_is_in_the_repository() -> None:
    if not REAL_DEV.is_dir():
        pytest.skip("../shared/real-dev is not here")
    third_party: set[str] = set()
    for article in REAL_DEV.iterdir():
        third_party.update(_shingles(article.read_text(encoding="utf-8", errors="replace")))
    copied = []
    for path in _tracked():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files and vendored assets hold no prose
        for run, only_name in _shingles(text).items():
            if run in third_party and not only_name:
                copied.append(f"{path.relative_to(REPO)}: {run}")
    assert not copied, "\n".join(copied[:20])
