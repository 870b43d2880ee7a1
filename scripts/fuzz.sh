#!/usr/bin/env bash
# Fuzzes every file reader (tests/fuzz/*_fuzz.cpp) with libFuzzer under ASan and UBSan,
# in the sanitizer build (scripts/sanitize_build.sh, build-sanitize/).
#   scripts/fuzz.sh            each target for FUZZ_SECONDS (default 60) seconds
#   scripts/fuzz.sh --smoke    the short fixed-seed runs that ctest does (label fuzz)
# Inputs that grow coverage collect in build-sanitize/fuzz-corpus/<reader>/; a crashing input
# is written to build-sanitize/crashes/ and ends that target's run with a non-zero status.
# Copy it to tests/fuzz/regressions/<reader>/ and add a test named after what it found.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/sanitize_build.sh --target fuzz
if [ "${1:-}" = "--smoke" ]; then
    exec ctest --test-dir build-sanitize -L fuzz --output-on-failure
fi
seconds="${FUZZ_SECONDS:-60}"
mkdir -p build-sanitize/crashes
status=0
summary=""
for target in build-sanitize/tests/fuzz/*_fuzz; do
    reader="$(basename "$target" _fuzz)"
    corpus="build-sanitize/fuzz-corpus/$reader"
    regressions=()
    [ -d "tests/fuzz/regressions/$reader" ] && regressions=("tests/fuzz/regressions/$reader")
    mkdir -p "$corpus"
    log="build-sanitize/fuzz-$reader.log"
    echo "fuzzing $reader for ${seconds}s (log $log)"
    if "$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
        -artifact_prefix="build-sanitize/crashes/$reader-" "$corpus" "tests/fuzz/corpus/$reader" "${regressions[@]}" \
        >"$log" 2>&1; then
        result="no crash"
    else
        result="CRASH (see $log and build-sanitize/crashes/)"
        status=1
    fi
    runs="$(grep -o 'Done [0-9]* runs' "$log" | tail -n 1 | grep -o '[0-9]*' || true)"
    [ -n "$runs" ] || runs="$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#' || true)"
    summary+="$(printf '%-12s %12s executions  %s' "$reader" "${runs:-?}" "$result")"$'\n'
done
printf '\n%s' "$summary"
exit "$status"
