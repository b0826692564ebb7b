"""A scripted session on one time axis: who speaks when, in what role, and what the ideal assistant does.

Per-tick labels for training are read off this timeline, so they agree with the audio by construction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from app.core.frames import Action, UserState

TICK_S = 0.2
ACTIONS = tuple(Action)
USER_STATES = tuple(UserState)
ADDRESSED = ("turn", "interrupt", "cue_request")
"""User speech meant for the assistant; "backchannel", "other" and "background" are not."""
MIN_OVERLAP_S = 0.04
REPLY_GAP_S = 0.1
"""The ideal assistant takes the turn at the first tick with at least this much silence after the turn."""


def tick_ceil(t: float) -> float:
    """The first tick boundary at or after ``t``."""
    return math.ceil(round(t / TICK_S, 6)) * TICK_S


@dataclass(frozen=True)
class Span:
    """[start, end) seconds with a role."""

    start: float
    end: float
    role: str
    cut: bool = False  # the audio was stopped at ``end`` (by a decision on that tick), not finished

    def overlap(self, a: float, b: float) -> float:
        """Seconds of this span inside [a, b)."""
        return max(0.0, min(self.end, b) - max(self.start, a))


@dataclass
class Timeline:
    """Everything the labels need; times in seconds from the start of the session."""

    duration: float
    user: list[Span] = field(default_factory=list)  # user-side speech (incl. background) by role
    holds: list[Span] = field(default_factory=list)  # pauses in which the user keeps the floor
    turn_ends: list[float] = field(default_factory=list)  # the user yields the floor here
    assistant: list[Span] = field(default_factory=list)  # reply / backchannel / cue / visual spans
    yield_from: list[float] = field(default_factory=list)  # tick where the assistant should start stopping
    cue_due: float | None = None
    cue_known_from: float | None = None  # when the runtime would know the cue (after recognizing the request)

    def n_ticks(self) -> int:
        """Whole ticks in the session."""
        return int(round(self.duration / TICK_S, 6))

    def assistant_speaking(self, t: float) -> bool:
        """Whether the playback queue is playing just before the decision at tick end ``t``."""
        # Audio stopped exactly on this tick (by this very decision) was still playing before it.
        return any(s.start < t - 1e-6 and (t < s.end - 1e-6 or (s.cut and t <= s.end + 1e-6))
                   for s in self.assistant)

    def since_assistant(self, t: float) -> float:
        """Seconds since the assistant last made a sound, 0 while it speaks."""
        if self.assistant_speaking(t):
            return 0.0
        ends = [s.end for s in self.assistant if s.end <= t + 1e-6]
        return t - max(ends) if ends else 30.0

    def time_to_cue(self, t: float) -> float | None:
        """What the cue clock says at ``t``: known only after the request was recognized, gone once it fired."""
        if self.cue_due is None or self.cue_known_from is None or t < self.cue_known_from:
            return None
        fired = [s for s in self.assistant if s.role == "cue"]
        if fired and t > fired[0].start + 1e-6:
            return None
        return self.cue_due - t

    def user_state(self, t: float) -> UserState:
        """The user-state label for the tick ending at ``t``."""
        a = t - TICK_S
        def heard(roles: tuple[str, ...]) -> bool:
            return sum(s.overlap(a, t) for s in self.user if s.role in roles) >= MIN_OVERLAP_S

        if heard(ADDRESSED):
            return UserState.SPEAKING
        if heard(("backchannel",)):
            return UserState.BACKCHANNEL
        if heard(("other", "background")):
            return UserState.OTHER
        if any(h.start <= t < h.end for h in self.holds):
            return UserState.PAUSING
        if any(e <= t and self._reply_after(e) > t - 1e-6 for e in self.turn_ends):
            return UserState.END_OF_TURN
        return UserState.SILENT

    def _reply_after(self, e: float) -> float:
        starts = [s.start for s in self.assistant if s.start >= e - 1e-6 and s.role in ("reply", "cue")]
        return min(starts) if starts else math.inf

    def action(self, t: float) -> Action:
        """The floor-action label for the tick ending at ``t`` (what to do from ``t`` on)."""
        for s in self.assistant:
            if abs(s.start - t) < 1e-6:
                return {"reply": Action.TAKE_TURN, "backchannel": Action.BACKCHANNEL}.get(s.role, Action.INTERJECT)
        for e in self.turn_ends:  # the reply is late: keep asking for the turn
            if e + REPLY_GAP_S - 1e-6 <= t < self._reply_after(e) - 1e-6 and self._reply_after(e) - e < 2.0:
                return Action.TAKE_TURN
        for y in self.yield_from:
            stop = min((s.end for s in self.assistant if s.start < y < s.end + 1e-6), default=None)
            if stop is not None and y - 1e-6 <= t <= stop + 1e-6:
                return Action.YIELD
        if self.assistant_speaking(t):
            return Action.CONTINUE
        return Action.LISTEN

    def labels(self) -> dict[str, np.ndarray]:
        """Per-tick user state, floor action and cue-due labels (class indices / 0-1)."""
        ticks = [(k + 1) * TICK_S for k in range(self.n_ticks())]
        cue_starts = [s.start for s in self.assistant if s.role == "cue"]
        return {
            "user_state": np.array([USER_STATES.index(self.user_state(t)) for t in ticks], np.int64),
            "action": np.array([ACTIONS.index(self.action(t)) for t in ticks], np.int64),
            "cue_due": np.array([float(any(abs(c - t) < 1e-6 for c in cue_starts)) for t in ticks], np.float32),
        }
