#!/usr/bin/env bash
# Builds the operator image from the unchanged Dockerfile with Debian's podman over the stand-in bases (build.sh
# imports them), then exports it for the tests, which run with no network (offline.sh) and so cannot build it:
#   <out>/rootfs/     the image's filesystem (podman export)
#   <out>/image.json  its configuration (podman image inspect): entrypoint, env, user, working directory
#   <out>/ref         the reference it was built as, which the chart's pods must name
# A rebuild that yields the same image ID keeps the export. `make image` runs this.
#
#   build-image.sh <out dir> <image reference>
set -euo pipefail
out=$(realpath -m "$1") ref=$2
here=$(cd "$(dirname "$0")" && pwd)
podman=$here/podman.sh
cd "$here/../../.."
log() { printf '[image %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# Host network for the build: npm ci in the build stage reaches the registry as this machine does, with no bridge or
# NAT set up for it. --pull=never: the bases are the local stand-ins (their registries are blocked as well).
build() { "$podman" build --quiet --network host --pull=never -f Dockerfile "$@" . >>"$out.build.log" 2>&1 || { tail -30 "$out.build.log" >&2; exit 1; }; }
t0=$SECONDS
mkdir -p "$(dirname "$out")" && : >"$out.build.log"
# The build stage gets a name of its own so that pruning the images a rebuild left behind keeps its layer cache
# (npm ci above all); the second build reuses those layers.
build --target build -t "${ref%:*}-build:${ref##*:}"
build -t "$ref"
"$podman" image prune --force >/dev/null
id=$("$podman" image inspect --format '{{.Id}}' "$ref")
log "built $ref (${id:0:12}) in $((SECONDS - t0)) s"
if [ -f "$out/image.json" ] && [ "$(cat "$out/id" 2>/dev/null)" = "$id" ] && [ "$(cat "$out/ref" 2>/dev/null)" = "$ref" ]; then exit 0; fi

rm -rf "$out.new" && mkdir -p "$out.new/rootfs"
cid=$("$podman" create --quiet "$ref")
trap '"$podman" rm --force "$cid" >/dev/null 2>&1 || true' EXIT
"$podman" export "$cid" | tar -x --numeric-owner -C "$out.new/rootfs"
"$podman" image inspect "$ref" >"$out.new/image.json"
echo "$id" >"$out.new/id" && echo "$ref" >"$out.new/ref"
rm -rf "$out" && mv "$out.new" "$out"
log "exported to $out ($(du -sm "$out/rootfs" | cut -f1) MiB)"
