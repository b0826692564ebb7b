"""Ctrl-C as a terminal sends it: a command started in its own process group, and SIGINT to the whole group
once it has got somewhere."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence


def interrupt_when(args: Sequence[str], ready: Callable[[], bool], timeout_s: float = 300.0) -> tuple[int, str]:
    """Run ``python args...``; when ``ready()`` (or the timeout), Ctrl-C it. Returns (exit status, stderr).

    A job started in the background may inherit an ignored SIGINT; a terminal's foreground job does not,
    so the child starts with the default disposition.
    """
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + timeout_s
    while not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err
