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

    @property
    def folder(self) -> bool:
        """Whether this format writes a folder of files rather than one file."""
        return not self.suffix


_RDF = "kg.view.export"
_NETWORK = "kg.view.graphio"
_TABLES = "kg.view.tables"
_FORMATS = (
    ExportFormat("turtle", ".ttl", "Turtle, knowledge graphs merged", f"{_RDF}:write_turtle"),
    ExportFormat("trig", ".trig", "TriG, a named graph per article", f"{_RDF}:write_trig"),
    ExportFormat("nquads", ".nq", "N-Quads, a named graph per article", f"{_RDF}:write_nquads"),
    ExportFormat("ntriples", ".nt", "N-Triples, merged", f"{_RDF}:write_ntriples"),
    ExportFormat("jsonld", ".jsonld", "JSON-LD, merged, published context", f"{_RDF}:write_jsonld"),
    ExportFormat(
        "jsonld-nested",
        ".jsonld",
        "JSON-LD, each entity with its statements nested",
        f"{_RDF}:write_jsonld_nested",
    ),
    ExportFormat("graphml", ".graphml", "GraphML network (yEd)", f"{_NETWORK}:write_graphml"),
    ExportFormat("gexf", ".gexf", "GEXF 1.2 network (Gephi)", f"{_NETWORK}:write_gexf"),
    ExportFormat(
        "csv", "", "CSV tables in a folder: entities, relations, funding", f"{_TABLES}:csv_files"
    ),
)
#: Every `kg export --format` choice, by name.
EXPORT_FORMATS: dict[str, ExportFormat] = {f.name: f for f in _FORMATS}


def format_names() -> tuple[str, ...]:
    return tuple(EXPORT_FORMATS)


def _spec(fmt: str) -> ExportFormat:
    try:
        return EXPORT_FORMATS[fmt]
    except KeyError:
        raise FormatError(
            f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        ) from None


def _writer(fmt: str) -> Writer:
    spec = _spec(fmt)
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


def jsonld_document(triples: list[pyoxigraph.Triple]) -> dict[str, Any]:
    """A compact JSON-LD document of `triples`, written against the published context."""
    from kg.view.jsonld import flat_document

    return flat_document(triples)


def _write_json(document: dict[str, Any], path: Path) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def write_jsonld(store: Store, path: Path) -> int:
    triples = merged_triples(store)
    _write_json(jsonld_document(triples), path)
    return len(triples)


def write_jsonld_nested(store: Store, path: Path) -> int:
    from kg.view.jsonld import nested_document

    triples = merged_triples(store)
    _write_json(nested_document(triples), path)
    return len(triples)


@dataclass(frozen=True)
class ExportOptions:
    """What else an export writes: Excel-ready CSV, and the description shipped beside the data.

    csv cells that a spreadsheet would run as a formula are neutralised
    unless `raw_cells` (see `kg.view.tables`); `excel` adds the byte-order
    mark Excel needs. `with_ontology` writes kg.ttl, shapes.ttl, the JSON-LD context and a
    VoID/DCAT description (void.ttl) next to the output, so the data travels
    with its vocabulary; the csv folder always gets them. `licence` (an IRI)
    goes into the description.
    """

    excel: bool = False
    raw_cells: bool = False
    with_ontology: bool = False
    licence: str | None = None


def _ontology_files(store: Store, data_files: list[str], licence: str | None) -> dict[str, bytes]:
    from kg.config import default_ontology_dir
    from kg.view.dataset import VOID_FILE, describe
    from kg.view.jsonld import CONTEXT_FILE

    folder = default_ontology_dir()
    files = {name: (folder / name).read_bytes() for name in ("kg.ttl", "shapes.ttl", CONTEXT_FILE)}
    files[VOID_FILE] = describe(store, [*data_files, *files], licence).encode("utf-8")
    return files


def _bytes(data: bytes) -> Callable[[Path], int]:
    return lambda path: path.write_bytes(data)


def _csv_folder(out_path: str | Path) -> Path:
    """The folder the csv tables go to, made if missing; a file there is refused."""
    folder = Path(out_path)
    if folder.exists() and not folder.is_dir():
        raise KGError(f"cannot write {out_path}: csv writes a folder, and this is a file")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise KGError(f"cannot write {out_path}: {exc.strerror or exc}") from exc
    return folder


def export(
    store: Store, fmt: str, out_path: str | Path, options: ExportOptions | None = None
) -> int:
    """Write the store as `fmt` to `out_path` (a folder for csv); returns statements or rows.

    The data file and the files beside it (csv tables, ontology, VoID) are
    written as one: a failure leaves every previous file as it was.
    """
    from kg.output import write_file, write_files

    options = options or ExportOptions()
    spec = _spec(fmt)
    to_stdout = str(out_path) == "-"
    if to_stdout and (spec.folder or options.with_ontology):
        what = "the csv tables" if spec.folder else "the ontology beside the data"
        raise FormatError(f"{what} need a folder to go to; give -o PATH instead of -o -")
    if spec.folder:
        from kg.view.tables import csv_files

        folder = _csv_folder(out_path)
        tables = csv_files(store, excel=options.excel, raw=options.raw_cells)
        files = {name: text.encode("utf-8") for name, (text, _) in tables.items()}
        files.update(_ontology_files(store, list(tables), options.licence))
        write_files([(folder / name, _bytes(data)) for name, data in files.items()])
        return sum(count for _, count in tables.values())
    writer = _writer(fmt)
    if not options.with_ontology:
        return write_file(out_path, lambda path: writer(store, path))
    target = Path(out_path)
    beside = _ontology_files(store, [target.name], options.licence)
    counts = write_files(
        [
            (target, lambda path: writer(store, path)),
            *((target.parent / name, _bytes(data)) for name, data in beside.items()),
        ]
    )
    return counts[0]


def export_store(
    cfg: Config, fmt: str, out_path: str | Path, options: ExportOptions | None = None
) -> int:
    """What `kg export` does: check the format, open the store read-only, export, close."""
    from kg.store import open_store

    _spec(fmt)
    store = open_store(cfg, create=False)
    try:
        return export(store, fmt, out_path, options)
    finally:
        store.close()
