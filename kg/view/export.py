"""Write the knowledge graph to a file, byte-identical for the same store content.

Determinism is what makes exports diffable and testable: triples are sorted
before serialising, no blank nodes exist, and the JSON-LD is built by hand
(subjects, keys and values sorted) instead of trusting a serializer's order.
The system graph is never exported: it holds the build cache and the build
summary (per-rule statement figures, per-entity article counts), figures
derived from the rest and true only of this store's whole corpus, which a
filtered or merged copy elsewhere would silently make wrong; the statements
and mentions they count are exported. Turtle, N-Triples and
JSON-LD merge the knowledge graphs into one graph (what most tools expect);
TriG and N-Quads keep one named graph per article plus the entities graph.

Formats are a registry of `module:function` names imported only when used,
so `kg.cli` stays fast and other modules (graph formats from the network
view) can be listed here without importing networkx at startup.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import FormatError, KGError

if TYPE_CHECKING:
    import pyoxigraph

    from kg.config import Config
    from kg.store.base import Store

#: A writer serialises the store into a file (a temporary path that is renamed
#: into place afterwards) and returns how many statements or edges it wrote.
#: Path-based so writers of other modules (networkx's GraphML/GEXF) fit as is.
Writer = Callable[["Store", Path], int]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    suffix: str
    description: str
    writer: str  # "module:function", imported on use


_RDF = "kg.view.export"
_NETWORK = "kg.view.graphio"
_FORMATS = (
    ExportFormat("turtle", ".ttl", "Turtle, knowledge graphs merged", f"{_RDF}:write_turtle"),
    ExportFormat("trig", ".trig", "TriG, a named graph per article", f"{_RDF}:write_trig"),
    ExportFormat("nquads", ".nq", "N-Quads, a named graph per article", f"{_RDF}:write_nquads"),
    ExportFormat("ntriples", ".nt", "N-Triples, merged", f"{_RDF}:write_ntriples"),
    ExportFormat("jsonld", ".jsonld", "JSON-LD, merged, compact context", f"{_RDF}:write_jsonld"),
    ExportFormat("graphml", ".graphml", "GraphML network (yEd)", f"{_NETWORK}:write_graphml"),
    ExportFormat("gexf", ".gexf", "GEXF 1.2 network (Gephi)", f"{_NETWORK}:write_gexf"),
)
#: Every `kg export --format` choice, by name.
EXPORT_FORMATS: dict[str, ExportFormat] = {f.name: f for f in _FORMATS}


def format_names() -> tuple[str, ...]:
    return tuple(EXPORT_FORMATS)


def _writer(fmt: str) -> Writer:
    try:
        spec = EXPORT_FORMATS[fmt]
    except KeyError:
        raise FormatError(
            f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        ) from None
    module, _, function = spec.writer.partition(":")
    writer: Writer = getattr(importlib.import_module(module), function)
    return writer


def _prefixes() -> dict[str, str]:
    """kg's prefixes minus `summary:`: build-summary nodes live in the system graph,
    which is never exported, so an export has nothing to abbreviate with it."""
    from kg.namespace import PREFIXES

    return {name: iri for name, iri in PREFIXES.items() if name != "summary"}


def merged_triples(store: Store) -> list[pyoxigraph.Triple]:
    """Every knowledge triple once (a triple may sit in several graphs), sorted."""
    return sorted({q.triple for q in store.quads()}, key=str)


def _serialize(items: Iterable[Any], path: Path, fmt_name: str) -> None:
    import pyoxigraph

    fmt = getattr(pyoxigraph.RdfFormat, fmt_name)
    with path.open("wb") as out:
        pyoxigraph.serialize(items, out, fmt, prefixes=_prefixes())


def write_turtle(store: Store, path: Path) -> int:
    triples = merged_triples(store)
    _serialize(triples, path, "TURTLE")
    return len(triples)


def write_ntriples(store: Store, path: Path) -> int:
    triples = merged_triples(store)
    _serialize(triples, path, "N_TRIPLES")
    return len(triples)


def write_trig(store: Store, path: Path) -> int:
    quads = list(store.quads())
    _serialize(quads, path, "TRIG")
    return len(quads)


def write_nquads(store: Store, path: Path) -> int:
    quads = list(store.quads())
    _serialize(quads, path, "N_QUADS")
    return len(quads)


# --- JSON-LD ---------------------------------------------------------------

_NAMED_TERMS = {
    "http://www.w3.org/2000/01/rdf-schema#label": "label",
    "http://www.w3.org/2004/02/skos/core#altLabel": "altLabel",
}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_PLAIN = (_XSD + "string",)


def _is_canonical_integer(text: str) -> bool:
    """Only canonical integers may become JSON numbers: "007" would read back as "7"."""
    try:
        return str(int(text)) == text
    except ValueError:
        return False


class _Compactor:
    """Builds the @context from the data itself, so it covers every term in use.

    kg: properties and classes get their local name as a term, rdfs:label and
    skos:altLabel become label/altLabel, and a property whose values all share
    one datatype (or are all IRIs) gets that as @type coercion, which lets the
    values be written as bare strings.
    """

    def __init__(self, triples: list[pyoxigraph.Triple]) -> None:
        import pyoxigraph

        self._ox = pyoxigraph
        self.prefixes = _prefixes()
        self.kg = self.prefixes["kg"]
        self.rdf_type = self.prefixes["rdf"] + "type"
        self.context: dict[str, Any] = dict(sorted(self.prefixes.items()))
        self.terms: dict[str, str] = {}  # predicate or class IRI -> key
        self.coerced: dict[str, str | None] = {}  # predicate IRI -> @type coercion
        kinds: dict[str, set[str]] = {}
        classes: set[str] = set()
        for t in triples:
            p = t.predicate.value
            if p == self.rdf_type and isinstance(t.object, pyoxigraph.NamedNode):
                classes.add(t.object.value)
                continue
            kinds.setdefault(p, set()).add(self._kind(t.object))
        for iri in sorted(classes):
            self._add_term(iri, None)
        for p in sorted(kinds):
            only = next(iter(kinds[p])) if len(kinds[p]) == 1 else None
            coercion = only if only not in (None, "@value", *_PLAIN) else None
            self._add_term(p, coercion)

    def _kind(self, obj: object) -> str:
        if isinstance(obj, self._ox.NamedNode):
            return "@id"
        if isinstance(obj, self._ox.Literal) and obj.language is None:
            return obj.datatype.value
        return "@value"

    def compact(self, iri: str) -> str:
        for prefix, base in self.prefixes.items():
            if iri.startswith(base) and len(iri) > len(base):
                return f"{prefix}:{iri[len(base) :]}"
        return iri

    def _add_term(self, iri: str, coercion: str | None) -> None:
        name = _NAMED_TERMS.get(iri)
        if name is None and iri.startswith(self.kg):
            name = iri[len(self.kg) :]
        if name is None or name in self.context or not name.isidentifier():
            name = self.compact(iri)
        self.terms[iri] = name
        self.coerced[iri] = coercion
        if coercion is None:
            if name != self.compact(iri):
                self.context[name] = self.compact(iri)
            return
        target = "@id" if coercion == "@id" else self.compact(coercion)
        self.context[name] = {"@id": self.compact(iri), "@type": target}

    def value(self, predicate: str, obj: Any) -> Any:
        if isinstance(obj, self._ox.NamedNode):
            iri = self.compact(obj.value)
            return iri if self.coerced[predicate] == "@id" else {"@id": iri}
        if obj.language is not None:
            return {"@value": obj.value, "@language": obj.language}
        coercion = self.coerced[predicate]
        if coercion == _XSD + "boolean" and obj.value in ("true", "false"):
            return obj.value == "true"  # a JSON boolean is exactly this literal
        if coercion == _XSD + "integer" and _is_canonical_integer(obj.value):
            return int(obj.value)
        if coercion is not None or obj.datatype.value in _PLAIN:
            return obj.value
        return {"@value": obj.value, "@type": self.compact(obj.datatype.value)}

    def node(self, subject: str, triples: list[pyoxigraph.Triple]) -> dict[str, Any]:
        node: dict[str, Any] = {"@id": self.compact(subject)}
        types = sorted(
            self.terms[t.object.value]
            for t in triples
            if t.predicate.value == self.rdf_type and t.object.value in self.terms
        )
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        values: dict[str, list[Any]] = {}
        for t in triples:
            p = t.predicate.value
            if p == self.rdf_type and t.object.value in self.terms:
                continue
            values.setdefault(self.terms[p], []).append(self.value(p, t.object))
        for key in sorted(values):
            items = sorted(values[key], key=lambda v: json.dumps(v, sort_keys=True))
            node[key] = items[0] if len(items) == 1 else items
        return node


def jsonld_document(triples: list[pyoxigraph.Triple]) -> dict[str, Any]:
    """A compact JSON-LD document for `triples` (sorted, blank-node free)."""
    compactor = _Compactor(triples)
    by_subject: dict[str, list[pyoxigraph.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, []).append(t)
    graph = [compactor.node(s, by_subject[s]) for s in sorted(by_subject)]
    return {"@context": compactor.context, "@graph": graph}


def write_jsonld(store: Store, path: Path) -> int:
    triples = merged_triples(store)
    text = json.dumps(jsonld_document(triples), ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    return len(triples)


# --- files -----------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(out_path: str | Path, write: Callable[[Path], int]) -> int:
    """Write through a temporary file renamed over `out_path`: never a half-written file.

    "-" writes to standard output (through a temporary file, so a failure
    prints nothing rather than half a document).
    """
    to_stdout = str(out_path) == "-"
    target = Path(out_path)
    if not to_stdout and target.is_dir():
        raise KGError(f"cannot write {out_path}: it is a directory")
    directory = Path(tempfile.gettempdir()) if to_stdout else target.parent
    prefix = ".kg-export." if to_stdout else f".{target.name}."
    try:
        fd, name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise KGError(f"cannot write {out_path}: {exc.strerror or exc}") from exc
    tmp = Path(name)
    try:
        count = write(tmp)
        if to_stdout:
            sys.stdout.buffer.write(tmp.read_bytes())
            sys.stdout.buffer.flush()
            tmp.unlink()
        else:
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def export(store: Store, fmt: str, out_path: str | Path) -> int:
    """Write the store's knowledge graphs as `fmt` to `out_path`; returns the statement count."""
    writer = _writer(fmt)
    return write_atomically(out_path, lambda path: writer(store, path))


def export_store(cfg: Config, fmt: str, out_path: str | Path) -> int:
    """What `kg export` does: check the format, open the store read-only, export, close."""
    from kg.store import open_store

    writer = _writer(fmt)
    store = open_store(cfg, create=False)
    try:
        return write_atomically(out_path, lambda path: writer(store, path))
    finally:
        store.close()
