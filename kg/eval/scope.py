"""Score only the articles a gold file covers, and say so.

A store often holds more than one gold set's articles (a corpus built once,
scored per set). Scoring all of it against one gold file counts every
entity of the other articles as a false positive: precision 0.05 on a store
that is right about every gold article. So when the gold file lists its
articles, the scorer keeps the graphs of those articles (matched by the file
name of `kg:sourceFile` or the last segment of `kg:url`) and the entities they
mention, and reports how many stored articles it left out.

What cannot be undone by filtering: entities are merged across the whole
store, so a name or a merge can still come from an article outside the gold
set. The warning says that too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg import namespace as ns

if TYPE_CHECKING:
    import rdflib


@dataclass(frozen=True)
class Scope:
    """Which stored articles were scored, and the warning to show when not all of them."""

    kept: int
    left_out: int
    unmatched_gold: tuple[str, ...]
    files: int = 0  # how many article files the gold lists

    def warnings(self, gold_source: str) -> list[str]:
        lines = []
        if self.left_out:
            lines.append(
                f"the store holds {self.left_out + self.kept} articles, {self.left_out} of them "
                f"from files {gold_source} does not list: scoring only the {self.kept} read "
                f"from its {self.files} files (entity names and merges still come from the "
                "whole store)"
            )
        if self.unmatched_gold:
            shown = ", ".join(self.unmatched_gold[:3])
            more = (
                f" and {len(self.unmatched_gold) - 3} more" if len(self.unmatched_gold) > 3 else ""
            )
            lines.append(
                f"{len(self.unmatched_gold)} article(s) of {gold_source} are not in the store: "
                f"{shown}{more}"
            )
        return lines


def _file_name(value: str) -> str:
    return value.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def restrict(dataset: rdflib.Dataset, articles: tuple[str, ...]) -> tuple[rdflib.Dataset, Scope]:
    """The part of `dataset` about the gold's `articles` (file names), and what was left out.

    Without a list of articles (an empty gold `articles`), or when no stored
    article carries a source name (a graph another tool made), everything is
    kept: there is nothing to match on.
    """
    from rdflib import Dataset, URIRef

    from kg.namespace import ENTITIES_GRAPH

    wanted = set(articles)
    source_props = (URIRef(ns.SOURCE_FILE), URIRef(ns.URL))
    article_class = URIRef(ns.ARTICLE)
    rdf_type = URIRef(ns.RDF_TYPE)
    stored: dict[URIRef, set[str]] = {}
    for s, _p, _o, _g in dataset.quads((None, rdf_type, article_class, None)):
        stored.setdefault(s, set())
    for prop in source_props:
        for s, _, o, _ in dataset.quads((None, prop, None, None)):
            if s in stored:
                stored[s].add(_file_name(str(o)))
    if not wanted or not any(stored.values()):
        return dataset, Scope(len(stored), 0, ())
    kept_articles = {a for a, names in stored.items() if names & wanted}
    seen = {n for a in kept_articles for n in stored[a]}
    unmatched = tuple(sorted(wanted - seen))
    if len(kept_articles) == len(stored):
        return dataset, Scope(len(stored), 0, unmatched, len(wanted))

    mentioned_in = URIRef(ns.MENTIONED_IN)
    entities = URIRef(ENTITIES_GRAPH)
    keep_nodes = {
        s for s, _, o, _ in dataset.quads((None, mentioned_in, None, None)) if o in kept_articles
    }
    out = Dataset()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph = g.identifier if hasattr(g, "identifier") else g
        if graph in kept_articles or (graph == entities and s in keep_nodes):
            out.graph(graph).add((s, p, o))
    left_out = len(stored) - len(kept_articles)
    return out, Scope(len(kept_articles), left_out, unmatched, len(wanted))
