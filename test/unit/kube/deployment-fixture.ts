/** The metrics-server Deployment as we render it, and as the apiserver stores it after our apply: drift test fixtures. */
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { withOwnership } from '../../../src/kube/labels.js';
import { renderMetricsServerDeployment, type MetricsServerRenderInput } from '../../../src/render/metrics-server/index.js';
import type { FieldsV1 } from '../../../src/kube/managed-fields.js';
import { appliedFields, entry, withManagedFields, without } from '../../support/managed-fields.js';
import { typicalInput } from '../render/metrics-server/input.js';

export const render = (change: Partial<MetricsServerRenderInput> = {}): V1Deployment =>
  withOwnership(renderMetricsServerDeployment({ ...typicalInput, ...change }), 'default');
export const LIMITS = { resources: { ...typicalInput.resources, limits: { cpu: '1', memory: '1024Mi' } } };
export const ON_FARGATE_CLUSTER = { placement: { annotateEC2: true, avoidFargateAffinity: true } };

/** What the apiserver stores for an apply of `applied`: `false` host flags left out, quantities in canonical form. */
export function stored(applied: V1Deployment): V1Deployment {
  const d = structuredClone(applied);
  const pod = d.spec!.template.spec!;
  for (const flag of ['hostNetwork', 'hostPID', 'hostIPC'] as const) delete pod[flag];
  const limits = pod.containers[0]!.resources?.limits;
  if (limits?.memory === '1024Mi') limits.memory = '1Gi';
  return d;
}

/** Live after our apply of `applied`: our field manager owns what it applied, and nobody else has written. */
export const liveAfter = (applied: V1Deployment, ...others: ReturnType<typeof entry>[]): KubernetesObject =>
  withManagedFields(stored(applied), entry('metricsstack-operator', appliedFields(applied)), ...others);
export const pod = (d: KubernetesObject) => (d as V1Deployment).spec!.template.spec!;


/**
 * Live after our apply, then `edit` by another manager (as kubectl patch would record it: an update), which owns
 * `fields` now; those it changed are no longer ours.
 */
export function editedBy(manager: string, fields: FieldsV1, edit: (d: V1Deployment) => void): KubernetesObject {
  const live = withManagedFields(stored(render()), entry('metricsstack-operator', without(appliedFields(render()), fields)), entry(manager, fields, 'Update'));
  edit(live);
  return live;
}
