"""`tandem eval fdb` end to end on generated items: outputs where other scorers expect them, both
policies scored side by side.
"""

from __future__ import annotations

import json
import shutil

import pytest

from app.__main__ import main
from app.audio_io import read_wav_mono
from app.synth.writer import generate

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")]


def test_eval_writes_aligned_outputs_and_a_side_by_side_report(tmp_path, capsys):
    root = tmp_path / "items"
    generate(root, "dev", per_category=1, workers=1,
             categories=("smooth_turn_taking", "user_interruption", "user_backchannel"))
    out = tmp_path / "eval"
    assert main(["eval", "fdb", "--root", str(root), "--out-dir", str(out)]) == 0
    report = (out / "report.md").read_text()
    assert "| category | metric | target | model | baseline |" in report
    assert "smooth_turn_taking | TOR" in report and "user_interruption | median_stop_latency_s" in report
    for rel in ("smooth_turn_taking/0000", "user_interruption/0000", "user_backchannel/0000"):
        n_in = read_wav_mono(root / rel / "input.wav", 16000).size
        for base in (out, out / "_baseline"):
            assert read_wav_mono(base / rel / "output.wav", 16000).size == n_in
    assert (out / "user_backchannel/0000/clean_output.wav").is_file()
    # Beside each output, its ticks: one line per 200 ms, the decision and (model) what led to it.
    for base, is_model in ((out, True), (out / "_baseline", False)):
        rel = "smooth_turn_taking/0000"
        rows = [json.loads(line) for line in (base / rel / "ticks.jsonl").read_text().splitlines()]
        assert len(rows) == read_wav_mono(root / rel / "input.wav", 16000).size // 3200
        assert [r["tick"] for r in rows] == list(range(1, len(rows) + 1))
        assert any(r["decision"] == "take_turn" for r in rows)
        assert all(("p_action" in r) is is_model for r in rows)
        if is_model:
            for r in rows:
                assert abs(sum(r["p_action"].values()) - 1) < 0.01 and abs(sum(r["p_user"].values()) - 1) < 0.01
            # the words the policy read: the question's partial transcripts, before the take
            taken = next(i for i, r in enumerate(rows) if r["decision"] == "take_turn")
            assert any(r.get("words") for r in rows[:taken + 1])
    assert (out / "user_backchannel/0000/clean_ticks.jsonl").is_file()
    results = json.loads((out / "results.json").read_text())
    assert {r["category"] for r in results["items"]["model"]} == {"smooth_turn_taking", "user_interruption",
                                                                  "user_backchannel"}
    scores = {r["category"]: r["score"] for r in results["items"]["baseline"]}
    assert set(scores["user_backchannel"]) == {"stopped", "took_over", "kept_floor"}
    assert scores["smooth_turn_taking"]["takeover"] is True  # even the baseline answers a plain question
    model = {r["category"]: r["score"] for r in results["items"]["model"]}
    # The model answers as soon as the question is over; the baseline waits out its 0.8 s of silence.
    assert model["smooth_turn_taking"]["takeover"] is True
    assert model["smooth_turn_taking"]["audio_latency"] < scores["smooth_turn_taking"]["audio_latency"]


@pytest.mark.parametrize("heard", ["", "Stop."])
def test_a_turn_heard_as_no_words_or_as_stop_gets_the_opener_and_no_reply(tmp_path, heard):
    """As live: when the recognizer finds no words in a taken turn (a "mm-hm", the TV), nothing goes to
    reasoning, and reasoning answers "stop" with silence, so the evaluation plays the opener and no reply."""
    from app.config import Settings
    from app.eval import fdb_score as S
    from app.eval.fdb_system import OPENERS, Speech, run_item
    from app.interaction.floor_policy import Knobs

    class HearsNothing(Speech):
        def transcribe(self, audio, partial=None):
            return heard, None

    root = tmp_path / "items"
    generate(root, "dev", per_category=1, workers=1, categories=("smooth_turn_taking",))
    sp = Settings().speech
    speech = HearsNothing(sp.voice, sp.asr_model, sp.asr_threads)
    run = run_item(root / "smooth_turn_taking/0000/input.wav", "model", speech, Knobs())
    assert run.turns and all(t["heard"] == heard for t in run.turns)
    segments = S.speech_segments(run.output, 16000)
    opener_s = speech.clip(OPENERS[0]).size / 16000
    assert segments and all(e - s <= opener_s + 0.05 for s, e in segments)  # the opener alone, each time


