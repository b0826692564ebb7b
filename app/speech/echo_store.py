"""Echo check results, kept per microphone and speaker pair in SQLite, so the check runs once per setup.

A result belongs to the devices it was measured on: plugging in headphones or moving to the laptop's
own speakers is a different echo path and gets its own check.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from app.speech.echo_check import EchoCheckResult, run_echo_check

SCHEMA = """
CREATE TABLE IF NOT EXISTS echo_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    measured_at REAL NOT NULL,
    input_device TEXT NOT NULL,
    output_device TEXT NOT NULL,
    result TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class StoredEchoCheck:
    """One stored result with when and on which devices it was measured."""

    result: EchoCheckResult
    measured_at: float
    input_device: str
    output_device: str


class EchoCheckStore:
    """Append-only history of echo checks; `latest` answers for a device pair."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5.0)

    def save(self, result: EchoCheckResult, input_device: str, output_device: str) -> StoredEchoCheck:
        """Record a result for the device pair (committed before this returns)."""
        stored = StoredEchoCheck(result, time.time(), input_device, output_device)
        with self._connect() as db:
            db.execute(
                "INSERT INTO echo_checks (measured_at, input_device, output_device, result) VALUES (?, ?, ?, ?)",
                (stored.measured_at, input_device, output_device, result.to_json()),
            )
        return stored

    def latest(self, input_device: str, output_device: str) -> StoredEchoCheck | None:
        """The newest readable result for the device pair; rows a newer version cannot read are skipped."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT measured_at, result FROM echo_checks WHERE input_device = ? AND output_device = ? "
                "ORDER BY id DESC",
                (input_device, output_device),
            ).fetchall()
        for measured_at, text in rows:
            try:
                return StoredEchoCheck(EchoCheckResult.from_json(text), float(measured_at), input_device, output_device)
            except (ValueError, KeyError, TypeError):
                continue
        return None


def default_store() -> EchoCheckStore:
    """The user's echo check history in the data folder."""
    from app.paths import data_dir

    return EchoCheckStore(data_dir() / "echo_checks.sqlite3")


def measure(input_device: str, output_device: str, store: EchoCheckStore | None) -> StoredEchoCheck:
    """Play the probe on the speaker, record the mic, measure, and store the result (when a store is given).

    Device errors propagate with the sound system's own message; the result is returned even when
    storing it fails (a read-only data folder), since it is still right for this run.
    """
    from app.capture.playrec import device_play_and_record

    result = run_echo_check(device_play_and_record(input_device, output_device))
    if store is not None:
        try:
            return store.save(result, input_device, output_device)
        except (OSError, sqlite3.Error):
            pass
    return StoredEchoCheck(result, time.time(), input_device, output_device)
