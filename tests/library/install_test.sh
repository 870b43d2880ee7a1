#!/usr/bin/env bash
# `cmake --install` into a throw-away prefix: bin/mlp, the library, only the public headers,
# the CMake package and mlp.pc; then examples/ built outside the tree against it.
#   install_test.sh SOURCE_DIR BUILD_DIR FIXTURE_DIR
set -euo pipefail
source=$1 build=$2 fixture=$3
prefix=$build/library-test/install
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" --component mlp >/dev/null
headers=$(cd "$prefix/include/mlp" && ls | tr '\n' ' ')
if [ "$headers" != "error.hpp mlp.hpp version.hpp " ]; then
    echo "install_test.sh: installed headers are '$headers', expected error.hpp mlp.hpp version.hpp" >&2
    exit 1
fi
for f in bin/mlp lib/cmake/mlp/mlpConfig.cmake lib/cmake/mlp/mlpConfigVersion.cmake lib/cmake/mlp/mlpTargets.cmake \
         lib/pkgconfig/mlp.pc; do
    [ -e "$prefix/$f" ] || { echo "install_test.sh: $prefix/$f was not installed" >&2; exit 1; }
done
"$prefix/bin/mlp" --version
"$source/tests/library/outside_build.sh" "$source" "$prefix" "$build/library-test/outside-install" "$fixture"
