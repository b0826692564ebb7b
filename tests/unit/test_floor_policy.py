import itertools
import math

import numpy as np
import pytest

from app.core.frames import Action, UserState
from app.interaction.floor_policy import (
    FloorPolicy,
    FloorState,
    Knobs,
    Probs,
    backchannel_gap_s,
    hold_limit_s,
    hold_threshold,
    take_threshold,
    take_ticks,
    words_wait_s,
    yield_threshold,
    yield_weak_threshold,
)

CODE = {Action.LISTEN: "L", Action.BACKCHANNEL: "B", Action.TAKE_TURN: "T", Action.CONTINUE: "C",
        Action.YIELD: "Y", Action.INTERJECT: "I"}
KNOB_SWEEP = [i / 20 for i in range(21)]


def _one_hot(names: tuple[str, ...], name: str, p: float) -> tuple[float, ...]:
    assert name in names
    rest = (1.0 - p) / (len(names) - 1)
    return tuple(p if n == name else rest for n in names)


def probs(user: str = "speaking", action: str = "listen", p: float = 0.9, cue: float = 0.0) -> Probs:
    """Mass ``p`` on the named user state and on the named action, the rest spread evenly."""
    return Probs(user_state=_one_hot(tuple(UserState), user, p), action=_one_hot(tuple(Action), action, p),
                 cue_due=cue)


def ticks(n: int, user: str = "speaking", action: str = "listen", p: float = 0.9, cue: float = 0.0,
          talking: bool = False) -> list[tuple[Probs, bool]]:
    """``n`` identical ticks; ``talking`` is whether the assistant is speaking."""
    return [(probs(user, action, p, cue), talking)] * n


def run(policy: FloorPolicy, script: list[tuple[Probs, bool]]) -> str:
    return "".join(CODE[policy.step(pr, talking)[0]] for pr, talking in script)


# --- knob -> threshold functions -------------------------------------------------------------------

@pytest.mark.parametrize(("fn", "field", "expected"), [
    (take_threshold, "patience", {0.0: 0.35, 0.5: 0.5, 1.0: 0.7}),
    (take_ticks, "patience", {0.0: 1, 0.5: 1, 0.75: 2, 1.0: 3}),
    (yield_threshold, "interruption_sensitivity", {0.0: 0.8, 0.5: 0.5, 1.0: 0.3}),
    (yield_weak_threshold, "interruption_sensitivity", {0.0: 0.56, 0.5: 0.35, 1.0: 0.21}),
    (backchannel_gap_s, "backchannel_rate", {0.0: math.inf, 0.1: 12.0, 0.5: 8.0, 1.0: 3.0}),
    (hold_limit_s, "patience", {0.0: 1.0, 0.5: 3.0, 1.0: 5.0}),
    (words_wait_s, "patience", {0.0: 0.0, 0.5: 0.2, 1.0: 0.6}),
    (hold_threshold, "interruption_sensitivity", {0.0: 0.32, 0.5: 0.2, 1.0: 0.12}),
])
def test_threshold_values(fn, field, expected):
    for knob, want in expected.items():
        assert fn(Knobs(**{field: knob})) == pytest.approx(want), (fn.__name__, knob)


@pytest.mark.parametrize(("fn", "field", "direction"), [
    (take_threshold, "patience", "up"),
    (take_ticks, "patience", "up"),
    (yield_threshold, "interruption_sensitivity", "down"),
    (yield_weak_threshold, "interruption_sensitivity", "down"),
    (hold_threshold, "interruption_sensitivity", "down"),
    (backchannel_gap_s, "backchannel_rate", "down"),
])
def test_thresholds_are_monotonic_in_their_knob(fn, field, direction):
    values = [fn(Knobs(**{field: k})) for k in KNOB_SWEEP]
    pairs = list(itertools.pairwise(values))
    if direction == "up":
        assert all(a <= b for a, b in pairs), values
    else:
        assert all(a >= b for a, b in pairs), values
    assert values[0] != values[-1]


@pytest.mark.parametrize("field", ["patience", "backchannel_rate", "interruption_sensitivity"])
@pytest.mark.parametrize("bad", [-0.01, 1.01])
def test_knobs_outside_unit_interval_are_rejected(field, bad):
    with pytest.raises(ValueError, match=field):
        Knobs(**{field: bad})


def test_probs_need_six_of_each():
    with pytest.raises(ValueError, match="user_state"):
        Probs(user_state=(1.0,) * 5, action=(1 / 6,) * 6, cue_due=0.0)
    with pytest.raises(ValueError, match="action"):
        Probs(user_state=(1 / 6,) * 6, action=(1.0,) * 7, cue_due=0.0)


