"""Turn extractions and their resolution into RDF triples, per the brief's fixed shape.

Each article's facts go to a graph of their own (named by the article IRI), the
resolved entities to one shared graph, the build cache and the build summary to
the system graph; that split is what lets a rebuild replace one article
atomically. Output is a pure function of the input: statement IRIs are content
hashes, there are no blank nodes, and every list is sorted, so two builds of
the same corpus export byte-identical files. Triples are pyoxigraph objects
because the store is Oxigraph and converting later would double the cost of a
build. A first build only bulk-loads N-Quads, so there the same triples come
as N-Triples lines (`Lines`), each printed once: which triples exist is
decided in one place (`fill_article`, `fill_system`) for both forms.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kg import namespace as ns

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pyoxigraph

    from kg.graph.summary import RuleFigures
    from kg.model import Entity, Extraction, FundingEvent, RelationFact, Resolution

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A fetch time as kg/web writes it (UTC, seconds): anything else is not written.
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# Characters an IRI may not contain but real-world URLs sometimes do.
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')

C = TypeVar("C", bound="Collector")

#: The classes a relation's ends must have by definition (the violation-level
#: shapes of ontology/shapes.ttl; a test keeps the two in step): predicate ->
#: (subject class, object class), None where any entity will do.
REQUIRED_ENDS: dict[str, tuple[str | None, str | None]] = {
    "affiliatedWith": ("Person", None),
    "fundedBy": (None, "Funder"),
    "locatedIn": (None, "Place"),
    "produces": (None, "Product"),
}


def decimal_lexical(value: Decimal | float | int) -> str:
    """The canonical xsd:decimal lexical form: "5100000", never "5.1E+6" or "5100000.00".

    Exponent notation is not valid xsd:decimal at all, and trailing zeros would
    make equal amounts compare unequal as strings in exports and tests.
    """
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    if number == 0:
        return "0"
    return format(number.normalize(), "f")


def public_source(source: str) -> str:
    """What kg:sourceFile says: a URL as it is, a file path never absolute.

    An absolute path would publish the layout of the user's disk (home
    directory, user name) in every export. A file under the directory the
    build ran in is given relative to it; one elsewhere by its folder and
    name only ("saved-pages/a.html"), which still tells a reader which file
    it was without climbing out with "../../" through the same layout.
    """
    if "://" in source or not os.path.isabs(source):
        return source
    path = Path(source)
    try:
        relative = Path(os.path.relpath(path))
    except ValueError:  # another drive on Windows: no relative form exists
        relative = Path(os.pardir)
    if relative.parts[:1] != (os.pardir,):
        return relative.as_posix()
    return Path(path.parent.name, path.name).as_posix()


def _iso_date(text: str | None) -> str | None:
    """The date as xsd:date lexical form, or None when it is not a real calendar date.

    Dates come from machine-translated text; a date that cannot be read is
    simply unknown (the shape makes kg:date optional), not a reason to fail the build.
    """
    if text is None or not _ISO_DATE.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


class Collector:
    """Collects an article's unique triples; subclasses choose what a triple becomes.

    The code that decides which triples exist (`fill_article` and friends)
    only ever calls these methods, so the pyoxigraph objects an update diffs
    and the N-Triples lines a first build bulk-loads cannot disagree.
    """

    def link(self, subject: str, predicate: str, obj: str) -> None:
        raise NotImplementedError

    def value(self, subject: str, predicate: str, lexical: str, datatype: str) -> None:
        raise NotImplementedError

    def is_iri(self, iri: str) -> bool:
        """Whether `iri` is one the store accepts as a node (what `url` checks)."""
        raise NotImplementedError

    def text(self, subject: str, predicate: str, text: str) -> None:
        self.value(subject, predicate, text, ns.XSD_STRING)

    def url(self, subject: str, predicate: str, url: str) -> None:
        """Link to a web address, dropping it when it cannot be an absolute IRI.

        A relative or scheme-less URL from an input record names nothing
        reliably; stray spaces and brackets are percent-encoded instead of dropped.
        """
        cleaned = _IRI_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", url.strip())
        if self.is_iri(cleaned):
            self.link(subject, predicate, cleaned)


class Triples(Collector):
    """Unique triples as pyoxigraph objects, interning IRIs because NamedNode validation is hot."""

    def __init__(self) -> None:
        import pyoxigraph

        self._ox = pyoxigraph
        self._nodes: dict[str, pyoxigraph.NamedNode] = {}
        self._triples: set[pyoxigraph.Triple] = set()

    def node(self, iri: str) -> pyoxigraph.NamedNode:
        node = self._nodes.get(iri)
        if node is None:
            node = self._nodes[iri] = self._ox.NamedNode(iri)
        return node

    def link(self, subject: str, predicate: str, obj: str) -> None:
        self._triples.add(self._ox.Triple(self.node(subject), self.node(predicate), self.node(obj)))

    def value(self, subject: str, predicate: str, lexical: str, datatype: str) -> None:
        literal = self._ox.Literal(lexical, datatype=self.node(datatype))
        self._triples.add(self._ox.Triple(self.node(subject), self.node(predicate), literal))

    def is_iri(self, iri: str) -> bool:
        try:
            self.node(iri)
        except ValueError:
            return False
        return True

    def result(self) -> list[pyoxigraph.Triple]:
        return sorted(self._triples, key=str)


class Terms:
    """The N-Triples form of IRIs and literals, each IRI validated once for a batch of articles.

    Made by pyoxigraph itself (a NamedNode or Literal printed), so a line is
    exactly what printing the pyoxigraph triple gives and an IRI the store
    would refuse raises the same ValueError. Entity, predicate and datatype
    IRIs recur in every article of a batch; validating them once is most of
    the saving. Holds every IRI it has seen: make one per batch, not per build.
    """

    def __init__(self) -> None:
        import pyoxigraph

        self._ox = pyoxigraph
        #: IRI -> `<IRI>`, for every IRI already validated.
        self.known: dict[str, str] = {}
        self._datatypes: dict[str, pyoxigraph.NamedNode] = {}

    def iri(self, iri: str) -> str:
        """`<iri>`, or ValueError when it is not a valid IRI."""
        term = self.known.get(iri)
        if term is None:
            term = self.known[iri] = str(self._ox.NamedNode(iri))
        return term

    def literal(self, lexical: str, datatype: str) -> str:
        """The literal as N-Triples: quoted, escaped, and typed unless it is an xsd:string."""
        node = self._datatypes.get(datatype)
        if node is None:
            node = self._datatypes[datatype] = self._ox.NamedNode(datatype)
        return str(self._ox.Literal(lexical, datatype=node))


class Lines(Collector):
    """Unique triples as N-Triples lines (no " ."), for the first build's N-Quads.

    Printing a pyoxigraph triple costs more than making it, and writing
    `Triples` as N-Quads prints each twice (to sort it, then to write it);
    here each line is made once from cached terms and sorts as the triple
    would, since the line *is* its str. Every node is an IRI or a literal,
    so no line can hold a blank node (what `store.check_storable` refuses).
    """

    def __init__(self, terms: Terms) -> None:
        self._terms = terms
        self._lines: dict[str, tuple[str, str, str]] = {}
        self._sorted: list[str] | None = None

    def link(self, subject: str, predicate: str, obj: str) -> None:
        # `known.get(x) or iri(x)`: a term seen before costs a lookup, not a call.
        known, iri = self._terms.known, self._terms.iri
        s = known.get(subject) or iri(subject)
        p = known.get(predicate) or iri(predicate)
        self._lines[f"{s} {p} {known.get(obj) or iri(obj)}"] = (subject, predicate, obj)
        self._sorted = None

    def value(self, subject: str, predicate: str, lexical: str, datatype: str) -> None:
        terms = self._terms
        known, iri = terms.known, terms.iri
        s = known.get(subject) or iri(subject)
        p = known.get(predicate) or iri(predicate)
        self._lines[f"{s} {p} {terms.literal(lexical, datatype)}"] = (subject, predicate, lexical)
        self._sorted = None

    def is_iri(self, iri: str) -> bool:
        try:
            self._terms.iri(iri)
        except ValueError:
            return False
        return True

    def result(self) -> list[str]:
        """The lines in the order `Triples.result` gives the triples."""
        if self._sorted is None:
            self._sorted = sorted(self._lines)
        return self._sorted

    def values(self) -> list[tuple[str, str, str]]:
        """(subject, predicate, object IRI or lexical form) per line, in `result` order.

        What `spool.Tally` counts: the `.value`s of the pyoxigraph triple's terms.
        """
        lines = self._lines
        return [lines[line] for line in self.result()]


@dataclass(frozen=True)
class _Fact:
    """A relation fact with both ends resolved to corpus-wide entity ids."""

    fact: RelationFact
    subject_id: str
    object_id: str

    @property
    def rank(self) -> tuple[float, bool, bool, str]:
        """Which of two facts with the same statement IRI to keep: the most informative one."""
        f = self.fact
        return (
            f.evidence.confidence,
            not f.hedged,
            f.role is not None,
            f.evidence.rule,
        )


def _resolved_facts(ex: Extraction, res: Resolution) -> dict[str, _Fact]:
    """Resolve fact ends and keep one fact per statement IRI.

    A fact whose subject or object the resolver did not keep (for instance a
    generic phrase it discarded) has no node to attach to and is left out, and
    so is one whose two ends resolved to one node: no relation of the
    vocabulary links a thing to itself, so such a fact means two names were
    merged that the sentence kept apart. A fact whose end lost, in corpus
    resolution, the class the relation needs by definition (`REQUIRED_ENDS`)
    is left out too: a project named like a product elsewhere ('Vantacell')
    becomes one node typed by the majority, and "X produces <a project>" would be
    a wrong fact and a shape violation.
    Two rules reading the same relation from the same sentence would give one
    statement node two rules and two confidences, so only the best-ranked is kept.
    """
    article_id = ex.article.id
    local = {ent.key: res.entity_id(article_id, ent) for ent in ex.entities}
    chosen: dict[str, _Fact] = {}
    for fact in ex.relations:
        ns.relation_iri(fact.predicate)  # fail loudly on a predicate outside the contract
        subject_id = local.get(fact.subject)
        object_id = local.get(fact.object)
        if subject_id is None or object_id is None or subject_id == object_id:
            continue  # no node to attach to, or both ends one node: nothing is its own part
        if not _ends_fit(fact.predicate, res.entities.get(subject_id), res.entities.get(object_id)):
            continue
        iri = ns.statement_iri(
            article_id,
            subject_id,
            fact.predicate,
            object_id,
            fact.evidence.start,
            fact.evidence.end,
        )
        candidate = _Fact(fact, subject_id, object_id)
        current = chosen.get(iri)
        if current is None or candidate.rank > current.rank:
            chosen[iri] = candidate
    return chosen


def _ends_fit(predicate: str, subject: Entity | None, obj: Entity | None) -> bool:
    """Whether the resolved ends have the classes `predicate` requires (unknown ends pass)."""
    need_subject, need_object = REQUIRED_ENDS.get(predicate, (None, None))
    if need_subject and subject is not None and need_subject not in subject.types:
        return False
    return not (need_object and obj is not None and need_object not in obj.types)


def _statement(out: Collector, iri: str, article: str, item: _Fact) -> None:
    """The statement node: what was said, by which rule, how sure, and where."""
    fact = item.fact
    ev = fact.evidence
    subject = ns.entity_iri(item.subject_id)
    predicate = ns.relation_iri(fact.predicate)
    obj = ns.entity_iri(item.object_id)

    out.link(iri, ns.RDF_TYPE, ns.STATEMENT)
    out.link(iri, ns.SUBJECT, subject)
    out.link(iri, ns.PREDICATE, predicate)
    out.link(iri, ns.OBJECT, obj)
    out.value(iri, ns.HEDGED, "true" if fact.hedged else "false", ns.XSD_BOOLEAN)
    out.text(iri, ns.SENTENCE, ev.sentence)
    out.value(iri, ns.START_OFFSET, str(int(ev.start)), ns.XSD_INTEGER)
    out.value(iri, ns.END_OFFSET, str(int(ev.end)), ns.XSD_INTEGER)
    out.text(iri, ns.RULE, ev.rule)
    out.value(iri, ns.CONFIDENCE, decimal_lexical(ev.confidence), ns.XSD_DECIMAL)
    out.link(iri, ns.IN_ARTICLE, article)
    if fact.role is not None:
        out.link(iri, ns.RDF_TYPE, ns.AFFILIATION)
        out.text(iri, ns.ROLE_TITLE, fact.role)
    if not fact.hedged:
        # Hedged facts get only the statement node, so they never count as asserted.
        out.link(subject, predicate, obj)


def article_triples(ex: Extraction, res: Resolution) -> list[pyoxigraph.Triple]:
    """The content of the article's named graph: the article, its mentions, its facts."""
    return fill_article(Triples(), ex, res).result()


