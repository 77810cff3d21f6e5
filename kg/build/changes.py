"""What a build changed: articles added, changed, removed or left behind, and what that did.

Counts alone ("6 articles, 33 entities") do not tell a user whether the
article they just edited was picked up, or that the files they deleted still
have their articles in the store. So a build records which articles were new,
changed or removed, which stored articles come from sources it was not given
(kept unless `--prune`; the summary hints at it), and compares the entities,
facts and funding before and after: the terminal shows a few names, `kg build
--report FILE.json` all of them.

The before/after comparison reads the entities graph twice, so it runs only
when a build writes something; an unchanged rebuild costs nothing more.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from kg import namespace as ns
from kg.names import plural

if TYPE_CHECKING:
    from kg.model import Article
    from kg.store.base import Store

#: How many names the terminal summary shows per list before "and N more".
SHOWN = 3


@dataclass
class Figures:
    """What the store held: entities, asserted relations, statements, funding facts."""

    entities: int = 0
    relations: int = 0
    statements: int = 0
    funding: int = 0


@dataclass
class Changes:
    """The articles a build touched and what it did to the graph (names, not just counts)."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    not_given: list[str] = field(default_factory=list)  # kept: source not given this time
    missing_sources: list[str] = field(default_factory=list)  # ... and no longer on disk
    entities_added: list[str] = field(default_factory=list)
    entities_removed: list[str] = field(default_factory=list)
    before: Figures = field(default_factory=Figures)
    after: Figures = field(default_factory=Figures)

    def note_not_given(self, key: str) -> None:
        """A stored article kept although its source (`path#position`) was not given."""
        self.not_given.append(source_label(key))
        where = key.rpartition("#")[0]
        if "://" not in where and not os.path.exists(where) and where not in self.missing_sources:
            self.missing_sources.append(where)

    def compare(self, before: dict[str, str], after: dict[str, str]) -> None:
        """Entity names added and removed, from {IRI: label} before and after the build."""
        self.entities_added = sorted(after[i] for i in set(after) - set(before))
        self.entities_removed = sorted(before[i] for i in set(before) - set(after))

    def lines(self) -> list[str]:
        """The terminal summary's change lines; none when nothing changed."""
        out = []
        parts = [
            _named(len(self.new), "new", self.new),
            _named(len(self.changed), "changed", self.changed),
            _named(len(self.removed), "removed", self.removed),
        ]
        parts = [p for p in parts if p]
        if parts:
            out.append("Changed: " + "; ".join(parts))
        delta = [
            _delta(self.after.entities - self.before.entities, "entity", "entities"),
            _delta(self.after.relations - self.before.relations, "relation", "relations"),
            _delta(self.after.statements - self.before.statements, "statement", "statements"),
            _delta(self.after.funding - self.before.funding, "funding fact", "funding facts"),
        ]
        named = [
            _named(len(self.entities_added), "added", self.entities_added),
            _named(len(self.entities_removed), "removed", self.entities_removed),
        ]
        found = [d for d in delta if d] + [f"entities {n}" for n in named if n]
        if found and (self.before.entities or self.before.statements):
            out.append("  " + "; ".join(found))  # a first build's figures are the line above
        return out

    def hint(self) -> str | None:
        """The warning for stored articles whose sources were not given, with the --prune hint."""
        if not self.not_given:
            return None
        missing = len(self.missing_sources)
        gone = (
            f"; {plural(missing, 'source')} no longer {'exists' if missing == 1 else 'exist'} "
            f"({_first(self.missing_sources)})"
            if self.missing_sources
            else ""
        )
        return (
            f"{plural(len(self.not_given), 'stored article')} came from sources not given this "
            f"time and were kept{gone}: `kg build --prune PATHS` makes the store mirror PATHS"
        )


def _first(items: list[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def _named(count: int, what: str, names: list[str]) -> str:
    return f"{count} {what} ({_first(names)})" if count else ""


def _delta(difference: int, one: str, many: str) -> str:
    if not difference:
        return ""
    return f"{difference:+d} {one if abs(difference) == 1 else many}"


def source_label(key: str) -> str:
    """A source key ("path#position") as a person reads it: relative to here when it is below."""
    where, _, position = key.rpartition("#")
    if "://" not in where and os.path.isabs(where):
        relative = os.path.relpath(where)
        where = where if relative.startswith("..") else relative
    return f"{where}#{position}"


def article_label(article: Article) -> str:
    """How an article is named in a change report: its title, else where it was read."""
    return article.title or f"{article.source}#{article.position}"


def entity_names(store: Store) -> dict[str, str]:
    """{entity IRI: label} of the entities graph."""
    query = f"""SELECT ?e ?l WHERE {{ GRAPH <{ns.ENTITIES_GRAPH}> {{
        ?e <{ns.RDFS_LABEL}> ?l }} }}"""
    return {row["e"].value: row["l"].value for row in store.query(query)}


def funding_facts(store: Store) -> int:
    """How many things state an amount of money (statements or funding events)."""
    query = f"""SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ GRAPH ?g {{ ?f <{ns.AMOUNT}> ?a }}
        FILTER(?g != <{ns.SYSTEM_GRAPH}>) }}"""
    for row in store.query(query):
        return int(row["n"].value)
    return 0


def report_json(report: Any) -> str:
    """`kg build --report FILE.json`: the whole report, changes with every name."""
    data = asdict(report)
    data["skipped"] = [{"path": s.path, "reason": s.reason} for s in report.skipped]
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def summary_text(report: Any) -> str:
    """What `kg build` prints: the counts, what changed (a few names), the skipped inputs."""
    lines = [
        f"Built {report.store}: {plural(report.articles, 'article')} "
        f"({report.new} new, {report.changed} changed, {report.unchanged} unchanged, "
        f"{report.removed} removed; {report.extracted} extracted"
        f"{', extractor changed since last build' if report.cache_stale else ''})",
        f"  {plural(report.entities, 'entity').replace('entitys', 'entities')}, "
        f"{plural(report.relations, 'relation')} "
        f"({plural(report.statements, 'statement')} with evidence), "
        f"{plural(report.triples, 'triple')}; "
        f"{plural(report.graphs_written, 'graph')} written in {report.elapsed:.1f}s",
        *report.changes.lines(),
    ]
    if report.skipped:
        lines.append(f"Skipped {plural(len(report.skipped), 'input')}:")
        lines.extend(f"  {s.path}: {s.reason}" for s in report.skipped)
    return "\n".join(lines)
