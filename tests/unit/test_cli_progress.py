"""The command line's progress bar says how long the rest will take, at the pace so far."""

from __future__ import annotations

from app.__main__ import _progress
from app.time_left import time_left


def test_time_left_at_the_pace_so_far():
    assert time_left(10.0, 0, 4) == ""  # no pace yet
    assert time_left(10.0, 1, 4) == ", 30 s left"
    assert time_left(0.1, 1, 4) == ", 1 s left"
    assert time_left(120.0, 1, 4) == ", 6 min left"
    assert time_left(3600.0, 1, 3) == ", 2.0 h left"
    assert time_left(50.0, 4, 4) == ""  # done


def test_the_bar_fills_counts_and_ends_its_line(capsys):
    now = [100.0]
    show = _progress("eval", clock=lambda: now[0])
    now[0] = 110.0
    show(1, 3)
    now[0] = 120.0
    show(3, 3)
    err = capsys.readouterr().err
    first, last = err.split("\r")[1:]
    assert first.startswith("eval [##########....................] 1/3, 20 s left")
    assert last.rstrip("\n").rstrip() == "eval [##############################] 3/3" and err.endswith("\n")
    assert len(last.rstrip("\n")) >= len(first)  # the shorter final line blanks out the longer one before it
