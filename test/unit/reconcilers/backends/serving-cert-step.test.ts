import type { KubernetesObject, V1APIService, V1Deployment, V1Secret } from '@kubernetes/client-node';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { withDefaults } from '../../../../src/api/v1alpha1/defaults.js';
import { issueServingCert, servingCertSecret, type IssuedServingCert } from '../../../../src/kube/serving-cert.js';
import { ownershipLabels } from '../../../../src/render/common/ownership.js';
import { servingCertHash } from '../../../../src/render/common/serving-cert-hash.js';
import { ensureServingCert, servingCertApply, type ServingCertSources } from '../../../../src/reconcilers/backends/serving-cert-step.js';
import { StackContext, type ObjectCache } from '../../../../src/reconcilers/stack/context.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const service = { serviceName: 'metrics-server', namespace: 'kube-system' };
const API = 'v1beta1.metrics.k8s.io';
const req = { secretName: 'metrics-server-serving-cert', service, apiServices: [API], owner: 'default', now: NOW };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString();
const owned = <T extends KubernetesObject>(o: T): T => ({ ...o, metadata: { ...o.metadata, labels: ownershipLabels('default') } });
const cacheOf = <T extends KubernetesObject>(objs: T[]): ObjectCache<T> => ({ get: (n) => objs.find((o) => o.metadata?.name === n), list: () => objs });
const apiService = (caPEMs: string[], to = service, owner = 'default'): V1APIService => ({
  apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: API, labels: ownershipLabels(owner) },
  spec: { service: { name: to.serviceName, namespace: to.namespace }, caBundle: b64(caPEMs.join('')), groupPriorityMinimum: 100, versionPriority: 100 },
});
const deployment = (certPEM: string): V1Deployment => ({
  metadata: { name: 'metrics-server', namespace: 'kube-system', generation: 2 },
  spec: { selector: {}, template: { metadata: { annotations: { 'metricsstack.io/serving-cert-sha256': servingCertHash(certPEM) } } } },
  status: { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2 },
});
function sources(secret: V1Secret | undefined, apiServices: V1APIService[], deployments: V1Deployment[] = [], pending?: V1Secret): ServingCertSources {
  const secrets = [secret, pending].filter((x) => x !== undefined);
  return { readSecret: async (name) => secrets.find((x) => x.metadata?.name === name), apiServices: cacheOf(apiServices), deployments: cacheOf(deployments) };
}
const PENDING = 'metrics-server-serving-cert-pending';
const pendingOf = (issued: IssuedServingCert, owner = 'default'): V1Secret =>
  ({ ...servingCertSecret(PENDING, 'kube-system', issued), metadata: { name: PENDING, namespace: 'kube-system', labels: ownershipLabels(owner) } });