def fill_article(out: C, ex: Extraction, res: Resolution) -> C:
    """`out` with the triples of `article_triples` added: the one place that decides them."""
    art = ex.article
    article = ns.article_iri(art.id)

    out.link(article, ns.RDF_TYPE, ns.ARTICLE)
    out.text(article, ns.TITLE, art.title)
    date = _iso_date(art.date)
    if date is not None:
        out.value(article, ns.DATE, date, ns.XSD_DATE)
    out.text(article, ns.SOURCE_FILE, public_source(art.source))
    out.value(article, ns.POSITION, str(int(art.position)), ns.XSD_INTEGER)
    if art.url:
        out.url(article, ns.URL, art.url)
    if art.feed:
        out.url(article, ns.FEED, art.feed)
    if art.author:
        out.text(article, ns.AUTHOR, art.author)
    if art.fetched and _ISO_DATETIME.fullmatch(art.fetched):
        out.value(article, ns.FETCHED, art.fetched, ns.XSD_DATE_TIME)

    for local in ex.entities:
        entity_id = res.entity_id(art.id, local)
        if entity_id is not None:
            out.link(ns.entity_iri(entity_id), ns.MENTIONED_IN, article)

    facts = _resolved_facts(ex, res)
    for iri, item in facts.items():
        _statement(out, iri, article, item)
    _fundings(out, ex, res, facts)
    return out


