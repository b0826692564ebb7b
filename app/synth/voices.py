"""Synthetic talkers: espeak-ng voices and variants with speed, pitch and loudness varied, and piper.

Each split gets its own voices, so dev and test measure how the model does on talkers it never heard.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from dataclasses import dataclass
from functools import cache

import numpy as np

from app.audio_io import resample
from app.speech.audio import APP_RATE
from app.speech.backchannel import trim_silence

_VOICES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd", "en-029",
           "en-us-nyc", "en")
_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5", "klatt", "klatt2",
             "klatt3", "klatt4", "croak", "Andy", "Annie", "Denis", "Gene", "Jacky", "Lee", "Mario", "Michael",
             "Alicia", "Andrea", "adam", "alex", "anika", "aunty", "boris", "david", "ed", "edward", "iven", "john",
             "linda", "max", "norbert", "paul", "pablo", "quincy", "rob", "robert", "steph", "travis", "victor", "zac",
             "grandpa", "grandma", "belinda", "benjamin", "caleb", "shelby", "sandro", "michel", "gustave")
_TEST_VOICES = {"en-gb-scotland", "en-029"}
_DEV_VOICES = {"en-us-nyc"}


@dataclass(frozen=True)
class Talker:
    """One synthetic speaker: engine, voice and how they speak."""

    engine: str  # "espeak" or "piper"
    voice: str
    speed_wpm: int = 165
    pitch: int = 50
    gain_db: float = 0.0

    def describe(self) -> str:
        """A short label for the model card and item metadata."""
        return f"{self.engine}:{self.voice}@{self.speed_wpm}wpm,p{self.pitch},{self.gain_db:+.0f}dB"


def espeak_available() -> bool:
    """Whether the espeak-ng program is installed."""
    return shutil.which("espeak-ng") is not None


def voice_pool(split: str) -> list[str]:
    """espeak-ng voice+variant names for a split; the splits share none of them."""
    pool = []
    for vi, voice in enumerate(_VOICES):
        for ki, variant in enumerate(_VARIANTS):
            if voice in _TEST_VOICES:
                owner = "test"
            elif voice in _DEV_VOICES:
                owner = "dev"
            else:  # the remaining voices lend some variants to dev and test too
                owner = {7: "dev", 8: "test"}.get((vi * 7 + ki) % 10, "train")
            if owner == split:
                pool.append(f"{voice}+{variant}")
    return pool


def random_talker(rng: np.random.Generator, split: str, piper_share: float = 0.15) -> Talker:
    """A talker for ``split``; only the training split hears piper (the assistant's own voice family)."""
    if split == "train" and rng.random() < piper_share:
        return Talker("piper", "joe", speed_wpm=int(rng.integers(140, 200)), gain_db=float(rng.uniform(-6, 3)))
    pool = voice_pool(split)
    return Talker("espeak", pool[int(rng.integers(len(pool)))], speed_wpm=int(rng.integers(130, 210)),
                  pitch=int(rng.integers(25, 80)), gain_db=float(rng.uniform(-6, 3)))


def _espeak(text: str, talker: Talker) -> np.ndarray:
    out = subprocess.run(["espeak-ng", "-v", talker.voice, "-s", str(talker.speed_wpm), "-p", str(talker.pitch),
                          "--stdout", text], capture_output=True, check=True, timeout=60)
    with wave.open(io.BytesIO(out.stdout)) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768.0
    return resample(pcm, rate, APP_RATE)


@cache
def _piper(voice: str) -> object:
    from app.speech.tts import PiperTts

    return PiperTts(voice)


def speak(text: str, talker: Talker) -> np.ndarray:
    """``text`` spoken by ``talker`` at 16 kHz, silence trimmed, at the talker's loudness (-20 dBFS + gain)."""
    if talker.engine == "piper":
        tts = _piper(talker.voice)
        audio, _ = tts.synthesize(text)  # type: ignore[attr-defined]
        rate = talker.speed_wpm / 165.0
        if abs(rate - 1.0) > 0.03:  # simple speed change by resampling (pitch moves with it, like a real fast talker)
            audio = resample(np.asarray(audio, np.float32), int(APP_RATE * rate), APP_RATE)
    else:
        audio = _espeak(text, talker)
    audio = trim_silence(np.asarray(audio, np.float32))
    rms = float(np.sqrt(np.mean(audio.astype(np.float64) ** 2))) if audio.size else 0.0
    if rms > 0:
        audio = audio * (10 ** ((-20.0 + talker.gain_db) / 20) / rms)
    return audio.astype(np.float32)
