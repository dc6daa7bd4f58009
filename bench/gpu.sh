#!/usr/bin/env bash
# The engine on one CUDA GPU, measured fairly, in one command (about 5 minutes):
#
#   1. bench.device: for MiniLM and a bert-base-sized model (random weights, built from a
#      config), at several token budgets: the engine end to end (text to entities,
#      predict_stream) against the forward passes alone on the same batches with inputs
#      already on the GPU (the ceiling), the engine's fraction of it, and where the time
#      went (prepare / forward / finish / driver waits).
#   2. bench.throughput: the engine against the Hugging Face pipeline run as its expert
#      users run it: the same dtype, a list of documents, batch_size 32, 64 and 128 (the
#      fastest counts), stride for long documents, on the same GPU.
#
#   bench/gpu.sh
#   N_DOCS=60 BUDGETS=16384,65536 bench/gpu.sh
#
# Settings (environment): PYTHON, DEVICE (cuda), PRECISION (auto: bf16 where the GPU has
# it, else fp16), BUDGETS, N_DOCS, ROUNDS, PIPELINE_BATCH_SIZES.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
DEVICE=${DEVICE:-cuda}
PRECISION=${PRECISION:-auto}
BUDGETS=${BUDGETS:-16384,32768,65536}
N_DOCS=${N_DOCS:-120}
ROUNDS=${ROUNDS:-2}
PIPELINE_BATCH_SIZES=${PIPELINE_BATCH_SIZES:-32,64,128}
export HF_HUB_OFFLINE=1

"$PYTHON" -c "import torch, sys; sys.exit(0 if '$DEVICE' == 'cpu' or torch.cuda.is_available() else 'no CUDA device: run this on a GPU machine')"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || true
echo "CPUs: $(nproc)"

echo "=== engine end to end vs forward only ==="
timeout 200 "$PYTHON" -m bench.device --device "$DEVICE" --precision "$PRECISION" \
    --models minilm,bert-base --batch-tokens "$BUDGETS" --n-docs "$N_DOCS" --rounds "$ROUNDS" \
    || echo "(bench.device did not finish: exit $?)"

precision=$("$PYTHON" -c "from nerkit.devices import resolve_precision; print(resolve_precision('$PRECISION', '$DEVICE'))")
for model in minilm bert-base; do
    extra=()
    [ "$model" = bert-base ] && extra=(--random-model bert-base)
    echo "=== $model: engine vs Hugging Face pipeline, both in $precision ==="
    timeout 100 "$PYTHON" -m bench.throughput ${extra[@]+"${extra[@]}"} --in-process \
        --device "$DEVICE" --precision "$precision" --batch-tokens "${BUDGETS##*,}" \
        --pipeline-batch-sizes "$PIPELINE_BATCH_SIZES" --n-docs 32 --rounds 1 \
        || echo "($model did not finish: exit $?)"
done