def test_fixed_timing_gives_the_same_output_in_every_run(tmp_path):
    """`--timing fixed`: a model of the recognizer's time and a voice without sampling noise, so two runs of
    the same item (two loads of every model, as two processes would) write the same samples."""
    import numpy as np

    from app.config import Settings
    from app.eval.fdb_system import Speech, Timing, run_item
    from app.interaction.floor_policy import Knobs

    root = tmp_path / "items"
    generate(root, "dev", per_category=1, workers=1, categories=("user_backchannel",))
    sp = Settings().speech
    fixed = Timing(measured=False)
    runs = [run_item(root / "user_backchannel/0000/input.wav", "model",
                     Speech(sp.voice, sp.asr_model, sp.asr_threads, repeatable=True), Knobs(), timing=fixed)
            for _ in range(2)]
    assert np.abs(runs[0].output).max() > 0.01  # it spoke
    assert np.array_equal(runs[0].output, runs[1].output)
    assert [t["compute_s"] for t in runs[0].turns] == [t["compute_s"] for t in runs[1].turns]  # not wall time


def test_an_output_that_stayed_silent_has_no_words():
    """Whisper writes "." tokens over some silences (an item whose reply came after its end: 5.03 s of
    zeros); punctuation is no speech, so the item is no takeover."""
    import numpy as np

    from app.config import Settings
    from app.eval.fdb_run import transcribe_output
    from app.eval.fdb_system import Speech

    sp = Settings().speech
    speech = Speech(sp.voice, sp.asr_model, sp.asr_threads, repeatable=True)
    silence = np.zeros(80507, np.float32)
    segments, _ = speech.whisper.transcribe(silence, language="en", beam_size=1, word_timestamps=True,
                                            vad_filter=False, condition_on_previous_text=False, temperature=0.0)
    assert [w.word.strip() for s in segments for w in s.words or []]  # whisper does write something there
    assert transcribe_output(speech, silence) == []
    spoken = transcribe_output(speech, speech.clip("Okay, here's what I found."))
    assert [w.text for w in spoken][:2] == ["Okay,", "here's"]


