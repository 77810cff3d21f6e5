"""Check a built graph against the SHACL shapes in the ontology folder.

The extractor and resolver are heuristic; validation is how a user (or CI)
learns that the graph broke the contract (an entity with two labels, a
statement without evidence, an amount that is not a number) before a query
silently returns nonsense. Only sh:Violation makes a graph non-conforming:
warnings flag extraction gaps worth a look, not broken data.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg import namespace as ns
from kg.errors import InputError
from kg.names import plural
from kg.store import check_complete

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

    from kg.config import Config
    from kg.store.base import Store

SHAPES_FILE = "shapes.ttl"
_SH = "http://www.w3.org/ns/shacl#"
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationResult:
    """One finding: which node, along which property, what is wrong, and how badly."""

    severity: str
    focus: str
    path: str | None
    message: str
    value: str | None = None

    def line(self) -> str:
        where = _short(self.focus)
        if self.path is not None:
            where += f" {_short(self.path)}"
        value = "" if self.value is None else f" (value: {_short(self.value)})"
        return f"{self.severity}: {where}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of `validate`; `conforms` is False exactly when there is a violation."""

    results: tuple[ValidationResult, ...]
    triples: int

    @property
    def violations(self) -> int:
        return sum(1 for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> int:
        return sum(1 for r in self.results if r.severity == "Warning")

    @property
    def conforms(self) -> bool:
        return self.violations == 0

    @property
    def text(self) -> str:
        verdict = "conforms" if self.conforms else "does not conform"
        head = (
            f"Graph {verdict}: {plural(self.violations, 'violation')}, "
            f"{plural(self.warnings, 'warning')} in {plural(self.triples, 'triple')}."
        )
        return "\n".join([head, *(r.line() for r in self.results)])

    def to_json(self) -> str:
        """The report for programs (CI, dashboards): the verdict, counts and every finding."""
        return json.dumps(
            {
                "conforms": self.conforms,
                "violations": self.violations,
                "warnings": self.warnings,
                "triples": self.triples,
                "results": [dataclasses.asdict(r) for r in self.results],
            },
            ensure_ascii=False,
            indent=2,
        )



def _short(iri: str) -> str:
    """Prefixed form of an IRI, because full data IRIs make the report unreadable."""
    for prefix, base in sorted(ns.PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base) :]}"
    return iri


def _ontology_files(ontology_dir: Path) -> tuple[Path, list[Path]]:
    shapes = ontology_dir / SHAPES_FILE
    if not shapes.is_file():
        raise InputError(f"no {SHAPES_FILE} in ontology folder {ontology_dir}")
    others = sorted(p for p in ontology_dir.glob("*.ttl") if p.name != SHAPES_FILE)
    return shapes, others


def _parse_turtle(paths: Iterable[Path]) -> rdflib.Graph:
    import rdflib

    graph = rdflib.Graph()
    for path in paths:
        try:
            graph.parse(path, format="turtle")
        except (SyntaxError, ValueError) as exc:  # rdflib reports Turtle errors as either
            first_line = (
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            )
            raise InputError(f"cannot read {path}: {first_line}") from exc
    return graph


def _ntriples(quads: Iterable[pyoxigraph.Quad]) -> bytes:
    """All graphs merged into one: shapes talk about entities, articles and statements together.

    N-Triples is the fast way from Oxigraph terms into both rdflib and a scratch Oxigraph store.
    """
    import pyoxigraph

    triples = (pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads)
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""


@dataclass(frozen=True)
class _SparqlCheck:
    """A node shape's SHACL-SPARQL constraint, run once over the whole graph.

    pyshacl re-parses the query for every focus node (about 25 ms each), which
    makes it unusable on thousands of statements. Leaving `$this` unbound and
    keeping only rows whose `$this` is a target of the shape gives the same
    results in one query, provided the query binds `$this` in a triple pattern
    (true of every constraint in shapes.ttl; tests compare against pyshacl).
    """

    select: str
    severity: str
    message: str
    targets: frozenset[str]


def _split_sparql(
    shapes: rdflib.Graph, data: rdflib.Graph, ontology: rdflib.Graph
) -> list[_SparqlCheck]:
    """Take node-shape SPARQL constraints out of `shapes` (in place) and resolve their targets."""
    from rdflib import RDF, RDFS, URIRef

    def sh(name: str) -> URIRef:
        return URIRef(_SH + name)

    checks = []
    for shape, constraint in list(shapes.subject_objects(sh("sparql"))):
        if shapes.value(shape, sh("path")) is not None:
            continue  # property-shape constraints ($PATH) stay with pyshacl
        if str(shapes.value(constraint, sh("deactivated"))) == "true":
            shapes.remove((shape, sh("sparql"), constraint))
            continue
        targets: set[str] = set()
        for cls in shapes.objects(shape, sh("targetClass")):
            classes = set(ontology.transitive_subjects(RDFS.subClassOf, cls)) | {cls}
            for c in classes:
                targets.update(str(n) for n in data.subjects(RDF.type, c))
        for prop in shapes.objects(shape, sh("targetSubjectsOf")):
            targets.update(str(n) for n in data.subjects(prop, None))
        for prop in shapes.objects(shape, sh("targetObjectsOf")):
            targets.update(str(n) for n in data.objects(None, prop))
        targets.update(str(n) for n in shapes.objects(shape, sh("targetNode")))
        severity = shapes.value(shape, sh("severity")) or sh("Violation")
        message = shapes.value(constraint, sh("message")) or shapes.value(shape, sh("message"))
        checks.append(
            _SparqlCheck(
                select=str(shapes.value(constraint, sh("select"))),
                severity=str(severity).removeprefix(_SH),
                message=str(message or "SPARQL constraint not met"),
                targets=frozenset(targets),
            )
        )
        shapes.remove((shape, sh("sparql"), constraint))
    return checks


