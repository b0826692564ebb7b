#!/usr/bin/env bash
# One command for the interaction model: generate the scenarios, train, evaluate, export to ONNX,
# quantize to int8, and write the model card. Usage: scripts/build-interaction-model.sh [DATA_DIR]
# Environment: EPOCHS (default 30), TRAIN_PER_CATEGORY (150; the hard categories get 1.7-3 times as
# many), EVAL_PER_CATEGORY (all test items), MODEL_OUT (models/interaction: where the model and its card go).
# Run it again after a stop or a crash: the data, the training (from its last epoch) and the evaluations
# go on where they left off, and only what changed is done again.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-build/interaction-data}"
OUT="${MODEL_OUT:-models/interaction}"
N="${TRAIN_PER_CATEGORY:-150}"
PY=.venv/bin/python
TANDEM=.venv/bin/tandem

scripts/setup.sh
if ! $PY -c "import torch, onnx" 2>/dev/null; then
  echo "Installing the training extra (torch, onnx)…"
  .venv/bin/pip install -e ".[train]"
  scripts/setup.sh  # that install brings plain onnxruntime back beside the GPU build; keep one
fi

$TANDEM synth --out "$DATA/train" --split train --per-category "$N"
# The hard distinctions get more sessions: held pauses vs. ends of turns, backchannels, side remarks
# and background talk vs. interruptions (450, 400, 250 and 300 at the default 150).
$TANDEM synth --out "$DATA/train" --split train --categories pause_handling --per-category $((N * 3))
$TANDEM synth --out "$DATA/train" --split train --categories user_backchannel --per-category $((N * 8 / 3))
$TANDEM synth --out "$DATA/train" --split train --categories talking_to_other --per-category $((N * 5 / 3))
$TANDEM synth --out "$DATA/train" --split train --categories background_speech --per-category $((N * 2))
$TANDEM synth --out "$DATA/dev" --split dev
$TANDEM synth --out "$DATA/test" --split test
$PY models/interaction/train.py --data "$DATA" --out "$OUT" --epochs "${EPOCHS:-30}"
rm -f "$OUT/interaction.fp32.onnx"
MODEL=(--model "$OUT/interaction.int8.onnx")  # the model just built, wherever MODEL_OUT put it
LIMIT=()
if [ -n "${EVAL_PER_CATEGORY:-}" ]; then LIMIT=(--limit "$EVAL_PER_CATEGORY"); fi
$TANDEM eval fdb --root "$DATA/test" --out-dir "$DATA/eval-test" --resume "${MODEL[@]}" "${LIMIT[@]}"
$TANDEM eval fdb --root "$DATA/dev" --out-dir "$DATA/eval-dev" --resume "${MODEL[@]}" "${LIMIT[@]}"
$TANDEM synth --out "$DATA/recordings" --recordings ../shared/data/speech 2>/dev/null \
  && $TANDEM eval fdb --root "$DATA/recordings" --out-dir "$DATA/eval-recordings" --resume "${MODEL[@]}" \
  || echo "No real recordings found next to the repository; the model card skips them."
$PY models/interaction/card.py --data "$DATA" --out "$OUT"
echo "Done: $OUT/interaction.int8.onnx and $OUT/MODEL_CARD.md"
