"""The shipped interaction model on onnxruntime, its failure messages, and the policy fallback."""

from __future__ import annotations

import numpy as np
import pytest

from app.config import Settings
from app.core.frames import Action, Snapshot, UserState
from app.interaction import model as model_module
from app.interaction.baseline_policy import BaselinePolicy
from app.interaction.features import FRAMES_PER_TICK, N_MELS, N_SCALARS, TickFeatures
from app.interaction.model import InteractionModel, ModelError
from app.interaction.model_policy import ModelPolicy
from app.interaction.policies import build_policy
from app.paths import models_dir

SHIPPED = models_dir() / "interaction" / model_module.MODEL_FILE


def features(level: float = 0.0) -> TickFeatures:
    return TickFeatures(mic_mel=np.full((FRAMES_PER_TICK, N_MELS), level, np.float32),
                        self_mel=np.zeros((FRAMES_PER_TICK, N_MELS), np.float32),
                        scalars=np.zeros(N_SCALARS, np.float32))


def test_the_shipped_model_is_small_int8_and_steps():
    assert SHIPPED.is_file(), "models/interaction/interaction.int8.onnx must be committed"
    assert SHIPPED.stat().st_size <= 8 * 1024 * 1024
    m = InteractionModel()
    p = m.step(features())
    assert len(p.user_state) == 6 and len(p.action) == 6
    assert sum(p.user_state) == pytest.approx(1.0, abs=1e-4) and sum(p.action) == pytest.approx(1.0, abs=1e-4)
    assert 0.0 <= p.cue_due <= 1.0


def test_state_carries_between_calls_and_reset_clears_it():
    m = InteractionModel()
    first = m.step(features(1.0))
    assert np.abs(m.state).sum() > 0
    m.step(features(1.0))
    m.reset()
    assert np.abs(m.state).sum() == 0
    again = m.step(features(1.0))
    assert again.action == pytest.approx(first.action, abs=1e-6)


def test_missing_and_corrupt_model_files_say_what_to_do(tmp_path):
    with pytest.raises(ModelError, match="is missing"):
        InteractionModel(tmp_path / "nope.onnx")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(ModelError, match="cannot be loaded"):
        InteractionModel(bad)


def test_a_broken_model_falls_back_to_the_baseline_with_a_message(tmp_path, monkeypatch):
    (tmp_path / "interaction").mkdir()
    (tmp_path / "interaction" / model_module.MODEL_FILE).write_bytes(b"\x00corrupt")
    monkeypatch.setattr(model_module, "models_dir", lambda: tmp_path)
    problems: list[str] = []
    policy = build_policy(Settings(), on_problem=problems.append)
    assert isinstance(policy, BaselinePolicy)
    assert problems and "cannot be loaded" in problems[0] and "baseline" in problems[0]


def test_the_default_settings_build_the_model_policy():
    policy = build_policy(Settings())
    assert isinstance(policy, ModelPolicy)
    silence = np.zeros(3200, np.float32)
    action, user, level = policy.step(Snapshot(t_ns=200_000_000, start_ns=0, mic=silence, self_audio=silence), False)
    assert action is Action.LISTEN and user is UserState.SILENT and level <= -90


def _decisions(policy: ModelPolicy, rows: np.ndarray, text_at: dict[int, str] | None = None) -> list[Action]:
    silence = np.zeros(rows.shape[1], np.float32)
    out = []
    for i, row in enumerate(rows):
        snap = Snapshot(t_ns=(i + 1) * 200_000_000, start_ns=i * 200_000_000, mic=row, self_audio=silence)
        if text_at and i in text_at and policy.turn_text is not None:
            policy.turn_text.update(text_at[i], snap.t_ns)  # the words up to the end of this tick
        out.append(policy.step(snap, False)[0])
    return out


