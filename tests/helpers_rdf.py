"""A hand-made extraction + resolution of the two seed pages, mirroring the gold.

The rdf, query and validation tests need realistic input without running the
language model, and the expected query answers must be checkable by reading
this file next to the seed articles and data/gold: every fact below is one the
gold lists, read from the sentence given here (offsets are computed, never typed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox

from kg.build.spool import Tally
from kg.graph.rdf import article_triples, entity_triples, summary_triples, system_triples
from kg.model import (
    Article,
    Entity,
    Evidence,
    Extraction,
    FundingEvent,
    LocalEntity,
    Mention,
    RelationFact,
    Resolution,
)
from kg.namespace import ENTITIES_GRAPH, SYSTEM_GRAPH

WG_TITLE = 'Successful start of the biosaxony working group "Cell Therapies"'
WG_BODY = (
    'On February 17.02.2020th, 2018, the new working group "Cell Therapies" of the innovation '
    "cluster Smart Medical Devices and Therapies from biosaxony started in Leipzig. Cell "
    "therapies, for example based on CAR-T cells or natural killer cells, are primarily "
    "researched and developed at the Dresden and Leipzig sites. The manufacture of the Novartis "
    "product Kymriah®, which was approved in XNUMX, is based, for example, on work by the "
    "Leipzig Fraunhofer Institute for Cell Therapy and Immunology (IZI). With the combined "
    'expertise of both locations, an application was submitted with "SaxoCell" as part of the '
    "future cluster initiative of the Federal Ministry of Education and Research, which recently "
    "successfully started the second round of the competition. The two main applicants, the "
    "Center for Regenerative Therapies in Dresden and the Fraunhofer IZI, were also part of the "
    "first meeting of the working group, as was the Biotechnological-Biomedical Center of the "
    "University of Leipzig.\n\n"
    "An increasing number of companies are also active in this area. In particular, the "
    "settlement of CO.DON AG, which now also intends to relocate its headquarters to Saxony, has "
    "also strengthened cell therapy development on the economic side. CO.DON offers an "
    "autologous cell therapy for articular cartilage defects, which is manufactured at the "
    "Leipzig site. The companies Vita34, denovoMATRIX and Bioplanta are also currently part of "
    "the working group; other interested parties are welcome."
)
WG_SIGNATURE = "biosaxony Management GmbH\nAndre Hofmann\nManaging Director"

VR_TITLE = "Bring virtual reality and voice assistants to the hospital"
VR_BODY = (
    'In the research project "Models for Personalized Medicine", scientists from the Innovation '
    "Center for Computer-Assisted Surgery (ICCAS) of the Medical Faculty of the University of "
    "Leipzig want to convert these ideas into application-oriented solutions to support "
    "oncological patient treatment. The project with a total funding of around 5,1 million euros "
    "is funded by the Federal Ministry of Education and Research."
)

BROCHURE_TITLE = "New cluster brochure for healthcare and biotechnology"
BROCHURE_BODY = (
    "The Office for Economic Development has published a new brochure for the health care and "
    "biotechnology cluster. The occasion is the 20th anniversary of the biotechnology offensive "
    "in Saxony.\n\n"
    "“Leipzig's healthcare industry, with its 45.000 employees, is the backbone of the city's "
    'economic success," explains Mayor for Economy, Labor and Digital Affairs, Uwe Albrecht.\n\n'
    "Industry association for biotechnology and medical technology biosaxony e. v.:\n\n"
    "Source: Report from the city of Leipzig from September 09.09.2020th, XNUMX"
)

#: id -> (types, label, alt labels) of the resolved entities used in the fixture.
ENTITIES: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "biosaxony": (
        ("Cluster", "Institution"),
        "biosaxony",
        ("Industry association for biotechnology and medical technology biosaxony e. v.",),
    ),
    "wg-cell-therapies": (
        ("Cluster", "Project"),
        'working group "Cell Therapies"',
        ("Cell Therapies",),
    ),
    "smdt": (
        ("Cluster",),
        "innovation cluster Smart Medical Devices and Therapies",
        ("Smart Medical Devices and Therapies",),
    ),
    "novartis": (("Company",), "Novartis", ()),
    "kymriah": (("Product",), "Kymriah", ("Kymriah®",)),
    "izi": (
        ("Institution",),
        "Leipzig Fraunhofer Institute for Cell Therapy and Immunology",
        ("Fraunhofer IZI", "IZI"),
    ),
    "saxocell": (("Project",), "SaxoCell", ()),
    "bmbf": (("Funder", "Institution"), "Federal Ministry of Education and Research", ("BMBF",)),
    "crtd": (("Institution",), "Center for Regenerative Therapies in Dresden", ()),
    "codon": (("Company",), "CO.DON AG", ("CO.DON",)),
    "vita34": (("Company",), "Vita34", ()),
    "biosaxony-management": (("Company",), "biosaxony Management GmbH", ()),
    "hofmann": (("Person",), "Andre Hofmann", ()),
    "leipzig": (("Place",), "Leipzig", ()),
    "dresden": (("Place",), "Dresden", ()),
    "saxony": (("Place",), "Saxony", ()),
    "iccas": (
        ("Institution",),
        "Innovation Center for Computer-Assisted Surgery",
        ("ICCAS",),
    ),
    "medfac-leipzig": (("Institution",), "Medical Faculty of the University of Leipzig", ()),
    "uni-leipzig": (("Institution",), "University of Leipzig", ()),
    "mpm": (("Project",), "Models for Personalized Medicine", ()),
    "office-econ": (("Institution",), "Office for Economic Development", ()),
    "health-biotech-cluster": (
        ("Cluster",),
        "health care and biotechnology cluster",
        (),
    ),
    "albrecht": (("Person",), "Uwe Albrecht", ()),
    "city-leipzig": (("Institution",), "City of Leipzig", ("city of Leipzig",)),
}


@dataclass
class _ArticleBuilder:
    """Writes one extraction; names and sentences are located in the text, never counted by hand."""

    article: Article
    entities: dict[str, LocalEntity] = field(default_factory=dict)
    relations: list[RelationFact] = field(default_factory=list)
    fundings: list[FundingEvent] = field(default_factory=list)

    def mention(self, entity_id: str, *names: str) -> None:
        mentions = []
        for name in names:
            start = self.article.text.index(name)
            mentions.append(Mention(start, start + len(name), name))
        types, label, alts = ENTITIES[entity_id]
        local_names = tuple(dict.fromkeys((label, *alts, *names)))
        self.entities[entity_id] = LocalEntity(
            key="L-" + entity_id, types=types, names=local_names, mentions=tuple(mentions)
        )

    def fact(
        self,
        subject: str,
        predicate: str,
        obj: str,
        sentence: str,
        rule: str,
        confidence: float,
        *,
        hedged: bool = False,
        role: str | None = None,
    ) -> None:
        start = self.article.text.index(sentence)
        evidence = Evidence(sentence, start, start + len(sentence), rule, confidence)
        fact = RelationFact("L-" + subject, predicate, "L-" + obj, evidence, hedged, role)
        self.relations.append(fact)

    def funding(
        self,
        funders: tuple[str, ...],
        recipients: tuple[str, ...],
        sentence: str,
        amount_text: str,
        amount: Decimal,
        rule: str,
        confidence: float,
        qualifiers: tuple[str, ...] = (),
    ) -> None:
        start = self.article.text.index(sentence)
        at = self.article.text.index(amount_text, start)
        self.fundings.append(
            FundingEvent(
                funders=tuple("L-" + f for f in funders),
                recipients=tuple("L-" + r for r in recipients),
                evidence=Evidence(sentence, start, start + len(sentence), rule, confidence),
                amount_text=amount_text,
                amount_start=at,
                amount_end=at + len(amount_text),
                amount=amount,
                currency="EUR",
                qualifiers=qualifiers,
                kind="grant",
            )
        )

    def extraction(self) -> Extraction:
        return Extraction(
            self.article,
            list(self.entities.values()),
            list(self.relations),
            list(self.fundings),
        )


def _article(
    title: str,
    body: str,
    source: str,
    position: int,
    date: str | None = None,
    url: str | None = None,
) -> Article:
    return Article.create(title, f"{title}\n\n{body}", source, position, date=date, url=url)


def _sentence(text: str, starts_with: str) -> str:
    """The sentence of `text` that starts with `starts_with` (up to and including its full stop)."""
    start = text.index(starts_with)
    end = text.index(". ", start) + 1 if ". " in text[start:] else len(text)
    return text[start:end]


TINY_TEXT = (
    "Tiny news\n\n"
    "Acme GmbH hired Jane Roe as Chief Executive Officer. "
    "Acme GmbH applied for 2.5 million euros from the Example Fund."
)


def _evidence(text: str, sentence: str, rule: str, confidence: float) -> Evidence:
    start = text.index(sentence)
    return Evidence(sentence, start, start + len(sentence), rule, confidence)


def tiny_corpus() -> tuple[Extraction, Resolution]:
    """One made-up article: a stated affiliation with a role and a hedged funding with an amount."""
    article = Article.create(
        "Tiny news",
        TINY_TEXT,
        "news/tiny.txt",
        1,
        date="2021-03-04",
        url="https://example.org/tiny news",
    )
    entities = [
        LocalEntity("a", ("Company",), ("Acme GmbH",)),
        LocalEntity("j", ("Person",), ("Jane Roe",)),
        LocalEntity("f", ("Funder", "Institution"), ("Example Fund",)),
    ]
    relations = [
        RelationFact(
            "j",
            "affiliatedWith",
            "a",
            _evidence(
                TINY_TEXT, "Acme GmbH hired Jane Roe as Chief Executive Officer.", "hired-as", 0.9
            ),
            role="Chief Executive Officer",
        ),
        RelationFact(
            "a",
            "fundedBy",
            "f",
            _evidence(
                TINY_TEXT,
                "Acme GmbH applied for 2.5 million euros from the Example Fund.",
                "applied-for",
                0.5,
            ),
            hedged=True,
        ),
    ]
    applied = "Acme GmbH applied for 2.5 million euros from the Example Fund."
    fundings = [
        FundingEvent(
            funders=("f",),
            recipients=("a",),
            evidence=_evidence(TINY_TEXT, applied, "applied-for", 0.5),
            amount_text="2.5 million euros",
            amount_start=TINY_TEXT.index("2.5 million euros"),
            amount_end=TINY_TEXT.index("2.5 million euros") + len("2.5 million euros"),
            amount=Decimal("2.50E+6"),
            currency="EUR",
            hedged=True,
        )
    ]
    res = Resolution(
        entities={
            "acme": Entity("acme", ("Company",), "Acme GmbH", ("Acme GmbH", "Acme")),
            "jane-roe": Entity("jane-roe", ("Person",), "Jane Roe", ()),
            "example-fund": Entity(
                "example-fund",
                ("Funder", "Institution"),
                "Example Fund",
                ("the Fund", "EF"),
            ),
        },
        mapping={
            (article.id, "a"): "acme",
            (article.id, "j"): "jane-roe",
            (article.id, "f"): "example-fund",
        },
    )
    return Extraction(article, entities, relations, fundings), res


def seed_corpus() -> tuple[list[Extraction], Resolution]:
    """Three news items from the two seed pages, and their resolution onto gold ids."""
    wg_text = f"{WG_BODY}\n\n\n{WG_SIGNATURE}"
    wg = _ArticleBuilder(
        _article(
            WG_TITLE,
            wg_text,
            "data/articles/000_95a6e869cca391d4.txt",
            0,
            date="2020-02-17",
        )
    )
    text = wg.article.text
    s_start = _sentence(text, "On February")
    s_kymriah = _sentence(text, "The manufacture of the Novartis")
    s_saxocell = _sentence(text, "With the combined expertise")
    s_applicants = text[text.index("The two main applicants") : text.index("Leipzig.\n\n") + 8]
    s_codon = _sentence(text, "In particular, the settlement")
    s_codon_site = _sentence(text, "CO.DON offers")
    s_vita = text[text.index("The companies Vita34") : text.index("are welcome.") + 12]
    wg.mention("wg-cell-therapies", "Cell Therapies")
    wg.mention("smdt", "Smart Medical Devices and Therapies")
    wg.mention("biosaxony", "biosaxony")
    wg.mention("leipzig", "Leipzig")
    wg.mention("dresden", "Dresden")
    wg.mention("novartis", "Novartis")
    wg.mention("kymriah", "Kymriah®")
    wg.mention("izi", "Leipzig Fraunhofer Institute for Cell Therapy and Immunology", "IZI")
    wg.mention("saxocell", "SaxoCell")
    wg.mention("bmbf", "Federal Ministry of Education and Research")
    wg.mention("crtd", "Center for Regenerative Therapies in Dresden")
    wg.mention("codon", "CO.DON AG", "CO.DON")
    wg.mention("saxony", "Saxony")
    wg.mention("vita34", "Vita34")
    wg.mention("biosaxony-management", "biosaxony Management GmbH")
    wg.mention("hofmann", "Andre Hofmann")
    wg.fact("wg-cell-therapies", "partOf", "smdt", s_start, "of-cluster", 0.8)
    wg.fact("smdt", "partOf", "biosaxony", s_start, "cluster-from", 0.7)
    wg.fact("novartis", "produces", "kymriah", s_kymriah, "product-of", 0.9)
    wg.fact("izi", "locatedIn", "leipzig", s_kymriah, "place-prefix", 0.75)
    wg.fact("saxocell", "fundedBy", "bmbf", s_saxocell, "application", 0.6, hedged=True)
    wg.fact("crtd", "participatesIn", "saxocell", s_applicants, "applicant", 0.7)
    wg.fact("izi", "participatesIn", "saxocell", s_applicants, "applicant", 0.7)
    wg.fact("crtd", "locatedIn", "dresden", s_applicants, "in-place", 0.8)
    wg.fact("codon", "locatedIn", "saxony", s_codon, "relocate", 0.65, hedged=True)
    wg.fact("codon", "locatedIn", "leipzig", s_codon_site, "site", 0.6)
    wg.fact("vita34", "memberOf", "wg-cell-therapies", s_vita, "part-of-group", 0.8)
    wg.fact(
        "hofmann",
        "affiliatedWith",
        "biosaxony-management",
        WG_SIGNATURE,
        "signature",
        0.9,
        role="Managing Director",
    )

    vr = _ArticleBuilder(
        _article(
            VR_TITLE,
            VR_BODY,
            "data/articles/000_95a6e869cca391d4.txt",
            2,
            url="https://www.example.org/news/vr-hospital",
        )
    )
    text = vr.article.text
    s_project = _sentence(text, "In the research project")
    s_funding = _sentence(text, "The project with a total funding")
    vr.mention("mpm", "Models for Personalized Medicine")
    vr.mention("iccas", "Innovation Center for Computer-Assisted Surgery", "ICCAS")
    vr.mention("medfac-leipzig", "Medical Faculty of the University of Leipzig")
    vr.mention("uni-leipzig", "University of Leipzig")
    vr.mention("bmbf", "Federal Ministry of Education and Research")
    vr.fact("iccas", "partOf", "medfac-leipzig", s_project, "of-org", 0.8)
    vr.fact("medfac-leipzig", "partOf", "uni-leipzig", s_project, "of-org", 0.8)
    vr.fact("iccas", "participatesIn", "mpm", s_project, "scientists-in-project", 0.7)
    vr.fact(
        "mpm",
        "fundedBy",
        "bmbf",
        s_funding,
        "funded-by",
        0.85,
    )
    vr.funding(
        ("bmbf",),
        ("mpm",),
        s_funding,
        "5,1 million euros",
        Decimal("5.1E+6"),
        "funded-by",
        0.85,
        qualifiers=("approximate", "total"),
    )

    brochure = _ArticleBuilder(
        _article(
            BROCHURE_TITLE,
            BROCHURE_BODY,
            "data/articles/003_bcd31c1c45d1e794.txt",
            0,
            date="2020-09-09",
        )
    )
    text = brochure.article.text
    brochure.mention("office-econ", "Office for Economic Development")
    brochure.mention("health-biotech-cluster", "health care and biotechnology cluster")
    brochure.mention("saxony", "Saxony")
    brochure.mention("leipzig", "Leipzig")
    brochure.mention("albrecht", "Uwe Albrecht")
    brochure.mention(
        "biosaxony",
        "Industry association for biotechnology and medical technology biosaxony e. v.",
    )
    brochure.mention("city-leipzig", "city of Leipzig")
    brochure.fact(
        "albrecht",
        "affiliatedWith",
        "city-leipzig",
        text[text.index("“Leipzig's") : text.index("Uwe Albrecht.") + 13],
        "title-comma-name",
        0.55,
        role="Mayor for Economy, Labor and Digital Affairs",
    )

    extractions = [wg.extraction(), vr.extraction(), brochure.extraction()]
    return extractions, _resolve(extractions)


def _resolve(extractions: list[Extraction]) -> Resolution:
    """The resolution a perfect resolver would give: local key "L-<id>" is entity <id>."""
    res = Resolution()
    for ex in extractions:
        for local in ex.entities:
            entity_id = local.key.removeprefix("L-")
            res.mapping[(ex.article.id, local.key)] = entity_id
            types, label, alts = ENTITIES[entity_id]
            res.entities[entity_id] = Entity(entity_id, types, label, alts)
    return res


def graph_contents(extractions: list[Extraction], res: Resolution) -> dict[str, list[ox.Triple]]:
    """Graph name -> triples, exactly as a build would lay them out, build summary included."""
    from kg.namespace import article_iri

    tally = Tally()
    graphs: dict[str, list[ox.Triple]] = {}
    system: list[ox.Triple] = []
    for ex in extractions:
        graphs[article_iri(ex.article.id)] = triples = article_triples(ex, res)
        tally.add(triples)
        system += system_triples(ex, f"/abs/{ex.article.source}#{ex.article.position}")
    graphs[ENTITIES_GRAPH] = entity_triples(res)
    graphs[SYSTEM_GRAPH] = system + summary_triples(tally.rules, tally.mentions)
    return graphs


def load_store(graphs: dict[str, list[ox.Triple]]) -> ox.Store:
    """An in-memory Oxigraph store holding the given graphs."""
    store = ox.Store()
    store.extend(
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
        for name, triples in graphs.items()
        for t in triples
    )
    return store


class MemoryStore:
    """The part of the `kg.store.base.Store` protocol validation needs, over an in-memory store."""

    location = ":memory:"

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def query(self, sparql: str) -> object:
        """Queries as the embedded store runs them (validation first checks the store is whole)."""
        return self._store.query(sparql, use_default_graph_as_union=True)

    def quads(self, include_system: bool = False) -> list[ox.Quad]:
        system = ox.NamedNode(SYSTEM_GRAPH)
        return [q for q in self._store if include_system or q.graph_name != system]
