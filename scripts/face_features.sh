#!/usr/bin/env bash
# Computes 128-d pretrained-CNN face descriptors of the six-actor face set as NPY files.
#   scripts/face_features.sh [FACES_DIR] [OUT_DIR] [extract.js options, e.g. --limit 3]
# Defaults: ../shared/data/faces and data/faces_features. Skips when the outputs exist and
# their manifest matches the inputs, the package versions and the options.
set -euo pipefail
cd "$(dirname "$0")/.."

faces=${1:-../shared/data/faces}
out=${2:-data/faces_features}
shift $(( $# < 2 ? $# : 2 ))
tool=tools/face_features

command -v node >/dev/null && command -v npm >/dev/null || {
    echo "face_features: node and npm are needed (scripts/install_deps.sh)" >&2; exit 1; }
[ -d "$faces" ] || { echo "face_features: $faces: faces folder not found" >&2; exit 1; }

if node $tool/extract.js --check --faces "$faces" --out "$out" "$@"; then
    exit 0
fi

# npm ci only when node_modules was not installed from this exact lock file.
lock_sum=$(sha256sum $tool/package-lock.json | cut -d' ' -f1)
if [ "$(cat $tool/node_modules/.mlp-lock-sha256 2>/dev/null)" != "$lock_sum" ]; then
    echo "face_features: installing pinned packages (npm ci)"
    (cd $tool && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" > $tool/node_modules/.mlp-lock-sha256
fi

node $tool/extract.js --faces "$faces" --out "$out" "$@"
