"""spaCy's attribute_ruler, applied to a batch of Docs as array operations.

The English pipelines map fine-grained tags to parts of speech and morphology
(and fix a few lemmas) with an `AttributeRuler`: about 180 one-token Matcher
patterns that spaCy tries one after another on every token. That matching
costs as much as a tenth of the whole statistical pipeline, yet each pattern is
a plain condition on a few token attributes. This component reads the ruler's
own patterns and assignments and evaluates each condition once per batch over
a column of the batch's tokens (numpy), then writes the results back with
`Doc.from_array`. Patterns longer than one token ('gon na', an expletive before
'is') are fixed sequences of the same conditions: they are found by shifting the
columns against each other, within each Doc; only one with an operator or a
condition the table cannot test stays with a Matcher (whose Python predicates,
a regex and a tag list on first tokens, ran on every token).

The annotations are the same as the ruler's, token for token: conditions are
all computed before anything is assigned, and assignments are applied in the
ruler's order, so a later rule wins as it does there
(`tests/test_attribute_table.py` compares every token attribute on the gold
and synthetic corpora). `kg.nlp.pipeline.load_pipeline` swaps it in only when every
pattern uses conditions this module knows; otherwise spaCy's ruler stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.attrs import IDS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

#: Token attributes a condition may test, all read from `Doc.to_array`.
_TESTABLE = {"TAG", "LOWER", "DEP", "ORTH", "POS", "IS_SPACE"}
_STRING_VALUED = {"TAG", "LOWER", "DEP", "ORTH"}
#: What a rule may assign; written back with `Doc.from_array` (no HEAD: the parse is kept).
_WRITABLE = ("TAG", "POS", "MORPH", "LEMMA", "DEP")


@dataclass(frozen=True)
class _Test:
    """One attribute condition of a one-token pattern."""

    attr: str
    op: str  # "==", "IN", "NOT_IN" or "REGEX"
    values: tuple[int, ...] = ()
    regex: str = ""


@dataclass(frozen=True)
class _Rule:
    """One pattern group of the ruler, in the ruler's order."""

    tests: tuple[tuple[_Test, ...], ...]  # alternatives of one-token patterns (or-ed)
    assign: tuple[tuple[str, int], ...]  # (attribute, value as the ruler stores it)
    multi_key: int = 0  # match id in the Matcher of multi-token patterns, if any
    index: int = 0
    #: multi-token patterns as one tuple of conditions per position (no Matcher needed)
    sequences: tuple[tuple[tuple[_Test, ...], ...], ...] = ()


def table_for(nlp: Language) -> AttributeTable | None:
    """An equivalent table for the pipeline's attribute_ruler, or None if one cannot be made."""
    if "attribute_ruler" not in nlp.pipe_names:
        return None
    ruler = nlp.get_pipe("attribute_ruler")
    try:
        return AttributeTable(nlp, ruler)
    except _Unsupported:
        return None


class _Unsupported(Exception):
    """A pattern uses something the table does not evaluate (the stock ruler stays)."""


