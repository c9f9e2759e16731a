import type { KubernetesObject } from '@kubernetes/client-node';
import { KubeApiError, type ObjectClient } from '../../../src/kube/client.js';
import { describe, expect, it } from 'vitest';
import { Applier } from '../../../src/kube/applier.js';
import { FIELD_MANAGER } from '../../../src/kube/labels.js';
import { ownershipLabels } from '../../../src/render/common/ownership.js';
import { entry } from '../../support/managed-fields.js';
import { editedBy, liveAfter, pod, render } from './deployment-fixture.js';

/**
 * Records the calls the Applier makes. This is a fake of the client object, not of the Kubernetes API: what the
 * apiserver does with these requests is tested against a real one in test/integration/apply.test.ts.
 */
function recordingApi(existing?: KubernetesObject) {
  const calls: { verb: string; args: unknown[] }[] = [];
  const api = {
    read: async (...args: unknown[]) => {
      calls.push({ verb: 'read', args });
      if (!existing) throw new KubeApiError('GET', '/x', 404, { message: 'not found' });
      return existing;
    },
    apply: async (...args: unknown[]) => {
      calls.push({ verb: 'apply', args });
      return args[0];
    },
    patch: async (...args: unknown[]) => {
      calls.push({ verb: 'patch', args });
      return args[0];
    },
  } as unknown as Pick<ObjectClient, 'read' | 'apply' | 'patch'>;
  return { api, calls };
}

const cm: KubernetesObject & { data: Record<string, string> } = {
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rules', namespace: 'monitoring' }, data: { a: '1' },
};
const policy = { owner: 'default', adopt: false, adoptField: 'spec.prometheusAdapter.adoptExisting' };

describe('Applier', () => {
  it('sends a server-side apply with our field manager, ownership labels and no force for a new object', async () => {
    const { api, calls } = recordingApi();
    const out = await new Applier(api, () => undefined).apply(cm, policy);
    expect(out.result).toBe('applied');
    expect(calls.map((c) => c.verb)).toEqual(['read', 'apply']);
    const [body, options] = calls[1]!.args;
    expect(body).toMatchObject({ metadata: { name: 'rules', namespace: 'monitoring', labels: ownershipLabels('default') }, data: { a: '1' } });
    expect(options).toEqual({ fieldManager: FIELD_MANAGER, force: false });
  });

  it('makes no request at all when the cached object already matches', async () => {
    const { api, calls } = recordingApi();
    const live = { ...cm, metadata: { ...cm.metadata, labels: ownershipLabels('default'), resourceVersion: '7' } };
    const out = await new Applier(api, () => live).apply(cm, policy);
    expect(out.result).toBe('unchanged');
    expect(calls).toEqual([]);
  });

  it('reads a foreign object, reports the conflict and does not patch it', async () => {
    const foreign = { ...cm, metadata: { ...cm.metadata, managedFields: [{ manager: 'helm' }] } };
    const { api, calls } = recordingApi(foreign);
    const out = await new Applier(api, () => undefined).apply(cm, policy);
    expect(out.result).toBe('conflict');
    expect(out.message).toMatch(/ConfigMap monitoring\/rules already exists and is managed by helm/);
    expect(calls.map((c) => c.verb)).toEqual(['read']);
  });

  it('turns an apiserver 409 into a conflict outcome that names the adopt field', async () => {
    const { api } = recordingApi();
    (api as unknown as { apply: () => never }).apply = () => {
      throw new KubeApiError('PATCH', '/x', 409, { message: 'Apply failed with 1 conflict: conflict with "kubectl-edit"' });
    };
    const out = await new Applier(api, () => undefined).apply(cm, policy);
    expect(out).toMatchObject({ result: 'conflict' });
    expect(out.message).toContain('kubectl-edit');
    expect(out.message).toContain('spec.prometheusAdapter.adoptExisting: true');
  });

  it('removes what another manager added to our pod template with a guarded JSON patch, applies nothing, and reports it', async () => {
    const { api, calls } = recordingApi();
    const fields = { 'f:spec': { 'f:template': { 'f:metadata': { 'f:labels': { 'f:allow-egress': {} } } } } };
    const live = liveAfter(render(), entry('hand-edit', fields, 'Update'));
    (live as { spec: { template: { metadata: { labels: Record<string, string> } } } }).spec.template.metadata.labels['allow-egress'] = 'true';
    const out = await new Applier(api, () => live).apply(render(), policy);
    expect(calls.map((c) => c.verb)).toEqual(['patch']);
    const [ref, ops, type, options] = calls[0]!.args;
    expect(ref).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'metrics-server', namespace: 'kube-system' } });
    expect(ops).toEqual([
      { op: 'test', path: '/spec/template/metadata/labels/allow-egress', value: 'true' },
      { op: 'remove', path: '/spec/template/metadata/labels/allow-egress' },
    ]);
    expect([type, options]).toEqual(['json', { fieldManager: FIELD_MANAGER }]);
    expect(out.result).toBe('applied');
    expect(out.foreign).toEqual([{ manager: 'hand-edit', reverted: [], removed: [{ path: 'spec.template.metadata.labels.allow-egress', security: false }] }]);
  });

  it('reverts a field another manager changed with one forced apply and names that manager', async () => {
    const { api, calls } = recordingApi();
    const live = editedBy('intruder', { 'f:spec': { 'f:template': { 'f:spec': { 'f:hostNetwork': {} } } } }, (d) => { pod(d).hostNetwork = true; });
    const out = await new Applier(api, () => live).apply(render(), policy);
    expect(calls.map((c) => [c.verb, c.args[1]])).toEqual([['apply', { fieldManager: FIELD_MANAGER, force: true }]]);
    expect(out.foreign).toEqual([{ manager: 'intruder', reverted: [{ path: 'spec.template.spec.hostNetwork', security: true }], removed: [] }]);
  });
});
