"""Headless sessions: a WAV (and optionally a video) in, the assistant's time-aligned output out.

Writes ``output.wav`` (16 kHz mono, exactly the input's length), ``events.jsonl`` (one line per
micro-turn, flushed as it goes so a crash loses nothing) and ``transcript.json``.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.audio_io import write_wav
from app.capture.files import FileCamera, FileMic
from app.config import Settings
from app.core.clock import NS_PER_S, Clock, MonotonicClock, VirtualClock
from app.core.frames import Action, Decision
from app.core.ring import RingBuffer
from app.dialogue import build_dialogue
from app.interaction.cues import CueClock
from app.interaction.loop import FloorPolicy, InteractionLoop, Responder
from app.interaction.policies import build_policy as _build_policy
from app.interaction.scheduler import MicroTurnScheduler
from app.speech.earcon import chime
from app.speech.playback import PlaybackQueue
from app.speech.speaker import VirtualSpeaker

SAMPLE_RATE = 16000

Transcriber = Callable[[Path], dict[str, Any]]
"""Transcribes a user-channel file into {"text": ..., "words": [{"word", "start", "end"}, ...]}."""


@dataclass(frozen=True)
class SessionResult:
    """What a headless run produced and how fast it ran."""

    out_dir: Path
    duration_s: float
    wall_s: float
    timing: dict[str, float | int]
    decisions: list[dict[str, Any]]
    transcript: dict[str, Any]


def chime_responder(_t_ns: int) -> tuple[Any, str]:
    """Reply with a chime: the audible acknowledgement used until speech synthesis is wired in."""
    return chime(SAMPLE_RATE), "[chime]"


def file_transcriber(settings: Settings) -> Transcriber:
    """The user channel's transcript with word times, from the configured recognizer."""
    def transcribe(path: Path) -> dict[str, Any]:
        from app.speech.asr import transcribe_file

        return transcribe_file(path, settings.speech.asr_model, settings.speech.asr_threads)

    return transcribe


def build_policy(settings: Settings, cues: CueClock | None = None, camera: bool = False) -> FloorPolicy:
    """The floor policy the settings ask for."""
    return _build_policy(settings, cues, camera)


def run_headless(settings: Settings, mic_file: Path, out_dir: Path, *, camera_file: Path | None = None,
                 fast: bool = False, responder: Responder = chime_responder,
                 transcriber: Transcriber | None = None, dialogue: bool = False) -> SessionResult:
    """Run one session from files; ``fast`` runs on the virtual clock with the same decisions.

    ``dialogue`` replaces the chime with the real conversation (recognition, reasoning, speech); its
    parts work on their own threads in real time, so it cannot be combined with ``fast``.
    """
    if dialogue and fast:
        raise ValueError("the spoken conversation runs in real time: drop --fast to use it")
    wall0 = time.perf_counter()
    ring = RingBuffer(SAMPLE_RATE, settings.audio.ring_seconds, settings.camera.ring_frames)
    playback = PlaybackQueue(ring.self_audio)
    # Models load before the clock starts, so loading does not count as the first ticks being late.
    cues = CueClock()
    talk, close_talk = build_dialogue(settings, playback, cues=cues) if dialogue else (None, lambda: None)
    clock: Clock = VirtualClock() if fast else MonotonicClock()
    t0 = clock.now_ns()
    mic = FileMic(mic_file, ring.mic, t0, settings.audio.block_ms)
    speaker = VirtualSpeaker(playback, t0, len(mic.audio), sample_rate=SAMPLE_RATE, block_ms=settings.audio.block_ms)
    pumps = [mic.pump, speaker.pump]
    camera = FileCamera(camera_file, ring.video, t0, settings.camera.width) if camera_file else None
    if camera is not None:
        pumps.append(camera.pump)
    if talk is not None:
        pumps.append(talk.pump)  # the recognizer's newest partial, before the policy's step
    loop = InteractionLoop(ring, playback, build_policy(settings, cues, camera is not None),
                           None if talk else responder, pumps, settings.interaction.tick_ms,
                           hooks=[talk.on_tick] if talk else [],
                           on_heard=talk.heard if talk else None,
                           responders=None if talk else {Action.INTERJECT: responder})

    out_dir.mkdir(parents=True, exist_ok=True)
    decisions: list[dict[str, Any]] = []
    tick_samples = SAMPLE_RATE * settings.interaction.tick_ms // 1000
    with (out_dir / "events.jsonl").open("w", encoding="utf-8") as events:
        def record(d: Decision) -> None:
            line = d.to_json(t0)
            decisions.append(line)
            events.write(json.dumps(line) + "\n")
            events.flush()

        scheduler = MicroTurnScheduler(clock, loop, period_ms=settings.interaction.tick_ms, on_decision=record)
        try:
            stats = scheduler.run(t0, n_ticks=math.ceil(len(mic.audio) / tick_samples))
        finally:
            close_talk()
    speaker.pump(t0 + mic.duration_ns)
    if camera is not None:
        camera.close()

    write_wav(out_dir / "output.wav", speaker.output, SAMPLE_RATE)
    transcript = {
        "input": str(mic_file),
        "duration_s": round(len(mic.audio) / SAMPLE_RATE, 3),
        "user": transcriber(mic_file) if transcriber else None,
        "assistant": _assistant_turns(loop, t0),
    }
    if talk is not None:
        transcript["dialogue"] = {"user_turns": talk.user_turns, "spoken": talk.speech.spoken}
    (out_dir / "transcript.json").write_text(json.dumps(transcript, indent=2), encoding="utf-8")
    return SessionResult(out_dir=out_dir, duration_s=transcript["duration_s"], wall_s=time.perf_counter() - wall0,
                         timing=stats.summary(), decisions=decisions, transcript=transcript)


def _assistant_turns(loop: InteractionLoop, t0: int) -> list[dict[str, Any]]:
    heard = {h.utterance_id: h for h in loop.heard}
    turns = []
    for uid, t_ns, text in loop.replies:
        h = heard.get(uid)
        turns.append({
            "start": round((t_ns - t0) / NS_PER_S, 3),
            "text": text,
            "heard_s": round(h.heard_samples / SAMPLE_RATE, 3) if h else None,
            "total_s": round(h.total_samples / SAMPLE_RATE, 3) if h else None,
            "stopped": h.stopped if h else False,
        })
    return turns
