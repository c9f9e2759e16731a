/**
 * AWS errors, classified once: every adapter turns SDK errors into an {@link AwsError} with a kind, so callers branch
 * on `isAwsNotFound`/`isAwsAccessDenied`/`isAwsRetryable` and never look at SDK error classes or codes.
 */
import {
  ACCESS_DENIED_CODES,
  INVALID_CODES,
  NETWORK_ERROR_CODES,
  NOT_FOUND_CODES,
  THROTTLED_CODES,
  TRANSIENT_CODES,
} from './error-codes.js';

/** What kind of failure an AWS call met, which decides retry versus a terminal condition. */
export type AwsErrorKind = 'AccessDenied' | 'NotFound' | 'Throttled' | 'Transient' | 'Invalid' | 'Unknown';

/** The classification of one AWS error. */
export interface AwsErrorInfo {
  readonly kind: AwsErrorKind;
  /** The IAM action that was denied (e.g. eks:DescribeCluster), from AWS's message or the call we made. */
  readonly action?: string;
  /** The denied principal's ARN when AWS names it (arn:aws:sts::<acct>:assumed-role/<role>/<session>). */
  readonly principal?: string;
  /** AWS's error code, e.g. ResourceNotFoundException. */
  readonly code?: string;
  /** Throttling and transient failures are retried with backoff; the rest need a change by someone. */
  readonly retryable: boolean;
  readonly message: string;
}

/** An AWS call failed; `kind` says how. Thrown by every adapter in place of SDK errors. */
export class AwsError extends Error {
  override readonly name: string = 'AwsError';
  readonly kind: AwsErrorKind;
  readonly action?: string;
  readonly principal?: string;
  readonly code?: string;
  readonly retryable: boolean;

  constructor(info: AwsErrorInfo, options?: { cause?: unknown }) {
    super(info.message, options);
    this.kind = info.kind;
    this.retryable = info.retryable;
    Object.assign(this, pick(info));
  }
}

/** The resource does not exist. */
export class AwsNotFoundError extends AwsError {
  override readonly name = 'AwsNotFoundError';
  constructor(message: string, options?: { action?: string; code?: string; cause?: unknown }) {
    super({ kind: 'NotFound', retryable: false, message, ...pick(options) }, options);
  }
}

/** AWS refused the call: the operator's role lacks `action`. */
export class AwsAccessDeniedError extends AwsError {
  override readonly name = 'AwsAccessDeniedError';
  constructor(message: string, options?: { action?: string; principal?: string; code?: string; cause?: unknown }) {
    super({ kind: 'AccessDenied', retryable: false, message, ...pick(options) }, options);
  }
}

/** The resource does not exist (typed or raw SDK error). */
export const isAwsNotFound = (err: unknown): boolean => classifyAwsError(err).kind === 'NotFound';
/** AWS refused the call for lack of permission or credentials (typed or raw SDK error). */
export const isAwsAccessDenied = (err: unknown): boolean => classifyAwsError(err).kind === 'AccessDenied';
/** Throttling and transient failures: back off and retry. */
export const isAwsRetryable = (err: unknown): boolean => classifyAwsError(err).retryable;

/** Runs an AWS read and turns NotFound into undefined: absence is an answer, not an error. */
export async function ignoreAwsNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isAwsNotFound(err)) return undefined;
    throw err;
  }
}

// "User: arn:… is not authorized to perform: eks:DescribeCluster on resource: …"; STS omits the colon after
// "perform"; newer messages add "because no identity-based policy allows the eks:DescribeCluster action".
const DENIED_ACTION = /not authorized to perform:?\s+([A-Za-z0-9-]+:[A-Za-z0-9*]+)|policy allows the ([A-Za-z0-9-]+:[A-Za-z0-9*]+) action/;
const DENIED_PRINCIPAL = /User: (arn:[^\s]+) is not authorized/;

/**
 * Classifies any error thrown around an AWS call: SDK service errors, SDK client errors (timeouts, unparsable
 * responses), Node socket errors, or an {@link AwsError} already classified. `action` is the IAM action of the call
 * that failed, used when AWS's message names none (and to say what to grant).
 */
export function classifyAwsError(err: unknown, action?: string): AwsErrorInfo {
  if (err instanceof AwsError) {
    return { kind: err.kind, retryable: err.retryable, message: err.message, ...pick(err) };
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const code = str(e.Code) ?? (str(e.name) !== 'Error' ? str(e.name) : undefined) ?? str(e.code);
  const message = str(e.message) ?? String(err);
  const meta = e.$metadata as { httpStatusCode?: unknown } | undefined;
  const status = typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
  const retryableHint = e.$retryable as { throttling?: boolean } | undefined;
  const denied = DENIED_ACTION.exec(message);
  const base = { ...(code ? { code } : {}), message };

  const kind = ((): AwsErrorKind => {
    if (denied || (code && ACCESS_DENIED_CODES.has(code))) return 'AccessDenied';
    if (code && NOT_FOUND_CODES.has(code)) return 'NotFound';
    if (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) return 'Transient';
    // Auto Scaling reports a missing group as ValidationError "AutoScalingGroup name not found".
    if (code === 'ValidationError' && /not found/i.test(message)) return 'NotFound';
    if ((code && THROTTLED_CODES.has(code)) || retryableHint?.throttling || status === 429) return 'Throttled';
    if (code && TRANSIENT_CODES.has(code)) return 'Transient';
    if (code && INVALID_CODES.has(code)) return 'Invalid';
    // Unknown codes, and bodies the SDK could not parse (moto answers EKS 403s in XML), go by HTTP status.
    if (status === 403 || status === 401) return 'AccessDenied';
    if (status === 404) return 'NotFound';
    if ((status !== undefined && status >= 500) || retryableHint || e.$fault === 'server') return 'Transient';
    if (status === 400) return 'Invalid';
    return 'Unknown';
  })();

  if (kind !== 'AccessDenied') return { kind, retryable: kind === 'Throttled' || kind === 'Transient', ...base };
  const deniedAction = denied?.[1] ?? denied?.[2] ?? action;
  const principal = DENIED_PRINCIPAL.exec(message)?.[1];
  return {
    kind,
    retryable: false,
    ...base,
    ...(deniedAction ? { action: deniedAction } : {}),
    ...(principal ? { principal } : {}),
  };
}

/** Wraps whatever an SDK call threw into the matching {@link AwsError} subclass, keeping the original as `cause`. */
export function toAwsError(err: unknown, action: string): AwsError {
  if (err instanceof AwsError) return err;
  const classified = classifyAwsError(err, action);
  const info = { ...classified, action: classified.action ?? action };
  if (info.kind === 'NotFound') return new AwsNotFoundError(info.message, { ...pick(info), cause: err });
  if (info.kind === 'AccessDenied') return new AwsAccessDeniedError(info.message, { ...pick(info), cause: err });
  return new AwsError(info, { cause: err });
}

type Details = { action?: string; principal?: string; code?: string };
// The optional details that are set, so spreading them never writes an explicit undefined.
const pick = (src?: Details): Details =>
  Object.fromEntries((['action', 'principal', 'code'] as const).flatMap((k) => (src?.[k] !== undefined ? [[k, src[k]]] : [])));

/** Runs one SDK call and rethrows any failure as a classified {@link AwsError} naming `action`. */
export async function awsCall<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toAwsError(err, action);
  }
}
