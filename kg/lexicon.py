"""Cue vocabularies and known names, read from `data/lexicon/`.

Extraction leans on cues (legal forms, head nouns, titles, verbs) that generalise
to unseen articles; the known-name lists only fix classes and merge spellings that
no cue can know. Keeping all of it in data files lets people tune extraction
without touching code, and keeps names out of the code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KGError


@dataclass(frozen=True)
class KnownName:
    """A known entity: canonical name, classes, and other spellings."""

    name: str
    classes: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """Everything extraction reads from `data/lexicon/`, loaded once per pipeline."""

    cues: dict[str, object]
    known: tuple[KnownName, ...] = ()
    places: tuple[KnownName, ...] = ()
    heads: dict[str, str] = field(default_factory=dict)
    first_names: frozenset[str] = frozenset()

    def words(self, key: str) -> tuple[str, ...]:
        value = self.cues.get(key, [])
        if not isinstance(value, list):
            raise KGError(f"lexicon cue {key!r} must be a list")
        return tuple(str(v) for v in value)

    def mapping(self, key: str) -> dict[str, str]:
        value = self.cues.get(key, {})
        if not isinstance(value, dict):
            raise KGError(f"lexicon cue {key!r} must be an object")
        return {str(k): str(v) for k, v in value.items()}

    def all_known(self) -> tuple[KnownName, ...]:
        return self.known + self.places


def _read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.lstrip().startswith("#"):
            lines.append(raw.rstrip("\n"))
    return lines


def load_lexicon(directory: Path) -> Lexicon:
    """Read the cue file and name lists; a missing or broken cue file is a clear error."""
    cue_path = directory / "cues.json"
    try:
        cues = json.loads(cue_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KGError(f"lexicon not found: {cue_path}") from exc
    except json.JSONDecodeError as exc:
        raise KGError(f"{cue_path}:{exc.lineno}:{exc.colno}: {exc.msg}") from exc

    known = []
    for line in _read_lines(directory / "organisations.tsv"):
        parts = line.split("\t")
        name = parts[0].strip()
        classes = (
            tuple(c.strip() for c in parts[1].split(",") if c.strip()) if len(parts) > 1 else ()
        )
        aliases = (
            tuple(a.strip() for a in parts[2].split("|") if a.strip()) if len(parts) > 2 else ()
        )
        known.append(KnownName(name, classes or ("Institution",), aliases))

    places = []
    for line in _read_lines(directory / "places.txt"):
        names = [n.strip() for n in line.split("|") if n.strip()]
        places.append(KnownName(names[0], ("Place",), tuple(names[1:])))

    heads: dict[str, str] = {}
    raw_heads = cues.get("heads", {})
    # Later classes do not override earlier ones: the file lists the strongest first.
    for cls, words in raw_heads.items():
        for word in words:
            heads.setdefault(word.lower(), cls)
    first = frozenset(
        w.lower() for line in _read_lines(directory / "first_names.txt") for w in line.split()
    )
    return Lexicon(
        cues=cues, known=tuple(known), places=tuple(places), heads=heads, first_names=first
    )
