/** The AWS boundary: ports (plain types), the factory that builds them, error classification and TTLs. */
export * from './ports.js';
export { createAwsClients, type AwsClientOptions, type AwsClients } from './clients.js';
export { AwsCallCounter } from './call-counter.js';
export {
  AwsAccessDeniedError,
  AwsError,
  AwsNotFoundError,
  classifyAwsError,
  ignoreAwsNotFound,
  isAwsAccessDenied,
  isAwsNotFound,
  isAwsRetryable,
  type AwsErrorInfo,
  type AwsErrorKind,
} from './errors.js';
export { accessDeniedMessage, iamIdentityFromPrincipal } from './access-denied.js';
export { AWS_TTL_MS } from './ttl.js';
export { TtlCache, type NowSource } from './cache.js';
