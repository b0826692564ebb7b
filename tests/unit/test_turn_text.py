"""Words that sound unfinished: the cue the floor policy uses to wait through a pause."""

import pytest

from app.interaction.turn_text import TurnText, sounds_unfinished


@pytest.mark.parametrize("text", [
    "What wine would go nicely with",
    "set a reminder to call the bank for later today, no wait, actually,",
    "Okay, so",
    "Can you tell me a bit about Cairo and its history because",
    "set the thermostat in the",
    "share my location with, um",
    "Let's do a short quiz on the Moon landing, I mean.",
    "Remind me to call...",
])
def test_unfinished(text):
    assert sounds_unfinished(text)


@pytest.mark.parametrize("text", [
    "What wine would go nicely with roast chicken this evening?",
    "Turn the lights on.",
    "What is it for?",
    "Count nine seconds and then tell me.",
    "",
    "   ",
])
def test_finished(text):
    assert not sounds_unfinished(text)


def test_turn_text_follows_the_newest_hypothesis_and_resets():
    turn = TurnText()
    assert not turn.unfinished
    turn.update("  set the thermostat in the ", covers_ns=2_000_000_000)
    assert turn.text == "set the thermostat in the" and turn.unfinished
    assert turn.behind(2_200_000_000) and not turn.behind(2_000_000_000)
    turn.update("set the thermostat in the hallway to twenty degrees.", covers_ns=3_000_000_000)
    assert not turn.unfinished
    turn.update("and", covers_ns=3_200_000_000)
    turn.reset()
    assert turn.text == "" and not turn.unfinished and turn.covers_ns == 0
