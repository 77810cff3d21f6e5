"""JSON-LD written against the published context, so every key has one shape.

A data person reads the JSON, not the RDF: a key that is sometimes a string
and sometimes a list, or an amount that is sometimes "5100000" and sometimes
5100000, breaks their code on the next corpus. So the context is not derived
from the data any more but fixed in a versioned file shipped with the
package (`ontology/context-v1.jsonld`): multi-valued terms are `@set`
containers and always lists, numbers are JSON numbers typed by the context,
`id`/`type` alias `@id`/`@type` (the data IRIs use the kind prefixes `ent:`,
`art:`, `stmt:`, `graph:`, never a prefix called `id`). The same context is
embedded in every export, so a JSON-LD processor needs no network.

Two forms: flat (`@graph` of every node, sorted) and nested, where each
entity lists the statements it is the subject of under `statements` (a
reverse property of `kg:subject`), which is what a reader walking from an
entity to its evidence and funding wants. Both are the same RDF graph.

A predicate the context does not know (a newer store) is still written, under
its full IRI with explicit `@value`/`@type`, so nothing is lost; a test keeps
the context covering everything the tool itself writes.

Note on fractions: JSON-LD 1.1 turns a JSON number with a fraction into the
xsd:double lexical form ("7.5E-1") even when the term says xsd:decimal; the
value is the same, and rdflib reads it back as the decimal 0.75.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyoxigraph

#: The published context, by file name in the ontology folder. A change of
#: meaning gets a new version file; terms are only ever added to this one.
CONTEXT_FILE = "context-v1.jsonld"
#: The reverse term of the nested form: statements whose kg:subject is this node.
STATEMENTS_TERM = "statements"

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_KG = "https://w3id.org/cluster-kg/ontology#"


def context_path(ontology_dir: Path | None = None) -> Path:
    from kg.config import default_ontology_dir

    return (ontology_dir or default_ontology_dir()) / CONTEXT_FILE


@cache
def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data["@context"]


def published_context(ontology_dir: Path | None = None) -> dict[str, Any]:
    """The `@context` object of the published file (a fresh copy)."""
    return json.loads(json.dumps(_load(context_path(ontology_dir))))


class Term:
    """How one property is written: key, coercion, and whether it is always a list."""

    def __init__(self, key: str, coercion: str | None, many: bool) -> None:
        self.key = key
        self.coercion = coercion
        self.many = many


class Compactor:
    """Maps IRIs to the context's terms and prefixes, and values to their JSON shape."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context
        self.prefixes: list[tuple[str, str]] = []
        self.classes: dict[str, str] = {}
        self.terms: dict[str, Term] = {}
        plain: dict[str, str] = {}
        for key, value in context.items():
            if key.startswith("@") or key in ("id", "type"):
                continue
            if isinstance(value, str) and value.endswith(("/", "#")):
                self.prefixes.append((key, value))
            elif isinstance(value, str):
                plain[key] = value
            elif "@reverse" not in value:
                coercion = value.get("@type")
                self.terms[self.expand(value["@id"])] = Term(
                    key, coercion, value.get("@container") == "@set"
                )
        # Longest base first: `ent:` wins over a shorter prefix for the same IRI.
        self.prefixes.sort(key=lambda kv: (-len(kv[1]), kv[0]))
        for key, value in plain.items():
            iri = self.expand(value)
            if iri.startswith(_KG) and key[:1].isupper():
                self.classes[iri] = key
            else:
                self.terms[iri] = Term(key, None, False)
        self.vocab = {iri: term.key for iri, term in self.terms.items()}

    def expand(self, name: str) -> str:
        prefix, sep, local = name.partition(":")
        if sep:
            for key, base in self.prefixes:
                if key == prefix:
                    return base + local
        return name

    def compact(self, iri: str) -> str:
        for key, base in self.prefixes:
            if iri.startswith(base) and len(iri) > len(base):
                local = iri[len(base) :]
                if "/" not in local and "#" not in local:
                    return f"{key}:{local}"
        return iri

    def _datatype(self, coercion: str | None) -> str | None:
        return None if coercion is None or coercion.startswith("@") else self.expand(coercion)

    def value(self, term: Term | None, obj: Any) -> Any:
        import pyoxigraph

        coercion = term.coercion if term is not None else None
        if isinstance(obj, pyoxigraph.NamedNode):
            if coercion == "@vocab" and obj.value in self.vocab:
                return self.vocab[obj.value]
            if coercion in ("@id", "@vocab"):
                return self.compact(obj.value)
            return {"@id": self.compact(obj.value)}
        if obj.language is not None:
            return {"@value": obj.value, "@language": obj.language}
        datatype = obj.datatype.value
        wanted = self._datatype(coercion)
        if term is not None and wanted == datatype:
            return _native(datatype, obj.value)
        if coercion is None and datatype == _XSD + "string":
            return obj.value  # a plain string in RDF 1.1; a bare JSON string reads back as one
        return {"@value": obj.value, "@type": self.compact(datatype)}

    def node(self, subject: str, triples: list[pyoxigraph.Triple]) -> dict[str, Any]:
        node: dict[str, Any] = {"id": self.compact(subject)}
        types: list[str] = []
        values: dict[str, list[Any]] = {}
        single: dict[str, bool] = {}
        for t in triples:
            p = t.predicate.value
            if p == _RDF_TYPE:
                types.append(self.classes.get(t.object.value, self.compact(t.object.value)))
                continue
            term = self.terms.get(p)
            key = term.key if term is not None else p
            values.setdefault(key, []).append(self.value(term, t.object))
            single[key] = term is not None and not term.many
        if types:
            node["type"] = sorted(types)
        for key in sorted(values):
            items = sorted(values[key], key=lambda v: json.dumps(v, sort_keys=True))
            node[key] = items[0] if single[key] and len(items) == 1 else items
        return node


