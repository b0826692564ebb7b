"""The audio of a short sound over the assistant's voice: which ticks go in, and when it is handed over."""

import numpy as np

from app.core.frames import Action, Decision, UserState
from app.interaction.spoken_over import MAX_TICKS, SpokenOver
from app.interaction.turn_text import TurnText

B, S, P = UserState.BACKCHANNEL, UserState.SILENT, UserState.SPEAKING


def tick(i: int) -> np.ndarray:
    return np.full(4, float(i), np.float32)  # each tick's audio says which tick it was


def run(states: list[UserState], talking: bool = True) -> list[list[float] | None]:
    sound = SpokenOver()
    out = []
    for i, state in enumerate(states):
        audio = sound.push(tick(i), state, talking)
        out.append(None if audio is None else sorted(set(audio.tolist())))
    return out


def test_a_sound_is_handed_over_each_tick_from_the_tick_before_it_to_the_tick_after_it():
    assert run([S, S, B, B, S, S]) == [None, None, [1, 2], [1, 2, 3], [1, 2, 3, 4], None]


def test_a_sound_at_the_very_start_has_no_tick_before_it():
    assert run([B, S]) == [[0], [0, 1]]


def test_nothing_is_collected_while_the_assistant_is_silent_or_for_speech():
    assert run([S, B, B, S], talking=False) == [None] * 4
    assert run([S, P, P, S]) == [None] * 4  # speech is the user's turn: the recognizer hears it anyway


def test_a_long_sound_is_no_command_and_stops_being_handed_over():
    out = run([S] + [B] * (MAX_TICKS + 2) + [S])
    assert out[MAX_TICKS - 1] is not None and out[MAX_TICKS] is None and out[-1] is None


def test_reset_forgets_the_sound_and_the_tick_before_it():
    sound = SpokenOver()
    sound.push(tick(0), S, True)
    sound.push(tick(1), B, True)
    sound.reset()
    audio = sound.push(tick(2), B, True)
    assert audio is not None and sorted(set(audio.tolist())) == [2]


def test_only_the_first_tick_of_each_sound_begins_one():
    sound = SpokenOver()
    began = [sound.push(tick(i), state, True) is not None and sound.began for i, state in enumerate([S, B, B, S, B, S])]
    assert began == [False, True, False, False, True, False]
    sound.push(tick(6), B, False)  # the assistant is silent: no sound over its voice begins
    assert not sound.began


def decided(i: int, state: UserState, talking: bool = True) -> Decision:
    return Decision(t_ns=i, tick=i, action=Action.CONTINUE if talking else Action.LISTEN, user_state=state,
                    mic_level_db=-30.0)


def test_a_new_sound_takes_the_words_of_the_one_before_from_the_policy():
    sound, words = SpokenOver(), TurnText()
    sound.hear(tick(0), decided(0, B), words)
    words.hear_over("alright")  # the first sound's words came in
    sound.hear(tick(1), decided(1, S), words)  # it ended: its words still count for it
    assert words.acknowledged_over
    sound.hear(tick(2), decided(2, B), words)  # the next sound: nothing is heard of it yet
    assert words.spoken_over == ""


def test_each_sound_is_counted_so_its_words_can_be_told_from_an_older_ones():
    sound = SpokenOver()
    names = []
    for i, state in enumerate([S, B, B, S, B, S]):
        sound.hear(tick(i), decided(i, state), TurnText())
        names.append(sound.sound)
    assert names == [0, 1, 1, 1, 2, 2]
    sound.reset()
    sound.hear(tick(6), decided(6, B), TurnText())
    assert sound.sound == 3  # after a reset too: a decode still on its way names an older sound
