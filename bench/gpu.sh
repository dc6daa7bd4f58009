#!/usr/bin/env bash
# Throughput of the engine on one CUDA GPU in bf16, for the bundled MiniLM and for a
# bert-base-sized model (random weights, built from a config), at several batch token
# budgets, beside the Hugging Face pipeline on the same GPU. Prints a short table.
#
#   bench/gpu.sh                       # on a GPU machine with the project's deps installed
#   N_DOCS=16 BUDGETS=16384,65536 bench/gpu.sh
#
# Settings (environment): PYTHON, DEVICE (cuda), PRECISION (bf16), BUDGETS, N_DOCS,
# REPEATS, ROUNDS, WINDOW, OVERLAP, COMPILE (1: also torch.compile; slower to start).
# Each model is given at most 140 s, so the script ends within 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
DEVICE=${DEVICE:-cuda}
PRECISION=${PRECISION:-bf16}
BUDGETS=${BUDGETS:-8192,16384,32768,65536}
N_DOCS=${N_DOCS:-32}
REPEATS=${REPEATS:-2}
ROUNDS=${ROUNDS:-1}
WINDOW=${WINDOW:-256}
OVERLAP=${OVERLAP:-32}
# Nothing forks after tokenising here, so the tokenizer may use every core.
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=true

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$PYTHON" -c "import torch, sys; sys.exit(0 if '$DEVICE' == 'cpu' or torch.cuda.is_available() else 'no CUDA device: run this on a GPU machine')"

for model in minilm bert-base; do
    extra=()
    [ "$model" = bert-base ] && extra=(--random-model bert-base)
    echo "=== $model ==="
    # In one process: GPU peak memory is reset per reading, and CUDA starts only once.
    timeout 140 "$PYTHON" -m bench.throughput ${extra[@]+"${extra[@]}"} --in-process \
        --device "$DEVICE" --precision "$PRECISION" --batch-tokens "$BUDGETS" \
        --n-docs "$N_DOCS" --repeats "$REPEATS" --rounds "$ROUNDS" \
        --window "$WINDOW" --overlap "$OVERLAP" ${COMPILE:+--compile} \
        --json "$out/$model.json" || echo "($model did not finish: exit $?)"
done

"$PYTHON" - "$out" <<'EOF'
import json, sys
from pathlib import Path

print()
print(f"{'model':<30} {'batch tok':>9} {'wp/s':>10} {'fwd GFLOP/s':>11} {'of matmul':>9} "
      f"{'GPU MiB':>8} {'x pipeline':>10}")
for name in ("minilm", "bert-base"):
    path = Path(sys.argv[1]) / f"{name}.json"
    if not path.is_file():
        continue
    run = json.loads(path.read_text())
    rate = run["matmul_gflops"].get("bf16") or run["matmul_gflops"]["fp32"]
    for r in run["readings"]:
        gflops = r.get("forward_gflops")
        ratio = r.get("vs_pipeline")
        print(
            f"{run['model'][:30]:<30} {r['batch_tokens'] or 'HF fp32':>9} "
            f"{r['word_pieces_per_second']:>10.0f} "
            f"{(f'{gflops:.0f}' if gflops else '-'):>11} "
            f"{(f'{gflops / rate:.0%}' if gflops else '-'):>9} "
            f"{r['extra'].get('peak_gpu_mib', 0):>8.0f} "
            f"{(f'{ratio:.2f}x' if ratio else '-'):>10}"
        )
    print(f"{'':<30} matmul: " + ", ".join(f"{k} {v:.0f} GFLOP/s" for k, v in run["matmul_gflops"].items()))
EOF