def _native(datatype: str, lexical: str) -> Any:
    """The JSON value of a literal whose datatype the context declares."""
    if datatype == _XSD + "boolean":
        return lexical == "true"
    if datatype == _XSD + "integer":
        return int(lexical)
    if datatype == _XSD + "decimal":
        number = Decimal(lexical)
        return int(number) if number == number.to_integral_value() else float(number)
    return lexical


def _by_subject(triples: list[pyoxigraph.Triple]) -> dict[str, list[pyoxigraph.Triple]]:
    by_subject: dict[str, list[pyoxigraph.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, []).append(t)
    return by_subject


def flat_document(
    triples: list[pyoxigraph.Triple], context: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The flat JSON-LD document of `triples`: the published context and a sorted @graph."""
    context = context if context is not None else published_context()
    compactor = Compactor(context)
    by_subject = _by_subject(triples)
    graph = [compactor.node(s, by_subject[s]) for s in sorted(by_subject)]
    return {"@context": context, "@graph": graph}


def nested_document(
    triples: list[pyoxigraph.Triple], context: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Entities with their statements (funding events included) nested under `statements`.

    A statement is nested under its subject when that subject is a node of
    the document; the rest (and articles) stay at the top.
    """
    context = dict(context if context is not None else published_context())
    context[STATEMENTS_TERM] = {"@reverse": "kg:subject", "@container": "@set"}
    compactor = Compactor(context)
    subject_iri = compactor.expand("kg:subject")
    by_subject = _by_subject(triples)
    owner: dict[str, str] = {}
    for s, items in by_subject.items():
        for t in items:
            if t.predicate.value == subject_iri and t.object.value in by_subject:
                owner[s] = t.object.value
    nested: dict[str, list[str]] = {}
    for st, ent in owner.items():
        nested.setdefault(ent, []).append(st)
    graph = []
    for s in sorted(by_subject):
        if s in owner:
            continue
        node = compactor.node(s, by_subject[s])
        if s in nested:
            children = []
            for st in sorted(nested[s]):
                own = [t for t in by_subject[st] if t.predicate.value != subject_iri]
                children.append(compactor.node(st, own))
            node[STATEMENTS_TERM] = children
        graph.append(node)
    return {"@context": context, "@graph": graph}
