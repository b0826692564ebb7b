"""Hosts the OpenCV camera capture on its own QThread, so frame grabbing never touches the UI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread, Signal

from app.capture.camera import CameraCapture
from app.ui.thread_join import join


class CameraThread(QThread):
    """Runs ``CameraCapture.run`` until ``shutdown``; device events arrive as a queued signal."""

    device_event = Signal(object)

    def __init__(self, capture: CameraCapture) -> None:
        super().__init__()
        self.capture = capture
        capture.on_event = self.device_event.emit
        self._stop = threading.Event()

    def run(self) -> None:
        """Qt thread entry point."""
        self.capture.run(self._stop)

    def shutdown(self) -> None:
        """Stop capturing and wait for the thread to end (a camera still opening ends once it has)."""
        self._stop.set()
        join(self, "the camera")
