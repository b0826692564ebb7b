#!/usr/bin/env bash
# Installs what Tandem needs on Debian/Ubuntu, then the Python environment in .venv.
# Idempotent and quick when nothing changed: `make run` and `make test` call it every time.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3-venv libportaudio2 libsndfile1 pulseaudio pulseaudio-utils espeak-ng sox
  xvfb xdotool libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libdbus-1-3 libfontconfig1
  dbus-daemon)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Tandem needs these system packages. Run this once, then try again:"
    echo "  sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Tandem needs Python 3.11 or newer; $("$PY" --version) found. Set PYTHON=/path/to/python3.11." >&2
  exit 1
fi

stamp=.venv/.tandem-installed
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtual environment in .venv"
  "$PY" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ scripts/setup.sh -nt "$stamp" ]; then
  echo "==> Installing Python packages (first time: a few minutes)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi
# faster-whisper and piper pull in plain onnxruntime; it shares its module with onnxruntime-gpu,
# so exactly one may stay. Keep the GPU build (it runs on the CPU too) where it exists. Checked on
# every run: any later install that resolves those packages again (the training extra) brings it back.
if [ "$(uname -s)" != Darwin ] && compgen -G ".venv/lib/python3*/site-packages/onnxruntime-[0-9]*.dist-info" >/dev/null; then
  echo "==> Keeping one onnxruntime build: removing plain onnxruntime beside onnxruntime-gpu"
  .venv/bin/python -m pip uninstall -q -y onnxruntime
  .venv/bin/python -m pip install -q --force-reinstall --no-deps "onnxruntime-gpu>=1.18"
fi
