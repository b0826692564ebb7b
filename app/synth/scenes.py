"""Session builders, one per category: the script, the voices, the room, and the ideal assistant's timing.

The assistant always speaks with the product's own voice (piper); the user and background talkers come
from the split's voice pool. Overlap events go on their own track, so ``clean_input.wav`` can omit them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.interaction.cues import cue_phrase
from app.speech.audio import APP_RATE, synthetic_rir
from app.synth import scripts
from app.synth.timeline import REPLY_GAP_S, TICK_S, Span, Timeline, tick_ceil
from app.synth.voices import Talker, random_talker, speak

CATEGORIES = ("smooth_turn_taking", "pause_handling", "user_interruption", "user_backchannel", "talking_to_other",
              "background_speech", "time_cue", "visual_event")
ASSISTANT = Talker("piper", "joe")
_BACKCHANNELS = ("Mm hmm.", "Yeah.", "Okay.", "Right.")
_VISUAL_REMARKS = ("Oh, what have you got there?", "Hi there, welcome back.", "Is that the one you meant?")


def convolve(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Linear convolution via FFT, cut to the length of ``x``."""
    n = x.size + h.size - 1
    size = 1 << (n - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(h, size), size)[: x.size]
    return y.astype(np.float32)


class Track:
    """A mono track of fixed length that clips are mixed into."""

    def __init__(self, duration: float) -> None:
        self.audio = np.zeros(round(duration * APP_RATE), np.float32)

    def place(self, clip: np.ndarray, t: float, end: float | None = None) -> float:
        """Mix ``clip`` in at ``t`` (cut at ``end`` if given); returns where it ends."""
        i = round(t * APP_RATE)
        stop = self.audio.size if end is None else min(self.audio.size, round(end * APP_RATE))
        n = max(0, min(clip.size, stop - i))
        self.audio[i:i + n] += clip[:n]
        return (i + n) / APP_RATE


@dataclass
class Session:
    """One generated session, ready to write as a benchmark item plus training features."""

    category: str
    timeline: Timeline
    user: np.ndarray  # input.wav: everything but the assistant
    clean_user: np.ndarray | None  # clean_input.wav: the same without the overlap event
    assistant: np.ndarray  # the ideal assistant's output, time-aligned
    echo: np.ndarray | None  # residual echo of the assistant left after imperfect echo cancellation
    visual: np.ndarray | None  # per-tick camera features, or None when the camera is off
    annotation: tuple[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)


class Voices:
    """Speech for one split, with the assistant's clips cached (they repeat across sessions).

    With ``cache_dir`` the clips are also kept on disk, shared by the worker processes and by later
    runs into the same folder: the assistant's few hundred lines are then synthesised once, not once
    per worker and run (they were most of the generation time), and a resumed run hears the same clips.
    """

    def __init__(self, split: str, cache_dir: Path | None = None) -> None:
        self.split = split
        self.cache_dir = cache_dir
        self._assistant: dict[str, np.ndarray] = {}

    def assistant(self, text: str) -> np.ndarray:
        """``text`` in the assistant's voice."""
        if text not in self._assistant:
            self._assistant[text] = self._cached(text)
        return self._assistant[text]

    def _cached(self, text: str) -> np.ndarray:
        if self.cache_dir is None:
            return speak(text, ASSISTANT)
        path = self.cache_dir / f"{hashlib.sha1(f'{ASSISTANT.describe()}|{text}'.encode()).hexdigest()}.npy"
        try:
            return np.load(path)
        except (OSError, ValueError, EOFError):  # not there yet, or cut short by a crash: make it again
            pass
        clip = speak(text, ASSISTANT)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npy")
        np.save(tmp, clip)
        os.replace(tmp, path)  # atomic: another worker reads a whole clip or none
        return clip


