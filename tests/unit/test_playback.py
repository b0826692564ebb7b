import numpy as np

from app.core.ring import AudioRing
from app.speech.playback import PlaybackQueue

BLOCK = 160


def render_blocks(q: PlaybackQueue, n: int, t0: int = 0) -> np.ndarray:
    out = np.zeros(n * BLOCK, np.float32)
    for i in range(n):
        q.render(out[i * BLOCK:(i + 1) * BLOCK], t0 + i * 10_000_000)
    return out


def test_plays_queued_utterances_back_to_back_and_reports_them():
    q = PlaybackQueue()
    a, b = np.full(250, 0.1, np.float32), np.full(300, 0.2, np.float32)
    ua, ub = q.enqueue(a, "first"), q.enqueue(b, "second")
    out = render_blocks(q, 5)
    np.testing.assert_array_equal(out[:250], a)
    np.testing.assert_array_equal(out[250:550], b)
    assert not out[550:].any()
    done = q.drain_finished()
    assert [(h.utterance_id, h.heard_samples, h.stopped, h.text) for h in done] == [
        (ua, 250, False, "first"), (ub, 300, False, "second")]
    assert not q.speaking


def test_stop_silences_from_the_next_block_and_reports_exact_heard_samples():
    q = PlaybackQueue()
    uid = q.enqueue(np.full(16000, 0.5, np.float32), "long reply")
    q.enqueue(np.full(800, 0.3, np.float32), "never heard")
    before = render_blocks(q, 7)  # 1120 samples played
    spans = q.stop(t_ns=42)
    after = render_blocks(q, 3)
    assert before.all() and not after.any()
    assert spans[0].utterance_id == uid and spans[0].heard_samples == 7 * BLOCK and spans[0].stopped
    assert spans[0].total_samples == 16000 and spans[0].t_ns == 42
    assert spans[1].heard_samples == 0 and spans[1].text == "never heard"
    assert not q.speaking


def test_played_audio_goes_to_the_self_channel_with_play_times():
    ring = AudioRing(16000, 1.0)
    q = PlaybackQueue(ring)
    q.enqueue(np.linspace(0, 1, 400, dtype=np.float32))
    render_blocks(q, 4, t0=1_000_000_000)
    assert ring.written == 4 * BLOCK
    assert ring.time_of(0) == 1_000_000_000
    np.testing.assert_allclose(ring.read(0, 400), np.linspace(0, 1, 400, dtype=np.float32))
