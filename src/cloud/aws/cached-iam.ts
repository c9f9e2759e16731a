/** {@link IAMPort} with a TTL cache in front. The operator never writes IAM, so only TTLs expire these entries. */
import type { TtlCache } from './cache.js';
import { isAwsNotFound } from './errors.js';
import type { IAMPort, IamRole, OidcProvider } from './ports.js';
import { AWS_TTL_MS } from './ttl.js';

const notFoundTtl = { errorTtlMs: (err: unknown) => (isAwsNotFound(err) ? AWS_TTL_MS.notFound : undefined) };

/** Caching decorator of an {@link IAMPort}. */
export class CachedIAM implements IAMPort {
  constructor(
    private readonly inner: IAMPort,
    private readonly cache: TtlCache,
  ) {}

  getRole(name: string): Promise<IamRole> {
    return this.cache.getOrLoad(`iam:role:${name}`, () => this.inner.getRole(name), AWS_TTL_MS.role, notFoundTtl);
  }

  listOpenIDConnectProviders(): Promise<string[]> {
    return this.cache.getOrLoad('iam:oidc-providers', () => this.inner.listOpenIDConnectProviders(), AWS_TTL_MS.oidcProviders);
  }

  getOpenIDConnectProvider(arn: string): Promise<OidcProvider> {
    return this.cache.getOrLoad(`iam:oidc-provider:${arn}`, () => this.inner.getOpenIDConnectProvider(arn), AWS_TTL_MS.oidcProviders, notFoundTtl);
  }
}
