#!/bin/sh
# `cmake --install` of the Python package (component python) into a fresh prefix, then
# `import mlp` from there with a model trained and used, outside the build and source
# trees; and the install directory below /usr/local is one Debian's Python searches.
# Usage: installed_import.sh BUILD_DIR PYTHON INSTALL_DIR (relative to the prefix)
set -eu
build=$1 python=$2 install_dir=$3
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --component python --prefix "$prefix" >/dev/null
cd "$prefix"
PYTHONPATH="$prefix/$install_dir" "$python" - "$prefix" <<'PY'
import sys
import numpy as np
import mlp
assert mlp.__file__.startswith(sys.argv[1]), mlp.__file__
x = np.random.default_rng(0).normal(size=(200, 4)).astype(np.float32)
y = (x[:, 0] > 0).astype(int)
run = mlp.train({"model": {"hidden": [8]}, "train": {"epochs": 3}}, data=(x, y))
assert run.model.predict_proba(x).shape == (200, 2)
print("import mlp from", mlp.__file__)
PY
"$python" -c "import sys; assert '/usr/local/$install_dir' in sys.path, sys.path"
