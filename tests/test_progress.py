"""kg.progress: a bar on terminals, silence everywhere else."""

from __future__ import annotations

import io

from kg.progress import ProgressBar, format_eta, render


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_format_eta() -> None:
    assert format_eta(7) == "0:07"
    assert format_eta(245) == "4:05"
    assert format_eta(3723) == "1:02:03"
    assert format_eta(-3) == "0:00"


def test_render_rate_and_eta() -> None:
    line = render("extract", 50, 200, 10.0)
    assert "50/200" in line
    assert "5.0 articles/s" in line
    assert "ETA 0:30" in line


def test_render_without_total_or_time() -> None:
    assert render("extract", 3, 0, 0.0) == "extract 3 0.0 articles/s"
    assert "ETA --:--" in render("extract", 0, 10, 0.0)


def test_silent_when_not_a_terminal() -> None:
    out = io.StringIO()  # isatty() is False
    bar = ProgressBar(out)
    bar("extract", 1, 10)
    bar.close()
    assert out.getvalue() == ""


def test_draws_on_a_terminal_and_limits_redraws() -> None:
    out, clock = TTY(), FakeClock()
    bar = ProgressBar(out, clock=clock)
    bar("extract", 1, 10)
    bar("extract", 2, 10)  # same instant: skipped
    clock.now += 1.0
    bar("extract", 3, 10)
    bar("extract", 10, 10)  # the final state is always drawn
    bar.close()
    text = out.getvalue()
    assert text.count("\r") == 3
    assert "10/10" in text
    assert text.endswith("\n")


def test_close_without_drawing_writes_nothing() -> None:
    out = TTY()
    with ProgressBar(out):
        pass
    assert out.getvalue() == ""
