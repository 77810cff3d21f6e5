"""Shared fixtures (owner: store/cli helper; others append, never rewrite).

Stores and article folders are always fresh temporary copies, so no test can
damage the checked-in seeds or another test's store. The fixtures that need
the NLP stages skip (not fail) until those modules exist, which lets the
store/query/export tests run on hand-made quads meanwhile.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SEED_DIR = REPO / "data" / "articles"


def _require(*modules: str) -> None:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"not written yet: {', '.join(missing)}")


@pytest.fixture
def runner() -> CliRunner:
    """A CLI runner; click 8.2+ keeps stderr apart from stdout (result.stderr)."""
    return CliRunner()


@pytest.fixture
def tmp_store(tmp_path: Path) -> str:
    """Path of a store directory that does not exist yet (a build creates it)."""
    return str(tmp_path / "store")


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """A private copy of data/articles that a test may edit, add to or delete from."""
    target = tmp_path / "articles"
    shutil.copytree(SEED_DIR, target)
    return target


@pytest.fixture
def blank_nlp():  # -> spacy.Language
    """A tokenizer-only pipeline: fast, for tests of rule components and offsets."""
    import spacy

    return spacy.blank("en")


@pytest.fixture(scope="session")
def nlp():  # -> spacy.Language
    """The real pipeline, loaded once per session (slow)."""
    _require("kg.nlp")
    from kg.config import Config
    from kg.nlp import load_pipeline

    return load_pipeline(Config())


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Path of a store built once from the seed articles. Read it; never write to it."""
    _require("kg.ingest", "kg.nlp", "kg.extract", "kg.resolve", "kg.rdf", "kg.build")
    from kg.build import build
    from kg.config import Config

    base = tmp_path_factory.mktemp("built")
    articles = base / "articles"
    shutil.copytree(SEED_DIR, articles)
    location = str(base / "store")
    build([articles], Config(store=location))
    yield location


def sample_graphs() -> dict[str, list]:
    """Hand-made graphs in the fixed RDF shape (brief): two articles, entities, system.

    Entity names are invented on purpose; the store/query/export tests must not
    depend on the extractor.
    """
    import pyoxigraph as ox

    from kg.namespace import PREFIXES
    from kg.store import ENTITIES_GRAPH, SYSTEM_GRAPH

    kg, base, xsd = PREFIXES["kg"], PREFIXES["id"], PREFIXES["xsd"]
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")

    def n(local: str) -> ox.NamedNode:
        return ox.NamedNode(base + local)

    def k(local: str) -> ox.NamedNode:
        return ox.NamedNode(kg + local)

    def lit(value: str, dtype: str | None = None) -> ox.Literal:
        return ox.Literal(value, datatype=ox.NamedNode(xsd + dtype)) if dtype else ox.Literal(value)

    acme, lab, town = n("entity/acme"), n("entity/lab"), n("entity/town")
    art1, art2 = n("article/a1"), n("article/a2")
    st = n("statement/0123456789abcdef")
    T = ox.Triple
    article1 = [
        T(art1, rdf_type, k("Article")),
        T(art1, k("title"), lit("Acme joins the Lab network")),
        T(art1, k("date"), lit("2020-02-17", "date")),
        T(art1, k("sourceFile"), lit("a1.txt")),
        T(art1, k("position"), lit("0", "integer")),
        T(acme, k("mentionedIn"), art1),
        T(lab, k("mentionedIn"), art1),
        T(acme, k("memberOf"), lab),
        T(st, rdf_type, k("Statement")),
        T(st, k("subject"), acme),
        T(st, k("predicate"), k("memberOf")),
        T(st, k("object"), lab),
        T(st, k("hedged"), lit("false", "boolean")),
        T(st, k("sentence"), lit('Acme is a member of the "Lab"\nnetwork.')),
        T(st, k("startOffset"), lit("0", "integer")),
        T(st, k("endOffset"), lit("38", "integer")),
        T(st, k("rule"), lit("member-of")),
        T(st, k("confidence"), lit("0.85", "decimal")),
        T(st, k("inArticle"), art1),
    ]
    article2 = [
        T(art2, rdf_type, k("Article")),
        T(art2, k("title"), lit("Lab opens in Town")),
        T(art2, k("sourceFile"), lit("a2.txt")),
        T(art2, k("position"), lit("0", "integer")),
        T(lab, k("mentionedIn"), art2),
        T(town, k("mentionedIn"), art2),
        T(lab, k("locatedIn"), town),
    ]
    entities = [
        T(acme, rdf_type, k("Company")),
        T(acme, rdf_type, k("Funder")),
        T(acme, ox.NamedNode(PREFIXES["rdfs"] + "label"), lit("Acme GmbH")),
        T(acme, ox.NamedNode(PREFIXES["skos"] + "altLabel"), lit("Acme")),
        T(lab, rdf_type, k("Cluster")),
        T(lab, ox.NamedNode(PREFIXES["rdfs"] + "label"), lit("Lab Network")),
        T(town, rdf_type, k("Place")),
        T(town, ox.NamedNode(PREFIXES["rdfs"] + "label"), lit("Täunchen")),
    ]
    system = [T(art1, k("sourceKey"), lit("/tmp/a1.txt#0"))]
    return {
        art1.value: article1,
        art2.value: article2,
        ENTITIES_GRAPH: entities,
        SYSTEM_GRAPH: system,
    }


@pytest.fixture
def sample_store(tmp_store: str) -> str:
    """Path of a closed store holding `sample_graphs()` (no NLP involved)."""
    from kg.config import Config
    from kg.store import open_store

    with open_store(Config(store=tmp_store), create=True) as store:
        store.apply(sample_graphs())
    return tmp_store