@dataclass
class _Scene:
    """Mutable state while a session is being built."""

    rng: np.random.Generator
    voices: Voices
    duration: float
    user_talker: Talker
    rir: np.ndarray | None
    user: Track = field(init=False)
    event: Track = field(init=False)
    assistant: Track = field(init=False)
    tl: Timeline = field(init=False)
    texts: list[str] = field(default_factory=list)
    visual_event: float | None = None

    def __post_init__(self) -> None:
        self.user, self.event, self.assistant = Track(self.duration), Track(self.duration), Track(self.duration)
        self.tl = Timeline(self.duration)

    def pick(self, items: list[Any]) -> Any:
        return items[int(self.rng.integers(len(items)))]

    def say(self, text: str, t: float, role: str, talker: Talker | None = None, gain_db: float = 0.0,
            rir: np.ndarray | None = None, on_event: bool = False) -> float:
        """The user side says ``text`` from ``t``; returns the end time."""
        clip = speak(text, talker or self.user_talker) * 10 ** (gain_db / 20)
        room = rir if rir is not None else self.rir
        if room is not None:
            clip = convolve(clip, room)
        end = (self.event if on_event else self.user).place(clip, t)
        self.tl.user.append(Span(t, end, role))
        self.texts.append(text)
        return end

    def reply(self, text: str, t: float, role: str = "reply", cut: float | None = None) -> float:
        """The ideal assistant says ``text`` from tick ``t``; returns the end time."""
        clip = self.voices.assistant(text)
        end = self.assistant.place(clip, t, cut)
        self.tl.assistant.append(Span(t, end, role, cut=end < t + clip.size / APP_RATE - 1e-6))
        return end

    def reply_delay(self) -> float:
        """Extra ticks before the scripted reply: the model must keep asking for the turn if it was late."""
        return TICK_S * int(self.rng.choice([0, 0, 0, 1, 2]))

    def take_after(self, end: float) -> float:
        """When the ideal assistant starts after a user turn ending at ``end``."""
        self.tl.turn_ends.append(end)
        return tick_ceil(end + REPLY_GAP_S) + self.reply_delay()


Builder = Callable[[_Scene], tuple[str, Any, float | None]]
"""Fills a scene; returns the annotation file name, its content, and the overlap event start (or None)."""


def _lead(sc: _Scene) -> float:
    return float(sc.rng.uniform(0.4, 1.4))


def _smooth(sc: _Scene) -> tuple[str, Any, float | None]:
    t = _lead(sc)
    if sc.rng.random() < 0.3:  # an earlier exchange first, so turns also end while the assistant was heard
        end = sc.say(sc.pick(scripts.turns(sc.voices.split)), t, "turn")
        t = sc.reply(sc.pick(scripts.replies(sc.voices.split)), sc.take_after(end), cut=end + 3.0) + 0.6
    start = t
    end = sc.say(sc.pick(scripts.turns(sc.voices.split)), t, "turn")
    sc.reply(sc.pick(scripts.replies(sc.voices.split)), sc.take_after(end))
    return "turn_taking.json", [{"timestamp": [end, sc.duration], "turn_start": start}], None


def _paused(sc: _Scene) -> tuple[str, Any, float | None]:
    t = _lead(sc)
    parts = [sc.pick(scripts.paused_turns(sc.voices.split)) for _ in range(1 + int(sc.rng.random() < 0.35))]
    pauses = []
    for i, (first, rest) in enumerate(parts):
        # A speaker holding the floor keeps the pitch up; a trailing comma gives the synthesizers that
        # contour (they read "..." and a bare ending as the end of a sentence).
        end = sc.say(first.rstrip(".").rstrip(",") + ",", t, "turn")
        gap = float(sc.rng.uniform(0.6, 2.6))
        sc.tl.holds.append(Span(end, end + gap, "hold"))
        pauses.append([end, end + gap])
        if gap >= 1.0 and sc.rng.random() < 0.5:  # the ideal listener says "mm-hm" now and then
            sc.reply(sc.pick(list(_BACKCHANNELS)), tick_ceil(end + 0.4), role="backchannel")
        t = sc.say(rest, end + gap, "turn") if i == len(parts) - 1 else end + gap
    sc.reply(sc.pick(scripts.replies(sc.voices.split)), sc.take_after(t))
    return "pause.json", [{"timestamp": p, "turn_end": t} for p in pauses], None


def _question_then_reply(sc: _Scene) -> tuple[float, float, float]:
    """User asks, assistant answers; returns (question start, reply start, reply end)."""
    t = _lead(sc)
    end = sc.say(sc.pick(scripts.turns(sc.voices.split)), t, "turn")
    r = sc.take_after(end)
    text = " ".join(sc.pick(scripts.replies(sc.voices.split)) for _ in range(2))
    return t, r, sc.reply(text, r)


