import numpy as np
import pytest

from app.core.frames import Action, UserState
from app.synth.timeline import ACTIONS, TICK_S, USER_STATES, Span, Timeline, tick_ceil

A = Action
U = UserState


def tick_index(t):
    """Index in ``labels()`` of the tick that ends at ``t`` seconds."""
    return round(t / TICK_S) - 1


def label_table(tl):
    """{tick end (rounded to 0.1 ms): (user state, action, cue_due)} for every tick."""
    lab = tl.labels()
    n = tl.n_ticks()
    assert lab["user_state"].shape == lab["action"].shape == lab["cue_due"].shape == (n,)
    return {round((k + 1) * TICK_S, 4): (USER_STATES[lab["user_state"][k]], ACTIONS[lab["action"][k]],
                                         float(lab["cue_due"][k])) for k in range(n)}


def ends(a, b):
    """Tick ends from ``a`` to ``b`` inclusive, rounded like ``label_table`` keys."""
    return [round(k * TICK_S, 4) for k in range(round(a / TICK_S), round(b / TICK_S) + 1)]


def turn_timeline(reply_start, reply_end=4.0, duration=5.0):
    return Timeline(duration=duration, user=[Span(0.5, 2.03, "turn")], turn_ends=[2.03],
                    assistant=[Span(reply_start, reply_end, "reply")])


# ---- (a) an on-time reply -----------------------------------------------------------------------------------


def test_on_time_reply_labels():
    start = tick_ceil(2.03 + 0.12)
    assert start == pytest.approx(2.2)
    table = label_table(turn_timeline(start))
    assert len(table) == 25
    expected = {}
    for t in ends(0.2, 0.4):
        expected[t] = (U.SILENT, A.LISTEN)
    for t in ends(0.6, 2.0):  # >= 40 ms of the turn inside the tick
        expected[t] = (U.SPEAKING, A.LISTEN)
    expected[2.2] = (U.END_OF_TURN, A.TAKE_TURN)  # only 30 ms of the turn in (2.0, 2.2]
    for t in ends(2.4, 3.8):
        expected[t] = (U.SILENT, A.CONTINUE)
    for t in ends(4.0, 5.0):  # the reply is over at 4.0
        expected[t] = (U.SILENT, A.LISTEN)
    assert {t: v[:2] for t, v in table.items()} == expected
    assert all(v[2] == 0.0 for v in table.values())


def test_take_turn_exactly_once_on_time():
    lab = turn_timeline(tick_ceil(2.15)).labels()
    take = np.flatnonzero(lab["action"] == ACTIONS.index(A.TAKE_TURN))
    assert take.tolist() == [tick_index(2.2)]
    eot = np.flatnonzero(lab["user_state"] == USER_STATES.index(U.END_OF_TURN))
    assert eot.tolist() == [tick_index(2.2)]


# ---- (b) a late reply -----------------------------------------------------------------------------------------


def test_late_reply_keeps_asking_for_the_turn():
    start = tick_ceil(2.15) + 2 * TICK_S  # 2.6
    table = label_table(turn_timeline(start))
    take = [t for t, v in table.items() if v[1] is A.TAKE_TURN]
    assert take == [2.2, 2.4, 2.6]  # every tick from turn end + 0.1 up to and including the start
    assert all(t >= 2.03 + 0.1 for t in take)
    assert [t for t, v in table.items() if v[0] is U.END_OF_TURN] == [2.2, 2.4, 2.6]
    assert table[2.0][1] is A.LISTEN
    assert table[2.8][1] is A.CONTINUE


def test_late_reply_needs_to_start_after_turn_end_plus_100ms():
    # turn ends at 2.15: the tick at 2.2 is only 50 ms after it, so no request for the turn yet
    tl = Timeline(duration=4.0, user=[Span(0.5, 2.15, "turn")], turn_ends=[2.15],
                  assistant=[Span(2.6, 3.6, "reply")])
    table = label_table(tl)
    assert table[2.2][1] is A.LISTEN
    assert table[2.4][1] is A.TAKE_TURN
    assert table[2.6][1] is A.TAKE_TURN


def test_no_reply_or_very_late_reply_is_not_a_standing_take_turn():
    never = Timeline(duration=5.0, user=[Span(0.5, 2.03, "turn")], turn_ends=[2.03])
    assert A.TAKE_TURN not in {v[1] for v in label_table(never).values()}
    very_late = turn_timeline(4.4, reply_end=5.0, duration=5.0)  # 2.37 s after the turn end
    table = label_table(very_late)
    assert [t for t, v in table.items() if v[1] is A.TAKE_TURN] == [4.4]


# ---- (c) a hold pause -------------------------------------------------------------------------------------------


