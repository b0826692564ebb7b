"""``tandem eval fdb``: run every item folder through the system with each floor policy, score it with
the benchmark's definitions, and write ``report.md`` with the policies side by side.

The first policy's outputs go to ``OUT/<item path relative to ROOT>/output.wav`` (and
``clean_output.wav`` for overlap items), so other scorers can read them; the others' to
``OUT/_<policy>/<item path>/``. ``OUT/results.json`` keeps every per-item number, and each item's
``result.json`` beside its output lets an interrupted run go on (``resume``; see ``fdb_resume``).
"""

from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.config import Settings
from app.eval import fdb_score as S
from app.eval.fdb_items import Item, discover
from app.eval.fdb_resume import file_digest, load_result, run_key, save_result
from app.eval.fdb_system import MEASURED, Speech, Timing, run_item, write_output
from app.interaction.floor_policy import Knobs
from app.interaction.model import InteractionModel
from app.speech.audio import APP_RATE

OVERLAP = ("user_backchannel", "talking_to_other", "background_speech")
CUE_TOLERANCE_S = 0.4


def _annotation(item: Item) -> Any:
    for name in ("turn_taking.json", "pause.json", "interrupt.json", "metadata.json", "cue.json", "visual.json"):
        if (item.path / name).is_file():
            return json.loads((item.path / name).read_text(encoding="utf-8"))
    return None


_SPOKEN = re.compile(r"[A-Za-z0-9]")


def transcribe_output(speech: Speech, audio: Any) -> list[S.Word]:
    """Words of the assistant's output with times (faster-whisper word timestamps).

    One greedy pass, without whisper's retries at higher temperatures: those sample, and the sampler's
    state depends on every decode the process made before, so the same output could score differently
    from one run to the next (measured: three transcripts of one 33 s output, three word lists). The
    output is the assistant's own synthesized voice, which a greedy pass reads well. A "word" with no
    letter or digit is no speech: on an output that was silent after the user's turn, whisper wrote
    only "." tokens, and those scored as a takeover with zero latency.
    """
    segments, _ = speech.whisper.transcribe(audio, language="en", beam_size=1, word_timestamps=True,
                                            vad_filter=False, condition_on_previous_text=False,
                                            temperature=0.0)
    return [S.Word(w.word.strip(), float(w.start), float(w.end)) for seg in segments for w in (seg.words or [])
            if _SPOKEN.search(w.word)]


def score_item(item: Item, words: Sequence[S.Word], segments: Sequence[tuple[float, float]],
               annotation: Any, clean_segments: Sequence[tuple[float, float]] | None = None) -> dict[str, Any]:
    """The category's metrics for one item's output (``clean_segments``: its output without the overlap).

    Pause items also get ``over_user_s``: seconds of output sound while the user speaks in the turn
    (after its first pause; on real speech, within its sentences), which a takeover does not show: how
    long the assistant talks on once the user goes on.
    """
    cat = item.category
    if cat == "smooth_turn_taking":
        start = annotation[0].get("turn_start", 0.0) if isinstance(annotation, list) else 0.0
        end = float(item.event_end or 0.0)
        to, latency = S.smooth_turn([w for w in words if w.start >= start], end)
        onset = next((a for a, _ in segments if a >= start), None)  # where our audio really starts
        return {"takeover": to, "latency": latency,
                "audio_latency": None if onset is None or not to else max(0.0, onset - end)}
    if cat == "pause_handling":
        first = annotation[0] if isinstance(annotation, list) and annotation else {}
        end = float(first.get("turn_end", 1e9))
        start = float(first.get("turn_start", first.get("timestamp", [0.0])[0]))
        if "sentences" in first:  # real speech: only a takeover that starts inside a sentence counts
            inside = [seg for seg in segments if any(a + 0.05 < seg[0] < b - 0.05 for a, b in first["sentences"])]
            to = any(S.takeover([w for w in words if seg[0] - 0.1 <= w.start < seg[1]]) for seg in inside)
            speaking = [(float(a), float(b)) for a, b in first["sentences"]]
        else:
            to = S.takeover([w for w in words if float(first.get("timestamp", [0.0])[0]) - 0.5 <= w.start < end])
            pauses = [p["timestamp"] for p in annotation if "timestamp" in p] if isinstance(annotation, list) else []
            speaking = S.without(start, end, pauses)  # what the user says after each pause
        turn_s = max(1e-6, end - start)
        bcs = [s for s in S.backchannels(words, segments) if start <= s[0] < end]
        return {"takeover": to, "backchannels": len(bcs), "user_turn_s": turn_s,
                "over_user_s": round(S.overlap_s(segments, speaking), 3)}
    if cat == "user_interruption":
        return S.interruption(words, segments, float(item.event_start or 0.0), float(item.event_end or 0.0))
    if cat in OVERLAP:
        return S.keeps_floor(words, segments, float(item.event_start or 0.0), float(item.event_end or 0.0),
                             clean_segments)
    if cat == "time_cue":
        due, request_end = float(annotation["due"]), float(annotation["request_end"])
        # The acknowledgement starts within about a second of the request; cues are 3 s or more away.
        onsets = [s[0] for s in segments if s[0] > request_end + 1.5]
        near = min(onsets, key=lambda t: abs(t - due)) if onsets else None
        return {"error_s": None if near is None else near - due,
                "on_time": near is not None and abs(near - due) <= CUE_TOLERANCE_S}
    if cat == "visual_event":
        event = float(annotation["event"])
        return {"interjected": any(event <= s[0] <= event + 1.2 for s in segments)}
    return {}


