"""The harness most voice assistants ship, kept as the yardstick: silero VAD, end of turn after 0.8 s
of silence, and stop speaking on any detected user speech.
"""

from __future__ import annotations

from app.core.frames import Snapshot
from app.interaction.placeholder_policy import SilenceTimeoutPolicy

SPEECH_PROB = 0.5


class BaselinePolicy(SilenceTimeoutPolicy):
    """VAD + silence timeout turn-taking; ``vad`` is a SileroVad (``process``, ``reset``)."""

    def __init__(self, vad: object, *, silence_s: float = 0.8, tick_s: float = 0.2) -> None:
        super().__init__(patience_s=silence_s, tick_s=tick_s)
        self._vad = vad

    def reset(self) -> None:
        """Start a new conversation."""
        super().reset()
        self._vad.reset()  # type: ignore[attr-defined]

    def is_speech(self, snap: Snapshot, level: float) -> bool:
        """Any VAD frame of this micro-turn at or above ``SPEECH_PROB``."""
        probs = self._vad.process(snap.mic)  # type: ignore[attr-defined]
        return bool(probs.size) and float(probs.max()) >= SPEECH_PROB
