"""The harness most voice assistants ship, kept as the yardstick: silero VAD, end of turn after 0.8 s
of silence, and stop speaking on any detected user speech.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.audio_io import level_db
from app.core.frames import Action, Snapshot, UserState

SPEECH_PROB = 0.5


@dataclass
class BaselineState:
    """Whether the user has spoken since the last reply, and for how long they have been silent."""

    heard_speech: bool = False
    silence_s: float = 0.0

    def reset(self) -> None:
        """Forget the conversation so far."""
        self.heard_speech = False
        self.silence_s = 0.0


class BaselinePolicy:
    """VAD + silence timeout turn-taking; ``vad`` is a SileroVad (``process``, ``reset``)."""

    def __init__(self, vad: object, *, silence_s: float = 0.8, tick_s: float = 0.2) -> None:
        self._vad = vad
        self.silence_timeout_s = silence_s
        self.tick_s = tick_s
        self.state = BaselineState()

    def reset(self) -> None:
        """Start a new conversation."""
        self.state.reset()
        self._vad.reset()  # type: ignore[attr-defined]

    def step(self, snap: Snapshot, assistant_speaking: bool) -> tuple[Action, UserState, float]:
        """Decide the floor action for this micro-turn; returns (action, user state, mic level dB)."""
        probs = self._vad.process(snap.mic)  # type: ignore[attr-defined]
        level = level_db(snap.mic)
        st = self.state
        if probs.size and float(probs.max()) >= SPEECH_PROB:
            st.heard_speech = True
            st.silence_s = 0.0
            return (Action.YIELD if assistant_speaking else Action.LISTEN), UserState.SPEAKING, level
        if assistant_speaking:
            return Action.CONTINUE, UserState.SILENT, level
        if not st.heard_speech:
            return Action.LISTEN, UserState.SILENT, level
        st.silence_s += self.tick_s
        if st.silence_s + 1e-9 >= self.silence_timeout_s:
            st.heard_speech = False
            st.silence_s = 0.0
            return Action.TAKE_TURN, UserState.END_OF_TURN, level
        return Action.LISTEN, UserState.PAUSING, level
