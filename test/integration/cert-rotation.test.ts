/**
 * Serving-certificate rotation on a bad day (issue 14.3): an admission policy denies every update of the metrics-server
 * and prometheus-adapter Deployments, and both serving-certificate Secrets are deleted. At no sampled moment may an
 * APIService lack the CA that signed the certificate in its backend's Secret; the old CA stays trusted while the pods
 * cannot roll, and once the policy is gone the rotation completes with the new CA alone.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import { ApiregistrationV1Api, AppsV1Api, CoreV1Api, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certsOf, signs, trustSampler, type TrustPair } from '../support/ca-trust.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { OperatorRunner } from '../support/operator.js';
import { sleep } from '../support/procs.js';
import { stackApi, until } from '../support/stacks.js';

const RULE = {
  seriesQuery: 'httpd_requests_total{namespace!="",pod!=""}',
  resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
  name: { matches: '^(.*)_total$', as: '${1}_per_second' },
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
};
const FROZEN = 'freeze-metrics-deployments';
const POLICY = {
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: FROZEN },
  spec: {
    failurePolicy: 'Fail',
    // deployments, not deployments/status: the controllers still report the rollout; nobody may change the spec.
    matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['deployments'] }] },
    validations: [{ expression: "!(object.metadata.name in ['metrics-server', 'prometheus-adapter'])", message: 'the metrics Deployments are frozen' }],
  },
};
const BINDING = {
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: FROZEN },
  spec: { policyName: FROZEN, validationActions: ['Deny'] },
};
const BACKENDS = [
  { deployment: { namespace: 'kube-system', name: 'metrics-server' }, secret: { namespace: 'kube-system', name: 'metrics-server-serving-cert' },
    apiServices: ['v1beta1.metrics.k8s.io'] },
  { deployment: { namespace: 'monitoring', name: 'prometheus-adapter' }, secret: { namespace: 'monitoring', name: 'prometheus-adapter-serving-cert' },
    apiServices: ['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io'] },
] as const satisfies readonly (TrustPair & { deployment: { namespace: string; name: string } })[];
const CERT_HASH = 'metricsstack.io/serving-cert-sha256';

let cluster: TestCluster;
let core: CoreV1Api;
let apps: AppsV1Api;
let apireg: ApiregistrationV1Api;
const runner = new OperatorRunner();

const secretCert = async (b: (typeof BACKENDS)[number]) => {
  const s = await core.readNamespacedSecret(b.secret).catch(() => undefined);
  return { cert: certsOf(s?.data?.['tls.crt'])[0], pem: Buffer.from(s?.data?.['tls.crt'] ?? '', 'base64').toString() };
};
const bundles = (b: (typeof BACKENDS)[number]) =>
  Promise.all(b.apiServices.map(async (name) => certsOf((await apireg.readAPIService({ name })).spec?.caBundle)));
const issuerOf = (cert: X509Certificate, cas: readonly X509Certificate[]) => cas.find((ca) => signs(ca, cert));
const rolledOut = (d: V1Deployment) => {
  const want = d.spec?.replicas ?? 1;
  const s = d.status;
  return (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) && s?.updatedReplicas === want && s.readyReplicas === want && s.replicas === want;
};
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

beforeAll(async () => {
  cluster = await startCluster({ preset: 'eks-mixed', name: 'cert-rotation' });
  core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
  apireg = cluster.kubeConfig.makeApiClient(ApiregistrationV1Api);
  await installCrd(cluster);
  await core.createNamespace({ body: { metadata: { name: 'monitoring' } } });
  await runner.start(cluster.kubeconfigPath, 'op', ['--leader-elect', 'false']);
});
afterAll(async () => {
  await runner.stop();
  await cluster?.stop();
});

describe('serving-certificate rotation while the Deployments cannot be updated', () => {
  it('never lets an APIService distrust the certificate in its Secret, and drops the old CA only after the rollout', async () => {
    await stackApi(cluster.kubeConfig).create('default', {
      metricsServer: { kubeletTLS: 'Insecure' },
      prometheusAdapter: { namespace: 'monitoring', prometheusURL: 'http://10.0.0.1:9', rules: [RULE] },
    });
    for (const b of BACKENDS) {
      await until(`${b.deployment.name} rolled out`, async () => rolledOut(await apps.readNamespacedDeployment(b.deployment).catch(() => ({}))), 90_000);
    }
    const oldCAs = await Promise.all(BACKENDS.map(async (b) => issuerOf((await secretCert(b)).cert!, (await bundles(b))[0]!)!));

    const sampler = trustSampler(cluster.kubeConfig, BACKENDS);
    try {
      const applied = await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [POLICY, BINDING] }) });
      expect(applied.code, applied.stderr).toBe(0);
      await until('the policy denying Deployment updates', async () => {
        const r = await cluster.kubectl(['-n', 'kube-system', 'annotate', 'deployment', 'metrics-server', 'probe=1', '--dry-run=server']);
        return r.code !== 0 && r.stderr.includes('frozen');
      });

      for (const b of BACKENDS) expect((await cluster.kubectl(['-n', b.secret.namespace, 'delete', 'secret', b.secret.name])).code).toBe(0);
      for (const [i, b] of BACKENDS.entries()) {
        await until(`${b.secret.name} re-issued`, async () => {
          const { cert } = await secretCert(b);
          return !!cert && !signs(oldCAs[i]!, cert);
        }, 90_000);
      }
      await sleep(15_000); // a few passes of the operator, each denied the Deployment update
      expect(sampler.violations.slice(0, 3), `${sampler.violations.length} moments apart`).toEqual([]);
      for (const [i, b] of BACKENDS.entries()) {
        const { cert } = await secretCert(b);
        for (const bundle of await bundles(b)) {
          // The pods still run from the old template: the old CA stays beside the new one.
          expect(bundle.some((ca) => ca.fingerprint256 === oldCAs[i]!.fingerprint256), `${b.apiServices.join(', ')} keep the old CA`).toBe(true);
          expect(issuerOf(cert!, bundle), `${b.apiServices.join(', ')} trust the new CA`).toBeDefined();
        }
      }

      expect((await cluster.kubectl(['delete', 'validatingadmissionpolicybinding,validatingadmissionpolicy', FROZEN])).code).toBe(0);
      for (const b of BACKENDS) {
        await until(`${b.deployment.name}'s rotation complete`, async () => {
          const { cert, pem } = await secretCert(b);
          const d = await apps.readNamespacedDeployment(b.deployment);
          const onlyNew = (await bundles(b)).every((bundle) => bundle.length === 1 && signs(bundle[0]!, cert!));
          return onlyNew && rolledOut(d) && d.spec?.template.metadata?.annotations?.[CERT_HASH] === sha256(pem);
        }, 120_000);
      }
    } finally {
      await sampler.stop();
    }
    expect(sampler.violations.slice(0, 3), `${sampler.violations.length} moments apart`).toEqual([]);
    expect(sampler.samples()).toBeGreaterThan(50);
  }, 420_000);
});
