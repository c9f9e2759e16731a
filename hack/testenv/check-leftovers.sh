#!/usr/bin/env bash
# Fails if the suite left anything running: a process started from the testenv's bin folder, moto, an operator
# bundle, a suite bridge (msbr*) or network namespace (msns*). Every test must clean up after itself, even on failure.
set -uo pipefail
bin=$1
left=$(pgrep -af "$bin/|moto_server|dist/main.js" | grep -v -e pgrep -e check-leftovers || true)
links=$(ip -o link show 2>/dev/null | grep -o 'msbr[0-9a-f]*' || true)
netns=$(ip netns list 2>/dev/null | grep -o '^msns[^ ]*' || true)
if [ -n "$left$links$netns" ]; then
  echo "the test suite left these behind:" >&2
  printf '%s\n' "$left" "$links" "$netns" | sed '/^$/d' >&2
  exit 1
fi
echo "no processes, bridges or network namespaces left behind"
