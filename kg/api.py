"""A small Python API for notebooks: `kg.api.open(store)` and a few questions asked of it.

A notebook user wants rows and DataFrames, not the store protocol, the RDF
shape or the CLI's printers. This module is that one documented door: it
opens the store read-only, answers SPARQL with the prefixes `kg query`
predeclares, and hands out the same tables `kg export --format csv` writes
(`entities`, `relations`, `funding`) and the same networkx graph the network
page and GraphML/GEXF are made from. Answers are lists of dicts of plain
Python values (numbers as numbers), or pandas DataFrames when pandas is
installed (the default then; `frame=False` keeps rows), so nothing here needs pandas.

It is `kg.api.open`, not `kg.open`: the package `kg` is the kernel every
stage imports, and the kernel imports no stage (tests/test_layers.py); this
module sits at the top, beside the CLI. The README has a worked example,
which the tests run.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.config import DEFAULT_STORE, Config
from kg.errors import KGError, QueryError

if TYPE_CHECKING:
    import networkx as nx

    from kg.store import Store


def _has_pandas() -> bool:
    return importlib.util.find_spec("pandas") is not None


class KnowledgeGraph:
    """A built store, opened read-only. Close it (or use `with`) to release the store."""

    def __init__(self, store: Store, cfg: Config) -> None:
        self._store = store
        self.config = cfg

    # -- lifecycle ------------------------------------------------------------

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<kg.KnowledgeGraph {self.config.store}>"

    # -- answers ----------------------------------------------------------------

    def _answer(self, items: list[dict[str, Any]], columns: list[str], frame: bool | None) -> Any:
        if frame is None:
            frame = _has_pandas()
        if not frame:
            return items
        if not _has_pandas():
            raise KGError("frame=True needs pandas: pip install pandas (or use frame=False)")
        import pandas

        return pandas.DataFrame(items, columns=columns)

    def query(self, sparql: str, *, frame: bool | None = None) -> Any:
        """Rows of a SELECT (dicts of plain values; a DataFrame with pandas), or an ASK's bool.

        The prefixes of `kg query` (kg:, rdfs:, skos:, ...) are predeclared and,
        as there, updates are refused. CONSTRUCT/DESCRIBE are refused too: use
        `kg export` or `kg query` for triples.
        """
        import pyoxigraph

        from kg.sparql.guard import check_query
        from kg.view.tables import plain_value

        checked = check_query(sparql)  # read-only and local-only, as kg query and kg serve
        result = self._store.query(checked.text)
        if isinstance(result, pyoxigraph.QueryBoolean):
            return bool(result)
        if isinstance(result, pyoxigraph.QueryTriples):
            raise QueryError("kg.open(...).query answers SELECT and ASK; use kg export for triples")
        columns = [v.value for v in result.variables]
        items = [{c: plain_value(solution[c]) for c in columns} for solution in result]
        return self._answer(items, columns, frame)

    def _table(self, name: str, frame: bool | None) -> Any:
        from kg.view.tables import TABLES, rows

        table = TABLES[name]
        return self._answer(rows(self._store, table), list(table.columns), frame)

    def entities(self, *, frame: bool | None = None) -> Any:
        """One row per entity: IRI, label, classes, other names, number of articles."""
        return self._table("entities", frame)

    def relations(self, *, frame: bool | None = None) -> Any:
        """One row per statement (relation with its sentence, rule, confidence, article)."""
        return self._table("relations", frame)

    def funding(self, *, frame: bool | None = None) -> Any:
        """One row per funding event: its funders, recipients, amount, currency, qualifiers."""
        return self._table("funding", frame)

    def to_networkx(self, *, hedged: bool = False) -> nx.MultiDiGraph:
        """The entity network (a networkx MultiDiGraph keyed by entity IRI).

        Nodes carry label, names, classes and articles; edges carry relation,
        hedged and evidence (one dict per statement). `hedged=True` adds the
        planned/intended facts as their own edges.
        """
        from kg.view.network import load_network

        return load_network(self._store, include_hedged=hedged)


def open(store: str | Path = DEFAULT_STORE) -> KnowledgeGraph:
    """Open a built store (a directory, or a SPARQL endpoint URL) read-only."""
    from kg.store import open_store

    cfg = Config(store=str(store))
    return KnowledgeGraph(open_store(cfg, create=False), cfg)
