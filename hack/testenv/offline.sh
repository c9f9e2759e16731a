#!/usr/bin/env bash
# Runs a command with no way off this machine: inside a network namespace of its own, where only loopback is up and
# there is no default route and no real interface. Every process the command starts (kube-apiserver and its
# aggregator, kwok, the operator, metrics-server, moto, helm, kubectl, ...) inherits it, so a dial to a simulated
# address (pod 10.0.128.0/17, node 10.0.1.x-10.0.3.x, service 10.96.0.0/16) or anywhere else fails at once with
# "network is unreachable". Network mode's bridge and pod namespaces are created inside it and vanish with it.
# Builds that need the package registries run before this (see the Makefile); docs/testing.md says why this shape.
#
#   hack/testenv/offline.sh <command> [args...]
#
# The wrapper itself stays in the machine's namespace, as the parent, and exports its pid in
# METRICSSTACK_HOST_NETNS_PID: `make demo` uses it (nsenter) to give a terminal on the machine a loopback port for
# the demo's apiserver, and nothing else.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 <command> [args...]" >&2; exit 2; }
# Already isolated (a make target calling another): run as is.
if [ -n "${METRICSSTACK_OFFLINE_NETNS:-}" ] && [ "$METRICSSTACK_OFFLINE_NETNS" = "$(readlink /proc/self/ns/net)" ]; then
  exec "$@"
fi
command -v unshare >/dev/null || { echo "offline.sh: needs unshare (util-linux)" >&2; exit 1; }
command -v ip >/dev/null || { echo "offline.sh: needs ip (iproute2)" >&2; exit 1; }
userns=()
# Without root a user namespace maps us to root inside; network mode (ip netns) still needs real root.
[ "$(id -u)" = 0 ] || userns=(--user --map-root-user)
export METRICSSTACK_HOST_NETNS_PID=$$
set +e
unshare "${userns[@]}" --net -- bash -c \
  'ip link set lo up && export METRICSSTACK_OFFLINE_NETNS="$(readlink /proc/self/ns/net)" && exec "$@"' offline "$@"
exit $?
