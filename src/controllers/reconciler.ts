/** What one reconcile returns: nothing, or when to look again (for polling work such as AWS state). */
export interface ReconcileResult {
  readonly requeueAfterMs?: number;
}

/**
 * Reconciles one key. Level-triggered: the key names an object, never an event, and every call re-reads state.
 * A thrown error is retried with exponential backoff; a thrown {@link TerminalError} is recorded and not retried.
 */
export interface Reconciler {
  reconcile(key: string): Promise<ReconcileResult>;
}

/** An error that retrying cannot fix (bad input, a refused adoption): record it, do not back off and retry. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
}

export const isTerminalError = (err: unknown): err is TerminalError => err instanceof TerminalError;
