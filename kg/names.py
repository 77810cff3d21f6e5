"""Name keys and grouping shared by in-article and corpus-wide resolution.

Kept free of spaCy so that resolving cached extractions (an incremental build)
never loads the NLP stack.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_UMLAUTS = (
    ("ä", "ae"),
    ("ö", "oe"),
    ("ü", "ue"),
    ("Ä", "Ae"),
    ("Ö", "Oe"),
    ("Ü", "Ue"),
    ("ß", "ss"),
)


_LEADING_THE = re.compile(r"^the\s+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def group_key(name: str) -> str:
    """Key under which spellings of one name meet: accents, case, spacing, punctuation.

    Runs for every mention of every article, so a plain-ASCII name (most of
    them) skips the Unicode work, which would leave it unchanged anyway.
    """
    if name.isascii():
        text = name.lower().replace("&", "and")
    else:
        # 'Brückner' and 'Brueckner' are one spelling: transliterate before dropping accents.
        for umlaut, plain in _UMLAUTS:
            name = name.replace(umlaut, plain)
        text = unicodedata.normalize("NFKD", name)
        text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("&", "and")
    return _NOT_ALNUM.sub("", _LEADING_THE.sub("", text))


class UnionFind:
    """Disjoint sets with deterministic roots (the smallest member)."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def add(self, x: Any) -> None:
        self.parent.setdefault(x, x)

    def find(self, x: Any) -> Any:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


_NON_ALNUM = re.compile(r"[\W_]+")


def normalize_name(name: str) -> str:
    """Reduce a name to the form names are compared in (ANNOTATION.md 3.2).

    Machine translation and resolution disagree on accents, case, "&" and
    punctuation ("André"/"Andre", "e. V."/"e.V.", "Cell & Gene"/"Cell and
    Gene"); none of that should decide whether an entity was found.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = text.lower().replace("&", " and ")
    text = _NON_ALNUM.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


def plural(count: int, word: str) -> str:
    """'1 article', '2 articles': counts in summaries and reports."""
    return f"{count} {word}{'' if count == 1 else 's'}"
