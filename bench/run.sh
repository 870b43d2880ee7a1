#!/usr/bin/env bash
# Runs every benchmark and prints the ratio table: mlp_bench (reference check, GEMM peak,
# training and inference), the peers (PyTorch, NumPy, scikit-learn) in every thread
# arrangement that can differ (one process per arrangement, listed by
# `peer_bench.py IMPL --list`: torch threads 1 and 2, BLAS threads 1 and 2,
# OMP_WAIT_POLICY=PASSIVE or not), gemm_bench, then compare.py, which takes each peer's best
# arrangement and names it. mlp_bench and the peers run ROUNDS times (default 2), one after
# the other in each round, and compare.py takes each figure's best round: this machine has
# slow spells of a minute or more, and one that falls on one program's turn would otherwise
# decide a ratio.
# Usage: [ROUNDS=n] [BUILD_DIR=build] [BENCH_OUT=DIR] bench/run.sh [--quick]   (from anywhere;
# needs a Release build in build/ and MNIST in data/mnist: scripts/build.sh,
# scripts/fetch_data.sh mnist). About 7 minutes a round on 2 cores, 2 with --quick.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=()
[ "${1:-}" = "--quick" ] && quick=(--quick)
build=${BUILD_DIR:-build}
out=${BENCH_OUT:-$build/bench-results}
py=/usr/bin/python3  # Debian's python3-torch, python3-numpy and python3-sklearn live there
rounds=${ROUNDS:-2}
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: ROUNDS must be a positive integer, got '$rounds'" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/*.json
[ -x "$build/bench/mlp_bench" ] || { echo "run.sh: $build/bench/mlp_bench missing; run scripts/build.sh" >&2; exit 1; }

peers=()
for impl in torch numpy sklearn; do
    if "$py" -c "import $impl" 2>/dev/null; then
        peers+=("$impl")
    else
        echo "run.sh: Python module $impl missing (scripts/install_deps.sh): the $impl peer is skipped" >&2
    fi
done

started=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "{\"kind\": \"run\", \"date\": \"$started\"}" > "$out/run.json"
echo "== $started; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
    echo "== round $r of $rounds: mlp_bench"
    "$build/bench/mlp_bench" "${quick[@]}" --json "$out/mlp_r$r.json"
    for impl in "${peers[@]}"; do
        while read -r tag options; do
            echo "== round $r of $rounds: $impl peer, $options"
            # shellcheck disable=SC2086  # $options: the arrangement's options, one word each
            "$py" bench/peers/peer_bench.py "$impl" $options "${quick[@]}" --json "$out/${impl}_${tag}_r$r.json" \
                </dev/null
        done < <("$py" bench/peers/peer_bench.py "$impl" --list)
    done
done
if [ -x "$build/bench/gemm_bench" ]; then
    echo "== gemm_bench (1 thread)"
    "$build/bench/gemm_bench" --quick
fi
echo "== load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== ratio table"
peer_files=()
for impl in "${peers[@]}"; do peer_files+=("$out/${impl}"_*.json); done
"$py" bench/compare.py "$out/run.json" "$out"/mlp_r*.json "${peer_files[@]}" | tee "$out/table.md"
