"""How much the kg rule components cost next to the statistical model.

Runs the bare spaCy pipeline and the full kg pipeline (same model, same texts,
same process, alternating) several times and prints median words/s and their
ratio. The rule components should keep the ratio at 0.8 or above.

kg runs the model with its attribute table in place of spaCy's attribute_ruler
(same annotations, less time: kg/nlp/attribute_table.py), so the full pipeline can
come close to bare spaCy although it does more. A third variant, bare spaCy
with that one swap, shows the two effects apart: "bare+table" against bare is
what the swap saves, kg against "bare+table" is what kg's own components cost.

    .venv/bin/python benchmarks/bench_pipeline.py [--runs 5] [--repeat 6] [PATHS...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import spacy

from kg.config import DEFAULT_MODELS, Config
from kg.ingest import read_inputs
from kg.nlp.pipeline import load_pipeline

REPO = Path(__file__).resolve().parent.parent


def _model_name(requested: str | None) -> str:
    for name in (requested,) if requested else DEFAULT_MODELS:
        try:
            spacy.load(name, exclude=["senter"])
        except OSError:
            continue
        return name
    raise SystemExit(f"no spaCy pipeline installed: {requested or DEFAULT_MODELS}")


def _seconds(nlp: spacy.language.Language, texts: list[str], batch_size: int) -> float:
    start = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=batch_size):
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[REPO / "data/articles", REPO / "data/dev"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=6, help="copies of the corpus per run")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--model")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    articles, _ = read_inputs(args.paths)
    texts = [a.text for a in articles] * args.repeat
    words = sum(len(t.split()) for t in texts)
    model = _model_name(args.model)
    bare = spacy.load(model, exclude=["senter"])
    table = spacy.load(model, exclude=["senter"])
    table.add_pipe("kg_attribute_table", before="attribute_ruler")
    table.remove_pipe("attribute_ruler")
    full = load_pipeline(Config(model=model))
    bare_times, table_times, full_times = [], [], []
    for _ in range(args.runs):
        bare_times.append(_seconds(bare, texts, args.batch_size))
        table_times.append(_seconds(table, texts, args.batch_size))
        full_times.append(_seconds(full, texts, args.batch_size))
    bare_s, full_s = statistics.median(bare_times), statistics.median(full_times)
    table_s = statistics.median(table_times)
    result = {
        "model": model,
        "texts": len(texts),
        "words": words,
        "runs": args.runs,
        "bare_words_per_s": round(words / bare_s),
        "bare_table_words_per_s": round(words / table_s),
        "kg_words_per_s": round(words / full_s),
        "ratio": round(bare_s / full_s, 3),
        "ratio_to_bare_table": round(table_s / full_s, 3),
    }
    print(
        f"{model}: {len(texts)} texts, {words} words, median of {args.runs} runs\n"
        f"  bare nlp.pipe   {result['bare_words_per_s']:>8} words/s\n"
        f"  bare+table      {result['bare_table_words_per_s']:>8} words/s\n"
        f"  kg pipeline     {result['kg_words_per_s']:>8} words/s\n"
        f"  kg / bare       {result['ratio']:>8}\n"
        f"  kg / bare+table {result['ratio_to_bare_table']:>8}"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
