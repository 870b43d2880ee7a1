#!/usr/bin/env bash
# Installs what the tests need, fetches MNIST, builds, and runs every test through ctest:
# first the Release build in build/, then the sanitizer build (scripts/sanitize_build.sh:
# clang, ASan + UBSan + libFuzzer) in build-sanitize/, with the unit tests under the
# sanitizers and the fuzz smoke runs (label fuzz). Before each build's tests, the
# interrupted-runs stress test (scripts/stress.sh). The Release build has MLP_MPI on (Open MPI
# comes from install_deps.sh), so its ctest also runs tests/mpi/ under mpirun: 2 and 3 ranks
# on loopback, two hosts as network namespaces, a killed rank, the distributed search.
# CI runs this.
#   scripts/test.sh                 both
#   scripts/test.sh --no-sanitize   the Release build's tests only (a quicker local check)
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=1
case "${1:-}" in
    "") ;;
    --no-sanitize) sanitize=0 ;;
    *) echo "test.sh: unknown option '$1' (expected --no-sanitize or nothing)" >&2; exit 2 ;;
esac
scripts/install_deps.sh chromium  # the browser test opens report.html in headless Chromium
scripts/fetch_data.sh mnist
# onnxruntime-node (CPU) for the ONNX export round trip; ONNXRUNTIME_NODE_INSTALL=skip: its
# install step downloads nothing (the CPU library is in the npm package itself).
[ tests/export/node_modules/.package-lock.json -nt tests/export/package-lock.json ] ||
    (cd tests/export && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --silent)
scripts/build.sh
scripts/stress.sh build 40
ctest --test-dir build --output-on-failure -j "$(nproc)"
if [ "$sanitize" = 1 ]; then
    scripts/sanitize_build.sh
    export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"
    scripts/stress.sh build-sanitize 12
    ctest --test-dir build-sanitize --output-on-failure -j "$(nproc)"
fi
