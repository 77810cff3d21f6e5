"""The README's SPARQLWrapper example works against a running `kg serve`."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.config import Config
from kg.sparql.server import ServeOptions, make_server


@pytest.fixture
def endpoint(built_store: str) -> Iterator[str]:
    server = make_server(Config(store=built_store), ServeOptions(port=0))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.url + "sparql"
    server.shutdown()
    server.server_close()
    server.holder.close()
    thread.join(10)


@pytest.mark.model
def test_readme_sparqlwrapper_example(endpoint: str) -> None:
    # As in the README, with the endpoint URL of this test's server.
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery("""
        PREFIX kg: <https://w3id.org/cluster-kg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?member ?cluster WHERE {
          ?m kg:memberOf ?c . ?m rdfs:label ?member . ?c rdfs:label ?cluster .
        } ORDER BY ?member
    """)
    sparql.setReturnFormat(JSON)
    rows = sparql.queryAndConvert()["results"]["bindings"]
    members = {(r["member"]["value"], r["cluster"]["value"]) for r in rows}
    assert ("Vita34", "Cell Therapies") in members
