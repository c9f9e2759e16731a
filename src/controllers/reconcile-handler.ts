import { systemClock, type Clock } from './clock.js';
import { keyLogger, type Logger } from './logging.js';
import { isTerminalError, type Reconciler } from './reconciler.js';
import type { KeyHandler, WorkQueue } from './workqueue.js';

/** How one reconcile ended, as counted by `metricsstack_reconcile_total{result}`. */
export type ReconcileOutcome = 'success' | 'requeue' | 'error' | 'terminal';

/** Receives one observation per reconcile; implemented by the metrics module. */
export interface ReconcileObserver {
  observe(outcome: ReconcileOutcome, durationSeconds: number): void;
}

/** What {@link reconcileHandler} needs. */
export interface ReconcileHandlerOptions {
  readonly queue: Pick<WorkQueue, 'forget' | 'addAfter' | 'addRateLimited'>;
  readonly reconciler: Reconciler;
  /** Should already carry the `controller` binding; each key gets a child with `key`. */
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly observer?: ReconcileObserver;
}

/**
 * Turns a {@link Reconciler} into a queue handler with controller-runtime's result semantics:
 * success → forget the key's failures and, if asked, look again after `requeueAfterMs`;
 * {@link TerminalError} → forget and do not retry (retrying cannot fix it); any other error → retry with backoff.
 * The returned handler never rejects.
 */
export function reconcileHandler(options: ReconcileHandlerOptions): KeyHandler {
  const { queue, reconciler, logger, observer } = options;
  const clock = options.clock ?? systemClock;
  return async (key) => {
    const log = keyLogger(logger, key);
    const started = clock.now();
    const seconds = (): number => (clock.now() - started) / 1000;
    try {
      const { requeueAfterMs } = await reconciler.reconcile(key);
      queue.forget(key);
      if (requeueAfterMs !== undefined && requeueAfterMs > 0) {
        queue.addAfter(key, requeueAfterMs);
        observer?.observe('requeue', seconds());
      } else {
        observer?.observe('success', seconds());
      }
      log.debug({ requeueAfterMs }, 'reconciled');
    } catch (err) {
      if (isTerminalError(err)) {
        queue.forget(key);
        observer?.observe('terminal', seconds());
        log.error({ err }, 'reconcile failed terminally; not retrying');
        return;
      }
      queue.addRateLimited(key);
      observer?.observe('error', seconds());
      log.warn({ err }, 'reconcile failed; retrying with backoff');
    }
  };
}
