"""The data that flows between stages: text -> items -> spans -> entities/relations.

These plain dataclasses are the contract between ingest, extract, resolve and
rdf. They carry no spaCy or rdflib objects, so an `Extraction` can be cached as
JSON in the store and re-resolved later without running the model again (which
is what makes incremental builds cheap).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: The entity classes of the vocabulary contract (ANNOTATION.md section 1).
ENTITY_CLASSES: tuple[str, ...] = (
    "Cluster",
    "Institution",
    "Company",
    "Project",
    "Funder",
    "Person",
    "Place",
    "Product",
)

#: The seven scored relation properties, subject -> object.
RELATIONS: tuple[str, ...] = (
    "memberOf",
    "partOf",
    "fundedBy",
    "participatesIn",
    "affiliatedWith",
    "locatedIn",
    "produces",
)

#: The class each relation's subject or object has by definition (ontology/shapes.ttl,
#: at violation severity; a test keeps the two equal): (subject class, object class).
DEFINING_CLASSES: dict[str, tuple[str | None, str | None]] = {
    "affiliatedWith": ("Person", None),
    "fundedBy": (None, "Funder"),
    "locatedIn": (None, "Place"),
    "produces": (None, "Product"),
}


def content_id(text: str) -> str:
    """Stable, content-derived identifier: the same text always gets the same id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Article:
    """One news item: the main story of a page, a "previous news" teaser, or a JSONL record.

    `text` is exactly what the NLP pipeline sees (title, blank line, body, and
    the signature block when there is one); every character offset elsewhere
    refers to it. `signature` is the (start, end) span of the signature block
    inside `text`.
    """

    id: str
    title: str
    text: str
    source: str
    position: int
    date: str | None = None
    url: str | None = None
    signature: tuple[int, int] | None = None
    author: str | None = None
    feed: str | None = None  # the feed or sitemap the page was listed in
    fetched: str | None = None  # when the page was fetched (ISO 8601, UTC)

    @classmethod
    def create(
        cls,
        title: str,
        text: str,
        source: str,
        position: int,
        date: str | None = None,
        url: str | None = None,
        signature: tuple[int, int] | None = None,
    ) -> Article:
        return cls(
            id=content_id(text),
            title=title,
            text=text,
            source=source,
            position=position,
            date=date,
            url=url,
            signature=signature,
        )

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class Skipped:
    """An input that was not built, and the one-line reason why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in an article's text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class LocalEntity:
    """An entity as seen inside one article, before cross-article resolution.

    `names[0]` is the canonical (longest proper) name written in this article;
    the rest are the other forms met (acronyms, short forms, variants).
    """

    key: str
    types: tuple[str, ...]
    names: tuple[str, ...]
    mentions: tuple[Mention, ...] = ()
    #: Typed only by the statistical model's guess, no cue: other articles may overrule it.
    weak: bool = False


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the sentence, its offsets in `Article.text`, and who said so."""

    sentence: str
    start: int
    end: int
    rule: str
    confidence: float


@dataclass(frozen=True)
class RelationFact:
    """A relation between two local entities of the same article.

    `hedged` marks planned or intended statements ("intends to relocate",
    "applied for"); they are stored as a distinct property, never as the
    asserted one. `role` qualifies affiliatedWith. Money is not on the fact:
    an amount can be one grant from two funders to two recipients, so it lives
    once on a `FundingEvent`.
    """

    subject: str
    predicate: str
    object: str
    evidence: Evidence
    hedged: bool = False
    role: str | None = None