def test_hold_pause_is_pausing_and_listen():
    tl = Timeline(duration=4.6, user=[Span(0.5, 1.5, "turn"), Span(2.5, 3.45, "turn")],
                  holds=[Span(1.5, 2.5, "hold")], turn_ends=[3.45],
                  assistant=[Span(tick_ceil(3.45 + 0.12), 4.6, "reply")])
    table = label_table(tl)
    for t in ends(1.8, 2.4):
        assert table[t][:2] == (U.PAUSING, A.LISTEN), t
    assert table[1.6][0] is U.SPEAKING and table[2.6][0] is U.SPEAKING
    assert [t for t, v in table.items() if v[1] is A.TAKE_TURN] == [3.6]


def test_hold_without_any_reply_never_takes_the_turn():
    tl = Timeline(duration=3.0, user=[Span(0.2, 1.0, "turn"), Span(2.0, 3.0, "turn")],
                  holds=[Span(1.0, 2.0, "hold")])
    table = label_table(tl)
    assert {v[1] for v in table.values()} == {A.LISTEN}
    assert [t for t, v in table.items() if v[0] is U.PAUSING] == [1.2, 1.4, 1.6, 1.8]


# ---- (d) an interruption --------------------------------------------------------------------------------------


def test_interruption_yields_from_the_yield_tick_to_the_cut():
    y = tick_ceil(3.3 + 0.15)  # 3.6
    cut = 4.0
    tl = Timeline(duration=5.0, user=[Span(0.5, 2.03, "turn"), Span(3.3, 4.5, "interrupt")],
                  turn_ends=[2.03], assistant=[Span(2.2, cut, "reply")], yield_from=[y])
    table = label_table(tl)
    assert [t for t, v in table.items() if v[1] is A.YIELD] == [3.6, 3.8, 4.0]
    for t in ends(2.4, 3.4):
        assert table[t][1] is A.CONTINUE, t
    for t in ends(4.2, 5.0):
        assert table[t][1] is A.LISTEN, t
    for t in ends(3.4, 4.4):  # (3.2, 3.4] already holds 100 ms of the interruption
        assert table[t][0] is U.SPEAKING, t


def test_yield_needs_a_span_that_covers_the_yield_tick():
    tl = Timeline(duration=3.0, assistant=[Span(0.4, 1.2, "reply")], yield_from=[2.0])
    assert A.YIELD not in {v[1] for v in label_table(tl).values()}


# ---- (e) not-addressed user speech while the assistant speaks ---------------------------------------------------


def test_backchannel_other_background_while_assistant_speaks():
    tl = Timeline(duration=5.4, assistant=[Span(1.0, 5.0, "reply")],
                  user=[Span(2.0, 2.4, "backchannel"), Span(3.0, 3.4, "other"), Span(4.0, 4.4, "background")])
    table = label_table(tl)
    expected_state = dict.fromkeys(ends(0.2, 5.4), U.SILENT)
    expected_state.update({2.2: U.BACKCHANNEL, 2.4: U.BACKCHANNEL, 3.2: U.OTHER, 3.4: U.OTHER,
                           4.2: U.OTHER, 4.4: U.OTHER})
    assert {t: v[0] for t, v in table.items()} == expected_state
    assert table[1.0][1] is A.TAKE_TURN
    for t in ends(1.2, 4.8):
        assert table[t][1] is A.CONTINUE, t
    assert table[5.0][1] is A.LISTEN


def test_short_overlap_below_40ms_is_not_heard():
    tl = Timeline(duration=1.0, user=[Span(0.37, 0.43, "turn")])  # 30 ms in each of two ticks
    assert {v[0] for v in label_table(tl).values()} == {U.SILENT}
    tl = Timeline(duration=1.0, user=[Span(0.35, 0.43, "turn")])  # 50 ms in (0.2, 0.4]
    assert label_table(tl)[0.4][0] is U.SPEAKING


def test_assistant_backchannel_span_is_backchannel_action():
    tl = Timeline(duration=3.0, user=[Span(0.2, 3.0, "turn")], assistant=[Span(1.4, 1.8, "backchannel")])
    table = label_table(tl)
    assert table[1.4][1] is A.BACKCHANNEL
    assert table[1.6][1] is A.CONTINUE
    assert table[1.8][1] is A.LISTEN


def test_visual_remark_span_is_interject_without_cue_due():
    table = label_table(Timeline(duration=2.0, assistant=[Span(0.8, 1.4, "visual")]))
    assert [t for t, v in table.items() if v[1] is A.INTERJECT] == [0.8]
    assert all(v[2] == 0.0 for v in table.values())


# ---- (f) a requested cue ------------------------------------------------------------------------------------------


