"""Deterministic intent layer run before any LLM: timers, alarms, the time, stop/retract, arithmetic, notes.

The embedded model is too small to be trusted with these, and a small grammar is faster anyway.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Literal

from app.reasoning.backend import ToolCall

IntentKind = Literal["tool", "retract", "stop_speech"]

_UNITS = {"zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_UNIT_S = {"second": 1, "sec": 1, "s": 1, "minute": 60, "min": 60, "m": 60, "hour": 3600, "hr": 3600, "h": 3600}
_UNIT_WORDS = r"seconds?|secs?|minutes?|mins?|hours?|hrs?"
_NUM = rf"(?:\d+(?:\.\d+)?|[a-z]+(?:[ -](?!(?:{_UNIT_WORDS})\b)[a-z]+)?)"
"""A number in digits or in one or two words ("five", "twenty five"); a unit is never its second word,
or "five seconds" alone would read as the number "five second" followed by "s"."""


@dataclass(frozen=True)
class Intent:
    """A recognised request: a tool call to make, a retraction, or stop-speaking."""

    kind: IntentKind
    tool_call: ToolCall | None = None
    confirmation: str = ""


def words_to_number(text: str) -> float | None:
    """'3', 'three', 'twenty five', 'a', 'half' -> number; None if not a number."""
    t = text.strip().lower().replace("-", " ")
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        pass
    if t in ("half", "a half"):
        return 0.5
    total = 0
    for w in t.split():
        if w in _UNITS:
            total += _UNITS[w]
        elif w in _TENS:
            total += _TENS[w]
        elif w == "hundred" and total:
            total *= 100
        else:
            return None
    return float(total)


_HOLD_ON = re.compile(
    r"\b(?:wait|hang on|hold on|hold up|just|give me|gimme)\s+(?:just\s+)?(?:a|one)\s+"
    r"(?:sec|second|minute|min|moment)\b"
    r"|^\W*(?:one|a|just a)\s+(?:sec|second|minute|moment)\b(?=\s*[,.!?;:]|$)")
"""'Wait a second', 'hang on a minute', 'give me a minute', 'one second,': asking the listener to hold on,
not naming a time."""
_THEN = re.compile(r"^\s*,?\s*(?:and\s+)?then\b")
_JOIN = re.compile(r"^\s*,?\s*(?:and\s+)?$")
"""What may stand between the parts of one duration ('1 hour and 5 minutes', '1h 5m'), each part in a smaller
unit than the one before ('ten seconds, twenty seconds' is a correction, not thirty seconds)."""
_DURATION = re.compile(rf"\b(?:(\d+(?:\.\d+)?)\s*({_UNIT_WORDS}|[smh])|({_NUM}|half)\s+({_UNIT_WORDS}))\b")
"""A number and its unit. A unit letter ('5s', '1h 5m') follows digits only, and a number in words stands
apart from its unit: otherwise 'I am home' read as a minute ('a' + 'm'), 'ah' as an hour and 'the tens' as
ten seconds."""


_WHEN_AFTER = re.compile(rf",?\s+(?:in|after)\s+(?:about\s+)?(?:half an hour|{_DURATION.pattern}).*$")
"""The time at the end of a reminder ('to call mum in 5 minutes'): when to remind, not what of."""


_AND_A_HALF = re.compile(rf"\b(\d+|[a-z]+) and a half(?=\s+(?:{_UNIT_WORDS})\b)")
"""'One and a half minutes': the half belongs to the number before it, not to the unit."""


def _add_a_half(m: re.Match[str]) -> str:
    num = words_to_number(m.group(1))
    return m.group(0) if num is None else f"{num + 0.5:g}"


def _holding_on(t: str) -> list[tuple[int, int]]:
    """Spans of hold-on idioms, except where a timed step follows ('wait a minute and then say go')."""
    return [m.span() for m in _HOLD_ON.finditer(t) if not _THEN.match(t[m.end():])]


def parse_duration(text: str) -> float | None:
    """Find a duration like '3 seconds', 'two minutes and 30 seconds', 'half an hour', '1h 5m' in text.

    Only adjacent parts in falling units add up; when the text names separate durations, the last one
    counts, as people correct themselves ('in ten seconds, no wait, twenty seconds'). 'Wait a second'
    and 'hang on a minute' ask the listener to hold on and name no time ('wait a second, set a timer
    for five minutes').
    """
    t = _AND_A_HALF.sub(_add_a_half, text.lower())
    if re.search(r"\bhalf an hour\b", t):
        return 1800.0
    idioms = _holding_on(t)
    groups: list[float] = []
    last_end, last_unit_s = 0, 0.0
    for m in _DURATION.finditer(t):
        if any(a <= m.start() < b for a, b in idioms):
            continue
        said, unit_said = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        num = words_to_number(said)
        if num is None:
            # "for a few minutes" etc.: try the last word only ("timer for five minutes" -> "five")
            num = words_to_number(said.split()[-1])
        if num is None:
            continue
        unit = unit_said.rstrip("s") if unit_said not in ("s", "secs") else "s"
        unit = {"sec": "sec", "secs": "sec"}.get(unit_said, unit)
        unit_s = float(_UNIT_S.get(unit, _UNIT_S.get(unit[:3], 1)))
        if groups and unit_s < last_unit_s and _JOIN.match(t[last_end:m.start()]):
            groups[-1] += num * unit_s
        else:
            groups.append(num * unit_s)
        last_end, last_unit_s = m.end(), unit_s
        if half := re.match(r"\s+and a half\b", t[m.end():]):  # "two minutes and a half"
            groups[-1] += 0.5 * unit_s
            last_end = m.end() + half.end()
    return groups[-1] if groups and groups[-1] > 0 else None


def _call(name: str, args: dict[str, object]) -> ToolCall:
    return ToolCall(f"call_{uuid.uuid4().hex[:8]}", name, dict(args))


_RETRACT = re.compile(r"^(?:oh,? )?(?:never ?mind|nevermind|forget (?:it|that|about it)|stop that|cancel that|"
                      r"scratch that|don'?t bother|no,? (?:don'?t|stop)|stop doing that)\b")
_STOP = re.compile(r"^(?:stop|quiet|shh+|be quiet|hush|wait|hold on|pause)(?: talking| please)?[.!]*$")
_TIME = re.compile(r"\b(?:what(?:'s| is) the time|what time is it|tell me the time|current time|"
                   r"what(?:'s| is) the date|what day is (?:it|today)|what(?:'s| is) today'?s date)\b")
_TIME_ENDS = re.compile(r"^(?:\s*\W*\s*(?:now|right|please|today|here|currently|exactly|again|then|for me))*\W*$")
"""What may follow a question for the time and leave it one: 'what time is it now, please?'. Anything else makes
it another question that the clock alone cannot answer ('what time is it in Tokyo', 'what is the time difference
between London and Paris')."""
_NOTE = re.compile(r"^(?:please )?(?:note that|make a note(?: that)?|take a note(?: that)?|remember that|"
                   r"write down(?: that)?|note down(?: that)?)[:,]?\s+(.+)$")
_ALARM = re.compile(r"\b(?:alarm|wake me(?: up)?)\b.*?\b(?:for|at)\s+(\d{1,2})\b(?:[:.\s](\d{2})\b)?"
                    rf"\s*(a\.?m\.?|p\.?m\.?)?(?!\s*(?:{_UNIT_WORDS})\b)")
"""A clock time ('7:30 pm', '7.30', '7 30'); 'an alarm for 10 minutes' is a duration, and sets a timer."""
_CANCEL_TIMER = re.compile(r"\b(?:cancel|stop|delete|clear)\b.*\b(?:timers?|alarms?|reminders?)\b")
_ARITH_WORDS = [
    (r"\s*(?:percent|per cent|%)\s+of\b", "/100*"), (r"\bhalf of\b", "0.5*"),  # "15% of 80", "half of 50"
    (r"\bto the power of\b", "**"), (r"\braised to\b", "**"), (r"\bsquared\b", "**2"), (r"\bcubed\b", "**3"),
    (r"\bmultiplied by\b", "*"), (r"\btimes\b", "*"), (r"\bdivided by\b", "/"), (r"\bover\b", "/"),
    (r"\bplus\b", "+"), (r"\bminus\b", "-"), (r"\bmod(?:ulo)?\b", "%"), (r"\bx\b", "*"),
]


def _arithmetic(t: str) -> str | None:
    m = re.match(r"^(?:what(?:'s| is)|calculate|compute|how much is|whats|evaluate)\s+(.+?)[?.!]*$", t)
    if not m:
        return None
    expr = m.group(1)
    expr = re.sub(r"\bthe square root of\s+(\w+(?:\.\d+)?)", r"sqrt(\1)", expr)
    expr = re.sub(r"\bsquare root of\s+(\w+(?:\.\d+)?)", r"sqrt(\1)", expr)
    for pat, rep in _ARITH_WORDS:
        expr = re.sub(pat, f" {rep} ", expr)
    tokens = []
    for tok in re.findall(r"[a-z]+|\d+(?:\.\d+)?|\*\*|[-+*/%()^]|sqrt", expr):
        if re.fullmatch(r"[a-z]+", tok) and tok not in ("sqrt", "pi"):
            num = words_to_number(tok)
            if num is None:
                return None
            tok = str(int(num)) if num.is_integer() else str(num)
        tokens.append(tok)
    out = "".join(tokens)
    if not re.search(r"\d", out) or not re.search(r"[-+*/%^]|sqrt", out):
        return None
    return out


def detect(text: str) -> Intent | None:
    """Recognise a deterministic intent, or None to hand the turn to the LLM."""
    t = " ".join(text.strip().lower().split())
    t = re.sub(r"^(?:hey tandem|tandem|ok|okay|please|can you|could you|would you)[, ]+", "", t).strip()
    if not t:
        return None
    if _RETRACT.search(t):
        return Intent("retract", confirmation="Okay, dropped it.")
    if _STOP.match(t):
        return Intent("stop_speech")
    if _CANCEL_TIMER.search(t):
        return Intent("tool", _call("cancel_timers", {}), "Cancelled.")
    if m := _NOTE.match(t):
        note = text.strip()[len(text.strip()) - len(m.group(1)):].strip().rstrip(".")
        return Intent("tool", _call("add_note", {"text": note or m.group(1)}), "Noted.")
    if m := _ALARM.search(t):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        ampm = (m.group(3) or "").replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if hour <= 23 and minute <= 59:
            return Intent("tool", _call("set_alarm", {"hour": hour, "minute": minute}),
                          f"Alarm set for {hour:02d}:{minute:02d}.")
    if re.search(r"\b(?:timer|countdown|remind me|reminder|alert me|wake me|alarm)\b", t):
        seconds = parse_duration(t)
        if seconds is not None:
            label = ""
            if lm := re.search(r"\bremind me (?:in .+? )?to (.+)$", t):
                label = _WHEN_AFTER.sub("", lm.group(1)).rstrip(".!?")
            args: dict[str, object] = {"seconds": seconds}
            if not label and re.search(r"\balarm\b", t):
                label = "alarm"  # it goes off as "Your alarm is up."
            if label:
                args["label"] = label
            return Intent("tool", _call("set_timer", args), f"Timer set for {_speak_duration(seconds)}.")
    if (m := _TIME.search(t)) and _TIME_ENDS.match(t[m.end():]):
        return Intent("tool", _call("get_time", {}))
    expr = _arithmetic(t)
    if expr is not None:
        return Intent("tool", _call("calculate", {"expression": expr}))
    return None


def _speak_duration(seconds: float) -> str:
    parts = []
    s = round(seconds)
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        n, s = divmod(s, size)
        if n:
            parts.append(f"{n} {unit}{'s' if n != 1 else ''}")
    return " and ".join(parts) or f"{seconds:g} seconds"
