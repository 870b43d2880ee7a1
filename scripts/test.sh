#!/usr/bin/env bash
# Installs what the tests need, fetches MNIST, builds, and runs every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/fetch_data.sh mnist
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
