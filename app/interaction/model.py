"""The trained interaction model on onnxruntime: one call per micro-turn, its recurrent state kept here."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.interaction.features import TickFeatures
from app.interaction.floor_policy import Probs
from app.paths import models_dir

MODEL_FILE = "interaction.int8.onnx"


class ModelError(RuntimeError):
    """The interaction model file is missing or unusable; the message says what to do."""


class InteractionModel:
    """Streaming int8 ONNX model: ``step`` maps one tick's features to probabilities."""

    def __init__(self, path: str | Path | None = None, threads: int = 1) -> None:
        import onnxruntime as ort

        self.path = Path(path) if path else models_dir() / "interaction" / MODEL_FILE
        if not self.path.is_file():
            raise ModelError(f"The interaction model {self.path} is missing. Reinstall Tandem, or rebuild it with "
                             "`make interaction-model`; meanwhile set interaction.policy: baseline in the config.")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        try:
            self._session = ort.InferenceSession(str(self.path), sess_options=opts,
                                                 providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types for corrupt files
            raise ModelError(f"The interaction model {self.path} cannot be loaded ({exc}). Reinstall Tandem or "
                             "rebuild it with `make interaction-model`.") from exc
        shape = self._session.get_inputs()[3].shape
        self._state_shape = (int(shape[0]), 1, int(shape[2]))
        self.reset()

    def reset(self) -> None:
        """Forget the conversation (zero recurrent state)."""
        self.state = np.zeros(self._state_shape, np.float32)

    def step(self, feats: TickFeatures) -> Probs:
        """Run one micro-turn."""
        user, action, cue, self.state = self._session.run(None, {
            "mic_mel": feats.mic_mel[None].astype(np.float32), "self_mel": feats.self_mel[None].astype(np.float32),
            "scalars": feats.scalars[None].astype(np.float32), "state": self.state})
        return Probs(user_state=tuple(float(x) for x in user[0]), action=tuple(float(x) for x in action[0]),
                     cue_due=float(np.asarray(cue).reshape(-1)[0]))
