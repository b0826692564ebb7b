"""The evaluation's words of a short sound over the assistant's voice, through the real recognizer: a new sound
drops the words of the one before, those already heard and those still being decoded."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.frames import Action, Decision, Snapshot, UserState
from app.interaction.turn_text import TurnText, is_acknowledgement
from tests.reasoning.test_spoken_cues import SILENCE, TICK, tick_rows


@pytest.mark.slow
def test_a_new_sound_drops_the_words_of_the_last_one_heard_or_on_their_way(espeak: Any) -> None:
    from app.config import Settings
    from app.eval.fdb_system import Speech, SpokenOverFeed, Timing

    class SlowMachine(Timing):
        """A decode takes 0.5 s, so one is still on its way when the next sound begins."""

        def partial_s(self, audio_s: float, wall_s: float) -> float:
            return 0.5

    sp = Settings().speech
    turn = TurnText()
    feed = SpokenOverFeed(Speech(sp.voice, sp.asr_model, sp.asr_threads, repeatable=True), turn,
                          SlowMachine(measured=False))
    ticks = [(SILENCE, UserState.SILENT)]
    ticks += [(row, UserState.BACKCHANNEL) for row in tick_rows(espeak("alright"))]
    ticks += [(SILENCE, UserState.SILENT)] * 3
    first_sound_ends = len(ticks)
    ticks += [(row, UserState.BACKCHANNEL) for row in tick_rows(espeak("stop"))]
    ticks += [(SILENCE, UserState.SILENT)] * 6
    heard = []
    for i, (mic, state) in enumerate(ticks):
        t = (i + 1) * TICK
        feed.pump(t)  # as the evaluation runs a tick: words in, the policy's step, then the hook
        decision = Decision(t_ns=t, tick=i, action=Action.CONTINUE, user_state=state, mic_level_db=-30.0)
        feed.hook(Snapshot(t_ns=t, start_ns=t - TICK, mic=mic, self_audio=SILENCE), decision)
        heard.append(turn.spoken_over)
    old, new = heard[:first_sound_ends], heard[first_sound_ends:]
    assert any(is_acknowledgement(words) for words in old), old
    assert new[0] == "" and not any(is_acknowledgement(words) for words in new), new
    assert turn.asks_stop, new
