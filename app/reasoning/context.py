"""The context package: everything the reasoning model should know, built in one place and rendered once.

It holds the conversation turns with timestamps, what the user actually heard of interrupted replies,
visual observations, running tasks and timers, and the current time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from app.reasoning.backend import Message
from app.reasoning.clock import Clock, RealClock

SYSTEM_PROMPT = ("You are Tandem, a helpful voice assistant on the user's computer. Answer briefly in plain "
                 "spoken English, one or two sentences.")


@dataclass(frozen=True)
class Turn:
    """One utterance; for an interrupted assistant reply ``heard`` is the part the user actually heard."""

    role: Literal["user", "assistant"]
    text: str
    at: datetime
    heard: str | None = None
    t_ns: int = field(default_factory=time.monotonic_ns)

    @property
    def interrupted(self) -> bool:
        """True when the user only heard part of this reply."""
        return self.heard is not None and self.heard != self.text


@dataclass(frozen=True)
class Observation:
    """Something the camera pipeline noticed (a face, motion, text it read)."""

    text: str
    at: datetime
    t_ns: int = field(default_factory=time.monotonic_ns)


@dataclass(frozen=True)
class TaskNote:
    """A background task as the model should see it."""

    id: str
    request: str
    state: str


@dataclass(frozen=True)
class TimerNote:
    """A pending timer as the model should see it."""

    id: str
    label: str
    due: datetime


@dataclass(frozen=True)
class ContextPackage:
    """An immutable snapshot of the whole conversation state at one moment."""

    now: datetime
    turns: tuple[Turn, ...]
    observations: tuple[Observation, ...] = ()
    tasks: tuple[TaskNote, ...] = ()
    timers: tuple[TimerNote, ...] = ()
    system_prompt: str = SYSTEM_PROMPT

    def situation(self) -> str:
        """The non-dialogue state as a short text block for the system message."""
        lines = [f"Current time: {self.now.strftime('%A %d %B %Y, %H:%M:%S')}."]
        for o in self.observations[-5:]:
            lines.append(f"Seen at {o.at.strftime('%H:%M:%S')}: {o.text}")
        for t in self.tasks:
            lines.append(f"Task {t.id} ({t.state}): {t.request}")
        for tm in self.timers:
            left = max(0, int((tm.due - self.now).total_seconds()))
            lines.append(f"Timer {tm.id} '{tm.label}' rings in {left} s (at {tm.due.strftime('%H:%M:%S')}).")
        return "\n".join(lines)

    def to_messages(self, max_turns: int = 12, *, system_extra: str = "") -> list[Message]:
        """Render as chat messages: system (prompt + situation), then the latest turns, oldest first.

        Interrupted assistant turns are rendered as what the user heard, marked as cut off, so the model
        does not assume the user knows the rest.
        """
        system = self.system_prompt + "\n" + self.situation()
        if system_extra:
            system += "\n" + system_extra
        msgs = [Message("system", system)]
        for turn in self.turns[-max_turns:]:
            stamp = turn.at.strftime("%H:%M:%S")
            if turn.role == "assistant" and turn.interrupted:
                heard = turn.heard or ""
                note = f"[cut off by the user at {stamp}; they did not hear the rest]"
                msgs.append(Message("assistant", f"{heard} {note}"))
            elif turn.role == "assistant":
                msgs.append(Message("assistant", turn.text))
            else:
                msgs.append(Message("user", turn.text))
        return msgs


class Conversation:
    """Thread-safe accumulator that builds context packages; the single place context is assembled."""

    def __init__(self, clock: Clock | None = None, max_turns: int = 200) -> None:
        self.clock = clock or RealClock()
        self._lock = threading.Lock()
        self._turns: list[Turn] = []
        self._obs: list[Observation] = []
        self._max = max_turns

    def add_user(self, text: str) -> Turn:
        """Record what the user said."""
        return self._add(Turn("user", text, self.clock.now()))

    def add_assistant(self, text: str, heard: str | None = None) -> Turn:
        """Record a reply; pass ``heard`` when speech was cut off."""
        return self._add(Turn("assistant", text, self.clock.now(), heard))

    def mark_heard(self, heard: str) -> None:
        """After an interruption, record how much of the last assistant reply was actually heard."""
        with self._lock:
            for i in range(len(self._turns) - 1, -1, -1):
                if self._turns[i].role == "assistant":
                    self._turns[i] = replace(self._turns[i], heard=heard)
                    return

    def observe(self, text: str) -> None:
        """Record a visual observation."""
        with self._lock:
            self._obs.append(Observation(text, self.clock.now()))
            del self._obs[:-50]

    def _add(self, turn: Turn) -> Turn:
        with self._lock:
            self._turns.append(turn)
            del self._turns[:-self._max]
        return turn

    def build(self, tasks: tuple[TaskNote, ...] = (), timers: tuple[TimerNote, ...] = (),
              system_prompt: str = SYSTEM_PROMPT) -> ContextPackage:
        """Snapshot everything now."""
        with self._lock:
            return ContextPackage(self.clock.now(), tuple(self._turns), tuple(self._obs), tasks, timers, system_prompt)
