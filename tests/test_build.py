"""Build orchestration: caching, incremental updates, pruning, atomic failure.

Most tests run the real ingest and rdf stages with light stand-ins for the
NLP stages (capitalised words are entities), so they are fast and test the
orchestration, not the extractor. The last tests use the real pipeline.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

import kg.build.runner
import kg.build.workers
from kg.build import runner as build_mod
from kg.build.runner import Stages, build
from kg.config import Config
from kg.errors import InputError, StoreError
from kg.model import (
    Article,
    Entity,
    Evidence,
    Extraction,
    LocalEntity,
    Mention,
    RelationFact,
    Resolution,
)
from kg.namespace import ENTITIES_GRAPH, SYSTEM_GRAPH, article_iri, entity_iri
from kg.store import open_store
from kg.store.embedded import OxiStore

WORD = re.compile(r"\b[A-Z][a-z]+\b")


class FakeNLP:
    """Counts pipeline loads and extracted articles."""

    def __init__(self) -> None:
        self.loads = 0
        self.extracted: list[str] = []

    def load(self, cfg: Config) -> str:
        self.loads += 1
        return "nlp"

    def extract(
        self, articles: Iterable[Article], nlp: object, cfg: Config
    ) -> Iterator[Extraction]:
        assert nlp == "nlp"
        for art in articles:
            self.extracted.append(art.source)
            found: dict[str, list[Mention]] = {}
            for m in WORD.finditer(art.text):
                if m.group() not in {"The", "A"}:
                    found.setdefault(m.group(), []).append(Mention(m.start(), m.end(), m.group()))
            entities = [
                LocalEntity(key=w, types=("Company",), names=(w,), mentions=tuple(ms))
                for w, ms in sorted(found.items())
            ]
            relations = []
            if len(entities) >= 2:
                ev = Evidence(
                    sentence=art.text, start=0, end=len(art.text), rule="fake", confidence=0.5
                )
                relations.append(RelationFact(entities[0].key, "memberOf", entities[1].key, ev))
            yield Extraction(article=art, entities=entities, relations=relations)

    @staticmethod
    def resolve(extractions: Iterable[Extraction], cfg: Config) -> Resolution:
        res = Resolution()
        for ex in extractions:
            for ent in ex.entities:
                eid = ent.key.lower()
                res.mapping[(ex.article.id, ent.key)] = eid
                res.entities[eid] = Entity(eid, ent.types, ent.names[0], ())
        return res

    def stages(self) -> Stages:
        return Stages(load_pipeline=self.load, extract=self.extract, resolve=self.resolve)


@pytest.fixture
def fake() -> FakeNLP:
    return FakeNLP()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text("Acme joins Lab\n\nAcme is a member of Lab in Town.\n")
    (root / "b.txt").write_text("Beta opens\n\nBeta opens a site in Town with Lab.\n")
    return root


def quads(location: str) -> list[str]:
    with open_store(Config(store=location)) as store:
        return [str(q) for q in store.quads(include_system=True)]


def graphs(location: str) -> set[str]:
    with open_store(Config(store=location)) as store:
        return store.graph_names()


def entity_labels(location: str) -> set[str]:
    with open_store(Config(store=location)) as store:
        rows = store.query(f"SELECT ?l WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ ?e ?p ?l }} }}")
        return {r["l"].value for r in rows if hasattr(r["l"], "datatype")}


def run(paths: list[Path], store: str, fake: FakeNLP, **kwargs: object):
    return build(paths, Config(store=store), stages=fake.stages(), **kwargs)


def test_first_build(corpus: Path, tmp_store: str, fake: FakeNLP) -> None:
    report = run([corpus], tmp_store, fake)
    assert (report.articles, report.new, report.extracted) == (2, 2, 2)
    assert (report.changed, report.unchanged, report.removed) == (0, 0, 0)
    assert report.entities == 4  # Acme, Lab, Town, Beta
    assert report.relations == 2
    assert report.triples > 0
    assert fake.loads == 1
    ids = {a.id for a in _articles(corpus)}
    assert graphs(tmp_store) == {article_iri(i) for i in ids} | {ENTITIES_GRAPH, SYSTEM_GRAPH}


def test_rebuild_is_idempotent_and_needs_no_nlp(
    corpus: Path, tmp_store: str, fake: FakeNLP
) -> None:
    run([corpus], tmp_store, fake)
    before = quads(tmp_store)
    fake2 = FakeNLP()
    report = run([corpus], tmp_store, fake2)
    assert quads(tmp_store) == before
    assert (report.unchanged, report.extracted, report.graphs_written) == (2, 0, 0)
    assert fake2.loads == 0


def test_changed_article_replaces_its_graph(corpus: Path, tmp_store: str, fake: FakeNLP) -> None:
    run([corpus], tmp_store, fake)
    old = article_iri(_article(corpus / "a.txt").id)
    (corpus / "a.txt").write_text("Acme leaves Lab\n\nAcme moves to Dorf.\n")
    new = article_iri(_article(corpus / "a.txt").id)
    fake2 = FakeNLP()
    report = run([corpus], tmp_store, fake2)
    assert (report.changed, report.unchanged, report.new) == (1, 1, 0)
    assert fake2.extracted == [str(corpus / "a.txt")]
    names = graphs(tmp_store)
    assert old not in names
    assert new in names
    assert "Dorf" in entity_labels(tmp_store)


def test_update_hands_the_store_only_graphs_that_changed(
    corpus: Path, tmp_store: str, fake: FakeNLP, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update of a big store must not hold every article's triples to write one."""
    run([corpus], tmp_store, fake)
    (corpus / "a.txt").write_text("Acme leaves Lab\n\nAcme moves to Dorf.\n")
    written: list[set[str]] = []
    real_apply = OxiStore.apply

    def spy(self: OxiStore, replace: Any, drop: Any = ()) -> None:
        written.append(set(replace))
        real_apply(self, replace, drop)

    monkeypatch.setattr(OxiStore, "apply", spy)
    run([corpus], tmp_store, FakeNLP())
    changed = article_iri(_article(corpus / "a.txt").id)
    assert written == [{changed, ENTITIES_GRAPH, SYSTEM_GRAPH}]
    assert article_iri(_article(corpus / "b.txt").id) in graphs(tmp_store)


