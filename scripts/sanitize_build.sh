#!/usr/bin/env bash
# Configures and builds build-sanitize/: clang with AddressSanitizer, UndefinedBehaviorSanitizer
# (float→int overflow included) and the libFuzzer targets of tests/fuzz. -O1 keeps it quick
# to build and close enough to the Release code to find what Release would hit.
set -euo pipefail
cd "$(dirname "$0")/.."
CXX=clang++ cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1 \
    -DMLP_SANITIZE=ON -DMLP_FUZZ=ON -DMLP_BUILD_BENCH=OFF >/dev/null
cmake --build build-sanitize -j "$(nproc)" "$@"