def _interruption(sc: _Scene) -> tuple[str, Any, float | None]:
    _, r, r_end = _question_then_reply(sc)
    i0 = r + float(sc.rng.uniform(1.2, min(3.5, max(1.3, r_end - r - 1.0))))
    i1 = sc.say(sc.pick(scripts.interruptions(sc.voices.split)), i0, "interrupt", on_event=True)
    stop = tick_ceil(i0 + 0.08)
    sc.tl.yield_from.append(stop)
    first = sc.tl.assistant.pop()  # the answer is cut where the ideal assistant stops
    # Sometimes the ideal assistant is late, by up to 1.6 s: the model learns to keep yielding while it still
    # hears itself talking over the user (a backchannel is over within a second; an interruption goes on),
    # instead of concluding that it has decided to go on.
    late = TICK_S * int(sc.rng.choice([0, 1, 1, 2, 3, 4, 6, 8]))
    cut = min(stop + late, max(stop, tick_ceil(i1) - TICK_S), first.end)  # never past the user's last words
    sc.assistant.audio[round(cut * APP_RATE):] = 0.0
    sc.tl.assistant.append(Span(first.start, cut, "reply", cut=cut < first.end - 1e-6))
    sc.reply(sc.pick(scripts.replies(sc.voices.split)), sc.take_after(i1))
    return "interrupt.json", [{"timestamp": [i0, i1]}], i0


def _overlap(role: str, lines: Callable[[str], list[str]], gain: tuple[float, float],
             other_talker: bool, rt60: tuple[float, float]) -> Builder:
    def build(sc: _Scene) -> tuple[str, Any, float | None]:
        _, r, r_end = _question_then_reply(sc)
        t = r + float(sc.rng.uniform(1.0, 2.5))
        first = None
        while t < r_end - 1.0:
            talker = random_talker(sc.rng, sc.voices.split) if other_talker else sc.user_talker
            room = synthetic_rir(rt60_s=float(sc.rng.uniform(*rt60)), length_s=0.6, seed=int(sc.rng.integers(1 << 30)))
            end = sc.say(sc.pick(lines(sc.voices.split)), t, role, talker, float(sc.rng.uniform(*gain)), room,
                         on_event=True)
            first = (t, end) if first is None else first
            t = end + float(sc.rng.uniform(1.5, 4.0))
            if role != "backchannel" or sc.rng.random() < 0.5:
                break
        assert first is not None
        category = {"backchannel": "user_backchannel", "other": "talking_to_other"}.get(role, "background_speech")
        return "metadata.json", {"category": category, "timestamps": list(first)}, first[0]

    return build


def _cue(sc: _Scene) -> tuple[str, Any, float | None]:
    t = _lead(sc)
    text, seconds = sc.pick(scripts.cue_requests(sc.voices.split))
    end = sc.say(text, t, "cue_request")
    ack = sc.reply(sc.pick(["Okay, I will tell you.", "Sure, I'll let you know.", "Got it."]), sc.take_after(end))
    due = end + seconds
    sc.tl.cue_due = due
    sc.tl.cue_known_from = max(ack, end + float(sc.rng.uniform(0.3, 0.9)))
    if sc.rng.random() < 0.3:  # the user chats to someone meanwhile; the cue must not wait for silence
        t2 = end + float(sc.rng.uniform(1.5, max(1.6, seconds - 2.5)))
        if t2 + 2.0 < due - 0.3:
            sc.say(sc.pick(scripts.side_remarks(sc.voices.split)), t2, "other", gain_db=-6.0)
    sc.reply(cue_phrase(seconds), round(due / TICK_S) * TICK_S, role="cue")
    return "cue.json", {"request_end": end, "due": due, "seconds": seconds, "request": text}, None


def _visual(sc: _Scene) -> tuple[str, Any, float | None]:
    t = _lead(sc) + float(sc.rng.uniform(1.0, 3.0))
    sc.visual_event = t
    sc.reply(sc.pick(list(_VISUAL_REMARKS)), tick_ceil(t) + TICK_S, role="visual")
    return "visual.json", {"event": t}, None


