"""Words that sound unfinished: the cue the floor policy uses to wait through a pause."""

import pytest

from app.core.frames import UserState
from app.interaction.turn_text import TurnText, asks_partial, asks_to_stop, sounds_unfinished


@pytest.mark.parametrize("text", [
    "What wine would go nicely with",
    "set a reminder to call the bank for later today, no wait, actually,",
    "Okay, so",
    "Can you tell me a bit about Cairo and its history because",
    "set the thermostat in the",
    "share my location with, um",
    "Let's do a short quiz on the Moon landing, I mean.",
    "Remind me to call...",
    # a preposition with nothing after it, where no verb or object lets it end the sentence
    "What are the best things to do in?",
    "recommend a good documentary on.",
    "Do I have anything planned for?",
    "Can you tell me a bit about",
    # the endings below go on when other words come before them
    "I was talking to",
    "give it to",
    "It's made of",
    "the last message from",
    "I think we should leave so",
    "can you get it from",
    "I come from",
])
def test_unfinished(text):
    assert sounds_unfinished(text)


@pytest.mark.parametrize("text", [
    "What wine would go nicely with roast chicken this evening?",
    "Turn the lights on.",
    "What is it for?",
    "Count nine seconds and then tell me.",
    # a preposition ends the sentence after an object or a phrasal verb ("Turn the lights on." above)
    "turn it on",
    "Lights on.",
    "log me in",
    "What are you waiting for?",
    "Who is this for?",
    "What was the last email from Sam about?",
    "What are you thinking about?",
    "Come in.",
    # a continuation word that ends a common sentence after the words before it
    "I think so.",
    "I don't think so",
    "What do you mean?",
    "What are you up to?",
    "Who are you talking to",
    "Where are you from?",
    "Where did that come from?",
    "What is it made of?",
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


@pytest.mark.parametrize(("text", "acknowledged"), [
    ("Oh, right.", True), ("Of course.", True), ("All right. All right.", True), ("Mm-hmm.", True),
    ("Mm hmm", True), ("Hmm.", False),  # alone, "hmm" is someone thinking
    ("Okay,", False),  # a comma: more may come ("okay, so...")
    ("Okay, so", False), ("Right?", False), ("Stop, that's wrong.", False), ("", False),
])
def test_words_that_only_acknowledge(text, acknowledged):
    words = TurnText()
    words.update(text, 1)
    assert words.acknowledged is acknowledged


def test_a_blind_take_whose_words_end_mid_phrase_is_taken_back_once():
    turn = TurnText()
    turn.update("what wine would go", covers_ns=2_000_000_000)
    turn.take(speech_end_ns=2_600_000_000)  # the user spoke on after the newest partial
    assert turn.blind_take and turn.text == ""
    assert turn.retract("What wine would go nicely with", now_ns=3_000_000_000)
    assert turn.reopen and turn.unfinished and not turn.blind_take
    assert not turn.retract("What wine would go nicely with", now_ns=3_200_000_000)  # asked once


def test_a_take_with_all_words_in_or_finished_words_stands():
    turn = TurnText()
    turn.update("what wine would go nicely with", covers_ns=3_000_000_000)
    turn.take(speech_end_ns=2_800_000_000)
    assert not turn.blind_take and not turn.retract("What wine would go nicely with", now_ns=3_200_000_000)
    turn.take(speech_end_ns=3_400_000_000)
    assert turn.blind_take and not turn.retract("What wine goes with fish?", now_ns=3_600_000_000)
    assert not turn.reopen


@pytest.mark.parametrize(("state", "was_speaking", "asks"), [
    (UserState.SPEAKING, False, True),  # the words so far
    (UserState.SILENT, True, True),  # once as they stop: their last words
    (UserState.END_OF_TURN, True, True),
    (UserState.PAUSING, False, True),  # every tick of a pause: more silence lets a cut-off word end
    (UserState.SILENT, False, False),  # nobody is talking: nothing new to hear
    (UserState.END_OF_TURN, False, False),
    (UserState.BACKCHANNEL, False, False),  # not the user's turn
    (UserState.OTHER, False, False),
])
def test_which_ticks_ask_for_a_partial(state: UserState, was_speaking: bool, asks: bool) -> None:
    assert asks_partial(state, was_speaking) is asks


def test_the_evaluations_partial_is_delivered_from_the_first_tick_after_its_decode() -> None:
    from app.eval.fdb_system import PartialFeed, TurnRecorder

    turn = TurnText()
    feed = PartialFeed(speech=None, recorder=TurnRecorder(), turn_text=turn)  # type: ignore[arg-type]
    feed.text, feed.covers_ns, feed.ready_ns = "set the thermostat in the", 2_400_000_000, 2_500_000_000
    feed.pump(2_400_000_000)  # the decode is still running
    assert turn.text == ""
    feed.pump(2_600_000_000)  # the next tick, before its decision
    assert (turn.text, turn.covers_ns, feed.ready_ns) == ("set the thermostat in the", 2_400_000_000, None)


def test_the_words_of_a_take_taken_back_stay_until_the_turn_is_taken():
    turn = TurnText()
    turn.update("what wine would go", covers_ns=2_000_000_000)
    turn.take(speech_end_ns=2_600_000_000)  # before the user's last words were in
    assert turn.retract("What wine would go nicely with,", now_ns=3_000_000_000)
    turn.update("", covers_ns=3_200_000_000)  # the recognizer starts over on the silence after the take
    assert turn.text == "What wine would go nicely with," and turn.unfinished
    turn.update("fish?", covers_ns=3_800_000_000)
    assert turn.text == "What wine would go nicely with, fish?" and not turn.unfinished
    turn.take(speech_end_ns=3_600_000_000)
    turn.update("and", covers_ns=5_000_000_000)  # a new turn starts from nothing
    assert turn.text == "and"


def test_the_evaluations_turn_audio_starts_a_tick_before_the_user_is_heard():
    """As live: the word that starts the turn began in the tick before the model heard it."""
    import numpy as np

    from app.core.frames import Action, Decision, Snapshot
    from app.eval.fdb_system import TurnRecorder

    tick_ns = 200_000_000
    recorder = TurnRecorder()

    def tick(i: int, state: UserState, action: Action = Action.LISTEN) -> None:
        snap = Snapshot(t_ns=(i + 1) * tick_ns, start_ns=i * tick_ns, mic=np.full(3200, float(i), np.float32),
                        self_audio=np.zeros(3200, np.float32))
        recorder.hook(snap, Decision(snap.t_ns, i, action, state, -30.0))

    tick(0, UserState.SILENT)
    tick(1, UserState.SILENT)  # the first word starts late in this tick
    tick(2, UserState.SPEAKING)
    tick(3, UserState.END_OF_TURN)
    assert recorder.start_ns == 1 * tick_ns
    assert [float(a[0]) for a in recorder.chunks] == [1.0, 2.0, 3.0]
    tick(4, UserState.END_OF_TURN, Action.TAKE_TURN)
    assert recorder.chunks == [] and recorder.start_ns is None
    tick(5, UserState.SPEAKING)  # the next turn has its pre-roll too
    assert recorder.start_ns == 4 * tick_ns


# --- a stop command said over the assistant's voice ------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Stop.", "stop, stop, stop, stop,", "Wait... Wait... Wait...", "Hold on. Hold on.", "Hang On", "No... stop...",
    "Wait a second.", "Stop talking, please.", "Okay, stop.", "Shh!", "weight weight weight",  # "Wait!" misspelt
    "Hold it.", "Be quiet.", "Sorry, wait.", "Hold up. Hold up. Hold",  # a repeat cut short
])
def test_stop_commands(text):
    assert asks_to_stop(text)


@pytest.mark.parametrize("text", [
    "", "Mm-hm.", "Okay.", "I know.", "Cool.", "oh wow", "Wait, really?", "Stop by the shop.", "Sorry.", "no",
    "makes sense", "hold on to the receipt", "Start.", "with", "Hold.", "hold up the sign",
])
def test_not_stop_commands(text):
    assert not asks_to_stop(text)


def test_words_over_the_voice_ask_to_stop_until_the_turn_is_taken():
    turn = TurnText()
    assert not turn.asks_stop
    turn.hear_over(" Mm-hm. ")
    assert turn.spoken_over == "Mm-hm." and not turn.asks_stop
    turn.hear_over("Stop, stop.")
    assert turn.asks_stop
    turn.take(speech_end_ns=0)  # a new reply starts: an old "stop" asks nothing of it
    assert not turn.asks_stop and turn.spoken_over == ""


def test_words_over_the_voice_acknowledge_only_when_every_word_does():
    turn = TurnText()
    assert not turn.acknowledged_over  # nothing heard
    turn.hear_over("alright, alright, alright, alright")
    assert turn.acknowledged_over
    turn.hear_over("Alright, can you?")
    assert not turn.acknowledged_over