def test_new_article_is_resolved_with_cached_ones(
    corpus: Path, tmp_store: str, fake: FakeNLP
) -> None:
    run([corpus], tmp_store, fake)
    (corpus / "c.txt").write_text("Gamma news\n\nGamma joins Lab.\n")
    fake2 = FakeNLP()
    report = run([corpus], tmp_store, fake2)
    assert (report.new, report.unchanged, report.extracted) == (1, 2, 1)
    labels = entity_labels(tmp_store)
    assert {"Acme", "Beta", "Gamma", "Lab"} <= labels


def test_deleted_file_stays_without_prune(corpus: Path, tmp_store: str, fake: FakeNLP) -> None:
    run([corpus], tmp_store, fake)
    gone = article_iri(_article(corpus / "b.txt").id)
    (corpus / "b.txt").unlink()
    report = run([corpus], tmp_store, fake)
    assert report.removed == 0
    assert gone in graphs(tmp_store)
    assert "Beta" in entity_labels(tmp_store)


def test_prune_removes_articles_not_given(corpus: Path, tmp_store: str, fake: FakeNLP) -> None:
    run([corpus], tmp_store, fake)
    gone = article_iri(_article(corpus / "b.txt").id)
    (corpus / "b.txt").unlink()
    report = run([corpus], tmp_store, fake, prune=True)
    assert report.removed == 1
    assert gone not in graphs(tmp_store)
    assert "Beta" not in entity_labels(tmp_store)
    assert entity_iri("beta") not in "".join(quads(tmp_store))


def test_other_sources_are_kept_unless_pruned(
    corpus: Path, tmp_path: Path, tmp_store: str, fake: FakeNLP
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "z.txt").write_text("Zeta report\n\nZeta works with Acme.\n")
    run([corpus], tmp_store, fake)
    report = run([other], tmp_store, fake)
    assert (report.new, report.removed) == (1, 0)
    assert {"Acme", "Beta", "Zeta"} <= entity_labels(tmp_store)
    report = run([other], tmp_store, fake, prune=True)
    assert report.removed == 2
    assert "Beta" not in entity_labels(tmp_store)


