"""Real audio through PulseAudio: a null sink whose monitor is the microphone."""

import time

import numpy as np
import pytest

from app.audio_io import read_wav_mono, write_wav
from app.capture.backoff import Backoff
from app.capture.microphone import MicCapture
from app.core.clock import NS_PER_S
from app.core.frames import DeviceStatus
from app.core.ring import AudioRing
from app.paths import assets_dir
from app.speech.playback import PlaybackQueue
from app.speech.speaker import SpeakerOutput

pytestmark = pytest.mark.audio
SR = 16000


def wait_for(cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


def started_mic(ring: AudioRing, events: list) -> MicCapture:
    mic = MicCapture(ring, "default", on_event=events.append, backoff=Backoff(0.2, 1.0))
    mic.start()
    assert wait_for(lambda: mic.blocks > 20, 15), f"no audio from the mic: {[e.message for e in events]}"
    return mic


def normalized_xcorr_peak(recorded: np.ndarray, reference: np.ndarray) -> tuple[float, int]:
    n = len(recorded) + len(reference)
    size = 1 << (n - 1).bit_length()
    spec = np.fft.rfft(recorded, size) * np.conj(np.fft.rfft(reference, size))
    corr = np.fft.irfft(spec, size)[: len(recorded)]
    lag = int(np.argmax(corr))
    seg = recorded[lag:lag + len(reference)]
    denom = np.linalg.norm(seg) * np.linalg.norm(reference[: len(seg)]) + 1e-12
    return float(corr[lag] / denom), lag


def test_wav_played_into_the_sink_is_captured_through_sounddevice(pulse, tmp_path):
    speech = read_wav_mono(assets_dir() / "sample" / "demo.wav", SR)[: 4 * SR]
    wav = tmp_path / "speech.wav"
    write_wav(wav, speech, SR)
    ring = AudioRing(SR, 30)
    events: list = []
    mic = started_mic(ring, events)
    try:
        start = ring.written
        proc = pulse.play(wav)
        proc.wait(timeout=20)
        time.sleep(0.5)
        recorded = ring.read(start, ring.written - start)
    finally:
        mic.stop()
    assert proc.returncode == 0
    peak, lag = normalized_xcorr_peak(recorded, speech)
    assert peak > 0.95, f"captured audio does not match what was played (peak {peak:.3f})"
    assert 0 <= lag < len(recorded) - len(speech) + 1


def test_playback_stop_silences_within_a_block_and_reports_what_was_heard(pulse):
    ring = AudioRing(SR, 30)
    events: list = []
    mic = started_mic(ring, events)
    self_ring = AudioRing(SR, 30)
    playback = PlaybackQueue(self_ring)
    speaker = SpeakerOutput(playback, "default", sample_rate=SR, block_ms=10)
    speaker.start()
    try:
        assert wait_for(lambda: speaker.blocks > 20, 10)
        tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(3 * SR) / SR)).astype(np.float32)
        rec_start = ring.written
        playback.enqueue(tone, "tone")
        time.sleep(0.8)
        t_stop = time.monotonic_ns()
        spans = playback.stop()
        time.sleep(0.6)
        recorded = ring.read(rec_start, ring.written - rec_start)
        played = self_ring.read(0, self_ring.written)
    finally:
        speaker.close()
        mic.stop()
    heard = spans[0].heard_samples
    assert spans[0].stopped and 0.5 * SR < heard < 1.2 * SR
    # What reached the speaker is exactly the first `heard` samples of the tone, then silence.
    nz = np.flatnonzero(played)
    assert nz[-1] - nz[0] + 1 == pytest.approx(heard, abs=1)
    # Software stop latency: the last tone sample's play-out time minus the stop() call,
    # less the device's own output latency (which no software stop can shorten).
    end_play_ns = self_ring.time_of(int(nz[-1]))
    assert end_play_ns is not None
    stop_latency_ms = (end_play_ns - t_stop) / 1e6 - speaker.latency_s * 1000
    print(f"stop latency {stop_latency_ms:.1f} ms after the device's {speaker.latency_s * 1000:.0f} ms")
    assert stop_latency_ms <= 20.0
    # The recording holds the same number of tone samples (a block either way for edge rounding). They
    # are counted, not spanned: on a busy machine the sound server may leave a gap inside the tone.
    env = np.convolve(np.abs(recorded), np.ones(80) / 80, mode="same")
    loud = np.flatnonzero(env > 0.05)
    assert loud.size == pytest.approx(heard, abs=2 * 160)
    # After the stop there is only silence in the recording.
    assert np.abs(recorded[loud[-1] + 200:]).max() < 0.01


def test_microphone_loss_is_reported_and_capture_resumes_without_restart(pulse):
    ring = AudioRing(SR, 30)
    events: list = []
    mic = started_mic(ring, events)
    try:
        pulse.stop()  # the sound server dies: the stream really fails
        assert wait_for(lambda: mic.status in (DeviceStatus.LOST, DeviceStatus.RETRYING), 10)
        assert wait_for(lambda: any(e.status is DeviceStatus.RETRYING for e in events), 10)
        lost_at = mic.blocks
        time.sleep(1.0)
        assert mic.blocks == lost_at, "no audio may arrive while the device is gone"
        pulse.start()
        assert wait_for(lambda: mic.status is DeviceStatus.RUNNING and mic.blocks > lost_at + 50, 20), \
            [f"{e.status}: {e.message}" for e in events]
    finally:
        mic.stop()
    statuses = [e.status for e in events]
    first_lost = statuses.index(DeviceStatus.LOST)
    assert DeviceStatus.RUNNING in statuses[first_lost:]
    assert (ring.time_of(ring.written - 1) or 0) > time.monotonic_ns() - 2 * NS_PER_S


def test_devices_are_chosen_by_name_and_a_wrong_name_says_what_exists(pulse):
    from app.capture.devices import DeviceNotFoundError, find_audio_device, list_audio_devices

    names = [d.name for d in list_audio_devices()]
    assert "pulse" in names
    assert find_audio_device("PULSE", "input") == names.index("pulse")
    assert find_audio_device("default", "output") is None
    with pytest.raises(DeviceNotFoundError) as info:
        find_audio_device("Studio Mic 3000", "input")
    assert "'pulse'" in str(info.value) and "audio.input_device" in str(info.value)
