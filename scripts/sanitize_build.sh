#!/usr/bin/env bash
# Configures and builds build-sanitize/: clang with AddressSanitizer, UndefinedBehaviorSanitizer
# (float→int overflow included) and the libFuzzer targets of tests/fuzz. -O1 keeps it quick
# to build and close enough to the Release code to find what Release would hit.
# MLP_MPI is off here: Open MPI 4.1's own MPI_Init/MPI_Finalize allocations are reported as
# leaks by LeakSanitizer and ASan flags a use-after-free inside MPI_Init (open-mpi/ompi
# issues 6242, 10048, 10418), so every MPI test would fail on Open MPI, not on mlp. The
# data-parallel step itself runs here too, over in-process ranks (tests/unit/thread_ranks.hpp).
set -euo pipefail
cd "$(dirname "$0")/.."
CXX=clang++ cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1 \
    -DMLP_SANITIZE=ON -DMLP_FUZZ=ON -DMLP_BUILD_BENCH=OFF -DMLP_MPI=OFF >/dev/null
cmake --build build-sanitize -j "$(nproc)" "$@"