@dataclass(frozen=True)
class FundingEvent:
    """One amount of money stated in an article, with everyone who gives and gets it.

    Counting money per fact credited a joint grant in full to each funder and
    each recipient; here the amount is stated once and its funders and
    recipients (local entity keys, one or more each) share it. `amount` is
    None when the text gives no number ("a seven-figure sum", "XNUMX million"):
    `amount_text` and the "unknownValue" qualifier keep what it said. A range
    has its lower end in `amount`, its upper end in `upper`. `qualifiers` are
    those of `kg.normalize.find_money`; `kind` is "grant", "equity" or
    "loan" where the text says so; `round` names a financing round ("seed",
    "Series A"); `period` is how long, as written; `purposes` are the
    programmes or projects the money is for or from; `share_of` is the index
    (in `Extraction.fundings`) of the larger event this amount is part of.
    `amount_start`/`amount_end` locate the amount in `Article.text`: one
    stated amount belongs to at most one event.
    """

    funders: tuple[str, ...]
    recipients: tuple[str, ...]
    evidence: Evidence
    amount_text: str
    amount_start: int
    amount_end: int
    amount: Decimal | None = None
    upper: Decimal | None = None
    currency: str | None = None
    qualifiers: tuple[str, ...] = ()
    kind: str | None = None
    round: str | None = None
    period: str | None = None
    purposes: tuple[str, ...] = ()
    share_of: int | None = None
    hedged: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in vars(self).items() if k != "evidence"}
        data["evidence"] = vars(self.evidence)
        for key in ("amount", "upper"):
            data[key] = None if data[key] is None else str(data[key])
        for key in ("funders", "recipients", "qualifiers", "purposes"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FundingEvent:
        d = dict(data)
        d["evidence"] = Evidence(**d["evidence"])
        for key in ("amount", "upper"):
            d[key] = None if d[key] is None else Decimal(d[key])
        for key in ("funders", "recipients", "qualifiers", "purposes"):
            d[key] = tuple(d[key])
        return cls(**d)


@dataclass
class Extraction:
    """Everything read from one article; JSON-serialisable for the build cache."""

    article: Article
    entities: list[LocalEntity] = field(default_factory=list)
    relations: list[RelationFact] = field(default_factory=list)
    fundings: list[FundingEvent] = field(default_factory=list)

    def to_json(self) -> str:
        # Built field by field: dataclasses.asdict deep-copies every value, which was
        # the largest cost of writing the build cache.
        data = {
            "article": dict(vars(self.article)),
            "entities": [
                {
                    "key": e.key,
                    "types": list(e.types),
                    "names": list(e.names),
                    "mentions": [vars(m) for m in e.mentions],
                    "weak": e.weak,
                }
                for e in self.entities
            ],
            "relations": [
                {
                    **{k: v for k, v in vars(r).items() if k != "evidence"},
                    "evidence": vars(r.evidence),
                }
                for r in self.relations
            ],
            "fundings": [f.to_dict() for f in self.fundings],
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> Extraction:
        data: dict[str, Any] = json.loads(raw)
        art = data["article"]
        if art.get("signature") is not None:
            art["signature"] = tuple(art["signature"])
        article = Article(**art)
        entities = [
            LocalEntity(
                key=e["key"],
                types=tuple(e["types"]),
                names=tuple(e["names"]),
                mentions=tuple(Mention(**m) for m in e["mentions"]),
                weak=e.get("weak", False),
            )
            for e in data["entities"]
        ]
        relations = []
        for r in data["relations"]:
            r = dict(r)
            r["evidence"] = Evidence(**r["evidence"])
            relations.append(RelationFact(**r))
        fundings = [FundingEvent.from_dict(f) for f in data.get("fundings", [])]
        return cls(article=article, entities=entities, relations=relations, fundings=fundings)


@dataclass(frozen=True)
class Entity:
    """A resolved, corpus-wide entity: one node per real-world thing."""

    id: str
    types: tuple[str, ...]
    label: str
    alt_labels: tuple[str, ...]


@dataclass
class Resolution:
    """The result of cross-article resolution.

    A local entity's corpus-wide `Entity.id` is found by its (names, types)
    signature, which is how the resolver groups them, or, for resolutions made
    by hand (tests), by `mapping[(article_id, local_key)]`.
    """

    entities: dict[str, Entity] = field(default_factory=dict)
    mapping: dict[tuple[str, str], str] = field(default_factory=dict)
    by_signature: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = field(default_factory=dict)

    def entity_id(self, article_id: str, local: LocalEntity) -> str | None:
        """The node this article's local entity was resolved to; None when it was dropped."""
        found = self.mapping.get((article_id, local.key))
        return found if found is not None else self.by_signature.get((local.names, local.types))
