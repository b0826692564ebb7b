"""Through the real recognizer and reasoning worker: a user who speaks on right after the assistant took the
turn was not done, and the words before and after make one request. (The first words sound finished, so it
is the quick yield, not the words, that says so.)
"""

import time
from typing import Any

import pytest

from app.core.frames import Action, UserState
from tests.reasoning.test_spoken_cues import SILENCE, TICK, speak, tick


def take(loop: Any, turn: Any, i: int, blind: bool = True) -> int:
    """Take the turn on tick ``i`` as the floor policy does (``blind``: before the last words were in);
    returns the next tick.
    """
    turn.take(i * TICK if blind else 0)
    loop.on_tick(*tick(i, SILENCE, Action.TAKE_TURN, UserState.END_OF_TURN))
    return i + 1


def wait_for(loop: Any, i: int, done: Any) -> int:
    deadline = time.monotonic() + 30
    while not done():
        assert time.monotonic() < deadline, (loop.user_turns, loop.speech.spoken)
        loop.on_tick(*tick(i, SILENCE, Action.LISTEN, UserState.SILENT))
        i += 1
        time.sleep(0.05)
    return i


@pytest.mark.slow
@pytest.mark.parametrize("final_first", [False, True], ids=["before-its-words-are-in", "after-they-went-out"])
def test_words_spoken_on_right_after_a_take_join_the_taken_ones(
        espeak: Any, heard_turn: Any, final_first: bool) -> None:
    loop, turn = heard_turn
    i = take(loop, turn, speak(loop, espeak("set the thermostat in the hallway"), 0), blind=False)
    if final_first:  # the take's words go to reasoning on the next tick, before the user speaks on
        assert loop.recognizer.wait_idle(60)
        loop.on_tick(*tick(i, SILENCE, Action.LISTEN, UserState.SILENT))
        i += 1
        assert len(loop.user_turns) == 1 and loop.reasoning.tasks.snapshot()
    loop.on_tick(*tick(i, SILENCE, Action.YIELD, UserState.SPEAKING))  # within COLLISION_S of the take
    i = take(loop, turn, speak(loop, espeak("to twenty degrees"), i + 1))
    wait_for(loop, i, lambda: any("degrees" in t for t in loop.user_turns))
    joined = loop.user_turns[-1]
    first = joined.split(".")[0]
    assert first.lower().startswith("set the") and len(joined) > len(first) + 5, loop.user_turns  # both parts
    if final_first:
        assert loop.user_turns[0] in joined  # the withdrawn first words lead the joined request
    tasks = loop.reasoning.tasks.snapshot()
    assert [t.request for t in tasks if t.state != "cancelled"] == [joined]  # one request
    assert len(tasks) == (2 if final_first else 1)  # the first words alone were withdrawn if they went out
