"""Through the real recognizer: the words of a short sound over the assistant's voice reach the floor policy,
and the words of an earlier sound never speak for a new one, even when their decode comes in after it began.
"""

from typing import Any

import numpy as np
import pytest

from app.core.frames import Action, UserState
from app.interaction.spoken_over import MAX_TICKS
from app.interaction.turn_text import is_acknowledgement
from tests.reasoning.test_spoken_cues import SILENCE, tick, tick_rows


def over(loop: Any, i: int, mic: np.ndarray, state: UserState) -> int:
    """One tick while the assistant talks; the recognizer then finishes what it was asked (a machine that keeps
    up), and its words wait in the queue for the next tick to pick up. Returns the next tick."""
    loop.on_tick(*tick(i, mic, Action.CONTINUE, state))
    assert loop.recognizer.wait_idle(60), "the recognizer did not finish a decode in 60 s"
    return i + 1


@pytest.mark.slow
def test_an_older_sounds_words_that_come_in_late_are_not_the_new_sounds(espeak: Any, heard_turn: Any) -> None:
    loop, turn = heard_turn
    i = over(loop, 0, SILENCE, UserState.SILENT)
    rows = tick_rows(espeak("yeah"))
    assert len(rows) + 2 <= MAX_TICKS  # short enough for its end to be decoded too (the tick before, the tick after)
    for row in rows:
        i = over(loop, i, row, UserState.BACKCHANNEL)
    i = over(loop, i, SILENCE, UserState.SILENT)  # the sound ended: its whole audio goes to be decoded
    assert turn.acknowledged_over, turn.spoken_over  # the words of its first ticks came in on the way
    heard = []
    for row in tick_rows(espeak("stop")):  # a new sound, whose first tick picks up the last decode of the old one
        i = over(loop, i, row, UserState.BACKCHANNEL)
        heard.append(turn.spoken_over)
    for _ in range(2):
        i = over(loop, i, SILENCE, UserState.SILENT)
        heard.append(turn.spoken_over)
    assert heard[0] == "", heard  # the old sound's late words were dropped, and nothing of the new one is in yet
    assert not any(is_acknowledgement(words) for words in heard), heard
    assert turn.asks_stop, heard

