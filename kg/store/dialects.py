"""What differs between SPARQL servers, measured rather than guessed.

Every server speaks the two W3C protocols, but each has limits and habits of
its own. The remote store asks the server once (the `Server` header of its
first answer) and then follows the matching `Dialect`. Figures for Virtuoso
7.2 (Debian's virtuoso-opensource 7.2.5) come from `benchmarks/bench_stores.py`
and `tests/test_remote.py`:

* One `INSERT DATA` operation holds at most about 4,970 triples: past that
  its SPARQL compiler fails with "SP030 ... memory exhausted" (a parser stack
  limit counted in triples, not bytes). Several operations in one request are
  fine (40 operations of 2,000 triples, 5 MB, pass). So a graph is inserted in
  operations of `insert_triples` triples, all in the request that drops it.
* SELECT answers stop at the server's ResultSetMaxRows (10,000 by default) and
  say so only in an `X-SPARQL-MaxRows` header. Reading the store back pages
  with ORDER BY/LIMIT/OFFSET; a user's query that hits the cap is an error,
  never a silently shortened answer.
* Updates need the SPARQL_UPDATE role: the anonymous `/sparql` endpoint
  refuses them (SR186), `/sparql-auth` takes them with HTTP digest
  authentication. With credentials, a `/sparql` query URL therefore writes to
  `/sparql-auth`.
* `GRAPH ?g {}` lists no graphs; graphs are listed from their triples.
* Naming each of 4,000 graphs as a default-graph-uri makes it answer with more
  than 100 headers, which clients refuse. Past 40 graphs kg uses its default
  graph, already the union of all graphs on the server: kg's own queries and
  commands match only kg's vocabulary, so they answer alike, but a query over
  `?s ?p ?o` then also sees Virtuoso's own graphs. (Leaving those out with
  `define input:default-graph-exclude` breaks every `GRAPH <iri>` pattern.)
  Oxigraph's server slows down with thousands of named graphs too (0.2 s for a
  count over 4,000), so it is asked for its union-default-graph instead.
* A request over 10 MB is refused ("string session is longer than 10Mb"): the
  system graph of 2,000 articles (their cached extractions) is larger, so a
  graph past 8 MB is written by several operations, in several requests.
* Replacing a graph costs it 12 to 20 ms, and a request of 4,000 graphs did
  not finish in 120 s: requests carry at most 200 graphs (about 2.4 s).
* Syntax errors read "SPARQL compiler, line N: ..." with no column.
* Decimals and language tags come back canonical ("1.50" as "1.5", "de-DE" as
  "de-de"); kg writes canonical forms, so nothing it stores changes. Booleans
  come back as "0"/"1" and are read as "false"/"true" again.
* A CONSTRUCT is answered as a results table when a results format comes
  first in Accept, and a graph answer is cut at the row cap with no header.
* DESCRIBE over the default graph answers nothing unless told how to describe:
  `define sql:describe-mode "CBD"` gives a resource's own triples, as the
  embedded store does.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    """The habits of one kind of server that the remote store must follow."""

    name: str
    #: Most triples one INSERT DATA operation may carry; None where no limit was met.
    insert_triples: int | None = None
    #: Rows per page when a read must be paged and the server did not say its cap.
    page_rows: int = 10_000
    #: Path suffix of the authenticated update endpoint of a `/sparql` query URL.
    auth_update_suffix: str | None = None
    #: Triples at which a graph answer may have been cut without notice.
    silent_graph_cap: int | None = None
    #: How a query's default graph becomes the union of kg's graphs: "graphs" names
    #: each graph (the standard protocol way), "parameter" sets Oxigraph's
    #: union-default-graph.
    union: str = "graphs"
    #: Past this many graphs, naming each fails: the server's default graph is used.
    named_graphs_max: int | None = None
    #: Most graphs one update request replaces; None where only its size counts.
    graphs_per_request: int | None = None
    #: Most bytes one update request may carry; None where no limit was met.
    request_bytes: int | None = None
    #: Put before a DESCRIBE so that it answers what the embedded store does.
    describe_prologue: str = ""


GENERIC = Dialect("generic")
OXIGRAPH = Dialect("oxigraph", union="parameter")
#: 2,000 leaves room below the measured ~4,970 for triples with more tokens.
VIRTUOSO = Dialect(
    "virtuoso",
    insert_triples=2_000,
    auth_update_suffix="-auth",
    silent_graph_cap=10_000,
    named_graphs_max=40,
    graphs_per_request=200,
    request_bytes=8 << 20,
    describe_prologue='define sql:describe-mode "CBD" ',
)


def detect(server_header: str | None) -> Dialect:
    """The dialect of a server from the `Server` header it answers with."""
    name = (server_header or "").lower()
    if "virtuoso" in name:
        return VIRTUOSO
    if "oxigraph" in name:
        return OXIGRAPH
    return GENERIC


_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEANS = {"0": "false", "1": "true"}


def canonical_term(term: object) -> object:
    """A term in the lexical form the embedded store keeps.

    Virtuoso returns xsd:boolean as "0"/"1" (valid lexical forms, but not the
    canonical "false"/"true" kg writes), which would make exports and answers
    differ by store for the same data.
    """
    import pyoxigraph

    if (
        isinstance(term, pyoxigraph.Literal)
        and term.datatype.value == _XSD_BOOLEAN
        and term.value in _BOOLEANS
    ):
        return pyoxigraph.Literal(_BOOLEANS[term.value], datatype=term.datatype)
    return term


def canonical_results_json(body: bytes) -> bytes:
    """SPARQL JSON results with booleans in canonical form (see `canonical_term`)."""
    import json

    document = json.loads(body)
    changed = False
    for row in (document.get("results") or {}).get("bindings") or []:
        for value in row.values():
            if value.get("datatype") == _XSD_BOOLEAN and value.get("value") in _BOOLEANS:
                value["value"] = _BOOLEANS[value["value"]]
                changed = True
    return json.dumps(document).encode("utf-8") if changed else body
