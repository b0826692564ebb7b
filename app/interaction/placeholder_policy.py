"""The classic voice-activity harness: speech is detected per tick, the turn ends after a fixed stretch
of silence, and any user speech while the assistant talks makes it yield.

Two detectors share the rules: a level threshold (the placeholder, no model at all) and silero VAD
(``app.interaction.baseline_policy``, the yardstick the interaction model is measured against).
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


class SilenceTimeoutPolicy:
    """Speech detection + silence timeout turn-taking; subclasses say what counts as speech."""

    voice_held = False  # stops outright on speech; never holds the voice

    def __init__(self, *, patience_s: float = 0.8, tick_s: float = 0.2) -> None:
        self.patience_s = patience_s
        self.tick_s = tick_s
        self.state = PolicyState()

    def reset(self) -> None:
        """Start a new conversation."""
        self.state.reset()

    def is_speech(self, snap: Snapshot, level: float) -> bool:
        """Whether this micro-turn holds user speech."""
        raise NotImplementedError

    def step(self, snap: Snapshot, assistant_speaking: bool) -> tuple[Action, UserState, float]:
        """Decide the floor action for this micro-turn; returns (action, user state, mic level dB)."""
        level = level_db(snap.mic)
        st = self.state
        if self.is_speech(snap, level):
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


class PlaceholderPolicy(SilenceTimeoutPolicy):
    """Speech is mic level above a threshold."""

    def __init__(self, *, threshold_db: float = -40.0, patience_s: float = 0.8, tick_s: float = 0.2) -> None:
        super().__init__(patience_s=patience_s, tick_s=tick_s)
        self.threshold_db = threshold_db

    def is_speech(self, snap: Snapshot, level: float) -> bool:
        """Level above the threshold."""
        return level > self.threshold_db