const stackContext = () => new StackContext(
  { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default' }, spec: {} }, withDefaults({}), NOW, pino({ level: 'silent' }));

let old: IssuedServingCert;
let older: IssuedServingCert;
let next: IssuedServingCert;
let expired: IssuedServingCert;
beforeAll(async () => {
  [old, older, next, expired] = await Promise.all([issueServingCert({ ...service, now: NOW }), issueServingCert({ ...service, now: NOW }),
    issueServingCert({ ...service, now: NOW }), issueServingCert({ ...service, now: new Date(NOW.getTime() - 400 * 86_400_000) })]);
});

describe('ensureServingCert', () => {
  it('GIVEN the Secret was deleted and the APIService trusts the old CA, THEN a new certificate is issued and old + new are published first', async () => {
    const cert = await ensureServingCert(sources(undefined, [apiService([old.caCert])], [deployment(old.cert)]), req);
    expect(cert.toApply).toBeDefined();
    expect(cert.rotation.step).toBe('publish');
    expect(cert.publishFirst).toEqual([API]);
    const newCA = unb64(cert.toApply!.data!['ca.crt']!);
    expect(unb64(cert.caBundle)).toBe(newCA + old.caCert);

    const c = stackContext();
    const rendered: KubernetesObject[] = [{ kind: 'Deployment', metadata: { name: 'metrics-server' } }, { kind: 'APIService', metadata: { name: API } }];
    const order = servingCertApply(c, 'metrics-server', cert, rendered);
    // The new certificate waits in a Secret no pod mounts before its CA is published: a restart resumes it.
    expect(order.applyFirst?.map((o) => `${o.kind} ${o.metadata?.name}`)).toEqual([`Secret ${PENDING}`, `APIService ${API}`]);
    expect((order.applyFirst![0] as V1Secret).data).toEqual(cert.toApply!.data);
    expect(order.objects.map((o) => `${o.kind} ${o.metadata?.name}`)).toEqual(['Secret metrics-server-serving-cert', 'Deployment metrics-server']);
    expect(order.requeueAfterMs).toBe(5_000);
  });

  it('GIVEN the first certificate (no APIService trusts any CA yet), THEN no pending Secret is written: nothing is published ahead of it', async () => {
    const cert = await ensureServingCert(sources(undefined, []), req);
    expect({ step: cert.rotation.step, pending: cert.pendingToApply }).toEqual({ step: 'steady', pending: undefined });
    expect(servingCertApply(stackContext(), 'metrics-server', cert, []).applyFirst).toEqual([]);
  });

  it.each([
    { name: 'published but the Secret was not written', trusted: () => [next.caCert, old.caCert], step: 'await-rollout' },
    { name: 'written but not published yet', trusted: () => [old.caCert], step: 'publish' },
  ])('GIVEN an operator died with a pending certificate $name, THEN it is served, none is issued, and it is recorded', async ({ trusted, step }) => {
    const cert = await ensureServingCert(sources(undefined, [apiService(trusted())], [deployment(old.cert)], pendingOf(next)), req);
    expect(cert.issuedBecause).toBeUndefined();
    expect(cert.resumed?.because).toBe('the serving certificate Secret does not exist');
    expect(cert.toApply?.metadata?.name).toBe(req.secretName);
    expect(unb64(cert.toApply!.data!['tls.crt']!)).toBe(next.cert);
    expect({ step: cert.rotation.step, bundle: unb64(cert.caBundle), pending: cert.pendingToApply })
      .toEqual({ step, bundle: next.caCert + old.caCert, pending: undefined });
    const c = stackContext();
    servingCertApply(c, 'metrics-server', cert, []);
    expect(c.recorded().map((r) => `${r.kind} ${r.name}`)).toEqual([`Secret ${PENDING}`]);
  });

  it.each([
    { name: 'another MetricsStack\'s', pending: () => pendingOf(next, 'other') },
    { name: 'an expired', pending: () => pendingOf(expired) },
  ])('GIVEN $name pending certificate, THEN a new one is issued and waits in the pending Secret', async ({ pending }) => {
    const cert = await ensureServingCert(sources(undefined, [apiService([old.caCert])], [], pending()), req);
    expect(cert.issuedBecause).toBeDefined();
    expect(unb64(cert.toApply!.data!['tls.crt']!)).not.toBe(pending().data!['tls.crt']);
    expect(cert.pendingToApply?.data).toEqual(cert.toApply!.data);
  });

  it('GIVEN the served Secret is kept and no rotation is under way, THEN the pending Secret is not even read', async () => {
    const secret = owned(servingCertSecret(req.secretName, 'kube-system', old));
    const cert = await ensureServingCert(sources(secret, [apiService([old.caCert])], [deployment(old.cert)], pendingOf(old)), req);
    expect({ resumed: cert.resumed, pending: cert.pendingToApply, toApply: cert.toApply }).toEqual({ resumed: undefined, pending: undefined, toApply: undefined });
    const c = stackContext();
    servingCertApply(c, 'metrics-server', cert, []);
    expect(c.recorded().map((r) => `${r.kind} ${r.name}`)).toEqual(['Secret metrics-server-serving-cert']);
    expect(cert.leftoverPending).toBeUndefined();
  });

  it('GIVEN an operator died after writing the Secret, before recording the pending one, THEN it is recorded once, then pruned', async () => {
    const secret = owned(servingCertSecret(req.secretName, 'kube-system', next));
    const cert = await ensureServingCert(sources(secret, [apiService([next.caCert, old.caCert])], [deployment(old.cert)], pendingOf(next)), req);
    expect({ step: cert.rotation.step, toApply: cert.toApply, leftover: cert.leftoverPending?.metadata?.name })
      .toEqual({ step: 'await-rollout', toApply: undefined, leftover: PENDING });
    const first = stackContext();
    servingCertApply(first, 'metrics-server', cert, []);
    expect(first.recorded().map((r) => `${r.kind} ${r.name}`)).toEqual([`Secret ${PENDING}`, 'Secret metrics-server-serving-cert']);
    // The next pass finds it in the inventory: not wanted again, so the parent prunes it.
    const later = stackContext();
    later.status.inventory = first.recorded();
    servingCertApply(later, 'metrics-server', cert, []);
    expect(later.recorded().map((r) => `${r.kind} ${r.name}`)).toEqual(['Secret metrics-server-serving-cert']);
  });

  it('GIVEN the certificate is kept and every pod runs its template, THEN the older CA leaves the bundle and nothing goes first', async () => {
    const secret = owned(servingCertSecret(req.secretName, 'kube-system', old));
    const cert = await ensureServingCert(sources(secret, [apiService([old.caCert, older.caCert])], [deployment(old.cert)]), req);
    expect(cert.toApply).toBeUndefined();
    expect({ step: cert.rotation.step, publishFirst: cert.publishFirst }).toEqual({ step: 'drop-old', publishFirst: [] });
    // The very bytes of the Secret's ca.crt: a steady pass writes nothing.
    expect(cert.caBundle).toBe(secret.data!['ca.crt']);
  });

  it('GIVEN the kept certificate is not rolled out yet, THEN the older CA stays and the pass looks again soon', async () => {
    const secret = owned(servingCertSecret(req.secretName, 'kube-system', old));
    const cert = await ensureServingCert(sources(secret, [apiService([old.caCert, older.caCert])], [deployment(older.cert)]), req);
    expect(cert.rotation.step).toBe('await-rollout');
    expect(unb64(cert.caBundle)).toBe(old.caCert + older.caCert);
  });

  it('GIVEN the kept certificate is about to expire, THEN a new one is issued and the CA it replaces stays in the bundle', async () => {
    const secret = owned(servingCertSecret(req.secretName, 'kube-system', old));
    const later = { ...req, now: new Date(NOW.getTime() + 300 * 86_400_000) };
    const cert = await ensureServingCert(sources(secret, [apiService([])], [deployment(old.cert)]), later);
    expect(cert.issuedBecause).toMatch(/validity left/);
    expect(cert.rotation.step).toBe('publish');
    expect(unb64(cert.caBundle)).toBe(unb64(cert.toApply!.data!['ca.crt']!) + old.caCert);
  });

  it.each([
    { name: 'another MetricsStack', api: () => apiService([older.caCert], service, 'other') },
    { name: 'a Service it does not route to (mid-handover)',
      api: () => apiService([older.caCert], { serviceName: 'prometheus-adapter', namespace: 'monitoring' }) },
  ])('GIVEN the APIService belongs to $name, THEN its CAs are not ours to keep', async ({ api }) => {
    const cert = await ensureServingCert(sources(owned(servingCertSecret(req.secretName, 'kube-system', old)), [api()]), req);
    expect({ step: cert.rotation.step, bundle: unb64(cert.caBundle) }).toEqual({ step: 'steady', bundle: old.caCert });
  });
});
