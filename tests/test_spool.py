"""kg.spool: the build's records on disk, and the N-Quads the workers send back."""

from __future__ import annotations

import tempfile

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from kg.model import Article, Extraction
from kg.spool import Spool, Tally, nquads

KG = "https://w3id.org/cluster-kg/ontology#"
ID = "https://w3id.org/cluster-kg/id/"


def test_records_come_back_as_written_whatever_the_key_holds() -> None:
    odd = [
        "/data/a\tb.txt#0",
        "/data/line\nbreak.txt#1",
        "/data/ünï\u2028code.txt#2",
    ]
    texts = ["Tab\there", "Line\nbreak\r\nand more", "Separator \u2028 and \u0085 too"]
    extractions = [
        Extraction(Article.create(f"T{i}", text, key, i))
        for i, (key, text) in enumerate(zip(odd, texts, strict=True))
    ]
    with tempfile.TemporaryFile() as raw:
        spool = Spool(raw)
        for ex, key in zip(extractions, odd, strict=True):
            spool.add(ex, key)
        spool.add(extractions[0], odd[0])  # the same article again is kept once
        back = list(spool)
    assert [key for key, _ in back] == odd
    assert [Extraction.from_json(record) for _, record in back] == extractions
    assert len(spool.articles) == 3


def triple(s: str, p: str, o: str | ox.Literal) -> ox.Triple:
    obj = o if isinstance(o, ox.Literal) else ox.NamedNode(ID + o)
    return ox.Triple(ox.NamedNode(ID + s), ox.NamedNode(KG + p), obj)


def test_nquads_parse_back_to_the_same_quads() -> None:
    pieces = [
        (ID + "article/a", [triple("entity/x", "memberOf", "entity/y")]),
        (
            ID + "article/a",
            [triple("st/1", "sentence", ox.Literal('He said "hi"\nthen \u2028 left'))],
        ),
        (ID + "graph/system", [triple("article/a", "sourceKey", ox.Literal("/a\tb#0"))]),
    ]
    parsed = list(ox.parse(nquads(pieces), ox.RdfFormat.N_QUADS))
    expected = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g, ts in pieces for t in ts
    ]
    assert parsed == expected


def test_nquads_refuse_blank_nodes() -> None:
    blank = ox.Triple(ox.BlankNode(), ox.NamedNode(KG + "p"), ox.Literal("x"))
    with pytest.raises(StoreError, match="blank nodes"):
        nquads([(ID + "article/a", [blank])])


def test_tallies_of_workers_add_up_and_count_shared_edges_once() -> None:
    edge = triple("entity/x", "memberOf", "entity/y")
    statement = ox.Triple(
        ox.NamedNode(ID + "st/1"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(KG + "Statement"),
    )
    first, second = Tally(), Tally()
    first.add([edge, statement])
    second.add([edge, triple("entity/x", "mentionedIn", "article/b")])
    second.add([])
    first.merge(second)
    assert (len(first.edges), first.statements, first.triples, first.graphs) == (1, 1, 3, 2)
