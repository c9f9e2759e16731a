#!/usr/bin/env bash
# Debian's podman with the test environment's configuration (written by hack/testenv/build.sh): runc, the machine's
# ulimits, storage in the cache folder, and registries that hold the Dockerfile's bases blocked, so that only the
# local stand-ins are used. `hack/testenv/image/podman.sh images` lists them.
set -euo pipefail
p=${METRICSSTACK_CACHE:-$HOME/.cache/metricsstack}/podman
[ -f "$p/containers.conf" ] || { echo "podman.sh: no $p/containers.conf; run hack/testenv/build.sh first" >&2; exit 1; }
export CONTAINERS_CONF=$p/containers.conf CONTAINERS_STORAGE_CONF=$p/storage.conf CONTAINERS_REGISTRIES_CONF=$p/registries.conf
exec podman "$@"
