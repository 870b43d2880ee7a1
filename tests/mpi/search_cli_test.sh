#!/usr/bin/env bash
# `mpirun -np 3 mlp search` against the serial search on the same grid: the same trials.csv
# (times aside: every trial is a one-process `mlp train`, so the same numbers), trials.md,
# trials.png, best.toml and report; failed trials recorded as failed; a rerun resumes
# (finished trials skipped, a removed one run again).
# Usage: search_cli_test.sh MLP MPIRUN... (run from the source root; needs data/mnist)
set -euo pipefail
mlp=$1
shift
mpirun=("$@")
config=tests/mpi/search_tiny.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "search_cli_test: $*"; cat "$tmp/log" 2>/dev/null || true; exit 1; }
without_seconds() { cut -d, -f1-9 "$1"; }  # rank,trial,status,lr,train_size, 4 metrics; not epochs/seconds

"$mlp" search --config "$config" --out "$tmp/serial" > "$tmp/log" 2>&1 || fail "serial search failed"
"${mpirun[@]}" -np 3 "$mlp" search --config "$config" --out "$tmp/ranks" > "$tmp/log" 2>&1 || fail "distributed search failed"
grep -q "6 trials (grid), 6 to run, 3 ranks" "$tmp/log" || fail "no plan line"
for r in 0 1 2; do grep -q "^rank $r: trial-" "$tmp/log" || echo "note: rank $r ran no trial (the queue is first come, first served)"; done
[ "$(grep -c 'FAILED: mlp: error: data.train_size: 99999 exceeds' "$tmp/log")" = 3 ] || fail "expected 3 failed trials"
for f in trials.md best.toml trials.png report/report.html; do [ -s "$tmp/ranks/$f" ] || fail "no $f"; done
[ "$(grep -c '| failed |' "$tmp/ranks/trials.md")" = 3 ] || fail "trials.md does not list 3 failed trials"
diff <(without_seconds "$tmp/serial/trials.csv") <(without_seconds "$tmp/ranks/trials.csv") || fail "trials.csv differs"
cmp "$tmp/serial/best.toml" "$tmp/ranks/best.toml" || fail "best.toml differs"
echo "distributed search = serial search"

rm -r "$tmp/ranks/trial-002"
"${mpirun[@]}" -np 3 "$mlp" search --config "$config" --out "$tmp/ranks" > "$tmp/log" 2>&1 || fail "resumed search failed"
grep -q "6 trials (grid), 1 to run" "$tmp/log" || fail "the resumed search did not run just the removed trial"
diff <(without_seconds "$tmp/serial/trials.csv") <(without_seconds "$tmp/ranks/trials.csv") || fail "trials.csv differs after resuming"
echo "search_cli_test: all passed"
