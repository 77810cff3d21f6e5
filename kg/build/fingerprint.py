"""The extraction-cache fingerprint: what a cached Extraction depends on.

An allow-list by package, not a glob with exceptions: the NLP package and the
kernel modules it reads (the article model, names, numbers and dates, the
lexicon reader, ingest's item splitting) are in; the stages downstream of
extraction (graph, store, build, sparql, view, eval) are out, so editing them
never re-extracts a corpus, and a module added to `kg/nlp/` is covered without
anyone remembering to list it.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.config import Config

#: Packages whose every module is extraction code (recursively).
EXTRACTION_PACKAGES = ("nlp",)
#: Kernel modules extraction reads.
EXTRACTION_MODULES = ("__init__", "ingest", "lexicon", "model", "names", "normalize")


def extraction_code(package: Path) -> list[Path]:
    """The source files of the `kg` package at `package` that the fingerprint covers."""
    files = [package / f"{name}.py" for name in EXTRACTION_MODULES]
    for sub in EXTRACTION_PACKAGES:
        files.extend(p for p in (package / sub).rglob("*.py") if "__pycache__" not in p.parts)
    return sorted(files)


def pipeline_fingerprint(cfg: Config) -> str:
    """What cached extractions depend on: extraction code, lexicon, kg and model versions."""
    import kg
    from kg.config import DEFAULT_MODELS

    digest = hashlib.sha256()
    digest.update(f"{kg.__version__}\0{cfg.model or ''}\0".encode())
    for dist in ("spacy", *DEFAULT_MODELS, *([cfg.model] if cfg.model else [])):
        try:
            version = metadata.version(dist)
        except (metadata.PackageNotFoundError, ValueError):
            version = "-"
        digest.update(f"{dist}={version}\0".encode())
    package = Path(kg.__file__).resolve().parent
    code = extraction_code(package)
    lexicon = Path(cfg.lexicon_dir)
    data = [p for p in lexicon.rglob("*") if p.is_file()] if lexicon.is_dir() else []
    for root, files in ((package, code), (lexicon, data)):
        for path in sorted(files):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
