#!/bin/sh
# Open MPI's launch agent for the two-host test (two_hosts_test.sh): called as ssh would be,
# `netns_agent.sh HOST COMMAND...`, it runs COMMAND in the network namespace that holds
# HOST's address instead of logging in anywhere. MLP_NETNS_HOSTS lists "address=namespace"
# pairs, separated by spaces.
host=$1
shift
for pair in $MLP_NETNS_HOSTS; do
    if [ "${pair%%=*}" = "$host" ]; then
        exec ip netns exec "${pair#*=}" sh -c "$*"
    fi
done
echo "netns_agent.sh: no namespace for host $host (MLP_NETNS_HOSTS=$MLP_NETNS_HOSTS)" >&2
exit 1
