"""Stage 3: extractions to one resolved graph, and that graph as RDF triples.

`resolve` merges the mentions of all articles into entities; `rdf` decides an
article's triples once; `summary` holds the per-rule figures of a build. No
spaCy here: a rebuild from cached extractions never loads the model.
"""

from kg.graph.rdf import article_triples, entity_triples, summary_triples, system_triples
from kg.graph.resolve import resolve
from kg.graph.summary import RuleFigures

__all__ = [
    "RuleFigures",
    "article_triples",
    "entity_triples",
    "resolve",
    "summary_triples",
    "system_triples",
]
