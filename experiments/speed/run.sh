#!/usr/bin/env bash
# The MNIST speed run: seconds of the whole process, from start to exit with the trained
# weights on disk, to reach >= 98.0 % test accuracy (mean of 3 seeds, each >= 97.8 %), for
# `mlp train` and for the same recipe in PyTorch, seeds 1-3 each, one process at a time.
# Writes results/speed/summary.md (a table of every run and the means) and prints it.
# Usage: experiments/speed/run.sh [--quick] [--dir DIR] [--torch-threads T] [THREADS]
#   THREADS          mlp's threads (default 2)
#   --torch-threads  PyTorch's intra-op threads (default 1, its best here: at batch 64 a
#                    second thread costs more than it gives, 10.7 s against 20.0 s whole)
#   --quick     1 epoch on 600 images (checks the wiring, not the speed)
#   --dir DIR   runs in DIR/runs and the summary in DIR/summary.md
#               (default runs/speed and results/speed; with --quick, runs/speed-quick and results/speed-quick)
#   MLP=PATH    the mlp executable (default build/mlp)
# Needs build/mlp (scripts/build.sh), data/mnist (scripts/fetch_data.sh mnist) and
# Debian's python3-torch.
set -euo pipefail
cd "$(dirname "$0")/../.."
config=experiments/speed/mnist_98.toml
mlp=${MLP:-build/mlp}
args=("$@") threads=2 torch_threads=1 quick=0 dir=
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --dir) dir=${2:?--dir needs a directory}; shift ;;
        --torch-threads) torch_threads=${2:?--torch-threads needs a count}; shift ;;
        *[!0-9]* | "" | 0) echo "run.sh: $1: expected --quick, --dir DIR, --torch-threads T or a thread count >= 1" >&2; exit 2 ;;
        *) threads=$1 ;;
    esac
    shift
done
suffix=$([ $quick = 1 ] && echo -quick || true)
out=${dir:-results/speed$suffix} runs=${dir:+$dir/runs}
runs=${runs:-runs/speed$suffix}
mlp_quick=() torch_quick=()
if [ $quick = 1 ]; then
    mlp_quick=(--set data.train_size=600 --set train.epochs=1)
    torch_quick=(--train-size 600 --epochs 1)
fi
mkdir -p "$out" "$runs"
[ -x "$mlp" ] || { echo "run.sh: $mlp is missing (run scripts/build.sh)" >&2; exit 1; }
[ -f data/mnist/train-images-idx3-ubyte ] || { echo "run.sh: data/mnist is missing (run scripts/fetch_data.sh mnist)" >&2; exit 1; }

now() { date +%s.%N; }
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
for seed in 1 2 3; do
    start=$(now)
    "$mlp" train --config "$config" --set train.seed="$seed" --set train.threads="$threads" \
        "${mlp_quick[@]}" --no-report --quiet --force --out "$runs/mlp-seed$seed" >/dev/null
    end=$(now)
    acc=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['test_accuracy'])" \
        "$runs/mlp-seed$seed/metrics.json")
    echo "mlp $seed $acc $(awk "BEGIN{print $end - $start}")" >>"$rows"

    start=$(now)
    line=$(/usr/bin/python3 experiments/speed/torch_mnist_98.py --seed "$seed" --threads "$torch_threads" \
        "${torch_quick[@]}" --out "$runs/torch-seed$seed.pt")
    end=$(now)
    echo "pytorch $seed $(echo "$line" | awk '{print $2}') $(awk "BEGIN{print $end - $start}")" >>"$rows"
done

/usr/bin/python3 - "$rows" "$threads" "$torch_threads" "$(awk -F': ' '/^model name/ {n=$2} /^cpu family/ {f=$2} /^model\t/ {m=$2} END {print n " (family " f ", model " m ")"}' /proc/cpuinfo)" \
    "mlp $("$mlp" --version | head -1)" "${args[@]}" >"$out/summary.md.tmp" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
threads, torch_threads, cpu, version = sys.argv[2:6]
print("# MNIST speed run: whole process to >= 98.0 % test accuracy\n")
print(f"`{' '.join(['experiments/speed/run.sh'] + sys.argv[6:])}` on {cpu}: mlp on {threads} thread(s), PyTorch on "
      f"{torch_threads}, one process at a time; "
      f"{version}. Seconds are wall time from process start to exit, data read from disk and weights "
      "written back (Python start-up and `import torch` included on the PyTorch side).\n")
print("| program | seed | test accuracy | seconds |\n|---|---|---|---|")
for name, seed, acc, secs in rows:
    print(f"| {name} | {seed} | {100 * float(acc):.2f} % | {float(secs):.2f} |")
print("\n| program | mean test accuracy | min | met? | mean seconds |\n|---|---|---|---|---|")
for name in ("mlp", "pytorch"):
    accs = [float(r[2]) for r in rows if r[0] == name]
    secs = [float(r[3]) for r in rows if r[0] == name]
    met = statistics.mean(accs) >= 0.98 and min(accs) >= 0.978
    print(f"| {name} | {100 * statistics.mean(accs):.2f} % | {100 * min(accs):.2f} % | {'yes' if met else 'no'} | "
          f"{statistics.mean(secs):.2f} |")
EOF
mv "$out/summary.md.tmp" "$out/summary.md"
cat "$out/summary.md"
