"""The linear echo stage: it learns the echo path, holds it while the user talks, and starts over on reset."""

from __future__ import annotations

import numpy as np
import pytest

from app.speech.aec import erle_db
from app.speech.audio import APP_RATE, rms_db
from app.speech.linear_echo import BLOCK, LinearEchoFilter
from tests.speech.echo_paths import noise_far, room


def _run(f: LinearEchoFilter, mic: np.ndarray, far: np.ndarray) -> np.ndarray:
    n = (mic.size // BLOCK) * BLOCK
    return np.concatenate([f.process_block(mic[i : i + BLOCK], far[i : i + BLOCK]) for i in range(0, n, BLOCK)])


def test_learns_an_aligned_echo_path() -> None:
    far = noise_far(4.0)
    mic = room(far, 0.0)
    out = _run(LinearEchoFilter(), mic, far)
    assert erle_db(mic[2 * APP_RATE : out.size], out[2 * APP_RATE :]) > 25.0


def test_keeps_the_near_end_voice_and_the_echo_path_through_double_talk() -> None:
    far = noise_far(7.0)
    mic = room(far, 0.0)
    start, end = 3 * APP_RATE, 5 * APP_RATE
    near = noise_far(2.0, seed=11)
    near *= 10 ** ((rms_db(mic[start:end]) + 6.0 - rms_db(near)) / 20)  # 6 dB over the echo
    talk = mic.copy()
    talk[start:end] += near
    out = _run(LinearEchoFilter(), talk, far)
    # While both talk: what is left besides the near-end voice is far below it.
    left = out[start:end] - near
    assert rms_db(near) - rms_db(left) > 15.0
    # After the user stops, the echo is still cancelled: the path was not unlearned.
    after = slice(end + APP_RATE // 10, out.size)
    assert erle_db(mic[after], out[after]) > 20.0


def test_reset_forgets_the_echo_path() -> None:
    far = noise_far(3.0)
    mic = room(far, 0.0)
    f = LinearEchoFilter()
    fresh = _run(LinearEchoFilter(), mic, far)
    _run(f, mic, far)
    f.reset()
    np.testing.assert_array_equal(_run(f, mic, far), fresh)


def test_rejects_blocks_of_the_wrong_size() -> None:
    with pytest.raises(ValueError, match="160 samples"):
        LinearEchoFilter().process_block(np.zeros(100), np.zeros(100))
