"""The deterministic intent layer and the context package."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.reasoning.clock import VirtualClock
from app.reasoning.context import Conversation, TaskNote, TimerNote
from app.reasoning.intents import detect, parse_duration
from app.reasoning.routing import select_tools


@pytest.mark.parametrize("text, name, args", [
    ("set a timer for 3 seconds", "set_timer", {"seconds": 3.0}),
    ("Set a timer for three seconds.", "set_timer", {"seconds": 3.0}),
    ("remind me in 5 minutes to call mum", "set_timer", {"seconds": 300.0, "label": "call mum"}),
    # the time at the end says when, not what: the label is what to do
    ("remind me to call mum in 5 minutes", "set_timer", {"seconds": 300.0, "label": "call mum"}),
    ("remind me to check in with Sam in half an hour", "set_timer", {"seconds": 1800.0, "label": "check in with sam"}),
    ("remind me to stretch in ten minutes, no, twenty minutes", "set_timer", {"seconds": 1200.0, "label": "stretch"}),
    ("timer for two minutes and 30 seconds", "set_timer", {"seconds": 150.0}),
    ("set an alarm for 7:30 pm", "set_alarm", {"hour": 19, "minute": 30}),
    ("set an alarm for 7.30", "set_alarm", {"hour": 7, "minute": 30}),  # as the recognizer may write it
    ("set an alarm for 7 30", "set_alarm", {"hour": 7, "minute": 30}),
    # a duration, not a time of day: 10:00 was set
    ("set an alarm for 10 minutes", "set_timer", {"seconds": 600.0, "label": "alarm"}),
    ("alarm in 20 minutes", "set_timer", {"seconds": 1200.0, "label": "alarm"}),
    ("what time is it", "get_time", {}),
    ("What time is it now, please?", "get_time", {}),
    ("set a timer for one and a half minutes", "set_timer", {"seconds": 90.0}),
    ("what is 2 to the power of 10", "calculate", {"expression": "2**10"}),
    ("what's twelve times seven", "calculate", {"expression": "12*7"}),
    ("what is 15 percent of 80", "calculate", {"expression": "15/100*80"}),
    ("what's 15% of 80", "calculate", {"expression": "15/100*80"}),
    ("what is half of 50", "calculate", {"expression": "0.5*50"}),
    ("note that the car is on level 3", "add_note", {"text": "the car is on level 3"}),
    ("cancel the timer", "cancel_timers", {}),
])
def test_tool_intents(text: str, name: str, args: dict) -> None:
    intent = detect(text)
    assert intent is not None and intent.kind == "tool" and intent.tool_call is not None
    assert intent.tool_call.name == name
    assert intent.tool_call.arguments == args


@pytest.mark.parametrize("text, kind", [("never mind", "retract"), ("Stop that.", "retract"),
                                        ("forget it", "retract"), ("stop", "stop_speech")])
def test_control_intents(text: str, kind: str) -> None:
    intent = detect(text)
    assert intent is not None and intent.kind == kind


@pytest.mark.parametrize("text", ["what is the capital of France", "tell me a joke",
                                  "show me a table of the planets and their moons", "what is love", "",
                                  # the clock alone cannot answer these: the model gets them
                                  "what time is it in Tokyo", "what is the time difference between London and Paris"])
def test_no_intent_goes_to_model(text: str) -> None:
    assert detect(text) is None


def test_parse_duration() -> None:
    assert parse_duration("in half an hour") == 1800
    assert parse_duration("for 1 hour and 5 minutes") == 3900
    assert parse_duration("no time here") is None
    assert parse_duration("five minutes") == 300  # the number first, with nothing before it
    assert parse_duration("eight seconds from now") == 8
    assert parse_duration("twenty five seconds") == 25
    assert parse_duration("set a timer for five minutes") == 300


@pytest.mark.parametrize(("text", "seconds"), [
    ("for 1 hour and 5 minutes", 3900),  # adjacent parts in falling units add up
    ("1h 5m", 3900),
    ("2 minutes, 30 seconds", 150),
    ("two minutes and a half", 150),
    ("remind me in ten seconds, no wait, twenty seconds", 20),  # a correction: the last one counts
    ("in ten seconds, twenty seconds", 20),  # the same unit twice is a correction, not thirty
    ("wait a second, set a timer for five minutes", 300),  # "wait a second" asks to hold on
    ("hang on a minute, remind me in ten seconds", 10),
    ("hold on a sec", None),
    ("one second, what was that", None),
    ("wait a minute, then say go", 60),  # a timed step follows: the minute is meant
    ("set a timer for a minute", 60),
    # a unit letter follows digits only, and a number in words stands apart from its unit
    ("timer 90s", 90),
    ("1h 5m", 3900),
    ("remind me to call Sam when I am home", None),  # not "a" + "m"
    ("ah, no", None),  # not "a" + "h"
    ("am I okay?", None),
    ("remind me in 5 minutes to check the tens", 300),  # not "ten" + "s"
    ("ones and tens", None),
    # the half belongs to the number before it
    ("one and a half minutes", 90),
    ("in 2 and a half hours", 9000),
    ("a minute and a half", 90),
])
def test_parse_duration_reads_corrections_and_hold_on_idioms(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == seconds


def test_words_that_only_look_like_a_duration_set_no_timer() -> None:
    intent = detect("Remind me to call Sam when I am home.")
    assert intent is None or intent.tool_call is None or intent.tool_call.name != "set_timer"


def test_a_timer_after_hold_on_gets_the_time_asked_for() -> None:
    intent = detect("Wait a second, set a timer for five minutes.")
    assert intent is not None and intent.tool_call is not None
    assert intent.tool_call.arguments == {"seconds": 300}


def test_tool_selection_per_turn() -> None:
    avail = {"show_panel", "search_notes", "search_documents", "web_search", "set_timer"}
    assert select_tools("show me a table of the planets and their moons", avail) == ("show_panel",)
    assert select_tools("what did I note about the dentist", avail) == ("search_notes",)
    assert select_tools("find the budget in my documents", avail) == ("search_documents",)
    assert select_tools("tell me a joke", avail) == ()


def test_context_package_renders_everything() -> None:
    clock = VirtualClock()
    conv = Conversation(clock)
    conv.add_user("tell me about the moon")
    clock.advance(2)
    conv.add_assistant("The moon is about 384,000 km away and it formed", heard="The moon is about")
    conv.observe("a person is holding a mug")
    clock.advance(1)
    conv.add_user("wait, how far?")
    pkg = conv.build((TaskNote("task1", "look up moon facts", "running"),),
                     (TimerNote("t1", "tea", clock.now() + timedelta(seconds=90)),))
    msgs = pkg.to_messages()
    assert [m.role for m in msgs] == ["system", "user", "assistant", "user"]
    system = msgs[0].content
    assert "12:00:03" in system  # the current time
    assert "holding a mug" in system and "task1 (running)" in system and "rings in 90 s" in system
    assert msgs[2].content.startswith("The moon is about [cut off")
    assert "384,000" not in msgs[2].content  # the unheard rest is not presented as said
    assert pkg.turns[1].interrupted and not pkg.turns[0].interrupted
    conv.mark_heard("The moon is about 384,000 km away and it formed")
    assert not conv.build().turns[1].interrupted