def _event_ends(event: FundingEvent, local: dict[str, str | None]) -> tuple[list[str], list[str]]:
    """Funders and recipients as resolved entity ids, each once, nobody on both sides."""
    funders = sorted({i for k in event.funders if (i := local.get(k)) is not None})
    recipients = sorted(
        {i for k in event.recipients if (i := local.get(k)) is not None} - set(funders)
    )
    return funders, recipients


def _event_iris(ex: Extraction, local: dict[str, str | None]) -> list[str | None]:
    """The IRI of each of the article's funding events (None: an end was dropped).

    An event is named by its recipients, amount, range end, currency, hedging
    and the event it is a share of, so another article stating the same money
    names the same node; funders are left out so that an article naming only
    some of them still adds up to one event. An amount without a number has
    nothing to compare and stays the article's own. Two events of the same size
    to the same recipients from disjoint funders in one article are two grants:
    their funders go into the name.
    """
    iris: list[str | None] = []
    for event in ex.fundings:
        funders, recipients = _event_ends(event, local)
        if not funders or not recipients:
            iris.append(None)
            continue
        parent = iris[event.share_of] if event.share_of is not None else None
        parts = [
            "\x1e".join(recipients),
            "" if event.amount is None else decimal_lexical(event.amount),
            "" if event.upper is None else decimal_lexical(event.upper),
            event.currency or "",
            "hedged" if event.hedged else "",
            parent or "",
        ]
        if event.amount is None:
            parts += [ex.article.id, str(event.amount_start)]
        iris.append(ns.funding_iri(*parts))
    for i, iri in enumerate(iris):
        clash = [j for j, other in enumerate(iris) if other == iri and j != i]
        if iri is not None and clash:
            mine = set(_event_ends(ex.fundings[i], local)[0])
            if all(not mine & set(_event_ends(ex.fundings[j], local)[0]) for j in clash):
                iris[i] = ns.funding_iri(iri, *sorted(mine))
    return iris


