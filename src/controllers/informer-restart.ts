import { statusCodeOf } from '../kube/errors.js';

/** The longest an informer waits between restarts while the apiserver cannot be reached or is not ready. */
export const UNREACHABLE_RESTART_CAP_MS = 5_000;
/** The longest it waits between restarts after the apiserver refused the list or watch (401, 403, 404, ...). */
export const REFUSED_RESTART_CAP_MS = 30_000;

/**
 * The cap on an informer's restart backoff after `err`. No HTTP status (connection refused or reset, a replaced
 * connection), 429 or 5xx: the apiserver is down or starting, a retry costs one connection attempt, and retrying
 * at least every {@link UNREACHABLE_RESTART_CAP_MS} finds a restarted apiserver within seconds of its return. Any
 * other status is a refusal (credentials, RBAC, a CRD not installed) that retrying will not fix soon.
 */
export function restartCapMs(err: unknown): number {
  const status = statusCodeOf(err);
  return status === undefined || status === 429 || status >= 500 ? UNREACHABLE_RESTART_CAP_MS : REFUSED_RESTART_CAP_MS;
}