def test_unfinished_words_hold_the_turn_through_the_pause(espeak):
    from app.interaction.turn_text import TurnText

    voice = espeak("what wine would go nicely with")
    rows_needed = -(-(16000 + voice.size + 5 * 16000) // 3200)
    signal = np.zeros(rows_needed * 3200, np.float32)
    signal[16000:16000 + voice.size] = voice
    rows = signal.reshape(rows_needed, 3200)
    on_sound = _decisions(build_policy(Settings()), rows)
    assert Action.TAKE_TURN in on_sound  # on sound alone the model takes the turn in the pause
    heard = on_sound.index(Action.TAKE_TURN) - 1  # the partial with the last words is in by then
    policy = build_policy(Settings(), turn_text=TurnText())
    assert isinstance(policy, ModelPolicy)
    held = _decisions(policy, rows, {heard: "What wine would go nicely with"})
    took = held.index(Action.TAKE_TURN)
    # it waits for the patience limit (3 s at the default patience), then answers anyway
    assert (took - heard - 1) * 0.2 == pytest.approx(3.0)
    assert policy.turn_text.text == ""  # the take closed the turn's words
    finished = build_policy(Settings(), turn_text=TurnText())
    assert _decisions(finished, rows, {heard: "What wine would go nicely with fish?"}) == on_sound


def test_while_the_voice_is_held_the_model_hears_it_as_it_last_sounded():
    policy = build_policy(Settings())
    assert isinstance(policy, ModelPolicy)
    rng = np.random.default_rng(0)
    voice = (0.1 * rng.standard_normal(3200)).astype(np.float32)
    silence = np.zeros(3200, np.float32)
    policy.step(Snapshot(t_ns=200_000_000, start_ns=0, mic=silence, self_audio=voice), True)
    policy.floor.state.voice_held = True  # the rules held the voice after that tick
    policy.step(Snapshot(t_ns=400_000_000, start_ns=200_000_000, mic=silence, self_audio=silence), True)
    tail = policy.features.state.self_tail
    np.testing.assert_array_equal(tail, voice[-tail.size:])
    # Not held: the model hears what really played.
    policy.step(Snapshot(t_ns=600_000_000, start_ns=400_000_000, mic=silence, self_audio=silence), True)
    assert not policy.features.state.self_tail.any()


def test_the_loop_holds_the_playback_for_the_tick_the_rules_hold_the_voice(monkeypatch):
    from app.core.ring import RingBuffer
    from app.interaction.loop import InteractionLoop
    from app.speech.playback import PlaybackQueue

    monkeypatch.setattr("app.interaction.floor_policy.HOLD_FRACTION", 0.0)  # every speaking tick is in doubt
    ring = RingBuffer(16000, 10.0, 4)
    playback = PlaybackQueue(ring.self_audio)
    loop = InteractionLoop(ring, playback, build_policy(Settings()), None)
    playback.enqueue(np.full(3 * 16000, 0.1, np.float32), "a long reply")
    ring.mic.write(np.zeros(16000, np.float32), 0)
    first = loop(0, 200_000_000)
    assert first.action is Action.CONTINUE and playback.held
    second = loop(1, 400_000_000)
    assert second.action is Action.CONTINUE and not playback.held  # the hold had its tick; it plays on


def test_words_that_only_acknowledge_end_the_turn_on_the_first_quiet_tick(espeak):
    from app.interaction.turn_text import TurnText

    voice = espeak("oh right")
    n = 30
    signal = np.zeros(n * 3200, np.float32)
    signal[16000:16000 + voice.size] = voice
    rows = signal.reshape(n, 3200)
    last_sound = (16000 + voice.size) // 3200  # the tick in which the voice ends
    on_sound = _decisions(build_policy(Settings()), rows)
    # the model expects more after so short a turn: on sound alone it waits for the silence limit
    assert on_sound.index(Action.TAKE_TURN) > last_sound + 5
    policy = build_policy(Settings(), turn_text=TurnText())
    heard = _decisions(policy, rows, {last_sound: "Oh, right."})
    assert heard.index(Action.TAKE_TURN) <= last_sound + 1  # the words are in: nothing more is coming
    thinking = _decisions(build_policy(Settings(), turn_text=TurnText()), rows, {last_sound: "Hmm."})
    assert thinking.index(Action.TAKE_TURN) > last_sound + 5  # "hmm" alone is someone thinking


def test_a_stop_heard_over_the_voice_yields_once_and_a_stale_one_asks_nothing_of_the_next_reply():
    from app.interaction.turn_text import TurnText

    policy = build_policy(Settings(), turn_text=TurnText())
    assert isinstance(policy, ModelPolicy)
    rng = np.random.default_rng(0)
    silence = np.zeros(3200, np.float32)

    def step(i: int, speaking: bool = True) -> Action:
        voice = (0.1 * rng.standard_normal(3200)).astype(np.float32) if speaking else silence
        snap = Snapshot(t_ns=(i + 1) * 200_000_000, start_ns=i * 200_000_000, mic=silence, self_audio=voice)
        return policy.step(snap, speaking)[0]

    assert [step(i) for i in range(8)] == [Action.CONTINUE] * 8  # a reply over a quiet room
    policy.turn_text.hear_over("Stop, stop.")
    assert step(8) is Action.YIELD
    assert [step(i) for i in range(9, 12)] == [Action.CONTINUE] * 3  # one stop, one yield
    policy.turn_text.hear_over("Stop.")  # its words came in after the voice had already stopped
    step(12, speaking=False)
    assert [step(i) for i in range(13, 16)] == [Action.CONTINUE] * 3
