"""The notebook API, `kg.api.open`: rows of plain values, the csv tables, the network."""

from __future__ import annotations

import importlib.util

import networkx as nx
import pytest

import kg.api
from kg.errors import KGError, QueryError, StoreError
from kg.view.tables import TABLES

HAS_PANDAS = importlib.util.find_spec("pandas") is not None


def test_query_answers_plain_values(corpus_store: str) -> None:
    with kg.api.open(corpus_store) as graph:
        rows = graph.query(
            "SELECT ?amount ?hedged WHERE { ?s kg:amount ?amount ; kg:hedged ?hedged }",
            frame=False,
        )
        assert rows == [{"amount": 5100000, "hedged": False}]
        assert graph.query("ASK { ?p a kg:Person }") is True


@pytest.mark.parametrize(
    ("sparql", "error"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", QueryError),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", QueryError),
        ("SELEC ?x WHERE {}", QueryError),
    ],
)
def test_query_refuses_updates_graphs_and_bad_sparql(
    corpus_store: str, sparql: str, error: type[Exception]
) -> None:
    with kg.api.open(corpus_store) as graph, pytest.raises(error):
        graph.query(sparql, frame=False)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_tables_are_the_csv_tables(corpus_store: str, table: str) -> None:
    with kg.api.open(corpus_store) as graph:
        rows = getattr(graph, table)(frame=False)
    assert rows and list(rows[0]) == list(TABLES[table].columns)


def test_funding_and_relations_rows(corpus_store: str) -> None:
    with kg.api.open(corpus_store) as graph:
        (money,) = graph.funding(frame=False)
        relations = graph.relations(frame=False)
    assert (money["recipient_labels"], money["amount"], money["currency"]) == (
        "OrganoNet",
        5100000,
        "EUR",
    )
    assert sum(1 for r in relations if r["hedged"]) == 1


def test_to_networkx_with_and_without_hedged_facts(corpus_store: str) -> None:
    with kg.api.open(corpus_store) as graph:
        asserted, everything = graph.to_networkx(), graph.to_networkx(hedged=True)
    assert isinstance(asserted, nx.MultiDiGraph)
    assert (asserted.number_of_edges(), everything.number_of_edges()) == (10, 11)


@pytest.mark.skipif(HAS_PANDAS, reason="checks the message shown without pandas")
def test_frames_without_pandas_say_what_to_install(corpus_store: str) -> None:
    with kg.api.open(corpus_store) as graph:
        assert isinstance(graph.entities(), list)  # the default without pandas
        with pytest.raises(KGError, match="pip install pandas"):
            graph.entities(frame=True)


@pytest.mark.skipif(not HAS_PANDAS, reason="pandas is optional")
def test_frames_with_pandas(corpus_store: str) -> None:
    with kg.api.open(corpus_store) as graph:
        frame = graph.entities()
    assert list(frame.columns) == list(TABLES["entities"].columns) and len(frame) == 12


def test_a_missing_store_is_one_clear_error(tmp_path: object) -> None:
    with pytest.raises(StoreError, match="no store at"):
        kg.api.open(f"{tmp_path}/nothing-here")
