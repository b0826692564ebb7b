"""Speech-stack benchmark: echo cancellation, VAD, ASR and TTS speed and accuracy, as plain numbers."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from app.speech.aec import EchoCanceller, erle_db
from app.speech.asr import StreamingTranscriber, load_whisper
from app.speech.audio import APP_RATE, pad, read_wav, rms_db, synthetic_rir
from app.speech.tts import PiperTts
from app.speech.vad import FRAME, SileroVad
from app.speech.wer import per_sentence_wer, wer

FAR_REPLY = (
    "Here is what I found about the weather this week. Monday and Tuesday stay dry and mild, "
    "with a light breeze from the west. Rain moves in on Wednesday evening and clears by Friday morning."
)
NEAR_SENTENCES = (
    "Please call my sister tomorrow morning.",
    "What time does the train to Boston leave?",
    "Add milk and eggs to the shopping list.",
)
SHORT_REPLY = "Sure, I can set a timer for ten minutes."
PLAIN_REPLY = "The weather today is sunny with a high of twenty degrees."


def _espeak(text: str) -> np.ndarray | None:
    """Speak a sentence with espeak-ng (a voice unlike the assistant's), or None when it is missing."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.wav"
        subprocess.run([exe, "-s", "150", "-w", str(path), text], check=True, capture_output=True)
        return read_wav(path)[0]


def _echo(far: np.ndarray, delay_s: float = 0.1, gain: float = 0.5) -> np.ndarray:
    """Far-end speech as the mic hears it: synthetic room, playback delay and a low noise floor."""
    echo = np.convolve(far, synthetic_rir())[: far.size] * gain
    mic = np.concatenate([np.zeros(int(delay_s * APP_RATE), np.float32), echo])[: far.size]
    return (mic + np.random.default_rng(0).standard_normal(far.size) * 3e-4).astype(np.float32)


def _transcribe(asr: StreamingTranscriber, audio: np.ndarray) -> str:
    asr.feed(audio)
    return asr.finalize().text


def _near_end_speech(data_dir: Path | None) -> tuple[list[np.ndarray], list[str], str] | None:
    """Near-end talker for double talk: LJ Speech clips (a real voice) when present, else espeak-ng."""
    if data_dir is not None and Path(data_dir).is_dir():
        wavs = [w for w in sorted(Path(data_dir).glob("LJ001-*.wav")) if w.with_suffix(".txt").is_file()]
        if wavs:
            return [read_wav(w)[0] for w in wavs], [w.with_suffix(".txt").read_text() for w in wavs], "lj-speech"
    voices = [_espeak(s) for s in NEAR_SENTENCES]
    if any(v is None for v in voices):
        return None
    return [v for v in voices if v is not None], list(NEAR_SENTENCES), "espeak-ng"


def bench_aec(tts: PiperTts, asr: StreamingTranscriber, data_dir: Path | None = None) -> dict[str, Any]:
    """ERLE during far-end-only speech, and near-end WER (percent) in double talk versus without echo.

    SER is the near-end talker's level over the echo's at the mic, in dB.
    """
    far_voice, _ = tts.synthesize(f"{FAR_REPLY} {FAR_REPLY}")
    far = pad(far_voice * 0.6, 0.3, 0.5)
    mic = _echo(far)
    out: dict[str, Any] = {"aec_far_end_s": round(far.size / APP_RATE, 2), "aec_delay_true_ms": 100.0}
    variants = (
        ("aec_erle_db", {}),  # the default: linear filter, then AEC3
        ("aec_erle_db_aec3_only", {"linear_stage": False}),
        ("aec_erle_db_with_noise_suppression", {"noise_suppression": True}),
    )
    for label, options in variants:
        aec = EchoCanceller(**options)
        est = aec.calibrate(far[: 3 * APP_RATE], mic[: 3 * APP_RATE])
        t0 = time.perf_counter()
        cleaned = aec.process(mic, far)
        if label == "aec_erle_db":
            out["aec_rtf"] = round((time.perf_counter() - t0) / (mic.size / APP_RATE), 4)
            out["aec_delay_estimate_ms"] = round(est.ms, 1)
        active = np.abs(far[APP_RATE : cleaned.size]) > 0  # where the assistant talks, after 1 s to converge
        out[label] = round(erle_db(mic[APP_RATE : cleaned.size][active], cleaned[APP_RATE:][active]), 1)

    near = _near_end_speech(data_dir)
    if near is None:
        out["aec_double_talk"] = "skipped: no recordings and no espeak-ng"
        return out
    voices, texts, source = near
    refs = " ".join(texts)
    out["near_end_source"] = source
    out["near_end_wer_no_echo"] = round(
        100 * wer(refs, " ".join(_transcribe(asr, pad(v, 0.5, 0.5)) for v in voices)), 1
    )
    # Each sentence at four places in the reply: more words, less noise in the figure.
    placements = [(i, 2.0 + 3.5 * i + shift) for shift in (0.0, 0.9, 1.7, 2.6) for i in range(len(voices))]
    all_refs = " ".join(texts[i] for i, _ in placements)
    for ser in (0.0, 6.0, 12.0):
        hyps, raw, aec3_only = [], [], []
        for i, at_s in placements:
            voice = voices[i]
            start = int(at_s * APP_RATE) % max(1, far.size - voice.size - APP_RATE)
            span = slice(start, start + voice.size)
            m = mic.copy()
            m[span] += voice * 10 ** ((rms_db(m[span]) + ser - rms_db(voice)) / 20)
            window = slice(max(0, start - APP_RATE // 2), start + voice.size + APP_RATE // 2)
            delay = out["aec_delay_estimate_ms"]
            hyps.append(_transcribe(asr, EchoCanceller(delay_ms=delay).process(m, far)[window]))
            aec3 = EchoCanceller(delay_ms=delay, linear_stage=False)
            aec3_only.append(_transcribe(asr, aec3.process(m, far)[window]))
            raw.append(_transcribe(asr, m[window]))
        key = f"near_end_wer_double_talk_ser{int(ser)}db"
        out[key] = round(100 * wer(all_refs, " ".join(hyps)), 1)
        out[f"{key}_aec3_only"] = round(100 * wer(all_refs, " ".join(aec3_only)), 1)
        out[f"{key}_without_aec"] = round(100 * wer(all_refs, " ".join(raw)), 1)
    return out


def bench_vad(audio: np.ndarray) -> dict[str, Any]:
    """Milliseconds per 32 ms silero frame on this CPU."""
    vad = SileroVad()
    vad.process(audio[: FRAME * 4])
    vad.reset()
    t0 = time.perf_counter()
    probs = vad.process(audio)
    return {"vad_ms_per_frame": round(1000 * (time.perf_counter() - t0) / max(1, probs.size), 3)}


def bench_asr_speed(asr: StreamingTranscriber, audio: np.ndarray) -> dict[str, Any]:
    """Final-pass real-time factor, and when (audio time) and how fast the first non-empty partial arrives."""
    asr.feed(audio)
    t0 = time.perf_counter()
    asr.finalize()
    rtf = (time.perf_counter() - t0) / (audio.size / APP_RATE)
    step = APP_RATE // 5
    first: dict[str, Any] = {}
    partial_times = []
    for i in range(0, audio.size, step):
        asr.feed(audio[i : i + step])
        t1 = time.perf_counter()
        p = asr.partial()
        partial_times.append(time.perf_counter() - t1)
        if p.text and not first:
            first = {
                "asr_first_partial_audio_s": round((i + step) / APP_RATE, 2),
                "asr_first_partial_compute_s": round(partial_times[-1], 3),
            }
    asr.reset()
    return {"asr_rtf_final": round(rtf, 3), "asr_partial_mean_s": round(float(np.mean(partial_times)), 3), **first}


def bench_tts(tts: PiperTts) -> dict[str, Any]:
    """Time to the first playable chunk for one-sentence replies, and the synthesis real-time factor."""
    tts.synthesize_clause("Warm up.")
    out: dict[str, Any] = {}
    for label, text in (("tts_first_audio_s", SHORT_REPLY), ("tts_first_audio_s_no_comma", PLAIN_REPLY)):
        out[label] = round(min(tts.time_to_first_audio(text) for _ in range(3)), 3)
    t0 = time.perf_counter()
    audio, _ = tts.synthesize(FAR_REPLY)
    out["tts_rtf"] = round((time.perf_counter() - t0) / (audio.size / APP_RATE), 3)
    return out


def bench_recordings(asr: StreamingTranscriber, data_dir: Path | None) -> dict[str, Any]:
    """WER (percent) on the LJ Speech clips and on each sentence of the long reference recording."""
    if data_dir is None or not Path(data_dir).is_dir():
        return {"recordings": "skipped: no data folder"}
    data = Path(data_dir)
    out: dict[str, Any] = {}
    lj: dict[str, float] = {}
    for wav in sorted(data.glob("LJ001-*.wav")):
        txt = wav.with_suffix(".txt")
        if txt.is_file():
            audio, _ = read_wav(wav)
            lj[wav.stem] = round(100 * wer(txt.read_text(), _transcribe(asr, audio)), 1)
    if lj:
        out["asr_wer_lj"] = lj
        out["asr_wer_lj_mean"] = round(float(np.mean(list(lj.values()))), 1)
    ref_wav, ref_json = data / "asr-reference.wav", data / "asr-reference.expected_sentences.json"
    if ref_wav.is_file() and ref_json.is_file():
        sentences = [u["text"] for u in json.loads(ref_json.read_text())["utterances"]]
        audio, _ = read_wav(ref_wav)
        t0 = time.perf_counter()
        hyp = _transcribe(asr, audio)
        out["asr_reference_rtf"] = round((time.perf_counter() - t0) / (audio.size / APP_RATE), 3)
        out["asr_reference_wer"] = round(100 * wer(" ".join(sentences), hyp), 1)
        out["asr_reference_sentence_wer"] = [round(100 * w, 1) for w in per_sentence_wer(sentences, hyp)]
    return out


def bench(data_dir: Path | None = None, model: str | Path | None = None, cpu_threads: int = 2) -> dict[str, Any]:
    """Run every speech benchmark and return the numbers (targets: ERLE >= 25 dB, first audio <= 0.15 s)."""
    t0 = time.perf_counter()
    whisper = load_whisper(model, cpu_threads=cpu_threads)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    tts = PiperTts()
    tts_load_s = time.perf_counter() - t0
    asr = StreamingTranscriber(whisper)
    sample, _ = tts.synthesize("Please remind me to water the plants on Friday afternoon, and to call Anna.")
    sample = pad(sample, 0.3, 0.3)
    results: dict[str, Any] = {"asr_load_s": round(load_s, 3), "tts_load_s": round(tts_load_s, 3)}
    results |= bench_aec(tts, asr, data_dir)
    results |= bench_vad(sample)
    results |= bench_asr_speed(asr, sample)
    results |= bench_tts(tts)
    results |= bench_recordings(asr, data_dir)
    results["targets_met"] = _targets(results)
    return results


def _targets(r: dict[str, Any]) -> dict[str, bool]:
    """Which design targets this run met (only those it measured)."""
    met = {
        "aec_erle_db >= 25": r["aec_erle_db"] >= 25.0,
        "tts_first_audio_s <= 0.15": r["tts_first_audio_s"] <= 0.15,
    }
    if "near_end_wer_double_talk_ser12db" in r:
        met["double talk (SER 12 dB) WER <= clean + 5"] = (
            r["near_end_wer_double_talk_ser12db"] <= r["near_end_wer_no_echo"] + 5.0
        )
    return met


if __name__ == "__main__":
    import sys

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    print(json.dumps(bench(folder), indent=2))
