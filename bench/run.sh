#!/usr/bin/env bash
# Runs every benchmark and prints the ratio table: mlp_bench (reference check, GEMM peak,
# training and inference), the PyTorch and NumPy peers at 1 and 2 threads (one process per
# setting, so each library starts with its thread count), gemm_bench, then compare.py.
# mlp_bench and the peers run ROUNDS times (default 2), one after the other in each round,
# and compare.py takes each figure's best round: this machine has slow spells of a minute
# or more, and one that falls on one program's turn would otherwise decide a ratio.
# Usage: [ROUNDS=n] bench/run.sh [--quick]   (from anywhere; needs a Release build in
# build/ and MNIST in data/mnist: scripts/build.sh, scripts/fetch_data.sh mnist). About
# 4 minutes a round.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=()
[ "${1:-}" = "--quick" ] && quick=(--quick)
build=${BUILD_DIR:-build}
out=${BENCH_OUT:-$build/bench-results}
py=/usr/bin/python3  # Debian's python3-torch and python3-numpy live there
rounds=${ROUNDS:-2}
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: ROUNDS must be a positive integer, got '$rounds'" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/*.json
[ -x "$build/bench/mlp_bench" ] || { echo "run.sh: $build/bench/mlp_bench missing; run scripts/build.sh" >&2; exit 1; }

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
    echo "== round $r of $rounds: mlp_bench"
    "$build/bench/mlp_bench" "${quick[@]}" --json "$out/mlp_r$r.json"
    for impl in torch numpy; do
        for t in 1 2; do
            echo "== round $r of $rounds: $impl peer, $t thread(s)"
            OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t "$py" bench/peers/peer_bench.py "$impl" --threads "$t" \
                "${quick[@]}" --json "$out/${impl}_${t}_r$r.json"
        done
    done
done
if [ -x "$build/bench/gemm_bench" ]; then
    echo "== gemm_bench (1 thread)"
    "$build/bench/gemm_bench" --quick
fi
echo "== load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== ratio table"
"$py" bench/compare.py "$out"/mlp_r*.json "$out"/torch_*.json "$out"/numpy_*.json | tee "$out/table.md"
