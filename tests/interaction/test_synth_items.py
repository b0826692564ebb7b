"""Generated sessions: every category writes a readable benchmark item whose features and labels line up."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from app.audio_io import read_wav_mono
from app.eval.fdb_items import discover
from app.interaction.features import N_SCALARS
from app.synth.scenes import CATEGORIES
from app.synth.voices import voice_pool
from app.synth.writer import generate

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def test_splits_never_share_a_voice():
    train, dev, test = (set(voice_pool(s)) for s in ("train", "dev", "test"))
    assert train and dev and test
    assert not (train & dev) and not (train & test) and not (dev & test)


@pytest.mark.slow
def test_every_category_writes_an_item_with_aligned_features_and_labels(tmp_path):
    generate(tmp_path, "test", per_category=1, workers=1)
    items = {it.category: it for it in discover(tmp_path)}
    assert set(items) == set(CATEGORIES)
    for category, item in items.items():
        audio = read_wav_mono(item.path / "input.wav", 16000)
        feats = np.load(item.path / "features.npz")
        labels = np.load(item.path / "labels.npz")
        n = len(labels["action"])
        assert audio.size == n * 3200, category
        assert feats["mic_mel"].shape == (n, 20, 32) and feats["scalars"].shape == (n, N_SCALARS)
        assert np.isfinite(feats["scalars"]).all()
        meta = json.loads((item.path / "meta.json").read_text())
        assert meta["category"] == category and meta["split"] == "test"
    # the labels say what the category is about
    assert (np.load(items["smooth_turn_taking"].path / "labels.npz")["action"] == 2).any()  # take_turn
    assert (np.load(items["user_interruption"].path / "labels.npz")["action"] == 4).any()  # yield
    assert (np.load(items["time_cue"].path / "labels.npz")["cue_due"] == 1).sum() == 1
    for overlap in ("user_backchannel", "talking_to_other", "background_speech"):
        assert (items[overlap].path / "clean_input.wav").is_file()
        assert not (np.load(items[overlap].path / "labels.npz")["action"] == 4).any()  # never yield


@pytest.mark.slow
def test_interrupted_assistant_stops_late_at_times_but_never_after_the_user_stops():
    from app.synth.scenes import Voices, build_session
    from app.synth.timeline import TICK_S, tick_ceil

    voices = Voices("test")
    lateness = []
    for seed in range(8):
        s = build_session("user_interruption", "test", seed, voices)
        (i0, i1), = (a["timestamp"] for a in s.annotation[1])
        stop, reply = s.timeline.yield_from[0], s.timeline.assistant[0]
        assert reply.start < i0 < stop  # the user broke into the answer
        assert stop - 1e-6 <= reply.end <= max(stop, tick_ceil(i1) - TICK_S) + 1e-6
        after = s.timeline.assistant[1].start  # the reply to the interruption
        assert after > i1 and not s.assistant[round(reply.end * 16000):round(after * 16000)].any()  # cut there
        lateness.append(round((reply.end - stop) / TICK_S))
    assert min(lateness) == 0 and max(lateness) >= 4, lateness


@pytest.mark.slow
def test_assistant_lines_are_synthesised_once_per_folder_and_a_broken_clip_is_made_again(tmp_path):
    from app.synth.scenes import Voices

    first = Voices("test", tmp_path).assistant("Got it.")
    (clip,) = tmp_path.glob("*.npy")
    assert first.size > 3200 and np.array_equal(np.load(clip), first)
    # Another worker (a fresh process, an interrupted run resumed) hears the very same clip.
    assert np.array_equal(Voices("test", tmp_path).assistant("Got it."), first)
    clip.write_bytes(clip.read_bytes()[:200])  # cut short (a full disk)
    again = Voices("test", tmp_path).assistant("Got it.")
    assert again.size > 3200 and np.array_equal(np.load(clip), again)
    assert not list(tmp_path.glob("*.tmp.npy"))


@pytest.mark.slow
def test_ctrl_c_keeps_whole_sessions_and_a_rerun_writes_the_rest(tmp_path):
    """Ctrl-C reaches the workers too: the sessions they were writing finish whole, the rest never start,
    and the same command then writes only what is missing."""
    from tests.interrupt import interrupt_when

    out = tmp_path / "dev"
    args = ["-m", "app", "synth", "--out", str(out), "--split", "dev", "--per-category", "10",
            "--categories", "smooth_turn_taking", "--workers", "2"]
    rc, err = interrupt_when(args, lambda: any(out.rglob("features.npz")))
    assert rc == 130, err
    assert "run the same command again to go on" in err and "Traceback" not in err
    written = sorted(p.parent.name for p in out.rglob("features.npz"))
    assert 1 <= len(written) < 10
    assert not list(out.rglob("*.partial"))  # nothing half written
    before = {name: (out / "smooth_turn_taking" / name / "input.wav").stat().st_mtime_ns for name in written}

    made = generate(out, "dev", per_category=10, categories=("smooth_turn_taking",), workers=2)
    assert [p.name for p in made] == [f"{i:04d}" for i in range(10)]  # in order, whatever finished first
    assert all((p / "features.npz").is_file() for p in made)
    assert all((out / "smooth_turn_taking" / n / "input.wav").stat().st_mtime_ns == t for n, t in before.items())
