"""``tandem self-test``: proves an installation works: every model loads and a headless session on the
bundled sample produces sensible output. Prints a short report; exit code 0 or 1.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

from app.config import Settings
from app.paths import assets_dir


@dataclass(frozen=True)
class CheckResult:
    """One line of the report."""

    name: str
    ok: bool
    detail: str
    seconds: float


def check_session(settings: Settings) -> str:
    """Run the bundled sample headless (fast) and check the three outputs."""
    from app.session import run_headless

    sample = assets_dir() / "sample" / "demo.wav"
    with tempfile.TemporaryDirectory(prefix="tandem-selftest-") as tmp:
        out = Path(tmp)
        result = run_headless(settings, sample, out, fast=True)
        info_in, info_out = sf.info(str(sample)), sf.info(str(out / "output.wav"))
        if info_out.samplerate != 16000 or info_out.frames != round(info_in.frames * 16000 / info_in.samplerate):
            raise AssertionError(f"output.wav is {info_out.frames} samples at {info_out.samplerate} Hz, "
                                 f"not as long as the input")
        events = (out / "events.jsonl").read_text(encoding="utf-8").splitlines()
        if len(events) != result.timing["ticks"] or not events:
            raise AssertionError("events.jsonl does not have one line per micro-turn")
        json.loads((out / "transcript.json").read_text(encoding="utf-8"))
    takes = sum(1 for d in result.decisions if d["decision"] == "take_turn")
    if takes == 0:
        raise AssertionError("the assistant never took the turn on the sample")
    return f"{result.duration_s:.1f} s sample, {len(events)} micro-turns, replied {takes}x"


def check_reasoning_model(settings: Settings) -> str:
    """Load the embedded language model and have it produce a few tokens."""
    from app.reasoning.backend import Message, Request, collect
    from app.reasoning.embedded_backend import EmbeddedBackend, find_model_path

    emb = settings.reasoning.embedded
    path = Path(emb.model_path) if emb.model_path else find_model_path()
    backend = EmbeddedBackend(path, emb.n_threads or None, emb.n_ctx)
    t0 = time.perf_counter()
    backend.load()
    load_s = time.perf_counter() - t0
    comp = collect(backend, Request((Message("user", "Say hello."),), max_tokens=8, temperature=0.0))
    if comp.error or not comp.text.strip():
        raise AssertionError(f"the model produced no text ({comp.error})")
    return f"{path.name} loaded in {load_s:.2f} s, replied {comp.text.strip()[:30]!r}"


def check_speech_models(settings: Settings) -> str:
    """Load VAD, recognizer and voice; speak a sentence and recognize it again."""
    import numpy as np

    from app.speech.asr import StreamingTranscriber
    from app.speech.tts import PiperTts
    from app.speech.vad import SileroVad

    t0 = time.perf_counter()
    tts = PiperTts(settings.speech.voice)
    audio, _ = tts.synthesize("Tandem is ready to talk.")
    vad = SileroVad()
    speech_frames = int(np.sum(vad.process(np.concatenate([np.zeros(8000, np.float32), audio])) > 0.5))
    asr = StreamingTranscriber(settings.speech.asr_model, cpu_threads=settings.speech.asr_threads)
    asr.feed(audio)
    text = asr.finalize().text
    if speech_frames == 0:
        raise AssertionError("the voice activity detector heard no speech in synthesized speech")
    if "ready" not in text.lower():
        raise AssertionError(f"recognized {text!r} instead of 'Tandem is ready to talk.'")
    return f"voice, VAD ({speech_frames} speech frames) and recognizer ({text!r}) in {time.perf_counter() - t0:.2f} s"


def check_interaction_model() -> str:
    """Load the interaction model and run one micro-turn of silence through it."""
    import numpy as np

    from app.interaction.features import FRAMES_PER_TICK, N_MELS, N_SCALARS, TickFeatures
    from app.interaction.model import InteractionModel

    t0 = time.perf_counter()
    model = InteractionModel()
    silence = TickFeatures(mic_mel=np.full((FRAMES_PER_TICK, N_MELS), -2.0, np.float32),
                           self_mel=np.full((FRAMES_PER_TICK, N_MELS), -2.0, np.float32),
                           scalars=np.zeros(N_SCALARS, np.float32))
    probs = model.step(silence)
    if abs(sum(probs.action) - 1.0) > 1e-3:
        raise AssertionError(f"the model's floor actions do not sum to 1: {probs.action}")
    return f"{model.path.name} ({model.path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.2f} s"


def check_ocr() -> str:
    """Load the text recognizer and read a rendered word."""
    import cv2
    import numpy as np

    from app.reasoning.tools.camera import read_text

    img = np.full((120, 420, 3), 255, np.uint8)
    cv2.putText(img, "Tandem 2026", (10, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (0, 0, 0), 3)
    with tempfile.TemporaryDirectory(prefix="tandem-selftest-") as tmp:
        path = Path(tmp) / "ocr.png"
        cv2.imwrite(str(path), img)
        text = read_text(path)
    if "tandem" not in text.lower():
        raise AssertionError(f"read {text!r} instead of 'Tandem 2026'")
    return f"read {text!r}"


def checks(settings: Settings) -> list[tuple[str, Callable[[], str]]]:
    """Every check, by name, in the order they run."""
    return [
        ("headless session", lambda: check_session(settings)),
        ("speech models", lambda: check_speech_models(settings)),
        ("interaction model", check_interaction_model),
        ("reasoning model", lambda: check_reasoning_model(settings)),
        ("text recognition", check_ocr),
    ]


def run_self_test(settings: Settings, print_fn: Callable[[str], None] = print) -> bool:
    """Run all checks, print one line each and a verdict; True when all passed."""
    results = []
    for name, fn in checks(settings):
        t0 = time.perf_counter()
        try:
            detail, ok = fn(), True
        except Exception as exc:  # noqa: BLE001 - a failed check is reported, then the others run
            detail, ok = f"{type(exc).__name__}: {exc}", False
        r = CheckResult(name, ok, detail, time.perf_counter() - t0)
        results.append(r)
        print_fn(f"[{'ok' if ok else 'FAIL'}] {name} ({r.seconds:.2f} s): {detail}")
    passed = all(r.ok for r in results)
    print_fn("self-test passed" if passed else "self-test FAILED")
    return passed
