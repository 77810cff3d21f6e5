"""A one-line progress bar for long builds: done/total, articles/s, ETA.

Why its own tiny class rather than a dependency: it only has to redraw one
stderr line a few times a second, and it must stay silent when stderr is not a
terminal (CI logs, pipes, tests), because a carriage-return animation in a log
file is noise. It matches the `progress(stage, done, total)` callback that
`kg.build.runner.build` accepts, so the CLI passes an instance straight through.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

#: Seconds between redraws: often enough to look live, rarely enough to cost nothing.
REDRAW_INTERVAL = 0.2
_WIDTH = 24


def format_eta(seconds: float) -> str:
    """'1:02:03', '4:05' or '0:07': the shortest clock form of a duration."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def render(stage: str, done: int, total: int, elapsed: float) -> str:
    """The bar text for a state; a pure function so it can be tested without a terminal."""
    rate = done / elapsed if elapsed > 0 else 0.0
    if total > 0:
        share = min(1.0, done / total)
        filled = int(share * _WIDTH)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        eta = format_eta((total - done) / rate) if rate > 0 and done < total else "--:--"
        return f"{stage} [{bar}] {done}/{total} {rate:.1f} articles/s ETA {eta}"
    return f"{stage} {done} {rate:.1f} articles/s"


class ProgressBar:
    """Callable progress sink; use as `build(..., progress=bar)` then `bar.close()`.

    `enabled` defaults to "stream is a terminal". The clock is injectable so
    tests can drive it without sleeping.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        enabled: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = enabled if enabled is not None else bool(isatty and isatty())
        self._clock = clock
        self._started: dict[str, float] = {}
        self._last_draw = float("-inf")
        self._drawn = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = self._clock()
        started = self._started.setdefault(stage, now)
        finished = total > 0 and done >= total
        if not finished and now - self._last_draw < REDRAW_INTERVAL:
            return
        self._last_draw = now
        self.stream.write("\r\x1b[K" + render(stage, done, total, now - started))
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line so the build summary starts on a fresh one."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