@pytest.mark.parametrize("state", list(UserState))
@pytest.mark.parametrize("talking", [False, True])
def test_reported_user_state_is_the_argmax(state, talking):
    _, user = FloorPolicy().step(probs(user=state.value, p=0.4), talking)
    assert user is state


def test_speech_that_goes_on_from_someone_elses_is_reported_as_theirs():
    policy = FloorPolicy()
    policy.step(probs(user="other", action="continue"), True)
    assert policy.step(probs(user="speaking"), False)[1] is UserState.OTHER
    assert policy.step(probs(user="silent"), False)[1] is UserState.SILENT
    assert policy.step(probs(user="speaking"), False)[1] is UserState.SPEAKING


# --- scripted sequences ----------------------------------------------------------------------------

def speech_then_eot(eot_p: float = 0.9) -> list[tuple[Probs, bool]]:
    """Five ticks of speech, three of end-of-turn asking to take, three of silence still asking to take."""
    return ticks(5) + ticks(3, "end_of_turn", "take_turn", eot_p) + ticks(3, "silent", "take_turn")


SEQUENCES = [
    # Taking the turn
    ("smooth end of turn takes once", Knobs(), speech_then_eot(), "LLLLL" "TLL" "LLL"),
    ("a bit patient needs two ticks", Knobs(patience=0.75), speech_then_eot(), "LLLLL" "LTL" "LLL"),
    ("impatient takes on the first tick", Knobs(patience=0.0), speech_then_eot(), "LLLLL" "TLL" "LLL"),
    ("patient needs three ticks", Knobs(patience=1.0), speech_then_eot(), "LLLLL" "LLT" "LLL"),
    ("patient ignores evidence below 0.7", Knobs(patience=1.0), speech_then_eot(0.65), "LLLLL" "LLL" "LLT"),
    ("takes again after the user speaks again", Knobs(), speech_then_eot() + speech_then_eot(),
     "LLLLLTLLLLL" "LLLLLTLLLLL"),
    ("never takes before the user has spoken", Knobs(patience=0.0), ticks(5, "silent", "take_turn"), "LLLLL"),
    ("never takes while the user speaks", Knobs(patience=0.0), ticks(5, "speaking", "take_turn"), "LLLLL"),
    ("speech breaks the take evidence", Knobs(patience=0.75),
     ticks(3) + ticks(1, "end_of_turn", "take_turn") + ticks(1) + ticks(2, "end_of_turn", "take_turn"),
     "LLL" "L" "L" "LT"),
    ("pause-holding never takes within the hold limit", Knobs(), ticks(5) + ticks(15, "pausing", "listen", 0.6)
     + ticks(3), "L" * 23),
    ("a silence past the hold limit is answered, whatever the model says", Knobs(),
     ticks(5) + ticks(20, "pausing", "listen", 0.6), "L" * 5 + "L" * 15 + "T" + "LLLL"),
    ("an impatient assistant answers a silence sooner", Knobs(patience=0.0),
     ticks(5) + ticks(10, "pausing", "listen", 0.6), "L" * 5 + "L" * 5 + "T" + "LLLL"),
    ("a user who cut the assistant off and then fell silent is answered at the limit", Knobs(),
     ticks(1, "speaking", "yield", talking=True) + ticks(20, "silent", "listen"), "Y" + "L" * 15 + "T" + "LLLL"),
    ("no answer to a silence after speech that overlapped the assistant", Knobs(),
     ticks(3, "speaking", "continue", talking=True) + ticks(30, "silent", "listen"), "CCC" + "L" * 30),
    ("weak take evidence waits at patience 0.5", Knobs(), ticks(3) + ticks(10, "pausing", "take_turn", 0.4),
     "L" * 13),
    ("weak take evidence takes at patience 0", Knobs(patience=0.0), ticks(3) + ticks(3, "pausing", "take_turn", 0.4),
     "LLL" "TLL"),
    # Yielding while the assistant talks
    ("interruption yields", Knobs(), ticks(3, "silent", "continue", talking=True)
     + ticks(2, "speaking", "yield", talking=True), "CCC" "YY"),
    ("weak evidence yields on its second tick", Knobs(), ticks(2, "silent", "continue", talking=True)
     + ticks(2, "speaking", "yield", 0.4, talking=True), "CC" "CY"),
    ("weak evidence never yields at sensitivity 0", Knobs(interruption_sensitivity=0.0),
     ticks(5, "speaking", "yield", 0.4, talking=True), "CCCCC"),
    ("weak evidence yields at once at sensitivity 1", Knobs(interruption_sensitivity=1.0),
     ticks(2, "speaking", "yield", 0.4, talking=True), "YY"),
    ("interrupted weak evidence does not add up", Knobs(),
     (ticks(1, "speaking", "yield", 0.4, talking=True) + ticks(1, "silent", "continue", talking=True)) * 3,
     "CCCCCC"),
    ("backchannel speech with weak yield evidence continues", Knobs(),
     ticks(5, "backchannel", "yield", 0.45, talking=True), "CCCCC"),
    ("a backchannel-like onset needs strong yield evidence", Knobs(),
     ticks(1, "backchannel", "yield", 0.6, talking=True) + ticks(1, "backchannel", "yield", 0.85, talking=True),
     "CY"),
    ("background speech while talking continues", Knobs(interruption_sensitivity=1.0),
     ticks(5, "other", "yield", 0.7, talking=True), "CCCCC"),
    ("a backchannel is over within 1 s: one that goes on is the user talking, and it yields", Knobs(),
     ticks(6, "backchannel", "continue", talking=True), "CCCCC" "Y"),
    ("a break between backchannels starts the count over", Knobs(),
     ticks(5, "backchannel", "continue", talking=True) + ticks(1, "silent", "continue", talking=True)
     + ticks(5, "backchannel", "continue", talking=True), "CCCCC" "C" "CCCCC"),
    ("an onset heard as a backchannel that goes on as someone else's, with weak evidence, yields after 1 s",
     Knobs(), ticks(2, "backchannel", "yield", 0.3, talking=True) + ticks(4, "other", "yield", 0.6, talking=True),
     "CCCCC" "Y"),
    ("a side remark the model is sure of is not yielded to, however long it goes on", Knobs(),
     ticks(2, "backchannel", "continue", talking=True) + ticks(6, "other", "yield", 0.05, talking=True),
     "CCCCCCCC"),
    ("a one-tick gap does not end a sound that began as a backchannel", Knobs(),
     ticks(3, "backchannel", "yield", 0.5, talking=True) + ticks(1, "silent", "continue", talking=True)
     + ticks(3, "other", "yield", 0.6, talking=True), "CCC" "C" "CCY"),
    ("a two-tick gap does", Knobs(),
     ticks(3, "backchannel", "yield", 0.5, talking=True) + ticks(2, "silent", "continue", talking=True)
     + ticks(3, "other", "yield", 0.6, talking=True), "CCC" "CC" "CCC"),
    ("someone else's speech that goes on is still theirs", Knobs(),
     ticks(3, "backchannel", "continue", talking=True) + ticks(10, "other", "continue", talking=True), "C" * 13),
    ("a long backchannel-like sound while the assistant is silent only listens", Knobs(),
     ticks(8, "backchannel", "listen"), "L" * 8),
    ("a backchannel breaks a weak run", Knobs(), ticks(1, "speaking", "yield", 0.4, talking=True)
     + ticks(1, "backchannel", "yield", 0.4, talking=True) + ticks(1, "speaking", "yield", 0.4, talking=True),
     "CCC"),
    ("very sure backchannel-state speech yields", Knobs(interruption_sensitivity=0.0),
     ticks(1, "backchannel", "yield", 0.85, talking=True), "Y"),
    ("a user who speaks on right after a take was not done: it yields at once", Knobs(),
     ticks(5) + ticks(1, "end_of_turn", "take_turn") + ticks(1, "silent", "continue", talking=True)
     + ticks(1, "speaking", "continue", talking=True), "LLLLL" "T" "C" "Y"),
    ("the rest of the sentence, heard under the reply as a backchannel or someone else's, yields too", Knobs(),
     ticks(5) + ticks(1, "end_of_turn", "take_turn") + ticks(3, "silent", "continue", talking=True)
     + ticks(1, "backchannel", "continue", talking=True), "LLLLL" "T" "CCC" "Y"),
    ("other-state sound 0.8 s after the take yields", Knobs(),
     ticks(5) + ticks(1, "end_of_turn", "take_turn") + ticks(3, "silent", "continue", talking=True)
     + ticks(1, "other", "continue", talking=True), "LLLLL" "T" "CCC" "Y"),
    ("past the opener, user speech needs yield evidence again", Knobs(),
     ticks(5) + ticks(1, "end_of_turn", "take_turn") + ticks(4, "silent", "continue", talking=True)
     + ticks(2, "speaking", "continue", talking=True) + ticks(1, "backchannel", "continue", talking=True),
     "LLLLL" "T" "CCCC" "CC" "C"),
    # Speech heard as someone else's
    ("background speech that goes on once the assistant falls silent is still not the user's", Knobs(),
     ticks(3, "other", "continue", talking=True) + ticks(3, "speaking") + ticks(3, "end_of_turn", "take_turn"),
     "CCC" "LLL" "LLL"),
    ("after a silence, speech opens the user's turn again", Knobs(),
     ticks(3, "other", "continue", talking=True) + ticks(1, "silent") + ticks(3, "speaking")
     + ticks(2, "end_of_turn", "take_turn"), "CCC" "L" "LLL" "TL"),
    ("speech heard as someone else's that the assistant yields to is the user's", Knobs(),
     ticks(1, "other", "yield", talking=True) + ticks(3, "speaking") + ticks(2, "end_of_turn", "take_turn"),
     "Y" "LLL" "TL"),
    ("barge-in opens a user turn that is then taken", Knobs(patience=0.75), ticks(1, "speaking", "yield", talking=True)
     + ticks(3) + ticks(2, "end_of_turn", "take_turn"), "Y" "LLL" "LT"),
    # Cues
    ("cue interjects once", Knobs(), ticks(5, "silent", cue=0.9), "ILLLL"),
    ("the action head interjects too (a camera event)", Knobs(), ticks(2, "silent") + ticks(3, "silent", "interject"),
     "LL" "ILL"),
    ("no interjection over its own speech", Knobs(), ticks(3, "silent", "interject", talking=True), "CCC"),
    ("a cue still due after 1 s fires again", Knobs(), ticks(6, "silent", cue=0.9), "ILLLLI"),
    ("an unlikely cue waits", Knobs(), ticks(3, "silent", cue=0.4), "LLL"),
    ("no cue while the assistant talks", Knobs(), ticks(3, "silent", "continue", cue=0.9, talking=True), "CCC"),
    ("cue does not wait on patience", Knobs(patience=1.0), ticks(3) + ticks(2, "pausing", cue=0.9), "LLL" "IL"),
    ("cue comes before the take", Knobs(patience=0.0), ticks(3) + ticks(2, "end_of_turn", "take_turn", cue=0.9),
     "LLL" "IT"),
    # Backchannels
    ("no backchannel in a short turn", Knobs(backchannel_rate=1.0),
     ticks(13) + ticks(1, "pausing", "backchannel", 0.6), "L" * 14),
    ("backchannel once the turn has lasted 3 s", Knobs(backchannel_rate=1.0),
     ticks(14) + ticks(1, "pausing", "backchannel", 0.6), "L" * 14 + "B"),
    ("backchannel gap respected", Knobs(backchannel_rate=1.0),
     ticks(15) + ticks(1, "pausing", "backchannel", 0.6) + ticks(10) + ticks(1, "pausing", "backchannel", 0.6)
     + ticks(5) + ticks(1, "pausing", "backchannel", 0.6), "L" * 15 + "B" + "L" * 16 + "B"),
    ("backchannel needs p >= 0.4", Knobs(backchannel_rate=1.0),
     ticks(15) + ticks(1, "pausing", "backchannel", 0.35), "L" * 16),
    ("no backchannel at rate 0", Knobs(backchannel_rate=0.0),
     ticks(15) + ticks(1, "pausing", "backchannel", 0.6), "L" * 16),
    ("no backchannel while the assistant talks", Knobs(backchannel_rate=1.0),
     ticks(15) + ticks(1, "pausing", "backchannel", 0.6, talking=True), "L" * 15 + "C"),
]


