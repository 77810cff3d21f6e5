"""The build summary's figures per extraction rule, kept in the system graph.

A graph-stage value type: the spool counts into it during a build and
`kg.graph.rdf.summary_triples` writes it out, so it lives here, below both.
"""

from __future__ import annotations

import decimal
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

#: Sums of confidences stay exact: a rounded sum would make the mean depend on the order
#: in which worker tallies are merged. Sixty digits hold any realistic corpus; past
#: that the build fails rather than round.
_EXACT = decimal.Context(prec=60, traps=[decimal.Inexact, decimal.InvalidOperation])


@dataclass
class RuleFigures:
    """What one extraction rule contributed to the store: the rows of statements-by-rule.rq."""

    statements: int = 0
    hedged: int = 0
    articles: int = 0  # articles with at least one statement of the rule
    confidence: Decimal = Decimal(0)  # exact sum of the statements' kg:confidence

    def add(self, confidence: Decimal, *, hedged: bool) -> None:
        """Count one statement of the rule."""
        self.statements += 1
        self.hedged += int(hedged)
        self.confidence = _EXACT.add(self.confidence, confidence)

    def merge(self, other: RuleFigures) -> None:
        self.statements += other.statements
        self.hedged += other.hedged
        self.articles += other.articles
        self.confidence = _EXACT.add(self.confidence, other.confidence)

    @property
    def mean_confidence(self) -> Decimal:
        """The mean confidence rounded half up to three decimals, as the saved query shows it.

        Computed exactly (a fraction), so it rounds as the aggregate over the
        statements does in Oxigraph: AVG's truncation to 18 decimals never
        crosses a three-decimal tie, since a tie is itself representable.
        """
        if not self.statements:
            return Decimal(0)
        thousandths = Fraction(self.confidence) * 1000 / self.statements
        return Decimal(math.floor(thousandths + Fraction(1, 2))) / 1000
