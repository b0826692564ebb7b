
import numpy as np
import pytest

from app.interaction.features import (
    FRAMES_PER_TICK,
    HOP,
    N_MELS,
    N_SCALARS,
    SCALAR_NAMES,
    TICK_SAMPLES,
    VISUAL_DIMS,
    WIN,
    FeatureExtractor,
    TickContext,
    level_scaled,
    log_mel,
    scalars,
)

SR = 16000


def col(name):
    return SCALAR_NAMES.index(name)


def noise(seconds, rms, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(int(seconds * SR)).astype(np.float32)
    return (x * (rms / np.sqrt(np.mean(np.square(x, dtype=np.float64))))).astype(np.float32)


# ---- log_mel -----------------------------------------------------------------------------------------------


def test_log_mel_shape_is_20_frames_by_32_bands_per_tick():
    assert FRAMES_PER_TICK == 20 and N_MELS == 32 and TICK_SAMPLES == 3200
    mel = log_mel(noise(0.2, 0.05))
    assert mel.shape == (20, 32)
    assert mel.dtype == np.float32
    assert np.isfinite(mel).all()
    assert log_mel(noise(1.0, 0.05)).shape == (100, 32)


@pytest.mark.parametrize("full_history", [True, False])
def test_log_mel_per_tick_with_history_equals_whole_signal(full_history):
    t = np.arange(6 * TICK_SAMPLES) / SR
    signal = (0.3 * np.sin(2 * np.pi * 440 * t) * np.sin(2 * np.pi * 1.3 * t)).astype(np.float32)
    signal += noise(signal.size / SR, 0.01, seed=1)
    whole = log_mel(signal)
    ticks = []
    prev = None
    for k in range(6):
        chunk = signal[k * TICK_SAMPLES:(k + 1) * TICK_SAMPLES]
        hist = prev if prev is None or full_history else prev[-(WIN - HOP):]
        ticks.append(log_mel(chunk, hist))
        prev = chunk
    streamed = np.concatenate(ticks)
    assert streamed.shape == whole.shape == (120, N_MELS)
    np.testing.assert_allclose(streamed, whole, atol=1e-4, rtol=0)


def test_log_mel_history_matters():
    chunk = noise(0.2, 0.05, seed=2)
    loud_hist = noise(0.2, 0.5, seed=3)
    with_hist = log_mel(chunk, loud_hist)
    without = log_mel(chunk)
    assert not np.allclose(with_hist[0], without[0], atol=1e-3)  # the first frame reaches back into history
    np.testing.assert_allclose(with_hist[2:], without[2:], atol=1e-5)  # later frames lie inside the chunk


def test_louder_signal_gives_higher_mel_values():
    quiet = noise(0.2, 0.01, seed=4)
    loud = quiet * 10.0  # +20 dB
    m_quiet, m_loud = log_mel(quiet), log_mel(loud)
    assert (m_loud > m_quiet).all()
    # +20 dB is +2/3 on the scaled log axis, in every frame and band (far above the 1e-10 floor)
    np.testing.assert_allclose(m_loud - m_quiet, 20.0 / 30.0, atol=1e-3)


# ---- level_scaled ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("dbfs", "expected"), [(-80.0, -1.0), (-50.0, 0.0), (-20.0, 1.0)])
def test_level_scaled_maps_dbfs_linearly(dbfs, expected):
    rms = 10 ** (dbfs / 20)
    assert level_scaled(np.full(TICK_SAMPLES, rms, np.float32)) == pytest.approx(expected, abs=1e-3)
    assert level_scaled(noise(0.2, rms, seed=5)) == pytest.approx(expected, abs=1e-3)


def test_level_scaled_clips_silence_and_empty():
    assert level_scaled(np.zeros(TICK_SAMPLES, np.float32)) == -2.0
    assert level_scaled(np.zeros(0, np.float32)) == -2.0
    assert level_scaled(np.ones(TICK_SAMPLES, np.float32)) == pytest.approx(50.0 / 30.0, abs=1e-4)


# ---- scalars -----------------------------------------------------------------------------------------------


def make_scalars(ctx, vad=None, since_user_s=30.0, mic=None, self_audio=None):
    silence = np.zeros(TICK_SAMPLES, np.float32)
    vad = np.zeros(6, np.float32) if vad is None else np.asarray(vad, np.float32)
    return scalars(silence if mic is None else mic, silence if self_audio is None else self_audio,
                   vad, since_user_s, ctx)


def test_scalars_length_and_names():
    assert N_SCALARS == len(SCALAR_NAMES) == 12 + VISUAL_DIMS
    out = make_scalars(TickContext())
    assert out.shape == (N_SCALARS,)
    assert out.dtype == np.float32


def test_scalars_levels_and_vad_columns():
    mic = np.full(TICK_SAMPLES, 0.1, np.float32)  # -20 dBFS
    self_audio = np.full(TICK_SAMPLES, 1e-4, np.float32)  # -80 dBFS
    out = make_scalars(TickContext(), vad=[0.1, 0.9, 0.2], mic=mic, self_audio=self_audio)
    assert out[col("mic_level")] == pytest.approx(1.0, abs=1e-3)
    assert out[col("self_level")] == pytest.approx(-1.0, abs=1e-3)
    assert out[col("vad_mean")] == pytest.approx(0.4, abs=1e-6)
    assert out[col("vad_max")] == pytest.approx(0.9, abs=1e-6)
    assert out[col("vad_last")] == pytest.approx(0.2, abs=1e-6)
    empty = make_scalars(TickContext(), vad=[])
    assert empty[col("vad_mean")] == empty[col("vad_max")] == empty[col("vad_last")] == 0.0


@pytest.mark.parametrize(("speaking", "since", "expected_since"),
                         [(True, 0.0, 0.0), (False, 3.0, 0.3), (False, 10.0, 1.0), (False, 25.0, 1.0)])
def test_scalars_assistant_columns(speaking, since, expected_since):
    out = make_scalars(TickContext(assistant_speaking=speaking, since_assistant_s=since))
    assert out[col("assistant_speaking")] == float(speaking)
    assert out[col("since_assistant")] == pytest.approx(expected_since, abs=1e-6)


@pytest.mark.parametrize(("since_user", "expected"), [(0.0, 0.0), (1.0, 0.2), (5.0, 1.0), (30.0, 1.0)])
def test_scalars_since_user_speech_clipped_at_5s(since_user, expected):
    out = make_scalars(TickContext(), since_user_s=since_user)
    assert out[col("since_user_speech")] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(("ttc", "has", "near", "far"), [
    (None, 0.0, 0.0, 0.0),
    (0.5, 1.0, 0.5, 0.5 / 15.0),
    (20.0, 1.0, 1.0, 1.0),
    (-0.3, 1.0, -0.3, -0.3 / 15.0),
    (-5.0, 1.0, -1.0, -2.0 / 15.0),
])
def test_scalars_cue_columns(ttc, has, near, far):
    out = make_scalars(TickContext(time_to_cue_s=ttc))
    assert out[col("has_cue")] == has
    assert out[col("cue_near")] == pytest.approx(near, abs=1e-6)
    assert out[col("cue_far")] == pytest.approx(far, abs=1e-6)


def test_scalars_camera_columns():
    names = ("face_present", "face_x", "face_y", "face_size", "motion", "scene_change", "brightness")
    off = make_scalars(TickContext())
    assert off[col("camera_on")] == 0.0
    assert all(off[col(n)] == 0.0 for n in names)
    visual = np.array([1.0, 0.25, 0.75, 0.3, 0.05, 0.6, 0.45], np.float32)
    on = make_scalars(TickContext(visual=visual))
    assert on[col("camera_on")] == 1.0
    for name, value in zip(names, visual, strict=True):
        assert on[col(name)] == pytest.approx(float(value)), name
    np.testing.assert_allclose(on[-VISUAL_DIMS:], visual)
    # camera features do not leak into the other columns
    np.testing.assert_array_equal(on[:col("camera_on")], off[:col("camera_on")])


# ---- FeatureExtractor with the real silero VAD on espeak-ng speech --------------------------------------


@pytest.fixture(scope="module")
def vad():
    from app.speech.vad import SileroVad

    return SileroVad()


def run_ticks(fx, ticks):
    silence = np.zeros(TICK_SAMPLES, np.float32)
    return [fx(t, silence, TickContext()) for t in ticks]


def test_extractor_since_user_speech_on_real_speech(utterance_ticks, vad):
    ticks, voice_s = utterance_ticks
    vad.reset()
    fx = FeatureExtractor(vad)
    feats = run_ticks(fx, ticks)
    assert all(f.mic_mel.shape == (20, N_MELS) and f.self_mel.shape == (20, N_MELS) for f in feats)
    assert all(f.scalars.shape == (N_SCALARS,) for f in feats)
    since = np.array([f.scalars[col("since_user_speech")] for f in feats])
    vad_max = np.array([f.scalars[col("vad_max")] for f in feats])
    speech = np.flatnonzero(vad_max >= 0.5)
    assert speech.size > 0
    first, last = int(speech[0]), int(speech[-1])
    # the speech sits between 1 s of lead silence and 1.5 s of trailing silence
    assert first in (4, 5, 6)
    assert abs((last + 1) * 0.2 - (1.0 + voice_s)) <= 0.4
    assert last < len(feats) - 5
    # before any speech the user has been silent "long ago"
    np.testing.assert_allclose(since[:first], 1.0)
    # zero on every tick inside the speech
    np.testing.assert_array_equal(since[first:last + 1], 0.0)
    # then grows by 0.2 s / 5 s per tick of trailing silence
    tail = since[last + 1:]
    expected = np.minimum(0.2 * np.arange(1, tail.size + 1), 5.0) / 5.0
    np.testing.assert_allclose(tail, expected, atol=1e-5)
    assert (vad_max[last + 1:] < 0.5).all()
    # mic levels follow the audio: loud in speech, clipped floor in the digital silence
    levels = np.array([f.scalars[col("mic_level")] for f in feats])
    assert (levels[:first] == -2.0).all()
    assert levels[first:last + 1].max() > 0.5


def test_extractor_mel_matches_whole_signal(utterance_ticks, vad):
    ticks, _ = utterance_ticks
    vad.reset()
    feats = run_ticks(FeatureExtractor(vad), ticks)
    streamed = np.concatenate([f.mic_mel for f in feats])
    np.testing.assert_allclose(streamed, log_mel(ticks.reshape(-1)), atol=1e-4, rtol=0)


def test_extractor_reset_restores_initial_state(utterance_ticks, vad):
    ticks, _ = utterance_ticks
    vad.reset()
    fresh = FeatureExtractor(vad)
    first_fresh = run_ticks(fresh, ticks[7:9])  # start in the middle of the speech

    vad.reset()
    fx = FeatureExtractor(vad)
    run_ticks(fx, ticks[:10])
    assert fx.state.since_user_s == 0.0
    assert np.any(fx.state.mic_tail != 0.0)
    fx.reset()
    assert fx.state.since_user_s == 30.0
    np.testing.assert_array_equal(fx.state.mic_tail, np.zeros(WIN - HOP, np.float32))
    np.testing.assert_array_equal(fx.state.self_tail, np.zeros(WIN - HOP, np.float32))
    assert vad.frames_done == 0
    again = run_ticks(fx, ticks[7:9])
    for a, b in zip(first_fresh, again, strict=True):
        np.testing.assert_allclose(a.scalars, b.scalars, atol=1e-6)
        np.testing.assert_allclose(a.mic_mel, b.mic_mel, atol=1e-6)
