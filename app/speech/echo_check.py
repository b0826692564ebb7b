"""Startup echo check: play a probe, measure how well the canceller removes it, pick a duplex mode."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from app.speech.aec import EchoCanceller, erle_db, estimate_delay
from app.speech.audio import APP_RATE, rms_db

FULL_DUPLEX = "full-duplex"
HIGH_THRESHOLD = "duplex-high-threshold"
HALF_DUPLEX = "half-duplex"
MODES = (FULL_DUPLEX, HIGH_THRESHOLD, HALF_DUPLEX)

PlayAndRecord = Callable[[np.ndarray, int], np.ndarray]


@dataclass(frozen=True)
class EchoCheckResult:
    """Echo reduction, playback delay, near-end loss in double talk and the chosen mode (JSON-storable).

    `echo_detected` False (headphones) means the canceller should be bypassed: AEC3 otherwise mutes
    the user while the assistant talks, having never learned that no echo comes back.
    """

    erle_db: float
    delay_ms: float
    mode: str
    near_end_loss_db: float = 0.0
    echo_detected: bool = True

    def to_json(self) -> str:
        """Serialize for the settings store."""
        return json.dumps(asdict(self))

    @staticmethod
    def from_json(text: str) -> EchoCheckResult:
        """Load a stored result, rejecting unknown modes."""
        data = json.loads(text)
        if data.get("mode") not in MODES:
            raise ValueError(f"Stored echo check has unknown mode {data.get('mode')!r}; run the echo check again.")
        return EchoCheckResult(
            float(data["erle_db"]),
            float(data["delay_ms"]),
            str(data["mode"]),
            float(data.get("near_end_loss_db", 0.0)),
            bool(data.get("echo_detected", True)),
        )


def choose_mode(erle: float, near_loss_db: float = 0.0, full_db: float = 25.0, high_db: float = 12.0) -> str:
    """Full duplex when echo is well cancelled and a voice over it survives; raised threshold when partly.

    AEC3's residual suppressor makes far-end-only ERLE high on most paths, so the loss of a near-end
    voice mixed over the echo (double talk) is weighed as well.
    """
    if erle >= full_db and near_loss_db <= 6.0:
        return FULL_DUPLEX
    if erle >= high_db and near_loss_db <= 12.0:
        return HIGH_THRESHOLD
    return HALF_DUPLEX


def probe_signal(rate: int = APP_RATE, duration_s: float = 4.0, lead_s: float = 0.3, seed: int = 7) -> np.ndarray:
    """Leading silence (for the noise floor), then speech-like noise: pink-tilted, syllable-modulated.

    Broadband excitation lets AEC3 converge in every band; a pure sweep excites one band at a time and
    makes its suppressor hold back, which under-reports what the canceller does on speech.
    """
    rng = np.random.default_rng(seed)
    n = int(rate * duration_s)
    spec = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / rate)
    spec *= np.where((freqs > 100) & (freqs < 7000), 1.0 / np.sqrt(np.maximum(freqs, 100.0) / 100.0), 0.0)
    noise = np.fft.irfft(spec, n)
    t = np.arange(n) / rate
    envelope = 0.35 + 0.65 * np.abs(np.sin(np.pi * 4.0 * t + 2.0 * np.sin(np.pi * 0.7 * t)))
    body = noise * envelope
    body *= 0.1 / np.sqrt(np.mean(body**2))
    fade = np.minimum(1.0, np.minimum(t, duration_s - t) / 0.02)
    return np.concatenate([np.zeros(int(rate * lead_s)), np.clip(body * fade, -0.9, 0.9)]).astype(np.float32)


def _near_end_loss_db(out: np.ndarray, near: np.ndarray) -> float:
    """How much quieter the double-talk stretch is after the canceller than the near-end voice alone."""
    return float(max(0.0, rms_db(near) - rms_db(out[: near.size])))


ATTEMPTS = 3
"""Most probes played when the result is short of full duplex (see ``run_echo_check``)."""


def _rank(result: EchoCheckResult) -> tuple[int, float, float]:
    """Higher is better: the mode first, then more echo reduction, then less double-talk loss."""
    return (-MODES.index(result.mode), result.erle_db, -result.near_end_loss_db)


def run_echo_check(
    play_and_record: PlayAndRecord,
    probe: np.ndarray | None = None,
    rate: int = APP_RATE,
    lead_s: float = 0.3,
    max_erle_db: float = 60.0,
    near_over_echo_db: float = 10.0,
    attempts: int = ATTEMPTS,
) -> EchoCheckResult:
    """Measure the echo path; a result short of full duplex is measured again, up to ``attempts`` probes.

    A glitch while the probe plays (an underrun on a busy machine drops or repeats output frames)
    shifts the echo against what was sent, so the canceller looks worse than it is, never better;
    the result is stored per device pair, so one glitch would cost that pair full duplex for good.
    The best of the probes is kept. A probe that hears no echo at all is confirmed by another one
    before the canceller is bypassed: a capture glitch can lose the echo too, and a bypass on a
    speaker path would let the assistant hear itself. Any probe that hears the echo wins over those
    that do not.
    """
    results = [_measure(play_and_record, probe, rate, lead_s, max_erle_db, near_over_echo_db)]
    while len(results) < attempts and not _settled(results):
        results.append(_measure(play_and_record, probe, rate, lead_s, max_erle_db, near_over_echo_db))
    best = _best_heard(results)
    return results[0] if best is None else best


def _best_heard(results: list[EchoCheckResult]) -> EchoCheckResult | None:
    """The best of the probes that heard the echo; None when none did."""
    heard = [result for result in results if result.echo_detected]
    return max(heard, key=_rank) if heard else None


def _settled(results: list[EchoCheckResult]) -> bool:
    """Whether more probes cannot change the answer: echo cancelled fully, or no echo heard twice (and none heard)."""
    best = _best_heard(results)
    return len(results) >= 2 if best is None else best.mode == FULL_DUPLEX


def _measure(
    play_and_record: PlayAndRecord,
    probe: np.ndarray | None,
    rate: int,
    lead_s: float,
    max_erle_db: float,
    near_over_echo_db: float,
) -> EchoCheckResult:
    """Play the probe through `play_and_record` once, estimate the delay, cancel, and measure.

    ERLE is scored on the first half of the echo after a short convergence time; over the second half
    a different speech-like signal is mixed in digitally `near_over_echo_db` above the echo, and its
    loss through the canceller is measured. Only the echo canceller runs (noise suppression off).
    Without audible echo (headphones) the ERLE is reported as `max_erle_db`.
    """
    if rate != APP_RATE:
        raise ValueError(f"The echo check runs at {APP_RATE} Hz; got {rate}.")
    played = probe_signal(rate, lead_s=lead_s) if probe is None else np.asarray(probe, np.float32)
    recorded = np.asarray(play_and_record(played, rate), dtype=np.float32).reshape(-1)
    if recorded.size < played.size // 2:
        raise RuntimeError("The echo check recorded almost nothing; check that the microphone is working.")
    far = np.zeros(recorded.size, np.float32)
    far[: min(played.size, recorded.size)] = played[: recorded.size]
    delay = estimate_delay(far, recorded, rate)
    lead = int(lead_s * rate)
    floor = rms_db(recorded[: max(lead, rate // 20)])
    start = lead + delay.samples
    end = min(start + played.size - lead, recorded.size)
    if end - start < rate or rms_db(recorded[start:end]) < floor + 6.0:
        return EchoCheckResult(max_erle_db, round(delay.ms, 1), FULL_DUPLEX, 0.0, echo_detected=False)
    mid = (start + end) // 2
    near_voice = probe_signal(rate, duration_s=(end - mid) / rate + 0.1, lead_s=0.0, seed=1234)[: end - mid]
    near_voice *= 10 ** ((rms_db(recorded[mid:end]) + near_over_echo_db - rms_db(near_voice)) / 20.0)
    mic = recorded.copy()
    mic[mid:end] += near_voice
    cleaned = EchoCanceller(delay_ms=delay.ms, noise_suppression=False).process(mic, far)
    settle = start + min(rate // 2, (mid - start) // 3)
    erle = min(max_erle_db, erle_db(recorded[settle:mid], cleaned[settle:mid]))
    loss = _near_end_loss_db(cleaned[mid:end], near_voice)
    return EchoCheckResult(round(erle, 2), round(delay.ms, 1), choose_mode(erle, loss), round(loss, 2))
