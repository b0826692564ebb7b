"""Through the real recognizer and voice: an "of course" that stopped a reply gets the rest of the reply, not a
new answer; after the assistant's own question, "yeah" is an answer and goes to reasoning.
"""

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from app.core.frames import Action, UserState
from tests.reasoning.test_spoken_cues import SILENCE, TICK, speak, tick

SAID = "Here is what I found. The short answer is yes. I can tell you more about it if you like."
BLOCK = 320


def say_and_hear(loop: Any, text: str, i: int, clauses: int | None = None,
                 deliver: Callable[[Any], None] | None = None) -> int:
    """The assistant says ``text``; the user hears all of it, or ``clauses`` clauses in full and 0.3 s of the
    next, when they cut in and the assistant yields. ``deliver`` passes each heard span on (the dialogue
    loop's own ``heard`` unless given).
    """
    deliver = deliver or loop.heard
    loop.on_tick(*tick(i, SILENCE, Action.INTERJECT, UserState.SILENT, say=text))
    deadline = time.monotonic() + 60
    while " ".join(loop.speech.spoken).strip() != text:  # synthesized clause by clause
        assert time.monotonic() < deadline, loop.speech.spoken
        time.sleep(0.05)
    out = np.zeros(BLOCK, np.float32)
    finished, after = 0, 0
    while loop.playback.speaking and (clauses is None or finished < clauses or after < 0.3 * 16000):
        loop.playback.render(out, 0)
        after += BLOCK if clauses is not None and finished >= clauses else 0
        for span in loop.playback.drain_finished():
            deliver(span)
            finished += 1
    if clauses is not None:
        for span in loop.playback.stop():
            deliver(span)
        i += 1
        loop.on_tick(*tick(i, SILENCE, Action.YIELD, UserState.SPEAKING))
    return i + 1


def take_and_wait(loop: Any, turn: Any, i: int, done: Any) -> tuple[int, bool]:
    """Take the turn as the floor policy does, then tick until ``done()``; returns (next tick, whether the
    opener word was played).
    """
    loop.on_tick(*tick(i, SILENCE, Action.LISTEN, UserState.END_OF_TURN))  # asks for the partial of it all
    assert loop.recognizer.wait_idle(60)
    i += 1
    loop.pump(i * TICK)
    turn.take(i * TICK)
    loop.on_tick(*tick(i, SILENCE, Action.TAKE_TURN, UserState.END_OF_TURN))
    opener = loop.playback.speaking
    deadline = time.monotonic() + 30
    while not done():
        assert time.monotonic() < deadline, (loop.user_turns, loop.speech.spoken)
        i += 1
        loop.on_tick(*tick(i, SILENCE, Action.LISTEN, UserState.SILENT))
        time.sleep(0.05)
    return i + 1, opener


@pytest.mark.slow
def test_a_reply_cut_for_an_acknowledgement_goes_on_from_the_clause_it_was_cut_in(
        espeak: Any, heard_turn: Any) -> None:
    from app.config import Settings
    from app.live import LiveSession

    loop, turn = heard_turn
    window: list[Any] = []
    # the spans reach the conversation the way the live session wires them (and reach the window too)
    live = LiveSession(Settings(), on_decision=lambda d: None, on_device_event=lambda e: None,
                       on_frame=window.append)
    i = say_and_hear(loop, SAID, 0, clauses=1, deliver=live._heard_by(loop))  # first clause heard, then cut
    spoken = len(loop.speech.spoken)
    i = speak(loop, espeak("got it"), i)
    _, opener = take_and_wait(loop, turn, i, lambda: len(loop.speech.spoken) > spoken
                              and loop.speech.spoken[-1].endswith("if you like."))
    assert not opener, f"an acknowledgement ({turn.taken!r}) got the opener word"
    assert " ".join(loop.speech.spoken[spoken:]).strip() == "The short answer is yes. I can tell you more about it " \
        "if you like."
    assert loop.user_turns == [] and not loop.reasoning.tasks.snapshot()  # no request went to reasoning
    # the window heard of them too: the first clause in full, then the cut one (and the one never started)
    assert [span.stopped for span in window] == [False, True, True]


@pytest.mark.slow
def test_after_the_assistant_asks_a_question_yeah_is_an_answer(espeak: Any, heard_turn: Any) -> None:
    loop, turn = heard_turn
    i = say_and_hear(loop, "I found two flights. Shall I book the earlier one?", 0)
    i = speak(loop, espeak("yeah"), i)
    _, opener = take_and_wait(loop, turn, i, lambda: loop.user_turns)
    assert opener
    assert loop.user_turns[0].lower().strip(" .!") == "yeah"
    assert loop.reasoning.tasks.snapshot()  # it went to reasoning like any turn