@pytest.mark.parametrize("stage", ["extract", "resolve"])
def test_failing_stage_leaves_store_unchanged(
    corpus: Path, tmp_store: str, fake: FakeNLP, stage: str
) -> None:
    run([corpus], tmp_store, fake)
    before = quads(tmp_store)
    (corpus / "a.txt").write_text("Acme changed\n\nAcme is now in Dorf.\n")
    (corpus / "c.txt").write_text("Gamma news\n\nGamma joins Lab.\n")

    def boom(*args: object) -> Iterator[Extraction]:
        raise RuntimeError(f"{stage} crashed")

    stages = fake.stages()
    stages = Stages(
        load_pipeline=stages.load_pipeline,
        extract=boom if stage == "extract" else stages.extract,
        resolve=boom if stage == "resolve" else stages.resolve,
    )
    with pytest.raises(RuntimeError, match="crashed"):
        build([corpus], Config(store=tmp_store), stages=stages)
    assert quads(tmp_store) == before


def test_failed_first_build_leaves_no_store(corpus: Path, tmp_store: str) -> None:
    def boom(*args: object) -> object:
        raise RuntimeError("model exploded")

    with pytest.raises(RuntimeError):
        build([corpus], Config(store=tmp_store), stages=Stages(load_pipeline=boom))
    assert not Path(tmp_store).exists()


def test_missing_path_is_an_input_error(tmp_path: Path, tmp_store: str, fake: FakeNLP) -> None:
    with pytest.raises(InputError, match="path not found"):
        run([tmp_path / "nope"], tmp_store, fake)
    assert not Path(tmp_store).exists()
    assert fake.loads == 0


def test_nothing_readable(tmp_path: Path, tmp_store: str, fake: FakeNLP) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("")
    with pytest.raises(InputError, match=r"nothing to build.*empty file"):
        run([tmp_path / "in"], tmp_store, fake)
    assert not Path(tmp_store).exists()


def test_nothing_readable_keeps_existing_store(
    corpus: Path, tmp_path: Path, tmp_store: str, fake: FakeNLP
) -> None:
    run([corpus], tmp_store, fake)
    before = quads(tmp_store)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError):
        run([tmp_path / "empty"], tmp_store, fake, prune=True)
    assert quads(tmp_store) == before


def test_store_path_is_a_file(corpus: Path, tmp_path: Path, fake: FakeNLP) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        run([corpus], str(path), fake)
    assert fake.loads == 0


def test_skipped_and_warnings_are_reported(corpus: Path, tmp_store: str, fake: FakeNLP) -> None:
    (corpus / "notes.txt").write_text("   \n")
    (corpus / "latin.txt").write_bytes(
        "Caf\xe9 news\n\nCaf\xe9 Zorro opens in M\xfcnchen.\n".encode("cp1252")
    )
    report = run([corpus], tmp_store, fake)
    assert [(Path(s.path).name, s.reason) for s in report.skipped] == [("notes.txt", "empty file")]
    assert any("latin.txt" in w and "cp1252" in w for w in report.warnings)
    assert not logging.getLogger("kg").handlers  # the collector is removed again


def test_duplicate_text_is_built_once(corpus: Path, tmp_store: str, fake: FakeNLP) -> None:
    (corpus / "copy.txt").write_text((corpus / "a.txt").read_text())
    report = run([corpus], tmp_store, fake)
    assert report.articles == 2
    assert len(report.skipped) == 1 and "same text as" in report.skipped[0].reason
    again = run([corpus], tmp_store, fake)
    assert again.graphs_written == 0


def test_changed_extractor_reextracts_from_cache(
    corpus: Path, tmp_path: Path, tmp_store: str, fake: FakeNLP, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "z.txt").write_text("Zeta report\n\nZeta works with Acme.\n")
    run([corpus], tmp_store, fake)
    run([other], tmp_store, fake)
    monkeypatch.setattr(build_mod, "pipeline_fingerprint", lambda cfg: "new-extractor")
    fake2 = FakeNLP()
    report = run([corpus], tmp_store, fake2)
    assert report.cache_stale
    # corpus articles from their files, z.txt (not given, kept) from the cached text
    assert sorted(Path(s).name for s in fake2.extracted) == ["a.txt", "b.txt", "z.txt"]
    assert fake2.loads == 1


