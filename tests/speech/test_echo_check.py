"""Echo check: mode choice from measured echo reduction, delay and double-talk loss."""

from __future__ import annotations

import json

import numpy as np

from app.speech.audio import APP_RATE, resample, synthetic_rir
from app.speech.echo_check import (
    ATTEMPTS,
    FULL_DUPLEX,
    HALF_DUPLEX,
    EchoCheckResult,
    PlayAndRecord,
    choose_mode,
    run_echo_check,
)


def _speaker_room(delay_s: float, clock_drift: float = 0.0) -> PlayAndRecord:
    """A simulated loudspeaker-to-mic path; `clock_drift` makes capture run fast relative to playback."""
    rng = np.random.default_rng(0)
    rir = synthetic_rir()

    def play_and_record(signal: np.ndarray, sr: int) -> np.ndarray:
        assert sr == APP_RATE
        echo = np.convolve(signal, rir)[: signal.size] * 0.5
        if clock_drift:
            echo = resample(echo, sr, round(sr * (1.0 + clock_drift)))
        out = np.concatenate([np.zeros(int(delay_s * sr)), echo, np.zeros(int(0.3 * sr))])
        return (out + rng.standard_normal(out.size) * 3e-4).astype(np.float32)

    return play_and_record


def test_linear_echo_path_allows_full_duplex() -> None:
    result = run_echo_check(_speaker_room(0.08))
    assert abs(result.delay_ms - 80.0) <= 1.0
    assert result.erle_db >= 25.0
    assert result.mode == FULL_DUPLEX
    assert result.echo_detected


def test_drifting_device_clocks_fall_back_to_half_duplex() -> None:
    calls = []
    room = _speaker_room(0.08, clock_drift=0.01)
    result = run_echo_check(lambda s, sr: calls.append(sr) or room(s, sr))
    assert result.mode == HALF_DUPLEX
    assert len(calls) == ATTEMPTS  # a path that is poor every time is measured the full number of times


def test_a_glitch_during_the_probe_is_measured_again_and_the_good_probe_kept() -> None:
    room = _speaker_room(0.08)
    calls = []

    def glitching_once(signal: np.ndarray, sr: int) -> np.ndarray:
        out = room(signal, sr)
        calls.append(sr)
        if len(calls) == 1:  # an underrun: 50 ms of output lost halfway, the rest comes late
            half = out.size // 2
            out = np.concatenate([out[:half], np.zeros(int(0.05 * sr), np.float32), out[half:]])
        return out

    once = run_echo_check(glitching_once, attempts=1)
    assert once.mode != FULL_DUPLEX  # the glitched probe alone looks like a poor echo path
    calls.clear()
    result = run_echo_check(glitching_once)
    assert len(calls) == 2 and result.mode == FULL_DUPLEX and abs(result.delay_ms - 80.0) <= 1.0


def test_headphones_without_echo_are_full_duplex_once_a_second_probe_agrees() -> None:
    rng = np.random.default_rng(1)
    calls = []
    result = run_echo_check(lambda s, sr: calls.append(sr) or (rng.standard_normal(s.size) * 3e-4).astype(np.float32))
    assert result.mode == FULL_DUPLEX
    assert not result.echo_detected
    assert len(calls) == 2


def test_a_probe_whose_echo_was_lost_does_not_bypass_the_canceller() -> None:
    room = _speaker_room(0.08)
    rng = np.random.default_rng(2)
    calls = []

    def losing_the_first_echo(signal: np.ndarray, sr: int) -> np.ndarray:
        calls.append(sr)
        if len(calls) == 1:  # the capture stream overran: only the noise floor came back
            return (rng.standard_normal(signal.size + int(0.6 * sr)) * 3e-4).astype(np.float32)
        return room(signal, sr)

    assert not run_echo_check(losing_the_first_echo, attempts=1).echo_detected
    calls.clear()
    result = run_echo_check(losing_the_first_echo)
    assert len(calls) == 2 and result.echo_detected and result.mode == FULL_DUPLEX
    assert abs(result.delay_ms - 80.0) <= 1.0


def test_result_round_trips_through_json() -> None:
    result = EchoCheckResult(31.5, 82.0, choose_mode(31.5, 2.0), 2.0)
    assert result.mode == FULL_DUPLEX
    assert EchoCheckResult.from_json(json.dumps(json.loads(result.to_json()))) == result
    assert choose_mode(15.0) == "duplex-high-threshold"
    assert choose_mode(5.0) == HALF_DUPLEX
