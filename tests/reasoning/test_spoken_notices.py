"""A backend failure is spoken and shown within a second, through the real dialogue loop."""

import time
from typing import Any

import numpy as np
import pytest

from app.core.frames import Action, Decision, Snapshot, UserState
from app.dialogue import DialogueLoop, SpeechWriter
from app.reasoning.reasoner import Notice
from app.speech.asr import AsrWorker
from app.speech.playback import PlaybackQueue
from app.speech.tts import PiperTts


def quiet_tick(i: int) -> tuple[Snapshot, Decision]:
    t = i * 200_000_000
    z = np.zeros(3200, np.float32)
    return (Snapshot(t_ns=t, start_ns=t - 200_000_000, mic=z, self_audio=z),
            Decision(t_ns=t, tick=i, action=Action.LISTEN, user_state=UserState.SILENT, mic_level_db=-90.0))


@pytest.mark.slow
def test_server_killed_mid_stream_is_spoken_and_shown_within_a_second(
        server: Any, embedded_settings: dict[str, Any], make_worker: Any) -> None:
    settings = {**embedded_settings, "backend": "http",
                "http": {"base_url": server.base_url, "model": "smollm2", "fallback_to_embedded": True}}
    worker = make_worker(settings)
    playback = PlaybackQueue()
    writer = SpeechWriter(PiperTts(noise_scale=0.0, noise_w_scale=0.0), playback)
    recognizer = AsrWorker()
    frames: list[Any] = []
    loop = DialogueLoop(recognizer, worker, writer, frames.append)
    try:
        tid = worker.submit("Tell me a long story about a ship on the sea.")
        deadline = time.monotonic() + 60
        i = 0
        while tid not in loop.streaming:
            assert time.monotonic() < deadline, "the server never started answering"
            i += 1
            loop.on_tick(*quiet_tick(i))
            time.sleep(0.05)
        server.proc.kill()
        t_kill = time.monotonic()

        def error_spoken() -> str | None:
            errors = [f.text for f in frames if isinstance(f, Notice) and f.level == "error"]
            return next((c for c in writer.spoken for e in errors if c.strip() and c.strip() in e), None)

        while (clause := error_spoken()) is None:
            assert time.monotonic() - t_kill < 5, f"the failure was not spoken: {writer.spoken}"
            i += 1
            loop.on_tick(*quiet_tick(i))
            time.sleep(0.02)
        spoken_after = time.monotonic() - t_kill
        shown = next(f for f in frames if isinstance(f, Notice) and f.level == "error")
        print(f"kill -> error notice shown and spoken ({clause!r}) after {spoken_after:.3f} s")
        assert "model" in shown.text.lower()  # visible: the window shows Notice frames
        assert spoken_after < 1.0
        assert playback.speaking  # its audio is queued for the speaker
    finally:
        writer.close()
        recognizer.close()
