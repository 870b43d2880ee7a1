#!/usr/bin/env bash
# Smoke test of the face-feature extractor (scripts/face_features.sh, tools/face_features):
# --limit 3 into a temp dir, then the NPY headers, sizes and manifest; and bad input fails.
# Runs only with MLP_TEST_FACE_FEATURES=1 (npm ci + about a minute of CPU); otherwise skips.
#   tests/face_features_smoke.sh SOURCE_DIR    (faces from $MLP_FACES_DIR or SOURCE_DIR/../shared/data/faces)
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
if [ "${MLP_TEST_FACE_FEATURES:-0}" != 1 ]; then
    echo "face_features_smoke: skipped (set MLP_TEST_FACE_FEATURES=1 to run)"
    exit 77
fi
faces=${MLP_FACES_DIR:-$src/../shared/data/faces}
[ -d "$faces" ] || { echo "face_features_smoke: $faces: faces folder not found (set MLP_FACES_DIR)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$src/scripts/face_features.sh" "$faces" "$tmp/out" --limit 3
nclass=$(wc -l < "$tmp/out/classes.txt")
rows=$((nclass * 3))

# check_npy FILE DESCR SHAPE ITEMSIZE COUNT: NPY v1.0 magic, header fields, 64-byte
# alignment, and a file size that holds exactly COUNT items.
check_npy() {
    local file=$1 descr=$2 shape=$3 itemsize=$4 count=$5
    [ "$(head -c 6 "$file" | od -An -tx1 | tr -d ' \n')" = 934e554d5059 ] || { fail "$file: bad magic"; return; }
    [ "$(head -c 8 "$file" | tail -c 2 | od -An -tu1 | tr -s ' ')" = " 1 0" ] || { fail "$file: not version 1.0"; return; }
    local hlen
    hlen=$(head -c 10 "$file" | tail -c 2 | od -An -tu2 --endian=little | tr -d ' ')
    (( (10 + hlen) % 64 == 0 )) || fail "$file: data does not start on a 64-byte boundary"
    local header
    header=$(head -c $((10 + hlen)) "$file" | tail -c "$hlen")
    [[ $header == "{'descr': '$descr', 'fortran_order': False, 'shape': $shape, }"* ]] ||
        fail "$file: header is '$header', expected descr $descr shape $shape"
    local size
    size=$(stat -c %s "$file")
    (( size == 10 + hlen + itemsize * count )) || fail "$file: $size bytes, expected $((10 + hlen + itemsize * count))"
}

for split in train val test; do
    check_npy "$tmp/out/${split}_x.npy" '<f4' "($rows, 128)" 4 $((rows * 128))
    check_npy "$tmp/out/${split}_y.npy" '<i8' "($rows,)" 8 $rows
    grep -q "\"${split}_x.npy\"" "$tmp/out/manifest.json" || fail "manifest.json does not list ${split}_x.npy"
done
grep -q '"@vladmandic/face-api": "1.7.15"' "$tmp/out/manifest.json" || fail "manifest.json lacks the face-api version"

# A second run finds the outputs up to date and computes nothing.
"$src/scripts/face_features.sh" "$faces" "$tmp/out" --limit 3 > "$tmp/again.log"
grep -q "up to date" "$tmp/again.log" || fail "second run did not skip: $(cat "$tmp/again.log")"

# Bad input: a missing folder and an unreadable PNG each give one line on stderr and exit 1.
extract=$src/tools/face_features/extract.js
if node "$extract" --faces "$tmp/none" --out "$tmp/bad" 2> "$tmp/err"; then fail "missing folder: exit 0"; fi
[ "$(wc -l < "$tmp/err")" = 1 ] && grep -q "faces folder not found" "$tmp/err" || fail "missing folder: stderr '$(cat "$tmp/err")'"
for split in train val test; do
    for actor in a b; do
        mkdir -p "$tmp/broken/$split/$actor"
        cp "$(find "$faces/$split" -name '*.png' | sort | head -1)" "$tmp/broken/$split/$actor/1.png"
    done
done
echo "not a png" > "$tmp/broken/val/b/2.png"
if node "$extract" --faces "$tmp/broken" --out "$tmp/bad" 2> "$tmp/err"; then fail "bad PNG: exit 0"; fi
[ "$(wc -l < "$tmp/err")" = 1 ] && grep -q "val/b/2.png: unreadable PNG" "$tmp/err" || fail "bad PNG: stderr '$(cat "$tmp/err")'"
[ ! -e "$tmp/bad/manifest.json" ] || fail "bad PNG: a manifest was written"

if (( failures )); then echo "face_features_smoke: $failures failed" >&2; exit 1; fi
echo "face_features_smoke: passed ($rows rows per split)"
