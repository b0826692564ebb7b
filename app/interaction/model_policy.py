"""The floor policy driven by the trained interaction model: features -> model -> deterministic rules.

It also reads the cue clock (time to the next requested moment), the camera's features and the newest
partial transcript (to hold the turn while the words sound unfinished), and says why it interjected
(``reason``), so the UI can show it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.audio_io import level_db
from app.core.clock import NS_PER_S
from app.core.frames import Action, Snapshot, UserState
from app.interaction.cues import Cue, CueClock
from app.interaction.features import FeatureExtractor, TickContext
from app.interaction.floor_policy import FloorPolicy, Knobs, Probs
from app.interaction.model import InteractionModel
from app.interaction.turn_text import TurnText


@dataclass
class ModelPolicyState:
    """When the assistant was last heard, the newest camera frame seen, and the last tick's outputs."""

    last_speaking_ns: int | None = None
    last_frame_ns: int | None = None
    visual: np.ndarray | None = None  # features of the newest camera frame
    probs: Probs | None = None
    reason: str = ""
    due: Cue | None = None
    user_spoke_ns: int = 0  # end of the last tick the user was speaking in
    voiced_self: np.ndarray | None = None  # the assistant's output in the last tick it was not held

    def reset(self) -> None:
        """Forget the conversation."""
        self.user_spoke_ns = 0
        self.voiced_self = None
        self.last_speaking_ns = self.last_frame_ns = None
        self.visual = None
        self.probs = None
        self.reason = ""
        self.due = None


class ModelPolicy:
    """``step(snap, assistant_speaking)`` like every floor policy; the model runs once per tick."""

    def __init__(self, model: InteractionModel, vad: object, *, knobs: Knobs | None = None, tick_s: float = 0.2,
                 cues: CueClock | None = None, visual: object | None = None,
                 turn_text: TurnText | None = None) -> None:
        self.model = model
        self.features = FeatureExtractor(vad, tick_s)
        self.floor = FloorPolicy(knobs or Knobs(), tick_s)
        self.cues = cues or CueClock()
        self._visual = visual  # a VisualFeatureExtractor, or None to ignore the camera
        self.turn_text = turn_text  # shared with the recognizer side; None: decide on sound alone
        self.state = ModelPolicyState()

    def reset(self) -> None:
        """Start a new conversation: features, model state, rules and cues."""
        self.features.reset()
        self.model.reset()
        self.floor.reset()
        self.cues.reset()
        self.state.reset()
        if self.turn_text is not None:
            self.turn_text.reset()

    @property
    def voice_held(self) -> bool:
        """The floor rules hold the assistant's voice this tick (a moment of doubt about user speech)."""
        return self.floor.state.voice_held

    def _context(self, snap: Snapshot, assistant_speaking: bool) -> TickContext:
        st = self.state
        if assistant_speaking:
            st.last_speaking_ns = snap.t_ns
        since = 30.0 if st.last_speaking_ns is None else (snap.t_ns - st.last_speaking_ns) / NS_PER_S
        if self._visual is not None and snap.video is not None and snap.video.t_ns != st.last_frame_ns:
            st.last_frame_ns = snap.video.t_ns
            st.visual = self._visual(snap.video).as_vector()  # type: ignore[operator]
        return TickContext(assistant_speaking=assistant_speaking, since_assistant_s=since,
                           time_to_cue_s=self.cues.time_to_next(snap.t_ns),
                           visual=st.visual if snap.video is not None else None)

    def step(self, snap: Snapshot, assistant_speaking: bool) -> tuple[Action, UserState, float]:
        """Decide this micro-turn; ``state.due`` holds the cue to speak when the action is INTERJECT."""
        st = self.state
        self_audio = snap.self_audio
        if self.floor.state.voice_held and assistant_speaking and st.voiced_self is not None:
            # The voice was held silent for this tick, but the floor is still the assistant's: the model
            # hears its voice as it last sounded (it was trained on voices that play or stop, not hold).
            self_audio = st.voiced_self
        else:
            st.voiced_self = snap.self_audio
        feats = self.features(snap.mic, self_audio, self._context(snap, assistant_speaking))
        probs = self.model.step(feats)
        words = self.turn_text
        if words is not None and not assistant_speaking:
            words.hear_over("")  # words said over a voice that has stopped ask nothing of the next one
        if words is not None and words.reopen:
            words.reopen = False
            self.floor.reopen()
        if words is None:
            action, user = self.floor.step(probs, assistant_speaking)
        else:
            action, user = self.floor.step(probs, assistant_speaking, words.unfinished, words.behind(st.user_spoke_ns),
                                           words.acknowledged, words.asks_stop, words.acknowledged_over)
            if action is Action.TAKE_TURN:
                words.take(st.user_spoke_ns)
            elif action is Action.YIELD:
                words.hear_over("")  # a stop command stops the voice once
        if user is UserState.SPEAKING:
            st.user_spoke_ns = snap.t_ns
        st.probs, st.reason, st.due = probs, "", None
        if action is Action.INTERJECT:
            st.due = self.cues.take(snap.t_ns)
            if st.due is not None:
                st.reason = "the time you asked for"
            elif snap.video is not None:
                st.reason = "something changed on camera"
            else:  # nothing is due and there is no camera: nothing to interject about
                action = Action.LISTEN
        elif not assistant_speaking and (late := self.cues.overdue(snap.t_ns)) is not None:
            action, st.due, st.reason = Action.INTERJECT, late, "the time you asked for"
        return action, user, level_db(snap.mic)

    def interjection(self) -> tuple[str, str]:
        """What to say for this tick's INTERJECT, and why (for the UI's reason line)."""
        st = self.state
        return (st.due.say if st.due else "Oh, what have you got there?"), st.reason
