"""Extracting one small invented article in a test, and reading back what was found."""

from __future__ import annotations

from pathlib import Path

from kg.config import Config
from kg.model import Article, Extraction, LocalEntity
from kg.nlp.reader import extract


def run(nlp, text: str, title: str = "Invented news") -> Extraction:
    """`text` as the body of one article under `title`, through the whole reader."""
    article = Article.create(title=title, text=f"{title}\n\n{text}", source="t.txt", position=0)
    return next(extract([article], nlp, Config()))


def run_file(nlp, path: Path, title: str | None = None) -> Extraction:
    """A fixture article file; its first line is the title unless one is given."""
    text = path.read_text(encoding="utf-8")
    title = title if title is not None else text.splitlines()[0]
    article = Article.create(title=title, text=text, source=path.name, position=0)
    return next(extract([article], nlp, Config()))


def facts(ex: Extraction, hedged: bool | None = False) -> set[tuple[str, str, str]]:
    """Facts by each end's first name: asserted ones, hedged ones, or all (`hedged=None`)."""
    label = {e.key: e.names[0] for e in ex.entities}
    return {
        (label[r.subject], r.predicate, label[r.object])
        for r in ex.relations
        if hedged is None or r.hedged is hedged
    }


def names_of(ex: Extraction) -> set[str]:
    return {name for e in ex.entities for name in e.names}


def entity_with(ex: Extraction, name: str) -> LocalEntity:
    return next(e for e in ex.entities if name in e.names)
