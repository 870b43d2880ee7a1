#!/usr/bin/env bash
# `cpack -G DEB` builds mlp_<version>_amd64.deb; its contents and the Depends read from the
# shared libraries are checked with dpkg-deb, and examples/ is built outside the tree
# against the package's files unpacked into a throw-away root.
#   deb_test.sh SOURCE_DIR BUILD_DIR FIXTURE_DIR VERSION
set -euo pipefail
source=$1 build=$2 fixture=$3 version=$4
out=$build/library-test/deb
rm -rf "$out" && mkdir -p "$out"
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
deb=$out/mlp_${version}_amd64.deb
[ -f "$deb" ] || { echo "deb_test.sh: no $deb; cpack wrote: $(ls "$out")" >&2; exit 1; }
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/mlp ./usr/include/mlp/mlp.hpp ./usr/lib/cmake/mlp/mlpConfig.cmake ./usr/lib/pkgconfig/mlp.pc \
         "./usr/lib/libmlp.so.$version"; do
    grep -q " $f\$" <<<"$contents" || { echo "deb_test.sh: $deb lacks $f" >&2; exit 1; }
done
if grep -q '/usr/include/mlp/network.hpp' <<<"$contents"; then
    echo "deb_test.sh: $deb holds the engine's headers" >&2
    exit 1
fi
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 libstdc++6 libdnnl2 libopenblas0; do
    grep -q "\b$lib" <<<"$depends" || { echo "deb_test.sh: Depends lacks $lib: $depends" >&2; exit 1; }
done
root=$out/root
dpkg-deb -x "$deb" "$root"
"$root/usr/bin/mlp" --version
"$source/tests/library/outside_build.sh" "$source" "$root/usr" "$build/library-test/outside-deb" "$fixture"
