"""The layout of a signature block: who signs, for which organisation, in which role.

A press release ends in lines like

    University of Leipzig
    Medical Faculty
    Prof. Dr. Katrin Siebert
    Director of the Institute for Translational Cell Engineering
    Fon: + 49 341 97-25630

The structure says more than the words: lines above the name are the
organisation, the line below it is the role, and a role may itself name the
organisation ("Director of the Institute for ..."). The model often misses a
plain name on a line of its own, so a name-shaped line is taken as the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import Article

_CONTACT = re.compile(
    r"^(?:fon|phone|tel|telephone|fax|mobile|e-?mail|mail|web|www|internet|http)\b[.:]?",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[A-ZÄÖÜ][a-zäöüßéèáàíóúç]+(?:-[A-ZÄÖÜ][a-zäöüßéèáàíóúç]+)?$")
_ROLE_ORG = re.compile(r"\s+(?:of|at)\s+(?:the\s+)?(?=[A-ZÄÖÜ])")


@dataclass(frozen=True)
class Signature:
    """Character spans (in `Article.text`) of the parts of a signature block.

    `role_title_end` ends the job title where the role line goes on to name an
    organisation, which starts at `role_org_start`.
    """

    org_lines: tuple[tuple[int, int], ...]
    person: tuple[int, int] | None
    role: tuple[int, int] | None
    role_title_end: int | None = None
    role_org_start: int | None = None


def _lines(article: Article) -> list[tuple[int, int]]:
    assert article.signature is not None
    start, end = article.signature
    spans, pos = [], start
    for line in article.text[start:end].split("\n"):
        left = pos + len(line) - len(line.lstrip())
        right = pos + len(line.rstrip())
        if right > left:
            spans.append((left, right))
        pos += len(line) + 1
    return spans


def looks_like_name(text: str, titles: set[str], first_names: frozenset[str]) -> bool:
    """'Dr. Annika Sommer', 'Joerg Lindemann': titles, then two to four capitalised words.

    Without a title the first word must be a known given name: 'Press Office'
    has the shape of a name too.
    """
    words = text.split()
    titled = False
    while words and words[0].lower() in titles:
        words, titled = words[1:], True
    if not (2 <= len(words) <= 4 and all(_NAME_WORD.match(w) for w in words)):
        return False
    return titled or words[0].lower() in first_names


def read_signature(
    article: Article,
    person_spans: list[tuple[int, int]],
    titles: set[str],
    first_names: frozenset[str],
    role_words: set[str] | None = None,
) -> Signature | None:
    """Lay out the block; `person_spans` are the Person mentions the pipeline found in it."""
    if not article.signature:
        return None
    lines = [ln for ln in _lines(article) if not _CONTACT.match(article.text[ln[0] : ln[1]])]
    if not lines:
        return None
    person_index = next(
        (i for i, (a, b) in enumerate(lines) if any(a <= p[0] < b for p in person_spans)), None
    )
    if person_index is None:
        person_index = next(
            (
                i
                for i, (a, b) in enumerate(lines)
                if i > 0 and looks_like_name(article.text[a:b], titles, first_names)
            ),
            None,
        )
    if person_index is None and role_words:
        # 'Mareike Dossow' / 'Press Officer': an unknown given name, but a role below it.
        person_index = next(
            (
                i
                for i, (a, b) in enumerate(lines)
                if 0 < i < len(lines) - 1
                and looks_like_name(
                    article.text[a:b], titles, frozenset({article.text[a:b].split()[0].lower()})
                )
                and any(
                    w.lower() in role_words
                    for w in article.text[lines[i + 1][0] : lines[i + 1][1]].split()
                )
            ),
            None,
        )
    if person_index is None:
        return Signature(tuple(lines), None, None, None)
    role = lines[person_index + 1] if person_index + 1 < len(lines) else None
    match = _ROLE_ORG.search(article.text[role[0] : role[1]]) if role is not None else None
    return Signature(
        org_lines=tuple(lines[:person_index]),
        person=lines[person_index],
        role=role,
        role_title_end=role[0] + match.start() if role is not None and match else None,
        role_org_start=role[0] + match.end() if role is not None and match else None,
    )
