"""From an echo check result to what the conversation loop does with the mic while the assistant talks.

- no echo came back (headphones): nothing to cancel, the mic goes through untouched;
- full duplex: the echo canceller, starting from the measured delay and following it as it moves;
- duplex with a raised threshold: the same canceller, and interruptions need more evidence;
- half duplex: the mic is muted while the assistant talks and briefly after (push-to-talk style).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from app.speech.aec import DelayTracker, EchoCanceller
from app.speech.echo_check import HALF_DUPLEX, HIGH_THRESHOLD, EchoCheckResult

HIGH_THRESHOLD_SENSITIVITY_SCALE = 0.5
"""How much interruption sensitivity is kept in the raised-threshold mode."""


class MicCleaner(Protocol):
    """Turns the mic chunk and what was played over it into the mic chunk the assistant listens to."""

    def process(self, mic: np.ndarray, far: np.ndarray) -> np.ndarray:
        """The cleaned mic chunk."""
        ...


class HalfDuplexGate:
    """Mutes the mic while the assistant's voice plays and for `hangover_s` after (the room's echo tail).

    The echo canceller still runs underneath, so what passes the gate right after the hangover is clean.
    Chunks are gated whole: in half duplex the user cannot talk over the assistant anyway.
    """

    def __init__(self, inner: MicCleaner, hangover_s: float = 0.3, rate: int = 16000, floor_db: float = -60.0) -> None:
        self.inner = inner
        self.hangover = int(hangover_s * rate)
        self.floor = 10 ** (floor_db / 20.0)
        self.reset()

    def reset(self) -> None:
        """Forget when the assistant last spoke."""
        self._since_far = self.hangover  # samples since the far end was last audible

    def process(self, mic: np.ndarray, far: np.ndarray) -> np.ndarray:
        """The cleaned chunk, or silence of the same length while the assistant is (just) speaking."""
        out = self.inner.process(mic, far)
        far = np.asarray(far, np.float32).reshape(-1)
        loud = np.flatnonzero(np.abs(far) > self.floor)
        self._since_far = far.size - 1 - int(loud[-1]) if loud.size else self._since_far + far.size
        muted = loud.size > 0 or self._since_far < self.hangover
        return np.zeros_like(out) if muted else out


@dataclass(frozen=True)
class DuplexSetup:
    """What the loop uses on the mic (None: raw mic), and the factor on interruption sensitivity."""

    cleaner: MicCleaner | None
    sensitivity_scale: float
    summary: str


def duplex_setup(result: EchoCheckResult | None, noise_suppression: bool = False) -> DuplexSetup:
    """The mic processing for a measured (or, with None, unknown) echo path."""
    if result is None:
        canceller = EchoCanceller(noise_suppression=noise_suppression, tracker=DelayTracker())
        return DuplexSetup(canceller, 1.0, "echo cancellation on; no echo check yet, the delay is being measured")
    if not result.echo_detected:
        return DuplexSetup(None, 1.0, "no echo reaches the mic (headphones?): echo cancellation bypassed")
    canceller = EchoCanceller(delay_ms=result.delay_ms, noise_suppression=noise_suppression, tracker=DelayTracker())
    if result.mode == HALF_DUPLEX:
        return DuplexSetup(HalfDuplexGate(canceller), 1.0,
                           f"half duplex: the echo is too strong to cancel ({result.erle_db:.0f} dB), so the mic "
                           "is muted while Tandem speaks; use headphones or turn the speaker down for full duplex")
    if result.mode == HIGH_THRESHOLD:
        return DuplexSetup(canceller, HIGH_THRESHOLD_SENSITIVITY_SCALE,
                           f"duplex with a raised barge-in threshold: echo reduced by {result.erle_db:.0f} dB, "
                           f"delay {result.delay_ms:.0f} ms")
    return DuplexSetup(canceller, 1.0,
                       f"full duplex: echo reduced by {result.erle_db:.0f} dB, delay {result.delay_ms:.0f} ms")
