
import numpy as np
import pytest

from app.core.clock import NS_PER_S
from app.core.frames import Action, Snapshot, UserState
from app.eval.fdb_system import cue_seconds
from app.interaction.baseline_policy import BaselinePolicy
from app.interaction.cues import CUE_SECOND_LOOK, OVERDUE_S, Cue, CueClock, half_heard_cue

SR = 16000
TICK = 3200
TICK_NS = 200_000_000


def s(seconds):
    return round(seconds * NS_PER_S)


# ---- CueClock ------------------------------------------------------------------------------------------------


def test_add_keeps_the_soonest_cue_first():
    clock = CueClock()
    clock.add(s(20), "twenty")
    clock.add(s(5), "five")
    clock.add(s(12), "twelve")
    assert [c.say for c in clock.pending] == ["five", "twelve", "twenty"]
    assert clock.pending[0] == Cue(s(5), "five")


def test_time_to_next_sign():
    clock = CueClock()
    assert clock.time_to_next(0) is None
    clock.add(s(10), "ten")
    assert clock.time_to_next(s(7.5)) == pytest.approx(2.5)
    assert clock.time_to_next(s(10)) == 0.0
    assert clock.time_to_next(s(10.3)) == pytest.approx(-0.3)
    clock.add(s(4), "four")
    assert clock.time_to_next(s(3)) == pytest.approx(1.0)  # the soonest one


@pytest.mark.parametrize(("t", "taken"), [
    (9.0, False), (9.49, False), (9.5, True), (10.0, True), (10.5, True), (10.51, False), (12.0, False),
])
def test_take_only_within_the_window(t, taken):
    clock = CueClock()
    clock.add(s(10), "ten")
    got = clock.take(s(t))
    if taken:
        assert got == Cue(s(10), "ten")
        assert clock.pending == []
    else:
        assert got is None
        assert len(clock.pending) == 1


def test_take_custom_window_and_order():
    clock = CueClock()
    clock.add(s(10), "ten")
    clock.add(s(10.2), "later")
    assert clock.take(s(9.0), window_s=0.5) is None
    assert clock.take(s(9.0), window_s=1.0).say == "ten"
    assert clock.take(s(9.0), window_s=1.0) is None  # "later" is 1.2 s away
    assert clock.take(s(10.2)).say == "later"
    assert clock.take(s(10.2)) is None


def test_overdue_after_overdue_s():
    clock = CueClock()
    clock.add(s(10), "ten")
    assert clock.overdue(s(9)) is None
    assert clock.overdue(s(10)) is None
    assert clock.overdue(s(10 + OVERDUE_S)) is None  # exactly OVERDUE_S late is not yet overdue
    assert clock.pending
    cue = clock.overdue(s(10 + OVERDUE_S + 0.01))
    assert cue == Cue(s(10), "ten")
    assert clock.pending == []
    assert clock.overdue(s(20)) is None


def test_reset_drops_everything():
    clock = CueClock()
    clock.add(s(1), "a")
    clock.add(s(2), "b")
    clock.reset()
    assert clock.pending == []
    assert clock.time_to_next(0) is None
    assert clock.take(s(1)) is None
    assert clock.overdue(s(5)) is None


# ---- cue_seconds ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "seconds"), [
    ("tell me when ten seconds have passed", 10.0),
    ("Tell me when ten seconds have passed.", 10.0),
    ("let me know in five seconds", 5.0),
    ("remind me in 2 minutes", 120.0),
    ("what is ten plus five", None),
    ("set the table", None),
    ("set a timer for five minutes", None),  # a timer, not a spoken cue
    ("tell me a joke", None),  # a cue word but no duration
    ("tell me in two hours", None),  # more than an hour is not a cue
    ("Count five seconds and lentil me.", 5.0),  # "count N seconds" asks even when "tell me" is misheard
    ("count the apples", None),
    # as recognition hears requests on unfamiliar voices: the verb garbled, the duration intact
    ("He said I'd win 14 seconds later.", 14.0),
    ("And five seconds. See your time's up.", 5.0),
    ("10 seconds and then they'll meet.", 10.0),
    ("ping me thirty seconds from now", 30.0),
    ("I waited ten seconds", None),  # a duration, but nothing asked
    # a turn too short for anything but the request: the verb lost, the duration kept
    ("Bring me 11 seconds.", 11.0),
    ("Think be 11 seconds", 11.0),
    ("two minutes", 120.0),
    ("5 seconds, times up", 5.0),  # "time's up" as the recognizer often writes it
    ("It took 30 seconds.", None),  # a time that passed
    ("What is 10 seconds in milliseconds?", None),  # a question about a duration
    ("about ten minutes", None),  # an estimate, as when answering "how long does it take?"
    ("give me a minute", None),  # hold on
    ("set the oven timer for five minutes", None),  # the timer intent's
    ("we should leave the house in about twenty minutes or so today", None),  # an estimate, not a request
    ("what happens after ten seconds", None),  # a question about a time
    ("remind me in about twenty minutes", 1200.0),  # asked: an estimate in a request is still asked for
    # numbers and "when" written as words that sound the same
    ("can't for seconds, and then tell me.", 4.0),
    ("count to seconds and then tell me", 2.0),
    ("ate seconds from now, say go", 8.0),
    ("He said I'd win 14 seconds, I'll do.", 14.0),
    ("wait for me, I'll tell you the time", None),  # "for" that is not before a unit stays "for"
    ("tell me who will win", None),
    # asking to hold on names no time; a time too short to keep is a mishearing
    ("wait a second, say that again", None),
    ("hang on a minute, tell me what you found", None),
    ("one second, tell me more", None),
    ("hang on a minute, tell me in ten seconds", 10.0),
    ("wait a minute and then say go", 60.0),  # a timed step follows: the minute is asked for
    ("Say how when a second, I've done.", None),  # "say now when eight seconds are done", misheard
    # a correction: the last duration counts
    ("tell me in ten seconds, no wait, twenty seconds", 20.0),
    # short turns with "am" or "ah" in them: no minute ("a" + "m") and no hour ("a" + "h") to wait for
    ("I am close,", None),
    ("Am I okay?", None),
    ("Ah, no...", None),
])
def test_cue_seconds(text, seconds):
    got = cue_seconds(text)
    if seconds is None:
        assert got is None
    else:
        assert got == pytest.approx(seconds)


