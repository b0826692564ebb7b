"""From an echo check to the mic processing: bypass, cancel, raise the threshold or gate; results are kept."""

from __future__ import annotations

import sqlite3

import numpy as np

from app.speech.aec import EchoCanceller
from app.speech.audio import APP_RATE
from app.speech.duplex import HIGH_THRESHOLD_SENSITIVITY_SCALE, HalfDuplexGate, duplex_setup
from app.speech.echo_check import FULL_DUPLEX, HALF_DUPLEX, HIGH_THRESHOLD, EchoCheckResult
from app.speech.echo_store import EchoCheckStore
from tests.speech.echo_paths import noise_far, room


def test_each_mode_gets_its_mic_processing() -> None:
    full = duplex_setup(EchoCheckResult(38.0, 82.0, FULL_DUPLEX))
    assert isinstance(full.cleaner, EchoCanceller) and full.cleaner.delay_ms == 82.0
    assert full.sensitivity_scale == 1.0 and "full duplex" in full.summary
    high = duplex_setup(EchoCheckResult(18.0, 60.0, HIGH_THRESHOLD, 8.0))
    assert isinstance(high.cleaner, EchoCanceller) and high.sensitivity_scale == HIGH_THRESHOLD_SENSITIVITY_SCALE
    half = duplex_setup(EchoCheckResult(6.0, 60.0, HALF_DUPLEX, 20.0))
    assert isinstance(half.cleaner, HalfDuplexGate) and "headphones" in half.summary
    headphones = duplex_setup(EchoCheckResult(60.0, 0.0, FULL_DUPLEX, echo_detected=False))
    assert headphones.cleaner is None and "bypassed" in headphones.summary
    unknown = duplex_setup(None)
    assert isinstance(unknown.cleaner, EchoCanceller) and unknown.cleaner.tracker is not None


def test_half_duplex_mutes_while_the_assistant_talks_and_for_the_echo_tail() -> None:
    tick = APP_RATE // 5
    far = np.concatenate([noise_far(0.6), np.zeros(6 * tick, np.float32)])
    mic = room(far, 0.05) + np.concatenate([np.zeros(3 * tick), noise_far(1.2, seed=7)]).astype(np.float32)
    gate = HalfDuplexGate(EchoCanceller(delay_ms=50.0))
    out = [gate.process(mic[i : i + tick], far[i : i + tick]) for i in range(0, far.size, tick)]
    levels = [float(np.abs(o).max()) for o in out]
    assert levels[:3] == [0.0, 0.0, 0.0]  # the assistant talks: muted
    assert levels[3] == 0.0  # 200 ms after it stopped: still inside the 300 ms tail
    assert all(v > 0.05 for v in levels[5:])  # the user is heard again
    gate.reset()
    assert float(np.abs(gate.process(mic[-tick:], np.zeros(tick, np.float32))).max()) > 0.05


def test_results_are_kept_per_device_pair(tmp_path) -> None:
    store = EchoCheckStore(tmp_path / "echo.sqlite3")
    assert store.latest("default", "default") is None
    store.save(EchoCheckResult(35.0, 70.0, FULL_DUPLEX), "default", "default")
    store.save(EchoCheckResult(60.0, 0.0, FULL_DUPLEX, echo_detected=False), "USB mic", "Headphones")
    store.save(EchoCheckResult(9.0, 72.0, HALF_DUPLEX, 14.0), "default", "default")
    again = EchoCheckStore(tmp_path / "echo.sqlite3")  # reopened: nothing was only in memory
    latest = again.latest("default", "default")
    assert latest is not None and latest.result.mode == HALF_DUPLEX and latest.result.delay_ms == 72.0
    headphones = again.latest("USB mic", "Headphones")
    assert headphones is not None and not headphones.result.echo_detected


def test_an_unreadable_row_falls_back_to_the_previous_result(tmp_path) -> None:
    path = tmp_path / "echo.sqlite3"
    store = EchoCheckStore(path)
    store.save(EchoCheckResult(35.0, 70.0, FULL_DUPLEX), "default", "default")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO echo_checks (measured_at, input_device, output_device, result) "
                   "VALUES (0, 'default', 'default', '{\"mode\": \"quarter-duplex\"}')")
    latest = store.latest("default", "default")
    assert latest is not None and latest.result.erle_db == 35.0
