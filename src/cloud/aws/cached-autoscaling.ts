/**
 * {@link AutoScalingPort} with a per-group TTL cache: a describe of several groups fetches only the ones not cached,
 * in one call, and remembers absent names too (briefly). Tagging a group invalidates that group.
 */
import type { TtlCache } from './cache.js';
import type { AutoScalingGroup, AutoScalingPort } from './ports.js';
import { AWS_TTL_MS } from './ttl.js';

const key = (name: string): string => `autoscaling:group:${name}`;

/** Caching decorator of an {@link AutoScalingPort}, one entry per group. */
export class CachedAutoScaling implements AutoScalingPort {
  constructor(
    private readonly inner: AutoScalingPort,
    private readonly cache: TtlCache,
  ) {}

  async describeAutoScalingGroups(names: readonly string[]): Promise<AutoScalingGroup[]> {
    const unique = [...new Set(names)];
    const known = new Map(unique.map((n) => [n, this.cache.peek<AutoScalingGroup | null>(key(n))]));
    const missing = unique.filter((n) => known.get(n) === undefined);
    if (missing.length > 0) {
      // One call for the whole batch; each name then takes its own entry from it. The catch only marks the batch
      // handled when every name was already being loaded by a concurrent caller and nobody awaits it.
      const batch = this.inner.describeAutoScalingGroups(missing);
      batch.catch(() => undefined);
      const loaded = await Promise.all(
        missing.map((name) =>
          this.cache.getOrLoad<AutoScalingGroup | null>(
            key(name),
            async () => (await batch).find((g) => g.name === name) ?? null,
            (g) => (g ? AWS_TTL_MS.autoScalingGroups : AWS_TTL_MS.notFound),
          ),
        ),
      );
      missing.forEach((name, i) => known.set(name, loaded[i]));
    }
    return unique.flatMap((n) => {
      const g = known.get(n);
      return g ? [g] : [];
    });
  }

  async createOrUpdateTags(asgName: string, tags: Readonly<Record<string, string>>): Promise<void> {
    try {
      await this.inner.createOrUpdateTags(asgName, tags);
    } finally {
      this.cache.invalidate(key(asgName));
    }
  }
}