@pytest.mark.parametrize(("text", "half_heard"), [
    ("Come time seconds and then tell me.", True),  # "count nine seconds and then tell me", misheard
    ("You need to say it can say time's up.", True),  # "in eight seconds, say time's up"
    ("The Archimian Sanran seconds.", True),
    ("count nine seconds and then tell me.", False),  # heard: nothing to look at again
    ("can't for seconds and then tell me.", False),  # "for" before a unit is four
    ("set a timer for five minutes", False),  # a duration, just not a spoken cue
    ("tell me about Rome", False),  # no time in it
    ("Say how when a second, I've done.", True),  # a time no request asks for: look again
    ("", False),
])
def test_half_heard_cue(text, half_heard):
    assert half_heard_cue(text) is half_heard
    assert CUE_SECOND_LOOK.wanted(text) is half_heard


def test_a_second_look_is_kept_only_when_it_names_a_duration():
    assert CUE_SECOND_LOOK.kept("Count ten seconds and then tell me.")
    assert not CUE_SECOND_LOOK.kept("Come time seconds and then tell me.")


# ---- BaselinePolicy with the real silero VAD -------------------------------------------------------------


@pytest.fixture(scope="module")
def ticks(utterance_ticks):
    return utterance_ticks[0]


@pytest.fixture(scope="module")
def vad():
    from app.speech.vad import SileroVad

    return SileroVad()


def snapshots(ticks):
    silence = np.zeros(TICK, np.float32)
    return [Snapshot((k + 1) * TICK_NS, k * TICK_NS, mic, silence) for k, mic in enumerate(ticks)]


def run(policy, ticks, assistant_speaking=False):
    return [policy.step(snap, assistant_speaking) for snap in snapshots(ticks)]


def speech_ticks(out):
    return [k for k, (_, state, _) in enumerate(out) if state is UserState.SPEAKING]


def test_baseline_takes_the_turn_once_800ms_after_speech(ticks, vad):
    vad.reset()
    policy = BaselinePolicy(vad)
    out = run(policy, ticks)
    speaking = speech_ticks(out)
    assert speaking, "silero heard no speech in the espeak utterance"
    first, last = speaking[0], speaking[-1]
    assert first in (4, 5, 6)  # after 1 s of lead silence
    assert speaking == list(range(first, last + 1))  # the comma pause is not a 0.8 s silence
    assert last + 4 < len(out)
    take = [k for k, (action, _, _) in enumerate(out) if action is Action.TAKE_TURN]
    assert take == [last + 4]  # 4 ticks = 0.8 s of silence
    assert out[last + 4][1] is UserState.END_OF_TURN
    for k in range(last + 1, last + 4):
        assert out[k][:2] == (Action.LISTEN, UserState.PAUSING)
    for k in range(first):
        assert out[k][:2] == (Action.LISTEN, UserState.SILENT)
        assert out[k][2] == -100.0  # digital silence at the level floor
    for k in range(last + 5, len(out)):
        assert out[k][:2] == (Action.LISTEN, UserState.SILENT)
    assert all(out[k][0] is Action.LISTEN for k in speaking)
    assert max(out[k][2] for k in speaking) > -30.0


def test_baseline_yields_to_speech_while_the_assistant_speaks(ticks, vad):
    vad.reset()
    policy = BaselinePolicy(vad)
    out = run(policy, ticks, assistant_speaking=True)
    speaking = speech_ticks(out)
    assert speaking
    for k, (action, state, _) in enumerate(out):
        if k in speaking:
            assert (action, state) == (Action.YIELD, UserState.SPEAKING)
        else:
            assert (action, state) == (Action.CONTINUE, UserState.SILENT)


def test_baseline_reset_clears_state(ticks, vad):
    vad.reset()
    policy = BaselinePolicy(vad)
    out = run(policy, ticks[:8])
    assert speech_ticks(out)
    run(policy, ticks[-2:])  # a little silence after the speech: still waiting for 0.8 s
    assert policy.state.heard_speech
    assert policy.state.silence_s > 0.0
    policy.reset()
    assert not policy.state.heard_speech
    assert policy.state.silence_s == 0.0
    assert vad.frames_done == 0
    # after reset, silence alone never takes the turn
    silence = np.zeros((6, TICK), np.float32)
    assert all(action is Action.LISTEN for action, _, _ in run(policy, silence))


def test_baseline_custom_silence_timeout(ticks, vad):
    vad.reset()
    policy = BaselinePolicy(vad, silence_s=0.4)
    out = run(policy, ticks)
    last = speech_ticks(out)[-1]
    assert [k for k, (action, _, _) in enumerate(out) if action is Action.TAKE_TURN] == [last + 2]


def test_a_timed_request_is_put_on_the_clock_from_where_it_was_said():
    clock = CueClock()
    end = s(7)
    assert clock.request("tell me when ten seconds have passed", end) == 10.0
    assert clock.pending[0].due_ns == end + s(10) and clock.pending[0].say == "That's ten seconds."
    assert clock.request("what is ten plus five", end) is None
    assert len(clock.pending) == 1