@pytest.mark.parametrize(("knobs", "script", "expected"), [s[1:] for s in SEQUENCES], ids=[s[0] for s in SEQUENCES])
def test_scripted_sequence(knobs, script, expected):
    assert run(FloorPolicy(knobs), script) == expected


@pytest.mark.parametrize(("rate", "gap"), [(0.0, math.inf), (0.1, 12.0), (0.5, 8.0), (1.0, 3.0)])
def test_backchannel_rate_limit_over_a_long_turn(rate, gap):
    """60 s of speech with a backchannel opportunity every other tick (0.4 s); the user never yields the turn."""
    script = (ticks(1) + ticks(1, "pausing", "backchannel", 0.6)) * 150
    out = run(FloorPolicy(Knobs(backchannel_rate=rate)), script)
    assert "T" not in out
    n = out.count("B")
    if rate == 0.0:
        assert n == 0
        return
    turn_s, every_s, first_s = 60.0, 0.4, 3.0
    # At most one per gap after the first 3 s; at least one per (gap + wait for the next opportunity).
    upper = 1 + math.floor((turn_s - first_s) / gap)
    lower = 1 + math.floor((turn_s - first_s - every_s) / (gap + every_s))
    assert lower <= n <= upper, (n, lower, upper)
    times = [0.2 * (i + 1) for i, c in enumerate(out) if c == "B"]
    assert times[0] >= first_s - 1e-9
    assert all(b - a >= gap - 1e-9 for a, b in itertools.pairwise(times))


