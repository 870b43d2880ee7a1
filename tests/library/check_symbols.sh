#!/usr/bin/env bash
# API stability: the mlp:: symbols libmlp.so exports against the committed list
# (library_symbols.txt, headed by the MLP_VERSION it was made for). A listed symbol gone
# while MLP_VERSION is unchanged fails; so does a new one missing from the list.
#   check_symbols.sh LIBMLP_SO LIST VERSION [--update]   (--update rewrites the list)
set -euo pipefail
lib=$1 list=$2 version=$3
current=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -E '^_Z(T[VIS])?NK?3mlp' | c++filt | LC_ALL=C sort -u)
if [ "${4:-}" = --update ]; then
    { echo "# MLP_VERSION $version: the mlp:: symbols libmlp.so exports (tests/library/check_symbols.sh)"
      echo "$current"; } > "$list"
    exit 0
fi
recorded=$(head -1 "$list" | awk '{print $3}' | tr -d :)
listed=$(tail -n +2 "$list")
gone=$(LC_ALL=C comm -23 <(echo "$listed") <(echo "$current"))
new=$(LC_ALL=C comm -13 <(echo "$listed") <(echo "$current"))
if [ -n "$gone" ] && [ "$recorded" = "$version" ]; then
    echo "check_symbols.sh: public symbols removed while MLP_VERSION stays $version (raise the version in" \
         "CMakeLists.txt, then run tests/library/check_symbols.sh LIB $list VERSION --update):" >&2
    echo "$gone" >&2
    exit 1
fi
if [ -n "$new" ] || [ -n "$gone" ]; then
    echo "check_symbols.sh: $list is out of date (new or removed symbols below, version $recorded → $version);" \
         "run tests/library/check_symbols.sh LIB $list $version --update and document new functions in docs/library.md:" >&2
    echo "$new$gone" >&2
    exit 1
fi
echo "check_symbols.sh: the $(echo "$current" | wc -l) exported mlp:: symbols match $list (MLP_VERSION $version)"
