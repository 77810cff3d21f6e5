"""Gold files (ANNOTATION.md section 3): reading them strictly, and taking folds of them.

The gold file is the team's measuring stick, so it is read strictly: one clear
line per defect, never a traceback. `kg.eval.score` scores a graph against it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import GoldError
from kg.model import ENTITY_CLASSES, RELATIONS
from kg.names import normalize_name

# ---------------------------------------------------------------- gold file


@dataclass(frozen=True)
class GoldEntity:
    id: str
    types: tuple[str, ...]
    names: tuple[str, ...]
    optional: bool = False


@dataclass(frozen=True)
class GoldRelation:
    subject: str
    predicate: str
    object: str
    optional: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.subject, self.predicate, self.object)


@dataclass(frozen=True)
class Gold:
    """A parsed, validated gold file; ids are unique and every relation end exists."""

    articles: tuple[str, ...]
    entities: tuple[GoldEntity, ...]
    relations: tuple[GoldRelation, ...]
    source: str = ""

    def counts_relation(self, rel: GoldRelation) -> bool:
        """Whether `rel` is in the recall denominator.

        A relation touching an optional entity can never be scored right (rule
        5 ignores it), so it is treated as optional even when not marked so.
        """
        if rel.optional:
            return False
        optional_ids = {e.id for e in self.entities if e.optional}
        return rel.subject not in optional_ids and rel.object not in optional_ids


def load_gold(path: str | Path) -> Gold:
    """Read and validate a gold JSON file, raising GoldError with one line on any defect."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GoldError(f"gold file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"cannot read gold file {path}: {exc}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise GoldError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    return parse_gold(data, source=str(path))


def _fail(source: str, where: str, problem: str) -> GoldError:
    return GoldError(f"{source}: {where}: {problem}")


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _parse_entity(item: Any, index: int, source: str) -> GoldEntity:
    where = f"entity #{index}"
    if not isinstance(item, dict):
        raise _fail(source, where, "must be an object")
    if isinstance(item.get("id"), str):
        where = f"entity #{index} ({item['id']!r})"
    unknown = set(item) - {"id", "types", "names", "optional"}
    if unknown:
        raise _fail(source, where, f"unknown key {sorted(unknown)[0]!r}")
    if not isinstance(item.get("id"), str) or not item["id"].strip():
        raise _fail(source, where, "needs a non-empty string 'id'")
    types, names = item.get("types"), item.get("names")
    if not _str_list(types) or not types:
        raise _fail(source, where, "'types' must be a non-empty list of class names")
    for cls in types:
        if cls not in ENTITY_CLASSES:
            raise _fail(source, where, f"unknown type {cls!r} (one of {', '.join(ENTITY_CLASSES)})")
    if not _str_list(names) or not names:
        raise _fail(source, where, "'names' must be a non-empty list of strings")
    for name in names:
        if not normalize_name(name):
            raise _fail(source, where, f"name {name!r} is empty once normalised")
    optional = item.get("optional", False)
    if not isinstance(optional, bool):
        raise _fail(source, where, "'optional' must be true or false")
    return GoldEntity(item["id"], tuple(types), tuple(names), optional)


def _parse_relation(item: Any, index: int, ids: set[str], source: str) -> GoldRelation:
    where = f"relation #{index} {json.dumps(item, ensure_ascii=False)}"
    if not isinstance(item, list) or len(item) not in (3, 4):
        raise _fail(source, where, 'must be [subject, property, object] or [..., "optional"]')
    if not all(isinstance(v, str) for v in item):
        raise _fail(source, where, "all parts must be strings")
    subject, prop, obj = item[:3]
    if prop not in RELATIONS:
        raise _fail(source, where, f"unknown relation property {prop!r}")
    for end in (subject, obj):
        if end not in ids:
            raise _fail(source, where, f"relation id {end!r} is not among the entities")
    if len(item) == 4 and item[3] != "optional":
        raise _fail(source, where, f'fourth element must be "optional", not {item[3]!r}')
    return GoldRelation(subject, prop, obj, optional=len(item) == 4)


def parse_gold(data: Any, source: str = "<gold>") -> Gold:
    """Validate already-decoded gold JSON (see load_gold)."""
    if not isinstance(data, dict):
        raise GoldError(f"{source}: top level must be a JSON object")
    unknown = set(data) - {"articles", "entities", "relations"}
    if unknown:
        raise GoldError(f"{source}: unknown top-level key {sorted(unknown)[0]!r}")
    articles = data.get("articles", [])
    if not isinstance(articles, list) or not all(isinstance(a, str) for a in articles):
        raise GoldError(f"{source}: 'articles' must be a list of file names")
    for key in ("entities", "relations"):
        if not isinstance(data.get(key), list):
            raise GoldError(f"{source}: '{key}' must be a list")
    entities: list[GoldEntity] = []
    ids: set[str] = set()
    for index, item in enumerate(data["entities"], 1):
        ent = _parse_entity(item, index, source)
        if ent.id in ids:
            raise _fail(source, f"entity #{index}", f"duplicate id {ent.id!r}")
        ids.add(ent.id)
        entities.append(ent)
    relations: list[GoldRelation] = []
    seen: set[tuple[str, str, str]] = set()
    for index, item in enumerate(data["relations"], 1):
        rel = _parse_relation(item, index, ids, source)
        if rel.key in seen:
            raise _fail(source, f"relation #{index}", f"{list(rel.key)} is listed twice")
        seen.add(rel.key)
        relations.append(rel)
    return Gold(tuple(articles), tuple(entities), tuple(relations), source)


def restrict_gold(gold: Gold, texts: Iterable[str]) -> Gold:
    """The part of `gold` that a set of articles speaks about (a fold of a gold set).

    A gold file lists its entities for the whole corpus, without saying where
    each occurs. An entity belongs to the fold when one of its names occurs in
    one of the texts (normalised as in rule 2, on word boundaries); a relation
    when both its ends are named in one same text of the fold. Names are listed
    as written, so this is exact for every name the annotators saw.
    """
    padded = [f" {normalize_name(text)} " for text in texts]
    where: dict[str, set[int]] = {}
    for ent in gold.entities:
        forms = [f" {normalize_name(n)} " for n in ent.names]
        where[ent.id] = {i for i, text in enumerate(padded) if any(f in text for f in forms)}
    entities = tuple(e for e in gold.entities if where[e.id])
    relations = tuple(r for r in gold.relations if where[r.subject] & where[r.object])
    return Gold(gold.articles, entities, relations, gold.source)
