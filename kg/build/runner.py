"""`kg build`: read articles, extract, resolve, and write the graph in one step.

Why it is shaped this way:

* Incremental. The system graph caches each article's `Extraction` (JSON)
  under its content id, so an unchanged article costs no NLP at all, and the
  spaCy pipeline is loaded only when some article needs extracting. The cache
  is tagged with a fingerprint of the extraction code, lexicon and model
  versions; when that changes, every live article is re-extracted from the
  cached text, so a new extractor never serves stale results.
* Whole-corpus resolution. Entities are merged across articles, so resolution
  always runs over every article that stays in the store (new, changed,
  unchanged, and earlier builds' articles not given this time), and the
  entities graph is rewritten from that.
* Streaming. Memory must not grow with the corpus. Extractions flow from the
  workers through the resolver (which keeps only distinct names) into a temp
  file; once resolution is done, each article's triples are made from that
  file and written, one batch at a time, so no corpus-sized list of texts,
  extractions or triples exists at any point of a first build.
* Counted as written. The report's figures and the build summary that the
  corpus-wide saved queries read (per rule: statements, hedged, articles,
  mean confidence; per entity: articles mentioning it) are tallied from every
  article graph as it is made (`spool.Tally`), unchanged ones included, and
  written to the system graph last: after an update or a prune they describe
  the whole store, never just what changed.
* Atomic. A first build bulk-loads a hidden store and renames it into place;
  an update is one `store.apply` that replaces the article graphs, the
  entities graph and the system graph and drops the graphs of articles that
  changed or went away. Either way a failed build leaves the store as it was,
  and a repeated build writes nothing (apply skips equal graphs).

Article identity: a source key "<absolute file path or URL>#<position>" says where
an article came from; its content id says what it is. Same key, same id:
unchanged. Same key, new id: changed (the old graph is dropped unless another
source still has that text). `prune` makes the store mirror the given paths:
stored articles whose source key was not read this time are removed.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kg import namespace as ns
from kg.build.changes import (
    Changes,
    Figures,
    article_label,
    entity_names,
    funding_facts,
    source_label,
)
from kg.build.fingerprint import pipeline_fingerprint
from kg.build.spool import Piece, Spool, Tally, graphs, nquads
from kg.errors import InputError
from kg.model import Article, Extraction, Skipped
from kg.namespace import ENTITIES_GRAPH, SYSTEM_GRAPH
from kg.web import is_url, read_sources

if TYPE_CHECKING:
    from kg.build.workers import ExtractionPool
    from kg.config import Config
    from kg.model import Resolution
    from kg.store.base import Store

T = TypeVar("T")
_log = logging.getLogger(__name__)

#: progress(stage, done, total): called as extraction advances.
Progress = Callable[[str, int, int], None]

# Build-cache bookkeeping, not knowledge: lives in the system graph's own
# namespace (never exported), so it needs no ontology term.
_FINGERPRINT = "https://w3id.org/cluster-kg/id/graph/system#pipeline"
#: The figures of the last build (entities, relations, statements, triples), for no-op rebuilds.
_COUNTS = "https://w3id.org/cluster-kg/id/graph/system#counts"


@dataclass
class BuildReport:
    """What a build did, for the CLI summary and for tests."""

    store: str
    articles: int = 0  # articles read from the inputs (after de-duplication)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    extracted: int = 0  # articles that went through the NLP pipeline
    cache_stale: bool = False  # extraction code/lexicon/model changed since the last build
    entities: int = 0
    relations: int = 0  # distinct asserted relation edges in the store
    statements: int = 0  # relation facts with evidence, hedged ones included
    triples: int = 0  # knowledge triples in the store (system graph excluded)
    graphs_written: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    elapsed: float = 0.0


def _load_pipeline(cfg: Config) -> Any:
    from kg.nlp.pipeline import load_pipeline  # imports spaCy: only when something needs extracting

    return load_pipeline(cfg)


def _extract(articles: Iterable[Article], nlp: Any, cfg: Config) -> Iterable[Extraction]:
    # In-process, chunk by chunk inside spaCy memory zones: memory stays flat on long runs.
    from kg.build.workers import extract_parallel

    return extract_parallel(articles, cfg, 1, nlp=nlp)


def _resolve(extractions: Iterable[Extraction], cfg: Config) -> Resolution:
    from kg.graph.resolve import resolve

    return resolve(extractions, cfg)


def _extract_parallel(articles: Iterable[Article], cfg: Config) -> Iterable[Extraction]:
    from kg.build.workers import extract_parallel  # each worker process loads its own pipeline

    return extract_parallel(articles, cfg, cfg.workers)


#: Below this many articles per worker, loading the model in each process costs more
#: than it saves.
MIN_ARTICLES_PER_WORKER = 25


@dataclass(frozen=True)
class Stages:
    """The NLP stages a build calls; tests and benchmarks swap in light ones."""

    load_pipeline: Callable[[Config], Any] = _load_pipeline
    extract: Callable[[Iterable[Article], Any, Config], Iterable[Extraction]] = _extract
    resolve: Callable[[Iterable[Extraction], Config], Resolution] = _resolve
    extract_parallel: Callable[[Iterable[Article], Config], Iterable[Extraction]] = (
        _extract_parallel
    )

    def pool(self, cfg: Config) -> ExtractionPool | None:
        """The worker pool the default parallel stage would start, not started yet.

        None when there is nothing to start early: one worker, or a parallel
        stage of the caller's own (tests) that a real pool must not replace.
        """
        if cfg.workers <= 1 or self.extract_parallel is not _extract_parallel:
            return None
        from kg.build.workers import ExtractionPool

        return ExtractionPool(cfg, cfg.workers)

    def extract_all(
        self,
        articles: Iterable[Article],
        count: int,
        cfg: Config,
        pool: ExtractionPool | None = None,
    ) -> Iterable[Extraction]:
        """Worker processes when there is enough work for them, else this process.

        Each worker loads the model (a second or two), so a handful of articles is
        faster in-process; results are the same either way. `articles` (`count` of
        them) is consumed lazily, so it may hand out and forget one article at a time.
        `pool`, from `Stages.pool`, may already be loading the model.
        """
        if cfg.workers > 1 and count >= enough_for_workers(cfg):
            if pool is not None:
                return pool.extract(articles, count)
            return self.extract_parallel(articles, cfg)
        return self.extract(articles, self.load_pipeline(cfg), cfg)


def enough_for_workers(cfg: Config) -> int:
    """Articles to extract from which worker processes pay for their start."""
    return cfg.workers * MIN_ARTICLES_PER_WORKER


class _WarningCollector(logging.Handler):
    """Keeps the kg.* warnings of one build (encoding fallbacks, ignored fields)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def source_key(article: Article) -> str:
    """Where an article was read: a URL as it is, a file by its absolute path; then its position."""
    where = article.source if is_url(article.source) else os.path.abspath(article.source)
    return f"{where}#{article.position}"


