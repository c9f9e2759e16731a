/** HTTP status of a Kubernetes API error (KubeApiError, or client-node's ApiException in tests), else undefined (network errors, bugs). */
export function statusCodeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown; statusCode?: unknown } | null)?.code ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

export const isNotFound = (err: unknown): boolean => statusCodeOf(err) === 404;
export const isConflict = (err: unknown): boolean => statusCodeOf(err) === 409;

/** Runs a read and turns 404 into undefined: absence is an answer, not an error. */
export async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The apiserver's own message from an error's Status body (it names the field and rule), else the error's message. */
export function apiMessage(err: unknown): string {
  if (statusCodeOf(err) !== undefined) {
    const body: unknown = (err as { body?: unknown }).body;
    const parsed = typeof body === 'string' ? safeJson(body) : body;
    const msg = (parsed as { message?: unknown } | undefined)?.message;
    if (typeof msg === 'string') return msg;
  }
  return err instanceof Error ? err.message : String(err);
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return { message: s };
  }
}