def test_fingerprint_ignores_downstream_modules(tmp_path: Path) -> None:
    cfg = Config()
    assert build_mod.pipeline_fingerprint(cfg) == build_mod.pipeline_fingerprint(cfg)
    lexicon = tmp_path / "lexicon"
    lexicon.mkdir()
    (lexicon / "names.tsv").write_text("Acme\tCompany\n")
    first = build_mod.pipeline_fingerprint(Config(lexicon_dir=lexicon))
    (lexicon / "names.tsv").write_text("Acme\tCompany\nBeta\tCompany\n")
    assert build_mod.pipeline_fingerprint(Config(lexicon_dir=lexicon)) != first


def test_fingerprint_covers_nlp_and_leaves_out_downstream_stages() -> None:
    """An allow-list by package: every NLP module is in (new ones too), no later stage is."""
    import kg
    from kg.build.fingerprint import EXTRACTION_MODULES, extraction_code

    package = Path(kg.__file__).resolve().parent
    covered = {p.relative_to(package).as_posix() for p in extraction_code(package)}
    nlp = {p.relative_to(package).as_posix() for p in (package / "nlp").rglob("*.py")}
    assert nlp and nlp <= covered
    assert "nlp/rules/financing.py" in covered and "nlp/reader.py" in covered
    for later in ("build", "store", "graph", "view", "sparql", "eval"):
        assert not any(path.startswith(later + "/") for path in covered), later
    assert {"cli.py", "config.py", "progress.py"}.isdisjoint(covered)
    # every named kernel module exists: a misspelt name would silently drop it
    assert all((package / f"{name}.py").is_file() for name in EXTRACTION_MODULES)


def test_fingerprint_changes_with_nlp_code_only(tmp_path: Path) -> None:
    """A copy of the package: editing a rule changes the fingerprint, editing a view does not."""
    import shutil

    import kg
    from kg.build.fingerprint import extraction_code

    copy = tmp_path / "kg"
    shutil.copytree(Path(kg.__file__).resolve().parent, copy)

    def digest() -> list[bytes]:
        return [p.read_bytes() for p in extraction_code(copy)]

    before = digest()
    (copy / "view" / "stats.py").write_text("# changed\n", encoding="utf-8")
    assert digest() == before
    (copy / "nlp" / "rules" / "new_family.py").write_text("RULES = {}\n", encoding="utf-8")
    assert digest() != before


def _articles(root: Path) -> list[Article]:
    from kg.ingest import read_inputs

    return read_inputs([root])[0]


def _article(path: Path) -> Article:
    (article,) = _articles(path)
    return article


@pytest.mark.parametrize(
    ("min_per_worker", "parallel_calls", "parent_loads"),
    [
        # Workers load their own pipelines; the parent does not.
        (0, [3], 0),
        # Two articles do not pay for loading the model in three worker processes.
        (None, [], 1),
    ],
    ids=["parallel", "small-build-in-process"],
)
def test_workers_and_the_parallel_stage(
    corpus: Path,
    tmp_store: str,
    fake: FakeNLP,
    monkeypatch: pytest.MonkeyPatch,
    min_per_worker: int | None,
    parallel_calls: list[int],
    parent_loads: int,
) -> None:
    if min_per_worker is not None:
        monkeypatch.setattr("kg.build.runner.MIN_ARTICLES_PER_WORKER", min_per_worker)
    calls: list[int] = []

    def parallel(articles: Iterable[Article], cfg: Config) -> Iterator[Extraction]:
        calls.append(cfg.workers)
        return fake.extract(articles, "nlp", cfg)

    stages = Stages(
        load_pipeline=fake.load,
        extract=fake.extract,
        resolve=fake.resolve,
        extract_parallel=parallel,
    )
    report = build([corpus], Config(store=tmp_store, workers=3), stages=stages)
    assert report.extracted == 2
    assert calls == parallel_calls
    assert fake.loads == parent_loads


