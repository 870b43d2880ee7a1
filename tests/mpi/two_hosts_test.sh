#!/usr/bin/env bash
# Two hosts on one machine: network namespaces A and B joined by a veth pair
# (tests/mpi/netns_pair.sh), Open MPI started inside A with --host A,B, its daemon on B
# started by netns_agent.sh instead of ssh, and every byte between the ranks over TCP on
# the veth pair. `mlp train` with one rank per host must end where one process does (1e-5,
# every weight). Skips (exit 77, with the reason) where namespaces cannot be made (not root,
# no iproute2, a container without CAP_SYS_ADMIN). Only addresses inside these namespaces
# are used.
# Usage: two_hosts_test.sh MLP COMPARE MPIEXEC (run from the source root; needs data/mnist)
set -euo pipefail
mlp=$1 compare=$2 mpiexec=$3
source "$(dirname "$0")/netns_pair.sh"
config=tests/mpi/tiny_mnist.toml
tmp=$(mktemp -d)
trap 'remove_netns_pair; rm -rf "$tmp"' EXIT

make_netns_pair "$mpiexec" || { echo "SKIPPED: $netns_error"; exit 77; }
# Where each rank runs: its host's address is the one inside its namespace.
"${netns_mpirun[@]}" sh -c 'echo "rank $OMPI_COMM_WORLD_RANK: $(ip -4 -o addr show | grep -o "10\.231\.77\.[0-9]*")"' | sort
"${netns_mpirun[@]}" "$mlp" train --config "$config" --out "$tmp/two-hosts" --no-report --quiet > /dev/null
"$mlp" train --config "$config" --out "$tmp/one" --no-report --quiet > /dev/null
echo "two hosts vs one process:"
"$compare" "$tmp/two-hosts" "$tmp/one" 1e-5
echo "two_hosts_test: passed"