def _run_sparql(
    checks: list[_SparqlCheck], data: bytes, ontology: rdflib.Graph
) -> set[ValidationResult]:
    import pyoxigraph

    store = pyoxigraph.Store()
    nt = pyoxigraph.RdfFormat.N_TRIPLES
    if data:
        store.load(data, format=nt)
    store.load(ontology.serialize(format="nt", encoding="utf-8"), format=nt)
    found = set()
    for check in checks:
        try:
            solutions = store.query(check.select)
        except SyntaxError as exc:
            raise InputError(f"bad SPARQL constraint in {SHAPES_FILE}: {exc}") from exc
        if not isinstance(solutions, pyoxigraph.QuerySolutions):
            raise InputError(f"a SPARQL constraint in {SHAPES_FILE} is not a SELECT query")
        for row in solutions:
            focus, path, value = row["this"], row["path"], row["value"]
            if focus is None or focus.value not in check.targets:
                continue
            found.add(
                ValidationResult(
                    severity=check.severity,
                    focus=focus.value,
                    path=None if path is None else path.value,
                    message=check.message,
                    # SHACL: without a ?value binding the value is the focus node itself.
                    value=(focus if value is None else value).value,
                )
            )
    return found


def _results(report: rdflib.Graph) -> set[ValidationResult]:
    from rdflib import RDF, URIRef

    sh = {name: URIRef(_SH + name) for name in ("ValidationReport", "result", "focusNode")}
    sh.update({name: URIRef(_SH + name) for name in ("resultMessage", "resultSeverity", "value")})
    sh["resultPath"] = URIRef(_SH + "resultPath")
    found = set()
    # Only the report's own results: a failed sh:node also lists the nested shape's
    # results under sh:detail, at that shape's default severity (Violation), which
    # would turn a Warning into a Violation.
    reports = set(report.subjects(RDF.type, sh["ValidationReport"]))
    for node in (r for rep in reports for r in report.objects(rep, sh["result"])):
        severity = str(report.value(node, sh["resultSeverity"])).removeprefix(_SH)
        path = report.value(node, sh["resultPath"])
        value = report.value(node, sh["value"])
        messages = sorted(str(m) for m in report.objects(node, sh["resultMessage"]))
        found.add(
            ValidationResult(
                severity=severity,
                focus=str(report.value(node, sh["focusNode"])),
                path=None if path is None else str(path),
                message="; ".join(messages) or "constraint not met",
                value=None if value is None else str(value),
            )
        )
    return found


def _ordered(results: Iterable[ValidationResult]) -> tuple[ValidationResult, ...]:
    return tuple(
        sorted(
            results,
            key=lambda r: (
                _SEVERITY_ORDER.get(r.severity, 9),
                r.focus,
                r.path or "",
                r.message,
                r.value or "",
            ),
        )
    )


def _validate(nt: bytes, ontology_dir: Path, data: rdflib.Graph | None = None) -> ValidationReport:
    import pyshacl
    import rdflib

    shapes_path, ontology_paths = _ontology_files(ontology_dir)
    shapes = _parse_turtle([shapes_path])
    ontology = _parse_turtle(ontology_paths)
    if data is None:
        data = rdflib.Graph()
        if nt:
            data.parse(data=nt, format="nt")
    checks = _split_sparql(shapes, data, ontology)
    _conforms, report_graph, text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology if len(ontology) else None,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
    )
    if not isinstance(report_graph, rdflib.Graph):
        # pyshacl returns (not raises) a failure when the shapes themselves are unusable.
        raise InputError(f"cannot use the shapes in {shapes_path}: {str(text).strip()}")
    results = _results(report_graph) | _run_sparql(checks, nt, ontology)
    return ValidationReport(results=_ordered(results), triples=len(data))


def validate_graph(data: rdflib.Graph, ontology_dir: Path) -> ValidationReport:
    """Validate an rdflib graph: split out so exports and tests can check one without a store."""
    return _validate(data.serialize(format="nt", encoding="utf-8"), ontology_dir, data)


def validate(store: Store, cfg: Config) -> ValidationReport:
    """Validate everything in the store except the build cache against cfg's shapes.

    A store a write left half done is refused first: its verdict would be about
    half a graph.
    """
    check_complete(store)
    return _validate(_ntriples(store.quads(include_system=False)), cfg.ontology_dir)
