"""Starts the desktop app: the window, and the live session on a QThread."""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication

from app.capture.camera import CameraCapture
from app.config import Settings
from app.live import LiveSession
from app.ui.camera_thread import CameraThread
from app.ui.main_window import MainWindow


class SessionWorker(QObject):
    """Runs a LiveSession on its QThread and re-emits its callbacks as (queued) Qt signals."""

    decision = Signal(object)
    device_event = Signal(object)
    finished = Signal()

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self._stop = threading.Event()
        # Built here (no device opens until run) so the camera thread can share its ring.
        self.session = LiveSession(settings, on_decision=self.decision.emit,
                                   on_device_event=self.device_event.emit)

    @Slot()
    def run(self) -> None:
        """Blocking; returns when ``stop`` is called."""
        self.session.run(self._stop)
        self.finished.emit()

    def stop(self) -> None:
        """Ask the session to end at its next micro-turn."""
        self._stop.set()


class SessionThread(QThread):
    """Hosts the SessionWorker; stops it and waits on close so no thread outlives the window."""

    def __init__(self, worker: SessionWorker) -> None:
        super().__init__()
        self.worker = worker

    def run(self) -> None:
        """Qt thread entry point."""
        self.worker.run()

    def shutdown(self) -> None:
        """Stop the session and wait for the thread to end."""
        self.worker.stop()
        self.wait(5000)


def run_gui(settings: Settings, argv: list[str] | None = None) -> int:
    """Show the window and run until it is closed; returns the exit code."""
    qapp = QApplication.instance() or QApplication(argv or sys.argv[:1])
    window = MainWindow()
    worker = SessionWorker(settings)
    worker.decision.connect(window.show_decision)
    worker.device_event.connect(window.show_device_event)
    thread = SessionThread(worker)
    qapp.aboutToQuit.connect(thread.shutdown)
    thread.start()
    if settings.camera.enabled:
        cam = settings.camera
        camera = CameraThread(CameraCapture(worker.session.ring.video, cam.device, width=cam.width, fps=cam.fps))
        camera.device_event.connect(window.show_device_event)
        qapp.aboutToQuit.connect(camera.shutdown)
        camera.start()
    window.show()
    return int(qapp.exec())
