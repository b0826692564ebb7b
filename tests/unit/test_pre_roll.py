"""Which ticks before a user turn belong to its audio."""

import numpy as np

from app.core.frames import Action, Decision, Snapshot, UserState
from app.interaction.pre_roll import MAX_ONSET_TICKS, PreRoll

TICK_NS = 200_000_000


def rolled(states: list[UserState]) -> tuple[int, list[float]]:
    """Push one tick per state (tick i's audio is all i) and return where a turn opening in the next tick starts."""
    pre = PreRoll()
    for i, state in enumerate(states):
        pre.push(i * TICK_NS, np.full(3200, float(i), np.float32), state)
    start, chunks = pre.lead(len(states) * TICK_NS)
    return start, [float(c[0]) for c in chunks]


def test_with_nothing_heard_yet_the_turn_starts_where_it_opens() -> None:
    assert rolled([]) == (0, [])


def test_a_turn_starts_one_tick_early_for_its_first_word() -> None:
    assert rolled([UserState.SILENT, UserState.SILENT]) == (1 * TICK_NS, [1.0])


def test_an_interruption_first_heard_as_a_backchannel_keeps_its_first_words() -> None:
    states = [UserState.SILENT, UserState.SILENT, UserState.BACKCHANNEL, UserState.BACKCHANNEL, UserState.BACKCHANNEL]
    assert rolled(states) == (1 * TICK_NS, [1.0, 2.0, 3.0, 4.0])


def test_someone_elses_speech_before_the_turn_stays_out() -> None:
    assert rolled([UserState.OTHER, UserState.OTHER, UserState.OTHER]) == (2 * TICK_NS, [2.0])


def test_a_long_run_of_backchannel_ticks_is_capped() -> None:
    start, chunks = rolled([UserState.BACKCHANNEL] * 10)
    assert len(chunks) == MAX_ONSET_TICKS + 1 and chunks[-1] == 9.0 and start == 2 * TICK_NS


def test_an_interruption_heard_as_a_backchannel_then_as_someone_else_keeps_its_first_words() -> None:
    """"hang on, go back to Singapore": four ticks of backchannel, then two of someone else's speech, then
    the yield; the turn opens on the next tick and its audio starts a tick before the first."""
    states = [UserState.SILENT] * 2 + [UserState.BACKCHANNEL] * 4 + [UserState.OTHER] * 2
    assert rolled(states) == (1 * TICK_NS, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])


def test_someone_elses_speech_before_a_backchannel_like_onset_stays_out() -> None:
    states = [UserState.SILENT] + [UserState.OTHER] * 2 + [UserState.BACKCHANNEL] * 2
    assert rolled(states) == (2 * TICK_NS, [2.0, 3.0, 4.0])


def test_reset_forgets_the_ticks() -> None:
    pre = PreRoll()
    pre.push(0, np.zeros(3200, np.float32), UserState.BACKCHANNEL)
    pre.reset()
    assert pre.lead(TICK_NS) == (TICK_NS, [])


def test_the_evaluations_turn_audio_starts_where_the_interruption_did() -> None:
    """As live: the ticks the model heard as a backchannel before it heard speech open the turn's audio."""
    from app.eval.fdb_system import TurnRecorder

    recorder = TurnRecorder()
    for i, (state, action) in enumerate([(UserState.SILENT, Action.CONTINUE), (UserState.BACKCHANNEL, Action.CONTINUE),
                                         (UserState.BACKCHANNEL, Action.CONTINUE), (UserState.SPEAKING, Action.YIELD),
                                         (UserState.SPEAKING, Action.LISTEN)]):
        snap = Snapshot(t_ns=(i + 1) * TICK_NS, start_ns=i * TICK_NS, mic=np.full(3200, float(i), np.float32),
                        self_audio=np.zeros(3200, np.float32))
        recorder.hook(snap, Decision(snap.t_ns, i, action, state, -30.0))
    assert recorder.start_ns == 0
    assert [float(a[0]) for a in recorder.chunks] == [0.0, 1.0, 2.0, 3.0, 4.0]