class AttributeTable:
    """The rules of one `AttributeRuler`, evaluated per batch on attribute arrays."""

    def __init__(self, nlp: Language, ruler: Any) -> None:
        self.vocab = nlp.vocab
        self.multi = Matcher(nlp.vocab)
        rules: list[_Rule] = []
        names = {IDS[name]: name for name in _WRITABLE}
        for i, (attrs, index) in enumerate(zip(ruler.attrs, ruler.indices, strict=True)):
            key = self.vocab.strings[str(i)]
            _on_match, patterns = ruler.matcher.get(key)
            if set(attrs) - set(names):
                raise _Unsupported(f"rule {i} assigns {attrs}")
            assign = tuple((names[a], int(v)) for a, v in attrs.items())
            single = [p for p in patterns if len(p) == 1]
            longer = [p for p in patterns if len(p) > 1]
            sequences = self._sequences(longer)
            if longer and sequences is None:
                self.multi.add(key, longer)
            if single and index not in (0, -1):
                raise _Unsupported(f"rule {i} indexes {index} into one token")
            tests = tuple(self._tests(p[0]) for p in single)
            multi_key = key if longer and sequences is None else 0
            rules.append(_Rule(tests, assign, multi_key, index, sequences or ()))
        self.rules = rules
        used = {t.attr for r in rules for alt in r.tests for t in alt}
        used |= {t.attr for r in rules for seq in r.sequences for pos in seq for t in pos}
        self.columns = sorted(used)

    def _sequences(
        self, patterns: list[list[dict[str, Any]]]
    ) -> tuple[tuple[tuple[_Test, ...], ...], ...] | None:
        """Multi-token patterns as per-position conditions; None if one needs the Matcher
        (an operator such as `OP` is no testable attribute, so it lands there too)."""
        try:
            return tuple(tuple(self._tests(spec) for spec in p) for p in patterns)
        except _Unsupported:
            return None

    def _tests(self, spec: dict[str, Any]) -> tuple[_Test, ...]:
        tests = []
        for attr, cond in spec.items():
            name = "ORTH" if attr.upper() == "TEXT" else attr.upper()
            if name not in _TESTABLE:
                raise _Unsupported(f"condition on {attr}")
            if not isinstance(cond, dict):
                tests.append(_Test(name, "==", (self._value(name, cond),)))
                continue
            if len(cond) != 1:
                raise _Unsupported(f"condition {cond}")
            ((op, value),) = cond.items()
            if op in ("IN", "NOT_IN"):
                tests.append(_Test(name, op, tuple(self._value(name, v) for v in value)))
            elif op == "REGEX" and name in _STRING_VALUED:
                tests.append(_Test(name, op, regex=value))
            else:
                raise _Unsupported(f"condition {cond}")
        return tuple(tests)

    def _value(self, attr: str, value: Any) -> int:
        if attr in _STRING_VALUED:
            return int(self.vocab.strings.add(value))
        if attr == "POS":
            from spacy.parts_of_speech import IDS as POS_IDS

            return int(POS_IDS[value])
        if isinstance(value, bool):  # IS_SPACE
            return int(value)
        raise _Unsupported(f"value {value!r} for {attr}")

    def __call__(self, doc: Doc) -> Doc:
        self.apply([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                self.apply(batch)
                yield from batch
                batch = []
        if batch:
            self.apply(batch)
            yield from batch

    def apply(self, docs: list[Doc]) -> None:
        """Set the ruler's attributes on every token of `docs`."""
        docs = [d for d in docs if len(d)]
        if not docs:
            return
        sizes = [len(d) for d in docs]
        starts = numpy.cumsum([0, *sizes[:-1]])
        cols = numpy.concatenate([d.to_array(self.columns).reshape(len(d), -1) for d in docs])
        column = {name: cols[:, j] for j, name in enumerate(self.columns)}
        out = numpy.concatenate([d.to_array(list(_WRITABLE)).reshape(len(d), -1) for d in docs])
        where = {name: j for j, name in enumerate(_WRITABLE)}
        # Positions of the multi-token rules, found before anything is assigned.
        multi_hits: dict[int, list[tuple[int, int, int]]] = {}
        if len(self.multi):
            for doc, offset in zip(docs, starts.tolist(), strict=True):
                for match_id, start, end in self.multi(doc, allow_missing=True):
                    multi_hits.setdefault(match_id, []).append((offset, start, end))
        # Which Doc each token is in: a sequence never runs from one Doc into the next.
        doc_of = numpy.repeat(numpy.arange(len(docs)), sizes)
        masks = [self._mask(rule, column, len(cols)) for rule in self.rules]
        hits = [self._sequence_positions(rule, column, doc_of) for rule in self.rules]
        for rule, mask, found in zip(self.rules, masks, hits, strict=True):
            positions = self._multi_positions(rule, multi_hits) + found
            if mask is None and not positions:
                continue
            for name, value in rule.assign:
                if mask is not None:
                    out[mask, where[name]] = value
                if positions:
                    out[positions, where[name]] = value
        for doc, start, size in zip(docs, starts.tolist(), sizes, strict=True):
            doc.from_array(list(_WRITABLE), out[start : start + size])

    def _multi_positions(
        self, rule: _Rule, hits: dict[int, list[tuple[int, int, int]]]
    ) -> list[int]:
        if not rule.multi_key:
            return []
        return [
            offset + (start + rule.index if rule.index >= 0 else end + rule.index)
            for offset, start, end in hits.get(rule.multi_key, [])
        ]

    def _sequence_positions(
        self, rule: _Rule, column: dict[str, numpy.ndarray], doc_of: numpy.ndarray
    ) -> list[int]:
        """Tokens a rule's multi-token sequences assign to, as the Matcher's hits would."""
        n = len(doc_of)
        found: list[int] = []
        for seq in rule.sequences:
            length = len(seq)
            if length > n:
                continue
            starts = n - length + 1  # sequences may start at 0 .. starts - 1
            hit = doc_of[:starts] == doc_of[length - 1 :]
            for k, tests in enumerate(seq):
                for test in tests:
                    hit &= self._test(test, column[test.attr][k : k + starts])
            at = numpy.flatnonzero(hit)
            found.extend((at + (rule.index if rule.index >= 0 else length + rule.index)).tolist())
        return found

    def _mask(self, rule: _Rule, column: dict[str, numpy.ndarray], n: int) -> numpy.ndarray | None:
        """Tokens matching any of the rule's one-token patterns (None: no one-token pattern)."""
        if not rule.tests:
            return None
        mask = numpy.zeros(n, dtype=bool)
        for alternative in rule.tests:
            hit = numpy.ones(n, dtype=bool)
            for test in alternative:
                hit &= self._test(test, column[test.attr])
            mask |= hit
        return mask

    def _test(self, test: _Test, values: numpy.ndarray) -> numpy.ndarray:
        if test.op == "==":
            return values == test.values[0]
        if test.op == "IN":
            return numpy.isin(values, test.values)
        if test.op == "NOT_IN":
            return ~numpy.isin(values, test.values)
        pattern = re.compile(test.regex)
        distinct = numpy.unique(values)
        found = [h for h in distinct.tolist() if pattern.search(self.vocab.strings[h])]
        return numpy.isin(values, found)


@Language.factory("kg_attribute_table", default_config={})
def make_attribute_table(nlp: Language, name: str) -> AttributeTable:
    """Made from the pipeline's attribute_ruler, which must already be in the pipeline."""
    table = table_for(nlp)
    if table is None:
        raise ValueError("kg_attribute_table needs an attribute_ruler it can evaluate")
    return table
