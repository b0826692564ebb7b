"""`tandem eval fdb` answers a mistake in its arguments with one line that says what is wrong, before it
loads the speech models, and with exit status 2."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.__main__ import main
from app.audio_io import write_wav


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "items" / "smooth_turn_taking" / "0000"
    folder.mkdir(parents=True)
    write_wav(folder / "input.wav", np.zeros(16000, np.float32), 16000)
    (folder / "turn_taking.json").write_text(json.dumps([{"timestamp": [0.2, 0.8]}]), encoding="utf-8")
    return tmp_path / "items"


def _eval(capsys, *args):
    rc = main(["eval", "fdb", *args])
    return rc, capsys.readouterr().err


def test_a_folder_without_items(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    rc, err = _eval(capsys, "--root", str(tmp_path / "empty"), "--out-dir", str(tmp_path / "out"))
    assert rc == 2 and "No benchmark items" in err and "Traceback" not in err


def test_a_category_the_folder_does_not_have(root, tmp_path, capsys):
    rc, err = _eval(capsys, "--root", str(root), "--out-dir", str(tmp_path / "out"), "--categories", "time_cues")
    assert rc == 2 and "No items of time_cues" in err and "it has smooth_turn_taking" in err


def test_a_missing_or_broken_model_file(root, tmp_path, capsys):
    rc, err = _eval(capsys, "--root", str(root), "--out-dir", str(tmp_path / "out"), "--model", str(tmp_path / "x"))
    assert rc == 2 and "no model file" in err
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x00not onnx")
    rc, err = _eval(capsys, "--root", str(root), "--out-dir", str(tmp_path / "out"), "--model", str(broken))
    assert rc == 2 and "cannot be loaded" in err
    assert not (tmp_path / "out").exists()  # nothing was run
