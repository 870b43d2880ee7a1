#!/usr/bin/env bash
# Two hosts on one machine: network namespaces A and B joined by a veth pair
# (10.231.77.1 and .2), Open MPI started inside A with --host A,B, its daemon on B started by
# netns_agent.sh instead of ssh, and every byte between the ranks over TCP on the veth pair.
# `mlp train` with one rank per host must end where one process does (1e-5, every weight).
# Skips (exit 77, with the reason) where namespaces cannot be made (not root, no iproute2,
# a container without CAP_SYS_ADMIN). Only addresses inside these namespaces are used.
# Usage: two_hosts_test.sh MLP COMPARE MPIEXEC (run from the source root; needs data/mnist)
set -euo pipefail
mlp=$1 compare=$2 mpiexec=$3
here=$(cd "$(dirname "$0")" && pwd)
config=tests/mpi/tiny_mnist.toml
a=mlp-a-$$ b=mlp-b-$$
tmp=$(mktemp -d)
cleanup() { ip netns del "$a" 2>/dev/null || true; ip netns del "$b" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
skip() { echo "SKIPPED: $*"; exit 77; }

command -v ip > /dev/null || skip "no ip command (iproute2)"
[ "$(id -u)" = 0 ] || skip "network namespaces need root"
ip netns add "$a" 2> "$tmp/err" || skip "cannot make a network namespace: $(cat "$tmp/err")"
ip netns add "$b" || skip "cannot make a second network namespace"
ip link add "veth-$$-a" netns "$a" type veth peer name "veth-$$-b" netns "$b" 2> "$tmp/err" ||
    skip "cannot make a veth pair: $(cat "$tmp/err")"
ip -n "$a" addr add 10.231.77.1/24 dev "veth-$$-a"
ip -n "$b" addr add 10.231.77.2/24 dev "veth-$$-b"
for ns in "$a" "$b"; do
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "veth-$$-$([ "$ns" = "$a" ] && echo a || echo b)" up
done

export MLP_NETNS_HOSTS="10.231.77.1=$a 10.231.77.2=$b"
mpi=(ip netns exec "$a" "$mpiexec" --host 10.231.77.1,10.231.77.2 -np 2
     --mca plm_rsh_agent "$here/netns_agent.sh" --mca btl tcp,self
     --mca btl_tcp_if_include 10.231.77.0/24 --mca oob_tcp_if_include 10.231.77.0/24)
# Where each rank runs: its host's address is the one inside its namespace.
"${mpi[@]}" sh -c 'echo "rank $OMPI_COMM_WORLD_RANK: $(ip -4 -o addr show | grep -o "10\.231\.77\.[0-9]*")"' | sort
"${mpi[@]}" "$mlp" train --config "$config" --out "$tmp/two-hosts" --no-report --quiet > /dev/null
"$mlp" train --config "$config" --out "$tmp/one" --no-report --quiet > /dev/null
echo "two hosts vs one process:"
"$compare" "$tmp/two-hosts" "$tmp/one" 1e-5
echo "two_hosts_test: passed"
