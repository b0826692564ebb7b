"""The live session: real microphone and speaker, the micro-turn loop on the monotonic clock.

Qt-free; the desktop window hosts ``run`` on a QThread and receives decisions and device events
through the callbacks.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

import numpy as np

from app.capture.backoff import Backoff
from app.capture.microphone import MicCapture
from app.config import Settings
from app.core.clock import MonotonicClock
from app.core.frames import Decision, DeviceEvent, DeviceStatus, HeardSpan
from app.core.ring import RingBuffer
from app.dialogue import DialogueLoop, build_dialogue
from app.interaction.cues import CueClock
from app.interaction.loop import InteractionLoop
from app.interaction.policies import build_policy
from app.interaction.scheduler import MicroTurnScheduler, TickStats
from app.interaction.turn_text import TurnText
from app.session import SAMPLE_RATE, chime_responder
from app.speech.duplex import DuplexSetup, duplex_setup
from app.speech.echo_check import EchoCheckResult
from app.speech.echo_store import default_store, measure
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
        self.turn_text = TurnText()  # the newest partial transcript, likewise shared

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

    def _heard_by(self, dialogue: DialogueLoop | None) -> Callable[[HeardSpan], None]:
        """What the user heard of each clause goes to the window, and to the conversation (to resume a reply)."""
        if dialogue is None:
            return self._on_frame

        def heard(span: HeardSpan) -> None:
            dialogue.heard(span)
            self._on_frame(span)

        return heard

    def _latest_frame(self) -> np.ndarray | None:
        frame = self.ring.video.latest()
        return None if frame is None else frame.image

    def _open_dialogue(self) -> tuple[DialogueLoop | None, Callable[[], None]]:
        """Recognition, reasoning and speech; without them the assistant still answers with a chime."""
        try:
            return build_dialogue(self.settings, self.playback, self._on_frame, self._latest_frame, cues=self.cues,
                                  turn_text=self.turn_text)
        except Exception as exc:
            log.exception("conversation parts failed to load")
            self._on_device_event(DeviceEvent(t_ns=MonotonicClock().now_ns(), device="speech",
                                              status=DeviceStatus.LOST,
                                              message=f"speech or reasoning unavailable ({exc}); "
                                                      "replying with a chime"))
            return None, lambda: None

    def _echo_event(self, status: DeviceStatus, message: str) -> None:
        self._on_device_event(DeviceEvent(t_ns=MonotonicClock().now_ns(), device="echo", status=status,
                                          message=message))

    def _echo_check(self) -> EchoCheckResult | None:
        """The stored check for these devices; without one, run it now (before the mic opens) and store it."""
        inp, out = self.settings.audio.input_device, self.settings.audio.output_device
        store = None
        try:
            store = default_store()
            stored = store.latest(inp, out)
        except (OSError, sqlite3.Error) as exc:
            log.warning("echo check history unreadable: %s", exc)
            stored = None
        if stored is not None:
            return stored.result
        if not self.settings.speech.echo_check_at_start:
            return None
        self._echo_event(DeviceStatus.STARTING, "echo check: playing a short sound to measure the echo")
        try:
            return measure(inp, out, store).result
        except Exception as exc:  # noqa: BLE001 - no speaker or mic: cancel anyway, measuring the delay live
            self._echo_event(DeviceStatus.LOST, f"echo check failed ({exc}); echo cancellation stays on")
            return None

    def _duplex(self) -> DuplexSetup:
        """How the mic is cleaned while Tandem talks, from the echo check; said in the events log."""
        setup = duplex_setup(self._echo_check(), self.settings.speech.noise_suppression)
        self._echo_event(DeviceStatus.RUNNING, setup.summary)
        return setup

    def run(self, stop: threading.Event) -> TickStats:
        """Capture, decide and play until ``stop`` is set; device failures are reported, never raised."""
        clock = MonotonicClock()
        duplex = self._duplex() if self.settings.speech.echo_cancellation else None
        self.mic.start()
        speaker = self._open_speaker()
        dialogue, close_dialogue = self._open_dialogue()
        canceller, settings = None, self.settings
        if duplex is not None:
            canceller = duplex.cleaner
            if duplex.sensitivity_scale != 1.0:
                knobs = settings.interaction.model_copy(update={"interruption_sensitivity": round(
                    settings.interaction.interruption_sensitivity * duplex.sensitivity_scale, 3)})
                settings = settings.model_copy(update={"interaction": knobs})
        policy = build_policy(settings, self.cues, camera=self.settings.camera.enabled,
                              on_problem=self._policy_problem, turn_text=self.turn_text if dialogue else None)
        loop = InteractionLoop(self.ring, self.playback, policy,
                               None if dialogue else chime_responder, [dialogue.pump] if dialogue else [],
                               tick_ms=self.settings.interaction.tick_ms,
                               hooks=[dialogue.on_tick] if dialogue else [], echo_canceller=canceller,
                               on_heard=self._heard_by(dialogue))
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
