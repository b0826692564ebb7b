"""Time-aligned ring buffers for mic audio, the assistant's own audio and video frames.

Writers (audio callbacks, the camera worker) only copy and bump a counter; readers copy a window out
and check afterwards that the writer did not lap them (a seqlock without the lock), so the callbacks
never wait on a reader.
"""

from __future__ import annotations

import collections
import threading

import numpy as np

from app.core.clock import NS_PER_S
from app.core.frames import Snapshot, VideoFrame

_STAMPS = 1024  # block timestamps kept per channel; enough for minutes of 10 ms blocks


class AudioRing:
    """Mono float32 audio at a fixed rate, each written block stamped with the time of its first sample."""

    def __init__(self, sample_rate: int, seconds: float) -> None:
        self.sample_rate = sample_rate
        self.capacity = int(sample_rate * seconds)
        self._buf = np.zeros(self.capacity, dtype=np.float32)
        self._written = 0  # total samples ever written; only the writer changes it
        # (first sample index, t_ns of that sample) per block, for mapping time to sample index.
        self._stamps: collections.deque[tuple[int, int]] = collections.deque(maxlen=_STAMPS)

    @property
    def written(self) -> int:
        """Total samples written since creation (monotonic; never wraps)."""
        return self._written

    def write(self, block: np.ndarray, t_ns: int) -> None:
        """Copy one block in; ``t_ns`` is the capture (or play-out) time of its first sample."""
        n = len(block)
        if n == 0:
            return
        if n > self.capacity:
            block = block[-self.capacity:]
            t_ns += (n - self.capacity) * NS_PER_S // self.sample_rate
            n = self.capacity
        start = self._written % self.capacity
        end = start + n
        if end <= self.capacity:
            self._buf[start:end] = block
        else:
            k = self.capacity - start
            self._buf[start:] = block[:k]
            self._buf[: n - k] = block[k:]
        self._stamps.append((self._written, t_ns))
        self._written += n  # publish last: readers never see a count ahead of the data

    def index_at(self, t_ns: int) -> int:
        """Sample index (in ``written`` units) of time ``t_ns``, from the nearest earlier block stamp."""
        stamps = list(self._stamps)  # atomic copy; deque iteration while appending is not safe
        if not stamps:
            return 0
        for idx, ts in reversed(stamps):
            if ts <= t_ns:
                return idx + (t_ns - ts) * self.sample_rate // NS_PER_S
        idx, ts = stamps[0]
        return idx - (ts - t_ns) * self.sample_rate // NS_PER_S

    def time_of(self, index: int) -> int | None:
        """Monotonic time of sample ``index``, or None before anything was written."""
        stamps = list(self._stamps)
        if not stamps:
            return None
        for idx, ts in reversed(stamps):
            if idx <= index:
                return ts + (index - idx) * NS_PER_S // self.sample_rate
        idx, ts = stamps[0]
        return ts - (idx - index) * NS_PER_S // self.sample_rate

    def read(self, start: int, n: int) -> np.ndarray:
        """Copy samples [start, start+n); zeros where nothing (or nothing still held) was written."""
        out = np.zeros(n, dtype=np.float32)
        for _ in range(4):
            written = self._written
            lo = max(start, written - self.capacity, 0)
            hi = min(start + n, written)
            if hi > lo:
                a, b = lo % self.capacity, hi % self.capacity
                seg = out[lo - start: hi - start]
                if a < b:
                    seg[:] = self._buf[a:a + (hi - lo)]
                else:
                    k = self.capacity - a
                    seg[:k] = self._buf[a:]
                    seg[k:] = self._buf[: hi - lo - k]
            # The writer may have lapped us while copying: if so the oldest part is stale, retry.
            if self._written - self.capacity <= lo:
                return out
            out[:] = 0.0
        return out

    def window(self, t_end_ns: int, n: int) -> np.ndarray:
        """The ``n`` samples that end at time ``t_end_ns`` (zeros where not yet captured)."""
        end = self.index_at(t_end_ns)
        return self.read(end - n, n)


class VideoRing:
    """The most recent camera frames; appends are atomic, so the camera thread never waits."""

    def __init__(self, max_frames: int) -> None:
        self._frames: collections.deque[VideoFrame] = collections.deque(maxlen=max_frames)

    def write(self, frame: VideoFrame) -> None:
        """Add a frame (frames arrive in time order)."""
        self._frames.append(frame)

    def latest(self, t_ns: int | None = None) -> VideoFrame | None:
        """The newest frame captured at or before ``t_ns`` (or the newest of all)."""
        frames = list(self._frames)
        for f in reversed(frames):
            if t_ns is None or f.t_ns <= t_ns:
                return f
        return None

    def __len__(self) -> int:
        return len(self._frames)


class RingBuffer:
    """Mic audio, the assistant's own (played) audio and video frames on one time axis."""

    def __init__(self, sample_rate: int = 16000, seconds: float = 30.0, video_frames: int = 32) -> None:
        self.sample_rate = sample_rate
        self.mic = AudioRing(sample_rate, seconds)
        self.self_audio = AudioRing(sample_rate, seconds)
        self.video = VideoRing(video_frames)
        self._snap_lock = threading.Lock()  # only serialises readers; writers never take it

    def snapshot(self, t_ns: int, duration_ns: int) -> Snapshot:
        """Copy the window [t_ns - duration_ns, t_ns) of every channel into one immutable frame."""
        n = int(duration_ns * self.sample_rate // NS_PER_S)
        with self._snap_lock:
            mic = self.mic.window(t_ns, n)
            own = self.self_audio.window(t_ns, n) if self.self_audio.written else np.zeros(n, np.float32)
            frame = self.video.latest(t_ns)
        return Snapshot(t_ns=t_ns, start_ns=t_ns - duration_ns, mic=mic, self_audio=own, video=frame)