@dataclass
class _Cached:
    key: str
    article_iri: str
    has_record: bool


def _read_cache(store: Store) -> tuple[list[_Cached], str | None]:
    """The system graph: one entry per (article, source key), and the fingerprint.

    The extraction records themselves are read only when something must be
    resolved again (`_read_records`): an unchanged rebuild needs just the keys.
    """

    query = f"""
        SELECT ?a ?key (BOUND(?rec) AS ?has) WHERE {{ GRAPH <{SYSTEM_GRAPH}> {{
            ?a <{ns.SOURCE_KEY}> ?key . OPTIONAL {{ ?a <{ns.EXTRACTION_RECORD}> ?rec }} }} }}"""
    entries = [
        _Cached(row["key"].value, row["a"].value, row["has"].value == "true")
        for row in store.query(query)
    ]
    fingerprint_query = f"""
        SELECT ?f WHERE {{ GRAPH <{SYSTEM_GRAPH}> {{ <{SYSTEM_GRAPH}> <{_FINGERPRINT}> ?f }} }}"""
    found = [row["f"].value for row in store.query(fingerprint_query)]
    return entries, (found[0] if found else None)


def _read_records(store: Store) -> dict[str, str]:
    """Article IRI -> cached Extraction JSON, for re-resolving the whole corpus."""

    query = f"""
        SELECT ?a ?rec WHERE {{ GRAPH <{SYSTEM_GRAPH}> {{ ?a <{ns.EXTRACTION_RECORD}> ?rec }} }}"""
    return {row["a"].value: row["rec"].value for row in store.query(query)}


def _stored_counts(store: Store) -> tuple[int, int, int, int] | None:
    """The figures the last build wrote, for a rebuild that changes nothing."""

    query = f"""
        SELECT ?c WHERE {{ GRAPH <{SYSTEM_GRAPH}> {{ <{SYSTEM_GRAPH}> <{_COUNTS}> ?c }} }}"""
    found = [row["c"].value for row in store.query(query)]
    if not found:
        return None
    entities, relations, statements, triples = (int(n) for n in found[0].split())
    return entities, relations, statements, triples


