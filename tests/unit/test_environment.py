import importlib.metadata as md
import sys

import pytest


def installed(name: str) -> bool:
    try:
        md.distribution(name)
    except md.PackageNotFoundError:
        return False
    return True


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS uses plain onnxruntime")
def test_exactly_one_onnxruntime_build_is_installed_and_it_is_the_gpu_one():
    # Both wheels provide the same `onnxruntime` module; having both breaks whichever loads second.
    assert installed("onnxruntime-gpu")
    assert not installed("onnxruntime"), "plain onnxruntime is installed beside onnxruntime-gpu: run `make setup`"
    import onnxruntime

    assert "CPUExecutionProvider" in onnxruntime.get_available_providers()


def test_the_app_never_imports_torch():
    # The app runs its models on onnxruntime, CTranslate2 and llama.cpp; torch is for training only.
    import subprocess

    code = ("import sys, app.__main__, app.session, app.live, app.bench, app.selftest, app.reasoning.runtime, "
            "app.vision.features, app.eval.fdb_score; print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_opencv_is_the_headless_build():
    assert installed("opencv-python-headless")
    assert not installed("opencv-python"), "the non-headless OpenCV ships Qt plugins that fight PySide6"
