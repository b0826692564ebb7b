"""The transcript on disk: lines as heard, kept for the retention period, nothing kept at 0 days."""

from __future__ import annotations

import sqlite3

import pytest

from app.core.frames import HeardSpan
from app.dialogue import SpokenClause
from app.history import DAY_S, ConversationHistory, Line
from app.speech.asr import FinalTranscript


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def final(text: str) -> FinalTranscript:
    return FinalTranscript(text, (), 1.0, 0)


def test_lines_are_kept_as_heard_and_survive_a_reopen(tmp_path) -> None:
    path = tmp_path / "conversation.sqlite3"
    h = ConversationHistory(path, 30)
    h.record(final("What is the weather like tomorrow?"))
    h.record(SpokenClause(1, "Tomorrow is sunny with a light breeze from the west."))
    h.record(HeardSpan(t_ns=0, utterance_id=1, heard_samples=8000, total_samples=32000, stopped=True))
    h.record(SpokenClause(2, "Okay."))
    h.record(HeardSpan(t_ns=0, utterance_id=2, heard_samples=4000, total_samples=4000, stopped=False))
    h.record(final("   "))  # nothing recognized: no line
    h.close()  # as after a crash: every line was committed when it was recorded
    lines = ConversationHistory(path, 30).recent()
    assert [(x.speaker, x.text) for x in lines] == [
        ("user", "What is the weather like tomorrow?"),
        ("assistant", "Tomorrow is"),
        ("assistant", "Okay."),
    ]
    assert lines[1].cut == "sunny with a light breeze from the west."


def test_old_lines_go_after_the_retention_period(tmp_path) -> None:
    clock = Clock()
    h = ConversationHistory(tmp_path / "c.sqlite3", 7, clock=clock)
    h.add("user", "old line")
    clock.now += 5 * DAY_S
    h.add("user", "newer line")
    clock.now += 3 * DAY_S
    assert h.purge() == 1
    assert [x.text for x in h.recent()] == ["newer line"]
    h.set_retention(1)
    assert h.recent() == []


def test_zero_days_keeps_nothing_and_erases_what_was_kept(tmp_path) -> None:
    path = tmp_path / "c.sqlite3"
    ConversationHistory(path, 30).add("user", "private words")
    h = ConversationHistory(path, 0)
    assert h.recent() == []
    h.record(final("more private words"))
    assert h.recent() == []
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM lines").fetchone() == (0,)


def test_recent_returns_the_newest_lines_oldest_first(tmp_path) -> None:
    h = ConversationHistory(tmp_path / "c.sqlite3", 30)
    for i in range(5):
        h.add("user" if i % 2 == 0 else "assistant", f"line {i}")
    assert [x.text for x in h.recent(3)] == ["line 2", "line 3", "line 4"]
    assert isinstance(h.recent(1)[0], Line)
    h.clear()
    assert h.recent() == []


def test_a_file_that_is_not_a_database_raises_a_clear_error(tmp_path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        ConversationHistory(path, 30)
