"""Benchmark items from real recordings used as user turns.

Clips under 8 s become smooth-turn items (the clip, then silence: the assistant should answer at its
end, where silero VAD hears the last speech: the recognizer's last word ends 0.05-0.5 s early on these
clips). Longer clips, monologues with natural pauses, become pause items: their sentences come from the
recognizer's punctuation, trimmed to the speech they hold (silero VAD), and a takeover that starts inside a
sentence counts against the policy.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np

from app.audio_io import read_wav_mono, write_wav
from app.speech.audio import APP_RATE

LEAD_S = 1.0
TAIL_S = 3.0
PAUSE_ITEM_MIN_S = 8.0
SPILL_S = 0.1


def sentences(words: list[dict[str, float | str]]) -> list[tuple[float, float]]:
    """(start, end) of each sentence, split after words ending in . ? or !."""
    spans: list[tuple[float, float]] = []
    start = None
    for w in words:
        start = float(w["start"]) if start is None else start
        if str(w["word"]).strip().endswith((".", "?", "!")):
            spans.append((start, float(w["end"])))
            start = None
    if start is not None and words:
        spans.append((start, float(words[-1]["end"])))
    return spans


def trimmed(spans: list[tuple[float, float]], speech: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Each sentence span cut down to the speech inside it: from the first sound to the last.

    The recognizer's word times stretch over the silences around words: on mc-indian-accent.wav the
    sentence after a 1.3 s pause starts, by its first word, where the one before ends (23.2 s), while
    its speech starts at 24.4 s, and a reply begun in that pause counted as a takeover inside it. Speech
    that reaches into a span by less than ``SPILL_S`` (the VAD's padding, a word's tail) is not in it; a
    sentence with no speech inside it keeps its span.
    """
    out = []
    for a, b in spans:
        inside = [(s, e) for s, e in speech if min(b, e) - max(a, s) > SPILL_S]
        out.append((max(a, inside[0][0]), min(b, inside[-1][1])) if inside else (a, b))
    return out


def build_recording_items(speech_dir: Path, out: Path, asr_model: str = "tiny.en", threads: int = 2) -> list[Path]:
    """Write the items for every WAV in ``speech_dir`` under ``out``; returns the item folders."""
    from app.speech.asr import transcribe_file
    from app.speech.vad import SileroVad, speech_end_s, speech_segments

    vad = SileroVad()
    folders = []
    for wav in sorted(speech_dir.glob("*.wav")):
        audio = read_wav_mono(wav, APP_RATE)
        padded = np.concatenate([np.zeros(int(LEAD_S * APP_RATE), np.float32), audio,
                                 np.zeros(int(TAIL_S * APP_RATE), np.float32)])
        words = transcribe_file(wav, asr_model, threads)["words"]
        if not words:
            continue
        first, last = LEAD_S + float(words[0]["start"]), LEAD_S + float(words[-1]["end"])
        if audio.size / APP_RATE < PAUSE_ITEM_MIN_S:
            last = max(last, LEAD_S + (speech_end_s(vad, audio) or 0.0))
            item = out / "smooth_turn_taking" / wav.stem
            item.mkdir(parents=True, exist_ok=True)
            write_wav(item / "input.wav", padded, APP_RATE)
            (item / "turn_taking.json").write_text(json.dumps([{"timestamp": [last, padded.size / APP_RATE],
                                                                "turn_start": first}]), encoding="utf-8")
            folders.append(item)
        else:
            vad.reset()
            speech = [(LEAD_S + seg.start, LEAD_S + seg.end) for seg in speech_segments(vad.process(audio))]
            spans = trimmed([(LEAD_S + a, LEAD_S + b) for a, b in sentences(words)], speech)
            gaps = [[float(a["end"]) + LEAD_S, float(b["start"]) + LEAD_S]
                    for a, b in itertools.pairwise(words) if float(b["start"]) - float(a["end"]) >= 0.3]
            item = out / "pause_handling" / wav.stem
            item.mkdir(parents=True, exist_ok=True)
            # Only the part up to the last word: the assistant answering after the monologue is right.
            write_wav(item / "input.wav", padded, APP_RATE)
            (item / "pause.json").write_text(json.dumps([{"timestamp": g, "turn_end": last, "turn_start": first,
                                                          "sentences": spans} for g in (gaps or [[first, first]])]),
                                             encoding="utf-8")
            folders.append(item)
    return folders
