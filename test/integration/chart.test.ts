/**
 * The Helm chart on the local control plane: lint, server-side dry run, install, then the operator bundle runs with
 * the chart's ServiceAccount token (what the image would run, as whom it would run) and must reconcile a MetricsStack
 * without a single 403 — the proof that the chart's RBAC suffices. Then upgrade and uninstall leave nothing behind.
 * The chart's own pods are kwok pods (nothing runs in them); the real operator is the process started here.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, PLURAL, VERSION, type MetricsStack } from '../../src/api/v1alpha1/types.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { OperatorRunner, type OperatorProcess } from '../support/operator.js';
import { waitFor } from '../support/procs.js';

const chart = fileURLToPath(new URL('../../charts/metricsstack-operator', import.meta.url));
const NS = 'metricsstack-system';
const RELEASE = 'metricsstack-operator'; // contains the chart name, so every object (and the ServiceAccount) has this name
const SA = `system:serviceaccount:${NS}:${RELEASE}`;

/**
 * What `kubectl auth can-i --list` must show for the ServiceAccount, per namespace: `resource [names] [verbs]`.
 * Rows every authenticated user has (self-reviews, discovery URLs) are left out. Cluster-wide rows appear everywhere;
 * everything namespaced the operator writes appears only in the managed namespaces (chart value managedNamespaces).
 */
