/**
 * Drift of the managed metrics-server Deployment on the local control plane (issue 14, item 2): a field the operator
 * stops rendering is removed, a field another manager adds to the pod template is reverted and reported in an Event
 * that names that manager, and a quantity the apiserver normalises (1024Mi → 1Gi) causes no write on resync.
 */
import { AppsV1Api, type CoreV1Event, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { OperatorRunner, type OperatorProcess } from '../support/operator.js';
import { condition, stackApi, until } from '../support/stacks.js';

let cluster: TestCluster;
let apps: AppsV1Api;
let stacks: ReturnType<typeof stackApi>;
let op: OperatorProcess;
const runner = new OperatorRunner();
const deployment = () => apps.readNamespacedDeployment({ name: 'metrics-server', namespace: 'kube-system' });
const pod = (d: V1Deployment) => d.spec?.template.spec;
const container = (d: V1Deployment) => pod(d)?.containers[0];

/** A strategic-merge patch of the managed Deployment under another field manager, as a person or a tool would make it. */
async function handEdit(manager: string, patch: object): Promise<void> {
  const r = await cluster.kubectl(['-n', 'kube-system', 'patch', 'deployment', 'metrics-server', `--field-manager=${manager}`, '-p', JSON.stringify(patch)]);
  expect(r.code, r.stderr).toBe(0);
}
async function removeFromSpec(path: string): Promise<void> {
  const r = await cluster.kubectl(['patch', 'metricsstack', 'default', '--type=json', '-p', JSON.stringify([{ op: 'remove', path }])]);
  expect(r.code, r.stderr).toBe(0);
}

/**
 * Writes the apiserver counted to the kinds the operator manages, by verb and resource, from its own /metrics: a
 * forced apply that changes nothing leaves every resourceVersion alone, so only a count shows it. MetricsStack status
 * is left out: it follows the aggregator, whose verdict on the (never serving) simulated pods changes as they roll.
 */
async function managedWrites(): Promise<Map<string, number>> {
  const text = (await cluster.kubectl(['get', '--raw', '/metrics'])).stdout;
  const kinds = /resource="(deployments|services|serviceaccounts|secrets|clusterroles|clusterrolebindings|rolebindings|apiservices|poddisruptionbudgets)"/;
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{') || !/verb="(APPLY|PATCH|POST|PUT|DELETE)"/.test(line) || !kinds.test(line)) continue;
    if (!/subresource=""/.test(line)) continue;
    const series = ['verb', 'resource'].map((l) => new RegExp(`${l}="([^"]*)"`).exec(line)?.[1]).join(' ');
    counts.set(series, (counts.get(series) ?? 0) + Number(line.split(' ').pop()));
  }
  return counts;
}

/** The writes (by verb and resource) made during the next `passes` reconciles (resyncs come every 10 s). */
async function writesOver(passes: number): Promise<Record<string, number>> {
  const [before, reconciles] = [await managedWrites(), await op.reconciles()];
  await until(`${passes} more passes`, async () => (await op.reconciles()) >= reconciles + passes, 15_000 * passes);
  const after = await managedWrites();
  return Object.fromEntries([...after].filter(([k, n]) => n !== (before.get(k) ?? 0)).map(([k, n]) => [k, n - (before.get(k) ?? 0)]));
}

const revertEvents = async (): Promise<CoreV1Event[]> => {
  const selector = 'involvedObject.name=default,reason=ForeignChangeReverted';
  const r = await cluster.kubectl(['-n', 'default', 'get', 'events', '--field-selector', selector, '-o', 'json']);
  return (JSON.parse(r.stdout || '{"items":[]}') as { items: CoreV1Event[] }).items;
};
const eventNaming = async (manager: string) => (await revertEvents()).find((e) => e.message?.includes(`"${manager}"`));

beforeAll(async () => {
  cluster = await startCluster({ preset: 'eks-mixed', name: 'drift' });
  apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
  stacks = stackApi(cluster.kubeConfig);
  await installCrd(cluster);
  // The shortest resync the operator accepts, so the steady-state test sees resyncs within seconds.
  op = await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false', '--resync-period', '10s']);
});
afterAll(async () => {
  await runner.stop();
  await cluster?.stop();
});

describe('drift of the managed Deployment is judged from the fields the operator owns', () => {
  it('deploys limits written as 1024Mi, which the apiserver stores as 1Gi', async () => {
    await stacks.create('default', { metricsServer: { kubeletTLS: 'Insecure', resources: { limits: { cpu: '1', memory: '1024Mi' } } } });
    await until('the Deployment with limits', async () => (await deployment().catch(() => undefined))?.spec !== undefined, 60_000);
    expect(container(await deployment())?.resources?.limits).toEqual({ cpu: '1', memory: '1Gi' });
    await until('ResourcesApplied', async () => condition(await stacks.get('default'), 'ResourcesApplied')?.status === 'True');
  });

  it('steady state: resyncs with a normalised quantity make no API write', async () => {
    // The first passes write status (and the Deployment's rollout); from then on a resync must write nothing.
    await until('a resync that writes nothing', async () => Object.keys(await writesOver(1)).length === 0, 90_000);
    expect(await writesOver(2)).toEqual({});
  });

  it('removes the limits from the live Deployment when they are removed from the spec', async () => {
    await removeFromSpec('/spec/metricsServer/resources/limits');
    await until('the limits gone', async () => container(await deployment())?.resources?.limits === undefined);
    expect(container(await deployment())?.resources?.requests).toEqual({ cpu: '100m', memory: '200Mi' });
    const s = await stacks.get('default');
    expect(condition(s, 'ResourcesApplied')?.status).toBe('True');
    // The spec sets no requests: they follow the cluster's size, and status says so (this cluster is far below 100 nodes).
    expect(s.status?.metricsServer?.resources).toEqual({ cpu: '100m', memory: '200Mi',
      reason: expect.stringMatching(/^Requests not set in spec.metricsServer.resources.requests: cpu 100m, memory 200Mi, because the cluster has \d+ nodes?, within the 100/) as string });
  });

  it('removes the node affinity and the compute-type annotation when fargate.placement switches to Ignore', async () => {
    const before = await deployment();
    expect(pod(before)?.affinity?.nodeAffinity).toBeDefined();
    expect(before.spec?.template.metadata?.annotations?.['eks.amazonaws.com/compute-type']).toBe('ec2');
    await stacks.patchSpec('default', '/spec/fargate', { placement: 'Ignore' });
    await until('affinity and annotation gone', async () => {
      const d = await deployment();
      return pod(d)?.affinity === undefined && d.spec?.template.metadata?.annotations?.['eks.amazonaws.com/compute-type'] === undefined;
    });
  });

  it('reverts hostNetwork: true set by another field manager and names that manager in an Event', async () => {
    await handEdit('intruder', { spec: { template: { spec: { hostNetwork: true } } } });
    await until('hostNetwork reverted', async () => pod(await deployment())?.hostNetwork !== true);
    await until('an Event naming "intruder"', async () => (await eventNaming('intruder')) !== undefined);
    expect((await eventNaming('intruder'))?.message).toMatch(/Deployment kube-system\/metrics-server.*spec\.template\.spec\.hostNetwork/);
    expect((await eventNaming('intruder'))?.type).toBe('Warning');
  });

  it('removes an env var and a pod label another manager added, and says so', async () => {
    await handEdit('hand-edit', {
      spec: { template: {
        metadata: { labels: { 'allow-egress': 'true' } },
        spec: { containers: [{ name: 'metrics-server', env: [{ name: 'DEBUG', value: '1' }] }] },
      } },
    });
    await until('env var and label gone', async () => {
      const d = await deployment();
      return container(d)?.env === undefined && d.spec?.template.metadata?.labels?.['allow-egress'] === undefined;
    });
    await until('an Event naming "hand-edit"', async () => (await eventNaming('hand-edit')) !== undefined);
    expect((await eventNaming('hand-edit'))?.message).toMatch(/spec\.template\.metadata\.labels\.allow-egress/);
  });

  it('reverts privileged, added capabilities and a hostPath volume another manager added', async () => {
    await handEdit('escalate', {
      spec: { template: { spec: {
        volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
        containers: [{
          name: 'metrics-server', volumeMounts: [{ name: 'host-root', mountPath: '/host' }],
          securityContext: { privileged: true, allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN'] } },
        }],
      } } },
    });
    await until('the escalation reverted', async () => {
      const d = await deployment();
      const sc = container(d)?.securityContext;
      return sc?.privileged === false && sc.allowPrivilegeEscalation === false && sc.capabilities?.add === undefined &&
        !(pod(d)?.volumes ?? []).some((v) => v.hostPath) && !(container(d)?.volumeMounts ?? []).some((m) => m.name === 'host-root');
    });
    await until('an Event naming "escalate"', async () => (await eventNaming('escalate')) !== undefined);
    const message = (await eventNaming('escalate'))?.message ?? '';
    expect(message).toMatch(/volumes\[name=host-root\] \(security-relevant\)/);
    expect(message).toMatch(/securityContext\.privileged \(security-relevant\)/);
    expect(message).toMatch(/capabilities\.add \(security-relevant\)/);
  });

  it('is steady again afterwards: the repaired Deployment causes no further write', async () => {
    await until('a resync that writes nothing', async () => Object.keys(await writesOver(1)).length === 0, 60_000);
    expect(await writesOver(2)).toEqual({});
  });
});
