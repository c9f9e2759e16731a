/**
 * Why no statement of a trust policy lets the service account in, told the way a person fixes it: the provider ARN
 * expected and found, the sub or aud expected and found, or the condition key the request does not have.
 */
import { type Judgement, type PolicyCondition, type PolicyStatement, statementLabel } from './iam-policy.js';
import { providerClaim } from './request-context.js';

/** Why a trust policy does not let the service account assume the role. */
export type TrustPolicyMismatch =
  | 'NoWebIdentityStatement'
  | 'ProviderMismatch'
  | 'SubjectMismatch'
  | 'AudienceMismatch'
  | 'ConditionKeyMissing'
  | 'ExplicitDeny';

/** Conditions as a message names them: `StringEquals on "<key>" and …`. */
export const describeConditions = (cs: readonly PolicyCondition[]): string => cs.map((c) => `${c.operator} on "${c.key}"`).join(' and ');

/** No Allow names this cluster's OIDC provider: the ARN expected, and what the statements name instead. */
export function providerMismatch(allows: readonly PolicyStatement[], providerArn: string): string {
  const federated = allows.flatMap((s) => s.federated).map((f) => `"${f}"`);
  const awsStar = 'Principal.AWS "*", which covers AWS accounts and IAM principals but not web identities';
  const found = [...federated, ...(allows.some((s) => s.aws.includes('*')) ? [awsStar] : [])];
  return (
    `Principal.Federated "${providerArn}" expected, found ${found.length ? found.join(', ') : 'no Principal.Federated'}: ` +
    (federated.length ? `the role trusts another cluster's or account's OIDC provider. ` : '') +
    `Point Principal.Federated at this cluster's provider.`
  );
}

/** Why no Allow applies: the statement closest to applying names the mismatch (aud only, keys only, else sub). */
export function notAllowed(
  judged: readonly Judgement[],
  host: string,
  sub: string,
  aud: string,
): { readonly reason: TrustPolicyMismatch; readonly message: string } {
  const claimOf = (c: PolicyCondition): 'sub' | 'aud' | undefined => {
    const claim = providerClaim(c.key);
    return claim === 'sub' || claim === 'aud' ? claim : undefined;
  };
  const audOnly = judged.find((j) => j.failed.every((c) => claimOf(c) === 'aud'));
  const keysOnly = judged.find((j) => j.failed.every((c) => claimOf(c) === undefined));
  if (!audOnly && keysOnly) {
    const n = keysOnly.failed.length;
    return {
      reason: 'ConditionKeyMissing',
      message:
        `The trust policy's ${statementLabel(keysOnly.statement)} needs ${describeConditions(keysOnly.failed)}, ${n === 1 ? 'a key' : 'keys'} the ` +
        `request does not have: an EKS service-account token gives STS only "${host}:sub" and "${host}:aud" (no session tags, no source ` +
        `identity), and IAM evaluates a condition on a missing key as false (…IfExists as true), so the statement never applies. ` +
        `Remove ${n === 1 ? 'that condition' : 'those conditions'}.`,
    };
  }
  const claim = audOnly || !judged.some((j) => j.failed.some((c) => claimOf(c) === 'sub')) ? 'aud' : 'sub';
  const found = judged.flatMap((j) => j.failed.filter((c) => claimOf(c) === claim).map((c) => describeFound(c, host)));
  const expected = claim === 'aud' ? aud : sub;
  return {
    reason: claim === 'aud' ? 'AudienceMismatch' : 'SubjectMismatch',
    message:
      `${claim} "${expected}" expected, found ${[...new Set(found)].join('; ')}. Change the "${host}:${claim}" condition of the role's trust ` +
      `policy to "${expected}"` +
      (claim === 'sub' ? `, or run the pod as the service account the role trusts.` : '.'),
  };
}

function describeFound(c: PolicyCondition, host: string): string {
  const claim = c.key.slice(c.key.lastIndexOf(':') + 1);
  if (c.key.toLowerCase() !== `${host}:${claim}`.toLowerCase()) {
    return `a condition on "${c.key}", the claim of another OIDC issuer (this cluster's is "${host}")`;
  }
  const values = c.values.map((v) => `"${v}"`).join(' or ') || 'no value';
  return c.operator === 'StringEquals' ? values : `${values} (${c.operator})`;
}
