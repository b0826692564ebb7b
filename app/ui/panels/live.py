"""Panel widgets that change on their own: a countdown timer and a progress bar."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget


def format_remaining(seconds: float) -> str:
    """h:mm:ss or m:ss, rounded up so a timer shows 0:00 only when it is done."""
    s = max(0, int(-(-seconds // 1)))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


class TimerView(QWidget):
    """A countdown that ticks by itself and says once when it reaches zero."""

    finished = Signal(str)

    def __init__(self, label: str, duration_s: float, started: float,
                 now: Callable[[], float] = time.monotonic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.duration_s = float(duration_s)
        self.started = started
        self._now = now
        self._done = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(label, self)
        self.time_label = QLabel("", self)
        self.time_label.setObjectName("timerTime")
        self.time_label.setStyleSheet("font-size: 20pt; font-weight: 600;")
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        for w in (self.title, self.time_label, self.bar):
            layout.addWidget(w)
        self._timer = QTimer(self)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def remaining(self) -> float:
        """Seconds left (0 when done)."""
        return max(0.0, self.duration_s - (self._now() - self.started))

    def refresh(self) -> None:
        """Redraw the remaining time; announce the end once."""
        left = self.remaining()
        self.time_label.setText(format_remaining(left) if left > 0 else "Done")
        self.bar.setValue(int(1000 * (1.0 - left / self.duration_s)) if self.duration_s > 0 else 1000)
        if left <= 0 and not self._done:
            self._done = True
            self._timer.stop()
            self.finished.emit(self.label)


class ProgressView(QWidget):
    """A labelled progress bar for a 0..1 value; the panel is re-sent to move it."""

    def __init__(self, label: str, value: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(label, self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 100)
        layout.addWidget(self.title)
        layout.addWidget(self.bar)
        self.set_value(value)

    def set_value(self, value: float) -> None:
        """Move the bar (``value`` in 0..1)."""
        self.bar.setValue(round(max(0.0, min(1.0, float(value))) * 100))