def test_a_fresh_recognizer_hears_the_same_words_whatever_was_decoded_before():
    """Whisper's retries of a doubtful final sample; a fixed-timing run reseeds the recognizer per item, so
    one item's words do not depend on the items decoded before it."""
    import numpy as np

    from app.config import Settings
    from app.eval.fdb_system import Speech

    sp = Settings().speech
    speech = Speech(sp.voice, sp.asr_model, sp.asr_threads, repeatable=True)
    a = speech.clip("Okay, here's what I found. The short answer is yes, and I can tell you more about the details "
                    "if you like.")
    b = speech.clip("Let me walk you through it. There are three things to keep in mind, and the first one matters "
                    "most.")
    n = min(a.size, b.size)
    garbled = np.concatenate([a[:n] + 0.9 * b[:n], a[: n // 2] + b[::-1][: n // 2]])  # two voices at once

    def retried() -> str:
        """A decode that samples, as whisper's retry of a doubtful final does (whether the first try is
        doubted depends on the build: some hear this audio the same way every time without a retry)."""
        segments, _ = speech.whisper.transcribe(garbled, language="en", beam_size=1, temperature=1.0)
        return " ".join(segment.text for segment in segments)

    drifting = {retried() for _ in range(3)}
    assert len(drifting) > 1  # it samples: the same audio, other words each time
    fresh = set()
    for _ in range(3):
        speech.fresh_recognizer()
        fresh.add((retried(), speech.transcribe(garbled)[0]))
    assert len(fresh) == 1


def test_a_real_voice_that_goes_on_over_the_reply_is_yielded_to(tmp_path, shared_data, monkeypatch):
    """A real speaker who goes on after a pause the assistant took: the model calls the speech under the reply
    a backchannel for whole sentences, and no "mm-hm" lasts that long, so the policy yields to it."""
    import numpy as np

    from app.audio_io import write_wav
    from app.config import Settings
    from app.eval import fdb_score as S
    from app.eval.fdb_system import Speech, Timing, run_item
    from app.interaction import floor_policy
    from app.interaction.floor_policy import Knobs

    voice = read_wav_mono(shared_data / "speech" / "mc-indian-accent.wav", 16000)[: 19 * 16000]
    mic = tmp_path / "input.wav"
    write_wav(mic, np.concatenate([np.zeros(16000, np.float32), voice]), 16000)
    user = S.speech_segments(read_wav_mono(mic, 16000), 16000)
    sp = Settings().speech

    def over_user_s() -> tuple[float, list[dict]]:
        run = run_item(mic, "model", Speech(sp.voice, sp.asr_model, sp.asr_threads, repeatable=True), Knobs(),
                       timing=Timing(measured=False))
        said = S.speech_segments(run.output, 16000)
        return sum(max(0.0, min(e, e2) - max(s, s2)) for s, e in said for s2, e2 in user), run.ticks

    with monkeypatch.context() as m:
        m.setattr(floor_policy, "BACKCHANNEL_LONGEST_S", float("inf"))
        talked_over_s, _ = over_user_s()
    yielded_over_s, ticks = over_user_s()
    taken_ns, long_backchannel_yields = None, []
    for r in ticks:
        t_ns = round(r["t"] * 1e9)
        taken_ns = t_ns if r["decision"] == "take_turn" else taken_ns
        if (r["decision"] == "yield" and r["user_state"] == "backchannel" and r["p_action"]["yield"] < 0.5
                and not floor_policy.collided(taken_ns, t_ns)):
            long_backchannel_yields.append(r["t"])
    assert long_backchannel_yields  # neither the model's evidence nor the collision after a take yielded there
    assert yielded_over_s < talked_over_s - 1.0, (yielded_over_s, talked_over_s)


def test_a_stopped_evaluation_goes_on_where_it_left_off(tmp_path):
    """Ctrl-C in the middle of `tandem eval fdb` keeps the items scored so far, and `--resume` runs only
    the rest: the report counts what it carried over, and results.json holds every item."""
    from app.eval.fdb_resume import RESULT_FILE
    from tests.interrupt import interrupt_when

    root = tmp_path / "items"
    generate(root, "dev", per_category=2, workers=1, categories=("smooth_turn_taking", "user_interruption"))
    out = tmp_path / "eval"
    args = ["eval", "fdb", "--root", str(root), "--out-dir", str(out), "--policy", "baseline", "--timing", "fixed"]
    rc, err = interrupt_when(["-m", "app", *args], lambda: bool(list(out.rglob(RESULT_FILE))))
    assert rc == 130, err
    assert "--resume" in err and "Traceback" not in err
    kept = {p.parent.relative_to(out).as_posix(): json.loads(p.read_text())["row"] for p in out.rglob(RESULT_FILE)}
    assert 1 <= len(kept) < 4 and not (out / "results.json").exists()

    assert main([*args, "--resume"]) == 0
    report = (out / "report.md").read_text()
    assert f"resumed: {len(kept)} of 4 item runs were carried over" in report
    rows = json.loads((out / "results.json").read_text())["items"]["baseline"]
    assert sorted(r["item"] for r in rows) == ["smooth_turn_taking/0000", "smooth_turn_taking/0001",
                                               "user_interruption/0000", "user_interruption/0001"]
    for row in rows:
        if row["item"] in kept:
            assert row == kept[row["item"]]

    assert main(args) == 0  # without --resume every item runs again
    assert "resumed:" not in (out / "report.md").read_text()
