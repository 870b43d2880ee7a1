# Two "hosts" on one machine, sourced by tests/mpi/two_hosts_test.sh and bench/scaling.sh:
# network namespaces $netns_a and $netns_b joined by a veth pair, 10.231.77.1 and .2/24,
# and the mpirun that starts ranks in both: from inside A with --host A,B, the daemon on B
# started by netns_agent.sh (ip netns exec) instead of ssh, TCP on the veth pair only.
#   make_netns_pair       sets up, fills the array netns_mpirun; returns 1 with the reason
#                         in $netns_error where namespaces cannot be made
#   remove_netns_pair     removes both namespaces (and with them the veth pair)
netns_a=mlp-a-$$
netns_b=mlp-b-$$
netns_error=""
netns_mpirun=()

make_netns_pair() {
    local agent mpiexec=${1:-mpiexec}
    agent="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/netns_agent.sh"
    command -v ip > /dev/null || { netns_error="no ip command (iproute2)"; return 1; }
    [ "$(id -u)" = 0 ] || { netns_error="network namespaces need root"; return 1; }
    netns_error=$(ip netns add "$netns_a" 2>&1) || { netns_error="cannot make a network namespace: $netns_error"; return 1; }
    netns_error=$(ip netns add "$netns_b" 2>&1) || { netns_error="cannot make a second namespace: $netns_error"; return 1; }
    netns_error=$(ip link add "veth-$$-a" netns "$netns_a" type veth peer name "veth-$$-b" netns "$netns_b" 2>&1) ||
        { netns_error="cannot make a veth pair: $netns_error"; return 1; }
    ip -n "$netns_a" addr add 10.231.77.1/24 dev "veth-$$-a"
    ip -n "$netns_b" addr add 10.231.77.2/24 dev "veth-$$-b"
    ip -n "$netns_a" link set lo up
    ip -n "$netns_b" link set lo up
    ip -n "$netns_a" link set "veth-$$-a" up
    ip -n "$netns_b" link set "veth-$$-b" up
    export MLP_NETNS_HOSTS="10.231.77.1=$netns_a 10.231.77.2=$netns_b"
    netns_mpirun=(ip netns exec "$netns_a" "$mpiexec" --host 10.231.77.1,10.231.77.2 -np 2
                  --mca plm_rsh_agent "$agent" --mca btl tcp,self
                  --mca btl_tcp_if_include 10.231.77.0/24 --mca oob_tcp_if_include 10.231.77.0/24)
    netns_error=""
}

remove_netns_pair() {
    ip netns del "$netns_a" 2> /dev/null || true
    ip netns del "$netns_b" 2> /dev/null || true
}
