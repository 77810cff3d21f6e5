"""Checking the graph: scores against gold (`score`) and SHACL shapes (`shapes`)."""

from kg.eval.score import evaluate
from kg.eval.shapes import validate

__all__ = ["evaluate", "validate"]