const CLUSTER_WIDE = [
  'apiservices.apiregistration.k8s.io [] [list watch]',
  'apiservices.apiregistration.k8s.io [v1beta1.metrics.k8s.io] [get create patch delete]',
  'clusterrolebindings.rbac.authorization.k8s.io [] [list watch]',
  'clusterrolebindings.rbac.authorization.k8s.io [metrics-server:system:auth-delegator] [get create patch delete]',
  'clusterrolebindings.rbac.authorization.k8s.io [system:metrics-server] [get create patch delete]',
  'clusterroles.rbac.authorization.k8s.io [] [list watch]',
  'clusterroles.rbac.authorization.k8s.io [system:auth-delegator] [bind]',
  'clusterroles.rbac.authorization.k8s.io [system:metrics-server-aggregated-reader] [get create patch delete]',
  'clusterroles.rbac.authorization.k8s.io [system:metrics-server] [get create patch delete]',
  'metricsstacks.metricsstack.io [] [list watch patch]',
  'metricsstacks.metricsstack.io/status [] [patch]',
  'nodes [] [get list watch]',
  'nodes.metrics.k8s.io [] [get list watch]',
  'nodes/metrics [] [get]',
  'pods [] [get list watch]', // held for system:metrics-server
  'pods.metrics.k8s.io [] [get list watch]',
  'services [] [get list watch]', // held for prometheus-adapter's resource reader
  // prometheus-adapter: its APIServices by name. No role for the HPA controller: the bootstrap policy covers it.
  'apiservices.apiregistration.k8s.io [v1beta1.custom.metrics.k8s.io] [get create patch delete]',
  'apiservices.apiregistration.k8s.io [v1beta2.custom.metrics.k8s.io] [get create patch delete]',
  'apiservices.apiregistration.k8s.io [v1beta1.external.metrics.k8s.io] [get create patch delete]',
  'clusterrolebindings.rbac.authorization.k8s.io [prometheus-adapter-resource-reader] [get create patch delete]',
  'clusterrolebindings.rbac.authorization.k8s.io [prometheus-adapter:system:auth-delegator] [get create patch delete]',
  'clusterroles.rbac.authorization.k8s.io [prometheus-adapter-resource-reader] [get create patch delete]',
  'clusterroles.rbac.authorization.k8s.io [system:prometheus-adapter-aggregated-reader] [get create patch delete]',
  'namespaces [] [get list watch]',
  // Cluster Autoscaler with deploy: true: its ClusterRoleBinding, and the two roles it binds.
  'clusterrolebindings.rbac.authorization.k8s.io [cluster-autoscaler] [get create patch delete]',
  'clusterroles.rbac.authorization.k8s.io [metricsstack:cluster-autoscaler] [bind]',
  'clusterroles.rbac.authorization.k8s.io [metricsstack:cluster-autoscaler-status] [bind]',
  // The HPA doctor: users' HPAs, their scale targets read (never written), and one Warning Event per HPA and cause.
  'horizontalpodautoscalers.autoscaling [] [get list watch]',
  'deployments.apps [] [get]', 'statefulsets.apps [] [get]', 'replicasets.apps [] [get]',
  'events [] [create patch]',
];
/** In each managed namespace: the label-selected informers, and every namespaced object the reconcilers render, by name. */
const MANAGED = [
  'configmaps [kube-root-ca.crt] [get]',
  'configmaps [prometheus-adapter-config] [get list watch create patch delete]',
  // The Role's list/watch and the ClusterRole's get (HPA doctor), which can-i --list shows as one row.
  'deployments.apps [] [get list watch]',
  'poddisruptionbudgets.policy [] [list watch]',
  'rolebindings.rbac.authorization.k8s.io [] [list watch]',
  'serviceaccounts [] [list watch]',
  ...['metrics-server', 'prometheus-adapter', 'cluster-autoscaler'].flatMap((n) => [
    `deployments.apps [${n}] [get create patch delete]`, `serviceaccounts [${n}] [get create patch delete]`]),
  ...['metrics-server', 'prometheus-adapter'].flatMap((n) => [
    `poddisruptionbudgets.policy [${n}] [get create patch delete]`, `services [${n}] [get create patch delete]`,
    // A rotation's new certificate waits in <name>-pending (backends/pending-cert.ts).
    `secrets [${n}-serving-cert] [get create patch delete]`, `secrets [${n}-serving-cert-pending] [get create patch delete]`]),
  'rolebindings.rbac.authorization.k8s.io [cluster-autoscaler] [get create patch delete]',
];
const CLUSTER_WIDE_IN_MANAGED = CLUSTER_WIDE.filter((r) => r !== 'deployments.apps [] [get]');
const EXPECTED_CAN_I: Record<string, string[]> = {
  [NS]: [...CLUSTER_WIDE, 'leases.coordination.k8s.io [] [create]', 'leases.coordination.k8s.io [metricsstack-operator] [get update]'],
  // Events about MetricsStacks go here: the Role's rule is the cluster-wide one (HPA doctor), listed once.
  default: CLUSTER_WIDE,
  'kube-system': [...CLUSTER_WIDE_IN_MANAGED, ...MANAGED, 'configmaps [extension-apiserver-authentication] [get list watch]',
    'configmaps [cluster-autoscaler-status] [get]',
    'rolebindings.rbac.authorization.k8s.io [metrics-server-auth-reader] [get create patch delete]',
    'rolebindings.rbac.authorization.k8s.io [prometheus-adapter-auth-reader] [get create patch delete]'],
  monitoring: [...CLUSTER_WIDE_IN_MANAGED, ...MANAGED],
  'some-app': CLUSTER_WIDE,
};
const EVERYONE = /^selfsubject|^$/;
/** The chart's default MetricsStack: metrics-server, and prometheus-adapter with one custom rule (no Prometheus runs here). */
const STACK_SPEC = {
  metricsServer: { kubeletTLS: 'Insecure' },
  prometheusAdapter: {
    prometheusURL: 'http://10.0.0.1:9',
    rules: [{
      seriesQuery: 'httpd_requests_total{namespace!="",pod!=""}', resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: '^(.*)_total$', as: '${1}_per_second' }, metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
    }],
  },
};

let cluster: TestCluster;
let custom: CustomObjectsApi;
let runner: OperatorRunner;
let op: OperatorProcess;
const run = (bin: string, args: string[]) => new Promise<string>((done, fail) => execFile(join(cluster.binDir, bin), args, {
  env: {
    ...process.env, KUBECONFIG: cluster.kubeconfigPath, HELM_CACHE_HOME: join(cluster.dir, 'helm', 'cache'),
    HELM_CONFIG_HOME: join(cluster.dir, 'helm', 'config'), HELM_DATA_HOME: join(cluster.dir, 'helm', 'data'),
  },
  maxBuffer: 16 << 20, timeout: 120_000,
}, (err, stdout, stderr) => (err ? fail(new Error(`${bin} ${args.join(' ')}: ${stderr || err.message}`)) : done(stdout))));
const helm = (...args: string[]) => run('helm', args);
const kubectl = (...args: string[]) => run('kubectl', args);
const stack = () => custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, name: 'default' }) as Promise<MetricsStack>;
const cond = (s: MetricsStack, type: string) => s.status?.conditions?.find((c) => c.type === type);
const until = (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) =>
  waitFor(what, check, { timeoutMs, watch: op ? [op.proc] : [], intervalMs: 300 });