def test_two_workers_write_the_same_store_as_one(
    corpus: Path, tmp_path: Path, fake: FakeNLP, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With workers, article triples are made in other processes; both load N-Quads."""
    for i in range(4):
        (corpus / f"more{i}.txt").write_text(f"Firm{i} news\n\nFirm{i} joins Lab in Town{i}.\n")
    monkeypatch.setattr("kg.build.runner.MIN_ARTICLES_PER_WORKER", 1)
    monkeypatch.setattr("kg.build.workers.NQUADS_BATCH", 1)  # one task per article: interleaved
    pooled: list[int] = []
    real = kg.build.workers.nquads_parallel

    def counted(*args: Any) -> Iterator[tuple[bytes, Any]]:
        pooled.append(args[2])
        return real(*args)

    monkeypatch.setattr("kg.build.workers.nquads_parallel", counted)

    def parallel(articles: Iterable[Article], cfg: Config) -> Iterator[Extraction]:
        return fake.extract(articles, "nlp", cfg)

    stages = Stages(fake.load, fake.extract, fake.resolve, parallel)
    one, two = str(tmp_path / "one"), str(tmp_path / "two")
    report_one = build([corpus], Config(store=one, workers=1), stages=stages)
    report_two = build([corpus], Config(store=two, workers=2), stages=stages)
    assert pooled == [1, 2]  # in process for 1 worker, in 2 worker processes for 2
    assert quads(two) == quads(one)
    figures = ("articles", "entities", "relations", "statements", "triples", "graphs_written")
    assert [getattr(report_two, f) for f in figures] == [getattr(report_one, f) for f in figures]
    assert report_one.graphs_written == report_one.articles + 2  # and entities, system


def test_progress_reports_extraction_then_writing(
    corpus: Path, tmp_store: str, fake: FakeNLP
) -> None:
    seen: list[tuple[str, int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        seen.append((stage, done, total))

    build([corpus], Config(store=tmp_store), progress=progress, stages=fake.stages())
    assert seen == [("extract", 1, 2), ("extract", 2, 2), ("write", 1, 2), ("write", 2, 2)]
    (corpus / "c.txt").write_text("Gamma news\n\nGamma joins Lab.\n")
    seen.clear()
    build([corpus], Config(store=tmp_store), progress=progress, stages=FakeNLP().stages())
    assert seen == [("extract", 1, 1), *[("write", i, 3) for i in (1, 2, 3)]]


class FakePool:
    """Stands in for kg.build.workers.ExtractionPool: records when it is started and used."""

    events: ClassVar[list[str]] = []

    def __init__(self, cfg: Config, workers: int) -> None:
        self.workers = workers
        self.fake = FakeNLP()

    def start(self) -> None:
        self.events.append("start")

    def extract(
        self, articles: Iterable[Article], total: int | None = None
    ) -> Iterator[Extraction]:
        self.events.append(f"extract {total}")
        return self.fake.extract(articles, "nlp", Config())

    def close(self) -> None:
        self.events.append("close")


def test_a_first_build_starts_the_workers_while_reading(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New store: workers start once enough articles are read; an update starts them later."""
    for i in range(3):
        (corpus / f"more{i}.txt").write_text(f"Firm{i} news\n\nFirm{i} joins Lab.\n")
    monkeypatch.setattr("kg.build.runner.MIN_ARTICLES_PER_WORKER", 2)  # 2 workers: 4 of 5 articles
    monkeypatch.setattr(kg.build.workers, "ExtractionPool", FakePool)
    real_read = kg.build.runner.read_sources

    def reading(paths: Any, cfg: Config) -> Iterator[Any]:
        for item in real_read(paths, cfg):
            FakePool.events.append("read")
            yield item

    monkeypatch.setattr(kg.build.runner, "read_sources", reading)
    FakePool.events = []
    store = str(tmp_path / "store")
    cfg = Config(store=store, workers=2)
    report = build([corpus], cfg)
    assert report.extracted == 5
    # Started after the fourth article, before the fifth was read; extracted with the count.
    assert FakePool.events == ["read"] * 4 + ["start", "read", "extract 5", "close"]

    FakePool.events = []
    for i in range(4):
        (corpus / f"new{i}.txt").write_text(f"Corp{i} news\n\nCorp{i} joins Hub.\n")
    report = build([corpus], cfg)
    assert report.extracted == 4
    # The store exists: what needs extracting is known only after reading and planning.
    assert FakePool.events == ["read"] * 9 + ["extract 4", "close"]


def test_only_the_default_parallel_stage_gets_a_pool(fake: FakeNLP) -> None:
    assert Stages().pool(Config(workers=1)) is None
    assert fake.stages().pool(Config(workers=2)) is not None  # default parallel stage
    custom = Stages(fake.load, fake.extract, fake.resolve, lambda arts, cfg: iter(()))
    assert custom.pool(Config(workers=2)) is None
    pool = Stages().pool(Config(workers=2))
    assert pool is not None and not pool.started  # nothing runs until somebody starts it
