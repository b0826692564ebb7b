"""Qt tests run offscreen; a test fails if it leaves a thread (Python or QThread) running."""

import gc
import os
import threading

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _running_qthreads() -> list:
    from PySide6.QtCore import QThread

    out = []
    for o in gc.get_objects():
        try:
            if isinstance(o, QThread) and o.isRunning():
                out.append(o)
        except RuntimeError:  # the C++ object is already gone
            continue
    return out


@pytest.fixture(autouse=True)
def no_leaked_threads():
    before = set(threading.enumerate())
    qt_before = set(map(id, _running_qthreads()))
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon]
    assert not leaked, f"threads left running: {[t.name for t in leaked]}"
    qt_leaked = [type(t).__name__ for t in _running_qthreads() if id(t) not in qt_before]
    assert not qt_leaked, f"QThreads left running: {qt_leaked}"