/** Lines of the operator's log that show a call RBAC refused: any one means the chart misses a rule. */
const forbidden = () => op.logs().split('\n').filter((l) => /forbidden|\b403\b/i.test(l));
async function untilStack(what: string, ok: (s: MetricsStack) => boolean, timeoutMs?: number): Promise<void> {
  await until(what, async () => ok(await stack()), timeoutMs).catch(async (err: Error) => {
    throw new Error(`${err.message}\nconditions: ${JSON.stringify((await stack()).status?.conditions, null, 1)}\nrefused calls:\n${forbidden().join('\n')}`);
  });
}
const names = async (args: string[]) => (await kubectl('get', ...args, '-o', 'name')).split('\n').filter(Boolean).sort();
const INSTANCE = `app.kubernetes.io/instance=${RELEASE}`;
/** The kubeconfig with the chart ServiceAccount's token (written by the install test). */
const kubeconfig = () => join(cluster.dir, 'chart-sa.kubeconfig');
/** `--flag=value` as the chart's Deployment passes it to the operator. */
async function chartArg(flag: string): Promise<string> {
  const args = (await kubectl('get', 'deployment', RELEASE, '-n', NS, '-o', 'jsonpath={.spec.template.spec.containers[0].args}'));
  const found = (JSON.parse(args) as string[]).find((a) => a.startsWith(`${flag}=`));
  if (!found) throw new Error(`the chart's Deployment passes no ${flag}: ${args}`);
  return found;
}
/** `kubectl auth can-i` as a user (impersonated by the test's admin): yes or no; anything else fails. */
const canI = (user: string, ...args: string[]) => new Promise<boolean>((done, fail) => execFile(join(cluster.binDir, 'kubectl'),
  ['auth', 'can-i', ...args, `--as=${user}`], { env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath } }, (err, stdout, stderr) => {
    const answer = stdout.trim();
    if (answer === 'yes' || answer === 'no') done(answer === 'yes');
    else fail(new Error(`kubectl auth can-i ${args.join(' ')} --as=${user}: ${stderr || err?.message}`));
  }));

/** `kubectl auth can-i --list` rows (Resources, Non-Resource URLs, Resource Names, Verbs) as `resource [names] [verbs]`. */
async function canIList(namespace: string): Promise<string[]> {
  const out = await kubectl('auth', 'can-i', '--list', `--as=${SA}`, '-n', namespace);
  return out.split('\n').slice(1).flatMap((line) => {
    const m = /^(\S*)\s+\[([^\]]*)\]\s+\[([^\]]*)\]\s+\[([^\]]*)\]\s*$/.exec(line);
    if (!m || m[2] || EVERYONE.test(m[1]!)) return [];
    return [`${m[1]} [${m[3]}] [${m[4]}]`];
  }).sort();
}

beforeAll(async () => {
  cluster = await startCluster({ preset: 'eks-mixed' });
  custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  runner = new OperatorRunner();
  // Pod Security "restricted" is enforced, so the chart's pods are admitted only if their securityContext meets it.
  await kubectl('create', 'namespace', NS);
  await kubectl('create', 'namespace', 'monitoring'); // prometheus-adapter's; the operator does not create namespaces
  await kubectl('create', 'namespace', 'some-app'); // not in managedNamespaces: the operator may write nothing here
  await kubectl('label', 'namespace', NS, 'pod-security.kubernetes.io/enforce=restricted', 'pod-security.kubernetes.io/enforce-version=latest');
});
afterAll(async () => {
  await runner?.stop();
  await cluster?.stop();
});

