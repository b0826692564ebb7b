"""Training that was stopped goes on from its checkpoint to the same weights as a run never stopped, and a
checkpoint from other data is not used. Needs the ``train`` extra (torch, onnx)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from app.synth.writer import generate

pytest.importorskip("torch")
pytest.importorskip("onnx")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")]

TRAIN = Path(__file__).resolve().parents[2] / "models" / "interaction" / "train.py"


def _train_module():
    spec = importlib.util.spec_from_file_location("interaction_train", TRAIN)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("interaction_train", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    cats = ("smooth_turn_taking", "user_interruption")
    generate(root / "train", "train", per_category=2, workers=1, categories=cats)
    generate(root / "dev", "dev", per_category=1, workers=1, categories=cats)
    generate(root / "test", "test", per_category=1, workers=1, categories=cats)
    return root


def test_a_stopped_training_goes_on_to_the_same_weights(data, tmp_path, capsys):
    import torch

    train = _train_module()
    common = ["--data", str(data), "--epochs", "3", "--batch", "2", "--threads", "1"]
    assert train.main([*common, "--out", str(tmp_path / "whole"), "--checkpoint", str(tmp_path / "whole.pt")]) == 0
    assert capsys.readouterr().out.count(" left") == 2  # each epoch but the last says how long the rest takes

    sliced = [*common, "--out", str(tmp_path / "sliced"), "--checkpoint", str(tmp_path / "sliced.pt")]
    assert train.main([*sliced, "--stop-after", "1"]) == 0
    assert "Stopped after epoch 1 of 3" in capsys.readouterr().out
    assert not (tmp_path / "sliced" / "interaction.pt").exists()  # nothing exported from half a training
    assert torch.load(tmp_path / "sliced.pt", weights_only=False)["epoch"] == 1
    assert train.main([*sliced, "--stop-after", "1"]) == 0
    assert "Going on from epoch 1 of 3" in capsys.readouterr().out
    assert train.main(sliced) == 0
    assert "Going on from epoch 2 of 3" in capsys.readouterr().out

    whole = torch.load(tmp_path / "whole" / "interaction.pt")
    resumed = torch.load(tmp_path / "sliced" / "interaction.pt")
    assert whole.keys() == resumed.keys()
    assert all(torch.equal(whole[k], resumed[k]) for k in whole)
    assert (tmp_path / "sliced" / "interaction.int8.onnx").is_file()

    # Finished: a second run goes straight to the export, without an epoch.
    assert train.main(sliced) == 0
    out = capsys.readouterr().out
    assert "Training had finished" in out and '"epoch"' not in out


def test_a_checkpoint_from_other_settings_or_a_damaged_one_is_not_used(data, tmp_path, capsys):
    train = _train_module()
    ckpt = tmp_path / "c.pt"
    common = ["--data", str(data), "--batch", "2", "--threads", "1", "--out", str(tmp_path / "o"),
              "--checkpoint", str(ckpt)]
    assert train.main([*common, "--epochs", "2", "--stop-after", "1"]) == 0
    capsys.readouterr()
    assert train.main([*common, "--epochs", "3", "--stop-after", "1"]) == 0
    out = capsys.readouterr().out
    assert "with other training code, data or settings; training starts over" in out and "Going on" not in out
    ckpt.write_bytes(b"not a checkpoint")
    assert train.main([*common, "--epochs", "3", "--stop-after", "1"]) == 0
    assert "cannot be read" in capsys.readouterr().out


def test_ctrl_c_keeps_the_finished_epochs(data, tmp_path):
    """Ctrl-C in the middle of training says how to go on, and the run that follows starts from the last
    finished epoch."""
    import torch

    from tests.interrupt import interrupt_when

    ckpt = tmp_path / "c.pt"
    common = ["--data", str(data), "--batch", "2", "--threads", "1", "--out", str(tmp_path / "o"),
              "--checkpoint", str(ckpt), "--epochs", "500"]
    rc, err = interrupt_when([str(TRAIN), *common], ckpt.is_file)
    assert rc == 130, err
    assert "run the same command again to go on" in err and "Traceback" not in err
    kept = torch.load(ckpt, weights_only=False)["epoch"]
    assert 1 <= kept < 500
    train = _train_module()
    assert train.main([*common, "--stop-after", "1"]) == 0
    assert torch.load(ckpt, weights_only=False)["epoch"] == kept + 1
