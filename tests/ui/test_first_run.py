import pytest

from app.ui.first_run import (
    Check,
    CheckResult,
    FirstRunDialog,
    default_checks,
    first_run_needed,
    interaction_model_check,
    mark_first_run_done,
)


def boom() -> CheckResult:
    raise RuntimeError("driver exploded")


def test_checks_run_with_progress_and_say_what_is_missing_and_how_to_fix_it(qtbot):
    checks = [
        Check("Microphone", lambda: CheckResult("ok", "1 found: USB mic")),
        Check("Speech synthesis", lambda: CheckResult("missing", "piper is not installed", "pip install piper-tts")),
        Check("Interaction model", lambda: CheckResult("warning", "no model", "train it")),
        Check("Camera", boom),
    ]
    dlg = FirstRunDialog(checks)
    qtbot.addWidget(dlg)
    dlg.show()
    with qtbot.waitSignal(dlg.checks_done, timeout=5000) as sig:
        dlg.start()
    assert sig.args == [False]
    assert dlg.progress.value() == dlg.progress.maximum() == 4
    rows = [(dlg.table.topLevelItem(i).text(0), dlg.table.topLevelItem(i).text(1)) for i in range(4)]
    assert rows == [("✓", "Microphone"), ("✗", "Speech synthesis"), ("⚠", "Interaction model"), ("✗", "Camera")]
    assert "pip install piper-tts" in dlg.table.topLevelItem(1).text(2)
    assert "driver exploded" in dlg.results["Camera"].detail
    assert "Missing: Speech synthesis, Camera" in dlg.summary.text()
    assert "pip install piper-tts" in dlg.summary.text()
    assert dlg.again_button.isEnabled()


def test_all_present_says_ready(qtbot):
    dlg = FirstRunDialog([Check("A", lambda: CheckResult("ok", "fine"))])
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.checks_done, timeout=5000) as sig:
        dlg.start()
    assert sig.args == [True] and "Everything Tandem needs is here" in dlg.summary.text()


def test_interaction_model_check(tmp_path):
    assert interaction_model_check(tmp_path / "none").status == "warning"
    (tmp_path / "m.onnx").write_bytes(b"version https://git-lfs")
    r = interaction_model_check(tmp_path)
    assert r.status == "missing" and "LFS" in r.detail
    (tmp_path / "m.onnx").write_bytes(b"\0" * 4096)
    assert interaction_model_check(tmp_path).status == "ok"


@pytest.mark.audio
def test_default_checks_run_against_this_machine(qtbot, pulse):
    dlg = FirstRunDialog(default_checks())
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.checks_done, timeout=20000):
        dlg.start()
    assert dlg.results["Microphone"].status == "ok" and "pulse" in dlg.results["Microphone"].detail
    assert dlg.results["Speaker"].status == "ok"
    assert set(dlg.results) >= {"Interaction model", "Speech recognition", "Speech synthesis"}


def test_first_run_marker(tmp_path):
    assert first_run_needed(tmp_path)
    mark_first_run_done(tmp_path)
    assert not first_run_needed(tmp_path)
