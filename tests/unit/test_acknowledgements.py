"""Turns that only acknowledge get no reply; a reply cut for one is said again from the clause it was cut in."""

import numpy as np
import pytest

from app.dialogue import unheard_rest
from app.eval.fdb_system import resume_point
from app.interaction.turn_text import is_acknowledgement

SR = 16000


@pytest.mark.parametrize(("text", "ack"), [
    ("Mm-hm.", True),
    ("Oh, right.", True),
    ("Of course.", True),
    ("Yeah yeah, I see.", True),
    ("Gotcha!", True),
    ("uh huh", True),
    ("Right?", False),  # a question wants an answer
    ("Really?", False),
    ("No.", False),  # "no" alone corrects; only "no way", "no kidding" acknowledge
    ("Okay, tell me more.", False),
    ("Of course, but what about Paris?", False),
    ("Thanks.", False),
    ("and course,", False),
    ("", False),
    ("...", False),
])
def test_acknowledgements_are_whole_turns_of_listener_words(text: str, ack: bool) -> None:
    assert is_acknowledgement(text) is ack


SAID = "Here is what I found. The short answer is yes. I can tell you more if you like."


@pytest.mark.parametrize(("heard", "rest"), [
    ([], SAID),
    (["Here is what I found."], "The short answer is yes. I can tell you more if you like."),
    (["okay", "Here is what I found.", "mm-hm"], "The short answer is yes. I can tell you more if you like."),
    (["Here is what I found.", "The short answer is yes."], "I can tell you more if you like."),
    ([" The short answer is yes."], SAID),  # not the next clause: the user missed the first one
    ([SAID], ""),
])
def test_the_unheard_rest_starts_at_the_first_clause_not_heard_to_its_end(heard: list[str], rest: str) -> None:
    assert unheard_rest(SAID, heard) == rest


def _tone(s: float) -> np.ndarray:
    return (0.3 * np.sin(np.arange(int(s * SR)) * 0.3)).astype(np.float32)


def _quiet(s: float) -> np.ndarray:
    return np.zeros(int(s * SR), np.float32)


@pytest.mark.parametrize(("cut_s", "resume_s"), [
    (0.8, 0.5),  # in the first clause: all of it again
    (1.6, 1.8),  # in the pause after it: the next clause
    (2.0, 1.8),  # in the second clause
    (2.83, 1.8),  # in a short pause inside the second clause: still that clause
    (3.4, 3.55),  # after the last sound: nothing left
])
def test_an_evaluated_reply_resumes_at_the_start_of_the_clause_it_was_cut_in(cut_s: float, resume_s: float) -> None:
    reply = np.concatenate([_quiet(0.5), _tone(1.0), _quiet(0.3), _tone(1.0), _quiet(0.05), _tone(0.5), _quiet(0.2)])
    assert resume_point(reply, int(cut_s * SR), int(0.5 * SR)) / SR == pytest.approx(resume_s, abs=0.011)
