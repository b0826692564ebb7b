"""Waiting for a QThread to end without ever letting it outlive its object."""

from __future__ import annotations

import logging

from PySide6.QtCore import QThread

log = logging.getLogger(__name__)

PATIENT_MS = 5000
"""How long a stop normally takes at most; past it the log says what is still running."""


def join(thread: QThread, what: str) -> None:
    """Block until ``thread`` has ended, however long its current step takes.

    Qt aborts the whole process when a running QThread is destroyed, so giving up after a timeout
    (a session still loading its models, a camera still opening) would turn a slow stop into a crash.
    """
    if thread.wait(PATIENT_MS):
        return
    log.warning("%s is still busy after %.0f s; waiting for it to finish before it stops", what, PATIENT_MS / 1000)
    thread.wait()
