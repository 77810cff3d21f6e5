"""IRIs a researcher can paste and follow: prefixed names that parse, pages behind data IRIs.

Every form in which kg prints an IRI (the `kg query` table, CSV, DESCRIBE
Turtle, an export, the entity page) is pasted back into a query and must
find the node; `GET /id/...` on `kg serve` answers HTML or RDF by `Accept`.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from kg.cli import cli
from kg.namespace import DATA_BASE, PREFIXES, short_iri

ACME = DATA_BASE + "entity/acme"
ARTICLE = DATA_BASE + "article/a1"
STATEMENT = DATA_BASE + "statement/0123456789abcdef"
#: A prefixed name as kg prints it (kind prefixes, then an unescaped local part).
PREFIXED = re.compile(
    r"\b(?:ent|art|stmt|graph|summary|kg|rdf|rdfs|skos|xsd):[A-Za-z0-9_%.-]*[A-Za-z0-9_%-]"
)


def _rows(runner, store: str, query: str) -> list[str]:
    result = runner.invoke(cli, ["--store", store, "query", query, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[1:]


# -- prefixes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        (ACME, "ent:acme"),
        (ARTICLE, "art:a1"),
        (STATEMENT, "stmt:0123456789abcdef"),
        (DATA_BASE + "graph/system", "graph:system"),
        (DATA_BASE + "summary/rule/member-of", "summary:member-of"),
        (DATA_BASE + "entity/caf%C3%A9", "ent:caf%C3%A9"),
        (PREFIXES["kg"] + "Company", "kg:Company"),
        # Local parts a prefixed name cannot hold as written: the full IRI instead.
        (DATA_BASE + "entity/-dash", f"<{DATA_BASE}entity/-dash>"),
        (DATA_BASE + "entity/dot.", f"<{DATA_BASE}entity/dot.>"),
        (DATA_BASE + "other/x", f"<{DATA_BASE}other/x>"),
        ("http://example.org/x", "<http://example.org/x>"),
    ],
)
def test_short_iri_writes_names_that_parse(iri: str, expected: str) -> None:
    assert short_iri(iri) == expected
    prologue = "".join(f"PREFIX {p}: <{b}>\n" for p, b in PREFIXES.items())
    parsed = ox.Store()
    parsed.add(ox.Quad(ox.NamedNode(iri), ox.NamedNode("http://x/p"), ox.Literal("v")))
    assert list(parsed.query(prologue + f"SELECT ?o WHERE {{ {expected} ?p ?o }}"))


def test_every_data_kind_has_its_own_prefix() -> None:
    for kind in ("entity", "article", "statement", "graph", "summary/rule"):
        assert (
            PREFIXES[
                {
                    "entity": "ent",
                    "article": "art",
                    "statement": "stmt",
                    "graph": "graph",
                    "summary/rule": "summary",
                }[kind]
            ]
            == DATA_BASE + kind + "/"
        )


def test_every_iri_form_kg_prints_pastes_back_into_a_query(runner, sample_store: str) -> None:
    """Table, CSV, DESCRIBE and Turtle export: each printed IRI finds its node again."""
    store = sample_store
    every_quad = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    table = runner.invoke(cli, ["--store", store, "query", every_quad])
    describe = runner.invoke(cli, ["--store", store, "query", f"DESCRIBE <{ACME}>"])
    export = runner.invoke(cli, ["--store", store, "export", "--format", "turtle", "-o", "-"])
    csv = runner.invoke(
        cli, ["--store", store, "query", "SELECT ?s WHERE { ?s ?p ?o }", "--format", "csv"]
    )
    for result in (table, describe, export, csv):
        assert result.exit_code == 0, result.output
    printed = set(PREFIXED.findall(table.output + describe.output + export.output))
    printed |= {f"<{line.strip()}>" for line in csv.output.splitlines()[1:] if line.strip()}
    assert {"ent:acme", "art:a1", "stmt:0123456789abcdef", "graph:system"} <= printed
    assert "\\/" not in describe.output + export.output
    for name in sorted(printed):
        if name.startswith(("kg:", "rdf:", "rdfs:", "skos:", "xsd:")):
            continue  # vocabulary terms, not nodes of this graph
        query = (
            f"SELECT * WHERE {{ {{ {name} ?p ?o }} UNION {{ ?s ?q {name} }} "
            f"UNION {{ GRAPH {name} {{ ?a ?b ?c }} }} }} LIMIT 1"
        )
        assert _rows(runner, store, query), f"{name} printed by kg finds nothing"


def test_readme_graph_example_parses(runner, sample_store: str) -> None:
    rows = _rows(runner, sample_store, "SELECT ?s WHERE { GRAPH graph:system { ?s ?p ?o } }")
    assert rows == [ARTICLE]
