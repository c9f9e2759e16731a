import { describe, expect, it } from 'vitest';
import { computeReady, setCondition, type ConditionInput } from '../../../src/kube/conditions.js';
import type { Condition } from '../../../src/api/v1alpha1/conditions.js';

const t0 = new Date('2026-11-22T10:00:00.000Z');
const t1 = new Date('2026-11-22T10:05:00.000Z');
const cond = (over: Partial<Condition> = {}): Condition => ({
  type: 'MetricsAPIAvailable', status: 'True', reason: 'MetricsAvailable', message: 'ok', observedGeneration: 1, lastTransitionTime: '2026-11-22T10:00:00Z', ...over,
});

describe('setCondition', () => {
  const cases: { name: string; before: Condition[]; input: ConditionInput; generation: number; expect: Partial<Condition> }[] = [
    {
      name: 'a new condition gets the current time as its transition time',
      before: [], input: { type: 'MetricsAPIAvailable', status: 'False', reason: 'FailedDiscoveryCheck', message: 'x' }, generation: 2,
      expect: { status: 'False', lastTransitionTime: '2026-11-22T10:05:00Z', observedGeneration: 2 },
    },
    {
      name: 'the same status with a new message keeps the old transition time',
      before: [cond()], input: { type: 'MetricsAPIAvailable', status: 'True', reason: 'MetricsAvailable', message: 'now 5 nodes' }, generation: 3,
      expect: { message: 'now 5 nodes', lastTransitionTime: '2026-11-22T10:00:00Z', observedGeneration: 3 },
    },
    {
      name: 'a status flip moves the transition time',
      before: [cond()], input: { type: 'MetricsAPIAvailable', status: 'False', reason: 'FailedDiscoveryCheck', message: 'x' }, generation: 1,
      expect: { status: 'False', reason: 'FailedDiscoveryCheck', lastTransitionTime: '2026-11-22T10:05:00Z' },
    },
    {
      name: 'a reason change without a status flip keeps the transition time',
      before: [cond({ status: 'False', reason: 'FailedDiscoveryCheck' })],
      input: { type: 'MetricsAPIAvailable', status: 'False', reason: 'MissingEndpoints', message: 'x' }, generation: 1,
      expect: { reason: 'MissingEndpoints', lastTransitionTime: '2026-11-22T10:00:00Z' },
    },
  ];
  it.each(cases)('$name', ({ before, input, generation, expect: want }) => {
    const after = setCondition(before, input, generation, t1);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject(want);
  });

  it('keeps the order of other conditions so an unchanged status compares equal', () => {
    const before = [cond({ type: 'A' }), cond(), cond({ type: 'C' })];
    const after = setCondition(before, { type: 'MetricsAPIAvailable', status: 'True', reason: 'MetricsAvailable', message: 'ok' }, 1, t0);
    expect(after.map((c) => c.type)).toEqual(['A', 'MetricsAPIAvailable', 'C']);
    expect(after).toEqual(before);
  });
});

describe('computeReady', () => {
  it('is True when every dependent is True', () => {
    expect(computeReady([cond({ type: 'A' }), cond({ type: 'B' })], ['A', 'B'])).toMatchObject({ status: 'True', reason: 'AllDependenciesReady' });
  });
  it('is False with the first failing reason and its message when one dependent is False', () => {
    const r = computeReady([cond({ type: 'A' }), cond({ type: 'B', status: 'False', reason: 'NoEC2Capacity', message: 'all nodes are Fargate' })], ['A', 'B']);
    expect(r).toEqual({ type: 'Ready', status: 'False', reason: 'NoEC2Capacity', message: 'B: all nodes are Fargate' });
  });
  it('prefers False over Unknown', () => {
    const r = computeReady([cond({ type: 'A', status: 'Unknown', reason: 'Pending' }), cond({ type: 'B', status: 'False', reason: 'X' })], ['A', 'B']);
    expect(r.status).toBe('False');
  });
  it('repeats a False reason as status holds it, even one an earlier version wrote and the catalogue no longer lists', () => {
    const r = computeReady([cond({ type: 'A', status: 'False', reason: 'RetiredReason', message: 'old' })], ['A']);
    expect(r).toEqual({ type: 'Ready', status: 'False', reason: 'RetiredReason', message: 'A: old' });
  });
  it('is Unknown when a dependent has not been observed yet', () => {
    expect(computeReady([cond({ type: 'A' })], ['A', 'B'])).toMatchObject({ status: 'Unknown', reason: 'DependencyNotReady' });
  });
});
