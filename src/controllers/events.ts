import { hostname } from 'node:os';
import type { CoreV1Event, KubernetesObject } from '@kubernetes/client-node';
import type { ObjectClient } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import { systemClock, type Clock } from './clock.js';
import type { Logger } from './logging.js';

/** The two core/v1 calls the recorder makes; {@link eventClientOf} makes one from a KubeClient. */
export interface EventClient {
  createNamespacedEvent(param: { namespace: string; body: CoreV1Event }): Promise<CoreV1Event>;
  patchNamespacedEvent(param: { name: string; namespace: string; body: unknown }): Promise<CoreV1Event>;
}

const EVENT = { apiVersion: 'v1', kind: 'Event' } as const;

/** The body of `patchNamespacedEvent` is a JSON patch. */
export const eventClientOf = (c: Pick<ObjectClient, 'create' | 'patch'>): EventClient => ({
  createNamespacedEvent: ({ namespace, body }) => c.create({ ...body, ...EVENT, metadata: { ...body.metadata, namespace } }),
  patchNamespacedEvent: ({ name, namespace, body }) => c.patch({ ...EVENT, metadata: { name, namespace } }, body, 'json'),
});

/** core/v1 Event types. */
export type EventType = 'Normal' | 'Warning';

/** Options for {@link EventRecorder}. */
export interface EventRecorderOptions {
  readonly client: EventClient;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** `reportingInstance` and `source.host`; default the hostname (the pod name). */
  readonly instance?: string;
  /** Repeats within this long become one Event with a count. Default 10 minutes, as client-go's correlator. */
  readonly aggregateWindowMs?: number;
  /** Distinct events remembered for aggregation; the oldest are forgotten first so memory stays flat. */
  readonly maxTracked?: number;
}

const component = 'metricsstack-operator';

interface NewEvent {
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

interface Seen {
  readonly name: string;
  readonly namespace: string;
  count: number;
  lastSeenMs: number;
}

/**
 * Writes core/v1 Events about objects. Best effort: failures are logged, never thrown, because an Event that could
 * not be written must not fail the reconcile that wanted to report something.
 */
export class EventRecorder {
  readonly #o: EventRecorderOptions;
  readonly #clock: Clock;
  readonly #instance: string;
  readonly #windowMs: number;
  readonly #maxTracked: number;
  /** Insertion order is recency order: entries are re-inserted when seen again. */
  readonly #seen = new Map<string, Seen>();
  #sequence = 0;

  constructor(options: EventRecorderOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#instance = options.instance ?? hostname();
    this.#windowMs = options.aggregateWindowMs ?? 600_000;
    this.#maxTracked = options.maxTracked ?? 1024;
  }

  /** Records an Event about `object`; a cluster-scoped object's Events go to namespace `default`, as the apiserver requires. */
  async event(object: KubernetesObject, type: EventType, reason: string, message: string): Promise<void> {
    const meta = object.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const key = [meta.uid ?? `${object.kind}/${namespace}/${meta.name}`, type, reason, message].join('\u0000');
    const now = this.#clock.now();
    this.#forgetOlderThan(now - this.#windowMs);
    const seen = this.#seen.get(key);
    try {
      if (seen && (await this.#bump(seen, now))) {
        this.#seen.delete(key);
        this.#seen.set(key, seen);
        return;
      }
      await this.#create(key, object, namespace, { type, reason, message }, now);
    } catch (err) {
      this.#seen.delete(key);
      this.#o.logger.warn({ err, reason, object: `${namespace}/${meta.name}` }, 'writing an Event failed; continuing');
    }
  }

  /** Counts a repeat on the existing Event; false if that Event has expired from the apiserver meanwhile. */
  async #bump(seen: Seen, now: number): Promise<boolean> {
    try {
      const body = [
        { op: 'replace', path: '/count', value: seen.count + 1 },
        { op: 'replace', path: '/lastTimestamp', value: new Date(now).toISOString() },
      ];
      await this.#o.client.patchNamespacedEvent({ name: seen.name, namespace: seen.namespace, body });
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    seen.count += 1;
    seen.lastSeenMs = now;
    return true;
  }

  async #create(key: string, object: KubernetesObject, namespace: string, event: NewEvent, now: number): Promise<void> {
    const { type, reason, message } = event;
    const meta = object.metadata ?? {};
    // client-go names Events `<object>.<unix nanos in hex>`; the sequence keeps two in one millisecond apart.
    const nanos = BigInt(now) * 1_000_000n + BigInt(this.#sequence++ % 1_000_000);
    const name = `${meta.name ?? 'unknown'}.${nanos.toString(16)}`;
    this.#seen.delete(key);
    this.#seen.set(key, { name, namespace, count: 1, lastSeenMs: now });
    const at = new Date(now);
    await this.#o.client.createNamespacedEvent({
      namespace,
      body: {
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: object.apiVersion,
          kind: object.kind,
          name: meta.name,
          namespace: meta.namespace,
          uid: meta.uid,
          resourceVersion: meta.resourceVersion,
        },
        type,
        reason,
        message,
        count: 1,
        firstTimestamp: at,
        lastTimestamp: at,
        source: { component, host: this.#instance },
        reportingComponent: component,
        reportingInstance: this.#instance,
      },
    });
  }

  #forgetOlderThan(cutoffMs: number): void {
    for (const [key, seen] of this.#seen) {
      if (seen.lastSeenMs >= cutoffMs && this.#seen.size < this.#maxTracked) break;
      this.#seen.delete(key);
    }
  }
}
