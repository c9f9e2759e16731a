#!/usr/bin/env bash
# Builds the local control plane (kube-apiserver, controller-manager, scheduler, kubectl, etcd, kwok, metrics-server,
# prometheus-adapter, helm), a moto virtualenv, Debian's prometheus and the image's stand-in bases (podman) into a cache
# folder keyed by the pinned versions; krew (krew.sh) into a folder of its own, linked from this one's bin/.
# Prints the cache folder on its last line. Reuses a finished cache: a cold build runs once per version set.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

# The key covers every pin (versions.env and each wrapper module), not this script: editing it rebuilds nothing.
key=$(cat "$here/versions.env" "$here"/*/go.mod "$here"/*/go.sum | sha256sum | cut -c1-12)
root=${METRICSSTACK_CACHE:-$HOME/.cache/metricsstack}
dir="$root/testenv-$key"
bin="$dir/bin"
mkdir -p "$bin"
# Two builds at once (two test runs, a test's fallback) would race on the same venv and binaries: one at a time.
exec 9>"$dir/.lock"
flock 9
log() { printf '[testenv %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
export GOFLAGS=-trimpath GOTOOLCHAIN=local
ld='-s -w'

build_kube() {
  [ -x "$bin/kube-apiserver" ] && [ -x "$bin/kube-controller-manager" ] && [ -x "$bin/kube-scheduler" ] && [ -x "$bin/kubectl" ] && return
  local minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
  local v=k8s.io/component-base/version
  local stamp="-X $v.gitVersion=$KUBE_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean -X $v.buildDate=1970-01-01T00:00:00Z"
  stamp="$stamp ${stamp//component-base\/version/client-go\/pkg\/version}"
  log "building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $KUBE_VERSION (slow: ~15-25 min cold on 2 cores)"
  (cd "$here/kube" && go build -ldflags "$ld $stamp" -o "$bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
}

build_etcd() {
  [ -x "$bin/etcd" ] && return
  log "building etcd $ETCD_VERSION"
  (cd "$here/etcd" && go build -ldflags "$ld" -o "$bin/etcd" .)
}

# Modules without replace directives install straight from the proxy, checked against the checksum database.
go_install() { # name package@version
  [ -x "$bin/$1" ] && return
  log "building $1 from $2"
  GOBIN="$dir/gobin-$1" go install -ldflags "$ld" "$2"
  mv "$dir/gobin-$1/"* "$bin/$1" && rmdir "$dir/gobin-$1"
}

build_prometheus_adapter() {
  [ -x "$bin/prometheus-adapter" ] && return
  log "building prometheus-adapter $PROMETHEUS_ADAPTER_VERSION"
  (cd "$here/prometheus-adapter" && go build -ldflags "$ld" -o "$bin/prometheus-adapter" sigs.k8s.io/prometheus-adapter/cmd/adapter)
}

install_moto() {
  [ -x "$dir/moto/bin/moto_server" ] && [ -f "$dir/moto/.complete" ] && return
  log "installing moto[server]==$MOTO_VERSION into a virtualenv"
  rm -rf "$dir/moto"
  python3 -m venv "$dir/moto"
  "$dir/moto/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  touch "$dir/moto/.complete"
}

# Argo CD (test/e2e/argocd.test.ts): one binary that acts as the component it is run as (argv[0]), so
# argocd-repo-server and argocd-application-controller are symlinks to it. Its go.mod replaces gitops-engine with a
# folder its module zip lacks: the wrapper module (hack/testenv/argocd) requires the tagged gitops-engine instead.
# Its `go` line is 1.27: GOTOOLCHAIN=auto takes the wrapper's `toolchain` line, fetched (and checksummed) through the
# module proxy. From its module zip come the CRDs (for the tests to install) and the two scripts its image puts on the
# repo-server's PATH (it runs git-verify-wrapper.sh on every checkout). Argo CD 3.6 renders charts with Helm 4 (its
# hack/tool-versions.sh): the repo-server's PATH has that helm too.
build_argocd() {
  local out="$dir/argocd"
  [ -x "$bin/argocd" ] && [ -x "$out/path/helm" ] && [ -x "$out/path/git-verify-wrapper.sh" ] && [ -f "$out/crds/application-crd.yaml" ] && return
  local mod=github.com/argoproj/argo-cd/v3 version src
  version=$(cd "$here/argocd" && GOTOOLCHAIN=auto go list -m -f '{{.Version}}' "$mod")
  log "building argocd $version (slow: ~7 min cold on 2 cores)"
  (cd "$here/argocd" && GOTOOLCHAIN=auto CGO_ENABLED=0 go build -ldflags "$ld -X $mod/common.version=${version#v}" -o "$bin/argocd" "$mod/cmd")
  ln -sf argocd "$bin/argocd-repo-server"
  ln -sf argocd "$bin/argocd-application-controller"
  src=$(cd "$here/argocd" && GOTOOLCHAIN=auto go list -m -f '{{.Dir}}' "$mod")
  mkdir -p "$out/crds" "$out/path"
  cp "$src/manifests/crds/application-crd.yaml" "$src/manifests/crds/appproject-crd.yaml" "$out/crds/"
  cp "$src/hack/git-verify-wrapper.sh" "$src/hack/gpg-wrapper.sh" "$out/path/"
  chmod 644 "$out/crds/"*.yaml && chmod 755 "$out/path/"*.sh
  go_install helm4 "helm.sh/helm/v4/cmd/helm@$ARGOCD_HELM_VERSION"
  ln -sf ../../bin/helm4 "$out/path/helm"
}

# Debian packages: Prometheus (the Prometheus e2e), lua5.1 (the dialect Argo CD runs health checks in), redis-server
# (Argo CD's cache in the Argo CD e2e).

# Debian packages: Prometheus (the Prometheus e2e), lua5.1 (the dialect Argo CD runs health checks in), faketime
# (libfaketime: the leader-election test runs one operator with its wall clock skewed).
install_debian_packages() {
  local missing=()
  command -v prometheus >/dev/null || [ -x /usr/bin/prometheus ] || missing+=(prometheus)
  command -v lua5.1 >/dev/null || missing+=(lua5.1)
  command -v faketime >/dev/null || missing+=(faketime)
  command -v redis-server >/dev/null || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { log "not root: install Debian's ${missing[*]} by hand"; return 1; }
    log "installing Debian's ${missing[*]} (apt)"
    apt-get update -qq >/dev/null
    # The prometheus and redis-server packages start system services (:9090, :6379); the suite runs its own on free
    # ports. Debian's policy-rc.d (exit 101: "action forbidden") keeps the packages from starting them; where the
    # machine already has a policy-rc.d of its own we leave it alone and stop the services afterwards through the
    # service manager only, never by process name (that would kill whatever Prometheus or Redis a developer runs).
    local policy=/usr/sbin/policy-rc.d ours=0
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && ours=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
      [ "$ours" = 1 ] && rm -f "$policy"; return 1; }
    [ "$ours" = 1 ] && rm -f "$policy"
    local svc
    for svc in prometheus redis-server; do
      if [ "$ours" = 0 ] && [[ " ${missing[*]} " == *" $svc "* ]]; then
        (systemctl stop "$svc" || service "$svc" stop || true) >/dev/null 2>&1
      fi
    done
  fi
  ln -sf "$(command -v prometheus || echo /usr/bin/prometheus)" "$bin/prometheus"
  ln -sf "$(command -v lua5.1)" "$bin/lua5.1"
  ln -sf "$(command -v redis-server)" "$bin/redis-server"
}

# The image's stand-in bases and podman's configuration (hack/testenv/image/stand-ins.sh; docs/testing.md, "The image").
build_image_bases() {
  bash "$here/image/stand-ins.sh" "$root"
}

build_etcd
build_kube
go_install kwok "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
go_install metrics-server "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION"
build_prometheus_adapter
go_install helm "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
build_argocd
install_moto
install_debian_packages
build_image_bases
# krew (the krew test): pinned in krew.sh and cached in a folder of its own, so a krew bump leaves this key alone.
ln -sf "$(bash "$here/krew.sh" "$root")" "$bin/krew"
touch "$dir/.complete"
echo "$dir"
