import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The upstream metrics-server as users install it without this operator, at the version pinned in
 * hack/testenv/versions.env: its Helm chart and its kustomize manifests (components.yaml is the build of
 * manifests/overlays/release) both ship inside the sigs.k8s.io/metrics-server module that build.sh's `go install` puts
 * in the module cache, so nothing is downloaded.
 */
const versions = readFileSync(resolve(import.meta.dirname, '../../hack/testenv/versions.env'), 'utf8');
export const UPSTREAM_MS_VERSION = /^METRICS_SERVER_VERSION=(\S+)$/m.exec(versions)![1]!;

const moduleDir = () => join(process.env.GOMODCACHE || execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim(),
  `sigs.k8s.io/metrics-server@${UPSTREAM_MS_VERSION}`);

/** charts/metrics-server of the module. */
export const upstreamChartDir = () => join(moduleDir(), 'charts', 'metrics-server');

/** manifests/overlays/release: `kubectl kustomize` of it is the release's components.yaml. */
export const upstreamReleaseManifests = () => join(moduleDir(), 'manifests', 'overlays', 'release');
