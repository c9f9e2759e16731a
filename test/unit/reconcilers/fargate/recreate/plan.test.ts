import { describe, expect, it } from 'vitest';
import type { FargateProfile } from '../../../../../src/cloud/aws/ports.js';
import type { CoverageFacts } from '../../../../../src/reconcilers/fargate/recreate/coverage.js';
import {
  type NextAction,
  planProfileRecreation,
  type RecreatePhase,
  type RecreateSpec,
  type RecreateStatus,
  replacementNameFor,
} from '../../../../../src/reconcilers/fargate/recreate/plan.js';

const ROLE = 'arn:aws:iam::123456789012:role/eks-fargate-pod-execution';
const SUBNETS = ['subnet-1', 'subnet-2'];
const OLD = [{ namespace: 'kube-system' }];
const NEW = [{ namespace: 'kube-system', labels: { compute: 'fargate' } }];

const fp = (name: string, status: string, selectors: FargateProfile['selectors'] = OLD): FargateProfile => ({
  name,
  status,
  selectors,
  podExecutionRoleArn: ROLE,
  subnets: SUBNETS,
});
const spec = (dryRun = false): RecreateSpec => ({ dryRun, profiles: [{ name: 'fp-ks', replacementName: 'fp-ks-v2', selectors: NEW }] });
const twoSpec: RecreateSpec = {
  dryRun: false,
  profiles: [
    { name: 'fp-a', replacementName: 'fp-a2', selectors: NEW },
    { name: 'fp-b', replacementName: 'fp-b2', selectors: NEW },
  ],
};
const deletedByUs: RecreateStatus = { phase: 'InProgress', plan: [{ step: 3, profile: 'fp-ks', action: 'Delete', state: 'Done' }] };
/** No pod runs yet but metrics-server's, as rendered in kube-system. */
const NO_PODS: CoverageFacts = { metricsServer: { namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' } }, metricsServerPods: [], otherPods: [] };
const WIDE = [{ namespace: 'kube-system' }, { namespace: 'default' }];
const create = (profile: string, replaces: string): NextAction =>
  ({ type: 'Create', profile, replaces, podExecutionRoleArn: ROLE, subnets: SUBNETS, selectors: NEW });

// [name, profiles, spec, persisted status, phase, next action, step states]
const cases: [string, FargateProfile[], RecreateSpec, RecreateStatus, RecreatePhase, NextAction, string][] = [
  ['creates the replacement first, copying role and subnets, with the new selectors',
    [fp('fp-ks', 'ACTIVE')], spec(), {}, 'InProgress', create('fp-ks-v2', 'fp-ks'), 'InProgress Pending Pending'],
  ['only plans when dryRun is set', [fp('fp-ks', 'ACTIVE')], spec(true), {}, 'Planned', { type: 'None' }, 'Pending Pending Pending'],
  ['waits while the replacement is CREATING, and does not delete the original',
    [fp('fp-ks', 'ACTIVE'), fp('fp-ks-v2', 'CREATING', NEW)], spec(), {}, 'InProgress', { type: 'Wait', profile: 'fp-ks-v2', until: 'Active' },
    'Done InProgress Pending'],
  ['deletes the original once the replacement is ACTIVE',
    [fp('fp-ks', 'ACTIVE'), fp('fp-ks-v2', 'ACTIVE', NEW)], spec(), {}, 'InProgress', { type: 'Delete', profile: 'fp-ks' }, 'Done Done InProgress'],
  ['waits for the original to finish DELETING',
    [fp('fp-ks', 'DELETING'), fp('fp-ks-v2', 'ACTIVE', NEW)], spec(), {}, 'InProgress', { type: 'Wait', profile: 'fp-ks', until: 'Deleted' },
    'Done Done InProgress'],
  ['is Completed when the original is gone and the replacement ACTIVE',
    [fp('fp-ks-v2', 'ACTIVE', NEW)], spec(), {}, 'Completed', { type: 'None' }, 'Done Done Done'],
  ['stays Completed after a restart even if someone removed the replacement since', [], spec(), deletedByUs, 'Completed', { type: 'None' }, 'Done Done Done'],
  ['resumes after a restart between create and ACTIVE from AWS alone (no status)',
    [fp('fp-ks', 'ACTIVE'), fp('fp-ks-v2', 'CREATING', NEW)], spec(), {}, 'InProgress', { type: 'Wait', profile: 'fp-ks-v2', until: 'Active' },
    'Done InProgress Pending'],
  ['resumes after a restart right after the delete call (original DELETING)',
    [fp('fp-ks', 'DELETING'), fp('fp-ks-v2', 'ACTIVE', NEW)], spec(), { phase: 'InProgress' }, 'InProgress',
    { type: 'Wait', profile: 'fp-ks', until: 'Deleted' }, 'Done Done InProgress'],
  ['does not start a delete while another profile is DELETING',
    [fp('fp-ks', 'ACTIVE'), fp('fp-ks-v2', 'ACTIVE', NEW), fp('fp-other', 'DELETING')], spec(), {}, 'InProgress',
    { type: 'Wait', profile: 'fp-other', until: 'Settled' }, 'Done Done Pending'],
  ['does not create while another profile is DELETING (EKS forbids it)',
    [fp('fp-ks', 'ACTIVE'), fp('fp-other', 'DELETING')], spec(), {}, 'InProgress', { type: 'Wait', profile: 'fp-other', until: 'Settled' },
    'Pending Pending Pending'],
  ['does not create while another profile is CREATING',
    [fp('fp-ks', 'ACTIVE'), fp('fp-other', 'CREATING')], spec(), {}, 'InProgress', { type: 'Wait', profile: 'fp-other', until: 'Settled' },
    'Pending Pending Pending'],
  ['fails without touching anything when the original does not exist',
    [fp('fp-other', 'ACTIVE')], spec(), {}, 'Failed', { type: 'None' }, 'Failed Pending Pending'],
  ['fails when a profile with the replacement name exists with other selectors',
    [fp('fp-ks', 'ACTIVE'), fp('fp-ks-v2', 'ACTIVE', OLD)], spec(), {}, 'Failed', { type: 'None' }, 'Failed Pending Pending'],
  ['fails and keeps the original when the replacement is CREATE_FAILED',
    [fp('fp-ks', 'ACTIVE'), fp('fp-ks-v2', 'CREATE_FAILED', NEW)], spec(), {}, 'Failed', { type: 'None' }, 'Failed Pending Pending'],
  ['fails and keeps the original when someone deletes the replacement',
    [fp('fp-ks', 'ACTIVE'), fp('fp-ks-v2', 'DELETING', NEW)], spec(), {}, 'Failed', { type: 'None' }, 'Done Failed Pending'],
  ['fails when EKS could not delete the original',
    [fp('fp-ks', 'DELETE_FAILED'), fp('fp-ks-v2', 'ACTIVE', NEW)], spec(), {}, 'Failed', { type: 'None' }, 'Done Done Failed'],
  ['reports progress but acts on nothing when dryRun is set back mid-way',
    [fp('fp-ks', 'ACTIVE'), fp('fp-ks-v2', 'ACTIVE', NEW)], spec(true), {}, 'Planned', { type: 'None' }, 'Done Done Pending'],
  ['replaces profiles one at a time, in spec order',
    [fp('fp-a', 'ACTIVE'), fp('fp-b', 'ACTIVE')], twoSpec, {}, 'InProgress', create('fp-a2', 'fp-a'), 'InProgress Pending Pending Pending Pending Pending'],
  ['moves to the second profile once the first is done',
    [fp('fp-a2', 'ACTIVE', NEW), fp('fp-b', 'ACTIVE')], twoSpec, { plan: [{ step: 3, profile: 'fp-a', action: 'Delete', state: 'Done' }] }, 'InProgress',
    create('fp-b2', 'fp-b'), 'Done Done Done InProgress Pending Pending'],
  ['waits for the first original to be gone before creating the second replacement',
    [fp('fp-a', 'DELETING'), fp('fp-a2', 'ACTIVE', NEW), fp('fp-b', 'ACTIVE')], twoSpec, {}, 'InProgress', { type: 'Wait', profile: 'fp-a', until: 'Deleted' },
    'Done Done InProgress Pending Pending Pending'],
  ['waits, and never deletes, while the replacement reports a status it does not know',
    [fp('fp-ks', 'ACTIVE'), fp('fp-ks-v2', 'UNKNOWN', NEW)], spec(), {}, 'InProgress', { type: 'Wait', profile: 'fp-ks-v2', until: 'Active' },
    'Done InProgress Pending'],
  ['refuses, changing nothing, a replacement that drops a selector of the original',
    [fp('fp-ks', 'ACTIVE', WIDE)], spec(), {}, 'Failed', { type: 'None' }, 'Failed Pending Pending'],
  ['refuses to delete an original whose existing replacement drops one of its selectors',
    [fp('fp-ks', 'ACTIVE', WIDE), fp('fp-ks-v2', 'ACTIVE', NEW)], spec(), {}, 'Failed', { type: 'None' }, 'Done Done Failed'],
  ['matches replacement selectors regardless of order',
    [fp('fp-ks', 'ACTIVE'), fp('fp-ks-v2', 'ACTIVE', [{ namespace: 'b' }, { namespace: 'a' }])],
    { dryRun: false, profiles: [{ name: 'fp-ks', replacementName: 'fp-ks-v2', selectors: [{ namespace: 'a', labels: {} }, { namespace: 'b' }] }] }, {},
    'InProgress', { type: 'Delete', profile: 'fp-ks' }, 'Done Done InProgress'],
];

describe('planProfileRecreation', () => {
  it.each(cases)('%s', (_name, profiles, recreate, status, phase, nextAction, states) => {
    const decision = planProfileRecreation(profiles, recreate, status, NO_PODS);
    expect(decision.phase).toBe(phase);
    expect(decision.nextAction).toEqual(nextAction);
    expect(decision.plan.map((s) => s.state).join(' ')).toBe(states);
    expect(decision.message).not.toBe('');
  });

  it('lays the plan out as create → wait ACTIVE → delete per profile, numbered from 1', () => {
    const { plan } = planProfileRecreation([fp('fp-ks', 'ACTIVE')], spec(true), {}, NO_PODS);
    expect(plan).toEqual([
      { step: 1, profile: 'fp-ks-v2', action: 'Create', state: 'Pending' },
      { step: 2, profile: 'fp-ks-v2', action: 'WaitActive', state: 'Pending' },
      { step: 3, profile: 'fp-ks', action: 'Delete', state: 'Pending' },
    ]);
  });

  it('never emits a Delete while the replacement is not ACTIVE, whatever its status', () => {
    for (const status of ['CREATING', 'CREATE_FAILED', 'DELETING', 'DELETE_FAILED', 'UNKNOWN', 'PENDING']) {
      const { nextAction } = planProfileRecreation([fp('fp-ks', 'ACTIVE'), fp('fp-ks-v2', status, NEW)], spec(), {}, NO_PODS);
      expect(nextAction.type, status).not.toBe('Delete');
    }
  });

  it('names the replacement itself when the spec gives none, the same on every call', () => {
    const s: RecreateSpec = { dryRun: false, profiles: [{ name: 'fp-ks', selectors: NEW }] };
    const first = planProfileRecreation([fp('fp-ks', 'ACTIVE')], s, {}, NO_PODS);
    expect(first.nextAction).toMatchObject({ type: 'Create', profile: 'fp-ks-replacement' });
    expect(planProfileRecreation([fp('fp-ks', 'ACTIVE')], s, {}, NO_PODS).nextAction).toEqual(first.nextAction);
  });

  it('keeps generated replacement names within the 100 characters EKS allows', () => {
    expect(replacementNameFor('p'.repeat(100))).toHaveLength(100);
  });

  it('explains the dryRun plan and how to carry it out', () => {
    const { message } = planProfileRecreation([fp('fp-ks', 'ACTIVE')], spec(true), {}, NO_PODS);
    expect(message).toContain('create fp-ks-v2, wait until ACTIVE, delete fp-ks');
    expect(message).toContain('dryRun to false');
  });

  it('names the uncovered selector, and says why, when it refuses the plan', () => {
    const d = planProfileRecreation([fp('fp-ks', 'ACTIVE', WIDE)], spec(true), {}, NO_PODS);
    expect(d).toMatchObject({ phase: 'Failed', reason: 'ReplacementUncovered' });
    expect(d.message).toContain('the fp-ks selector (namespace default) is not covered by fp-ks-v2');
  });

  it('names the missing original in the failure message', () => {
    expect(planProfileRecreation([], spec(), {}, NO_PODS).message).toContain('Fargate profile fp-ks does not exist');
  });
});
