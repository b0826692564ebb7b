import time

import numpy as np
import pytest

from app.dialogue import SpeechWriter, SpokenClause
from app.speech.playback import PlaybackQueue


@pytest.mark.slow
def test_writer_speaks_clause_by_clause_and_cancel_drops_the_rest():
    from app.speech.tts import PiperTts

    playback = PlaybackQueue()
    frames: list = []
    writer = SpeechWriter(PiperTts(noise_scale=0.0, noise_w_scale=0.0), playback, frames.append)
    try:
        writer.say("Sure, the first part is ready, and here comes the second part of the answer.")
        deadline = time.monotonic() + 30
        while len(frames) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(frames) >= 2 and all(isinstance(f, SpokenClause) for f in frames)
        assert frames[0].text.startswith("Sure")
        # The ids are the playback queue's own utterance ids: render everything and match them.
        while playback.speaking and time.monotonic() < deadline:
            playback.render(np.zeros(16000, np.float32), 0)
        finished = {h.utterance_id: h.text for h in playback.drain_finished()}
        assert {f.utterance_id: f.text for f in frames} == finished
        writer.cancel()
        n = len(frames)
        writer.say("This sentence was cancelled before it could be spoken, so nobody hears it.")
        writer.cancel()
        time.sleep(1.0)
        assert len(frames) == n and not playback.speaking
    finally:
        writer.close()
