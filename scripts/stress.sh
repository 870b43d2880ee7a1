#!/usr/bin/env bash
# Interrupted training under load (issue 23): RUNS runs of a small MNIST net, each stopped
# after a few checkpoints by SIGINT, SIGTERM or SIGKILL while another process keeps a core
# busy, then resumed. Every stopped run must exit with 128 + the signal (SIGKILL: be killed),
# and every resumed run must end with exactly the weights of the uninterrupted run. The runs
# cycle through the GEMM backends (auto, and oneDNN, whose kernels once corrupted the heap
# when a signal landed in them) and through 1 and 2 threads.
#   scripts/stress.sh [BUILD_DIR [RUNS]]     defaults: build 40
# Needs MNIST (scripts/fetch_data.sh mnist). Prints one line per failure and a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
runs="${2:-40}"
mlp="$build/mlp"
[ -x "$mlp" ] || { echo "stress.sh: $mlp not found (build it first)" >&2; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/mlp-stress.XXXXXX")"
yes >/dev/null &
busy=$!
trap 'kill $busy 2>/dev/null; rm -rf "$work"' EXIT

args=(--config experiments/mnist_default.toml --quiet --no-report
      --set data.train_size=10000 --set data.validation=2000 --set 'model.hidden=[64]'
      --set train.batch_size=50 --set train.epochs=2 --set train.patience=3 --set train.checkpoint_every=11)
backends=(auto onednn)

# The weights of the uninterrupted run, per backend and thread count.
for gemm in "${backends[@]}"; do
    for threads in 1 2; do
        timeout 300 "$mlp" train "${args[@]}" --set train.gemm=$gemm --set train.threads=$threads \
            --out "$work/reference-$gemm-$threads" >/dev/null
    done
done

# Sends `signal` to pid once the checkpoint in dir has been replaced `count` times; a run
# still going after 300 s is killed (and then fails on its exit code).
stop_after_checkpoints() {
    local pid=$1 dir=$2 count=$3 signal=$4 seen=0 last="" inode deadline=$((SECONDS + 300))
    while kill -0 "$pid" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then kill -s KILL "$pid"; return; fi
        inode="$(stat -c %i "$dir/checkpoint.bin" 2>/dev/null || true)"
        if [ -n "$inode" ] && [ "$inode" != "$last" ]; then last="$inode"; seen=$((seen + 1)); fi
        if [ "$seen" -ge "$count" ]; then kill -s "$signal" "$pid" 2>/dev/null || true; return; fi
        sleep 0.002
    done
}

failures=0
signals=(INT TERM KILL)
start=$SECONDS
for i in $(seq 1 "$runs"); do
    gemm="${backends[$((i % 2))]}"
    threads=$(( (i / 2) % 2 + 1 ))
    signal="${signals[$((i % 3))]}"
    count=$(( (i * 7) % 20 + 1 ))
    dir="$work/run-$i"
    set +e
    "$mlp" train "${args[@]}" --set train.gemm=$gemm --set train.threads=$threads --out "$dir" \
        >"$dir.out" 2>"$dir.err" &
    pid=$!
    stop_after_checkpoints $pid "$dir" $count $signal
    { wait $pid; } 2>/dev/null
    code=$?
    set -e
    expected=$((128 + $(kill -l "$signal")))
    what="run $i ($gemm, $threads threads, SIG$signal after $count checkpoints)"
    # 0: the run ended before the signal was sent.
    if [ "$code" -ne "$expected" ] && [ "$code" -ne 0 ]; then
        echo "FAIL $what: exit $code, expected $expected: $(tail -n 1 "$dir.err")"
        failures=$((failures + 1))
        continue
    fi
    if [ -f "$dir/checkpoint.bin" ] && ! timeout 300 "$mlp" train --resume "$dir" --quiet --no-report \
        >"$dir.resume.out" 2>"$dir.resume.err"; then
        echo "FAIL $what: the resume failed: $(tail -n 1 "$dir.resume.err")"
        failures=$((failures + 1))
        continue
    fi
    if [ ! -f "$dir/model.safetensors" ] && [ ! -f "$dir/checkpoint.bin" ]; then
        # Killed before its first checkpoint: nothing to resume, which is allowed.
        continue
    fi
    if ! cmp -s "$dir/model.safetensors" "$work/reference-$gemm-$threads/model.safetensors"; then
        echo "FAIL $what: the resumed weights differ from the uninterrupted run's"
        failures=$((failures + 1))
        continue
    fi
    rm -rf "$dir" "$dir".*
done
echo "stress: $runs interrupted runs of $mlp in $((SECONDS - start)) s"
echo "stress: $((runs - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
