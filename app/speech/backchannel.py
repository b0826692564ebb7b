"""Backchannel clips ("mm-hm", "yeah", ...) synthesized once with the configured voice, and mixing."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np

from app.speech.audio import APP_RATE, quantize16, read_wav, write_wav
from app.speech.tts import PiperTts

DEFAULT_PHRASES: tuple[str, ...] = ("mm-hm", "yeah", "okay", "right")
OPENERS: tuple[str, ...] = ("okay", "right", "sure")
"""Said the moment the assistant takes the turn, before the reply is ready: one word, so a turn taken
too early (the user was only pausing) costs them a backchannel, not a sentence."""
_SPOKEN = {"mm-hm": "Mm hmm."}


def spoken_form(phrase: str) -> str:
    """The text a phrase is synthesized from ("mm-hm" -> "Mm hmm.", "okay" -> "Okay.")."""
    return _SPOKEN.get(phrase, f"{phrase.capitalize()}.")


def trim_silence(audio: np.ndarray, rate: int = APP_RATE) -> np.ndarray:
    """Cut leading/trailing silence (below -45 dB of the peak), keeping 10 ms around the sound."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak == 0.0:
        return audio
    loud = np.flatnonzero(np.abs(audio) > peak * 10 ** (-45 / 20))
    margin = rate // 100
    return audio[max(0, loud[0] - margin) : loud[-1] + margin].copy()


class BackchannelBank:
    """Short acknowledgement clips in the assistant's voice, cached in memory and optionally on disk."""

    def __init__(
        self, tts: PiperTts, phrases: tuple[str, ...] = tuple(dict.fromkeys(DEFAULT_PHRASES + OPENERS)),
        cache_dir: str | Path | None = None,
    ) -> None:
        self._tts = tts
        self.phrases = phrases
        self._cache_dir = Path(cache_dir) if cache_dir else None
        self._clips: dict[str, np.ndarray] = {}
        self.voice_id = hashlib.sha1(str(getattr(tts, "voice_name", "default")).encode()).hexdigest()[:8]

    def _path(self, phrase: str) -> Path | None:
        if self._cache_dir is None:
            return None
        return self._cache_dir / f"{self.voice_id}-{re.sub(r'[^a-z0-9]+', '_', phrase.lower())}.wav"

    def clip(self, phrase: str) -> np.ndarray:
        """The 16 kHz clip for a phrase (read-only), synthesized on first use."""
        if phrase in self._clips:
            return self._clips[phrase]
        path = self._path(phrase)
        if path is not None and path.is_file():
            audio, _ = read_wav(path)
        else:
            audio, _ = self._tts.synthesize(spoken_form(phrase))
            audio = quantize16(trim_silence(np.asarray(audio, np.float32)))
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_wav(path, audio)
        audio.flags.writeable = False
        self._clips[phrase] = audio
        return audio

    def warm(self) -> None:
        """Synthesize every phrase now (at start-up, off the scheduler's thread)."""
        for p in self.phrases:
            self.clip(p)


def mix_clip(
    base: np.ndarray,
    clip: np.ndarray,
    at: int,
    clip_gain_db: float = -12.0,
    duck_db: float = -6.0,
    fade_ms: float = 20.0,
) -> np.ndarray:
    """Mix `clip` into `base` from sample `at` at a low level, ducking `base` underneath with short ramps."""
    out = np.array(base, dtype=np.float32, copy=True)
    if at >= out.size or clip.size == 0:
        return out
    end = min(out.size, at + clip.size)
    n = end - at
    ramp = max(1, int(fade_ms * APP_RATE / 1000))
    duck = 10 ** (duck_db / 20)
    gain = np.ones(n, np.float32) * duck
    r = min(ramp, n // 2)
    if r > 0:
        gain[:r] = np.linspace(1.0, duck, r)
        gain[n - r :] = np.linspace(duck, 1.0, r)
    out[at:end] = out[at:end] * gain + clip[:n] * 10 ** (clip_gain_db / 20)
    return np.clip(out, -1.0, 1.0)
