"""The playback queue: synthesized utterances rendered block by block to whatever output pulls them.

``stop()`` takes effect at the next block (so output falls silent within one block) and reports exactly
how many samples of each utterance were rendered, i.e. what the user heard.
"""

from __future__ import annotations

import collections
import itertools
import threading
import time
from dataclasses import dataclass

import numpy as np

from app.core.frames import HeardSpan
from app.core.ring import AudioRing


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
        self._queue: collections.deque[_Utterance] = collections.deque()
        self._lock = threading.Lock()  # held only for a block copy
        self._ids = itertools.count(1)
        self._done: collections.deque[HeardSpan] = collections.deque()
        self.rendered_after_stop = 0  # samples rendered from an utterance after stop(): must stay 0

    @property
    def speaking(self) -> bool:
        """True while any utterance has samples left to play."""
        return bool(self._queue)

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
        return spans

    def render(self, out: np.ndarray, t_ns: int) -> None:
        """Fill ``out`` (one block) with queued audio or silence; ``t_ns`` is when it will be heard."""
        n = len(out)
        filled = 0
        with self._lock:
            while filled < n and self._queue:
                utt = self._queue[0]
                k = min(n - filled, len(utt.audio) - utt.pos)
                out[filled : filled + k] = utt.audio[utt.pos : utt.pos + k]
                utt.pos += k
                filled += k
                if utt.pos >= len(utt.audio):
                    self._queue.popleft()
                    self._done.append(HeardSpan(t_ns, utt.uid, utt.pos, len(utt.audio), stopped=False, text=utt.text))
        out[filled:] = 0.0
        if self._self_ring is not None:
            self._self_ring.write(out, t_ns)

    def drain_finished(self) -> list[HeardSpan]:
        """Utterances that played to the end since the last call."""
        spans = []
        while self._done:
            spans.append(self._done.popleft())
        return spans
