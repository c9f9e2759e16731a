import { readFileSync, readdirSync } from 'node:fs';
import { ApiException, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { withDefaults } from '../../src/api/v1alpha1/defaults.js';
import { GROUP, PLURAL, VERSION } from '../../src/api/v1alpha1/types.js';
import { invalidSpecs } from '../fixtures/invalid-specs.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { installCrd } from '../support/crd.js';
import { until } from '../support/stacks.js';

let cluster: TestCluster;
let api: CustomObjectsApi;
const ref = { group: GROUP, version: VERSION, plural: PLURAL };
const stack = (name: string, spec: unknown) => ({ apiVersion: `${GROUP}/${VERSION}`, kind: 'MetricsStack', metadata: { name }, spec });

beforeAll(async () => {
  cluster = await startCluster({ preset: 'none' });
  api = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  await installCrd(cluster);
});
afterAll(async () => cluster?.stop());

describe('the MetricsStack CRD on a real kube-apiserver', () => {
  it('installs, is Established, and is cluster-scoped with the printer columns', async () => {
    const r = await cluster.kubectl(['get', 'crd', `${PLURAL}.${GROUP}`, '-o', 'json']);
    const crd = JSON.parse(r.stdout);
    expect(crd.spec.scope).toBe('Cluster');
    expect(crd.status.conditions.find((c: { type: string }) => c.type === 'Established').status).toBe('True');
    expect(crd.spec.versions[0].additionalPrinterColumns.map((c: { name: string }) => c.name)).toEqual(['Provider', 'Ready', 'Reason', 'Age']);
  });

  it('explains its fields to kubectl explain', async () => {
    // The apiserver publishes a new CRD's OpenAPI a moment after Established: poll rather than flake.
    const explain = () => cluster.kubectl(['explain', 'metricsstack.spec.metricsServer.metricResolution']);
    await until('kubectl explain to know the CRD', async () => (await explain()).code === 0);
    expect((await explain()).stdout).toMatch(/10s/);
  });

  it.each(readdirSync('config/samples'))('accepts the sample %s and defaults it exactly as withDefaults does', async (file) => {
    const sample = parse(readFileSync(`config/samples/${file}`, 'utf8'));
    const name = `sample-${file.replace(/\.yaml$/, '')}`;
    const created = await api.createClusterCustomObject({ ...ref, body: { ...sample, metadata: { name } } });
    expect(created.spec).toEqual(withDefaults(sample.spec));
    await api.deleteClusterCustomObject({ ...ref, name });
  });

  it.each(invalidSpecs.map((c, i) => ({ ...c, i })))('rejects $name, saying "$expectMessage"', async ({ spec, metadataName, expectMessage, i }) => {
    const body = stack(metadataName ?? `bad-${i}`, spec);
    const err = await api.createClusterCustomObject({ ...ref, body }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    expect((err as ApiException<string>).code).toBe(422);
    expect(JSON.parse((err as ApiException<string>).body).message).toContain(expectMessage);
  });
});

describe('the edges of what the CRD refuses', () => {
  it('accepts a name of exactly 63 characters, the longest label value', async () => {
    const name = 'metrics-for-the-production-cluster-in-eu-west-1-platform-team-1';
    expect(name).toHaveLength(63);
    const created = await api.createClusterCustomObject({ ...ref, body: stack(name, {}) });
    expect(created.metadata.name).toBe(name);
    await api.deleteClusterCustomObject({ ...ref, name });
  });

  it('accepts limits equal to the requests written in other units (1000m = 1, 1024Mi = 1Gi), a zero request, and a lone low limit', async () => {
    const resources = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } };
    await api.createClusterCustomObject({ ...ref, body: stack('equal-units', { metricsServer: { resources } }) });
    await api.createClusterCustomObject({ ...ref, body: stack('zero-request', { metricsServer: { resources: { requests: { cpu: 0 } } } }) });
    // No request is defaulted any more: the operator sizes it to the cluster and caps it at this limit (sizing.ts).
    await api.createClusterCustomObject({ ...ref, body: stack('lone-limit', { metricsServer: { resources: { limits: { cpu: '50m' } } } }) });
    for (const name of ['equal-units', 'zero-request', 'lone-limit']) await api.deleteClusterCustomObject({ ...ref, name });
  });
});

describe('the status subresource', () => {
  it('ignores status in a main-resource write and spec in a status write', async () => {
    await api.createClusterCustomObject({ ...ref, body: { ...stack('sub', {}), status: { observedGeneration: 99 } } });
    let got = await api.getClusterCustomObject({ ...ref, name: 'sub' });
    expect(got.status).toBeUndefined();

    const ready = {
      type: 'Ready', status: 'True', reason: 'AllDependenciesReady', message: 'ok', observedGeneration: 1, lastTransitionTime: '2026-11-22T10:00:00Z',
    };
    got.status = { observedGeneration: 1, conditions: [ready] };
    got.spec = { deletionPolicy: 'Orphan' };
    await api.replaceClusterCustomObjectStatus({ ...ref, name: 'sub', body: got });
    got = await api.getClusterCustomObject({ ...ref, name: 'sub' });
    expect(got.status.conditions[0].reason).toBe('AllDependenciesReady');
    expect(got.spec.deletionPolicy).toBe('Delete');
    expect(got.metadata.generation).toBe(1);
  });

  it('shows Ready and its reason in kubectl get', async () => {
    const r = await cluster.kubectl(['get', 'metricsstack', 'sub']);
    expect(r.stdout).toMatch(/sub\s+metrics-server\s+True\s+AllDependenciesReady/);
  });
});
