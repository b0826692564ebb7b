"""A level-based floor policy that stands in until the trained interaction model is wired in.

It is the classic voice-activity harness: speech is level above a threshold, the turn ends after
``patience_s`` of silence, and any user speech while the assistant talks makes it yield.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.audio_io import level_db
from app.core.frames import Action, Snapshot, UserState


@dataclass
class PolicyState:
    """Everything the policy remembers between ticks."""

    heard_speech: bool = False
    silence_s: float = 0.0

    def reset(self) -> None:
        """Forget the conversation so far."""
        self.heard_speech = False
        self.silence_s = 0.0


class PlaceholderPolicy:
    """Energy threshold + silence timeout turn-taking."""

    def __init__(self, *, threshold_db: float = -40.0, patience_s: float = 0.8, tick_s: float = 0.2) -> None:
        self.threshold_db = threshold_db
        self.patience_s = patience_s
        self.tick_s = tick_s
        self.state = PolicyState()

    def reset(self) -> None:
        """Start a new conversation."""
        self.state.reset()

    def step(self, snap: Snapshot, assistant_speaking: bool) -> tuple[Action, UserState, float]:
        """Decide the floor action for this micro-turn; returns (action, user state, mic level dB)."""
        level = level_db(snap.mic)
        st = self.state
        if level > self.threshold_db:
            st.heard_speech = True
            st.silence_s = 0.0
            return (Action.YIELD if assistant_speaking else Action.LISTEN), UserState.SPEAKING, level
        if assistant_speaking:
            return Action.CONTINUE, UserState.SILENT, level
        if not st.heard_speech:
            return Action.LISTEN, UserState.SILENT, level
        st.silence_s += self.tick_s
        if st.silence_s + 1e-9 >= self.patience_s:
            st.heard_speech = False
            st.silence_s = 0.0
            return Action.TAKE_TURN, UserState.END_OF_TURN, level
        return Action.LISTEN, UserState.PAUSING, level
