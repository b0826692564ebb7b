#!/usr/bin/env bash
# One command for the interaction model: generate the scenarios, train, evaluate, export to ONNX,
# quantize to int8, and write the model card. Usage: scripts/build-interaction-model.sh [DATA_DIR]
# Environment: EPOCHS (default 30), TRAIN_PER_CATEGORY (150), EVAL_PER_CATEGORY (all test items).
# Run it again after a stop or a crash: the data, the training (from its last epoch) and the evaluations
# go on where they left off, and only what changed is done again.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-build/interaction-data}"
OUT="models/interaction"
PY=.venv/bin/python
TANDEM=.venv/bin/tandem

scripts/setup.sh
if ! $PY -c "import torch, onnx" 2>/dev/null; then
  echo "Installing the training extra (torch, onnx)…"
  .venv/bin/pip install -e ".[train]"
  scripts/setup.sh  # that install brings plain onnxruntime back beside the GPU build; keep one
fi

$TANDEM synth --out "$DATA/train" --split train --per-category "${TRAIN_PER_CATEGORY:-150}"
# The hard distinctions get more sessions: held pauses vs. ends of turns, backchannels, side remarks
# and background talk vs. interruptions.
$TANDEM synth --out "$DATA/train" --split train --categories pause_handling --per-category 450
$TANDEM synth --out "$DATA/train" --split train --categories user_backchannel --per-category 400
$TANDEM synth --out "$DATA/train" --split train --categories talking_to_other --per-category 250
$TANDEM synth --out "$DATA/train" --split train --categories background_speech --per-category 300
$TANDEM synth --out "$DATA/dev" --split dev
$TANDEM synth --out "$DATA/test" --split test
$PY models/interaction/train.py --data "$DATA" --out "$OUT" --epochs "${EPOCHS:-30}"
rm -f "$OUT/interaction.fp32.onnx"
EVAL_ARGS=()
if [ -n "${EVAL_PER_CATEGORY:-}" ]; then EVAL_ARGS=(--limit "$EVAL_PER_CATEGORY"); fi
$TANDEM eval fdb --root "$DATA/test" --out-dir "$DATA/eval-test" --resume "${EVAL_ARGS[@]}"
$TANDEM eval fdb --root "$DATA/dev" --out-dir "$DATA/eval-dev" --resume "${EVAL_ARGS[@]}"
$TANDEM synth --out "$DATA/recordings" --recordings ../shared/data/speech 2>/dev/null \
  && $TANDEM eval fdb --root "$DATA/recordings" --out-dir "$DATA/eval-recordings" --resume \
  || echo "No real recordings found next to the repository; the model card skips them."
$PY models/interaction/card.py --data "$DATA" --out "$OUT"
echo "Done: $OUT/interaction.int8.onnx and $OUT/MODEL_CARD.md"
