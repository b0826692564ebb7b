"""Requested times ("tell me when ten seconds have passed"): the clock the interaction model reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.core.clock import NS_PER_S
from app.reasoning.intents import parse_duration
from app.speech.asr import SecondLook

OVERDUE_S = 0.4
"""A cue the model has not spoken this long after its time is spoken anyway: a request is never lost."""
MIN_CUE_S = 2.0
"""The shortest time a request can ask for: the acknowledgement alone takes about a second, so "a second"
in a request is an idiom ("in a sec") or a mishearing ("say now when a second" for "when eight seconds")."""


CUE_WORDS = ("tell me", "let me know", "say", "remind", "nudge", "ping", "alert", "warn", "call out", "shout", "count",
             "time's up", "times up", "time is up")
ACKNOWLEDGE = "I will tell you."
"""Said after the opener ("Okay.") when a timed request is on the clock."""
_UNIT = r"(?=(?:seconds?|minutes?)\b)"
SOUNDALIKES = (
    (re.compile(rf"\bfor\s+{_UNIT}"), "four "),
    (re.compile(rf"\b(?:to|too)\s+{_UNIT}"), "two "),
    (re.compile(rf"\bate\s+{_UNIT}"), "eight "),
    (re.compile(r"\bwin\b"), "when"),
)
"""Words the recognizer writes for the ones said, on voices it knows poorly: right before a unit, "for",
"to" and "ate" can only be the numbers ("can't for seconds, and then tell me" is "count four seconds"),
and "win" is "when" ("say now win 14 seconds are done")."""
_NUMBER_WORDS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def _as_said(text: str) -> str:
    """``text`` in lower case with the recognizer's soundalikes read as what was said."""
    low = text.lower()
    for pattern, said in SOUNDALIKES:
        low = pattern.sub(said, low)
    return low


BARE_REQUEST_WORDS = 5
"""A turn of at most this many words that names a duration is a timed request, unless ``_NOT_A_REQUEST`` vetoes it."""
_WORDS = re.compile(r"[\w'-]+")
_NOT_A_REQUEST = re.compile(
    r"\b(?:timers?|alarms?"  # the timer intent's
    r"|what|what's|how|why|who|which|where|convert|plus|minus|divided"  # a question about the duration
    r"|was|were|took|waited|had|did|lasted|ago|spent"  # a time that has passed
    r"|about|around|roughly|maybe|almost|nearly|like)\b")  # an estimate
"""Words that make a short turn naming a duration something other than a request to be told."""


def _bare_request(low: str) -> bool:
    """A turn short enough that a duration in it can only be what it asks for.

    On voices the recognizer knows poorly the request's verb is the word it loses first and the number the
    one it keeps ("bring me 11 seconds" for "ping me in eleven seconds", "think be 11 seconds"). A turn that
    short has room for little else, and a user who says a bare duration to the assistant wants to hear it
    pass (unless ``_NOT_A_REQUEST`` says otherwise: "I waited ten seconds", "what's ten seconds in ms").
    """
    return len(_WORDS.findall(low)) <= BARE_REQUEST_WORDS


def cue_seconds(text: str) -> float | None:
    """Seconds the user asked to be told about ("tell me when ten seconds have passed"), else None."""
    low = _as_said(text)
    asks = any(re.search(rf"\b{w}\b", low) for w in CUE_WORDS)
    # Recognition often garbles the verb ("let me go after 11 seconds", "10 seconds and then they'll meet");
    # "after/in/when ... seconds", "seconds later/from now" and "seconds and then ..." still ask, and so
    # does a turn too short to be about anything else (``_bare_request``), unless it asks about the
    # duration, tells of the past or estimates ("what happens after ten seconds", "we leave in about an hour").
    timed = re.search(r"\b(after|in|when|once)\b.*\b(seconds?|minutes?)\b"
                      r"|\b(seconds?|minutes?)\b,? (later|from now|and then)\b", low) is not None
    if not (asks or ((timed or _bare_request(low)) and _NOT_A_REQUEST.search(low) is None)):
        return None
    seconds = parse_duration(low)
    return seconds if seconds is not None and MIN_CUE_S <= seconds <= 3600 else None


CUE_PROMPT = "Tell me when ten seconds have passed. Wait five seconds and then say go. After twelve seconds, say stop."
"""What a second look at a half-heard timed request primes the recognizer with: timed requests as users say them."""
_NAMES_A_TIME = re.compile(r"\b(?:seconds?|minutes?|time'?s up|times up|time is up)\b")


def half_heard_cue(text: str) -> bool:
    """The words speak of a time ("come time seconds and then tell me") but name no duration a request
    could ask for ("say now when a second, I've done" for "... when eight seconds are done").
    """
    low = _as_said(text)
    seconds = parse_duration(low)
    return _NAMES_A_TIME.search(low) is not None and (seconds is None or seconds < MIN_CUE_S)


CUE_SECOND_LOOK = SecondLook(CUE_PROMPT, half_heard_cue, lambda text: cue_seconds(text) is not None)
"""The recognizer's second look at a final transcript that speaks of a time but names none (a decode of about
0.2 s, and only then). What it hears is kept only if it names a duration, so a turn about something else is
never turned into a timed request; the prompt's numbers can still win over a number heard poorly."""


def cue_phrase(seconds: float) -> str:
    """What to say when the requested time has come."""
    word = _NUMBER_WORDS.get(int(seconds))
    return f"That's {word} seconds." if word and seconds == int(seconds) else "Time is up."


@dataclass(frozen=True)
class Cue:
    """One requested moment and what to say then."""

    due_ns: int
    say: str


@dataclass
class CueClock:
    """Pending cues, soonest first; one state object with ``reset()``."""

    pending: list[Cue] = field(default_factory=list)

    def reset(self) -> None:
        """Drop every pending cue."""
        self.pending.clear()

    def add(self, due_ns: int, say: str) -> None:
        """Ask for ``say`` at ``due_ns``."""
        self.pending.append(Cue(due_ns, say))
        self.pending.sort(key=lambda c: c.due_ns)

    def request(self, text: str, spoken_end_ns: int) -> float | None:
        """Put a timed request ("tell me when ten seconds have passed", said until ``spoken_end_ns``) on
        the clock; returns its seconds, or None when ``text`` asks for no time.
        """
        seconds = cue_seconds(text)
        if seconds is not None:
            self.add(spoken_end_ns + int(seconds * NS_PER_S), cue_phrase(seconds))
        return seconds

    def time_to_next(self, t_ns: int) -> float | None:
        """Seconds until the next cue (negative once due), or None."""
        return (self.pending[0].due_ns - t_ns) / NS_PER_S if self.pending else None

    def take(self, t_ns: int, window_s: float = 0.5) -> Cue | None:
        """Remove and return the cue due within ``window_s`` of ``t_ns``, if any."""
        if self.pending and abs(self.pending[0].due_ns - t_ns) <= window_s * NS_PER_S:
            return self.pending.pop(0)
        return None

    def overdue(self, t_ns: int) -> Cue | None:
        """Remove and return a cue more than ``OVERDUE_S`` late."""
        if self.pending and t_ns - self.pending[0].due_ns > OVERDUE_S * NS_PER_S:
            return self.pending.pop(0)
        return None
