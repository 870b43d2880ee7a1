#!/usr/bin/env bash
# Builds examples/ as a project outside the tree against an installed mlp under PREFIX: once
# with find_package(mlp) and once with pkg-config, then runs what it built.
#   outside_build.sh SOURCE_DIR PREFIX WORK_DIR FIXTURE_DIR
set -euo pipefail
source=$1 prefix=$2 work=$3 fixture=$4
libdir=$(dirname "$(find "$prefix" -name 'libmlp.*' -print -quit)")
export LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
rm -rf "$work" && mkdir -p "$work"

# find_package(mlp): nothing of the source tree but examples/ itself.
cp -r "$source/examples" "$work/examples"
cmake -S "$work/examples" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" -j 2 >/dev/null
"$work/build/example_xor"
"$work/build/example_classify_image" "$fixture/run" "$fixture/digit.pgm" "$(cat "$fixture/digit.label")"
"$work/build/example_inference_loop" "$fixture/run"

# pkg-config: a plain compiler command line.
pc=$(dirname "$(find "$prefix" -name mlp.pc -print -quit)")
static=$([ -e "$libdir/libmlp.so" ] || echo --static)  # libmlp.a: its Libs.private too
flags=$(PKG_CONFIG_PATH=$pc pkg-config $static --cflags --libs mlp)
c++ -std=c++20 -O1 "$work/examples/xor.cpp" $flags -o "$work/xor_pkg_config"
"$work/xor_pkg_config"
echo "outside_build.sh: find_package and pkg-config builds against $prefix ran"
