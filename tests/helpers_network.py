"""Build small in-memory Oxigraph stores in the fixed RDF shape (brief, "RDF shape").

The network/viz/stats tests must not depend on extraction or on kg.graph.rdf being
finished, so they write the quads themselves, exactly as the contract says a
build does: article graphs with statements and binary edges, the entities
graph with classes and names, and a system graph that views must ignore.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox

KG = "https://w3id.org/cluster-kg/ontology#"
BASE = "https://w3id.org/cluster-kg/id/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
XSD = "http://www.w3.org/2001/XMLSchema#"
ENTITIES = ox.NamedNode(BASE + "graph/entities")
SYSTEM = ox.NamedNode(BASE + "graph/system")


def kg(term: str) -> ox.NamedNode:
    return ox.NamedNode(KG + term)


def entity_iri(key: str) -> str:
    return BASE + "entity/" + key


def article_iri(key: str) -> str:
    return BASE + "article/" + key


@dataclass
class ShapeBuilder:
    """Collects quads for entities, articles and facts; `store()` loads them into memory."""

    quads: list[ox.Quad] = field(default_factory=list)

    def entity(self, key: str, classes: list[str], label: str, alt: tuple[str, ...] = ()) -> str:
        node = ox.NamedNode(entity_iri(key))
        for cls in classes:
            self.quads.append(ox.Quad(node, RDF_TYPE, kg(cls), ENTITIES))
        self.quads.append(ox.Quad(node, RDFS_LABEL, ox.Literal(label), ENTITIES))
        for name in alt:
            self.quads.append(ox.Quad(node, SKOS_ALT, ox.Literal(name), ENTITIES))
        return node.value

    def article(
        self,
        key: str,
        title: str,
        date: str | None = None,
        url: str | None = None,
        mentions: tuple[str, ...] = (),
    ) -> str:
        art = ox.NamedNode(article_iri(key))
        add = self.quads.append
        add(ox.Quad(art, RDF_TYPE, kg("Article"), art))
        add(ox.Quad(art, kg("title"), ox.Literal(title), art))
        add(ox.Quad(art, kg("sourceFile"), ox.Literal(key + ".txt"), art))
        add(
            ox.Quad(
                art, kg("position"), ox.Literal("0", datatype=ox.NamedNode(XSD + "integer")), art
            )
        )
        if date:
            add(
                ox.Quad(art, kg("date"), ox.Literal(date, datatype=ox.NamedNode(XSD + "date")), art)
            )
        if url:
            add(ox.Quad(art, kg("url"), ox.NamedNode(url), art))
        for key_ in mentions:
            add(ox.Quad(ox.NamedNode(entity_iri(key_)), kg("mentionedIn"), art, art))
        # The build cache: must never show up in a view.
        add(ox.Quad(art, kg("extractionRecord"), ox.Literal("{}"), SYSTEM))
        return art.value

    def fact(
        self,
        subject: str,
        relation: str,
        obj: str,
        article: str,
        sentence: str,
        *,
        hedged: bool = False,
        rule: str = "test-rule",
        confidence: str = "0.85",
        role: str | None = None,
        amount: str | None = None,
        currency: str | None = None,
    ) -> str:
        art = ox.NamedNode(article_iri(article))
        s, o = ox.NamedNode(entity_iri(subject)), ox.NamedNode(entity_iri(obj))
        digest = hashlib.sha256(f"{subject}|{relation}|{obj}|{article}|{sentence}".encode())
        st = ox.NamedNode(BASE + "statement/" + digest.hexdigest()[:16])
        add = self.quads.append
        if not hedged:
            add(ox.Quad(s, kg(relation), o, art))
        add(ox.Quad(st, RDF_TYPE, kg("Statement"), art))
        if role:
            add(ox.Quad(st, RDF_TYPE, kg("Affiliation"), art))
            add(ox.Quad(st, kg("roleTitle"), ox.Literal(role), art))
        if amount:
            event = self.funding((obj,), (subject,), article, sentence, amount, currency or "EUR")
            add(ox.Quad(st, kg("event"), ox.NamedNode(event), art))
        add(ox.Quad(st, kg("subject"), s, art))
        add(ox.Quad(st, kg("predicate"), kg(relation), art))
        add(ox.Quad(st, kg("object"), o, art))
        boolean = ox.NamedNode(XSD + "boolean")
        add(
            ox.Quad(
                st, kg("hedged"), ox.Literal("true" if hedged else "false", datatype=boolean), art
            )
        )
        add(ox.Quad(st, kg("sentence"), ox.Literal(sentence), art))
        integer = ox.NamedNode(XSD + "integer")
        add(ox.Quad(st, kg("startOffset"), ox.Literal("0", datatype=integer), art))
        add(ox.Quad(st, kg("endOffset"), ox.Literal(str(len(sentence)), datatype=integer), art))
        add(ox.Quad(st, kg("rule"), ox.Literal(rule), art))
        dec = ox.NamedNode(XSD + "decimal")
        add(ox.Quad(st, kg("confidence"), ox.Literal(confidence, datatype=dec), art))
        add(ox.Quad(st, kg("inArticle"), art, art))
        return st.value

    def funding(
        self,
        funders: tuple[str, ...],
        recipients: tuple[str, ...],
        article: str,
        sentence: str,
        amount: str | None,
        currency: str = "EUR",
        *,
        qualifiers: tuple[str, ...] = (),
        share_of: str | None = None,
        hedged: bool = False,
        key: str | None = None,
    ) -> str:
        """A funding event as a build writes it: the money once, with its evidence here.

        The event is named by its recipients and amount (or `key`), so calling this
        for a second article with the same money adds a second evidence to one event.
        """
        art = ox.NamedNode(article_iri(article))
        name = key or f"{'|'.join(sorted(recipients))}|{amount}|{currency}"
        event = ox.NamedNode(BASE + "funding/" + hashlib.sha256(name.encode()).hexdigest()[:16])
        ev_key = f"{event.value}|{article}|{sentence}"
        evidence = ox.NamedNode(
            BASE + "funding-evidence/" + hashlib.sha256(ev_key.encode()).hexdigest()[:16]
        )
        add = self.quads.append
        dec = ox.NamedNode(XSD + "decimal")
        integer = ox.NamedNode(XSD + "integer")
        boolean = ox.NamedNode(XSD + "boolean")
        add(ox.Quad(event, RDF_TYPE, kg("FundingEvent"), art))
        for f in funders:
            add(ox.Quad(event, kg("funder"), ox.NamedNode(entity_iri(f)), art))
        for r in recipients:
            add(ox.Quad(event, kg("recipient"), ox.NamedNode(entity_iri(r)), art))
        if amount is not None:
            add(ox.Quad(event, kg("amount"), ox.Literal(str(Decimal(amount)), datatype=dec), art))
            add(ox.Quad(event, kg("currency"), ox.Literal(currency), art))
        for q in qualifiers:
            add(ox.Quad(event, kg("amountQualifier"), ox.Literal(q), art))
        if share_of is not None:
            add(ox.Quad(event, kg("shareOf"), ox.NamedNode(share_of), art))
        flag = "true" if hedged else "false"
        add(ox.Quad(event, kg("hedged"), ox.Literal(flag, datatype=boolean), art))
        add(ox.Quad(event, kg("evidence"), evidence, art))
        add(ox.Quad(evidence, RDF_TYPE, kg("FundingEvidence"), art))
        add(ox.Quad(evidence, kg("sentence"), ox.Literal(sentence), art))
        add(ox.Quad(evidence, kg("startOffset"), ox.Literal("0", datatype=integer), art))
        end = ox.Literal(str(len(sentence)), datatype=integer)
        add(ox.Quad(evidence, kg("endOffset"), end, art))
        add(ox.Quad(evidence, kg("amountText"), ox.Literal(amount or "a seven-figure sum"), art))
        at = len(self.quads)  # a stated amount of its own: no two events share one
        add(ox.Quad(evidence, kg("amountStart"), ox.Literal(str(at), datatype=integer), art))
        add(ox.Quad(evidence, kg("amountEnd"), ox.Literal(str(at + 1), datatype=integer), art))
        add(ox.Quad(evidence, kg("rule"), ox.Literal("test-rule"), art))
        add(ox.Quad(evidence, kg("confidence"), ox.Literal("0.8", datatype=dec), art))
        add(ox.Quad(evidence, kg("inArticle"), art, art))
        return event.value

    def store(self) -> ox.Store:
        store = ox.Store()
        store.extend(self.quads)
        return store


def small_corpus() -> ShapeBuilder:
    """A made-up cluster: two articles, every class, every relation, awkward names.

    Names carry quotes, `<`, `&` and accents on purpose: the page must show
    them as text, never as markup.
    """
    b = ShapeBuilder()
    b.entity("net", ["Cluster"], "Saxon Life Net", ("SLN",))
    b.entity("wg", ["Cluster"], 'Working group "Organoids"', ("WG Organoids",))
    b.entity("inst", ["Institution"], "Institute for Tissue & Organ Research", ("ITOR",))
    b.entity("univ", ["Institution"], "University of Elbtal")
    b.entity("acme", ["Company"], "Acme <Bio> GmbH", ("Acme", "ACME Bio"))
    b.entity("zell", ["Company"], "Zellwerk Müller AG", ("Zellwerk",))
    b.entity("proj", ["Project"], "OrganoNet")
    b.entity("min", ["Institution", "Funder"], "Ministry of Science", ("MoS",))
    b.entity("ada", ["Person"], "Ada Nováková")
    b.entity("town", ["Place"], "Elbtal")
    b.entity("prod", ["Product"], "CartiFix")
    b.entity("lonely", ["Company"], "Lonely Labs")
    b.article(
        "a1",
        "Working group on organoids starts",
        date="2020-02-17",
        url="https://example.org/news/1",
        mentions=("net", "wg", "inst", "acme", "zell", "ada", "town", "prod", "univ"),
    )
    b.article(
        "a2",
        "Ministry funds OrganoNet",
        date="2021-06-01",
        mentions=("proj", "min", "inst", "acme", "town", "lonely"),
    )
    b.fact("acme", "memberOf", "wg", "a1", 'Acme <Bio> GmbH joined the working group "Organoids".')
    b.fact("zell", "memberOf", "wg", "a1", "Zellwerk is also part of the working group.")
    b.fact("wg", "partOf", "net", "a1", "The working group of Saxon Life Net started.")
    b.fact("inst", "partOf", "univ", "a1", "ITOR of the University of Elbtal took part.")
    b.fact(
        "proj",
        "fundedBy",
        "min",
        "a2",
        "The Ministry of Science funds OrganoNet with 5.1 million.",
        amount="5100000",
        currency="EUR",
    )
    b.fact("inst", "participatesIn", "proj", "a2", "ITOR & Acme apply for OrganoNet.")
    b.fact("acme", "participatesIn", "proj", "a2", "ITOR & Acme apply for OrganoNet.")
    b.fact(
        "ada",
        "affiliatedWith",
        "acme",
        "a1",
        "Ada Nováková, Managing Director of Acme.",
        role="Managing Director",
    )
    b.fact("inst", "locatedIn", "town", "a1", "ITOR in Elbtal leads the work.")
    b.fact("inst", "locatedIn", "town", "a2", "The institute in Elbtal coordinates OrganoNet.")
    b.fact("zell", "produces", "prod", "a1", "Zellwerk offers CartiFix.")
    b.fact("acme", "locatedIn", "town", "a2", "Acme intends to move to Elbtal.", hedged=True)
    return b


_SHARES = (
    ("Cluster", 0.03),
    ("Institution", 0.12),
    ("Company", 0.35),
    ("Project", 0.08),
    ("Funder", 0.03),
    ("Person", 0.25),
    ("Place", 0.07),
    ("Product", 0.07),
)
_SYLLABLES = ("no", "va", "bio", "cel", "ta", "gen", "med", "ix", "ra", "lu", "zo", "ther")


def synthetic_corpus(n_nodes: int, seed: int = 7) -> ShapeBuilder:
    """A cluster-news-like graph of `n_nodes` entities for scale tests and the benchmark.

    Shaped like the real thing rather than uniformly random: a few clusters
    and places are hubs (preferential attachment), people hang off one
    organisation, projects gather participants and funders, so there is one
    big component with many leaves plus some stragglers.
    """
    import random

    rng = random.Random(seed)
    b = ShapeBuilder()
    by_class: dict[str, list[str]] = {}
    counter = 0
    for cls, share in _SHARES:
        for _ in range(max(2, round(n_nodes * share))):
            if counter >= n_nodes:
                break
            key = f"{cls.lower()}{counter}"
            stem = "".join(rng.choice(_SYLLABLES) for _ in range(3)).capitalize()
            label = f"{stem} {cls} {counter}"
            b.entity(key, [cls], label, (f"{stem[:4].upper()}{counter}",))
            by_class.setdefault(cls, []).append(key)
            counter += 1
    n_articles = max(2, n_nodes // 10)
    mentions: dict[int, set[str]] = {i: set() for i in range(n_articles)}
    weight: dict[str, int] = {}

    def hub(cls: str) -> str:
        # Preferential attachment: well-connected targets attract more links.
        keys = by_class[cls]
        return rng.choices(keys, weights=[1 + weight.get(k, 0) for k in keys], k=1)[0]

    def link(s: str, rel: str, o: str, **extra: str) -> None:
        art = rng.randrange(n_articles)
        mentions[art] |= {s, o}
        weight[o] = weight.get(o, 0) + 1
        b.fact(
            s, rel, o, f"s{art}", f"{s} {rel} {o}: as the article reports in one sentence.", **extra
        )

    for c in by_class["Cluster"]:
        if rng.random() < 0.5:
            link(c, "partOf", hub("Cluster"))
    for org in by_class["Company"] + by_class["Institution"]:
        for _ in range(rng.choice((0, 1, 1, 2))):
            link(org, "memberOf", hub("Cluster"))
        link(org, "locatedIn", hub("Place"))
    for inst in by_class["Institution"]:
        if rng.random() < 0.3:
            link(inst, "partOf", hub("Institution"))
    for prod in by_class["Product"]:
        link(hub("Company"), "produces", prod)
    for person in by_class["Person"]:
        link(person, "affiliatedWith", hub(rng.choice(("Company", "Institution"))), role="Director")
    for proj in by_class["Project"]:
        for _ in range(rng.randint(1, 2)):
            link(proj, "fundedBy", hub("Funder"), amount=str(rng.randint(1, 90) * 100000))
        for _ in range(rng.randint(2, 5)):
            link(hub(rng.choice(("Company", "Institution"))), "participatesIn", proj)
    for i in range(n_articles):
        date = f"{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        b.article(
            f"s{i}", f"Synthetic news item {i}", date=date, mentions=tuple(sorted(mentions[i]))
        )
    return b
