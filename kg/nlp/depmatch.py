"""Dependency patterns matched outwards from their anchors.

spaCy's DependencyMatcher runs every node of every pattern as a token pattern
over the whole document before it looks at the tree; with forty relation
patterns that cost as much as the parser. Our anchors (a funding verb, a
"member" noun, a Person) are rare, so this matcher finds them first and walks
the tree only from there.

Anchors are found by table lookup, not by a token `Matcher`: sixty anchors
with forty different lemma lists made the Matcher call one Python predicate
per list for every token, more than the whole tree walk. Each anchor is filed
under one of its conditions (its lemma, lower form, entity type, ...); the
Doc's column of that attribute is read once as an array and compared with all
filed values in one `numpy.isin`; only the few tokens found there are checked
against the rest of their anchor. It takes the same pattern format
(RIGHT_ID / LEFT_ID / REL_OP / RIGHT_ATTRS) for the subset of operators and
attributes our patterns use, refuses anything else when a pattern is added,
and `tests/test_depmatch.py` checks it finds exactly what spaCy's matcher finds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

_ATTRS: dict[str, Callable[[Token], Any]] = {
    "ORTH": lambda t: t.text,
    "TEXT": lambda t: t.text,
    "LOWER": lambda t: t.lower_,
    "LEMMA": lambda t: t.lemma_,
    "POS": lambda t: t.pos_,
    "TAG": lambda t: t.tag_,
    "DEP": lambda t: t.dep_,
    "ENT_TYPE": lambda t: t.ent_type_,
    "IS_LOWER": lambda t: t.is_lower,
}
_OPS = {">", "<", ">>", "<<"}
#: Anchor conditions that can file an anchor, most selective first.
_INDEXED = ("LEMMA", "LOWER", "ORTH", "TEXT", "ENT_TYPE", "TAG", "DEP", "POS")


def _check(attrs: dict[str, Any]) -> None:
    for name, cond in attrs.items():
        if name not in _ATTRS:
            raise ValueError(f"dependency pattern attribute not supported: {name}")
        if isinstance(cond, dict) and not set(cond) <= {"IN", "NOT_IN"}:
            raise ValueError(f"dependency pattern condition not supported: {cond}")


#: One compiled attribute condition: (value getter, kind, operand).
_Cond = tuple[Callable[[Token], Any], int, Any]
_EQ, _IN, _NOT_IN = 0, 1, 2


def compile_attrs(attrs: dict[str, Any]) -> tuple[_Cond, ...]:
    """A node's RIGHT_ATTRS as (getter, kind, operand) triples; word lists as sets.

    Built once per pattern: a list's `in` scans it, and the lemma lists of the
    funding or membership verbs are long.
    """
    out: list[_Cond] = []
    for name, cond in attrs.items():
        getter = _ATTRS[name]
        if isinstance(cond, dict):
            if "IN" in cond:
                out.append((getter, _IN, frozenset(cond["IN"])))
            if "NOT_IN" in cond:
                out.append((getter, _NOT_IN, frozenset(cond["NOT_IN"])))
        else:
            out.append((getter, _EQ, cond))
    return tuple(out)


def holds(tok: Token, conds: tuple[_Cond, ...]) -> bool:
    """Whether `tok` meets every compiled condition (the Matcher's semantics)."""
    for getter, kind, operand in conds:
        value = getter(tok)
        if kind == _IN:
            if value not in operand:
                return False
        elif kind == _NOT_IN:
            if value in operand:
                return False
        elif value != operand:
            return False
    return True


def token_matches(tok: Token, attrs: dict[str, Any]) -> bool:
    """The Matcher's semantics for one token: every attribute condition holds."""
    return holds(tok, compile_attrs(attrs))


def _member(column: numpy.ndarray, values: numpy.ndarray) -> numpy.ndarray:
    """`numpy.isin(column, values)` for sorted `values`, by binary search.

    `isin` sorts and de-duplicates both arrays on every call, which for a
    Doc's few hundred tokens cost more than the tree walk it feeds.
    """
    if not len(values):
        return numpy.zeros(len(column), dtype=bool)
    at = numpy.searchsorted(values, column)
    return values[numpy.minimum(at, len(values) - 1)] == column


def _related(tok: Token, op: str) -> Iterator[Token]:
    if op == ">":
        yield from tok.children
    elif op == "<":
        if tok.head.i != tok.i:
            yield tok.head
    elif op == ">>":
        yield from (t for t in tok.subtree if t.i != tok.i)
    else:
        yield from tok.ancestors


class AnchoredDependencyMatcher:
    """Same patterns and results as spaCy's DependencyMatcher, cost driven by anchors."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.patterns: dict[str, list[dict[str, Any]]] = {}
        # attribute -> value id -> (order added, match id) of the anchors filed there
        self._filed: dict[str, dict[int, list[tuple[int, int]]]] = {}
        self._values: dict[str, numpy.ndarray] = {}
        # match id -> the pattern compiled: its anchor's other conditions and its edges
        self._compiled: dict[int, _Compiled] = {}

    def __len__(self) -> int:
        return len(self.patterns)

    def add(self, key: str, pattern: list[dict[str, Any]]) -> None:
        """Add one pattern under `key`; unsupported operators or attributes raise ValueError."""
        anchor = pattern[0]["RIGHT_ATTRS"]
        _check(anchor)
        for edge in pattern[1:]:
            if edge["REL_OP"] not in _OPS:
                raise ValueError(f"dependency operator not supported: {edge['REL_OP']}")
            _check(edge["RIGHT_ATTRS"])
        attr = next(
            (
                a
                for a in _INDEXED
                if a in anchor and (isinstance(anchor[a], str) or "IN" in anchor[a])
            ),
            None,
        )
        if attr is None:
            raise ValueError(f"dependency pattern anchor needs one of {', '.join(_INDEXED)}")
        cond = anchor[attr]
        values = [cond] if isinstance(cond, str) else cond["IN"]
        match_id = self.vocab.strings.add(key)
        column = "ORTH" if attr == "TEXT" else attr
        filed = self._filed.setdefault(column, {})
        for value in dict.fromkeys(values):
            filed.setdefault(self._value_id(attr, value), []).append((len(self.patterns), match_id))
        self.patterns[key] = pattern
        self._values[column] = numpy.array(sorted(filed), dtype="uint64")
        # The filed condition holds for every token the lookup finds: check only the rest.
        rest = {
            a: c
            for a, c in anchor.items()
            if a != attr or (isinstance(c, dict) and set(c) != {"IN"})
        }
        self._compiled[match_id] = _Compiled(
            anchor=compile_attrs(rest),
            edges=tuple(
                (e["LEFT_ID"], e["REL_OP"], e["RIGHT_ID"], compile_attrs(e["RIGHT_ATTRS"]))
                for e in pattern[1:]
            ),
            root=pattern[0]["RIGHT_ID"],
            order=tuple(p["RIGHT_ID"] for p in pattern),
        )

    def _value_id(self, attr: str, value: str) -> int:
        """The number `Doc.to_array` gives for `value`: a POS symbol, else a string hash."""
        if attr == "POS":
            if value not in POS_IDS:
                raise ValueError(f"unknown part of speech in dependency pattern: {value}")
            return POS_IDS[value]
        return self.vocab.strings.add(value)

    def __call__(self, doc: Doc) -> list[tuple[int, list[int]]]:
        """(match id, token index per pattern node) for every way each pattern fits.

        Matches come in token order and, on one token, in the order the
        patterns were added.
        """
        anchored: list[tuple[int, int, int]] = []
        if not len(doc):
            return []
        names = list(self._values)
        columns = doc.to_array(names).reshape(len(doc), len(names)).astype("uint64")
        for col, attr in enumerate(names):
            filed = self._filed[attr]
            column = columns[:, col]
            for i in numpy.flatnonzero(_member(column, self._values[attr])).tolist():
                anchored.extend((i, order, mid) for order, mid in filed[int(column[i])])
        anchored.sort()
        found: list[tuple[int, list[int]]] = []
        tokens: dict[int, Token] = {}
        for i, _order, match_id in anchored:
            compiled = self._compiled[match_id]
            tok = tokens.get(i)
            if tok is None:
                tok = tokens[i] = doc[i]
            if not holds(tok, compiled.anchor):
                continue
            for nodes in _solve(compiled.edges, 0, {compiled.root: tok}):
                found.append((match_id, [nodes[name].i for name in compiled.order]))
        return found


@dataclass(frozen=True)
class _Compiled:
    """One pattern ready to run: conditions as `compile_attrs` triples."""

    anchor: tuple[_Cond, ...]
    edges: tuple[tuple[str, str, str, tuple[_Cond, ...]], ...]  # left, op, right, conditions
    root: str
    order: tuple[str, ...]  # node names in pattern order, as matches report them


def _solve(
    edges: tuple[tuple[str, str, str, tuple[_Cond, ...]], ...],
    step: int,
    nodes: dict[str, Token],
) -> Iterator[dict[str, Token]]:
    if step == len(edges):
        yield dict(nodes)
        return
    left, op, right, conds = edges[step]
    # Like spaCy's matcher, two nodes may bind the same token.
    for cand in _related(nodes[left], op):
        if holds(cand, conds):
            nodes[right] = cand
            yield from _solve(edges, step + 1, nodes)
            del nodes[right]
