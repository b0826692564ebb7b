"""The live session: real microphone and speaker, the micro-turn loop on the monotonic clock.

Qt-free; the desktop window hosts ``run`` on a QThread and receives decisions and device events
through the callbacks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import numpy as np

from app.capture.backoff import Backoff
from app.capture.microphone import MicCapture
from app.config import Settings
from app.core.clock import MonotonicClock
from app.core.frames import Decision, DeviceEvent, DeviceStatus
from app.core.ring import RingBuffer
from app.dialogue import DialogueLoop, build_dialogue
from app.interaction.cues import CueClock
from app.interaction.loop import InteractionLoop
from app.interaction.policies import build_policy
from app.interaction.scheduler import MicroTurnScheduler, TickStats
from app.session import SAMPLE_RATE, chime_responder
from app.speech.playback import PlaybackQueue
from app.speech.speaker import SpeakerOutput

log = logging.getLogger(__name__)


class LiveSession:
    """Owns the devices and the loop for one run of the desktop app."""

    def __init__(self, settings: Settings, *, on_decision: Callable[[Decision], None],
                 on_device_event: Callable[[DeviceEvent], None],
                 on_frame: Callable[[object], None] | None = None) -> None:
        self.settings = settings
        self._on_decision = on_decision
        self._on_device_event = on_device_event
        self._on_frame = on_frame or (lambda f: None)
        self.ring = RingBuffer(SAMPLE_RATE, settings.audio.ring_seconds, settings.camera.ring_frames)
        self.playback = PlaybackQueue(self.ring.self_audio)
        self.mic = MicCapture(self.ring.mic, settings.audio.input_device, block_ms=settings.audio.block_ms,
                              on_event=on_device_event,
                              backoff=Backoff(max_s=settings.audio.reconnect_max_backoff_s))
        self.stats = TickStats()
        self.cues = CueClock()  # requested times, shared by the conversation and the floor policy

    def _policy_problem(self, message: str) -> None:
        self._on_device_event(DeviceEvent(t_ns=MonotonicClock().now_ns(), device="interaction model",
                                          status=DeviceStatus.LOST, message=message))

    def _open_speaker(self) -> SpeakerOutput | None:
        try:
            speaker = SpeakerOutput(self.playback, self.settings.audio.output_device,
                                    sample_rate=SAMPLE_RATE, block_ms=self.settings.audio.block_ms)
            speaker.start()
        except Exception as exc:  # noqa: BLE001 - no speaker: keep listening, say why
            self._on_device_event(DeviceEvent(t_ns=MonotonicClock().now_ns(), device="speaker",
                                              status=DeviceStatus.LOST,
                                              message=f"cannot open speaker ({exc}); replies are muted"))
            return None
        self._on_device_event(DeviceEvent(t_ns=MonotonicClock().now_ns(), device="speaker",
                                          status=DeviceStatus.RUNNING, message="speaker ready"))
        return speaker

    def _latest_frame(self) -> np.ndarray | None:
        frame = self.ring.video.latest()
        return None if frame is None else frame.image

    def _open_dialogue(self) -> tuple[DialogueLoop | None, Callable[[], None]]:
        """Recognition, reasoning and speech; without them the assistant still answers with a chime."""
        try:
            return build_dialogue(self.settings, self.playback, self._on_frame, self._latest_frame, cues=self.cues)
        except Exception as exc:
            log.exception("conversation parts failed to load")
            self._on_device_event(DeviceEvent(t_ns=MonotonicClock().now_ns(), device="speech",
                                              status=DeviceStatus.LOST,
                                              message=f"speech or reasoning unavailable ({exc}); "
                                                      "replying with a chime"))
            return None, lambda: None

    def run(self, stop: threading.Event) -> TickStats:
        """Capture, decide and play until ``stop`` is set; device failures are reported, never raised."""
        clock = MonotonicClock()
        self.mic.start()
        speaker = self._open_speaker()
        dialogue, close_dialogue = self._open_dialogue()
        canceller = None
        if self.settings.speech.echo_cancellation:
            from app.speech.aec import EchoCanceller

            canceller = EchoCanceller()
        policy = build_policy(self.settings, self.cues, camera=self.settings.camera.enabled,
                              on_problem=self._policy_problem)
        loop = InteractionLoop(self.ring, self.playback, policy,
                               None if dialogue else chime_responder, tick_ms=self.settings.interaction.tick_ms,
                               hooks=[dialogue.on_tick] if dialogue else [], echo_canceller=canceller,
                               on_heard=self._on_frame)
        scheduler = MicroTurnScheduler(clock, loop, period_ms=self.settings.interaction.tick_ms,
                                       on_decision=self._on_decision, catch_up=False)
        try:
            self.stats = scheduler.run(clock.now_ns(), stop=stop)
        finally:
            self.mic.stop()
            close_dialogue()
            if speaker is not None:
                speaker.close()
        return self.stats
