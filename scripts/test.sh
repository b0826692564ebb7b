#!/usr/bin/env bash
# Runs the test suite in the project's environment; extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
.venv/bin/python -m pytest "$@"
rc=$?
# pytest exits 5 when a selection matches no test; that is a failure of the suite, say so plainly.
if [ $rc -eq 5 ]; then echo "No tests were collected." >&2; exit 1; fi
exit $rc