def test_higher_rate_never_gives_fewer_backchannels():
    script = (ticks(1) + ticks(1, "pausing", "backchannel", 0.6)) * 150
    counts = [run(FloorPolicy(Knobs(backchannel_rate=r)), script).count("B") for r in KNOB_SWEEP]
    assert counts == sorted(counts)
    assert counts[0] == 0 < counts[-1]


# --- holding the voice for a tick of doubt -----------------------------------------------------------

def run_held(policy: FloorPolicy, script: list[tuple[Probs, bool]]) -> str:
    """Like ``run``, with "H" for a CONTINUE that holds the voice."""
    out = []
    for pr, talking in script:
        code = CODE[policy.step(pr, talking)[0]]
        out.append("H" if policy.state.voice_held else code)
    return "".join(out)


def yielding(*ps: float, user: str = "speaking", talking: bool = True) -> list[tuple[Probs, bool]]:
    """One assistant-speaking tick per p(yield)."""
    return [(probs(user, "yield", p), talking) for p in ps]


HOLDS = [
    ("no doubt, no hold", yielding(0.05, 0.1, 0.05), "CCC"),
    ("a doubt holds one tick, then plays on", yielding(0.25, 0.25, 0.25, 0.05), "HCCC"),
    ("a hold followed by a yield", yielding(0.25, 0.6), "HY"),
    ("weak evidence holds on its first tick and yields on its second", yielding(0.4, 0.4), "HY"),
    ("a new stretch of doubt holds again", yielding(0.25, 0.1, 0.3, 0.1), "HCHC"),
    ("a strong tick yields without a hold", yielding(0.9), "Y"),
    ("background speech never holds and needs 0.8 to yield", yielding(0.3, 0.7, 0.85, user="other"), "CCY"),
    ("a backchannel-like onset holds (most interruptions start as one)", yielding(0.3, 0.85, user="backchannel"),
     "HY"),
    ("a silent assistant never holds", yielding(0.3, 0.3, talking=False), "LL"),
]


