"""Where things live: bundled assets, the user's config file and data, on every platform and in a bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "tandem"


def assets_dir() -> Path:
    """The bundled assets folder: beside the package in a source tree, inside a PyInstaller bundle,
    or under the install prefix for a wheel install.
    """
    candidates = []
    if hasattr(sys, "_MEIPASS"):
        candidates.append(Path(sys._MEIPASS) / "assets")
    candidates.append(Path(__file__).resolve().parents[1] / "assets")
    candidates.append(Path(sys.prefix) / "share" / APP_NAME / "assets")
    for c in candidates:
        if (c / "default-config.yaml").is_file():
            return c
    raise FileNotFoundError("Tandem's assets folder is missing; reinstall Tandem.")


def models_dir() -> Path:
    """Models shipped with Tandem itself (interaction model, VAD): in the bundle or the source tree."""
    if hasattr(sys, "_MEIPASS"):
        return Path(sys._MEIPASS) / "models"  # PyInstaller sets _MEIPASS
    for c in (Path(__file__).resolve().parents[1] / "models", Path(sys.prefix) / "share" / APP_NAME / "models"):
        if c.is_dir():
            return c
    raise FileNotFoundError("Tandem's models folder is missing; reinstall Tandem.")


def config_path() -> Path:
    """The user's settings file (``TANDEM_CONFIG`` overrides the platform location)."""
    env = os.environ.get("TANDEM_CONFIG")
    if env:
        return Path(env)
    return platformdirs.user_config_path(APP_NAME) / "config.yaml"


def data_dir() -> Path:
    """Per-user data (notes, transcripts, caches); created on first use."""
    env = os.environ.get("TANDEM_DATA_DIR")
    path = Path(env) if env else platformdirs.user_data_path(APP_NAME)
    path.mkdir(parents=True, exist_ok=True)
    return path