def cue_timeline():
    return Timeline(duration=14.0, user=[Span(0.4, 2.0, "cue_request")], turn_ends=[2.0],
                    assistant=[Span(2.2, 3.4, "reply"), Span(12.0, 13.0, "cue")],
                    cue_due=12.0, cue_known_from=2.5)


def test_cue_tick_is_interject_with_cue_due():
    table = label_table(cue_timeline())
    assert [t for t, v in table.items() if v[2] == 1.0] == [12.0]
    assert [t for t, v in table.items() if v[1] is A.INTERJECT] == [12.0]
    assert table[12.2][1] is A.CONTINUE
    assert table[13.2][1] is A.LISTEN
    assert set(np.unique(cue_timeline().labels()["cue_due"])) == {0.0, 1.0}


@pytest.mark.parametrize(("t", "expected"), [
    (0.2, None), (2.4, None), (2.4999, None),
    (2.5, 9.5), (2.6, 9.4), (8.0, 4.0), (11.8, 0.2), (12.0, 0.0),
    (12.2, None), (13.0, None),
])
def test_time_to_cue(t, expected):
    got = cue_timeline().time_to_cue(t)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=1e-9)


def test_time_to_cue_none_without_a_request():
    tl = Timeline(duration=3.0, assistant=[Span(1.0, 2.0, "reply")])
    assert tl.time_to_cue(1.5) is None
    assert Timeline(duration=3.0, cue_due=2.0).time_to_cue(1.0) is None  # never recognized


def test_time_to_cue_goes_negative_when_the_cue_is_late():
    tl = Timeline(duration=14.0, assistant=[Span(12.6, 13.0, "cue")], cue_due=12.0, cue_known_from=1.0)
    assert tl.time_to_cue(12.4) == pytest.approx(-0.4)
    assert tl.time_to_cue(12.6) == pytest.approx(-0.6)
    assert tl.time_to_cue(12.8) is None


# ---- speaking / since_assistant ------------------------------------------------------------------------------------


def test_assistant_speaking_and_since_assistant():
    tl = Timeline(duration=5.0, assistant=[Span(1.0, 2.0, "reply")])
    assert not tl.assistant_speaking(1.0)  # nothing played before the decision at 1.0
    assert tl.assistant_speaking(1.2)
    assert not tl.assistant_speaking(2.0)
    assert tl.since_assistant(0.6) == 30.0
    assert tl.since_assistant(1.4) == 0.0
    assert tl.since_assistant(2.6) == pytest.approx(0.6)


def test_n_ticks_is_robust_to_float_noise():
    assert Timeline(duration=3 * 0.2).n_ticks() == 3
    assert Timeline(duration=0.1 + 0.2 + 0.3).n_ticks() == 3
    assert Timeline(duration=5.0).n_ticks() == 25


# ---- (g) tick_ceil ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("t", "expected"), [
    (0.0, 0.0),
    (0.2, 0.2),
    (2.2, 2.2),
    (4.0, 4.0),
    (0.01, 0.2),
    (0.61, 0.8),
    (2.15, 2.2),
    (2.03 + 0.12, 2.2),
    (2.19999, 2.2),
    (2.20001, 2.4),
    (2.2 + 1e-5, 2.4),
])
def test_tick_ceil_first_boundary_at_or_after(t, expected):
    assert tick_ceil(t) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("t", [3 * 0.2, 0.6000000001, 0.6 - 1e-9, 0.6 + 1e-8, 0.6 - 1e-8, 0.1 + 0.2 + 0.3])
def test_tick_ceil_absorbs_float_noise_on_a_boundary(t):
    assert tick_ceil(t) == pytest.approx(0.6, abs=1e-9)


def test_tick_ceil_properties_on_random_times():
    rng = np.random.default_rng(0)
    for t in rng.uniform(0.0, 60.0, 2000):
        c = tick_ceil(float(t))
        k = c / TICK_S
        assert abs(k - round(k)) < 1e-6  # a tick boundary
        assert c >= t - 1e-6  # at or after t
        assert c - t < TICK_S  # the first such boundary
        assert tick_ceil(c) == pytest.approx(c, abs=1e-9)  # idempotent on its own output


def test_audio_cut_by_a_yield_was_playing_on_the_yield_tick():
    from app.synth.timeline import Span, Timeline

    tl = Timeline(4.0, user=[Span(2.05, 3.0, "interrupt")], assistant=[Span(1.0, 2.2, "reply", cut=True)],
                  yield_from=[2.2])
    assert tl.assistant_speaking(2.2)  # the decision at 2.2 stops it, so the runtime still hears it playing
    assert not tl.assistant_speaking(2.4)
    assert tl.action(2.2).value == "yield"
    natural = Timeline(4.0, assistant=[Span(1.0, 2.2, "reply")])
    assert not natural.assistant_speaking(2.2)  # a reply that finished by itself is over at its end
