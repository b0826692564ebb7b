"""The audio of a short sound the user makes over the assistant's voice, for its words to be decoded alone.

The model takes a lone word said over the assistant ("stop", "wait") for a backchannel, like the "mm-hm"
it sounds like, and yields to only some. Its words tell them apart: each tick of such a sound hands its
audio so far (from the tick before it, where the word began, to the tick after it, where it ended) to the
recognizer on its own, outside the user's turn, and ``TurnText.hear_over`` passes the words to the policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.core.frames import Action, Decision, UserState
from app.interaction.turn_text import TurnText

MAX_TICKS = 6
"""Longest sound decoded this way, in ticks (1.2 s at 200 ms): a command is a word or two."""


@dataclass
class SpokenOver:
    """Collects one sound over the assistant's voice, tick by tick; one state object with ``reset()``."""

    chunks: list[np.ndarray] = field(default_factory=list)
    last: np.ndarray | None = None  # the previous tick's mic audio: a word starts before the model hears it
    began: bool = False  # the last push started a new sound: the words of the one before are not its words
    sound: int = 0  # which sound the audio is of, counted from the first (a decode's words name it)

    def reset(self) -> None:
        """Forget the sound so far and the tick before it; the count goes on, so no old decode names a new sound."""
        self.chunks, self.last, self.began = [], None, False

    def push(self, mic: np.ndarray, user_state: UserState, assistant_speaking: bool) -> np.ndarray | None:
        """After a tick's decision: the sound's audio so far when there is a new stretch to decode, else None.

        A sound is the run of ``backchannel`` ticks while the assistant speaks, plus the tick after it.
        """
        mic = np.asarray(mic, np.float32)
        out = None
        self.began = assistant_speaking and user_state is UserState.BACKCHANNEL and not self.chunks
        self.sound += self.began
        if assistant_speaking and user_state is UserState.BACKCHANNEL:
            if not self.chunks and self.last is not None:
                self.chunks.append(self.last)
            self.chunks.append(mic)
            if len(self.chunks) <= MAX_TICKS:
                out = np.concatenate(self.chunks)
        elif self.chunks:
            if len(self.chunks) < MAX_TICKS:
                out = np.concatenate([*self.chunks, mic])  # the tick after holds the word's end
            self.chunks = []
        self.last = mic
        return out

    def hear(self, mic: np.ndarray, decision: Decision, words: TurnText) -> np.ndarray | None:
        """``push`` for a tick's decision (the assistant speaks while the action is to continue); when a new
        sound begins, the words of the one before leave ``words``: they are not its words.
        """
        audio = self.push(mic, decision.user_state, decision.action is Action.CONTINUE)
        if self.began:
            words.hear_over("")
        return audio
