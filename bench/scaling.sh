#!/usr/bin/env bash
# What data-parallel training costs on this machine (docs/scaling.md holds a run's output
# and the model built on it):
#   - training steps of 784-1024-10 b512 and 784-64-10 b256: 1 rank × 1 thread, 1 rank ×
#     2 threads, 2 ranks × 1 thread (shared memory, and TCP on loopback);
#   - all-reduce time of 50k to 10M floats between 2 ranks and its fit t = α + β·bytes:
#     shared memory, TCP on loopback, TCP across a veth pair between two network namespaces
#     (skipped where they cannot be made).
# Each figure is a median of repeats (scaling_bench). Usage: bench/scaling.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bench=$build/bench/scaling_bench
[ -x "$bench" ] || { echo "scaling.sh: no $bench (build with MLP_MPI on)" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
shm=(mpirun --oversubscribe -np 2 --mca btl self,vader)
tcp=(mpirun --oversubscribe -np 2 --mca btl tcp,self --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
source tests/mpi/netns_pair.sh
trap remove_netns_pair EXIT

echo "# bench/scaling.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## training steps"
for net in "784 1024 10 512" "784 64 10 256"; do
    "$bench" step $net 1
    "$bench" step $net 2
    "${shm[@]}" "$bench" step $net 1 | sed 's/$/  (shared memory)/'
    "${tcp[@]}" "$bench" step $net 1 | sed 's/$/  (TCP, loopback)/'
done
echo
echo "## all-reduce, 2 ranks, shared memory"
"${shm[@]}" "$bench" allreduce
echo
echo "## all-reduce, 2 ranks, TCP on loopback"
"${tcp[@]}" "$bench" allreduce
echo
echo "## all-reduce, 2 hosts: TCP across a veth pair between two network namespaces"
if make_netns_pair; then
    "${netns_mpirun[@]}" "$PWD/$bench" allreduce
else
    echo "skipped: $netns_error"
fi