def _fundings(out: Collector, ex: Extraction, res: Resolution, facts: dict[str, _Fact]) -> None:
    """Each funding event once, with its evidence here and links from its fundedBy statements."""
    article_id = ex.article.id
    article = ns.article_iri(article_id)
    local = {ent.key: res.entity_id(article_id, ent) for ent in ex.entities}
    iris = _event_iris(ex, local)
    for event, iri in zip(ex.fundings, iris, strict=True):
        if iri is None:
            continue
        funders, recipients = _event_ends(event, local)
        out.link(iri, ns.RDF_TYPE, ns.FUNDING_EVENT)
        if event.kind in ns.FUNDING_KIND_IRIS:
            out.link(iri, ns.RDF_TYPE, ns.FUNDING_KIND_IRIS[event.kind])
        for funder in funders:
            out.link(iri, ns.FUNDER_OF_EVENT, ns.entity_iri(funder))
        for recipient in recipients:
            out.link(iri, ns.RECIPIENT, ns.entity_iri(recipient))
        taken = set(funders) | set(recipients)
        for key in event.purposes:
            purpose = local.get(key)
            if purpose is not None and purpose not in taken:
                out.link(iri, ns.PURPOSE, ns.entity_iri(purpose))
        if event.amount is not None:
            out.value(iri, ns.AMOUNT, decimal_lexical(event.amount), ns.XSD_DECIMAL)
        if event.upper is not None:
            out.value(iri, ns.MAX_AMOUNT, decimal_lexical(event.upper), ns.XSD_DECIMAL)
        if event.currency is not None:
            out.text(iri, ns.CURRENCY, event.currency)
        for qualifier in event.qualifiers:
            out.text(iri, ns.AMOUNT_QUALIFIER, qualifier)
        if event.period is not None:
            out.text(iri, ns.PERIOD, event.period)
        if event.round is not None:
            out.text(iri, ns.ROUND, event.round)
        parent = iris[event.share_of] if event.share_of is not None else None
        if parent is not None and parent != iri:
            out.link(iri, ns.SHARE_OF, parent)
        out.value(iri, ns.HEDGED, "true" if event.hedged else "false", ns.XSD_BOOLEAN)
        ev = event.evidence
        node = ns.funding_evidence_iri(iri, article_id, event.amount_start, event.amount_end)
        out.link(iri, ns.EVIDENCE, node)
        out.link(node, ns.RDF_TYPE, ns.FUNDING_EVIDENCE)
        out.text(node, ns.SENTENCE, ev.sentence)
        out.value(node, ns.START_OFFSET, str(int(ev.start)), ns.XSD_INTEGER)
        out.value(node, ns.END_OFFSET, str(int(ev.end)), ns.XSD_INTEGER)
        out.text(node, ns.AMOUNT_TEXT, event.amount_text)
        out.value(node, ns.AMOUNT_START, str(int(event.amount_start)), ns.XSD_INTEGER)
        out.value(node, ns.AMOUNT_END, str(int(event.amount_end)), ns.XSD_INTEGER)
        out.text(node, ns.RULE, ev.rule)
        out.value(node, ns.CONFIDENCE, decimal_lexical(ev.confidence), ns.XSD_DECIMAL)
        out.link(node, ns.IN_ARTICLE, article)
        pairs = {(r, f) for r in recipients for f in funders}
        for st, item in facts.items():
            if item.fact.predicate == "fundedBy" and (item.subject_id, item.object_id) in pairs:
                out.link(st, ns.EVENT, iri)