@pytest.mark.parametrize(("name", "script", "expected"), HOLDS, ids=[h[0] for h in HOLDS])
def test_voice_holds(name, script, expected):
    assert run_held(FloorPolicy(), script) == expected


def test_the_voice_is_not_held_after_a_yield_or_a_reset():
    policy = FloorPolicy()
    run(policy, yielding(0.25))
    assert policy.state.voice_held
    policy.reset()
    assert not policy.state.voice_held
    run(policy, yielding(0.25, 0.9))
    assert not policy.state.voice_held


@pytest.mark.parametrize("seed", range(5))
def test_holds_never_change_which_ticks_yield(seed, monkeypatch):
    script = random_script(seed, 300, talking=True)
    with_holds = run_held(FloorPolicy(), script)
    monkeypatch.setattr("app.interaction.floor_policy.HOLD_FRACTION", 10.0)  # no p reaches it: never holds
    without = run_held(FloorPolicy(), script)
    assert "H" in with_holds and "H" not in without
    assert with_holds.replace("H", "C") == without


# --- properties over random input ------------------------------------------------------------------

def random_script(seed: int, n: int, talking: bool) -> list[tuple[Probs, bool]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        user = rng.dirichlet(np.ones(6) * 0.5)
        action = rng.dirichlet(np.ones(6) * 0.5)
        out.append((Probs(tuple(user.tolist()), tuple(action.tolist()), float(rng.uniform(0, 0.4))), talking))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_yields_at_one_sensitivity_also_yield_at_every_higher_one(seed):
    script = random_script(seed, 300, talking=True)
    prev: set[int] | None = None
    for s in KNOB_SWEEP:
        out = run(FloorPolicy(Knobs(interruption_sensitivity=s)), script)
        yields = {i for i, c in enumerate(out) if c == "Y"}
        if prev is not None:
            assert prev <= yields, s
        prev = yields
    assert prev


@pytest.mark.parametrize("seed", range(5))
def test_more_patience_never_takes_the_turn_earlier(seed):
    script = ticks(3) + random_script(seed, 200, talking=False)
    firsts = []
    for pat in KNOB_SWEEP:
        out = run(FloorPolicy(Knobs(patience=pat)), script)
        firsts.append(out.find("T") if "T" in out else len(out))
    assert firsts == sorted(firsts)
    assert firsts[0] < len(script)


# --- reset and knob changes ------------------------------------------------------------------------

def test_reset_clears_everything_but_the_knobs():
    knobs = Knobs(patience=0.0, backchannel_rate=1.0, interruption_sensitivity=0.7)
    policy = FloorPolicy(knobs)
    history = (ticks(15) + ticks(1, "pausing", "backchannel", 0.6) + ticks(1, "speaking", "yield", 0.4, talking=True)
               + ticks(1, "silent", cue=0.9) + ticks(1, "end_of_turn", "take_turn") + ticks(4))
    assert run(policy, history) == "L" * 15 + "B" + "C" + "I" + "T" + "LLLL"
    assert policy.state != FloorState()
    policy.reset()
    assert policy.state == FloorState()
    assert policy.knobs == knobs
    probe = (ticks(1, "silent", cue=0.9) + ticks(1, "end_of_turn", "take_turn") + ticks(1, "speaking", "yield", 0.4,
             talking=True) + ticks(14) + ticks(1, "pausing", "backchannel", 0.6))
    assert run(policy, probe) == run(FloorPolicy(knobs), probe) == "I" "L" "C" + "L" * 14 + "B"


def test_changing_patience_applies_from_the_next_tick():
    policy = FloorPolicy(Knobs(patience=1.0))
    assert run(policy, ticks(3) + ticks(4, "end_of_turn", "take_turn", 0.6)) == "LLL" "LLLL"
    policy.knobs = Knobs(patience=0.0)
    assert run(policy, ticks(1, "end_of_turn", "take_turn", 0.6)) == "T"


def test_changing_sensitivity_applies_from_the_next_tick():
    policy = FloorPolicy(Knobs(interruption_sensitivity=0.0))
    assert run(policy, ticks(3, "speaking", "yield", 0.4, talking=True)) == "CCC"
    policy.knobs = Knobs(interruption_sensitivity=1.0)
    assert run(policy, ticks(1, "speaking", "yield", 0.4, talking=True)) == "Y"


def test_turning_backchannels_off_mid_turn_stops_them():
    policy = FloorPolicy(Knobs(backchannel_rate=1.0))
    opportunity = ticks(1) + ticks(1, "pausing", "backchannel", 0.6)
    assert run(policy, opportunity * 50).count("B") > 0
    policy.knobs = Knobs(backchannel_rate=0.0)
    assert run(policy, opportunity * 50).count("B") == 0


# --- holding the turn through a pause after unfinished words -------------------------------------

def run_words(policy: FloorPolicy, script: list[tuple[Probs, bool, bool]]) -> str:
    """Like ``run``, with whether the words so far sound unfinished on each tick."""
    return "".join(CODE[policy.step(pr, talking, unfinished)[0]] for pr, talking, unfinished in script)


def words(n: int, user: str, action: str, unfinished: bool) -> list[tuple[Probs, bool, bool]]:
    return [(probs(user, action), False, unfinished)] * n


def test_unfinished_words_hold_the_take_until_they_sound_finished():
    policy = FloorPolicy()
    script = words(10, "speaking", "listen", False) + words(3, "end_of_turn", "take_turn", True)
    assert run_words(policy, script) == "L" * 13
    assert policy.step(probs("end_of_turn", "take_turn"), False, True)[1] is UserState.PAUSING
    # a fresher transcript sounds finished: the held take goes ahead even though p(take) has faded (the
    # model's evidence is a moment's signal that fades at real ends of turn too)
    assert run_words(policy, words(1, "silent", "listen", False)) == "T"


def test_the_hold_ends_at_the_patience_limit():
    for patience in (0.0, 0.5, 1.0):
        policy = FloorPolicy(Knobs(patience=patience))
        out = run_words(policy, words(5, "speaking", "listen", False) + words(40, "silent", "take_turn", True))
        waited_s = (out.index("T") - 5) * 0.2  # listening ticks before the take
        knobs = Knobs(patience=patience)
        # the hold starts once the model is sure (take_ticks), but the silence counts from the user's last word
        assert waited_s == pytest.approx(hold_limit_s(knobs)), patience


def test_speaking_again_ends_the_hold_and_a_new_pause_starts_it_over():
    policy = FloorPolicy()
    script = (words(5, "speaking", "listen", False) + words(8, "pausing", "take_turn", True)
              + words(5, "speaking", "listen", False) + words(1, "end_of_turn", "take_turn", False))
    assert run_words(policy, script) == "L" * 18 + "T"
    assert policy.state.hold_s is None


def test_finished_words_take_the_turn_as_before():
    script = words(10, "speaking", "listen", False) + words(1, "end_of_turn", "take_turn", False)
    assert run_words(FloorPolicy(), script) == run(FloorPolicy(), [(pr, t) for pr, t, _ in script]) == "L" * 10 + "T"


def test_the_take_waits_briefly_for_the_last_words_then_goes_ahead():
    policy = FloorPolicy()
    speech = [(probs("speaking", "listen"), False, False, False)] * 5
    waiting = [(probs("end_of_turn", "take_turn"), False, False, True)] * 10
    out = "".join(CODE[policy.step(pr, t, u, w)[0]] for pr, t, u, w in speech + waiting)
    assert out == "L" * 5 + "L" + "T" + "L" * 8  # 0.2 s at the default patience, then the turn is taken
    policy.reset()
    arrived = [(probs("end_of_turn", "take_turn"), False, False, True),
               (probs("silent", "listen"), False, False, False)]
    out = "".join(CODE[policy.step(pr, t, u, w)[0]] for pr, t, u, w in speech + arrived)
    assert out == "L" * 5 + "L" + "T"  # the words came in and sound finished: take at once


def test_a_reopened_turn_is_held_for_the_rest_of_the_sentence_then_answered():
    policy = FloorPolicy()
    assert run_words(policy, words(5, "speaking", "listen", False) + words(1, "end_of_turn", "take_turn", False)) \
        == "L" * 5 + "T"
    policy.reopen()  # the take was taken back: its words ended mid-phrase
    out = run_words(policy, words(20, "silent", "listen", True))
    assert out.index("T") * 0.2 == pytest.approx(hold_limit_s(policy.knobs))
    policy.reopen()
    assert run_words(policy, words(2, "speaking", "listen", False) + words(1, "end_of_turn", "take_turn", False)) \
        == "LLT"  # the user went on; their new end of turn is taken as usual


# --- going on after a listener's "oh right" --------------------------------------------------------

def run_ack(policy: FloorPolicy, script: list[tuple[str, str, bool, bool, bool]]) -> str:
    """Ticks of (user state, action, assistant talking, words pending, words only acknowledge)."""
    return "".join(CODE[policy.step(probs(user, action), talking, False, pending, ack)[0]]
                   for user, action, talking, pending, ack in script)


# The assistant talks, yields to an onset it heard as a backchannel, and the user says "oh right".
CUT_IN = [("silent", "continue", True, False, False)] * 3 + [("backchannel", "yield", True, False, False),
                                                            ("speaking", "listen", False, False, False)]


@pytest.mark.parametrize(("name", "after", "expected"), [
    # the words are in and only acknowledge: the turn ends on the first quiet tick (the cut reply goes on)
    ("acknowledged", [("silent", "listen", False, False, True)] * 3, "T"),
    ("acknowledged, model says pausing", [("pausing", "listen", False, False, True)], "T"),
    # the words of the last tick are not transcribed yet: wait for them
    ("words pending", [("silent", "listen", False, True, True)] * 2 + [("silent", "listen", False, False, True)],
     "LLT"),
    # still making a sound the model hears as a backchannel: not over yet
    ("still sounding", [("backchannel", "listen", False, False, True), ("silent", "listen", False, False, True)],
     "LT"),
    # a request: the model's evidence decides as before (it gives none here, so the hold limit answers)
    ("a request", [("silent", "listen", False, False, False)] * 16, "L" * 15 + "T"),
])
def test_an_acknowledgement_after_a_yield_ends_the_turn_at_once(name, after, expected):
    policy = FloorPolicy()
    out = run_ack(policy, CUT_IN + after)
    assert out[:5] == "CCCYL", name
    assert out[5:5 + len(expected)] == expected, name


def test_an_acknowledgement_no_one_addressed_to_the_assistant_is_left_alone():
    policy = FloorPolicy()
    # heard only as someone else's speech while the floor is open: no user turn is open, so nothing to take
    assert run_ack(policy, [("other", "listen", False, False, True)] * 3
                   + [("silent", "listen", False, False, True)] * 3) == "L" * 6


def test_a_yield_collides_with_a_take_up_to_the_collision_window():
    from app.interaction.floor_policy import COLLISION_S, collided

    take = 5_000_000_000
    assert collided(take, take + int(COLLISION_S * 1e9))  # the fourth tick after the take
    assert not collided(take, take + int((COLLISION_S + 0.2) * 1e9))  # the next tick is past it
    assert not collided(None, take)  # no take yet


# --- a stop command heard over the assistant's voice ------------------------------------------------

def _yield_tick(user: str, p_yield: float) -> Probs:
    """The model sure of the user state (0.9) and of yielding only as far as ``p_yield``."""
    return Probs(user_state=_one_hot(tuple(UserState), user, 0.9), action=_one_hot(tuple(Action), "yield", p_yield),
                 cue_due=0.0)


QUIET = _yield_tick("backchannel", 0.3)  # a backchannel's tick the model does not yield on


def _talking_policy() -> FloorPolicy:
    policy = FloorPolicy()
    for _ in range(10):  # a reply well past the collision window
        policy.step(probs("silent", "continue", 0.9), True)
    return policy


@pytest.mark.parametrize(("user", "p_yield"), [("backchannel", 0.02), ("silent", 0.02), ("other", 0.5),
                                               ("backchannel", 0.7)])
def test_a_stop_command_over_the_voice_yields_whatever_the_model_heard(user, p_yield):
    tick = _yield_tick(user, p_yield)
    assert _talking_policy().step(tick, True)[0] is Action.CONTINUE  # the model alone talks on
    assert _talking_policy().step(tick, True, stop_asked=True)[0] is Action.YIELD


def test_a_stop_command_asks_nothing_of_a_silent_assistant():
    policy = FloorPolicy()
    assert policy.step(probs("silent", "listen", 0.9), False, stop_asked=True)[0] is Action.LISTEN


# --- an acknowledgement heard over the assistant's voice --------------------------------------------

def test_words_that_acknowledge_keep_the_floor_through_a_backchannel_the_model_doubts():
    sure = _yield_tick("backchannel", 0.86)  # the model's yield evidence on a listener's "alright" (test split)
    # On the sound's first tick no words of it can be in yet (any there are an older sound's): not read.
    assert _talking_policy().step(sure, True, acknowledged_over=True)[0] is Action.YIELD
    policy = _talking_policy()
    policy.step(QUIET, True)
    assert policy.step(sure, True, acknowledged_over=True)[0] is Action.CONTINUE  # "alright, alright"
    assert _policy_after(QUIET, sure, acknowledged_over=False) is Action.YIELD  # other words
    # a sure model is not overruled: the recognizer hears some interruptions' first words as "okay"
    assert _policy_after(QUIET, _yield_tick("backchannel", 0.93), acknowledged_over=True) is Action.YIELD


def _policy_after(first: Probs, second: Probs, **words: bool) -> Action:
    policy = _talking_policy()
    policy.step(first, True)
    return policy.step(second, True, **words)[0]


def test_an_acknowledgement_does_not_outlast_the_longest_backchannel():
    from app.interaction.floor_policy import BACKCHANNEL_LONGEST_S

    policy = _talking_policy()
    ticks_in = int(BACKCHANNEL_LONGEST_S / policy.tick_s)
    heard = [policy.step(QUIET, True, acknowledged_over=True)[0] for _ in range(ticks_in)]
    assert heard == [Action.CONTINUE] * ticks_in
    assert policy.step(QUIET, True, acknowledged_over=True)[0] is Action.YIELD


def test_acknowledging_words_do_not_veto_a_stop_or_speech_the_model_calls_the_users():
    policy = _talking_policy()
    policy.step(QUIET, True)
    sure = _yield_tick("backchannel", 0.9)
    assert policy.step(sure, True, stop_asked=True, acknowledged_over=True)[0] is Action.YIELD
    speech = _yield_tick("speaking", 0.9)
    assert _policy_after(QUIET, speech, acknowledged_over=True) is Action.YIELD


def test_a_tick_the_model_hears_as_silence_does_not_yield():
    # a listener's "cool" heard as "Go... Go...": as it ended the model still gave p(yield) 0.54 (dev split)
    silent = _yield_tick("silent", 0.54)
    policy = _talking_policy()
    policy.step(_yield_tick("backchannel", 0.7), True)
    assert policy.step(silent, True)[0] is Action.CONTINUE
    speech = _yield_tick("speaking", 0.54)
    assert policy.step(speech, True)[0] is Action.YIELD  # the user goes on: the next tick yields
    assert _policy_after(QUIET, silent, stop_asked=True) is Action.YIELD  # "stop", then quiet
