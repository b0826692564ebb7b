"""The mic ticks just before a user turn is first heard, which belong to the turn's audio.

A word that starts the turn began in the tick before the model heard it, so the turn's audio always
starts one tick early. An interruption starts earlier still: the model calls the first ticks of most
interruptions a backchannel, and the turn only opens on the tick it hears them as speech, so
"hang on, go back to Singapore" reached the recognizer as "...back to Singapore" and came back empty
or as a hallucination. The backchannel ticks right before the turn opens are its first words, and so
are the ticks after them that the model heard as someone else's speech: the floor policy yields to such
a sound once it outlasts a second (rule 3 of ``floor_policy``), and with only its last tick the
recognizer heard nothing of the interruption. Someone else's speech that did not begin as a
backchannel stays out.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from app.core.frames import UserState

MAX_ONSET_TICKS = 7
"""Most ticks of a sound that began as a backchannel that go in front of a turn (1.4 s at 200 ms: the
policy yields to one that outlasts 1 s)."""


@dataclass
class PreRoll:
    """The last few ticks' mic audio with the user state heard in them; one state object with ``reset()``."""

    ticks: deque[tuple[int, np.ndarray, UserState]] = field(
        default_factory=lambda: deque(maxlen=MAX_ONSET_TICKS + 1))

    def reset(self) -> None:
        """Forget the ticks heard so far (a new conversation)."""
        self.ticks.clear()

    def push(self, start_ns: int, mic: np.ndarray, state: UserState) -> None:
        """Remember a tick that has been handled (call it after the tick's own audio went where it goes)."""
        self.ticks.append((start_ns, np.asarray(mic, np.float32), state))

    def lead(self, opening_ns: int) -> tuple[int, list[np.ndarray]]:
        """Where a turn that opens in the tick starting at ``opening_ns`` really starts, and the audio
        before that tick: the sound just before it that began as a backchannel (its ticks heard as a
        backchannel or someone else's, at most ``MAX_ONSET_TICKS``), then one tick more for the first
        word's onset. With nothing heard yet the turn starts where it opens.
        """
        newest_first = list(reversed(self.ticks))
        sound = 0
        while (sound < min(MAX_ONSET_TICKS, len(newest_first))
               and newest_first[sound][2] in (UserState.BACKCHANNEL, UserState.OTHER)):
            sound += 1
        while sound and newest_first[sound - 1][2] is not UserState.BACKCHANNEL:
            sound -= 1  # someone else's speech before the backchannel-like onset is not the user's
        taken = newest_first[: sound + 1]
        if not taken:
            return opening_ns, []
        taken.reverse()
        return taken[0][0], [mic for _, mic, _ in taken]
