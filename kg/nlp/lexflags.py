"""Word-list and regex conditions of Matcher patterns as vocabulary flags.

spaCy's `Matcher` checks plain attributes (`{"LOWER": "of"}`, `IS_TITLE`) in
C, but every `IN`, `NOT_IN` or `REGEX` condition is a Python predicate that it
calls for each token it tries. Our entity and relation patterns carry about
twenty such conditions (legal forms, head nouns, titles, quote marks, "a word
that looks like a name"), and those calls were most of the entity component's
cost. The conditions that depend only on a word's text (`ORTH`/`TEXT`,
`LOWER`) are facts about the lexeme, so they can be computed once per distinct
word and stored as a flag bit, which the Matcher reads in C
(`Vocab.add_flag`; the pattern key is `FLAGnn`). Conditions on context
(`LEMMA`, `POS`, `ENT_TYPE`) stay as they are.

A pattern matches exactly the same tokens after `rewrite` as before, which
`tests/test_lexflags.py` checks against the unrewritten Matcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from spacy.schemas import validate_token_pattern
from spacy.vocab import Vocab

#: spaCy's free flag bits: FLAG19 to FLAG63 (lower bits are IS_ALPHA, IS_STOP, ...).
_FIRST_FLAG, _LAST_FLAG = 19, 63
_TEXT_ATTRS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER"}


@dataclass(frozen=True)
class _Condition:
    """One lexeme condition as a picklable flag getter: `f(word text) -> bool`."""

    attr: str  # ORTH or LOWER
    op: str  # IN, NOT_IN (stored as IN, used negated) or REGEX
    values: frozenset[str] = frozenset()
    regex: str = ""
    _compiled: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.op == "REGEX":
            object.__setattr__(self, "_compiled", re.compile(self.regex))

    def __call__(self, text: str) -> bool:
        value = text.lower() if self.attr == "LOWER" else text
        if self._compiled is not None:
            return self._compiled.search(value) is not None
        return value in self.values


class LexemeFlags:
    """Turns text conditions of token patterns into flags of one vocabulary.

    One instance per component; equal conditions share one flag. When the
    vocabulary has no free flag left, a condition is simply kept as it was.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._flags: dict[_Condition, int] = {}

    def rewrite(self, pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The same token pattern with each text condition read from a flag.

        The pattern is validated first, as `Matcher.add` would: the Matcher
        that takes the rewritten pattern must be made with `validate=False`,
        because spaCy's pattern schema does not know the FLAGnn keys.
        """
        errors = validate_token_pattern(pattern)
        if errors:
            raise ValueError(f"invalid token pattern {pattern}: {'; '.join(errors)}")
        return [self._token(spec) for spec in pattern]

    def _token(self, spec: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for attr, cond in spec.items():
            flagged = self._flagged(attr, cond)
            if flagged is None:
                out[attr] = cond
            else:
                out[flagged[0]] = flagged[1]
        return out

    def _flagged(self, attr: str, cond: Any) -> tuple[str, bool] | None:
        name = _TEXT_ATTRS.get(attr.upper())
        if name is None or not isinstance(cond, dict) or len(cond) != 1:
            return None
        ((op, value),) = cond.items()
        if op in ("IN", "NOT_IN") and isinstance(value, list | tuple | set | frozenset):
            condition = _Condition(name, "IN", frozenset(value))
        elif op == "REGEX" and isinstance(value, str):
            condition = _Condition(name, "REGEX", regex=value)
        else:
            return None
        flag = self._flag(condition)
        if flag is None:
            return None
        return f"FLAG{flag}", op != "NOT_IN"

    def _flag(self, condition: _Condition) -> int | None:
        if condition in self._flags:
            return self._flags[condition]
        used = self.vocab.lex_attr_getters
        free = next((b for b in range(_FIRST_FLAG, _LAST_FLAG + 1) if b not in used), None)
        if free is None:
            return None
        self.vocab.add_flag(condition, flag_id=free)
        self._flags[condition] = free
        return free


#: Word attributes whose alternatives `merge_alternatives` joins into one word list.
_WORD_ATTRS = ("LOWER", "ORTH", "TEXT")


def merge_alternatives(patterns: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """The patterns of one key, those that differ only in one token's word joined.

    'collaborative research centre' and '... center', or 'joint project' and
    'research project', become one pattern with a word list at the token where
    they differ. A `Matcher` starts every pattern on every token, so its cost
    grows with the number of patterns, not with the length of a word list (read
    from a lexeme flag, `LexemeFlags.rewrite`). Two patterns are joined only
    where that token has no operator and the same other conditions, so the
    joined pattern matches exactly the spans the two matched. Only for keys
    whose matches a greedy filter sorts by span: the order in which a Matcher
    reports one key's matches may change, the matches do not.
    """
    merged = [list(p) for p in patterns]
    i = 0
    while i < len(merged):
        j = i + 1
        while j < len(merged):
            joined = _joined(merged[i], merged[j])
            if joined is None:
                j += 1
                continue
            merged[i] = joined
            del merged[j]
            j = i + 1  # the wider list may now join a pattern passed over before
        i += 1
    return merged


def _joined(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """`a` and `b` as one pattern, if they differ in one token's word only."""
    if len(a) != len(b):
        return None
    diff = [k for k in range(len(a)) if a[k] != b[k]]
    if len(diff) != 1:
        return None
    k = diff[0]
    x, y = a[k], b[k]
    if set(x) != set(y) or "OP" in x:
        return None
    attrs = [n for n in x if x[n] != y[n]]
    if len(attrs) != 1 or attrs[0].upper() not in _WORD_ATTRS:
        return None
    words_x, words_y = _words(x[attrs[0]]), _words(y[attrs[0]])
    if words_x is None or words_y is None:
        return None
    return [*a[:k], {**x, attrs[0]: {"IN": sorted(words_x | words_y)}}, *a[k + 1 :]]


def _words(cond: Any) -> set[str] | None:
    """The words a word condition accepts: a literal or an `IN` list, else None."""
    if isinstance(cond, str):
        return {cond}
    if isinstance(cond, dict) and set(cond) == {"IN"}:
        words = cond["IN"]
        if all(isinstance(w, str) for w in words):
            return set(words)
    return None
