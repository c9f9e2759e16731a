#!/usr/bin/env bash
# Fails if the suite left anything running: a process started from the testenv's bin folder, moto, an operator
# bundle or image (/app/main.js), a podman container, a suite bridge (msbr*) or network namespace (msns*). Every test
# must clean up after itself, even on failure.
set -uo pipefail
bin=$1
left=$(pgrep -af "$bin/|moto_server|dist/main.js|/app/main.js" | grep -v -e pgrep -e check-leftovers || true)
containers=$("$(dirname "$0")/image/podman.sh" ps --all --format '{{.Names}} {{.Image}}' 2>/dev/null || true)
links=$(ip -o link show 2>/dev/null | grep -o 'msbr[0-9a-f]*' || true)
netns=$(ip netns list 2>/dev/null | grep -o '^msns[^ ]*' || true)
if [ -n "$left$links$netns$containers" ]; then
  echo "the test suite left these behind:" >&2
  printf '%s\n' "$left" "$links" "$netns" "$containers" | sed '/^$/d' >&2
  exit 1
fi
echo "no processes, containers, bridges or network namespaces left behind"
