"""The money checks of issue 14, computed from a store with SPARQL.

Shared by tests/test_money.py (invented articles, every gold set, ../shared/real-dev)
and usable by hand on any store: `python tests/helpers_money.py STORE`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

PREFIX = "PREFIX kg: <https://w3id.org/cluster-kg/ontology#>\n"

#: One stated amount (article, offsets) attached to more than one funding event.
SHARED_AMOUNTS = (
    PREFIX
    + """SELECT ?article ?start (COUNT(DISTINCT ?event) AS ?events) WHERE {
  ?event a kg:FundingEvent ; kg:evidence ?ev .
  ?ev kg:inArticle ?article ; kg:amountStart ?start .
} GROUP BY ?article ?start HAVING (COUNT(DISTINCT ?event) > 1)"""
)

#: Two events of one article with the same amount and a recipient in common: one sum twice.
SAME_MONEY_TWICE = (
    PREFIX
    + """SELECT DISTINCT ?article ?a ?b WHERE {
  ?a a kg:FundingEvent ; kg:amount ?value ; kg:currency ?cur ; kg:recipient ?r ;
     kg:evidence/kg:inArticle ?article .
  ?b a kg:FundingEvent ; kg:amount ?value ; kg:currency ?cur ; kg:recipient ?r ;
     kg:evidence/kg:inArticle ?article .
  FILTER (STR(?a) < STR(?b))
  FILTER NOT EXISTS { ?a kg:shareOf ?b } FILTER NOT EXISTS { ?b kg:shareOf ?a }
}"""
)

#: Money on anything but a funding event (statements carried amounts before).
STRAY_AMOUNTS = PREFIX + "SELECT DISTINCT ?node WHERE { ?node kg:amount ?a FILTER NOT EXISTS "
STRAY_AMOUNTS += "{ ?node a kg:FundingEvent } }"

#: Every event counted once: stated (not hedged), not a share of another.
EVENT_SUM = (
    PREFIX
    + """SELECT (SUM(?value) AS ?total) (COUNT(?event) AS ?events) WHERE {
  SELECT DISTINCT ?event ?value WHERE {
    ?event a kg:FundingEvent ; kg:amount ?value ; kg:hedged false .
    FILTER NOT EXISTS { ?event kg:shareOf ?parent }
  }
}"""
)

#: Each amount as each article states it (distinct article and offsets).
STATED_PER_ARTICLE = (
    PREFIX
    + """SELECT (SUM(?value) AS ?total) WHERE {
  SELECT DISTINCT ?article ?start ?value WHERE {
    ?event a kg:FundingEvent ; kg:amount ?value ; kg:hedged false ; kg:evidence ?ev .
    ?ev kg:inArticle ?article ; kg:amountStart ?start .
    FILTER NOT EXISTS { ?event kg:shareOf ?parent }
  }
}"""
)

#: Each event's amount once per article reporting it.
EVENTS_PER_ARTICLE = (
    PREFIX
    + """SELECT (SUM(?value) AS ?total) WHERE {
  SELECT DISTINCT ?event ?article ?value WHERE {
    ?event a kg:FundingEvent ; kg:amount ?value ; kg:hedged false ;
           kg:evidence/kg:inArticle ?article .
    FILTER NOT EXISTS { ?event kg:shareOf ?parent }
  }
}"""
)

#: The figure issue 14 measured before funding events: distinct (article, amount) pairs.
DISTINCT_STATED = (
    PREFIX
    + """SELECT (SUM(?value) AS ?total) (COUNT(*) AS ?pairs) WHERE {
  SELECT DISTINCT ?article ?value WHERE {
    ?event a kg:FundingEvent ; kg:amount ?value ; kg:hedged false ;
           kg:evidence/kg:inArticle ?article .
    FILTER NOT EXISTS { ?event kg:shareOf ?parent }
  }
}"""
)


def rows(store: Any, sparql: str) -> list[dict[str, str | None]]:
    result = store.query(sparql, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (None if r[n] is None else r[n].value) for n in names} for r in result]


def total(store: Any, sparql: str) -> Decimal:
    (row,) = rows(store, sparql)
    return Decimal(row["total"] or "0")


def figures(store: Any) -> dict[str, object]:
    """Everything the checks look at, for a report."""
    (events,) = rows(store, EVENT_SUM)
    (pairs,) = rows(store, DISTINCT_STATED)
    return {
        "events": int(events["events"] or 0),
        "event_sum": Decimal(events["total"] or "0"),
        "distinct_article_amounts": Decimal(pairs["total"] or "0"),
        "stated_per_article": total(store, STATED_PER_ARTICLE),
        "events_per_article": total(store, EVENTS_PER_ARTICLE),
        "shared_amounts": rows(store, SHARED_AMOUNTS),
        "same_money_twice": rows(store, SAME_MONEY_TWICE),
        "stray_amounts": rows(store, STRAY_AMOUNTS),
    }


if __name__ == "__main__":
    import sys

    import pyoxigraph

    for key, value in figures(pyoxigraph.Store.read_only(sys.argv[1])).items():
        print(f"{key}: {value}")
