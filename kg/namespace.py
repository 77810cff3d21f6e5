"""Every IRI the code writes or reads, in one place.

The vocabulary is fixed by ontology/kg.ttl (tests check both directions), so
code never spells an ontology IRI by hand and a typo cannot silently create a
new term. Everything here is a plain string: importing this module costs
nothing, and each stage wraps the strings in its own RDF library's types.
The data-IRI helpers live here too so that rdf, query, viz and eval agree on
how an article, entity or statement is named.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote, unquote

from kg.model import ENTITY_CLASSES, RELATIONS

#: The data namespace, and the IRIs of the graphs that are not articles.
DATA_BASE = "https://w3id.org/cluster-kg/id/"
ENTITIES_GRAPH = DATA_BASE + "graph/entities"
SYSTEM_GRAPH = DATA_BASE + "graph/system"

KG = "https://w3id.org/cluster-kg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/cluster-kg/ontology"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"

# --- classes ---------------------------------------------------------------
ENTITY = KG + "Entity"
CLUSTER = KG + "Cluster"
INSTITUTION = KG + "Institution"
COMPANY = KG + "Company"
PROJECT = KG + "Project"
FUNDER = KG + "Funder"
PERSON = KG + "Person"
PLACE = KG + "Place"
PRODUCT = KG + "Product"
ARTICLE = KG + "Article"
STATEMENT = KG + "Statement"
AFFILIATION = KG + "Affiliation"
#: Deprecated: a statement that carried an amount. Money now lives on kg:FundingEvent.
FUNDING = KG + "Funding"
FUNDING_EVENT = KG + "FundingEvent"
GRANT = KG + "Grant"
EQUITY_INVESTMENT = KG + "EquityInvestment"
LOAN = KG + "Loan"
FUNDING_EVIDENCE = KG + "FundingEvidence"
RULE_SUMMARY = KG + "RuleSummary"

# --- relations (subject -> object) -----------------------------------------
MEMBER_OF = KG + "memberOf"
PART_OF = KG + "partOf"
FUNDED_BY = KG + "fundedBy"
PARTICIPATES_IN = KG + "participatesIn"
AFFILIATED_WITH = KG + "affiliatedWith"
LOCATED_IN = KG + "locatedIn"
PRODUCES = KG + "produces"
MENTIONED_IN = KG + "mentionedIn"

# --- statement (evidence) properties ---------------------------------------
SUBJECT = KG + "subject"
PREDICATE = KG + "predicate"
OBJECT = KG + "object"
HEDGED = KG + "hedged"
SENTENCE = KG + "sentence"
START_OFFSET = KG + "startOffset"
END_OFFSET = KG + "endOffset"
RULE = KG + "rule"
CONFIDENCE = KG + "confidence"
IN_ARTICLE = KG + "inArticle"
ROLE_TITLE = KG + "roleTitle"
AMOUNT = KG + "amount"
CURRENCY = KG + "currency"

# --- funding events ----------------------------------------------------------
FUNDER_OF_EVENT = KG + "funder"
RECIPIENT = KG + "recipient"
PURPOSE = KG + "purpose"
SHARE_OF = KG + "shareOf"
EVIDENCE = KG + "evidence"
EVENT = KG + "event"
MAX_AMOUNT = KG + "maxAmount"
AMOUNT_QUALIFIER = KG + "amountQualifier"
PERIOD = KG + "period"
ROUND = KG + "round"
AMOUNT_TEXT = KG + "amountText"
AMOUNT_START = KG + "amountStart"
AMOUNT_END = KG + "amountEnd"

#: What a funding event's kind ("grant", "equity", "loan") is as a class.
FUNDING_KIND_IRIS: dict[str, str] = {"grant": GRANT, "equity": EQUITY_INVESTMENT, "loan": LOAN}
#: The qualifiers a text can put on an amount (kg.normalize.find_money).
AMOUNT_QUALIFIERS: tuple[str, ...] = (
    "total",
    "approximate",
    "atLeast",
    "atMost",
    "perYear",
    "each",
    "range",
    "unknownValue",
)

# --- article properties ----------------------------------------------------
TITLE = KG + "title"
DATE = KG + "date"
SOURCE_FILE = KG + "sourceFile"
POSITION = KG + "position"
URL = KG + "url"
FEED = KG + "feed"
AUTHOR = KG + "author"
FETCHED = KG + "fetched"

# --- build cache (system graph only) ---------------------------------------
EXTRACTION_RECORD = KG + "extractionRecord"
SOURCE_KEY = KG + "sourceKey"

# --- build summary (system graph only): figures counted as the build writes -
FOR_RULE = KG + "forRule"
STATEMENT_COUNT = KG + "statementCount"
HEDGED_COUNT = KG + "hedgedCount"
ARTICLE_COUNT = KG + "articleCount"
MEAN_CONFIDENCE = KG + "meanConfidence"

# --- terms from other vocabularies the code writes -------------------------
RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"
SKOS_ALT_LABEL = SKOS + "altLabel"
XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"
XSD_INTEGER = XSD + "integer"
XSD_DECIMAL = XSD + "decimal"
XSD_DATE = XSD + "date"
XSD_DATE_TIME = XSD + "dateTime"

#: Entity class name (as in `Entity.types`) -> class IRI.
ENTITY_CLASS_IRIS: dict[str, str] = {name: KG + name for name in ENTITY_CLASSES}

#: Relation name (as in `RelationFact.predicate`) -> property IRI.
RELATION_IRIS: dict[str, str] = {name: KG + name for name in RELATIONS}

#: Every kg: class the ontology declares.
CLASSES: frozenset[str] = frozenset(
    {
        ENTITY,
        *ENTITY_CLASS_IRIS.values(),
        ARTICLE,
        STATEMENT,
        AFFILIATION,
        FUNDING,
        RULE_SUMMARY,
        FUNDING_EVENT,
        *FUNDING_KIND_IRIS.values(),
        FUNDING_EVIDENCE,
    }
)

#: Every kg: property whose values are IRIs.
OBJECT_PROPERTIES: frozenset[str] = frozenset(
    {
        *RELATION_IRIS.values(),
        MENTIONED_IN,
        SUBJECT,
        PREDICATE,
        OBJECT,
        IN_ARTICLE,
        URL,
        FEED,
        FUNDER_OF_EVENT,
        RECIPIENT,
        PURPOSE,
        SHARE_OF,
        EVIDENCE,
        EVENT,
    }
)

#: Every kg: property whose values are literals.
DATATYPE_PROPERTIES: frozenset[str] = frozenset(
    {
        HEDGED,
        SENTENCE,
        START_OFFSET,
        END_OFFSET,
        RULE,
        CONFIDENCE,
        ROLE_TITLE,
        AMOUNT,
        CURRENCY,
        MAX_AMOUNT,
        AMOUNT_QUALIFIER,
        PERIOD,
        ROUND,
        AMOUNT_TEXT,
        AMOUNT_START,
        AMOUNT_END,
        TITLE,
        DATE,
        SOURCE_FILE,
        POSITION,
        AUTHOR,
        FETCHED,
        EXTRACTION_RECORD,
        SOURCE_KEY,
        FOR_RULE,
        STATEMENT_COUNT,
        HEDGED_COUNT,
        ARTICLE_COUNT,
        MEAN_CONFIDENCE,
    }
)

# --- data IRIs: one namespace per kind of node --------------------------------
ENTITY_BASE = DATA_BASE + "entity/"
ARTICLE_BASE = DATA_BASE + "article/"
STATEMENT_BASE = DATA_BASE + "statement/"
GRAPH_BASE = DATA_BASE + "graph/"
RULE_SUMMARY_BASE = DATA_BASE + "summary/rule/"
FUNDING_BASE = DATA_BASE + "funding/"
FUNDING_EVIDENCE_BASE = DATA_BASE + "funding-evidence/"

#: Prefixes for serialisations, `kg query`, the query page and saved queries. Each kind
#: of data node has its own, so every IRI kg prints is a prefixed name that parses back:
#: `ent:acme`, never `id:entity/acme` (a local name cannot contain `/`; Turtle writers
#: escape it as `id:entity\/acme`). `id:` stays declared for older queries.
PREFIXES: dict[str, str] = {
    "kg": KG,
    "ent": ENTITY_BASE,
    "art": ARTICLE_BASE,
    "stmt": STATEMENT_BASE,
    "graph": GRAPH_BASE,
    "summary": RULE_SUMMARY_BASE,
    "fund": FUNDING_BASE,
    "fev": FUNDING_EVIDENCE_BASE,
    "id": DATA_BASE,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
    "prov": PROV,
    "dcterms": DCTERMS,
}

#: A local part that needs no escape: unreserved characters and %XX (PN_LOCAL, SPARQL 1.1).
_LOCAL_NAME = re.compile(r"(?:[A-Za-z0-9_.-]|%[0-9A-Fa-f]{2})+")


def short_iri(iri: str) -> str:
    """`iri` as a prefixed name that SPARQL and Turtle parse back, else as `<iri>`.

    The longest matching namespace wins (`ent:x`, not `id:entity/x`). A local
    part a prefixed name cannot hold as written (a `/`, a leading `-` or `.`,
    a trailing `.`) gives the full IRI rather than a name that fails to parse.
    """
    prefix, base = "", ""
    for name, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(base):
            prefix, base = name, namespace
    local = iri[len(base) :]
    if base and _LOCAL_NAME.fullmatch(local) and local[0] not in "-." and local[-1] != ".":
        return f"{prefix}:{local}"
    return f"<{iri}>"


#: A segment of only these characters is its own percent-encoding: `quote` leaves them alone.
_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_.~-]+")


def _segment(value: str) -> str:
    """Percent-encode one path segment: ids come from other stages and may hold any character.

    Resolved entity ids are slugs, so the common case skips `quote` (its
    encode-and-strip costs three times the match), which a build calls for
    every mention and statement end.
    """
    if _PLAIN_SEGMENT.fullmatch(value):
        return value
    if not value:
        raise ValueError("an IRI path segment must not be empty")
    return quote(value, safe="-._~")


def article_iri(article_id: str) -> str:
    """The article node, which is also the name of the graph holding its facts."""
    return ARTICLE_BASE + _segment(article_id)


def entity_iri(entity_id: str) -> str:
    """The corpus-wide node of a resolved `Entity`."""
    return ENTITY_BASE + _segment(entity_id)


def entity_id_of(iri: str) -> str | None:
    """Inverse of `entity_iri`, or None for an IRI that is not an entity node."""
    if not iri.startswith(ENTITY_BASE):
        return None
    return unquote(iri[len(ENTITY_BASE) :])


def statement_iri(
    article_id: str,
    subject_id: str,
    predicate: str,
    object_id: str,
    start: int,
    end: int,
) -> str:
    """A statement node named by what it says and where, so rebuilds give the same IRI.

    `subject_id`/`object_id` are resolved `Entity.id`s and `predicate` a relation
    name; the offsets keep two sentences stating the same fact apart.
    """
    key = "\x1f".join((article_id, subject_id, predicate, object_id, str(start), str(end)))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return STATEMENT_BASE + digest


def funding_iri(*parts: str) -> str:
    """A funding event named by what identifies it (recipients, amount, currency, ...).

    Two articles reporting the same grant name the same event, so the union of
    their graphs holds it once, with an evidence from each.
    """
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return FUNDING_BASE + digest


def funding_evidence_iri(event_iri: str, article_id: str, start: int, end: int) -> str:
    """Where one article states an event's amount: one node per article and amount."""
    key = "\x1f".join((event_iri, article_id, str(start), str(end)))
    return FUNDING_EVIDENCE_BASE + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def rule_summary_iri(rule: str) -> str:
    """The build-summary node of an extraction rule, named by the rule so rebuilds keep it."""
    return RULE_SUMMARY_BASE + _segment(rule)


def class_iri(name: str) -> str:
    """The IRI of an entity class named as in `Entity.types`; unknown names are a bug upstream."""
    try:
        return ENTITY_CLASS_IRIS[name]
    except KeyError:
        raise ValueError(f"unknown entity class {name!r}") from None


def relation_iri(name: str) -> str:
    """The IRI of a relation named as in `RelationFact.predicate`."""
    try:
        return RELATION_IRIS[name]
    except KeyError:
        raise ValueError(f"unknown relation {name!r}") from None