def _read_articles(
    paths: Sequence[str | Path],
    cfg: Config,
    report: BuildReport,
    enough: int = 0,
    on_enough: Callable[[], None] | None = None,
) -> list[Article]:
    """Ingest, dropping repeated texts (one article node per text) as skipped.

    `on_enough` is called once, as soon as `enough` articles have been read.
    """
    articles: list[Article] = []
    first_source: dict[str, Article] = {}
    for item in read_sources(paths, cfg):
        if isinstance(item, Skipped):
            _log.info("skipped %s: %s", item.path, item.reason)
            report.skipped.append(item)
            continue
        seen = first_source.get(item.id)
        if seen is not None:
            reason = f"same text as {seen.source} (item {seen.position}); built once"
            _log.info("skipped %s#%d: %s", item.source, item.position, reason)
            report.skipped.append(Skipped(f"{item.source}#{item.position}", reason))
            continue
        _log.info("read %s#%d: %r", item.source, item.position, item.title)
        first_source[item.id] = item
        articles.append(item)
        if on_enough is not None and len(articles) >= enough:
            on_enough()
            on_enough = None
    return articles


def _with_article(ex: Extraction, article: Article) -> Extraction:
    """A cached extraction for the same text, re-labelled with where it was read this time."""
    return replace(ex, article=article)


def build(
    paths: Sequence[str | Path],
    cfg: Config,
    *,
    prune: bool = False,
    progress: Progress | None = None,
    stages: Stages | None = None,
) -> BuildReport:
    """Build (or update) the store named by `cfg` from the articles under `paths`.

    Raises `InputError` for a missing path (before the store is touched) and
    when no article could be read at all; the store is unchanged then.
    """
    from kg.store import is_new_store, open_store

    started = time.perf_counter()
    stages = stages or Stages()
    report = BuildReport(store=cfg.store)
    collector = _WarningCollector()
    kg_log = logging.getLogger("kg")
    kg_log.addHandler(collector)
    pool = stages.pool(cfg)
    try:
        # A new store needs every article extracted: once there are enough for the
        # workers, they load the model while the rest of the corpus is read.
        warm = pool.start if pool is not None and is_new_store(cfg) else None
        articles = _read_articles(paths, cfg, report, enough_for_workers(cfg), warm)
        if not articles:
            reasons = "; ".join(f"{s.path}: {s.reason}" for s in report.skipped[:3])
            more = f" ({reasons})" if reasons else ""
            raise InputError(f"nothing to build: no readable articles{more}")
        report.articles = len(articles)
        store = open_store(cfg, create=True)
        try:
            before = _update(store, articles, cfg, prune, progress, stages, report, pool)
            if before is not None:
                _compare(store, report, before)
        finally:
            store.close()
    finally:
        if pool is not None:
            pool.close()
        kg_log.removeHandler(collector)
        report.warnings = collector.messages
        hint = report.changes.hint()
        if hint is not None:
            report.warnings.append(hint)
    report.elapsed = time.perf_counter() - started
    return report


