import { byOrdinal } from '../../ordinal.js';

/**
 * Counts AWS operations as the SDK sends them, so benchmarks and tests can assert that a steady-state resync makes
 * zero AWS calls. Counted in the SDK's `initialize` step: once per operation, before retries (a throttled call
 * retried three times counts once; what we want to know is whether the cache answered).
 */

/** Operation counts by name (`eks:DescribeCluster`, the same spelling as the IAM action). */
export class AwsCallCounter {
  readonly #counts = new Map<string, number>();

  /** `onRecord` sees every call too (the operator's metricsstack_aws_calls_total). */
  constructor(private readonly onRecord?: (operation: string) => void) {}

  record(operation: string): void {
    this.#counts.set(operation, (this.#counts.get(operation) ?? 0) + 1);
    this.onRecord?.(operation);
  }

  /** Calls of one operation, or of all operations when none is named. */
  count(operation?: string): number {
    if (operation !== undefined) return this.#counts.get(operation) ?? 0;
    let total = 0;
    for (const n of this.#counts.values()) total += n;
    return total;
  }

  /** Every operation seen so far with its count, sorted by name (stable for snapshots and logs). */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => byOrdinal(a, b)));
  }

  reset(): void {
    this.#counts.clear();
  }
}

// The slice of the SDK middleware stack we use. Each client's stack is generic over its own input/output unions, so
// a structural view keeps this helper service-agnostic without importing SDK types here.
type Handler = (args: unknown) => Promise<unknown>;
type Middleware = (next: Handler, context: { commandName?: string }) => Handler;
interface StackLike {
  add(middleware: Middleware, options: { step: 'initialize'; name: string; override?: boolean }): void;
}

/**
 * Adds a counting middleware to an SDK client. `service` is the IAM service prefix (eks, autoscaling, iam), so the
 * counted name matches the action a user would grant.
 */
export function countCalls(client: { middlewareStack: unknown }, service: string, counter: AwsCallCounter): void {
  (client.middlewareStack as StackLike).add(
    (next, context) => (args) => {
      counter.record(`${service}:${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`);
      return next(args);
    },
    { step: 'initialize', name: 'metricsstackCallCounter', override: true },
  );
}
