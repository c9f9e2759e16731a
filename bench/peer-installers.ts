import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { clusterTool } from '../test/support/helm.js';
import { mustKubectl } from '../test/support/kubectl.js';
import { condition, stackApi, until } from '../test/support/stacks.js';
import { UPSTREAM_MS_VERSION, upstreamChartDir, upstreamReleaseManifests } from '../test/support/upstream-metrics-server.js';
import type { BenchEnv, RunningOperator } from './env.js';

/**
 * Section 5's contenders: the ways a user gets a metrics API without this operator, as the upstream metrics-server
 * documents them, and one MetricsStack. Each says what a user has to do by hand (counted, and every step explained in
 * the report), how it installs and uninstalls on the bench cluster, which pods are its metrics-server, and what its
 * own status says (besides the APIService and the HPA, which peer.ts reads for every case).
 */
export type PeerCaseId = 'chart-defaults' | 'chart-readme-flags' | 'components-yaml' | 'metricsstack';

export interface Installer {
  id: PeerCaseId;
  label: string;
  /** What a user types or has to find out, in order; the count is the table's "manual steps". */
  steps: string[];
  /** The pods that are its metrics-server (kube-system). */
  podSelector: string;
  /** Work a user does before the clock starts (downloading a manifest). */
  prepare?(): Promise<void>;
  install(): Promise<void>;
  /** What the installer itself reports now, one line (the chart: the release; the operator: MetricsAPIAvailable). */
  status(): Promise<string>;
  uninstall(): Promise<void>;
}

const RELEASE = 'metrics-server';
const NS = 'kube-system';
/**
 * The flags the upstream README's Requirements name: "Kubelet certificate needs to be signed by cluster Certificate
 * Authority (or disable certificate validation by passing `--kubelet-insecure-tls`)", and the node address
 * (`--kubelet-preferred-address-types`, which the chart's defaultArgs already start with InternalIP: the second flag
 * is the common advice and changes nothing here, but a user who follows it passes it).
 */
export const README_FLAGS = ['--kubelet-insecure-tls', '--kubelet-preferred-address-types=InternalIP'];
const REPO_ADD = 'helm repo add metrics-server https://kubernetes-sigs.github.io/metrics-server/ (the chart README\'s first command)';
const CHART_SELECTOR = `app.kubernetes.io/name=metrics-server,app.kubernetes.io/instance=${RELEASE}`;
/** The MetricsStack a user applies: the repository's example, unchanged. */
const EXAMPLE = join(import.meta.dirname, '..', 'examples', 'metricsstack.yaml');

function chart(env: BenchEnv, id: PeerCaseId, label: string, args: string[], steps: string[]): Installer {
  const helm = clusterTool(env.cluster, 'helm');
  return {
    id, label, steps, podSelector: CHART_SELECTOR,
    install: async () => { await helm('install', RELEASE, upstreamChartDir(), '-n', NS, ...(args.length > 0 ? ['--set', `args={${args.join(',')}}`] : [])); },
    status: async () => {
      const s = JSON.parse(await helm('status', RELEASE, '-n', NS, '-o', 'json')) as { info?: { status?: string; description?: string } };
      return `helm status: ${s.info?.status ?? '?'} (${s.info?.description ?? ''})`;
    },
    uninstall: async () => { await helm('uninstall', RELEASE, '-n', NS, '--wait'); },
  };
}

function componentsYaml(env: BenchEnv): Installer {
  let manifests = '';
  return {
    id: 'components-yaml', label: `kubectl apply -f components.yaml (${UPSTREAM_MS_VERSION})`,
    steps: [`kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/download/${UPSTREAM_MS_VERSION}/components.yaml ` +
      '(the README\'s install command; here `kubectl kustomize manifests/overlays/release` of the module, built before the clock starts)'],
    podSelector: 'k8s-app=metrics-server',
    prepare: async () => { manifests = await mustKubectl(env.cluster.kubectl, ['kustomize', upstreamReleaseManifests()]); },
    install: async () => { await mustKubectl(env.cluster.kubectl, ['apply', '-f', '-'], manifests); },
    status: () => Promise.resolve('kubectl apply: nothing after its "created" lines'),
    uninstall: async () => { await mustKubectl(env.cluster.kubectl, ['delete', '--wait', '-f', '-'], manifests); },
  };
}

function metricsStack(env: BenchEnv): Installer & { operator?: RunningOperator } {
  const stacks = stackApi(env.cluster.kubeConfig);
  const example = parse(readFileSync(EXAMPLE, 'utf8')) as { metadata: { name: string }; spec: unknown };
  const self: Installer & { operator?: RunningOperator } = {
    id: 'metricsstack', label: 'one MetricsStack (examples/metricsstack.yaml, kubeletTLS Auto)',
    steps: [
      'build the image and push it to a registry (README "Install": no public registry holds it yet)',
      'kubectl create namespace monitoring (README "Install": the chart\'s default managedNamespaces must exist)',
      'helm install metricsstack-operator charts/metricsstack-operator -n metricsstack-system --create-namespace --set image.repository=… ' +
        '(here the production bundle runs as that Deployment runs it; the IRSA role is optional for this spec — Annotate works without EKS permissions — and not counted)',
      'kubectl apply -f examples/metricsstack.yaml',
    ],
    podSelector: 'k8s-app=metrics-server',
    // As a user applies both at once: the stack first, then the operator that picks it up at start.
    install: async () => {
      await stacks.create(example.metadata.name, example.spec);
      self.operator = await env.startOperator();
    },
    status: async () => {
      const c = condition(await stacks.get(example.metadata.name), 'MetricsAPIAvailable');
      return c ? `MetricsAPIAvailable ${c.status} ${c.reason}: ${c.message}` : 'MetricsAPIAvailable: not yet written';
    },
    // The operator's finalizer removes what it created (deletionPolicy: Delete), then it stops.
    uninstall: async () => {
      await stacks.delete(example.metadata.name);
      await until('the MetricsStack deleted', async () => !(await stacks.exists(example.metadata.name)), 120_000);
      await self.operator?.stop();
    },
  };
  return self;
}

/**
 * In the order they run in repetition `rep` (from 1): the two that never work first, then the chart with the README's
 * flags and the MetricsStack, swapped every other repetition so that neither always meets the warmer cluster.
 */
export function installers(env: BenchEnv, rep: number): Installer[] {
  const [defaults, manifests, flags, stack] = [
    chart(env, 'chart-defaults', `Helm chart, defaults (metrics-server ${UPSTREAM_MS_VERSION})`, [], [
      REPO_ADD, `helm upgrade --install ${RELEASE} metrics-server/metrics-server -n ${NS} (its second)`]),
    componentsYaml(env),
    chart(env, 'chart-readme-flags', `Helm chart, --set args={${README_FLAGS.join(',')}}`, README_FLAGS, [
      'find out that the kubelets\' serving certificates are not signed by a CA metrics-server trusts, and pick the flags: ' +
        'the README\'s Requirements name --kubelet-insecure-tls; nothing in the cluster\'s status says so, only metrics-server\'s ' +
        'log (`kubectl logs -n kube-system deploy/metrics-server`: x509, see the defaults row)',
      REPO_ADD, `helm upgrade --install ${RELEASE} metrics-server/metrics-server -n ${NS} --set args={${README_FLAGS.join(',')}}`]),
    metricsStack(env),
  ];
  return rep % 2 === 1 ? [defaults, manifests, flags, stack] : [defaults, manifests, stack, flags];
}
