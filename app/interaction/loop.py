"""The interaction step run every micro-turn: pump pull-sources, snapshot, decide, act on playback."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import numpy as np

from app.core.clock import NS_PER_MS
from app.core.frames import Action, Decision, HeardSpan, Snapshot, UserState
from app.core.ring import RingBuffer
from app.speech.playback import PlaybackQueue

Responder = Callable[[int], tuple[np.ndarray, str] | None]
"""Given the tick time, what to play: (mono float32 audio at the ring's rate, its text), or None."""


class FloorPolicy(Protocol):
    """Decides the floor every micro-turn (the trained model's policy, the baseline, the placeholder)."""

    @property
    def voice_held(self) -> bool:
        """After ``step``: hold the assistant's voice silent at its place this tick (it plays on when False)."""
        ...

    def step(self, snap: Snapshot, assistant_speaking: bool) -> tuple[Action, UserState, float]:
        """(action, user state, mic level in dB) for this micro-turn."""
        ...

    def reset(self) -> None:
        """Start a new conversation."""
        ...


class EchoCanceller(Protocol):
    """Removes the echo of what was played (``far``, time-aligned) from the mic."""

    def process(self, mic: np.ndarray, far: np.ndarray) -> np.ndarray:
        """The cleaned mic block, as long as the input."""
        ...


TickHook = Callable[[Snapshot, Decision], None]
"""Runs after each decision with the snapshot it was made on (the dialogue loop); must not block."""


class InteractionLoop:
    """Callable step for the scheduler; owns no threads, so it runs the same on any clock."""

    def __init__(self, ring: RingBuffer, playback: PlaybackQueue, policy: FloorPolicy,
                 responder: Responder | None, pumps: Sequence[Callable[[int], None]] = (), tick_ms: int = 200,
                 hooks: Sequence[TickHook] = (), echo_canceller: EchoCanceller | None = None,
                 on_heard: Callable[[HeardSpan], None] | None = None,
                 responders: Mapping[Action, Responder] | None = None) -> None:
        self.ring = ring
        self.playback = playback
        self.policy = policy
        # What to play for each speaking action; ``responder`` alone answers TAKE_TURN.
        self._responders = dict(responders or {})
        if responder is not None:
            self._responders.setdefault(Action.TAKE_TURN, responder)
        self._pumps = list(pumps)
        self._hooks = list(hooks)
        self._echo_canceller = echo_canceller
        self._on_heard = on_heard or (lambda span: None)
        self._tick_ns = tick_ms * NS_PER_MS
        self.heard: list[HeardSpan] = []  # what the user heard of each reply, stopped or complete
        self.replies: list[tuple[int, int, str]] = []  # (utterance id, start time, text) of each reply

    def _record_heard(self, spans: list[HeardSpan]) -> None:
        self.heard.extend(spans)
        for span in spans:
            self._on_heard(span)

    def __call__(self, tick: int, t_ns: int) -> Decision:
        """Run one micro-turn ending at ``t_ns``."""
        for pump in self._pumps:
            pump(t_ns)
        snap = self.ring.snapshot(t_ns, self._tick_ns)
        if self._echo_canceller is not None:
            # What the policy and recognizer hear is the mic minus the assistant's own voice.
            snap = dataclasses.replace(snap, mic=self._echo_canceller.process(snap.mic, snap.self_audio))
        action, user_state, level = self.policy.step(snap, self.playback.speaking)
        say, reason = "", ""
        if action is Action.INTERJECT and hasattr(self.policy, "interjection"):
            say, reason = self.policy.interjection()  # what is due and why, for the speech and the UI
        respond = self._responders.get(action)
        if respond is not None and (reply := respond(t_ns)) is not None:
            audio, say = reply
            uid = self.playback.enqueue(audio, say)
            self.replies.append((uid, t_ns, say))
        elif action is Action.YIELD:
            self._record_heard(self.playback.stop(t_ns))
        self.playback.hold(self.policy.voice_held)
        self._record_heard(self.playback.drain_finished())
        decision = Decision(t_ns=t_ns, tick=tick, action=action, user_state=user_state, mic_level_db=level, say=say,
                            reason=reason)
        for hook in self._hooks:
            hook(snap, decision)
        return decision
