"""Stage 4: running a build: read, extract (in workers), resolve, write atomically.

`runner.build` is the one entry point; `fingerprint` decides when cached
extractions are stale; `workers`, `chunks` and `overlap` spread the model over
processes and threads; `spool` holds results between extraction and writing.
"""

from kg.build.runner import BuildReport, build

__all__ = ["BuildReport", "build"]
