"""A stop that outlasts its usual time waits for the thread instead of leaving it running."""

import logging
import threading

from PySide6.QtCore import QThread

from app.ui import thread_join


class Slow(QThread):
    def __init__(self, release: threading.Event) -> None:
        super().__init__()
        self.release = release

    def run(self) -> None:
        self.release.wait(10)


def test_join_waits_past_the_usual_time_and_says_what_it_waits_for(qtbot, monkeypatch, caplog):
    monkeypatch.setattr(thread_join, "PATIENT_MS", 50)
    release = threading.Event()
    thread = Slow(release)
    thread.start()
    threading.Timer(0.5, release.set).start()  # the "model load" finishes well after the usual time
    with caplog.at_level(logging.WARNING, logger="app.ui.thread_join"):
        thread_join.join(thread, "the live session")
    assert thread.isFinished()
    assert "the live session is still busy" in caplog.text


def test_join_of_a_quick_thread_says_nothing(qtbot, caplog):
    thread = Slow(threading.Event())
    thread.release.set()
    thread.start()
    with caplog.at_level(logging.WARNING, logger="app.ui.thread_join"):
        thread_join.join(thread, "the camera")
    assert thread.isFinished() and not caplog.text
