"""The playback queue: synthesized utterances rendered block by block to whatever output pulls them.

``stop()`` takes effect at the next block (so output falls silent within one block) and reports exactly
how many samples of each utterance were rendered, i.e. what the user heard. ``hold(True)`` silences
output the same way but keeps the place: ``hold(False)`` plays on from the very sample where it fell
silent, so a voice held for a moment of doubt ("is the user cutting in?") loses no words. Silence
already in the utterance goes on playing through a hold (the hold waits at the next sound), and both
edges of a held sound are faded over ``FADE_S`` so they do not click.

A hold and the pause after it overlap instead of adding up, so that a held voice does not sound like
one that stopped: when the voice plays on, the quiet just ahead in the reply (the dying end of a word,
the pause before the next phrase) is skipped for as long as the hold lasted. (The pause before a hold
has been heard already; cutting the hold short there would let the voice sound again just before the
tick that decides whether the user is cutting in, and every real interruption there would stop late.)
"""

from __future__ import annotations

import collections
import itertools
import threading
import time
from dataclasses import dataclass

import numpy as np

from app.audio_io import rms_db
from app.core.frames import HeardSpan
from app.core.ring import AudioRing
from app.speech.audio import APP_RATE

FADE_S = 0.005
QUIET = 10 ** (-60 / 20)
"""Samples at or below this (-60 dBFS) are silence: a hold lets them play on."""
PAUSE_QUIET_DB = -45.0
"""A frame whose RMS level is below this (dBFS) is part of a pause as the listener hears it."""
FRAME_S = 0.010
"""The step in which quiet ahead is skipped after a hold."""
SKIP_QUIET_DB = -40.0
"""Quiet ahead that a hold may skip is below this (dBFS per ``FRAME_S``). The voice's words sit above it (10 ms
inside a word: -18 dBFS in the median, -35 at the 1st percentile over the benchmark's replies), while the dying
end of a word and the breath before the next phrase wander around -45 dBFS (-42, -46, -47, -61, -71, -43 after a
held "found."): a skip that stopped at the first frame over ``PAUSE_QUIET_DB`` skipped nothing there, and the held
voice fell silent for 0.4 s instead of 0.2 s, which reads as a stop."""


@dataclass
class _Utterance:
    uid: int
    audio: np.ndarray
    text: str
    pos: int = 0


