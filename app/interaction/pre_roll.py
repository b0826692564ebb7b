"""The mic ticks just before a user turn is first heard, which belong to the turn's audio.

A word that starts the turn began in the tick before the model heard it, so the turn's audio always
starts one tick early. An interruption starts earlier still: the model calls the first ticks of most
interruptions a backchannel, and the turn only opens on the tick it hears them as speech, so
"hang on, go back to Singapore" reached the recognizer as "...back to Singapore" and came back empty
or as a hallucination. The backchannel ticks right before the turn opens are its first words.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from app.core.frames import UserState

MAX_BACKCHANNEL_TICKS = 5
"""Most ticks heard as a backchannel that go in front of a turn (1 s at 200 ms: longer is no "mm-hm")."""


@dataclass
class PreRoll:
    """The last few ticks' mic audio with the user state heard in them; one state object with ``reset()``."""

    ticks: deque[tuple[int, np.ndarray, UserState]] = field(
        default_factory=lambda: deque(maxlen=MAX_BACKCHANNEL_TICKS + 1))

    def reset(self) -> None:
        """Forget the ticks heard so far (a new conversation)."""
        self.ticks.clear()

    def push(self, start_ns: int, mic: np.ndarray, state: UserState) -> None:
        """Remember a tick that has been handled (call it after the tick's own audio went where it goes)."""
        self.ticks.append((start_ns, np.asarray(mic, np.float32), state))

    def lead(self, opening_ns: int) -> tuple[int, list[np.ndarray]]:
        """Where a turn that opens in the tick starting at ``opening_ns`` really starts, and the audio
        before that tick: the run of backchannel ticks just before (at most ``MAX_BACKCHANNEL_TICKS``),
        then one tick more for the first word's onset. With nothing heard yet the turn starts where it opens.
        """
        taken: list[tuple[int, np.ndarray, UserState]] = []
        for tick in reversed(self.ticks):
            taken.append(tick)
            if tick[2] is not UserState.BACKCHANNEL or len(taken) > MAX_BACKCHANNEL_TICKS:
                break
        if not taken:
            return opening_ns, []
        taken.reverse()
        return taken[0][0], [mic for _, mic, _ in taken]
