/**
 * A small TTL cache for AWS reads: values expire on an injectable clock, concurrent loads of one key share a single
 * call, and invalidation (after our own writes) also discards a load still in flight, so a read that raced a write
 * can never put the pre-write answer back.
 */

/** Just the part of a clock the cache needs; the operator's Clock satisfies it. */
export interface NowSource {
  now(): number;
}

/** How long a loaded value stays fresh; may depend on the value (a CREATING profile goes stale sooner). */
export type Ttl<T> = number | ((value: T) => number);

/** Per-call options of {@link TtlCache.getOrLoad}. */
export interface LoadOptions {
  /** Caches a rejection for this long when it returns a positive number (used for NotFound); else errors are not kept. */
  errorTtlMs?: (err: unknown) => number | undefined;
}

interface Entry {
  readonly expiresAt: number;
  readonly outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
}

/** Keyed TTL cache with shared in-flight loads and race-safe invalidation. */
export class TtlCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, { generation: number; promise: Promise<unknown> }>();
  // Bumped by every invalidation of a key: a load started under an older generation must not store its result.
  readonly #generations = new Map<string, number>();

  constructor(private readonly clock: NowSource) {}

  /** The cached value of `key` if fresh, else the result of one shared `load()`, cached for `ttl`. */
  getOrLoad<T>(key: string, load: () => Promise<T>, ttl: Ttl<T>, options: LoadOptions = {}): Promise<T> {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt > this.clock.now()) {
      return entry.outcome.ok ? Promise.resolve(entry.outcome.value as T) : Promise.reject(entry.outcome.error);
    }
    const generation = this.#generations.get(key) ?? 0;
    const pending = this.#inflight.get(key);
    if (pending && pending.generation === generation) return pending.promise as Promise<T>;

    const promise = load().then(
      (value) => {
        const ms = typeof ttl === 'function' ? ttl(value) : ttl;
        this.#settle(key, generation, { ok: true, value }, ms);
        return value;
      },
      (error: unknown) => {
        this.#settle(key, generation, { ok: false, error }, options.errorTtlMs?.(error) ?? 0);
        throw error;
      },
    );
    this.#inflight.set(key, { generation, promise });
    return promise;
  }

  /** The fresh cached value of `key` without loading, or undefined (also for a cached error). */
  peek<T>(key: string): T | undefined {
    const entry = this.#entries.get(key);
    return entry && entry.expiresAt > this.clock.now() && entry.outcome.ok ? (entry.outcome.value as T) : undefined;
  }

  /** Stores a value we already know (e.g. what a write returned), as if it had been loaded now. */
  set<T>(key: string, value: T, ttlMs: number): void {
    this.invalidate(key);
    this.#entries.set(key, { expiresAt: this.clock.now() + ttlMs, outcome: { ok: true, value } });
  }

  /** Forgets `key` and any load of it in flight. */
  invalidate(key: string): void {
    this.#entries.delete(key);
    this.#inflight.delete(key);
    this.#generations.set(key, (this.#generations.get(key) ?? 0) + 1);
  }

  /** Forgets every key that starts with `prefix`. */
  invalidatePrefix(prefix: string): void {
    for (const key of new Set([...this.#entries.keys(), ...this.#inflight.keys()])) {
      if (key.startsWith(prefix)) this.invalidate(key);
    }
  }

  /** Keys with a fresh value, for decisions that depend on what is cached (and for tests). */
  freshKeys(prefix = ''): string[] {
    const now = this.clock.now();
    return [...this.#entries].filter(([k, e]) => k.startsWith(prefix) && e.expiresAt > now).map(([k]) => k);
  }

  #settle(key: string, generation: number, outcome: Entry['outcome'], ttlMs: number): void {
    if ((this.#generations.get(key) ?? 0) !== generation) return;
    this.#inflight.delete(key);
    if (ttlMs > 0) this.#entries.set(key, { expiresAt: this.clock.now() + ttlMs, outcome });
    else this.#entries.delete(key);
  }
}
