"""Writes generated sessions as Full-Duplex-Bench item folders, with the per-tick features and labels
training reads (``features.npz``, ``labels.npz``), computed by the same code the app runs.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

import numpy as np

from app.audio_io import write_wav
from app.interaction.features import TICK_SAMPLES, FeatureExtractor, TickContext
from app.speech.audio import APP_RATE
from app.synth.scenes import CATEGORIES, Session, Voices, build_session
from app.synth.timeline import TICK_S

DEFAULT_COUNTS = {"train": 150, "dev": 20, "test": 25}
"""Sessions per category and split."""
ASSISTANT_CLIPS = ".assistant-clips"
"""Folder under a split's output where the assistant's synthesised lines are cached (see ``Voices``)."""
_SPLIT_SEED = {"train": 1_000_000, "dev": 2_000_000, "test": 3_000_000}


def session_features(session: Session, vad: object | None = None) -> dict[str, np.ndarray]:
    """Per-tick model inputs for a session, as the runtime would compute them tick by tick."""
    from app.speech.vad import SileroVad

    extractor = FeatureExtractor(vad or SileroVad())
    extractor.reset()
    tl = session.timeline
    mic = session.user + (session.echo if session.echo is not None else 0.0)
    n = tl.n_ticks()
    mic_mel, self_mel, scal = [], [], []
    for k in range(n):
        t = (k + 1) * TICK_S
        a, b = k * TICK_SAMPLES, (k + 1) * TICK_SAMPLES
        ctx = TickContext(assistant_speaking=tl.assistant_speaking(t), since_assistant_s=tl.since_assistant(t),
                          time_to_cue_s=tl.time_to_cue(t),
                          visual=None if session.visual is None else session.visual[k])
        f = extractor(mic[a:b], session.assistant[a:b], ctx)
        mic_mel.append(f.mic_mel)
        self_mel.append(f.self_mel)
        scal.append(f.scalars)
    return {"mic_mel": np.stack(mic_mel).astype(np.float16), "self_mel": np.stack(self_mel).astype(np.float16),
            "scalars": np.stack(scal).astype(np.float32)}


def write_session(session: Session, folder: Path, vad: object | None = None) -> None:
    """One item folder: input.wav (+ clean_input.wav), the annotation, meta, features and labels."""
    folder.mkdir(parents=True, exist_ok=True)
    write_wav(folder / "input.wav", session.user, APP_RATE)
    if session.clean_user is not None:
        write_wav(folder / "clean_input.wav", session.clean_user, APP_RATE)
    write_wav(folder / "assistant.wav", session.assistant, APP_RATE)
    name, annotation = session.annotation
    (folder / name).write_text(json.dumps(annotation, indent=1), encoding="utf-8")
    (folder / "meta.json").write_text(json.dumps(session.meta, indent=1), encoding="utf-8")
    np.savez_compressed(folder / "labels.npz", **session.timeline.labels())
    np.savez_compressed(folder / "features.npz", **session_features(session, vad))


_worker_state: dict[str, object] = {}


def _work(job: tuple[str, str, int, str]) -> str:
    category, split, index, out = job
    from app.speech.vad import SileroVad

    voices = _worker_state.setdefault(f"voices-{split}", Voices(split, Path(out) / ASSISTANT_CLIPS))
    vad = _worker_state.setdefault("vad", SileroVad())
    folder = Path(out) / category / f"{index:04d}"
    if (folder / "features.npz").is_file():
        return str(folder)  # already written by an earlier, interrupted run
    seed = _SPLIT_SEED[split] + 1000 * CATEGORIES.index(category) + index
    session = build_session(category, split, seed, voices)  # type: ignore[arg-type]
    tmp = folder.with_name(folder.name + ".partial")
    write_session(session, tmp, vad)
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)
    return str(folder)


def _ignore_interrupts() -> None:
    """Ctrl-C reaches every process of the terminal's group; the parent alone decides what stops."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def generate(out: Path, split: str, per_category: int | None = None, categories: tuple[str, ...] = CATEGORIES,
             workers: int | None = None, progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Write ``per_category`` sessions of each category under ``out``; resumes an interrupted run."""
    n = per_category or DEFAULT_COUNTS[split]
    jobs = [(c, split, i, str(out)) for c in categories for i in range(n)]
    workers = workers or min(2, os.cpu_count() or 1)
    done: list[Path] = []
    t0 = time.perf_counter()
    if workers <= 1:
        for job in jobs:
            done.append(Path(_work(job)))
            if progress:
                progress(len(done), len(jobs))
    else:
        written: dict[int, Path] = {}  # job index -> its folder, in the order the sessions finish
        with ProcessPoolExecutor(workers, initializer=_ignore_interrupts) as pool:
            waiting, running = iter(enumerate(jobs)), {}
            try:
                while True:
                    # Only a few sessions in flight: on Ctrl-C those finish whole and the rest never start.
                    for k, job in itertools.islice(waiting, 2 * workers - len(running)):
                        running[pool.submit(_work, job)] = k
                    if not running:
                        break
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for f in finished:
                        written[running.pop(f)] = Path(f.result())
                        if progress:
                            progress(len(written), len(jobs))
            except KeyboardInterrupt:
                for f in running:
                    f.cancel()
                raise
        done = [written[k] for k in range(len(jobs))]
    record = out / "synth.json"  # sessions per category, kept across runs that add categories or sessions
    counts = json.loads(record.read_text(encoding="utf-8")).get("sessions", {}) if record.is_file() else {}
    counts.update({c: max(n, int(counts.get(c, 0))) for c in categories})
    record.write_text(json.dumps({"split": split, "sessions": counts, "seconds": round(time.perf_counter() - t0, 1)}),
                      encoding="utf-8")
    return done
