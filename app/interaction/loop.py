"""The interaction step run every micro-turn: pump pull-sources, snapshot, decide, act on playback."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from app.core.clock import NS_PER_MS
from app.core.frames import Action, Decision, HeardSpan, Snapshot
from app.core.ring import RingBuffer
from app.interaction.placeholder_policy import PlaceholderPolicy
from app.speech.playback import PlaybackQueue

Responder = Callable[[int], tuple[np.ndarray, str]]
"""Given the tick time, the reply to play: (mono float32 audio at the ring's rate, its text)."""


class EchoCanceller(Protocol):
    """Removes the echo of what was played (``far``, time-aligned) from the mic."""

    def process(self, mic: np.ndarray, far: np.ndarray) -> np.ndarray:
        """The cleaned mic block, as long as the input."""
        ...


TickHook = Callable[[Snapshot, Decision], None]
"""Runs after each decision with the snapshot it was made on (the dialogue loop); must not block."""


class InteractionLoop:
    """Callable step for the scheduler; owns no threads, so it runs the same on any clock."""

    def __init__(self, ring: RingBuffer, playback: PlaybackQueue, policy: PlaceholderPolicy,
                 responder: Responder | None, pumps: Sequence[Callable[[int], None]] = (), tick_ms: int = 200,
                 hooks: Sequence[TickHook] = (), echo_canceller: EchoCanceller | None = None,
                 on_heard: Callable[[HeardSpan], None] | None = None) -> None:
        self.ring = ring
        self.playback = playback
        self.policy = policy
        self._responder = responder
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
        say = ""
        if action is Action.TAKE_TURN and self._responder is not None:
            audio, say = self._responder(t_ns)
            uid = self.playback.enqueue(audio, say)
            self.replies.append((uid, t_ns, say))
        elif action is Action.YIELD:
            self._record_heard(self.playback.stop(t_ns))
        self._record_heard(self.playback.drain_finished())
        decision = Decision(t_ns=t_ns, tick=tick, action=action, user_state=user_state, mic_level_db=level, say=say)
        for hook in self._hooks:
            hook(snap, decision)
        return decision