def _rate(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def summarize(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per-category aggregate metrics of one policy."""
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by[r["category"]].append(r["score"])
    out: dict[str, dict[str, Any]] = {}
    for cat, scores in by.items():
        agg: dict[str, Any] = {"items": len(scores)}
        if cat == "smooth_turn_taking":
            agg["TOR"] = _rate([s["takeover"] for s in scores])
            agg["median_latency_s"] = _round(S.median([s["latency"] for s in scores]))
            agg["median_audio_onset_latency_s"] = _round(S.median([s.get("audio_latency") for s in scores]))
        elif cat == "pause_handling":
            agg["TOR"] = _rate([s["takeover"] for s in scores])
            turn_s = sum(s["user_turn_s"] for s in scores)
            agg["backchannels_per_s"] = round(sum(s["backchannels"] for s in scores) / turn_s, 3) if turn_s else None
            agg["mean_over_user_s"] = round(statistics.fmean(s["over_user_s"] for s in scores), 3)
        elif cat == "user_interruption":
            agg["TOR"] = _rate([bool(s["takeover"]) for s in scores])
            agg["median_stop_latency_s"] = _round(S.median([s["stop_latency"] for s in scores]))
            agg["median_response_latency_s"] = _round(S.median([s["response_latency"] for s in scores]))
        elif cat in OVERLAP:
            agg["kept_floor"] = _rate([s["kept_floor"] for s in scores])
            agg["stopped"] = _rate([s["stopped"] for s in scores])
            agg["took_over"] = _rate([s["took_over"] for s in scores])
        elif cat == "time_cue":
            agg["on_time"] = _rate([s["on_time"] for s in scores])
            agg["median_abs_error_s"] = _round(S.median([abs(s["error_s"]) if s["error_s"] is not None else None
                                                          for s in scores]))
        elif cat == "visual_event":
            agg["interjected"] = _rate([s["interjected"] for s in scores])
        out[cat] = agg
    return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


TARGETS = {
    ("smooth_turn_taking", "TOR"): ">= 0.95", ("smooth_turn_taking", "median_latency_s"): "<= 0.35",
    ("pause_handling", "TOR"): "<= 0.10", ("pause_handling", "backchannels_per_s"): "0.05 - 0.3",
    ("user_interruption", "TOR"): ">= 0.95", ("user_interruption", "median_stop_latency_s"): "<= 0.25",
    ("user_interruption", "median_response_latency_s"): "<= 0.8",
    ("user_backchannel", "kept_floor"): ">= 0.90", ("talking_to_other", "kept_floor"): ">= 0.90",
    ("background_speech", "kept_floor"): ">= 0.90", ("time_cue", "on_time"): ">= 0.90",
}


def report_markdown(summaries: dict[str, dict[str, dict[str, Any]]], root: Path,
                    compute: dict[str, list[float]]) -> str:
    """The side-by-side table."""
    policies = list(summaries)
    lines = [f"# Full-Duplex-Bench evaluation of {root}", "",
             "| category | metric | target | " + " | ".join(policies) + " |",
             "|---|---|---|" + "---|" * len(policies)]
    cats = sorted({c for s in summaries.values() for c in s}, key=lambda c: list(CATEGORY_ORDER).index(c)
                  if c in CATEGORY_ORDER else 99)
    for cat in cats:
        metrics = sorted({m for s in summaries.values() for m in s.get(cat, {})}, key=lambda m: (m != "items", m))
        for m in metrics:
            vals = [summaries[p].get(cat, {}).get(m) for p in policies]
            lines.append(f"| {cat} | {m} | {TARGETS.get((cat, m), '')} | " + " | ".join(
                "-" if v is None else str(v) for v in vals) + " |")
    lines.append("")
    for p, c in compute.items():
        if c:
            lines.append(f"- {p}: recognizer and synthesizer time per reply (added before the reply body): "
                         f"median {statistics.median(c):.3f} s over {len(c)} replies")
    return "\n".join(lines) + "\n"


CATEGORY_ORDER = ("smooth_turn_taking", "pause_handling", "user_interruption", "user_backchannel",
                  "talking_to_other", "background_speech", "time_cue", "visual_event")


def run_fdb(settings: Settings, root: Path, out_dir: Path, policies: Sequence[str] = ("model", "baseline"),
            *, limit: int | None = None, progress: Callable[[int, int], None] | None = None,
            model_path: Path | None = None, categories: Sequence[str] | None = None,
            timing: Timing = MEASURED, resume: bool = False) -> Path:
    """Run and score every item under ``root`` with each policy; returns the report's path.

    ``timing``: recognition takes the time it really takes here, or a fixed model of it (see ``Timing``).
    ``resume``: take an item's result from an earlier run into ``out_dir`` where that run was the same as
    this one (code, policy, model, settings, timing, input), and run only the rest.
    """
    # Camera events need a camera stream; benchmark items carry only audio, so they are scored per tick
    # in the model card instead.
    found = [it for it in discover(root) if it.category != "visual_event"]
    items = [it for it in found if not categories or it.category in categories]
    if found and not items:
        have = ", ".join(sorted({it.category for it in found}))
        raise FileNotFoundError(f"No items of {', '.join(categories or ())} under {root}; it has {have}")
    if limit:
        kept: dict[str, int] = defaultdict(int)
        chosen = []
        for it in items:
            if kept[it.category] < limit:
                kept[it.category] += 1
                chosen.append(it)
        items = chosen
    if not items:
        raise FileNotFoundError(f"No benchmark items (folders with input.wav and an annotation) under {root}")
    # A missing or broken model file says so now, not after the first item.
    model_digest = file_digest(InteractionModel(model_path).path) if "model" in policies else None
    sp = settings.speech
    speech = Speech(sp.voice, sp.asr_model, sp.asr_threads, repeatable=not timing.measured)
    s = settings.interaction
    knobs = Knobs(patience=s.patience, backchannel_rate=s.backchannel_rate,
                  interruption_sensitivity=s.interruption_sensitivity)
    results: dict[str, list[dict[str, Any]]] = {p: [] for p in policies}
    compute: dict[str, list[float]] = {p: [] for p in policies}
    total, done, carried = len(items) * len(policies), 0, 0
    setup = {"voice": sp.voice, "asr_model": sp.asr_model, "knobs": knobs, "tick_ms": s.tick_ms,
             "timing": timing}
    for n, policy in enumerate(policies):
        base = out_dir if n == 0 else out_dir / f"_{policy}"
        for item in items:
            rel = item.relative_to(root)
            key = run_key(item.path, policy, setup, model_digest)
            earlier = load_result(base / rel, key) if resume else None
            if earlier is not None:
                row, item_compute = earlier
                carried += 1
            else:
                run = run_item(item.path / "input.wav", policy, speech, knobs, model_path, s.tick_ms, timing)
                write_output(run, base / rel / "output.wav")
                clean_segments = None
                if (item.path / "clean_input.wav").is_file():
                    clean = run_item(item.path / "clean_input.wav", policy, speech, knobs, model_path, s.tick_ms,
                                     timing)
                    write_output(clean, base / rel / "clean_output.wav")
                    clean_segments = S.speech_segments(clean.output, APP_RATE)
                segments = S.speech_segments(run.output, APP_RATE)
                words = S.anchor_words(transcribe_output(speech, run.output), segments)
                score = score_item(item, words, segments, _annotation(item), clean_segments)
                row = {"item": str(rel), "category": item.category, "score": score, "turns": run.turns,
                       "output_words": [w.text for w in words]}
                item_compute = run.compute_s
                save_result(base / rel, key, row, item_compute)
            compute[policy].extend(item_compute)
            results[policy].append(row)
            done += 1
            if progress:
                progress(done, total)
    summaries = {p: summarize(rows) for p, rows in results.items()}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps({"summary": summaries, "items": results}, indent=1,
                                                     default=str), encoding="utf-8")
    report = out_dir / "report.md"
    text = report_markdown(summaries, root, compute)
    if carried:
        text += (f"- resumed: {carried} of {total} item runs were carried over from an earlier run into "
                 f"{out_dir} with the same code, model, settings and timing\n")
    if not timing.measured:
        text += ("- timing: a fixed model of the recognizer's time and a voice without sampling noise "
                 "(`--timing fixed`): for comparing changes, not this machine's latencies\n")
    text += "".join(f"- {p} outputs: {out_dir if n == 0 else out_dir / ('_' + p)}\n" for n, p in enumerate(policies))
    report.write_text(text, encoding="utf-8")
    return report
