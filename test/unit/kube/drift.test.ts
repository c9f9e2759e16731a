import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { decideApply } from '../../../src/kube/apply-decision.js';
import { driftOf } from '../../../src/kube/drift.js';
import { describePath } from '../../../src/kube/managed-fields.js';
import { appliedFields, entry, withManagedFields } from '../../support/managed-fields.js';
import { LIMITS, ON_FARGATE_CLUSTER, liveAfter, pod, render, stored } from './deployment-fixture.js';

const policy = { owner: 'default', adopt: false, adoptField: 'spec.metricsServer.adoptExisting' };

describe('decideApply on our own Deployment judges drift from the fields our manager owns', () => {
  const cases: { name: string; desired: V1Deployment; live: () => KubernetesObject; want: 'skip' | 'apply' }[] = [
    { name: 'nothing changed: skip, no write', desired: render(), live: () => liveAfter(render()), want: 'skip' },
    {
      name: 'limits written as 1024Mi, stored as 1Gi: the same quantity, skip',
      desired: render(LIMITS), live: () => liveAfter(render(LIMITS)), want: 'skip',
    },
    {
      name: 'the limits were removed from the spec while our manager still owns them live: apply, so SSA removes them',
      desired: render(), live: () => liveAfter(render(LIMITS)), want: 'apply',
    },
    {
      name: 'fargate.placement switched to Ignore: the annotation and affinity we owned are no longer rendered: apply',
      desired: render(), live: () => liveAfter(render(ON_FARGATE_CLUSTER)), want: 'apply',
    },
    {
      name: 'another manager set hostNetwork: true where we render false: apply with force reverts it',
      desired: render(),
      live: () => {
        const live = liveAfter(render(), entry('intruder', { 'f:spec': { 'f:template': { 'f:spec': { 'f:hostNetwork': {} } } } }, 'Update'));
        pod(live).hostNetwork = true;
        return live;
      },
      want: 'apply',
    },
    {
      name: 'another manager set privileged: true where we render false: apply',
      desired: render(),
      live: () => {
        const live = liveAfter(render());
        pod(live).containers[0]!.securityContext!.privileged = true;
        return live;
      },
      want: 'apply',
    },
    {
      name: 'our managed-fields entry is gone (another manager took every field): apply to own them again',
      desired: render(), live: () => withManagedFields(stored(render()), entry('kubectl-replace', appliedFields(render()), 'Update')), want: 'apply',
    },
    {
      name: 'our entry was recorded at another apiVersion: apply once at ours',
      desired: render(), live: () => withManagedFields(stored(render()), entry('metricsstack-operator', appliedFields(render()), 'Apply', 'apps/v1beta2')),
      want: 'apply',
    },
    {
      name: 'a copy without managedFields can only be judged by its values: skip when they match',
      desired: render(), live: () => ({ ...stored(render()), metadata: { ...render().metadata, managedFields: undefined } }), want: 'skip',
    },
  ];
  it.each(cases)('$name', ({ desired, live, want }) => {
    const d = decideApply(desired, live(), policy);
    expect(d).toEqual(want === 'skip' ? { action: 'skip' } : { action: 'apply', force: true });
  });
});

describe('driftOf says which owned fields an apply would drop', () => {
  it('names the limits, and the annotation and affinity of the old placement', () => {
    const stale = (applied: V1Deployment) => {
      const d = driftOf(render(), liveAfter(applied));
      return d?.kind === 'stale' ? d.fields.map(describePath) : d;
    };
    expect(stale(render(LIMITS))).toEqual(['spec.template.spec.containers[name=metrics-server].resources.limits']);
    expect(stale(render(ON_FARGATE_CLUSTER))).toEqual([
      'spec.template.metadata.annotations.eks.amazonaws.com/compute-type',
      'spec.template.spec.affinity',
    ]);
  });
});
