#!/usr/bin/env bash
# `mpirun -np N mlp train` end to end, for N = 2 and 3 on loopback:
#   - the weights after 2 epochs agree with one process's within 1e-5 (relative, every weight);
#   - the same config, seed and N give the same bits again; 2 threads per rank still agree;
#   - rank 0 alone writes the run directory, and metrics.json records the ranks;
#   - a run stopped after 7 steps by N ranks and resumed by the other N ends where one
#     process does.
# Usage: train_cli_test.sh MLP COMPARE MPIRUN... (run from the source root; needs data/mnist)
set -euo pipefail
mlp=$1 compare=$2
shift 2
mpirun=("$@")
config=tests/mpi/tiny_mnist.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
train() { "$@" --no-report --quiet > /dev/null; }  # train LAUNCHER... MLP train ARGS...

train "$mlp" train --config "$config" --out "$tmp/one"
for n in 2 3; do
    train "${mpirun[@]}" -np "$n" "$mlp" train --config "$config" --out "$tmp/np$n"
    echo "np $n vs one process:"; "$compare" "$tmp/np$n" "$tmp/one" 1e-5
    train "${mpirun[@]}" -np "$n" "$mlp" train --config "$config" --out "$tmp/np$n-again"
    echo "np $n, run again:"; "$compare" "$tmp/np$n-again" "$tmp/np$n" 0
    grep -q "\"ranks\": $n" "$tmp/np$n/metrics.json" || { echo "metrics.json does not record $n ranks"; exit 1; }
    # Nothing but rank 0's files: no second lock holder, no temporaries left behind.
    leftovers=$(find "$tmp/np$n" -name '*.tmp*' | wc -l)
    [ "$leftovers" = 0 ] || { echo "temporary files left in the run directory"; exit 1; }
done

# Threads inside each rank (the products split over a team of 2).
train "${mpirun[@]}" -np 2 "$mlp" train --config "$config" --out "$tmp/np2-threads2" --set train.threads=2
echo "np 2 x 2 threads vs one process:"; "$compare" "$tmp/np2-threads2" "$tmp/one" 1e-5

# Stopped by 2 ranks after 7 steps, finished by 3 (and the other way round).
for pair in "2 3" "3 2"; do
    set -- $pair
    dir="$tmp/resume-$1-$2"
    train "${mpirun[@]}" -np "$1" "$mlp" train --config "$config" --out "$dir" --set train.max_steps=7
    train "${mpirun[@]}" -np "$2" "$mlp" train --resume "$dir" --set train.max_steps=0
    echo "$1 ranks, resumed by $2, vs one process:"; "$compare" "$dir" "$tmp/one" 1e-5
done
echo "train_cli_test: all passed"
