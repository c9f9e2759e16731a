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
function sources(secret: V1Secret | undefined, apiServices: V1APIService[], deployments: V1Deployment[] = []): ServingCertSources {
  return { readSecret: async () => secret, apiServices: cacheOf(apiServices), deployments: cacheOf(deployments) };
}

let old: IssuedServingCert;
let older: IssuedServingCert;
beforeAll(async () => {
  [old, older] = await Promise.all([issueServingCert({ ...service, now: NOW }), issueServingCert({ ...service, now: NOW })]);
});

describe('ensureServingCert', () => {
  it('GIVEN the Secret was deleted and the APIService trusts the old CA, THEN a new certificate is issued and old + new are published first', async () => {
    const cert = await ensureServingCert(sources(undefined, [apiService([old.caCert])], [deployment(old.cert)]), req);
    expect(cert.toApply).toBeDefined();
    expect(cert.rotation.step).toBe('publish');
    expect(cert.publishFirst).toEqual([API]);
    const newCA = unb64(cert.toApply!.data!['ca.crt']!);
    expect(unb64(cert.caBundle)).toBe(newCA + old.caCert);

    const stack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default' }, spec: {} } as const;
    const c = new StackContext(stack, withDefaults({}), NOW, pino({ level: 'silent' }));
    const rendered: KubernetesObject[] = [{ kind: 'Deployment', metadata: { name: 'metrics-server' } }, { kind: 'APIService', metadata: { name: API } }];
    const order = servingCertApply(c, 'metrics-server', cert, rendered);
    expect(order.applyFirst?.map((o) => o.kind)).toEqual(['APIService']);
    expect(order.objects.map((o) => o.kind)).toEqual(['Secret', 'Deployment']);
    expect(order.requeueAfterMs).toBe(5_000);
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
