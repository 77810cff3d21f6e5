"""Two spellings of one thing inside one article, beyond equal name keys.

Real news, often machine-translated, names one body or person in forms that
share no key: an organisation with and without its city ('Mira Heart Clinic
Plauen' / 'Mira Heart Clinic', 'OCL Plauen' / 'OCL'), a person whose surname
is misspelt once ('Lena Hartwig' / 'Lena Hartwich'). Each function returns
pairs of mention keys for `DocReader` to join; within one article these forms
are safe to join, across the corpus they are not (two cities' institutes of one
name are two institutes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import pairwise

from kg.names import group_key

#: What stands between a name and its former (or later) name: 'A (formerly B)', 'A, now B'.
_RENAMED = re.compile(r"\s*[(,]\s*(?:formerly|previously|now|née)(?:\s+known\s+as|\s+called)?\s+")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,9}").fullmatch
_DASH_GAPS = {" \u2013 ", " - ", " \u2014 "}
_FILLER = {"of", "the", "for", "and", "in", "at", "&"}
#: A mention as the reader keeps it: offsets, text, whether it is a person.
MentionKey = tuple[int, int]


def place_suffix_pairs(
    names: dict[MentionKey, str], places: set[str]
) -> list[tuple[MentionKey, MentionKey]]:
    """'X Plauen' is 'X' (in any word order) when the article names 'X' and no 'X <city>'.

    An organisation's name with its city written after it is one more name of
    it (the city is no part of the body's identity); two different cities after
    one base ('Kestrel Institute Plauen', 'Kestrel Institute Orlenbach') are two
    sites, so nothing is joined then. `places` holds cities only: 'Kestrel
    Austria' is the firm's national subsidiary, not the firm.
    """
    by_key: dict[str, list[MentionKey]] = {}
    for key, name in names.items():
        by_key.setdefault(_bag(name), []).append(key)
    suffixed: dict[str, dict[str, list[MentionKey]]] = {}
    for key, name in names.items():
        words = name.split()
        if len(words) < 2 or words[-1].lower() not in places:
            continue
        base = " ".join(words[:-1])
        if len(base) < 2 or base.lower() in places:
            continue
        suffixed.setdefault(_bag(base), {}).setdefault(words[-1].lower(), []).append(key)
    pairs: list[tuple[MentionKey, MentionKey]] = []
    for base, by_place in suffixed.items():
        if len(by_place) != 1 or base not in by_key:
            continue
        for key in next(iter(by_place.values())):
            pairs.extend((key, other) for other in by_key[base])
    return pairs


def renamed_pairs(
    text: str, mentions: Iterable[MentionKey]
) -> list[tuple[MentionKey, MentionKey]]:
    """'Kestrel GmbH (formerly Ostvald GmbH)': one firm under its old and new name.

    Only two mentions next to each other with nothing but the renaming words
    between them; the gap is at most 40 characters, so the pattern never runs
    over long text.
    """
    ordered = sorted(mentions)
    pairs: list[tuple[MentionKey, MentionKey]] = []
    for a, b in pairwise(ordered):
        gap = text[a[1] : b[0]]
        if 0 < len(gap) <= 40 and _RENAMED.fullmatch(gap):
            pairs.append((a, b))
    return pairs


def dash_alias_pairs(
    text: str, mentions: Iterable[MentionKey]
) -> list[tuple[MentionKey, MentionKey]]:
    """'Isotope Network Plauen - isoNet®': a one-word brand after a spaced dash.

    A name of two or more words, a spaced dash, then a single word: the word is
    the body's short brand. Places are left out by the caller ('Plauen - Orlenbach').
    """
    ordered = sorted(mentions)
    pairs: list[tuple[MentionKey, MentionKey]] = []
    for a, b in pairwise(ordered):
        gap = text[a[1] : b[0]]
        one_word = " " not in text[b[0] : b[1]].strip()
        if gap in _DASH_GAPS and one_word and " " in text[a[0] : a[1]].strip():
            pairs.append((a, b))
    return pairs


def bracket_acronym_pairs(
    text: str, names: dict[MentionKey, str]
) -> list[tuple[MentionKey, MentionKey]]:
    """'Center (ORC) ObesityCare' ... 'the ORC ObesityCare': one body.

    A name that holds its acronym in brackets before a last word makes 'ACR
    word' one more name of it; the mention 'ACR word' joins the mention 'ACR'.
    """
    by_key = {group_key(n): k for k, n in names.items()}
    pairs: list[tuple[MentionKey, MentionKey]] = []
    for key, name in names.items():
        words = name.split()
        if len(words) != 2 or group_key(words[0]) not in by_key:
            continue
        if f"({words[0]}) {words[1]}" in text:
            pairs.append((key, by_key[group_key(words[0])]))
    return pairs


def bracket_alias_pairs(
    text: str, names: dict[MentionKey, str], other_name: Callable[[str], bool]
) -> list[tuple[MentionKey, MentionKey]]:
    """'Orlen Institute (Orlen-Institut für Biologie, OI-B)': one body, three names.

    A bracket right after a name that holds, separated by commas, only the
    body's name in its own language (`other_name` says which are) and
    acronyms gives more names of the body before it. Anything else in the
    bracket (a town, a year, a person) ends the run, so 'Kestrel GmbH (Plauen)'
    joins nothing.
    """
    ordered = sorted(names)
    pairs: list[tuple[MentionKey, MentionKey]] = []
    for i, a in enumerate(ordered):
        if text[a[1] : a[1] + 2] != " (":
            continue
        at = a[1] + 2
        for b in ordered[i + 1 :]:
            if b[0] != at:
                break
            name = names[b]
            if not (_ACRONYM(name.replace("-", "")) or other_name(name)):
                break
            pairs.append((a, b))
            if text[b[1] : b[1] + 2] != ", ":
                break
            at = b[1] + 2
    return pairs


def surname_variant_pairs(
    persons: Iterable[tuple[MentionKey, list[str]]],
) -> list[tuple[MentionKey, MentionKey]]:
    """'Jana Sommerfeld' and 'Jana Sommerfeldt': one person, one letter apart.

    Two full names with the same given names whose surnames differ by a single
    inserted, deleted or replaced letter, in one article, are one person spelt
    twice (a typo or a translation slip). Surnames shorter than five letters
    are left apart ('Rau', 'Rahu'): there one letter is too much of the name.
    """
    full = [(k, w) for k, w in persons if len(w) >= 2]
    pairs: list[tuple[MentionKey, MentionKey]] = []
    for i, (key, words) in enumerate(full):
        for other, other_words in full[i + 1 :]:
            if words[:-1] != other_words[:-1]:
                continue
            a, b = words[-1].lower(), other_words[-1].lower()
            if a != b and min(len(a), len(b)) >= 5 and _one_edit(a, b):
                pairs.append((key, other))
    return pairs


def _bag(name: str) -> str:
    """Word-order-free key: 'University Hospital A B' and 'A B University Hospital' meet."""
    return " ".join(sorted(group_key(w) for w in name.split() if w.lower() not in _FILLER))


def _one_edit(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by one insertion, deletion or substitution."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]
