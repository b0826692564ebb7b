"""Runs the echo check off the GUI thread for the settings dialog and reports the stored result."""

from __future__ import annotations

import queue
import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal

from app.speech.duplex import duplex_setup
from app.speech.echo_store import StoredEchoCheck, default_store, measure


def describe(stored: StoredEchoCheck | None) -> str:
    """One line for the dialog: when the check ran on these devices and what it chose."""
    if stored is None:
        return "Not measured on these devices yet; it runs when listening starts, or now with the button."
    when = time.strftime("%d %b %H:%M", time.localtime(stored.measured_at))
    return f"Measured {when}: {duplex_setup(stored.result).summary}."


def stored_for(input_device: str, output_device: str) -> StoredEchoCheck | None:
    """The stored result for a device pair, or None when there is none or the history cannot be read."""
    try:
        return default_store().latest(input_device, output_device)
    except Exception:  # noqa: BLE001 - an unreadable history just means "not measured"
        return None


class EchoCheckRunner(QObject):
    """Plays the probe and measures on a worker thread; `finished` or `failed` arrive on the GUI thread."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._results: queue.SimpleQueue[StoredEchoCheck | Exception] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._poll)

    @property
    def running(self) -> bool:
        """Whether a check is playing and recording now."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, input_device: str, output_device: str) -> bool:
        """Start a check on the named devices; False when one is already running."""
        if self.running:
            return False
        results = self._results

        def work() -> None:
            try:
                store = default_store()
            except Exception:  # noqa: BLE001 - measure anyway; only remembering it fails
                store = None
            try:
                results.put(measure(input_device, output_device, store))
            except Exception as exc:  # noqa: BLE001 - device errors go to the dialog as text
                results.put(exc)

        self._thread = threading.Thread(target=work, name="echo-check", daemon=True)
        self._thread.start()
        self._timer.start()
        return True

    def _poll(self) -> None:
        try:
            got = self._results.get_nowait()
        except queue.Empty:
            return
        self._timer.stop()
        if isinstance(got, Exception):
            self.failed.emit(f"Echo check failed: {got}")
        else:
            self.finished.emit(got)

    def stop(self) -> None:
        """Stop reporting (the dialog is closing); a check in progress finishes playing on its own."""
        self._timer.stop()
