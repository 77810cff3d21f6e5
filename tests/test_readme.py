"""The README's description of the house must not drift from the tree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _layout_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Layout\n")
    end = text.find("\n## ", start + 5)
    return text[start : end if end != -1 else len(text)]


def test_every_path_the_layout_names_exists() -> None:
    section = _layout_section()
    rooms = re.findall(r"^\| `(kg/[^`]*)`", section, re.M)
    assert rooms, "the layout table names no rooms"
    missing = []
    for row in section.splitlines():
        match = re.match(r"^\| `(kg/[^`]*)`", row)
        if not match:
            continue
        room = match.group(1)
        base = ROOT / room if room.endswith("/") else ROOT / "kg"
        cells = row.split("|")
        for name in re.findall(r"`([\w/.]+\.py)`", cells[1] + cells[2]):
            path = ROOT / name if name.startswith("kg/") else base / name
            if not path.is_file():
                missing.append(f"{room}: {name}")
    for path in re.findall(r"`((?:ontology|data|queries|benchmarks|tests)/[\w/.]*)`", section):
        if not (ROOT / path).exists():
            missing.append(path)
    assert missing == []


def test_every_subpackage_is_in_the_layout() -> None:
    section = _layout_section()
    inits = (ROOT / "kg").rglob("__init__.py")
    packages = {p.parent.relative_to(ROOT).as_posix() + "/" for p in inits}
    packages.discard("kg/")
    named = set(re.findall(r"^\| `(kg/[\w/]+/)`", section, re.M))
    assert packages == named