class PlaybackQueue:
    """Utterances waiting to be played; rendered from the audio callback, fed and stopped elsewhere."""

    def __init__(self, self_ring: AudioRing | None = None) -> None:
        self._self_ring = self_ring
        rate = self_ring.sample_rate if self_ring is not None else APP_RATE
        self._fade = max(1, int(rate * FADE_S))
        self._frame = max(1, int(rate * FRAME_S))
        self._held = False  # asked to hold
        self._silent = False  # the hold has reached a sound: nothing advances
        self._faded = False  # the hold cut a sound short: fade in when it plays on
        self._held_for = 0  # samples held silent at a sound: quiet ahead to skip when it plays on
        self._queue: collections.deque[_Utterance] = collections.deque()
        self._lock = threading.Lock()  # held only for a block copy
        self._ids = itertools.count(1)
        self._done: collections.deque[HeardSpan] = collections.deque()
        self.rendered_after_stop = 0  # samples rendered from an utterance after stop(): must stay 0

    @property
    def speaking(self) -> bool:
        """True while any utterance has samples left to play (held or not)."""
        return bool(self._queue)

    @property
    def held(self) -> bool:
        """True while a hold keeps the output silent at its place."""
        return self._held

    def hold(self, on: bool) -> None:
        """Silence output from the next block on, keeping the place (True), or play on from it (False)."""
        with self._lock:
            self._held = bool(on) and bool(self._queue)

    def enqueue(self, audio: np.ndarray, text: str = "") -> int:
        """Queue mono float32 audio at the output rate; returns the utterance id."""
        utt = _Utterance(next(self._ids), np.asarray(audio, dtype=np.float32), text)
        with self._lock:
            self._queue.append(utt)
        return utt.uid

    def stop(self, t_ns: int | None = None) -> list[HeardSpan]:
        """Silence output from the next block on and drop everything queued; returns what was heard."""
        now = time.monotonic_ns() if t_ns is None else t_ns
        with self._lock:
            spans = [HeardSpan(now, u.uid, u.pos, len(u.audio), stopped=True, text=u.text) for u in self._queue]
            self._queue.clear()
            self._clear_hold()
        return spans

    def _clear_hold(self) -> None:
        self._held = self._silent = self._faded = False
        self._held_for = 0

    def render(self, out: np.ndarray, t_ns: int) -> None:
        """Fill ``out`` (one block) with queued audio or silence; ``t_ns`` is when it will be heard."""
        n = len(out)
        with self._lock:
            if self._held and self._silent:  # held at a sound: nothing advances
                filled = 0
                self._held_for += n
            elif self._held and self._sound_next():  # cut in mid-sound: fade it out, then hold
                filled = self._take(out, min(n, self._fade), t_ns)
                out[:filled] *= np.linspace(1.0, 0.0, filled, dtype=np.float32)
                self._silent = self._faded = True
            elif self._held:
                # A hold stops sound, not time: silence in the utterance (the pause between the opener
                # and the answer) plays on up to the next sound, so a hold there does not lengthen it.
                filled = self._take(out, n, t_ns, quiet_only=True)
                self._silent = bool(self._queue) and (filled < n or self._sound_next())
            else:
                if self._held_for:
                    self._skip_quiet(self._held_for)
                filled = self._take(out, n, t_ns)
                if self._faded:  # playing on after a hold that cut a sound: fade in
                    k = min(filled, self._fade)
                    out[:k] *= np.linspace(0.0, 1.0, k, dtype=np.float32)
                self._silent = self._faded = False
                self._held_for = 0
        out[filled:] = 0.0
        if self._self_ring is not None:
            self._self_ring.write(out, t_ns)

    def _skip_quiet(self, limit: int) -> None:
        """Advance past up to ``limit`` samples of quiet at the front of the queue, frame by frame (lock held)."""
        if not self._queue:
            return
        utt, skipped = self._queue[0], 0
        while skipped + self._frame <= limit and utt.pos + self._frame <= len(utt.audio):
            if rms_db(utt.audio[utt.pos : utt.pos + self._frame]) >= SKIP_QUIET_DB:
                break
            utt.pos += self._frame
            skipped += self._frame

    def _sound_next(self) -> bool:
        """Whether the next ``FADE_S`` of the queue hold sound, not silence or a zero crossing (lock held)."""
        if not self._queue:
            return False
        utt = self._queue[0]
        return bool(np.any(np.abs(utt.audio[utt.pos : utt.pos + self._fade]) > QUIET))

    def _take(self, out: np.ndarray, n: int, t_ns: int, quiet_only: bool = False) -> int:
        """Copy up to ``n`` queued samples into ``out``, advancing; returns how many (lock held).

        ``quiet_only``: stop before the first sample louder than ``QUIET``.
        """
        filled = 0
        while filled < n and self._queue:
            utt = self._queue[0]
            k = min(n - filled, len(utt.audio) - utt.pos)
            if quiet_only:
                loud = np.flatnonzero(np.abs(utt.audio[utt.pos : utt.pos + k]) > QUIET)
                if loud.size:
                    k = int(loud[0])
            out[filled : filled + k] = utt.audio[utt.pos : utt.pos + k]
            utt.pos += k
            filled += k
            if utt.pos >= len(utt.audio):
                self._queue.popleft()
                self._done.append(HeardSpan(t_ns, utt.uid, utt.pos, len(utt.audio), stopped=False, text=utt.text))
            elif quiet_only and filled < n:
                break  # sound is next
        if not self._queue:
            self._clear_hold()
        return filled

    def drain_finished(self) -> list[HeardSpan]:
        """Utterances that played to the end since the last call."""
        spans = []
        while self._done:
            spans.append(self._done.popleft())
        return spans
