"""Owners named inside a unit's name: "Halden University's Institute of Zoology".

Real prose names a unit with its owner's possessive in front, and the entity
stage keeps the whole phrase as one name (the form an annotator lists too). The
owner is then no entity of its own and the unit's containment in it, the fact
the phrase states, has no end to attach to. This module reads such names: the
owner becomes a mention of its own (it merges with other mentions of the same
name in the article) and the unit is part of it.

Only an organisation owns a unit here: the owner's class comes from another
mention of the same name in the article, the known names, or its head noun
('university', 'commission'); a place ("Bremen's Sound Hall") or an unknown
word gives nothing. The unit must carry a unit head noun ('institute',
'centre', 'faculty', ...), so "Tom's Diner" says nothing about Tom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.names import group_key

#: The possessive that ends an owner's name inside a longer name.
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\s+(?=[A-Z])")
_ORG = ("Institution", "Company", "Funder", "Cluster")
_LEADING_ARTICLE = re.compile(r"^(?:the|The)\s+")


@dataclass(frozen=True)
class OwnedUnit:
    """A unit mention, its owner's mention (inside it), and the owner's classes."""

    unit: tuple[int, int]
    owner: tuple[int, int]
    owner_text: str
    owner_classes: tuple[str, ...]


def owned_units(
    mentions: dict[tuple[int, int], tuple[str, tuple[str, ...]]],
    unit_heads: set[str],
    heads: dict[str, str],
    known: dict[str, tuple[str, ...]],
) -> list[OwnedUnit]:
    """Each organisation mention 'Owner's Unit' whose owner is an organisation.

    `mentions` maps (start, end) to (text, classes); `heads` maps head nouns to a
    class, `known` lower-case known names to their classes.
    """
    by_name: dict[str, tuple[str, ...]] = {}
    for text, cls in mentions.values():
        by_name.setdefault(group_key(text), cls)
    out: list[OwnedUnit] = []
    for key, (text, cls) in sorted(mentions.items()):
        if not set(cls) & set(_ORG):
            continue
        m = _POSSESSIVE.search(text)
        if m is None:
            continue
        unit_words = set(text[m.end() :].lower().split())
        if not unit_words & unit_heads:
            continue
        lead = _LEADING_ARTICLE.match(text)
        offset = lead.end() if lead else 0
        owner = text[offset : m.start()]
        if not owner or not owner[0].isupper():
            continue
        classes = _owner_classes(owner, list(mentions.values()), by_name, heads, known)
        if not classes:
            continue
        owner_key = (key[0] + offset, key[0] + m.start())
        out.append(OwnedUnit(key, owner_key, owner, classes))
    return out


def _words(name: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in re.findall(r"\w+", name))


def _owner_classes(
    owner: str,
    names: list[tuple[str, tuple[str, ...]]],
    by_name: dict[str, tuple[str, ...]],
    heads: dict[str, str],
    known: dict[str, tuple[str, ...]],
) -> tuple[str, ...]:
    """The owner's classes if it is an organisation, else (): as named alone in the
    article, as a known name, as the start of a longer organisation's name, by head noun."""
    for classes in (by_name.get(group_key(owner)), known.get(owner.lower())):
        if classes:
            return classes if set(classes) & set(_ORG) else ()
    # 'Brontix' inside "Brontix's Coastal Innovation Centre" is 'Brontix AG' elsewhere.
    words = _words(owner)
    longer = [
        c
        for name, c in names
        if _words(name)[: len(words)] == words
        and len(_words(name)) > len(words)
        and set(c) & set(_ORG)
        and not _POSSESSIVE.search(name)  # the unit itself, or another owner's unit
    ]
    if longer:
        return longer[0]
    head = next((heads[w] for w in reversed(words) if w in heads), None)
    return (head,) if head in _ORG else ()
