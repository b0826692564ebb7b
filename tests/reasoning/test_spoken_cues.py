"""A timed request is heard, put on the cue clock for the interaction model, and spoken when it is due."""

import time
from typing import Any

import numpy as np
import pytest

from app.core.clock import NS_PER_S
from app.core.frames import Action, Decision, Snapshot, UserState
from app.dialogue import DialogueLoop, SpeechWriter
from app.interaction.cues import ACKNOWLEDGE, CueClock
from app.speech.asr import AsrWorker
from app.speech.playback import PlaybackQueue
from app.speech.tts import PiperTts

TICK = 200_000_000


def tick(i: int, mic: np.ndarray, action: Action, user: UserState, say: str = "") -> tuple[Snapshot, Decision]:
    t = (i + 1) * TICK
    return (Snapshot(t_ns=t, start_ns=t - TICK, mic=mic, self_audio=np.zeros(3200, np.float32)),
            Decision(t_ns=t, tick=i, action=action, user_state=user, mic_level_db=-30.0, say=say))


def tick_rows(voice: np.ndarray) -> np.ndarray:
    """``voice`` as one row of mic audio a tick, the last one padded with silence."""
    n = -(-voice.size // 3200)
    return np.concatenate([voice, np.zeros(n * 3200 - voice.size, np.float32)]).reshape(n, 3200)


@pytest.mark.slow
def test_a_timed_request_goes_on_the_cue_clock_not_to_reasoning(
        espeak: Any, embedded_settings: dict[str, Any], make_worker: Any) -> None:
    worker = make_worker(embedded_settings)
    playback = PlaybackQueue()
    writer = SpeechWriter(PiperTts(noise_scale=0.0, noise_w_scale=0.0), playback)
    recognizer = AsrWorker()
    cues = CueClock()
    loop = DialogueLoop(recognizer, worker, writer, cues=cues)
    voice = espeak("tell me when five seconds have passed")
    audio = tick_rows(voice)
    n = len(audio)
    try:
        assert recognizer.wait_ready(60)
        for i in range(n):
            loop.on_tick(*tick(i, audio[i], Action.LISTEN, UserState.SPEAKING))
        loop.on_tick(*tick(n, np.zeros(3200, np.float32), Action.TAKE_TURN, UserState.END_OF_TURN))
        deadline = time.monotonic() + 30
        i = n + 1
        while not cues.pending:
            assert time.monotonic() < deadline, f"the request was not put on the cue clock: {loop.user_turns}"
            loop.on_tick(*tick(i, np.zeros(3200, np.float32), Action.LISTEN, UserState.SILENT))
            i += 1
            time.sleep(0.05)
        due_s = cues.pending[0].due_ns / NS_PER_S
        assert due_s == pytest.approx(voice.size / 16000 + 5.0, abs=0.5)  # from the end of the request
        assert cues.pending[0].say == "That's five seconds."
        assert not worker.tasks.snapshot(), "a timed request must not also go to the reasoning tier"
        while ACKNOWLEDGE not in " ".join(writer.spoken):  # spoken clause by clause
            assert time.monotonic() < deadline, writer.spoken
            time.sleep(0.05)
        # When the policy interjects, the cue's words are spoken.
        loop.on_tick(*tick(i, np.zeros(3200, np.float32), Action.INTERJECT, UserState.SILENT,
                           say=cues.pending[0].say))
        while "That's five seconds." not in " ".join(writer.spoken):
            assert time.monotonic() < deadline, writer.spoken
            time.sleep(0.05)
    finally:
        writer.close()
        recognizer.close()


SILENCE = np.zeros(3200, np.float32)


def speak(loop: DialogueLoop, voice: np.ndarray, start: int) -> int:
    """Feed an utterance as speaking micro-turns from tick ``start``; returns the next tick.

    Each tick's partial is decoded before the next tick comes, as on a machine that keeps up, so the
    hypotheses (and the prefix they agree on) are the same however busy the CPU is.
    """
    rows = tick_rows(voice)
    n = len(rows)
    for i in range(n):
        loop.on_tick(*tick(start + i, rows[i], Action.LISTEN, UserState.SPEAKING))
        assert loop.recognizer.wait_idle(60), "the recognizer did not finish a partial in 60 s"
    return start + n


@pytest.mark.slow
def test_partials_of_the_open_turn_reach_the_floor_policy_and_the_take_clears_them(
        espeak: Any, heard_turn: Any) -> None:
    loop, turn = heard_turn
    i = speak(loop, espeak("set the thermostat in the"), 0)
    deadline = time.monotonic() + 30
    while len(turn.text.split()) < 4 or not turn.unfinished:  # the last words arrive after the stop
        assert time.monotonic() < deadline, f"no unfinished partial reached the policy: {turn.text!r}"
        loop.on_tick(*tick(i, SILENCE, Action.LISTEN, UserState.PAUSING))
        i += 1
        time.sleep(0.05)
    loop.on_tick(*tick(i, SILENCE, Action.TAKE_TURN, UserState.END_OF_TURN))
    assert turn.text == ""


@pytest.mark.slow
def test_a_partial_decoded_between_ticks_reaches_the_policy_before_the_next_decision(
        espeak: Any, heard_turn: Any) -> None:
    loop, turn = heard_turn
    i = speak(loop, espeak("set the thermostat in the front room"), 0)  # each tick asks; the last is decoded
    covers = turn.covers_ns
    loop.pump((i + 1) * TICK)  # the next tick, before its decision
    assert abs(turn.covers_ns - i * TICK) < 1_000_000  # the partial asked on the last tick: all the speech
    assert turn.covers_ns > covers and len(turn.text.split()) >= 4


@pytest.mark.slow
def test_a_blind_take_of_unfinished_words_is_taken_back_and_joined_with_the_rest(
        espeak: Any, heard_turn: Any) -> None:
    loop, turn = heard_turn

    def take_and_wait(i: int, until: Any) -> int:
        loop.on_tick(*tick(i, SILENCE, Action.TAKE_TURN, UserState.END_OF_TURN))
        assert loop.playback.speaking  # the opener word goes out at once
        deadline = time.monotonic() + 30
        while not until():
            assert time.monotonic() < deadline, (loop.user_turns, turn)
            i += 1
            loop.on_tick(*tick(i, SILENCE, Action.LISTEN, UserState.SILENT))
            time.sleep(0.05)
        return i + 1

    i = speak(loop, espeak("set the thermostat in the"), 0)
    turn.blind_take = True  # as the policy marks a take made before the last words were in
    i = take_and_wait(i, lambda: turn.reopen)
    assert not loop.playback.speaking  # the opener stops when the take is taken back
    assert loop.user_turns == [] and not loop.reasoning.tasks.snapshot()  # nothing went to reasoning
    first = turn.text  # the taken-back words, held as the turn's text
    assert first and turn.unfinished
    i = speak(loop, espeak("hallway to twenty degrees"), i)
    take_and_wait(i, lambda: loop.user_turns)
    joined = loop.user_turns[0]
    assert joined.startswith(first) and len(joined.split()) > len(first.split())  # one request, both parts


@pytest.mark.slow
def test_an_interruption_first_heard_as_a_backchannel_is_recognized_from_its_first_word(
        espeak: Any, heard_turn: Any) -> None:
    """The model calls the first ticks of most interruptions a backchannel; they are the turn's first words."""
    loop, _turn = heard_turn
    voice = espeak("hang on, go back to the first one")
    rows = tick_rows(voice)
    n = len(rows)
    loop.on_tick(*tick(0, SILENCE, Action.CONTINUE, UserState.SILENT))
    for i in range(n):
        heard_as = (Action.CONTINUE, UserState.BACKCHANNEL) if i < 4 else (Action.YIELD, UserState.SPEAKING)
        loop.on_tick(*tick(1 + i, rows[i], *heard_as))
    i = n + 1
    loop.on_tick(*tick(i, SILENCE, Action.TAKE_TURN, UserState.END_OF_TURN))
    deadline = time.monotonic() + 30
    while not loop.user_turns:
        assert time.monotonic() < deadline, "the interruption's final transcript never came"
        i += 1
        loop.on_tick(*tick(i, SILENCE, Action.LISTEN, UserState.SILENT))
        time.sleep(0.05)
    assert loop.user_turns[0].lower().replace(",", "").startswith("hang on"), loop.user_turns


@pytest.mark.slow
def test_a_stop_said_over_the_voice_and_heard_as_a_backchannel_reaches_the_policy_as_words(
        espeak: Any, heard_turn: Any) -> None:
    """The loop hands a sound over the assistant's voice to the recognizer alone; its words ask to stop."""
    loop, turn = heard_turn
    voice = espeak("Stop.")
    rows = tick_rows(voice)
    n = len(rows)
    loop.on_tick(*tick(0, SILENCE, Action.CONTINUE, UserState.SILENT))
    for i in range(n):  # the model calls it a backchannel and talks on
        loop.on_tick(*tick(1 + i, rows[i], Action.CONTINUE, UserState.BACKCHANNEL))
    i = n + 1
    deadline = time.monotonic() + 30
    while not turn.asks_stop:
        assert time.monotonic() < deadline, f"the words over the voice never came: {turn.spoken_over!r}"
        loop.on_tick(*tick(i, SILENCE, Action.CONTINUE, UserState.SILENT))
        i += 1
        time.sleep(0.05)
    assert loop.user_turns == [] and not loop.reasoning.tasks.snapshot()  # a command, not a request
