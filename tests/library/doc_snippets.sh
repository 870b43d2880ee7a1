#!/usr/bin/env bash
# The ```cpp blocks of docs/library.md (and README.md's) as one C++ file, each block the
# body of its own function, so the build compiles and links every snippet against libmlp.
# Fails when a function of the public API (from library_symbols.txt) is named in no
# snippet of DOC.
#   doc_snippets.sh DOC SYMBOL_LIST OUT.cpp [MORE_DOCS...]
set -euo pipefail
doc=$1 list=$2 out=$3
shift 3
code=$(awk '/^```cpp$/ {on=1; next} /^```$/ {on=0} on' "$doc")
missing=""
for name in $(tail -n +2 "$list" | grep -v -E '^(typeinfo|vtable)' | sed -E 's/\(.*//; s/\[abi:[^]]*\]//; s/.*:://' |
              grep -v -E '^(~|operator)' | sort -u); do
    grep -qw -- "$name" <<<"$code" || missing="$missing $name"
done
if [ -n "$missing" ]; then
    echo "doc_snippets.sh: public functions in no snippet of $doc:$missing" >&2
    exit 1
fi
awk 'BEGIN {
         print "// Generated from docs/library.md by tests/library/doc_snippets.sh: every snippet, compiled."
         print "#include <cstdio>\n#include <string>\n#include <utility>\n#include <vector>\n#include <mlp/mlp.hpp>"
     }
     /^```cpp$/ {on=1; n++; print "[[maybe_unused]] static void snippet_" n "() {"; next}
     /^```$/ && on {on=0; print "}"; next}
     on {print}
     END {print "int main() { return 0; }"}' "$doc" "$@" > "$out.tmp"
mv "$out.tmp" "$out"