BUILDERS: dict[str, Builder] = {
    "smooth_turn_taking": _smooth,
    "pause_handling": _paused,
    "user_interruption": _interruption,
    "user_backchannel": _overlap("backchannel", scripts.user_backchannels, (-4.0, 2.0), False, (0.1, 0.3)),
    "talking_to_other": _overlap("other", scripts.side_remarks, (-12.0, -5.0), False, (0.5, 0.9)),
    "background_speech": _overlap("background", scripts.background_lines, (-20.0, -9.0), True, (0.4, 0.9)),
    "time_cue": _cue,
    "visual_event": _visual,
}
_DURATION = {"smooth_turn_taking": 14.0, "pause_handling": 18.0, "user_interruption": 20.0, "user_backchannel": 18.0,
             "talking_to_other": 18.0, "background_speech": 18.0, "time_cue": 22.0, "visual_event": 8.0}


def _visual_trace(rng: np.random.Generator, n: int, event_tick: int | None, away: list[tuple[int, int]]) -> np.ndarray:
    """Camera features per tick for a user sitting at the screen (values as app.vision.features gives them)."""
    fx, fy, size, bright = rng.uniform(0.4, 0.6), rng.uniform(0.35, 0.55), rng.uniform(0.15, 0.3), rng.uniform(0.3, 0.7)
    v = np.zeros((n, 7), np.float32)
    v[:, 0] = 1.0
    v[:, 1] = fx + rng.normal(0, 0.01, n)
    v[:, 2] = fy + rng.normal(0, 0.01, n)
    v[:, 3] = size + rng.normal(0, 0.005, n)
    v[:, 4] = np.abs(rng.normal(0.012, 0.006, n))
    v[:, 5] = np.abs(rng.normal(0.02, 0.01, n))
    v[:, 6] = bright + rng.normal(0, 0.005, n)
    for a, b in away:  # turned away: no frontal face, a burst of motion as the head turns
        v[a:b, 0:4] = 0.0
        v[a:min(n, a + 2), 4] += 0.05
    if event_tick is not None and event_tick < n:  # something held up or someone arriving
        k = slice(event_tick, min(n, event_tick + int(rng.integers(2, 5))))
        v[k, 4] += rng.uniform(0.08, 0.25)
        v[k, 5] += rng.uniform(0.15, 0.5)
        if rng.random() < 0.5:
            v[k, 3] *= 0.5
    return np.clip(v, 0.0, 1.0)


def build_session(category: str, split: str, seed: int, voices: Voices) -> Session:
    """One session of ``category``; the same (category, split, seed) gives the same session."""
    rng = np.random.default_rng(seed)
    duration = _DURATION[category]
    rir = synthetic_rir(rt60_s=float(rng.uniform(0.1, 0.6)), length_s=0.5, seed=seed) if rng.random() < 0.6 else None
    sc = _Scene(rng, voices, duration, random_talker(rng, split), rir)
    name, annotation, event_start = BUILDERS[category](sc)
    tl = sc.tl
    noise_db = float(rng.uniform(-75, -45)) if rng.random() < 0.7 else None
    noise = np.zeros_like(sc.user.audio)
    if noise_db is not None:
        white = rng.standard_normal(noise.size).astype(np.float32)
        colour = float(rng.uniform(0.0, 0.98))  # from white to brown-ish hum
        noise = convolve(white, colour ** np.arange(64, dtype=np.float32))
        noise *= 10 ** (noise_db / 20) / (np.sqrt(np.mean(noise**2)) + 1e-12)
    user = sc.user.audio + sc.event.audio + noise
    clean = sc.user.audio + noise if event_start is not None else None
    echo = None
    if split == "train" and rng.random() < 0.5:
        path = synthetic_rir(rt60_s=float(rng.uniform(0.2, 0.6)), length_s=0.5, seed=seed + 1)
        echo = convolve(sc.assistant.audio, path) * 10 ** (float(rng.uniform(-40, -18)) / 20)
    n = tl.n_ticks()
    camera = category == "visual_event" or rng.random() < 0.5
    visual = None
    if camera:
        away = [(int(s.start / TICK_S), int(s.end / TICK_S) + 1) for s in tl.user if s.role == "other"]
        event = None if sc.visual_event is None else int(sc.visual_event / TICK_S)
        visual = _visual_trace(rng, n, event, away)
    meta = {"category": category, "split": split, "seed": seed, "user_talker": sc.user_talker.describe(),
            "texts": sc.texts, "noise_db": noise_db, "echo": echo is not None, "camera": camera}
    return Session(category, tl, user.astype(np.float32), None if clean is None else clean.astype(np.float32),
                   sc.assistant.audio, echo, visual, (name, annotation), meta)
