import { describe, expect, it } from 'vitest';
import type { InventoryRef } from '../../../../src/kube/cleanup.js';
import { decideInventory, type ConcernStatement } from '../../../../src/reconcilers/stack/inventory.js';

const ref = (kind: string, name: string, concern?: string, namespace = 'kube-system'): InventoryRef =>
  ({ apiVersion: kind === 'ClusterRoleBinding' ? 'rbac.authorization.k8s.io/v1' : 'apps/v1', kind, name,
    ...(kind === 'ClusterRoleBinding' ? {} : { namespace }), ...(concern ? { concern } : {}) });
const known = (concern: string, ...objects: InventoryRef[]): ConcernStatement =>
  ({ concern, wanted: { known: true, objects }, recorded: objects });
const unknown = (concern: string, ...recorded: InventoryRef[]): ConcernStatement =>
  ({ concern, wanted: { known: false, why: 'ListClusters found 2 EKS clusters' }, recorded });
const names = (refs: readonly InventoryRef[]) => refs.map((r) => `${r.kind}/${r.name}${r.concern ? `@${r.concern}` : ''}`).sort();

const ms = ref('Deployment', 'metrics-server', 'metrics-server');
const pdb = { ...ref('Deployment', 'metrics-server-pdb', 'metrics-server'), apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' };
const ca = ref('Deployment', 'cluster-autoscaler', 'cluster-autoscaler');
const caBinding = ref('ClusterRoleBinding', 'cluster-autoscaler', 'cluster-autoscaler');

describe('decideInventory (pruning needs a positive statement)', () => {
  it.each<[string, InventoryRef[], ConcernStatement[], boolean, string[], string[]]>([
    ['GIVEN a concern that no longer names an object, THEN that object is pruned',
      [ms, pdb], [known('metrics-server', ms)], false,
      ['Deployment/metrics-server@metrics-server'], ['PodDisruptionBudget/metrics-server-pdb@metrics-server']],
    ['GIVEN Cluster Autoscaler cannot tell which EKS cluster this is, THEN its Deployment and binding stay',
      [ms, ca, caBinding], [known('metrics-server', ms), unknown('cluster-autoscaler')], false,
      ['ClusterRoleBinding/cluster-autoscaler@cluster-autoscaler', 'Deployment/cluster-autoscaler@cluster-autoscaler',
        'Deployment/metrics-server@metrics-server'], []],
    ['GIVEN an unknown concern that created something new this pass, THEN the new object is recorded beside the old',
      [ca], [unknown('cluster-autoscaler', caBinding)], false,
      ['ClusterRoleBinding/cluster-autoscaler@cluster-autoscaler', 'Deployment/cluster-autoscaler@cluster-autoscaler'], []],
    ['GIVEN the spec turned Cluster Autoscaler off (an empty positive statement), THEN its objects are pruned',
      [ms, ca, caBinding], [known('metrics-server', ms), known('cluster-autoscaler')], false,
      ['Deployment/metrics-server@metrics-server'],
      ['ClusterRoleBinding/cluster-autoscaler@cluster-autoscaler', 'Deployment/cluster-autoscaler@cluster-autoscaler']],
    ['GIVEN pruning is held (a handover, a failed pass), THEN nothing is pruned and the inventory is the union',
      [ms, pdb], [known('metrics-server', ms), known('prometheus-adapter', ref('Deployment', 'prometheus-adapter', 'prometheus-adapter'))], true,
      ['Deployment/metrics-server@metrics-server', 'Deployment/prometheus-adapter@prometheus-adapter',
        'PodDisruptionBudget/metrics-server-pdb@metrics-server'], []],
    ['GIVEN an entry of a concern that did not speak this pass, THEN it is kept',
      [ms, ca], [known('metrics-server', ms)], false,
      ['Deployment/cluster-autoscaler@cluster-autoscaler', 'Deployment/metrics-server@metrics-server'], []],
    ['GIVEN an object moving from one concern to another, THEN it is not pruned and belongs to the new one',
      [ref('Deployment', 'shared', 'metrics-server')], [known('metrics-server'), known('prometheus-adapter', ref('Deployment', 'shared'))], false,
      ['Deployment/shared@prometheus-adapter'], []],
    ['GIVEN a legacy entry without a concern and a pass where every concern spoke, THEN an unnamed one is pruned',
      [ref('Deployment', 'old'), ref('Deployment', 'metrics-server')], [known('metrics-server', ms)], false,
      ['Deployment/metrics-server@metrics-server'], ['Deployment/old']],
    ['GIVEN a legacy entry without a concern and one concern unknown, THEN it is kept',
      [ref('Deployment', 'cluster-autoscaler')], [known('metrics-server', ms), unknown('cluster-autoscaler')], false,
      ['Deployment/cluster-autoscaler', 'Deployment/metrics-server@metrics-server'], []],
  ])('%s', (_name, previous, statements, held, inventory, prune) => {
    const d = decideInventory(previous, statements, held);
    expect(names(d.inventory)).toEqual(inventory);
    expect(names(d.prune)).toEqual(prune);
  });
});
