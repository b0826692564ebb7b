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


def test_hold_falls_silent_at_its_place_and_plays_on_from_there():
    q = PlaybackQueue()
    audio = np.arange(1, 3001, dtype=np.float32) / 3000
    q.enqueue(audio, "reply")
    before = render_blocks(q, 2)  # samples 0..319 played
    q.hold(True)
    held = render_blocks(q, 4)
    assert q.speaking and q.held
    fade = int(16000 * 0.005)
    # The first held block fades the next samples out, then nothing advances.
    np.testing.assert_allclose(held[:fade], audio[320:320 + fade] * np.linspace(1, 0, fade), rtol=1e-6)
    assert not held[fade:].any()
    q.hold(False)
    after = render_blocks(q, 2)
    resume = 320 + fade
    np.testing.assert_allclose(after[:fade], audio[resume:resume + fade] * np.linspace(0, 1, fade), rtol=1e-6)
    np.testing.assert_array_equal(after[fade:], audio[resume + fade:resume + 2 * BLOCK])
    np.testing.assert_array_equal(before, audio[:320])
    assert not q.held


def test_stop_during_a_hold_reports_what_was_heard_and_clears_the_hold():
    q = PlaybackQueue()
    q.enqueue(np.full(4000, 0.5, np.float32), "reply")
    render_blocks(q, 3)
    q.hold(True)
    render_blocks(q, 3)
    spans = q.stop(t_ns=7)
    assert spans[0].heard_samples == 3 * BLOCK + int(16000 * 0.005) and spans[0].stopped
    assert not q.held and not q.speaking
    q.enqueue(np.full(200, 0.2, np.float32), "next")
    assert render_blocks(q, 1)[:BLOCK].all()  # a new reply is not held


def test_hold_with_nothing_to_play_is_ignored():
    q = PlaybackQueue()
    q.hold(True)
    assert not q.held
    q.enqueue(np.full(200, 0.2, np.float32))
    assert render_blocks(q, 1).all()


def test_a_hold_lets_silence_in_the_utterance_play_on_and_waits_at_the_next_sound():
    q = PlaybackQueue()
    opener, gap, body = np.full(320, 0.5, np.float32), np.zeros(400, np.float32), np.full(800, 0.25, np.float32)
    q.enqueue(np.concatenate([opener, gap, body]), "Okay. Here is what I found.")
    render_blocks(q, 2)  # the opener
    q.hold(True)
    held = render_blocks(q, 5)  # the gap elapses; the body waits
    assert not held.any() and q.speaking
    q.hold(False)
    after = render_blocks(q, 5)
    np.testing.assert_array_equal(after[:800], body)  # from its first sample, no fade: it never sounded


def test_a_hold_that_starts_on_a_zero_crossing_still_fades_the_sound_out():
    q = PlaybackQueue()
    audio = np.full(3000, 0.5, np.float32)
    audio[320] = 0.0  # the waveform crosses zero right where the hold begins
    q.enqueue(audio)
    render_blocks(q, 2)
    q.hold(True)
    held = render_blocks(q, 3)
    fade = int(16000 * 0.005)
    np.testing.assert_allclose(held[:fade], audio[320:320 + fade] * np.linspace(1, 0, fade), rtol=1e-6)
    assert not held[fade:].any()
    q.hold(False)
    np.testing.assert_allclose(render_blocks(q, 1)[fade:], audio[320 + 2 * fade:320 + fade + BLOCK])


def held_after_a_word(word: int, gap: int) -> PlaybackQueue:
    """A reply of a loud word, ``gap`` samples of silence and a quieter word, held just after the first word."""
    q = PlaybackQueue()
    q.enqueue(np.concatenate([np.full(word, 0.5, np.float32), np.zeros(gap, np.float32),
                              np.full(800, 0.25, np.float32)]))
    render_blocks(q, word // BLOCK)
    q.hold(True)
    return q


def test_a_hold_that_reaches_a_sound_after_a_pause_waits_there_as_long_as_it_is_held():
    q = held_after_a_word(800, 4800)
    assert not render_blocks(q, 60).any() and q.held
    q.hold(False)
    np.testing.assert_array_equal(render_blocks(q, 5)[:800], np.full(800, 0.25, np.float32))


def test_quiet_ahead_after_a_hold_is_skipped_for_as_long_as_the_hold_lasted():
    q = PlaybackQueue()
    word, tail, pause = np.full(800, 0.5, np.float32), np.full(480, 0.002, np.float32), np.zeros(3200, np.float32)
    q.enqueue(np.concatenate([word, tail, pause, np.full(3200, 0.25, np.float32)]))
    render_blocks(q, 5)
    q.hold(True)  # cuts the dying end of the word (-54 dBFS: sound, but quiet to a listener)
    render_blocks(q, 20)  # 0.2 s held
    q.hold(False)
    out = render_blocks(q, 20)
    # The first held block fades the tail out; the 19 silent ones after it are skipped from the quiet ahead.
    quiet_ahead = len(tail) + len(pause) - int(16000 * 0.005)
    assert np.flatnonzero(out > 0.1)[0] == quiet_ahead - 19 * BLOCK


def test_the_dying_end_of_a_word_counts_as_quiet_ahead_of_a_hold():
    """A word's end and the breath after it wander around -45 dBFS: the skip goes through them to the next
    word, so the held voice is silent about as long as the hold, not the hold and the pause after it."""
    q = PlaybackQueue()
    level = [10 ** (db / 20) for db in (-42, -46, -47, -61, -43, -51)]  # as measured after a held "found."
    tail = np.concatenate([np.full(160, a, np.float32) for a in level])
    q.enqueue(np.concatenate([np.full(800, 0.5, np.float32), tail, np.zeros(2240, np.float32),
                              np.full(3200, 0.25, np.float32)]))
    render_blocks(q, 5)
    q.hold(True)  # at the word's end: its dying end is next
    render_blocks(q, 20)  # 0.2 s held
    q.hold(False)
    out = render_blocks(q, 20)
    fade = int(16000 * 0.005)  # the first held block fades the dying end out; the 19 after it are skipped
    assert np.flatnonzero(out > 0.1)[0] == len(tail) - fade + 2240 - 19 * BLOCK  # 5 ms after the hold ends


def test_a_hold_does_not_blip_where_silence_ends_on_a_block_boundary():
    q = held_after_a_word(320, 320)
    assert not render_blocks(q, 6).any()  # the silence, then nothing: no 5 ms of the next word
