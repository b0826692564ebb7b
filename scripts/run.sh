#!/usr/bin/env bash
# Starts the desktop app, or, where there is no display, a headless demo session that shows the work.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset), so the window cannot open."
  echo "Running a headless demo session on the bundled sample instead:"
  exec .venv/bin/tandem demo
fi
exec .venv/bin/tandem "$@"
