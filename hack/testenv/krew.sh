#!/usr/bin/env bash
# The real krew (sigs.k8s.io/krew, the kubectl plugin manager) for test/integration/krew.test.ts, which installs the
# plugin from `npm pack` and plugins/metricsstack.yaml the way a user does. Run by hack/testenv/build.sh.
# Its version is pinned here, not in versions.env: that file is part of the testenv's cache key, and a krew bump must
# not rebuild kube-apiserver. Its own folder, <cache root>/krew-<version>, is keyed by that version alone.
# Prints the krew binary's path. Cold: one `go install` (3.5 min measured on a loaded machine, docs/testing.md); warm: a
# file test.
#
#   krew.sh <cache root>
set -euo pipefail
# The newest release the Go module proxy serves (`go list -m -versions sigs.k8s.io/krew`).
KREW_VERSION=v0.4.3
root=$1
dir="$root/krew-$KREW_VERSION"
mkdir -p "$dir"
exec 7>"$dir/.lock"
flock 7
if [ ! -x "$dir/bin/krew" ]; then
  printf '[testenv %(%H:%M:%S)T] %s\n' -1 "building krew $KREW_VERSION" >&2
  # Stamped like krew's own release build (hack/make-binaries.sh), so `krew version` names the release. From the
  # proxy, checked against the checksum database; -trimpath as the rest of the testenv.
  GOFLAGS=-trimpath GOTOOLCHAIN=local GOBIN="$dir/gobin" \
    go install -ldflags "-s -w -X sigs.k8s.io/krew/internal/version.gitTag=$KREW_VERSION" "sigs.k8s.io/krew/cmd/krew@$KREW_VERSION"
  mkdir -p "$dir/bin" && mv "$dir/gobin/krew" "$dir/bin/krew" && rmdir "$dir/gobin"
fi
echo "$dir/bin/krew"
