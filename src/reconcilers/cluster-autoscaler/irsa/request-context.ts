/**
 * The request context STS judges a trust policy against when a pod trades its EKS service-account token for role
 * credentials (AssumeRoleWithWebIdentity). Each condition key is one of three things: present with a value we know
 * (the token's `sub` and `aud`), absent, or present with a value only the live request has (`aws:SourceIp`,
 * `sts:RoleSessionName`, `aws:CurrentTime`, …). IAM's operators need to tell the first two apart, because a key the
 * request lacks makes StringEquals/StringLike false and …IfExists true.
 */

/** What the request context holds for one condition key. */
export type ContextEntry =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unknown' };

/** A request context: looks a condition key up, case-insensitively as IAM does. */
export type RequestContext = (key: string) => ContextEntry;

/** The claims of the token that STS turns into `<issuer>:sub` and `<issuer>:aud`. */
export interface TokenClaims {
  readonly sub: string;
  readonly aud: string;
}

// An EKS service-account token has no https://aws.amazon.com/tags or source_identity claim, so STS sets no session
// tags and no source identity; and the request is a web-identity one, so no SAML key exists.
const ABSENT = [/^aws:requesttag\//, /^aws:tagkeys$/, /^sts:transitivetagkeys$/, /^sts:sourceidentity$/, /^saml:/];

/**
 * Whether `key` is an identity provider's claim key, `<provider>:<claim>`: its prefix is a host (it has a dot), unlike
 * the `aws:`, `sts:` and other service prefixes. Returns the claim, lower-cased.
 */
export function providerClaim(key: string): string | undefined {
  const colon = key.lastIndexOf(':');
  const prefix = key.slice(0, colon);
  return colon > 0 && prefix.includes('.') && !prefix.includes(':') ? key.slice(colon + 1).toLowerCase() : undefined;
}

/**
 * The context of AssumeRoleWithWebIdentity with a token issued by `issuerHost`. STS puts only the `sub` and `aud` of
 * the provider that issued the token into it (the `amr` key is Amazon Cognito's; EKS tokens carry no amr, azp or
 * email), so every other provider key is absent: another claim of this issuer, or any key of another provider.
 */
export function webIdentityContext(issuerHost: string, claims: TokenClaims): RequestContext {
  const known = new Map([
    [`${issuerHost}:sub`.toLowerCase(), claims.sub],
    [`${issuerHost}:aud`.toLowerCase(), claims.aud],
  ]);
  return (key) => {
    const lower = key.toLowerCase();
    const value = known.get(lower);
    if (value !== undefined) return { kind: 'value', value };
    if (providerClaim(lower) !== undefined || ABSENT.some((re) => re.test(lower))) return { kind: 'absent' };
    return { kind: 'unknown' };
  };
}
