import { describe, expect, it } from 'vitest';
import { ApiException, type CoreV1Event } from '@kubernetes/client-node';
import { EventRecorder, type EventClient } from '../../../src/controllers/events.js';
import { createLogger } from '../../../src/controllers/logging.js';
import { FakeClock } from '../../support/fake-clock.js';

const logger = createLogger({ level: 'silent' });
const stack = { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', metadata: { name: 'default', uid: 'u-1', resourceVersion: '7' } };
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'metrics-server', namespace: 'kube-system', uid: 'u-2' } };

/** Records the exact calls; `failNext` makes the next call throw. */
function setup() {
  const calls: Array<{ op: string; namespace: string; name?: string; body: unknown }> = [];
  const failNext: unknown[] = [];
  const client: EventClient = {
    createNamespacedEvent: async ({ namespace, body }) => {
      calls.push({ op: 'create', namespace, body });
      if (failNext.length) throw failNext.shift();
      return body;
    },
    patchNamespacedEvent: async ({ name, namespace, body }) => {
      calls.push({ op: 'patch', namespace, name, body });
      if (failNext.length) throw failNext.shift();
      return {} as CoreV1Event;
    },
  };
  const clock = new FakeClock();
  const recorder = new EventRecorder({ client, logger, clock, instance: 'operator-0' });
  return { calls, failNext, clock, recorder };
}

describe('EventRecorder', () => {
  it('puts an Event about a cluster-scoped object in namespace default, naming the reporter', async () => {
    const { calls, recorder, clock } = setup();
    await recorder.event(stack, 'Warning', 'AggregationLayerMissing', 'configmap extension-apiserver-authentication not found');
    expect(calls).toHaveLength(1);
    const body = calls[0]!.body as CoreV1Event;
    expect(calls[0]!.namespace).toBe('default');
    expect(body).toMatchObject({
      metadata: { namespace: 'default' },
      involvedObject: { apiVersion: 'metricsstack.io/v1alpha1', kind: 'MetricsStack', name: 'default', uid: 'u-1', resourceVersion: '7' },
      type: 'Warning',
      reason: 'AggregationLayerMissing',
      count: 1,
      reportingComponent: 'metricsstack-operator',
      reportingInstance: 'operator-0',
      source: { component: 'metricsstack-operator' },
    });
    expect(body.involvedObject.namespace).toBeUndefined();
    expect(body.metadata.name).toMatch(/^default\.[0-9a-f]+$/);
    expect(body.firstTimestamp?.getTime()).toBe(clock.now());
  });

  it('puts an Event about a namespaced object in its namespace', async () => {
    const { calls, recorder } = setup();
    await recorder.event(deployment, 'Normal', 'Applied', 'applied');
    expect(calls[0]).toMatchObject({ op: 'create', namespace: 'kube-system' });
  });

  it('counts a repeat within ten minutes on the existing Event instead of creating one', async () => {
    const { calls, recorder, clock } = setup();
    await recorder.event(stack, 'Warning', 'Reason', 'same');
    const name = (calls[0]!.body as CoreV1Event).metadata.name;
    await clock.advance(9 * 60_000);
    await recorder.event(stack, 'Warning', 'Reason', 'same');
    expect(calls[1]).toEqual({
      op: 'patch',
      namespace: 'default',
      name,
      body: [
        { op: 'replace', path: '/count', value: 2 },
        { op: 'replace', path: '/lastTimestamp', value: new Date(clock.now()).toISOString() },
      ],
    });
  });

  it.each([
    { name: 'a different message', reason: 'Reason', message: 'other', after: 0 },
    { name: 'a different reason', reason: 'Other', message: 'same', after: 0 },
    { name: 'the same event after the ten-minute window', reason: 'Reason', message: 'same', after: 10 * 60_000 + 1 },
  ])('creates a new Event for $name', async ({ reason, message, after }) => {
    const { calls, recorder, clock } = setup();
    await recorder.event(stack, 'Warning', 'Reason', 'same');
    await clock.advance(after);
    await recorder.event(stack, 'Warning', reason, message);
    expect(calls.map((c) => c.op)).toEqual(['create', 'create']);
  });

  it('creates a new Event when the one it would count has expired from the apiserver', async () => {
    const { calls, failNext, recorder } = setup();
    await recorder.event(stack, 'Normal', 'Reason', 'same');
    failNext.push(new ApiException(404, 'not found', {}, {}));
    await recorder.event(stack, 'Normal', 'Reason', 'same');
    expect(calls.map((c) => c.op)).toEqual(['create', 'patch', 'create']);
  });

  it('never throws when the apiserver refuses the Event, and starts afresh next time', async () => {
    const { calls, failNext, recorder } = setup();
    failNext.push(new ApiException(403, 'forbidden', {}, {}));
    await expect(recorder.event(stack, 'Normal', 'Reason', 'msg')).resolves.toBeUndefined();
    await recorder.event(stack, 'Normal', 'Reason', 'msg');
    expect(calls.map((c) => c.op)).toEqual(['create', 'create']);
  });
});
