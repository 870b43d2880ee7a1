#!/usr/bin/env bash
# The main job: installs what is missing, fetches MNIST, builds, trains the default
# experiment (experiments/mnist_default.toml) and says where its run directory is.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/fetch_data.sh mnist
scripts/build.sh
build/mlp train --config experiments/mnist_default.toml --out runs/mnist_default "$@"