describe('the Helm chart', () => {
  it('passes helm lint, with the defaults and with every option on', async () => {
    await helm('lint', '--strict', chart);
    await helm('lint', '--strict', chart, '--set', 'serviceMonitor.enabled=true,defaultStack.enabled=true,replicaCount=1,podDisruptionBudget.enabled=false');
  });

  it('renders manifests (CRD included) that the apiserver accepts in a server-side dry run', async () => {
    const manifests = await helm('template', RELEASE, chart, '-n', NS, '--include-crds');
    const out = await new Promise<string>((done, fail) => {
      const child = execFile(join(cluster.binDir, 'kubectl'), ['--kubeconfig', cluster.kubeconfigPath, 'apply', '--dry-run=server', '-f', '-'],
        (err, stdout, stderr) => (err ? fail(new Error(stderr)) : done(stdout)));
      child.stdin?.end(manifests);
    });
    expect(out).toMatch(/customresourcedefinition.*metricsstacks.metricsstack.io created \(server dry run\)/);
    expect(out).toMatch(/deployment.apps\/metricsstack-operator created \(server dry run\)/);
  });

  it('installs; the operator, running as the chart ServiceAccount, reconciles a MetricsStack with no 403', async () => {
    const notes = await helm('install', RELEASE, chart, '-n', NS, '--wait', '--timeout', '90s',
      '--set', 'defaultStack.enabled=true', '--set-json', `defaultStack.spec=${JSON.stringify(STACK_SPEC)}`);
    expect(notes).toContain('kubectl get metricsstack default -w');
    expect(notes).toContain(`sub=${SA}`); // no IRSA role yet: NOTES say which trust-policy subject to allow
    expect(notes).toContain('MetricsStacks may deploy into kube-system, monitoring (value managedNamespaces)');
    expect(await names(['pods', '-n', NS, '-l', INSTANCE])).toHaveLength(2);

    const token = (await kubectl('create', 'token', RELEASE, '-n', NS, '--duration', '1h')).trim();
    writeFileSync(kubeconfig(), JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'sa',
      clusters: [{ name: 'test', cluster: { server: cluster.server, 'certificate-authority': cluster.caFile } }],
      users: [{ name: 'sa', user: { token } }],
      contexts: [{ name: 'sa', context: { cluster: 'test', user: 'sa' } }],
    }));
    // Leader election stays on, in the release namespace, against the Lease the chart created; the namespaces are the
    // chart's, as its Deployment passes them.
    op = await runner.start(kubeconfig(), 'chart-operator', ['--leader-election-namespace', NS, await chartArg('--managed-namespaces')]);

    await untilStack('ResourcesApplied and AggregationLayerReady',
      (s) => cond(s, 'ResourcesApplied')?.status === 'True' && cond(s, 'AggregationLayerReady')?.status === 'True');
    // No metrics-server really runs here, so the API cannot answer; the operator must still have looked (False once
    // the rollout is two metric resolutions + 30 s old: backends/starting.ts).
    await untilStack('MetricsAPIAvailable reported', (s) => cond(s, 'MetricsAPIAvailable')?.status === 'False', 120_000);
    // prometheus-adapter too (its RBAC includes the read-only metrics wildcard, which the operator must hold to grant).
    await untilStack('CustomMetricsAPIAvailable reported', (s) => cond(s, 'CustomMetricsAPIAvailable')?.reason === 'PrometheusUnreachable');
    expect(await names(['apiservice', 'v1beta1.custom.metrics.k8s.io'])).toHaveLength(1);
    expect(await kubectl('get', 'lease', RELEASE, '-n', NS, '-o', 'jsonpath={.spec.holderIdentity}')).toBe('chart-operator');
    expect(await names(['apiservice', 'v1beta1.metrics.k8s.io'])).toHaveLength(1);
    expect(forbidden()).toEqual([]);
  }, 240_000);

  it('grants the ServiceAccount exactly the expected least-privilege table (kubectl auth can-i --list)', async () => {
    for (const [namespace, rows] of Object.entries(EXPECTED_CAN_I)) expect(await canIList(namespace), namespace).toEqual([...rows].sort());
  });

  it('cannot write a Deployment named metrics-server (or any object it renders) outside managedNamespaces', async () => {
    for (const [ns, allowed] of [['kube-system', true], ['monitoring', true], ['some-app', false], [NS, false]] as const) {
      for (const what of ['deployments/metrics-server', 'serviceaccounts/cluster-autoscaler', 'secrets/metrics-server-serving-cert']) {
        expect(await canI(SA, 'create', what, '-n', ns), `create ${what} in ${ns}`).toBe(allowed);
      }
    }
    // A real attempt with the operator's own token, not only the authorizer's opinion.
    await expect(kubectl('--kubeconfig', kubeconfig(), 'create', 'deployment', 'metrics-server', '-n', 'some-app', '--image=registry.k8s.io/pause:3.10'))
      .rejects.toThrow(/forbidden.*cannot create resource "deployments".*namespace "some-app"/);
    // ConfigMaps only by name: the operator cannot list kube-system's, nor read one it does not need.
    expect(await canI(SA, 'list', 'configmaps', '-n', 'kube-system')).toBe(false);
    expect(await canI(SA, 'get', 'configmaps/aws-auth', '-n', 'kube-system')).toBe(false);
    expect(await chartArg('--managed-namespaces')).toBe('--managed-namespaces=kube-system,monitoring');
  });

  it('reports a MetricsStack that targets another namespace as InvalidSpec naming the chart value, and keeps what runs', async () => {
    const target = (ms: string, pa: string) => kubectl('patch', 'metricsstack', 'default', '--type=merge',
      '-p', JSON.stringify({ spec: { metricsServer: { namespace: ms }, prometheusAdapter: { namespace: pa } } }));
    await target('some-app', 'some-app');
    await untilStack('InvalidSpec for both backends', (s) => cond(s, 'MetricsAPIAvailable')?.reason === 'InvalidSpec' &&
      cond(s, 'CustomMetricsAPIAvailable')?.reason === 'InvalidSpec');
    const s = await stack();
    expect(cond(s, 'MetricsAPIAvailable')?.message)
      .toMatch(/^spec\.metricsServer\.namespace is some-app, .*\(kube-system, monitoring: the Helm chart value managedNamespaces\)/);
    expect(cond(s, 'CustomMetricsAPIAvailable')?.message)
      .toMatch(/^spec\.prometheusAdapter\.namespace is some-app, .*--set 'managedNamespaces=\{kube-system,monitoring,some-app\}'/);
    expect(cond(s, 'Ready')?.status).toBe('False');
    // Nothing was attempted there, and nothing that runs was removed.
    expect(await names(['deploy', '-n', 'some-app'])).toEqual([]);
    const ours = (ns: string) => names(['deploy', '-n', ns, '-l', 'app.kubernetes.io/managed-by=metricsstack-operator']);
    expect(await ours('kube-system')).toEqual(['deployment.apps/metrics-server']);
    expect(await ours('monitoring')).toEqual(['deployment.apps/prometheus-adapter']);
    expect(forbidden()).toEqual([]);

    await target('kube-system', 'monitoring');
    await untilStack('back to the managed namespaces', (s) => cond(s, 'MetricsAPIAvailable')?.reason !== 'InvalidSpec' &&
      cond(s, 'CustomMetricsAPIAvailable')?.reason === 'PrometheusUnreachable');
  });

  it('watches its ConfigMap by name where the Role allows it: a deleted prometheus-adapter-config comes back at once', async () => {
    await kubectl('delete', 'configmap', 'prometheus-adapter-config', '-n', 'monitoring');
    // Well before the 10 min resync: only the name-selected watch in monitoring can have noticed.
    await until('prometheus-adapter-config restored',
      async () => (await names(['configmap', '-n', 'monitoring'])).includes('configmap/prometheus-adapter-config'), 30_000);
    expect(forbidden()).toEqual([]);
  });

  it('ships aggregated ClusterRoles: view, edit and admin read MetricsStacks; only admin (or the -edit role) writes them', async () => {
    await kubectl('create', 'clusterrolebinding', 'test-viewer', '--clusterrole=view', '--user=viewer');
    await kubectl('create', 'clusterrolebinding', 'test-editor', '--clusterrole=edit', '--user=editor');
    await kubectl('create', 'clusterrolebinding', 'test-admin', '--clusterrole=admin', '--user=admin-user');
    await kubectl('create', 'clusterrolebinding', 'test-writer', `--clusterrole=${RELEASE}-edit`, '--user=writer');
    await kubectl('create', 'rolebinding', 'test-ns-admin', '--clusterrole=admin', '--user=ns-admin', '-n', 'some-app');
    // The clusterrole-aggregation controller copies the rules into view, edit and admin a moment after install.
    await until('rules aggregated into view and admin',
      async () => (await canI('viewer', 'list', 'metricsstacks')) && (await canI('admin-user', 'create', 'metricsstacks')));
    const table: [string, string[], string[]][] = [
      ['viewer', ['get', 'list', 'watch'], ['create', 'patch', 'update', 'delete']],
      ['editor', ['get', 'list', 'watch'], ['create', 'patch', 'update', 'delete']], // writing a MetricsStack is admin-level
      ['admin-user', ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete', 'deletecollection'], []],
      ['writer', ['get', 'list', 'create', 'patch', 'delete'], []],
      ['ns-admin', [], ['get', 'list', 'create']], // a RoleBinding grants nothing cluster-scoped
    ];
    for (const [user, yes, no] of table) {
      for (const verb of yes) expect(await canI(user, verb, 'metricsstacks'), `${user} ${verb}`).toBe(true);
      for (const verb of no) expect(await canI(user, verb, 'metricsstacks'), `${user} ${verb}`).toBe(false);
    }
    expect(await canI('viewer', 'get', 'metricsstacks', '--subresource=status')).toBe(true);
    expect(await canI('viewer', 'patch', 'metricsstacks', '--subresource=status')).toBe(false);
    await kubectl('delete', 'clusterrolebinding', 'test-viewer', 'test-editor', 'test-admin', 'test-writer');
    await kubectl('delete', 'rolebinding', 'test-ns-admin', '-n', 'some-app');
  });

  it('upgrades with changed values and the operator keeps working', async () => {
    const arn = 'arn:aws:iam::123456789012:role/metricsstack-operator';
    await helm('upgrade', RELEASE, chart, '-n', NS, '--reuse-values', '--wait', '--timeout', '90s',
      '--set', 'replicaCount=3,logLevel=debug,resources.limits.memory=512Mi',
      '--set-string', `serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=${arn}`);
    type Containers = { args: string[]; resources: { limits: { memory: string } } }[];
    const d = JSON.parse(await kubectl('get', 'deployment', RELEASE, '-n', NS, '-o', 'json')) as
      { spec: { replicas: number; template: { spec: { containers: Containers } } } };
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.template.spec.containers[0]?.args).toContain('--log-level=debug');
    expect(d.spec.template.spec.containers[0]?.resources.limits.memory).toBe('512Mi');
    expect(await kubectl('get', 'sa', RELEASE, '-n', NS, '-o', 'jsonpath={.metadata.annotations.eks\\.amazonaws\\.com/role-arn}')).toBe(arn);
    // Helm never sets the Lease's spec, so the upgrade leaves the leader in place.
    expect(await kubectl('get', 'lease', RELEASE, '-n', NS, '-o', 'jsonpath={.spec.holderIdentity}')).toBe('chart-operator');
    expect((await op.reconciles()) > 0 && !op.proc.exited).toBe(true);
    expect(forbidden()).toEqual([]);
  });

  it('leaves nothing behind: the operator removes what the MetricsStack made, helm uninstall the rest; the CRD stays', async () => {
    await kubectl('delete', 'metricsstack', 'default', '--wait', '--timeout=60s');
    expect(await names(['deploy,svc,sa,secret,pdb,configmap', '-A', '-l', 'app.kubernetes.io/managed-by=metricsstack-operator'])).toEqual([]);
    expect(await names(['apiservice,clusterrole,clusterrolebinding,rolebinding', '-A', '-l', 'app.kubernetes.io/managed-by=metricsstack-operator']))
      .toEqual([]);
    expect(forbidden()).toEqual([]);
    await runner.stop();

    await helm('uninstall', RELEASE, '-n', NS, '--wait', '--timeout', '90s');
    expect(await names(['all,sa,role,rolebinding,lease,pdb,configmap,secret', '-A', '-l', INSTANCE])).toEqual([]);
    expect(await names(['clusterrole,clusterrolebinding', '-l', INSTANCE])).toEqual([]);
    // Only what Kubernetes itself puts in every namespace is left (Events about the MetricsStack expire on their own).
    expect(await names(['sa,configmap,secret,lease,deploy,svc,pods', '-n', NS])).toEqual(['configmap/kube-root-ca.crt', 'serviceaccount/default']);
    expect(await names(['crd', 'metricsstacks.metricsstack.io'])).toHaveLength(1);
  });
});
