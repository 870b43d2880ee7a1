#!/usr/bin/env bash
# Installs what the tests need, fetches MNIST, builds, and runs every test through ctest.
#   scripts/test.sh             the Release build in build/
#   scripts/test.sh --sanitize  also the sanitizer build (scripts/sanitize_build.sh: clang,
#                               ASan + UBSan + libFuzzer) in build-sanitize/, and every test
#                               there: the unit tests under the sanitizers and the fuzz
#                               smoke runs (label fuzz). CI runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh chromium  # the browser test opens report.html in headless Chromium
scripts/fetch_data.sh mnist
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
if [ "${1:-}" = "--sanitize" ]; then
    scripts/sanitize_build.sh
    LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp" ctest --test-dir build-sanitize --output-on-failure -j "$(nproc)"
fi
