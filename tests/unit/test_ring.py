import threading

import numpy as np
import pytest

from app.core.frames import VideoFrame
from app.core.ring import AudioRing, RingBuffer

SR = 16000
MS = 1_000_000


def ramp_block(start: int, n: int) -> np.ndarray:
    return np.arange(start, start + n, dtype=np.float32)


def test_wraparound_keeps_newest_samples_in_order():
    ring = AudioRing(SR, seconds=0.1)  # 1600 samples
    for i in range(25):  # 4000 samples: wraps 2.5 times
        ring.write(ramp_block(i * 160, 160), i * 10 * MS)
    assert ring.written == 4000
    got = ring.read(4000 - 1600, 1600)
    np.testing.assert_array_equal(got, ramp_block(2400, 1600))
    # A window straddling the physical end of the buffer is still contiguous.
    np.testing.assert_array_equal(ring.read(3000, 800), ramp_block(3000, 800))


def test_overwritten_and_future_samples_read_as_zero():
    ring = AudioRing(SR, seconds=0.1)
    for i in range(20):
        ring.write(ramp_block(i * 160, 160), i * 10 * MS)
    got = ring.read(0, 3400)  # [0, 1600) overwritten, [3200, 3400) not written yet
    assert not got[:1600].any()
    np.testing.assert_array_equal(got[1600:3200], ramp_block(1600, 1600))
    assert not got[3200:].any()


def test_time_maps_to_sample_index_and_back():
    ring = AudioRing(SR, seconds=1.0)
    t0 = 5_000 * MS
    for i in range(50):
        ring.write(ramp_block(i * 160, 160), t0 + i * 10 * MS)
    assert ring.index_at(t0) == 0
    assert ring.index_at(t0 + 123 * MS) == 123 * 16
    assert ring.time_of(1600) == t0 + 100 * MS
    window = ring.window(t0 + 200 * MS, 1600)
    np.testing.assert_array_equal(window, ramp_block(1600, 1600))


def test_mic_and_self_channels_align_on_time_not_on_sample_count():
    rb = RingBuffer(SR, seconds=2.0)
    # The mic started 50 ms before playback; both carry a marker at absolute time 300 ms.
    mic = np.zeros(SR, np.float32)
    own = np.zeros(SR, np.float32)
    mic[int(0.300 * SR)] = 1.0
    own[int(0.250 * SR)] = 1.0
    for i in range(0, SR, 160):
        rb.mic.write(mic[i:i + 160], i * 1000 * MS // SR)
        rb.self_audio.write(own[i:i + 160], 50 * MS + i * 1000 * MS // SR)
    snap = rb.snapshot(400 * MS, 200 * MS)
    assert int(np.argmax(snap.mic)) == int(np.argmax(snap.self_audio)) == int(0.100 * SR)
    assert snap.start_ns == 200 * MS


def test_snapshot_is_immutable_copy():
    rb = RingBuffer(SR, seconds=1.0)
    rb.mic.write(np.ones(3200, np.float32), 0)
    rb.video.write(VideoFrame(t_ns=100 * MS, image=np.zeros((4, 4, 3), np.uint8)))
    snap = rb.snapshot(200 * MS, 200 * MS)
    with pytest.raises(ValueError):
        snap.mic[0] = 5.0
    rb.mic.write(np.full(3200, 7.0, np.float32), 200 * MS)
    assert float(snap.mic.max()) == 1.0
    assert snap.video is not None and snap.video.t_ns == 100 * MS
    assert rb.snapshot(50 * MS, 50 * MS).video is None  # no frame captured before 50 ms


def test_concurrent_writer_never_gives_reader_a_torn_window():
    ring = AudioRing(SR, seconds=0.5)
    stop = threading.Event()
    period = 8192  # sample values wrap here: float32 holds these integers exactly (a raw count would not)

    def writer() -> None:
        i = 0
        while not stop.is_set():
            idx = np.arange(i * 160, i * 160 + 160, dtype=np.int64)
            ring.write(((idx % period) + 1).astype(np.float32), i * 10 * MS)
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        checked = 0
        while checked < 2000:
            w = ring.written
            if w < 3200:
                continue
            got = ring.read(w - 3200, 3200)
            if got[0] == 0.0:  # lapped while copying: reader retried and gave up with zeros
                continue
            np.testing.assert_array_equal(np.diff(got) % period, np.ones(3199, np.float32))
            checked += 1
    finally:
        stop.set()
        t.join()
