import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { decideApply } from '../../../src/kube/apply-decision.js';
import { ownershipLabels } from '../../../src/render/common/ownership.js';
import { isSubset } from '../../../src/kube/subset.js';

const sa = (labels: Record<string, string> = {}, extra: Partial<KubernetesObject> = {}): KubernetesObject => ({
  apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'metrics-server', namespace: 'kube-system', labels }, ...extra,
});
const desired = sa(ownershipLabels('default'));
const policy = { owner: 'default', adopt: false, adoptField: 'spec.metricsServer.adoptExisting' };

describe('decideApply', () => {
  const cases: { name: string; live: KubernetesObject | undefined; adopt?: boolean; want: string; force?: boolean; says?: RegExp }[] = [
    { name: 'an object that does not exist is applied without force', live: undefined, want: 'apply', force: false },
    { name: 'our object that matches is skipped: no write', live: sa({ ...ownershipLabels('default'), extra: 'x' }), want: 'skip' },
    {
      name: 'an object that lost our managed-by label is treated as foreign and left alone',
      live: sa({ 'metricsstack.io/owner': 'default' }), want: 'conflict', says: /not created by this operator/,
    },
    {
      name: "another MetricsStack's object is a conflict even when adoption is on",
      live: sa(ownershipLabels('other')), adopt: true, want: 'conflict', says: /MetricsStack "other"/,
    },
    {
      name: "a Helm release's object is a conflict that names helm and the adopt field",
      live: sa(
        { 'app.kubernetes.io/managed-by': 'Helm' },
        { metadata: { name: 'metrics-server', namespace: 'kube-system', managedFields: [{ manager: 'helm', operation: 'Update' }] } },
      ),
      want: 'conflict', says: /managed by helm.*spec\.metricsServer\.adoptExisting: true/,
    },
    {
      name: "a foreign object is applied with force when the spec adopts it",
      live: sa({ 'app.kubernetes.io/managed-by': 'EKS' }), adopt: true, want: 'apply', force: true,
    },
  ];
  it.each(cases)('$name', ({ live, adopt, want, force, says }) => {
    const d = decideApply(desired, live, { ...policy, adopt: adopt ?? false });
    expect(d.action).toBe(want);
    if (d.action === 'apply') expect(d.force).toBe(force);
    if (d.action === 'conflict') expect(d.message).toMatch(says!);
  });

  it('applies with force when a field we set was changed by hand', () => {
    const want = { ...desired, secrets: [{ name: 'a' }] } as KubernetesObject;
    const live = { ...desired, secrets: [{ name: 'b' }] } as KubernetesObject;
    expect(decideApply(want, live, policy)).toEqual({ action: 'apply', force: true });
  });
});

describe('isSubset', () => {
  it.each([
    ['server defaults beside our fields', { a: 1 }, { a: 1, b: 2 }, true],
    ['a changed scalar', { a: 1 }, { a: 2 }, false],
    ['a missing nested field', { a: { b: 'x' } }, { a: {} }, false],
    ['lists compare by position and length', { l: [1, 2] }, { l: [1, 2, 3] }, false],
    ['list items may carry defaults', { l: [{ n: 'x' }] }, { l: [{ n: 'x', p: 'TCP' }] }, true],
    ['an object where live has a scalar', { a: { b: 1 } }, { a: 'x' }, false],
  ])('%s', (_name, d, l, want) => expect(isSubset(d, l)).toBe(want));
});