def _update(
    store: Store,
    articles: list[Article],
    cfg: Config,
    prune: bool,
    progress: Progress | None,
    stages: Stages,
    report: BuildReport,
    pool: ExtractionPool | None = None,
) -> dict[str, str] | None:
    """Plan, extract, resolve and write; consumes `articles` (the list is emptied).

    Returns the entity names the store held before ({IRI: label}, for the
    change report), or None when the build wrote nothing.
    """
    entries, stored_fingerprint = _read_cache(store)
    fingerprint = pipeline_fingerprint(cfg)
    fresh = stored_fingerprint == fingerprint
    report.cache_stale = bool(entries) and not fresh
    wanted, kept, dropped = _plan(entries, articles, prune, report)
    if fresh and not (report.new or report.changed or dropped):
        # Nothing was added, changed or removed, and the extractor is the same: the
        # store already holds exactly what this build would write.
        counts = _stored_counts(store)
        if counts is not None:
            report.entities, report.relations, report.statements, report.triples = counts
            report.graphs_written = 0
            _log.info("nothing to write: no article added, changed or removed")
            return None
    before = _before(store, report)
    records = _read_records(store) if entries else {}

    # Reuse cached extractions where the text (and the extractor) is the same.
    cached: list[Extraction] = []
    to_extract: list[Article] = []
    for iri, (_, art) in wanted.items():
        record = records.get(iri)
        if record is not None and fresh:
            cached.append(_with_article(Extraction.from_json(record), art))
        else:
            to_extract.append(art)
    for iri in kept:
        ex = Extraction.from_json(records.pop(iri))
        if fresh:
            cached.append(ex)
        else:
            to_extract.append(ex.article)
    records.clear()
    keys = {**kept, **{iri: key for iri, (key, _) in wanted.items()}}
    # From here on each text lives only in `cached`/`to_extract`, which are drained
    # as the stream goes: a corpus's texts are never all in memory at the end.
    wanted.clear()
    articles.clear()
    count = len(to_extract)
    _log.info(
        "%d articles from the cache, %d to extract%s",
        len(cached),
        count,
        f" with {cfg.workers} worker(s)" if count else "",
    )

    with tempfile.TemporaryFile(prefix="kg-build-") as spool_file:
        spool = Spool(spool_file)

        def stream() -> Iterator[Extraction]:
            """Every extraction of the corpus, spooled to disk as it passes to the resolver."""
            for ex in _drain(cached):
                spool.add(ex, keys[ns.article_iri(ex.article.id)])
                yield ex
            if not count:
                return
            extracted = stages.extract_all(_drain(to_extract), count, cfg, pool)
            for done, ex in enumerate(extracted, start=1):
                spool.add(ex, keys[ns.article_iri(ex.article.id)])
                if progress is not None:
                    progress("extract", done, count)
                yield ex
            report.extracted = count

        # The resolver consumes the extraction stream while the workers are still busy.
        resolution = stages.resolve(stream(), cfg)
        missing = set(keys) - spool.articles
        if missing:
            raise RuntimeError(f"extractor returned no result for {len(missing)} article(s)")
        tally = Tally()
        if store.creating:
            # Nobody can see a store being created: stream it in, batch by batch.
            lines = _reporting(spool, progress, len(spool.articles))
            _create(store, lines, len(spool.articles), resolution, tally, fingerprint, cfg)
            _set_counts(report, tally, resolution)
            report.graphs_written = tally.graphs + 1  # and the system graph
            _log.info("wrote %d graphs into a new store", report.graphs_written)
            return before
        lines = _reporting(spool, progress, len(spool.articles))
        replace = _changes(store, graphs(lines, resolution, tally))
    _set_counts(report, tally, resolution)
    replace[SYSTEM_GRAPH].extend(_system_triples(fingerprint, tally, resolution))
    report.graphs_written = _changed_graphs(store, replace, dropped)
    _log.info("writing %d graphs (%d dropped)", report.graphs_written, len(dropped))
    store.apply(replace, drop=sorted(dropped))
    return before


def _before(store: Store, report: BuildReport) -> dict[str, str]:
    """The figures and entity names the store holds before this build writes (change report)."""
    if store.creating:
        return {}
    counts = _stored_counts(store)
    if counts is not None:
        entities, relations, statements, _ = counts
        report.changes.before = Figures(entities, relations, statements, funding_facts(store))
    return entity_names(store)


def _compare(store: Store, report: BuildReport, before: dict[str, str]) -> None:
    """Fill the change report's after-figures and entity names from the written store."""
    after = Figures(report.entities, report.relations, report.statements, funding_facts(store))
    report.changes.after = after
    report.changes.compare(before, entity_names(store))


def _reporting(
    lines: Iterable[tuple[str, str]], progress: Progress | None, total: int
) -> Iterator[tuple[str, str]]:
    """Spooled articles, reporting the "write" stage as they are handed on."""
    for done, line in enumerate(lines, start=1):
        yield line
        if progress is not None:
            progress("write", done, total)


def _create(
    store: Store,
    lines: Iterable[tuple[str, str]],
    count: int,
    resolution: Resolution,
    tally: Tally,
    fingerprint: str,
    cfg: Config,
) -> None:
    """Fill a new store from the spool, as N-Quads: in worker processes when there are several.

    Making an article's triples costs more than loading them, and each article
    is independent once resolution is done, so with `--workers` N the workers
    turn batches of records into N-Quads while this process feeds the loader.
    With one process the same documents are made here, while the store's
    loader thread loads the previous one.
    """
    from kg.build.workers import nquads_parallel
    from kg.graph import rdf

    workers = cfg.workers if cfg.workers > 1 and count >= enough_for_workers(cfg) else 1

    def documents() -> Iterator[bytes]:
        for document, part in nquads_parallel(lines, resolution, workers):
            tally.merge(part)
            yield document
        entities = rdf.entity_triples(resolution)
        tally.add(entities)
        last = [(ENTITIES_GRAPH, entities)]
        last.append((SYSTEM_GRAPH, _system_triples(fingerprint, tally, resolution)))
        yield nquads(last)

    store.load_nquads(documents())


