"""The corpus-wide aggregates the two summary-reading saved queries document.

statements-by-rule.rq and entities-by-articles.rq read the build summary; each
file also documents how to get the same rows from the statements or mentions
themselves. Tests run those documented formulations against the summary
queries, so the documentation and the summaries are checked by each other.
"""

from __future__ import annotations

import re

from kg.config import default_queries_dir

QUERIES = default_queries_dir()
BY_RULE = QUERIES / "statements-by-rule.rq"
BY_ARTICLES = QUERIES / "entities-by-articles.rq"
#: The line of entities-by-articles.rq that reads the build summary.
ARTICLE_COUNT_LINE = "?entity kg:articleCount ?articles ."


def aggregate_by_rule() -> str:
    """The aggregate statements-by-rule.rq documents below its query, uncommented."""
    text = BY_RULE.read_text(encoding="utf-8")
    _, marker, rest = text.partition("\n# AGGREGATE:")
    assert marker, "statements-by-rule.rq documents its aggregate"
    lines = rest.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# PREFIX"))
    return "\n".join(line.removeprefix("#").removeprefix(" ") for line in lines[start:])


def aggregate_by_articles(text: str | None = None) -> str:
    """entities-by-articles.rq (or `text`, a variant of it) counting the mentions themselves."""
    text = BY_ARTICLES.read_text(encoding="utf-8") if text is None else text
    counted = re.search(r"\{ SELECT \?entity \(COUNT\(\*\) AS \?articles\).*\}", text)
    assert counted is not None, "entities-by-articles.rq documents its aggregate"
    assert text.count(ARTICLE_COUNT_LINE) == 1
    return text.replace(ARTICLE_COUNT_LINE, counted.group())
