"""Extraction quality on every gold set, and on real-dev when present, stays at or above its floor.

Built through `kg.build.runner`, the path users take, and scored with `kg.eval.score`, the
rules of ANNOTATION.md section 3. The dev set was written independently of
the extractor and uses invented names, so it guards generalisation; the seed
articles guard the sample corpus.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.build.runner import Stages, build
from kg.config import Config
from kg.eval.score import load_gold, score_store
from kg.store import open_store

pytestmark = pytest.mark.model

REPO = Path(__file__).resolve().parent.parent
TARGETS = {
    # gold file, articles, typed-entity F1, relation F1
    # The targets for the seeds and the dev set ...
    "seeds": ("data/gold/seeds.json", "data/articles", 0.95, 0.85),
    "dev": ("data/gold/dev.json", "data/dev", 0.90, 0.75),
    # ... and regression floors for the two sets written later, independently of the
    # extractor (their first, untuned scores are in the README).
    "test": ("data/gold/test.json", "data/test", 0.95, 0.80),
    "holdout": ("data/gold/holdout.json", "data/holdout", 0.94, 0.77),
    "final": ("data/gold/final.json", "data/final", 0.95, 0.76),
    # Written last by someone who never saw the extractor; its misses were not used to tune it.
    "blind": ("data/gold/blind.json", "data/blind", 0.93, 0.76),
    # Real-style pages written after the last issue-13 rule and scored once (0.957 / 0.757,
    # data/gold/FRESH-README.md): a regression floor, never a tuning target.
    "fresh": ("data/gold/fresh.json", "data/fresh", 0.93, 0.72),
}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_gold_targets(name: str, nlp, tmp_path: Path) -> None:
    gold_path, articles, typed_target, relation_target = TARGETS[name]
    corpus = tmp_path / "articles"
    shutil.copytree(REPO / articles, corpus)
    cfg = Config(store=str(tmp_path / "store"))
    build([corpus], cfg, stages=Stages(load_pipeline=lambda _cfg: nlp))
    with open_store(cfg) as store:
        report = score_store(store, load_gold(REPO / gold_path))
    scores = report.to_dict()
    typed = scores["entities_typed"]["f1"]
    relations = scores["relations"]["f1"]
    assert typed >= typed_target, report.to_text(verbose=True)
    assert relations >= relation_target, report.to_text(verbose=True)


REAL_DEV = REPO.parent / "shared" / "real-dev"
#: Floors on the third-party real articles (issue 13's real-dev targets: typed-entity F1
#: >= 0.90, relation precision >= 0.85, relation F1 >= 0.75; F1 is held at 0.78, a little
#: under the 0.81 reached, so a real regression fails and noise between models does not).
REAL_DEV_FLOORS = {"typed_f1": 0.90, "relation_precision": 0.85, "relation_f1": 0.78}


def test_real_dev_floors(nlp, tmp_path: Path) -> None:
    """Real news, read in place: the texts are third-party and never copied into the repo."""
    if not (REAL_DEV / "gold.json").is_file():
        pytest.skip("../shared/real-dev is not here")
    cfg = Config(store=str(tmp_path / "store"))
    build([REAL_DEV / "articles"], cfg, stages=Stages(load_pipeline=lambda _cfg: nlp))
    with open_store(cfg) as store:
        report = score_store(store, load_gold(REAL_DEV / "gold.json"))
    scores = report.to_dict()
    reached = {
        "typed_f1": scores["entities_typed"]["f1"],
        "relation_precision": scores["relations"]["precision"],
        "relation_f1": scores["relations"]["f1"],
    }
    low = {k: v for k, v in reached.items() if v < REAL_DEV_FLOORS[k]}
    assert not low, report.to_text(verbose=True)


@pytest.mark.parametrize("name", ["holdout", "final"])
def test_scores_do_not_depend_on_the_hash_seed(name: str, nlp, tmp_path: Path) -> None:
    """Both graphs have equally good pairings of gold entities and nodes; with hash
    seed 1 the scorer's choice once followed Python's set order and moved relation F1."""
    gold_path, articles, _typed, _relations = TARGETS[name]
    import os
    import subprocess
    import sys

    from kg.view.export import export

    corpus = tmp_path / "articles"
    shutil.copytree(REPO / articles, corpus)
    cfg = Config(store=str(tmp_path / "store"))
    build([corpus], cfg, stages=Stages(load_pipeline=lambda _cfg: nlp))
    graph = tmp_path / "graph.nq"
    with open_store(cfg) as store:
        export(store, "nquads", graph)
    code = (
        "import sys; from kg.eval.score import load_gold, load_graph, score; "
        "print(score(load_graph(sys.argv[1]), load_gold(sys.argv[2])).to_json())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code, str(graph), str(REPO / gold_path)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
