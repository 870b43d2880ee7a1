#!/usr/bin/env bash
# Fixture of the library tests: a short `mlp train` run directory on MNIST (OUT/run) and the
# first MNIST test digit as a PGM image (OUT/digit.pgm) with its label (OUT/digit.label).
#   make_run.sh MLP_BINARY SOURCE_DIR OUT
set -euo pipefail
mlp=$1 source=$2 out=$3
rm -rf "$out" && mkdir -p "$out"
images=$source/data/mnist/t10k-images-idx3-ubyte labels=$source/data/mnist/t10k-labels-idx1-ubyte
[ -f "$images" ] || { echo "make_run.sh: $images missing: run scripts/fetch_data.sh mnist" >&2; exit 1; }
# IDX: a 16-byte header, then 28×28 bytes per image; labels after an 8-byte header.
{ printf 'P5\n28 28\n255\n'; dd if="$images" bs=16 skip=1 count=49 status=none; } > "$out/digit.pgm"
od -An -tu1 -j8 -N1 "$labels" | tr -d ' \n' > "$out/digit.label"
cd "$source"
# A schedule, L2 on biases, label smoothing and augmentation too, so library_experiment sees
# every [train] and [augment] key reach the library;
# one thread, as its Runtime(1) (train.threads = "auto" would take every CPU here).
"$mlp" train --config experiments/mnist_default.toml --set train.epochs=1 --set data.train_size=3000 \
    --set data.validation=500 --set train.schedule=cosine --set train.warmup_epochs=0.5 --set train.l2=1e-4 \
    --set train.l2_biases=true --set train.label_smoothing=0.1 --set augment.translate=1 --set augment.flip=true \
    --set train.threads=1 --out "$out/run" --quiet
