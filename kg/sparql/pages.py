"""Pages for the data IRIs: what `GET /id/entity/...` (and articles, statements) answers.

Linked Data practice: the IRI a researcher pastes or follows answers with a
description of the thing. A browser gets an HTML page (labels, classes, every
relation with the sentence it was read from, the articles, links onward); an
RDF client gets the same description as Turtle, N-Triples or JSON-LD, chosen
by `Accept` (`Vary: Accept` tells caches). The page is built from a few
read-only queries run through the server's own guarded runner, so the row
cap, timeout and query slots apply here as on /sparql.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from kg.namespace import (
    DATA_BASE,
    IN_ARTICLE,
    KG,
    MENTIONED_IN,
    OBJECT,
    RDF_TYPE,
    RDFS_LABEL,
    RELATION_IRIS,
    SKOS_ALT_LABEL,
    SUBJECT,
    TITLE,
    short_iri,
)

#: Media types a data IRI answers in; HTML first, so `*/*` and browsers get the page.
PAGE_TYPES = ("text/html", "text/turtle", "application/n-triples", "application/ld+json")
#: `?format=` names for links on the page (a browser cannot set Accept on a link).
FORMATS = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
}
#: Kinds of data node that have pages, as the first path segment under /id/.
KINDS = ("entity", "article", "statement")
#: One path segment of a data IRI: what `namespace._segment` writes (percent-encoded).
_SEGMENT = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2}){1,300}")
#: Rows read per section: a hub entity has thousands of mentions; the page shows the start.
SECTION_ROWS = 500

Run = Callable[[str], Any]  # query text -> protocol.Answer


def iri_for_path(path: str) -> str | None:
    """The data IRI a request path names (`/id/entity/x` -> `<base>entity/x`), or None.

    Only the characters `namespace` itself writes are accepted, so the IRI can
    be put between `<` and `>` in a query without any way to break out of it.
    """
    parts = path.split("/")
    if len(parts) != 4 or parts[0] or parts[1] != "id" or parts[2] not in KINDS:
        return None
    if not _SEGMENT.fullmatch(parts[3]):
        return None
    return f"{DATA_BASE}{parts[2]}/{parts[3]}"


def local_href(iri: str) -> str | None:
    """Where a link to `iri` points: data IRIs stay on this server, web IRIs go out.

    Anything else (a `javascript:` or `data:` IRI that came in with an
    article's metadata) is shown as text, never made a link.
    """
    if iri.startswith(DATA_BASE):
        return "/id/" + iri[len(DATA_BASE) :]
    return iri if iri.startswith(("https://", "http://")) else None


def describe_query(iri: str) -> str:
    """The RDF description an RDF client gets: the node's triples, and links into it."""
    return (
        f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} WHERE {{ "
        f"{{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> "
        f"FILTER (?q NOT IN (<{SUBJECT}>, <{OBJECT}>, <{IN_ARTICLE}>)) }} }}"
    )


def _out_query(iri: str) -> str:
    return (
        f"SELECT ?p ?o (SAMPLE(?l) AS ?label) WHERE {{ <{iri}> ?p ?o . "
        f"OPTIONAL {{ ?o <{RDFS_LABEL}>|<{TITLE}> ?l }} }} GROUP BY ?p ?o LIMIT {SECTION_ROWS}"
    )


def _in_query(iri: str) -> str:
    return (
        f"SELECT ?s ?p (SAMPLE(?l) AS ?label) WHERE {{ ?s ?p <{iri}> . "
        f"FILTER (?p NOT IN (<{SUBJECT}>, <{OBJECT}>, <{IN_ARTICLE}>)) "
        f"OPTIONAL {{ ?s <{RDFS_LABEL}>|<{TITLE}> ?l }} }} GROUP BY ?s ?p LIMIT {SECTION_ROWS}"
    )


def _evidence_query(iri: str) -> str:
    kg = f"PREFIX kg: <{KG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    return kg + (
        "SELECT ?st ?dir ?p ?other ?otherLabel ?target ?targetLabel ?sentence ?hedged ?amount "
        "?currency ?role ?article ?title ?date ?url WHERE { "
        f'{{ ?st kg:subject <{iri}> ; kg:object ?other . BIND ("out" AS ?dir) }} UNION '
        f'{{ ?st kg:object <{iri}> ; kg:subject ?other . BIND ("in" AS ?dir) }} UNION '
        f"{{ ?st kg:inArticle <{iri}> ; kg:subject ?other ; kg:object ?target . "
        'BIND ("here" AS ?dir) OPTIONAL { ?target rdfs:label ?targetLabel } } '
        "?st kg:predicate ?p . "
        "OPTIONAL { ?other rdfs:label ?otherLabel } "
        "OPTIONAL { ?st kg:sentence ?sentence } OPTIONAL { ?st kg:hedged ?hedged } "
        "OPTIONAL { ?st kg:amount ?amount } OPTIONAL { ?st kg:currency ?currency } "
        "OPTIONAL { ?st kg:roleTitle ?role } "
        "OPTIONAL { ?st kg:inArticle ?article . OPTIONAL { ?article kg:title ?title } "
        "OPTIONAL { ?article kg:date ?date } OPTIONAL { ?article kg:url ?url } } "
        f"}} LIMIT {SECTION_ROWS * 4}"
    )


@dataclass
class Link:
    """A term shown on the page: text, where it links (None for a literal), its full IRI."""

    text: str
    href: str | None = None
    iri: str | None = None


@dataclass
class Evidence:
    statement: Link
    sentence: str
    hedged: bool
    extras: list[str]
    article: Link | None
    date: str
    source: str | None


@dataclass
class Relation:
    """One edge of the node: direction, property, the other end, and why we believe it."""

    direction: str  # "out", "in", or "here" (a statement read from this article)
    prop: Link
    other: Link
    target: Link | None = None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class ResourceView:
    """Everything the page shows about one data node."""

    iri: str
    kind: str
    label: str
    classes: list[Link]
    names: list[str]
    groups: list[tuple[str, list[Relation]]]
    articles: list[Link]
    properties: list[tuple[Link, Link]]
    incoming: list[tuple[Link, Link]]
    truncated: bool


def _value(term: Any) -> str:
    return "" if term is None else str(term.value)


def _link(term: Any, label: Any = None) -> Link:
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        iri = term.value
        text = _value(label) or short_iri(iri)
        return Link(text, local_href(iri), iri)
    return Link(" ".join(_value(term).split()))


def describe(run: Run, iri: str) -> ResourceView | None:
    """Read the node's description; None when the graph says nothing about `iri`."""
    out = run(_out_query(iri))
    incoming = run(_in_query(iri))
    evidence = run(_evidence_query(iri))
    if not out.rows and not incoming.rows and not evidence.rows:
        return None
    kind = iri[len(DATA_BASE) :].split("/", 1)[0]
    label, names, classes = "", [], []
    relations: dict[tuple[str, str, str], Relation] = {}
    properties: list[tuple[Link, Link]] = []
    articles: list[Link] = []
    for p, o, olabel in out.rows:
        if p.value == RDFS_LABEL and not label:
            label = o.value
        elif p.value in (RDFS_LABEL, SKOS_ALT_LABEL):
            names.append(o.value)
        elif p.value == RDF_TYPE:
            classes.append(_link(o))
        elif p.value in RELATION_IRIS.values():
            key = ("out", p.value, o.value)
            relations.setdefault(key, Relation("out", _link(p), _link(o, olabel)))
        elif p.value == MENTIONED_IN:
            articles.append(_link(o, olabel))
        else:
            if p.value == TITLE and not label:
                label = o.value
            properties.append((_link(p), _link(o, olabel)))
    linked: list[tuple[Link, Link]] = []
    for s, p, slabel in incoming.rows:
        if p.value in RELATION_IRIS.values():
            key = ("in", p.value, s.value)
            relations.setdefault(key, Relation("in", _link(p), _link(s, slabel)))
        else:
            linked.append((_link(p), _link(s, slabel)))
    for row in evidence.rows:
        st, direction, p, other, other_label, target, target_label = row[:7]
        sentence, hedged, amount, currency, role, article, title, date, url = row[7:]
        if direction.value == "here":
            key = ("here", p.value, f"{other.value} {target.value}")
        else:
            key = (direction.value, p.value, other.value)
        relation = relations.setdefault(
            key, Relation(direction.value, _link(p), _link(other, other_label))
        )
        if target is not None and relation.target is None:
            relation.target = _link(target, target_label)
        if any(e.statement.iri == st.value for e in relation.evidence):
            found = next(e for e in relation.evidence if e.statement.iri == st.value)
            if role is not None and role.value not in found.extras:
                found.extras.append(role.value)
            continue
        extras = [e for e in (_value(role), _money(amount, currency)) if e]
        relation.evidence.append(
            Evidence(
                statement=_link(st),
                sentence=" ".join(_value(sentence).split()),
                hedged=_value(hedged) == "true",
                extras=extras,
                article=_link(article, title) if article is not None else None,
                date=_value(date),
                source=local_href(_value(url)) if url is not None else None,
            )
        )
    groups: dict[tuple[int, str], list[Relation]] = {}
    for relation in relations.values():
        if relation.direction == "here":
            heading = (2, "Statements read from this article")
        elif relation.direction == "out":
            heading = (0, f"{relation.prop.text} \u2192")
        else:
            heading = (1, f"\u2190 {relation.prop.text} (from)")
        groups.setdefault(heading, []).append(relation)
    for members in groups.values():
        members.sort(
            key=lambda r: (r.other.text.lower(), r.target.text.lower() if r.target else "")
        )
    return ResourceView(
        iri=iri,
        kind=kind,
        label=label or short_iri(iri),
        classes=sorted(classes, key=lambda c: c.text),
        names=sorted(set(names) - {label}),
        groups=[(heading, groups[(order, heading)]) for order, heading in sorted(groups)],
        articles=sorted(articles, key=lambda a: a.text.lower()),
        properties=sorted(properties, key=lambda pv: (pv[0].text, pv[1].text)),
        incoming=sorted(linked, key=lambda pv: (pv[0].text, pv[1].text.lower())),
        truncated=any(a.truncated for a in (out, incoming, evidence))
        or len(out.rows) >= SECTION_ROWS
        or len(incoming.rows) >= SECTION_ROWS,
    )


@dataclass
class Spoke:
    """One neighbour in the small network drawing: where it sits and how it is linked."""

    x: float
    y: float
    label: str
    href: str | None
    relations: str
    outgoing: bool


#: Neighbours drawn around a node; more would not be readable in a small picture.
MAX_SPOKES = 16


def neighbourhood(view: ResourceView) -> list[Spoke]:
    """The node's direct neighbours on a circle (centre 0,0, radius 1), for an inline SVG.

    Drawn on the server as plain SVG: the page needs no script, and a
    researcher sees at a glance what the node is tied to.
    """
    import math

    ends: dict[str, tuple[Link, set[str], bool]] = {}
    for _, relations in view.groups:
        for relation in relations:
            if relation.direction == "here" or relation.other.iri is None:
                continue
            link, props, outgoing = ends.setdefault(
                relation.other.iri, (relation.other, set(), relation.direction == "out")
            )
            props.add(relation.prop.text.removeprefix("kg:"))
    chosen = sorted(ends.values(), key=lambda e: e[0].text.lower())[:MAX_SPOKES]
    spokes = []
    for index, (link, props, outgoing) in enumerate(chosen):
        angle = 2 * math.pi * index / max(len(chosen), 1) - math.pi / 2
        spokes.append(
            Spoke(
                x=round(math.cos(angle), 4),
                y=round(math.sin(angle), 4),
                label=link.text if len(link.text) <= 28 else link.text[:27] + "\u2026",
                href=link.href,
                relations=", ".join(sorted(props)),
                outgoing=outgoing,
            )
        )
    return spokes


def _money(amount: Any, currency: Any) -> str:
    if amount is None:
        return ""
    return f"{amount.value} {_value(currency)}".strip()


def query_link(iri: str) -> str:
    """The query page, opened on a query listing this node's triples (pasteable prefixed name)."""
    text = f"SELECT ?property ?value WHERE {{\n  {short_iri(iri)} ?property ?value\n}}\n"
    return "/?query=" + quote(text, safe="")


def load_template() -> Any:
    """The page template, compiled; compiling costs ~50x rendering, so a server keeps one."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kg", "assets"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("resource.html.j2")


def render(view: ResourceView, template: Any = None) -> bytes:
    """The HTML page; every value is escaped by the template engine."""
    template = template or load_template()
    return template.render(
        view=view,
        short=short_iri(view.iri),
        query_href=query_link(view.iri),
        network_href="/network?focus=" + quote(view.iri, safe=""),
        spokes=neighbourhood(view),
        formats=FORMATS,
        path=local_href(view.iri) or "",
    ).encode("utf-8")
