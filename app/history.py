"""The conversation transcript on disk: each line written as it happens (SQLite), kept for a set number of days.

What the user said is kept as recognized; what Tandem said is kept as the user heard it, with the part
cut off by an interruption stored separately. A retention of 0 days keeps nothing and erases what is there.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.frames import HeardSpan
from app.core.heard import split_heard

SCHEMA = """
CREATE TABLE IF NOT EXISTS lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    t REAL NOT NULL,
    speaker TEXT NOT NULL CHECK (speaker IN ('user', 'assistant')),
    text TEXT NOT NULL,
    cut TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS lines_t ON lines (t);
"""
DAY_S = 86400.0


@dataclass(frozen=True)
class Line:
    """One stored line: when (epoch seconds), who, the words, and the words cut off (assistant only)."""

    t: float
    speaker: str
    text: str
    cut: str = ""


class ConversationHistory:
    """Append-only transcript with retention; `record` takes the session's frames as they come."""

    def __init__(self, path: Path, retention_days: int, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        self._clock = clock
        self._spoken: dict[int, str] = {}  # utterance id -> text, until its HeardSpan says what was heard
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=5.0)
        self._db.executescript(SCHEMA)
        self.purge()

    def close(self) -> None:
        """Close the database (everything recorded is already committed)."""
        self._db.close()

    @property
    def keeping(self) -> bool:
        """Whether lines are stored at all."""
        return self.retention_days > 0

    def set_retention(self, days: int) -> None:
        """Change how long lines are kept, and apply it now."""
        self.retention_days = days
        self.purge()

    def purge(self) -> int:
        """Delete lines older than the retention (all of them at 0 days); returns how many went."""
        cutoff = self._clock() - self.retention_days * DAY_S if self.keeping else float("inf")
        with self._db:
            return self._db.execute("DELETE FROM lines WHERE t < ?", (cutoff,)).rowcount

    def clear(self) -> None:
        """Delete the whole transcript."""
        with self._db:
            self._db.execute("DELETE FROM lines")

    def add(self, speaker: str, text: str, cut: str = "") -> None:
        """Store one line now (committed before this returns), unless nothing is kept."""
        if not self.keeping or not (text.strip() or cut.strip()):
            return
        with self._db:
            self._db.execute("INSERT INTO lines (t, speaker, text, cut) VALUES (?, ?, ?, ?)",
                             (self._clock(), speaker, text.strip(), cut.strip()))

    def record(self, frame: Any) -> None:
        """Keep what a frame says was said: final user transcripts and heard assistant utterances."""
        name = type(frame).__name__
        if name == "FinalTranscript":
            self.add("user", str(frame.text))
        elif name == "SpokenClause":
            self._spoken[int(frame.utterance_id)] = str(frame.text)
        elif isinstance(frame, HeardSpan):
            text = frame.text or self._spoken.get(frame.utterance_id, "")
            self._spoken.pop(frame.utterance_id, None)
            heard, cut = (split_heard(text, frame.heard_samples, frame.total_samples) if frame.stopped
                          else (text, ""))
            self.add("assistant", heard, cut)

    def recent(self, limit: int = 60) -> list[Line]:
        """The newest `limit` lines, oldest first."""
        rows = self._db.execute("SELECT t, speaker, text, cut FROM lines ORDER BY id DESC LIMIT ?",
                                (limit,)).fetchall()
        return [Line(float(t), str(s), str(x), str(c)) for t, s, x, c in reversed(rows)]


def history_path() -> Path:
    """Where the user's transcript lives."""
    from app.paths import data_dir

    return data_dir() / "conversation.sqlite3"
