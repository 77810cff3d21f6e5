"""Exports a data person can use, each checked by an independent reader.

JSON-LD against the published context (pyld round-trips it to the Turtle's
graph; every key has one shape), GraphML/GEXF read by networkx (numbers as
numbers, dates, hedged facts flagged, no stray keys), the csv tables read by
the csv module, the ontology and a VoID description (rdflib) beside the data.
The store is the made-up corpus of helpers_network, which has every class,
every relation, an amount, a role, a hedged fact and a URL.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from helpers_network import entity_iri
from rdflib.compare import isomorphic

from kg.config import Config
from kg.errors import FormatError
from kg.store import open_store
from kg.view.export import EXPORT_FORMATS, ExportOptions, export, export_store, merged_triples
from kg.view.jsonld import CONTEXT_FILE, published_context

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
XSD_DECIMAL = rdflib.XSD.decimal


def _export(
    location: str,
    fmt: str,
    out: Path,
    *,
    excel: bool = False,
    with_ontology: bool = False,
    licence: str | None = None,
) -> int:
    options = ExportOptions(excel=excel, with_ontology=with_ontology, licence=licence)
    return export_store(Config(store=location), fmt, out, options)


def _canonical(graph: rdflib.Graph) -> rdflib.Graph:
    """Decimals by value: JSON-LD writes a fraction like 0.8 as "8.0E-1" (same number)."""
    out = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, rdflib.Literal) and o.datatype == XSD_DECIMAL:
            value = format(Decimal(str(o)).normalize(), "f")
            o = rdflib.Literal(value, datatype=XSD_DECIMAL, normalize=False)
        out.add((s, p, o))
    return out


def _turtle_graph(location: str) -> rdflib.Graph:
    with open_store(Config(store=location)) as store:
        data = ox.serialize(merged_triples(store), format=ox.RdfFormat.TURTLE)
    return rdflib.Graph().parse(data=data.decode("utf-8"), format="turtle")


# --- JSON-LD -------------------------------------------------------------------


def test_the_published_context_is_what_exports_embed(corpus_store: str, tmp_path: Path) -> None:
    shipped = json.loads((ONTOLOGY / CONTEXT_FILE).read_text(encoding="utf-8"))["@context"]
    assert published_context() == shipped
    _export(corpus_store, "jsonld", tmp_path / "g.jsonld")
    doc = json.loads((tmp_path / "g.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == shipped
    assert shipped["id"] == "@id"
    assert shipped["type"] == {"@id": "@type", "@container": "@set"}
    assert "id" not in {k for k, v in shipped.items() if isinstance(v, str) and v.endswith("/")}


def test_every_context_term_is_in_the_ontology() -> None:
    ontology = rdflib.Graph().parse(ONTOLOGY / "kg.ttl", format="turtle")
    declared = {str(s) for s in ontology.subjects()}
    context = published_context()
    kg = context["kg"]
    for key, value in context.items():
        if key.startswith("@"):
            continue
        iri = value if isinstance(value, str) else value.get("@id", "")
        if isinstance(iri, str) and iri.startswith("kg:"):
            assert kg + iri[3:] in declared, key


@pytest.mark.parametrize("fmt", ["jsonld", "jsonld-nested"])
def test_pyld_reads_the_same_graph_as_the_turtle(
    corpus_store: str, tmp_path: Path, fmt: str
) -> None:
    pyld = pytest.importorskip("pyld.jsonld")
    out = tmp_path / "g.jsonld"
    _export(corpus_store, fmt, out)
    nquads = pyld.to_rdf(
        json.loads(out.read_text(encoding="utf-8")), {"format": "application/n-quads"}
    )
    read = rdflib.Graph().parse(data=nquads, format="nt")
    assert isomorphic(_canonical(read), _canonical(_turtle_graph(corpus_store)))


def test_every_key_has_one_shape(corpus_store: str, tmp_path: Path) -> None:
    out = tmp_path / "g.jsonld"
    _export(corpus_store, "jsonld", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    context = doc["@context"]
    shapes: dict[str, set[str]] = {}
    for node in doc["@graph"]:
        assert set(node) <= set(context) | {"id"}, "a predicate without a context term"
        for key, value in node.items():
            shapes.setdefault(key, set()).add(type(value).__name__)
    assert all(len(kinds) == 1 for kinds in shapes.values()), shapes
    for key in ("type", "altLabel", "mentionedIn", "memberOf", "locatedIn"):
        assert shapes[key] == {"list"}
    assert shapes["amount"] == {"int"} and shapes["confidence"] == {"float"}
    assert shapes["hedged"] == {"bool"} and shapes["startOffset"] == {"int"}
    ids = [node["id"] for node in doc["@graph"]]
    assert all(i.startswith(("ent:", "art:", "stmt:", "fund:", "fev:")) for i in ids), ids


def test_nested_form_puts_statements_under_their_subject(corpus_store: str, tmp_path: Path) -> None:
    out = tmp_path / "g.jsonld"
    _export(corpus_store, "jsonld-nested", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    by_id = {node["id"]: node for node in doc["@graph"]}
    project = by_id["ent:proj"]
    (funding,) = [st for st in project["statements"] if st["predicate"] == "fundedBy"]
    assert funding["object"] == "ent:min" and "amount" not in funding
    event = by_id[funding["event"]]  # the money lives once, on its funding event
    assert (event["amount"], event["currency"], event["funder"], event["recipient"]) == (
        5100000,
        "EUR",
        ["ent:min"],
        ["ent:proj"],
    )
    assert not any("Statement" in node.get("type", []) for node in doc["@graph"])


# --- GraphML / GEXF -------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_network_formats_carry_numbers_dates_and_hedged_facts(
    corpus_store: str, tmp_path: Path, fmt: str, reader: Callable[[Path], nx.MultiDiGraph]
) -> None:
    out = tmp_path / f"g.{fmt}"
    _export(corpus_store, fmt, out)
    graph = reader(out)
    edges = [d for *_, d in graph.edges(data=True)]
    funding = next(d for d in edges if d["relation"] == "fundedBy")
    assert funding["amount"] == 5100000.0 and isinstance(funding["confidence"], float)
    assert funding["date"] == "2021-06-01"
    hedged = [d for d in edges if d["hedged"]]
    assert [d["relation"] for d in hedged] == ["locatedIn"]
    assert graph.nodes[entity_iri("acme")]["date"] == "2020-02-17"
    assert graph.nodes[entity_iri("acme")]["color"].startswith("#")
    assert "networkx_key" not in out.read_text(encoding="utf-8")


def test_gexf_has_a_timeline_and_class_colours(corpus_store: str, tmp_path: Path) -> None:
    out = tmp_path / "g.gexf"
    _export(corpus_store, "gexf", out)
    text = out.read_text(encoding="utf-8")
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    assert 'start="2020-02-17"' in text
    assert "<viz:color" in text


# --- csv tables -------------------------------------------------------------------


def _table(folder: Path, name: str) -> list[dict[str, str]]:
    text = (folder / f"{name}.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_tables_entities_relations_funding(corpus_store: str, tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    count = _export(corpus_store, "csv", folder)
    entities = _table(folder, "entities")
    relations = _table(folder, "relations")
    funding = _table(folder, "funding")
    assert count == len(entities) + len(relations) + len(funding)
    assert len(entities) == 12 and len(relations) == 12 and len(funding) == 1
    ministry = next(e for e in entities if e["label"] == "Ministry of Science")
    assert ministry["classes"] == "Funder | Institution" and ministry["other_names"] == "MoS"
    (money,) = funding  # one row per funding event
    assert (money["recipient_labels"], money["funder_labels"], money["amount"]) == (
        "OrganoNet",
        "Ministry of Science",
        "5100000",
    )
    hedged = [r for r in relations if r["hedged"] == "true"]
    assert [(r["relation"], r["sentence"]) for r in hedged] == [
        ("locatedIn", "Acme intends to move to Elbtal.")
    ]
    assert all(r["sentence"] and r["article_title"] for r in relations)
    assert not (folder / "entities.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_excel_flag_adds_a_bom_and_defuses_formulas(corpus_store: str, tmp_path: Path) -> None:
    from kg.view.tables import to_csv

    text = to_csv([{"name": "=HYPERLINK(1)", "n": 3}], ["name", "n"], excel=True)
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK(1)" in text and text.endswith("\r\n")
    folder = tmp_path / "tables"
    _export(corpus_store, "csv", folder, excel=True)
    assert (folder / "entities.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_the_ontology_and_a_void_description_ship_with_the_data(
    corpus_store: str, tmp_path: Path
) -> None:
    folder = tmp_path / "tables"
    _export(corpus_store, "csv", folder, licence="https://creativecommons.org/licenses/by/4.0/")
    for name in ("kg.ttl", "shapes.ttl", CONTEXT_FILE):
        assert (folder / name).read_bytes() == (ONTOLOGY / name).read_bytes()
    void = rdflib.Graph().parse(folder / "void.ttl", format="turtle")
    vocab = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef("https://w3id.org/cluster-kg/id/dataset")
    assert int(void.value(dataset, vocab.entities)) == 12
    assert int(void.value(dataset, vocab.documents)) == 2
    assert str(void.value(dataset, rdflib.DCTERMS.license)).startswith("https://creativecommons")
    titles = {str(t) for t in void.objects(None, rdflib.DCTERMS.title)}
    assert {"entities.csv", "relations.csv", "funding.csv", "kg.ttl"} <= titles
    single = tmp_path / "single"
    single.mkdir()
    _export(corpus_store, "turtle", single / "g.ttl", with_ontology=True)
    assert sorted(p.name for p in single.iterdir()) == sorted(
        ["g.ttl", "kg.ttl", "shapes.ttl", CONTEXT_FILE, "void.ttl"]
    )


def test_folder_and_ontology_need_a_path_not_stdout(corpus_store: str) -> None:
    with pytest.raises(FormatError, match="need a folder"):
        _export(corpus_store, "csv", Path("-"))
    with pytest.raises(FormatError, match="need a folder"):
        _export(corpus_store, "turtle", Path("-"), with_ontology=True)


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_every_format_is_the_same_bytes_twice(corpus_store: str, tmp_path: Path, fmt: str) -> None:
    outputs = []
    for run in (1, 2):
        out = tmp_path / f"out{run}"
        with open_store(Config(store=corpus_store)) as store:
            export(store, fmt, out)
        files = sorted(out.iterdir()) if out.is_dir() else [out]
        outputs.append([(p.name if out.is_dir() else "", p.read_bytes()) for p in files])
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_no_export_names_an_absolute_local_path(built_store: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    export_store(Config(store=built_store), fmt, out)
    files = sorted(out.iterdir()) if out.is_dir() else [out]
    text = "".join(p.read_text(encoding="utf-8") for p in files)
    assert str(Path(built_store).parent) not in text