def entity_triples(res: Resolution) -> list[pyoxigraph.Triple]:
    """The shared entities graph: each node's classes, one label, and its other names."""
    out = Triples()
    for entity in res.entities.values():
        node = ns.entity_iri(entity.id)
        for type_name in entity.types:
            out.link(node, ns.RDF_TYPE, ns.class_iri(type_name))
        out.text(node, ns.RDFS_LABEL, entity.label)
        for alt in entity.alt_labels:
            if alt != entity.label:
                out.text(node, ns.SKOS_ALT_LABEL, alt)
    return out.result()


def system_triples(
    ex: Extraction, source_key: str, *, record: str | None = None
) -> list[pyoxigraph.Triple]:
    """The build-cache record of one article: its extraction and where it came from.

    Keeping the extraction lets a later build re-resolve without the language
    model; the source key lets it notice files that changed or disappeared.
    `record` is `ex.to_json()` when the caller already has it.
    """
    return fill_system(Triples(), ex, source_key, record=record).result()


def fill_system(out: C, ex: Extraction, source_key: str, *, record: str | None = None) -> C:
    """`out` with the triples of `system_triples` added."""
    article = ns.article_iri(ex.article.id)
    out.text(article, ns.EXTRACTION_RECORD, ex.to_json() if record is None else record)
    out.text(article, ns.SOURCE_KEY, source_key)
    return out


def summary_triples(
    rules: Mapping[str, RuleFigures], mentions: Mapping[str, int]
) -> list[pyoxigraph.Triple]:
    """The build summary: one kg:RuleSummary per rule, and each entity's article count.

    These are the figures of the two corpus-wide saved queries, counted by the
    build (`spool.Tally`) so the queries read a few thousand nodes instead of
    every statement and mention. They go to the system graph with the build's
    other figures: derived, true only of this store's corpus, and never
    exported (a merged or filtered copy of the data would make them wrong).
    """
    out = Triples()
    for rule, figures in rules.items():
        node = ns.rule_summary_iri(rule)
        out.link(node, ns.RDF_TYPE, ns.RULE_SUMMARY)
        out.text(node, ns.FOR_RULE, rule)
        out.value(node, ns.STATEMENT_COUNT, str(figures.statements), ns.XSD_INTEGER)
        out.value(node, ns.HEDGED_COUNT, str(figures.hedged), ns.XSD_INTEGER)
        out.value(node, ns.ARTICLE_COUNT, str(figures.articles), ns.XSD_INTEGER)
        mean = decimal_lexical(figures.mean_confidence)
        out.value(node, ns.MEAN_CONFIDENCE, mean, ns.XSD_DECIMAL)
    for entity, articles in mentions.items():
        out.value(entity, ns.ARTICLE_COUNT, str(articles), ns.XSD_INTEGER)
    return out.result()
