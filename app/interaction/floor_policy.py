"""The floor policy: turns the interaction model's per-tick probabilities into one floor action.

Every tick (200 ms) the model gives three outputs (see ``Probs``). This deterministic policy reads
them with the user's ``Knobs`` and remembers a little between ticks (``FloorState``). Rules, in order:

1. User state: the argmax of ``probs.user_state``; it is what gets reported. A tick whose state is
   ``speaking`` starts a user turn if none is open; ``user_turn_s`` counts the turn's length until the
   assistant takes the turn. Speech heard as someone else's (``other``) stays theirs while it goes
   on: while the assistant is silent, a ``speaking`` tick that continues ``other`` ticks, with no other
   state between, counts as ``other`` (TV speech that outlasts the assistant's reply sounds plainer
   once the reply stops, and the model's state flips to ``speaking``; answering it took over from
   nobody). A silence ends this, and so does a yield: what the assistant yielded to is the user's.
2. Cue or sight: ``cue_due >= 0.5`` or p(action=interject) >= 0.5 while the assistant is silent ->
   INTERJECT at once (a cue never waits on patience), but never twice within 1.0 s, so a cue that
   stays due for a few ticks fires once. (The action head also interjects for what the camera shows.)
3. Assistant speaking -> YIELD or CONTINUE. A short sound of the user's whose words, decoded on their
   own, are a stop command ("stop", "hold on"; ``stop_asked``) yields at once: the model takes a lone
   word over the assistant's voice for a backchannel, and yielded to only some. A user who makes any
   sound (a tick whose state is not silent, pausing or end of turn) within ``COLLISION_S`` (0.8 s,
   the opener word and the reply's first words) of the take was not done: the take collided with the
   rest of their turn, and the tick yields at once whatever p(yield) says. The model hears the
   assistant's fresh reply as holding the floor, and the rest of the user's sentence under it as a
   backchannel or someone else (p(yield) 0.01-0.47), so without this it talked over the rest of the
   turn. A backchannel is over within ``BACKCHANNEL_LONGEST_S`` (1 s): a sound the model goes on
   calling a backchannel for longer is the user talking, and the tick yields (on a real voice the
   model held "backchannel" through whole sentences said over the reply; the generated ones last
   at most 5 ticks). A sound that began as a backchannel is followed through what the model calls
   it next (someone else's speech, the user's), across a one-tick gap (``onset_s``); once it has
   gone on for longer than that second, weak evidence yields as it does for the user's own speech (below),
   counted from the sound's start: the model called the first ticks of "hang on, go back to
   Singapore" a backchannel and the rest someone else's speech at p(yield) 0.6-0.8, and the
   reply talked on over it for 4 s. A side remark the model is sure of (p(yield) near 0) is not
   yielded to. Otherwise the evidence is p(action=yield):
   - YIELD when it is >= ``yield_threshold`` on one tick, or >= ``yield_weak_threshold`` (0.7 of it)
     on 2 consecutive ticks;
   - when the user state is ``backchannel`` or ``other`` (a "mm-hm", background speech, someone else
     in the room) the tick only yields if p(yield) >= 0.8 (or the knob's threshold, if higher), and it
     breaks a run of weak evidence;
   - a tick the model hears as silence (state ``silent``) does not yield on its evidence: the user makes
     no sound to yield to (as a listener's "cool" ended, p(yield) was still 0.54); if they go on, the
     next tick yields;
   - from the second tick of a sound the model calls a backchannel, its words decoded on their own
     (``acknowledged_over``: "alright", "of course") can confirm it: then the tick does not yield on
     evidence the model is not sure of (p(yield) < ``SURE_YIELD_P``, 0.9; a listener's "alright" held
     it at 0.86 on its third tick). The first tick has no words of its own yet; the recognizer hears
     some interruptions' first words as "okay" ("hold on, what about..." at p(yield) 0.93), so a sure
     model is not overruled; and a sound longer than ``BACKCHANNEL_LONGEST_S`` still yields;
   - otherwise CONTINUE. Both thresholds fall as ``interruption_sensitivity`` rises, so any sequence
     that yields at one sensitivity yields at every higher one.
   - A CONTINUE with p(yield) >= ``hold_threshold`` (0.4 of the yield threshold) also holds the voice
     (``voice_held``: the playback falls silent at its place) for one tick, the way a speaker falters
     when someone starts to talk: if the next tick yields, the voice already stopped a tick earlier; if
     not, it plays on from where it fell silent, 0.2 s later (a falter; next to a pause in the reply the
     gap can be long enough to read as a stop). One hold per stretch of doubt: the next needs p(yield)
     to fall below the hold threshold first. Holds never change which ticks yield. Speech heard as
     someone else's (``other``) never holds the voice: the assistant talks on through a TV or a side
     conversation without faltering. A ``backchannel``-like onset does, as most interruptions start as one.
4. Assistant silent -> TAKE_TURN when p(action=take_turn) >= ``take_threshold`` on ``take_ticks``
   consecutive ticks in which the user is not speaking, and a user turn is open. Taking closes the
   turn, so there is no second take until the user speaks again (and none before they first speak).
   When the words so far sound unfinished (``unfinished``: the newest transcript ends on "with",
   "and", "um", a comma...), the take is held instead: the tick reports ``pausing`` and LISTENs, and
   the turn is taken as soon as the words sound finished or the hold reaches ``hold_limit_s``.
   While the transcript has not yet heard the user's last words (``words_pending``), the take waits
   for them, at most ``words_wait_s``. The user speaking again ends the hold.
   The model's take evidence is a moment's signal: it fades within a few ticks even at a real end of
   turn, so a held take does not wait for it to come back, and it can fade before any take at all
   (after its own "mm-hm" in a pause the model expects the user to go on). So, whatever the model
   says, a user who spoke to the assistant (with the floor open, or by interrupting it) and then
   stays silent for longer than ``hold_limit_s`` gets an answer: the turn is taken.
   Words that only acknowledge (``acknowledged``: "oh right", "mm-hm", all of them transcribed) end
   the turn on its first quiet tick (silent, pausing or end of turn), whatever the model says:
   after yielding to a listener's "oh right" the model expects more and gives no take evidence,
   and the cut reply would otherwise wait out the whole hold limit in silence before it goes on.
   The evidence is the action head alone: it is trained on the decision itself and already sees
   what the state head sees; adding p(end_of_turn) would count the same evidence twice and put the
   sum on a 0..2 scale the thresholds do not mean.
5. Assistant silent -> BACKCHANNEL when p(action=backchannel) >= 0.4, the open user turn has lasted
   >= 3 s, and at least ``backchannel_gap_s`` have passed since the last backchannel.
6. Otherwise LISTEN.

Knob -> threshold (piecewise linear through the listed points; see the functions below):
patience 0 / 0.5 / 0.75 / 1 -> take_threshold 0.35 / 0.5 / 0.6 / 0.7 and take_ticks 1 / 1 / 2 / 3;
interruption_sensitivity 0 / 0.5 / 1 -> yield_threshold 0.8 / 0.5 / 0.3;
backchannel_rate 0 / 0.1 / 0.5 / 1 -> backchannel_gap_s never / 12 / 8 / 3 s;
patience 0 / 0.5 / 1 -> hold_limit_s 1 / 3 / 5 s and words_wait_s 0 / 0.2 / 0.6 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from app.core.clock import NS_PER_S
from app.core.frames import Action, UserState

CUE_P = 0.5  # cue_due at or above this interjects
CUE_REFRACTORY_S = 1.0  # no second interjection within this long
WEAK_YIELD_FRACTION = 0.7  # weak yield evidence is this fraction of the yield threshold ...
WEAK_YIELD_TICKS = 2  # ... and must hold for this many consecutive ticks
HARD_YIELD_P = 0.8  # other/background speech yields only at or above this
SURE_YIELD_P = 0.9  # ... and at or above this the model is sure: words that acknowledge do not overrule it
COLLISION_S = 0.8  # user sound this soon after a take (opener, first words) yields at once: they were not done
BACKCHANNEL_LONGEST_S = 1.0  # a "backchannel" over the assistant's voice that lasts longer is the user talking
ONSET_GAP_TICKS = 1  # quiet ticks a sound that began as a backchannel may hold and still go on
HOLD_FRACTION = 0.4  # p(yield) at this fraction of the yield threshold holds the voice for a tick
BACKCHANNEL_P = 0.4  # p(action=backchannel) needed to backchannel
BACKCHANNEL_MIN_TURN_S = 3.0  # the user turn must have lasted this long first
_EPS = 1e-9  # float slack for times summed from ticks

_USER_STATES = tuple(UserState)
_QUIET = (UserState.SILENT, UserState.PAUSING, UserState.END_OF_TURN)  # the user is not making a sound
_ACTIONS = tuple(Action)


def collided(take_ns: int | None, yield_ns: int) -> bool:
    """Whether a yield at ``yield_ns`` came within ``COLLISION_S`` of the take at ``take_ns`` (tick times,
    1 ms slack): rule 3's collision, which the conversation and the evaluation also act on.
    """
    return take_ns is not None and yield_ns - take_ns <= COLLISION_S * NS_PER_S + 1e6


def _check_unit(name: str, x: float) -> None:
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {x}")


def _lerp3(x: float, at0: float, at_half: float, at1: float) -> float:
    """Piecewise-linear value through (0, at0), (0.5, at_half), (1, at1)."""
    if x <= 0.5:
        return at0 + (at_half - at0) * (x / 0.5)
    return at_half + (at1 - at_half) * ((x - 0.5) / 0.5)


@dataclass(frozen=True)
class Knobs:
    """User-facing interaction settings, each in [0, 1]."""

    patience: float = 0.5  # higher waits longer before taking the turn
    backchannel_rate: float = 0.5  # 0 never backchannels; higher allows them more often
    interruption_sensitivity: float = 0.5  # higher yields sooner to user speech while the assistant talks

    def __post_init__(self) -> None:
        for f in fields(self):
            _check_unit(f.name, getattr(self, f.name))


DEFAULT_KNOBS = Knobs()


@dataclass(frozen=True)
class Probs:
    """One tick of model output."""

    user_state: tuple[float, ...]  # 6 probabilities in UserState order
    action: tuple[float, ...]  # 6 probabilities in Action order
    cue_due: float  # probability that a requested time/cue is due now

    def __post_init__(self) -> None:
        if len(self.user_state) != len(_USER_STATES):
            raise ValueError(f"user_state needs {len(_USER_STATES)} probabilities, got {len(self.user_state)}")
        if len(self.action) != len(_ACTIONS):
            raise ValueError(f"action needs {len(_ACTIONS)} probabilities, got {len(self.action)}")

    def p(self, action: Action) -> float:
        """The probability of one action."""
        return self.action[_ACTIONS.index(action)]

    def state(self) -> UserState:
        """The most likely user state (the first on ties)."""
        return _USER_STATES[max(range(len(_USER_STATES)), key=self.user_state.__getitem__)]


def take_threshold(knobs: Knobs) -> float:
    """p(take_turn) needed to count a tick toward taking the turn: 0.35 / 0.5 / 0.7 at patience 0 / 0.5 / 1."""
    return _lerp3(knobs.patience, 0.35, 0.5, 0.7)


def take_ticks(knobs: Knobs) -> int:
    """Consecutive qualifying ticks needed to take the turn: 1 up to patience 0.5 (the model already
    waits for the end of the turn; a second tick would add 200 ms to every reply), then 2 at 0.75, 3 at 1.
    """
    return 1 + math.floor(max(0.0, 4 * knobs.patience - 2) + _EPS)


def hold_limit_s(knobs: Knobs) -> float:
    """Longest wait through a pause after words that sound unfinished: 1 / 3 / 5 s at patience 0 / 0.5 / 1."""
    return _lerp3(knobs.patience, 1.0, 3.0, 5.0)


def words_wait_s(knobs: Knobs) -> float:
    """Longest wait for the transcript of the user's last words: 0 / 0.2 / 0.6 s at patience 0 / 0.5 / 1.

    On two CPU cores a partial transcript takes about 0.3 s, so at the default the take waits one tick
    for it (measured: smooth-turn latency 0.32 s, pause takeovers 0.40 instead of 0.56).
    """
    return _lerp3(knobs.patience, 0.0, 0.2, 0.6)


def yield_threshold(knobs: Knobs) -> float:
    """p(yield) that yields on a single tick: 0.8 / 0.5 / 0.3 at sensitivity 0 / 0.5 / 1."""
    return _lerp3(knobs.interruption_sensitivity, 0.8, 0.5, 0.3)


def yield_weak_threshold(knobs: Knobs) -> float:
    """p(yield) that yields when held for ``WEAK_YIELD_TICKS`` consecutive ticks (0.35 at sensitivity 0.5)."""
    return WEAK_YIELD_FRACTION * yield_threshold(knobs)


def hold_threshold(knobs: Knobs) -> float:
    """p(yield) that holds the voice for one tick (0.2 at sensitivity 0.5)."""
    return HOLD_FRACTION * yield_threshold(knobs)


def backchannel_gap_s(knobs: Knobs) -> float:
    """Minimum seconds between backchannels: 12 s at rate 0.1 down to 3 s at 1.0; never at rate 0."""
    if knobs.backchannel_rate <= 0.0:
        return math.inf
    return 13.0 - 10.0 * knobs.backchannel_rate


@dataclass
class FloorState:
    """What the policy remembers between ticks."""

    t_s: float = 0.0  # time since the start (or the last reset)
    in_user_turn: bool = False  # the user has spoken since the assistant last took the turn
    user_turn_s: float = 0.0  # how long the open user turn has lasted
    since_backchannel_s: float = math.inf
    since_interject_s: float = math.inf
    since_take_s: float = math.inf
    yield_evidence: int = 0  # consecutive assistant-speaking ticks with weak yield evidence
    eot_ticks: int = 0  # consecutive assistant-silent ticks with take evidence
    hold_s: float | None = None  # how long a take has been held for unfinished words (None: not holding)
    addressed: bool = False  # the open user turn was spoken to the assistant (floor open, or it yielded)
    silent_s: float = 0.0  # how long the user has been silent in the open turn
    voice_held: bool = False  # the assistant's voice is held silent at its place this tick
    hold_spent: bool = False  # this stretch of doubt already had its hold
    overheard: bool = False  # the speech now heard began as someone else's (state other) and goes on
    heard_backchannel_s: float = 0.0  # how long the model has called the user's sound a backchannel, without a break
    onset_s: float = 0.0  # how long a sound that began as a backchannel over the assistant's voice has gone on
    onset_gap: int = 0  # quiet ticks in that sound so far (one is a gap between words; two end it)
    onset_evidence: int = 0  # consecutive ticks of that sound with weak yield evidence
    last_action: Action = Action.LISTEN

    def reset(self) -> None:
        """Forget the conversation so far."""
        for f in fields(self):
            setattr(self, f.name, f.default)


class FloorPolicy:
    """Model probabilities + knobs -> the floor action for each tick."""

    def __init__(self, knobs: Knobs = DEFAULT_KNOBS, tick_s: float = 0.2) -> None:
        self.knobs = knobs  # may be replaced at any time; applies from the next tick
        self.tick_s = tick_s
        self.state = FloorState()

    def reset(self) -> None:
        """Start a new conversation."""
        self.state.reset()

    def reopen(self) -> None:
        """A take was taken back (its words ended mid-phrase): the user's turn is open again, held."""
        self.state.in_user_turn = self.state.addressed = True
        self.state.hold_s = 0.0
        self.state.eot_ticks = 0

    def step(self, probs: Probs, assistant_speaking: bool, unfinished: bool = False,
             words_pending: bool = False, acknowledged: bool = False,
             stop_asked: bool = False, acknowledged_over: bool = False) -> tuple[Action, UserState]:
        """Decide the floor action for this tick; returns (action, reported user state).

        ``unfinished``: the user's words so far stop mid-phrase (see ``app.interaction.turn_text``);
        ``words_pending``: the transcript has not heard the user's last words yet;
        ``acknowledged``: the words so far only acknowledge ("oh right");
        ``stop_asked``: a short sound the user made over the assistant's voice was a stop command;
        ``acknowledged_over``: the words of the sound the user is making over the assistant's voice, decoded
        so far, only acknowledge ("alright", "of course").
        """
        action, user = self._decide(probs, assistant_speaking, unfinished, words_pending, acknowledged, stop_asked,
                                    acknowledged_over)
        st = self.state
        if action is Action.INTERJECT:
            st.since_interject_s = 0.0
        elif action is Action.BACKCHANNEL:
            st.since_backchannel_s = 0.0
        elif action is Action.YIELD:
            st.addressed = True
            st.overheard = False
        elif action is Action.TAKE_TURN:
            st.in_user_turn = st.addressed = False
            st.user_turn_s = st.silent_s = st.since_take_s = 0.0
            st.eot_ticks = 0
            st.hold_s = None
        st.last_action = action
        return action, user

    def _follow_onset(self, assistant_speaking: bool, user: UserState, weak: bool) -> None:
        """Follow a sound that began as a backchannel over the assistant's voice (rule 3)."""
        st = self.state
        sounding = user is UserState.BACKCHANNEL or (st.onset_s > 0.0 and user not in _QUIET)
        if assistant_speaking and sounding:
            st.onset_s += self.tick_s
            st.onset_gap = 0
            st.onset_evidence = st.onset_evidence + 1 if weak else 0
        elif assistant_speaking and st.onset_s > 0.0 and st.onset_gap < ONSET_GAP_TICKS:
            st.onset_gap += 1
            st.onset_evidence = 0
        else:
            st.onset_s, st.onset_gap, st.onset_evidence = 0.0, 0, 0

    def _decide(self, probs: Probs, assistant_speaking: bool, unfinished: bool,
                words_pending: bool, acknowledged: bool, stop_asked: bool,
                acknowledged_over: bool) -> tuple[Action, UserState]:
        """Advance the clocks and evidence counters, then apply the rules in order."""
        st, k, dt = self.state, self.knobs, self.tick_s
        user = probs.state()
        if user is UserState.OTHER:
            st.overheard = True
        elif user is not UserState.SPEAKING:
            st.overheard = False
        if st.overheard and user is UserState.SPEAKING and not assistant_speaking:
            user = UserState.OTHER  # the same voice, heard plainer once the assistant fell silent
        st.t_s += dt
        st.since_backchannel_s += dt
        st.since_interject_s += dt
        st.since_take_s += dt
        if user is UserState.SPEAKING:
            st.in_user_turn = True
            st.addressed = st.addressed or not assistant_speaking
            st.hold_s = None
            st.silent_s = 0.0
        elif st.in_user_turn:
            st.silent_s += dt
        if st.in_user_turn:
            st.user_turn_s += dt
        hears_backchannel = assistant_speaking and user is UserState.BACKCHANNEL
        st.heard_backchannel_s = st.heard_backchannel_s + dt if hears_backchannel else 0.0
        p_yield = probs.p(Action.YIELD)
        self._follow_onset(assistant_speaking, user, p_yield >= yield_weak_threshold(k))
        listener_noise = user in (UserState.BACKCHANNEL, UserState.OTHER)
        weak = assistant_speaking and not listener_noise and p_yield >= yield_weak_threshold(k)
        st.yield_evidence = st.yield_evidence + 1 if weak else 0
        floor_open = not assistant_speaking and user is not UserState.SPEAKING
        take = floor_open and probs.p(Action.TAKE_TURN) >= take_threshold(k)
        st.eot_ticks = st.eot_ticks + 1 if take else 0

        was_held, st.voice_held = st.voice_held, False
        if not assistant_speaking or p_yield < hold_threshold(k):
            st.hold_spent = False
        if assistant_speaking:
            if stop_asked:
                return Action.YIELD, user  # "stop", whatever the model made of its sound
            if user not in _QUIET and st.since_take_s <= COLLISION_S + _EPS:
                return Action.YIELD, user
            if st.heard_backchannel_s > BACKCHANNEL_LONGEST_S + _EPS:
                return Action.YIELD, user  # no "mm-hm" lasts this long
            if user is UserState.SILENT:
                yields = False  # the user makes no sound: nothing to yield to
            elif (hears_backchannel and acknowledged_over and st.heard_backchannel_s > dt + _EPS
                    and p_yield < SURE_YIELD_P):
                yields = False  # its words say what the model guessed: an "mm-hm", not a turn
            elif listener_noise:
                yields = p_yield >= max(HARD_YIELD_P, yield_threshold(k)) or (
                    st.onset_s > BACKCHANNEL_LONGEST_S + _EPS and st.onset_evidence >= WEAK_YIELD_TICKS)
            else:
                yields = p_yield >= yield_threshold(k) or st.yield_evidence >= WEAK_YIELD_TICKS
            if yields:
                return Action.YIELD, user
            if was_held:  # the hold had its tick; if the doubt goes on, it does not hold again
                st.hold_spent = p_yield >= hold_threshold(k)
            elif not st.hold_spent and user is not UserState.OTHER and p_yield >= hold_threshold(k):
                st.voice_held = True
            return Action.CONTINUE, user
        due = probs.cue_due >= CUE_P or probs.p(Action.INTERJECT) >= CUE_P
        if due and st.since_interject_s + _EPS >= CUE_REFRACTORY_S:
            return Action.INTERJECT, user
        if st.in_user_turn and floor_open:
            if st.addressed and st.silent_s + _EPS >= hold_limit_s(k) + dt:
                return Action.TAKE_TURN, user  # silent as long as the assistant ever waits: answer
            if (st.addressed and acknowledged and not words_pending and user in _QUIET
                    and st.silent_s + _EPS >= dt):
                return Action.TAKE_TURN, user  # "oh right" and silence: nothing more is coming
            if st.eot_ticks >= take_ticks(k) or st.hold_s is not None:
                held = (0.0 if st.hold_s is None else st.hold_s) + dt
                if (unfinished and held <= hold_limit_s(k) + _EPS) or (
                        words_pending and held <= words_wait_s(k) + _EPS):
                    st.hold_s = held
                    return Action.LISTEN, UserState.PAUSING
                return Action.TAKE_TURN, user
        if (
            k.backchannel_rate > 0.0
            and probs.p(Action.BACKCHANNEL) >= BACKCHANNEL_P
            and st.user_turn_s + _EPS >= BACKCHANNEL_MIN_TURN_S
            and st.since_backchannel_s + _EPS >= backchannel_gap_s(k)
        ):
            return Action.BACKCHANNEL, user
        return Action.LISTEN, user
