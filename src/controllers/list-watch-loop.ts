/**
 * The list-then-watch loop and its cache, as client-node's ListWatch (2.0.1) runs it, with the same contract and
 * behaviour (so ControllerInformer drives it unchanged): list, then watch from the list's resourceVersion; a watch
 * that ends is re-opened from the last resourceVersion seen (at once after a client-side timeout, else after a
 * backoff of 1 s doubling to 30 s, reset by every event); 410 Gone (as the watch's status or an ERROR event) relists;
 * any other error is handed to the `error` callbacks and the loop stops until start() (ControllerInformer restarts
 * it with its own backoff). Ours because importing client-node's cache pulls in its ObjectSerializer and every
 * generated model class with it, about 10 MB of the operator's resident memory for a call that only ever passed our
 * label selector through unchanged.
 */
import type { Informer, KubernetesListObject, KubernetesObject, ObjectCache, Watch } from '@kubernetes/client-node';

/** The part of client-node's Watch contract the loop (and list-watch.ts's configuredWatch) use; StreamWatch is one. */
export type WatchLike = Pick<Watch, 'watch'>;

type Verb = 'add' | 'update' | 'delete' | 'error' | 'connect';
type Callback<T> = (obj: T) => void;
type ErrorCallback = (err: unknown) => void;

export const BASE_RECONNECT_DELAY_MS = 1_000;
export const MAX_RECONNECT_DELAY_MS = 30_000;

const nameOf = (o: KubernetesObject): string => o.metadata?.name ?? '';
const namespaceOf = (o: KubernetesObject): string => o.metadata?.namespace ?? '';

export class ListWatchLoop<T extends KubernetesObject> implements Informer<T>, ObjectCache<T> {
  /** By namespace ('' for cluster-scoped), then name. */
  #objects = new Map<string, Map<string, T>>();
  /**
   * {@link list}'s answer for every namespace, kept until the cache changes: each pass lists the nodes (5,000 at
   * scale) and the HPAs, and copying them out of the maps every time was garbage for nothing. Frozen: it is shared.
   */
  #all: readonly T[] | undefined;
  readonly #callbacks: Record<Verb, ((arg: never) => void)[]> = { add: [], update: [], delete: [], error: [], connect: [] };
  #resourceVersion = '';
  #request: AbortController | undefined;
  #stopped = false;
  #reconnectDelayMs = 0;
  #hasConnected = false;

  constructor(
    private readonly path: string,
    private readonly watch: WatchLike,
    private readonly listFn: () => Promise<KubernetesListObject<T>>,
    private readonly labelSelector?: string,
    private readonly fieldSelector?: string,
    private readonly delayFn: (ms: number) => Promise<unknown> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly unchanged?: (cached: T, next: T) => boolean,
  ) {}

