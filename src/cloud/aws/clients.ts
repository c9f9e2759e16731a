/**
 * Builds the AWS ports: SDK v3 clients → adapters → caching decorators, with a call counter on every client.
 * Called once, from the composition root.
 *
 * Credentials: none are passed by default, so the SDK's default chain applies — in a pod with IRSA that is the web
 * identity provider (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, injected by EKS), refreshed by the SDK itself.
 *
 * Endpoint (checked in @smithy/core 3.x as shipped with @aws-sdk 3.1169): an explicit `endpoint` wins. Without it,
 * on each client's first request the SDK reads AWS_ENDPOINT_URL_<SERVICE ID> (EKS, AUTO_SCALING, IAM), then
 * AWS_ENDPOINT_URL, then `endpoint_url` in the shared config file — unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true.
 * So tests against moto either pass `endpoint` or export AWS_ENDPOINT_URL before the first call.
 *
 * Retries are the SDK's own, set here for every client (see {@link awsRetryConfig}); nothing above retries a call.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { AutoScalingAdapter } from './autoscaling.js';
import { TtlCache, type NowSource } from './cache.js';
import { CachedAutoScaling } from './cached-autoscaling.js';
import { CachedEKS } from './cached-eks.js';
import { CachedIAM } from './cached-iam.js';
import { AwsCallCounter, countCalls } from './call-counter.js';
import { EksAdapter } from './eks.js';
import { IamAdapter } from './iam.js';
import type { AwsPorts } from './ports.js';

/** Options of {@link createAwsClients}. */
export interface AwsClientOptions {
  /** Region of the cluster (IAM is global but is reached through the same partition). */
  readonly region: string;
  /** Overrides every service's endpoint (moto in tests, a VPC endpoint in production). */
  readonly endpoint?: string;
  /** Static credentials (tests only); absent → the SDK's default chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** SDK attempts per call, retries included; absent → $AWS_MAX_ATTEMPTS, else {@link DEFAULT_MAX_ATTEMPTS}. Tests set 1. */
  readonly maxAttempts?: number;
  /** Clock of the TTL cache; the system clock unless a test injects one. */
  readonly clock?: NowSource;
  /** Shared counter, e.g. one per benchmark run; a fresh one otherwise. */
  readonly calls?: AwsCallCounter;
}

/** The cached ports plus what tests and benchmarks need to look behind them. */
export interface AwsClients extends AwsPorts {
  /** Operations sent to AWS, counted at the SDK middleware: zero growth means the cache answered. */
  readonly calls: AwsCallCounter;
  /** The same ports without the cache, for callers that must see AWS right now. */
  readonly uncached: AwsPorts;
  /** The cache behind the ports, to invalidate by hand (e.g. when the spec names a different role). */
  readonly cache: TtlCache;
  /** Closes the SDK clients' sockets. */
  destroy(): void;
}

/**
 * Attempts per call when nothing says otherwise. The SDK's 3 gives up on ~6 % of calls when AWS throttles 40 % of
 * them; 5 brings that under 1 %, and the adaptive limiter keeps the extra attempts from adding to the storm.
 */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * The SDK's retry settings. `adaptive`: standard mode's capped exponential backoff with jitter and retry-token
 * bucket, plus a client-side rate limiter that slows every call of a client once AWS throttles one — what AWS
 * recommends for a controller that polls. $AWS_RETRY_MODE and $AWS_MAX_ATTEMPTS still win, as the SDK's own do.
 */
export function awsRetryConfig(env: Readonly<Record<string, string | undefined>>, maxAttempts?: number): { retryMode: string; maxAttempts: number } {
  const fromEnv = Number.parseInt(env.AWS_MAX_ATTEMPTS ?? '', 10);
  const mode = env.AWS_RETRY_MODE;
  return {
    retryMode: mode === 'standard' || mode === 'adaptive' || mode === 'legacy' ? mode : 'adaptive',
    maxAttempts: maxAttempts ?? (fromEnv >= 1 ? fromEnv : DEFAULT_MAX_ATTEMPTS),
  };
}

/** Builds the three cached AWS ports over SDK v3 clients, with call counting; see the file comment for endpoints. */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const config = {
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...awsRetryConfig(process.env, options.maxAttempts),
  };
  const calls = options.calls ?? new AwsCallCounter();
  const clock = options.clock ?? { now: () => Date.now() };
  const eksClient = new EKSClient(config);
  const asgClient = new AutoScalingClient(config);
  const iamClient = new IAMClient(config);
  countCalls(eksClient, 'eks', calls);
  countCalls(asgClient, 'autoscaling', calls);
  countCalls(iamClient, 'iam', calls);

  const uncached: AwsPorts = {
    eks: new EksAdapter(eksClient),
    autoScaling: new AutoScalingAdapter(asgClient),
    iam: new IamAdapter(iamClient),
  };
  const cache = new TtlCache(clock);
  return {
    eks: new CachedEKS(uncached.eks, cache, clock),
    autoScaling: new CachedAutoScaling(uncached.autoScaling, cache),
    iam: new CachedIAM(uncached.iam, cache),
    calls,
    uncached,
    cache,
    destroy: () => {
      for (const client of [eksClient, asgClient, iamClient]) client.destroy();
    },
  };
}
