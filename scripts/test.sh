#!/usr/bin/env bash
# Installs what the tests need, fetches MNIST, builds, and runs every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh chromium  # the browser test opens report.html in headless Chromium
scripts/fetch_data.sh mnist
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