  on(verb: 'add' | 'update' | 'delete' | 'change', cb: Callback<T>): void;
  on(verb: 'error' | 'connect', cb: ErrorCallback): void;
  on(verb: 'change' | Verb, cb: Callback<T> | ErrorCallback): void {
    if (verb === 'change') for (const v of ['add', 'update', 'delete'] as const) this.on(v, cb as Callback<T>);
    else if (!this.#callbacks[verb]) throw new Error(`Unknown verb: ${verb}`);
    else this.#callbacks[verb].push(cb as (arg: never) => void);
  }

  off(verb: 'add' | 'update' | 'delete' | 'change', cb: Callback<T>): void;
  off(verb: 'error' | 'connect', cb: ErrorCallback): void;
  off(verb: 'change' | Verb, cb: Callback<T> | ErrorCallback): void {
    if (verb === 'change') for (const v of ['add', 'update', 'delete'] as const) this.off(v, cb as Callback<T>);
    else {
      const list = this.#callbacks[verb];
      const i = list.indexOf(cb as (arg: never) => void);
      if (i >= 0) list.splice(i, 1);
    }
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#objects.get(namespace ?? '')?.get(name);
  }

  /** The cached objects (of one namespace, or all). The same array comes back while the cache is unchanged. */
  list(namespace?: string): T[] {
    if (namespace) return [...(this.#objects.get(namespace)?.values() ?? [])];
    this.#all ??= Object.freeze([...this.#objects.values()].flatMap((byName) => [...byName.values()]));
    return this.#all as T[];
  }

  latestResourceVersion(): string {
    return this.#resourceVersion;
  }

  async start(): Promise<void> {
    this.#stopped = false;
    this.#reconnectDelayMs = 0;
    this.#hasConnected = false;
    await this.#done(null);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort();
  }

  #abort(): void {
    this.#request?.abort();
    this.#request = undefined;
  }

  #emit(verb: Verb, arg: unknown): void {
    for (const cb of this.#callbacks[verb].slice()) (cb as (a: unknown) => void)(arg);
  }

  /** Where the watch's end (or the first start) leads: relist, re-watch, or stop with the error reported. */
  async #done(err: unknown): Promise<void> {
    this.#abort();
    const e = err as { statusCode?: unknown; code?: unknown; name?: unknown } | null;
    if (e && (e.statusCode === 410 || e.code === 410)) this.#resourceVersion = '';
    else if (e && e.name === 'TimeoutError') this.#reconnectDelayMs = 0; // the timeout throttled it already
    else if (e) return this.#emit('error', err);
    if (this.#stopped) return;
    this.#emit('connect', undefined);
    if (!this.#resourceVersion) {
      let list: KubernetesListObject<T>;
      try {
        list = await this.listFn();
      } catch (listErr) {
        return this.#emit('error', listErr);
      }
      this.#replace(list.items ?? []);
      this.#resourceVersion = list.metadata?.resourceVersion ?? '';
    }
    const query: Record<string, string> = { resourceVersion: this.#resourceVersion };
    if (this.labelSelector !== undefined) query.labelSelector = this.labelSelector;
    if (this.fieldSelector !== undefined) query.fieldSelector = this.fieldSelector;
    if (this.#reconnectDelayMs > 0 && this.#hasConnected) await this.delayFn(this.#reconnectDelayMs);
    if (this.#stopped) return; // stopped during the sleep (client-node's ListWatch opened one more watch here)
    if (this.#hasConnected) {
      this.#reconnectDelayMs = Math.min(this.#reconnectDelayMs > 0 ? this.#reconnectDelayMs * 2 : BASE_RECONNECT_DELAY_MS, MAX_RECONNECT_DELAY_MS);
    }
    this.#hasConnected = true;
    this.#request = await this.watch.watch(this.path, query, (phase, obj) => this.#event(phase, obj as T), (doneErr) => void this.#done(doneErr));
  }

  #event(phase: string, obj: T): void {
    switch (phase) {
      case 'ERROR':
        if ((obj as { code?: unknown }).code === 410) this.#resourceVersion = '';
        return; // the watch ends after an ERROR event; its end decides what comes next
      case 'ADDED':
      case 'MODIFIED':
        this.#addOrUpdate(obj);
        break;
      case 'DELETED':
        this.#delete(obj);
        break;
    }
    this.#reconnectDelayMs = 0;
    this.#resourceVersion = obj.metadata?.resourceVersion ?? '';
  }

  /** After a (re)list: objects gone from it are deleted (callbacks), the rest added or updated. */
  #replace(items: readonly T[]): void {
    const listed = new Set(items.map((o) => `${namespaceOf(o)}/${nameOf(o)}`));
    for (const [namespace, byName] of this.#objects) {
      for (const [name, old] of byName) {
        if (listed.has(`${namespace}/${name}`)) continue;
        byName.delete(name);
        this.#all = undefined;
        this.#emit('delete', old);
      }
      if (byName.size === 0) this.#objects.delete(namespace);
    }
    for (const o of items) this.#addOrUpdate(o);
  }

  #addOrUpdate(obj: T): void {
    let byName = this.#objects.get(namespaceOf(obj));
    if (!byName) this.#objects.set(namespaceOf(obj), (byName = new Map()));
    const found = byName.get(nameOf(obj));
    const rv = found?.metadata?.resourceVersion;
    if (found && rv != null && rv === obj.metadata?.resourceVersion) return; // the same version: nothing happened
    // Unchanged in what the cache keeps (a node's heartbeat, seen through a trimming transform): the cached object stays,
    // same identity, and no update is emitted. The watch still resumes from the event's resourceVersion (#event).
    if (found && this.unchanged?.(found, obj)) return;
    byName.set(nameOf(obj), obj);
    this.#all = undefined;
    this.#emit(found ? 'update' : 'add', obj);
  }

  #delete(obj: T): void {
    const byName = this.#objects.get(namespaceOf(obj));
    if (!byName?.delete(nameOf(obj))) return;
    this.#all = undefined;
    if (byName.size === 0) this.#objects.delete(namespaceOf(obj));
    this.#emit('delete', obj);
  }
}
