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