def _drain(items: list[T]) -> Iterator[T]:
    """Hand out each item once and let go of it: the list is empty afterwards."""
    items.reverse()
    while items:
        yield items.pop()


def _plan(
    entries: list[_Cached], articles: list[Article], prune: bool, report: BuildReport
) -> tuple[dict[str, tuple[str, Article]], dict[str, str], set[str]]:
    """Sort articles into wanted (read now), kept (earlier, still valid) and dropped graphs.

    Returns wanted: IRI -> (source key, article); kept: IRI -> source key;
    dropped: IRIs of stored articles whose source was re-read without them,
    or, with `prune`, that were not read at all.
    """
    stored_by_key = {e.key: e for e in entries}
    wanted: dict[str, tuple[str, Article]] = {}
    for art in articles:
        key, iri = source_key(art), ns.article_iri(art.id)
        old = stored_by_key.get(key)
        if old is None:
            report.new += 1
            report.changes.new.append(article_label(art))
        elif old.article_iri == iri:
            report.unchanged += 1
        else:
            report.changed += 1
            report.changes.changed.append(article_label(art))
        wanted[iri] = (key, art)
    read_keys = {key for key, _ in wanted.values()}
    read_files = {key.rpartition("#")[0] for key in read_keys}

    kept: dict[str, str] = {}
    dropped: set[str] = set()
    for entry in entries:
        if entry.article_iri in wanted or entry.article_iri in kept:
            continue
        gone = prune or entry.key.rpartition("#")[0] in read_files
        if gone or not entry.has_record:
            dropped.add(entry.article_iri)
            if entry.key not in read_keys:
                report.removed += 1
                report.changes.removed.append(source_label(entry.key))
        else:
            kept[entry.article_iri] = entry.key
            report.changes.note_not_given(entry.key)
    return wanted, kept, dropped


def _set_counts(report: BuildReport, tally: Tally, resolution: Resolution) -> None:
    report.entities = len(resolution.entities)
    report.relations = len(tally.edges)
    report.statements = tally.statements
    report.triples = tally.triples


def _system_triples(fingerprint: str, tally: Tally, resolution: Resolution) -> list[Any]:
    """The build's own facts: the extractor fingerprint, the figures, and the build summary.

    Made once every article graph has been tallied (all three write paths call
    it last), so the summary counts the whole store, not just what changed.
    """
    import pyoxigraph

    from kg.graph.rdf import summary_triples

    report = BuildReport(store="")
    _set_counts(report, tally, resolution)
    figures = f"{report.entities} {report.relations} {report.statements} {report.triples}"
    system = pyoxigraph.NamedNode(SYSTEM_GRAPH)
    return [
        pyoxigraph.Triple(
            system, pyoxigraph.NamedNode(_FINGERPRINT), pyoxigraph.Literal(fingerprint)
        ),
        pyoxigraph.Triple(system, pyoxigraph.NamedNode(_COUNTS), pyoxigraph.Literal(figures)),
        *summary_triples(tally.rules, tally.mentions),
    ]


def _changes(store: Store, pieces: Iterable[Piece]) -> dict[str, list[Any]]:
    """What an update must write, gathered as the graphs stream past.

    Resolution can move any article's entity IRIs, so every article graph is
    made again; but one equal to the stored graph is dropped on the spot, so an
    update of a large store holds only the articles that changed, not the whole
    corpus's triples. The entities and system graphs are kept whole (`apply`
    diffs them). A backend that cannot read one graph back keeps everything.
    """
    from kg.namespace import ENTITIES_GRAPH

    replace: dict[str, list[Any]] = {}
    for graph, triples in pieces:
        stored = None if graph in (SYSTEM_GRAPH, ENTITIES_GRAPH) else store.triples(graph)
        if stored is None:
            replace.setdefault(graph, []).extend(triples)
        elif set(triples) != stored:
            replace[graph] = triples
    return replace


def _changed_graphs(store: Store, replace: dict[str, list[Any]], dropped: set[str]) -> int:
    """How many graphs this build rewrites (0 on an idempotent rebuild)."""
    existing = store.graph_names()
    changed = len(dropped & existing)
    for graph, items in replace.items():
        if (stored := store.triples(graph)) is None or set(items) != stored:
            changed += 1 if (items or graph in existing) else 0
    return changed
