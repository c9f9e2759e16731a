/**
 * IRSA trust-policy check: would STS let the pod's service account assume the role? STS requires an Allow statement
 * for sts:AssumeRoleWithWebIdentity whose Principal.Federated is the cluster's IAM OIDC provider and whose conditions
 * hold for the token's claims: `<issuer>:sub` = system:serviceaccount:<ns>:<name>, `<issuer>:aud` = sts.amazonaws.com.
 * A mismatched `sub` is the most common IRSA mistake, so messages quote the expected and the found values.
 * Conditions follow IAM's rules for the request context (request-context.ts): one that needs a key the token does not
 * give STS is false, so its statement never applies; a Deny that only the live request decides makes the verdict
 * "cannot verify" (`Unverifiable`), never "ok".
 */
import { judgeStatement, type PolicyStatement, policyStatements, statementCoversAction, statementLabel } from './iam-policy.js';
import { webIdentityContext } from './request-context.js';
import { describeConditions, notAllowed, providerMismatch, type TrustPolicyMismatch } from './trust-policy-mismatch.js';

export type { TrustPolicyMismatch };

const ACTION = 'sts:AssumeRoleWithWebIdentity';

/** Who should be able to assume the role. */
export interface IrsaTarget {
  /** The cluster's issuer from DescribeCluster: https://oidc.eks.<region>.amazonaws.com/id/<ID>. */
  readonly oidcIssuer: string;
  /** Account that holds the IAM OIDC provider (the role's account). */
  readonly accountId: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Token audience; the EKS pod identity webhook uses sts.amazonaws.com. */
  readonly audience?: string;
}


/** A mismatch, or `Unverifiable`: a Deny may apply, depending on values only the live request has (source IP, …). */
export type TrustPolicyCheckFailure = TrustPolicyMismatch | 'Unverifiable';

/** The verdict; `warnings` flag policies that work but are looser (or less checkable) than they should be. */
export type TrustPolicyCheck =
  | { readonly ok: true; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly reason: TrustPolicyCheckFailure; readonly message: string };

/** The issuer as IAM and condition keys spell it: no scheme, no trailing slash. */
export const issuerHost = (issuer: string): string => issuer.replace(/^https:\/\//, '').replace(/\/+$/, '');

/** The IAM OIDC provider ARN IRSA needs for this issuer and account. */
export function expectedProviderArn(issuer: string, accountId: string): string {
  const host = issuerHost(issuer);
  const domain = host.split('/')[0] ?? '';
  const partition = domain.endsWith('.amazonaws.com.cn') ? 'aws-cn' : domain.includes('.us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:iam::${accountId}:oidc-provider/${host}`;
}

/** The role's name (the part after the last `/`, since roles may have paths), or undefined for a non-role ARN. */
export function roleNameFromArn(arn: string): string | undefined {
  return /^arn:[\w-]+:iam::\d{12}:role\/(?:[^/]+\/)*([\w+=,.@-]+)$/.exec(arn)?.[1];
}

/** The 12-digit account of any ARN that has one. */
export function accountIdFromArn(arn: string): string | undefined {
  return /^arn:[\w-]+:[\w-]*:[\w-]*:(\d{12}):/.exec(arn)?.[1];
}

/** Checks `policyDoc` (parsed JSON, untrusted) against the service account that should assume the role. */
export function checkTrustPolicy(policyDoc: unknown, target: IrsaTarget): TrustPolicyCheck {
  const host = issuerHost(target.oidcIssuer);
  const sub = `system:serviceaccount:${target.namespace}:${target.serviceAccount}`;
  const aud = target.audience ?? 'sts.amazonaws.com';
  const providerArn = expectedProviderArn(target.oidcIssuer, target.accountId);
  const context = webIdentityContext(host, { sub, aud });
  const fail = (reason: TrustPolicyCheckFailure, message: string): TrustPolicyCheck => ({ ok: false, reason, message });

  const relevant = policyStatements(policyDoc).filter((s) => statementCoversAction(s, ACTION));
  // The caller is a web identity of the provider: Principal "*" names it, {"AWS": "*"} (accounts and IAM principals) does not.
  const ours = (s: PolicyStatement): boolean => s.anyPrincipal || s.federated.some((f) => sameProvider(f, host, target.accountId));
  const allows = relevant.filter((s) => s.effect === 'Allow');
  if (allows.length === 0) {
    return fail(
      'NoWebIdentityStatement',
      `The trust policy has no Allow statement for ${ACTION}: add one with Principal.Federated "${providerArn}" and conditions ` +
        `"${host}:sub": "${sub}", "${host}:aud": "${aud}".`,
    );
  }
  const candidates = allows.filter(ours);
  if (candidates.length === 0) return fail('ProviderMismatch', providerMismatch(allows, providerArn));

  const judged = candidates.map((s) => judgeStatement(s, context));
  const allowing = judged.find((j) => j.failed.length === 0 && j.unknown.length === 0) ?? judged.find((j) => j.failed.length === 0);
  if (!allowing) return { ok: false, ...notAllowed(judged, host, sub, aud) };

  // A Deny applies unless one of its conditions is false; one that only the live request decides may apply.
  const denies = relevant.filter((s) => s.effect === 'Deny' && ours(s)).map((s) => judgeStatement(s, context)).filter((j) => j.failed.length === 0);
  const deny = denies.find((j) => j.unknown.length === 0);
  if (deny) {
    const label = statementLabel(deny.statement);
    return fail('ExplicitDeny', `Deny ${label} of the trust policy denies ${ACTION} to "${sub}"; an explicit Deny overrides every Allow.`);
  }
  const maybe = denies[0];
  if (maybe) {
    return fail(
      'Unverifiable',
      `Deny ${statementLabel(maybe.statement)} of the trust policy applies when ${describeConditions(maybe.unknown)} ` +
        `${maybe.unknown.length === 1 ? 'holds' : 'hold'}, which only the live STS request decides; if it applies, it overrides every Allow and ` +
        `the pod gets AccessDenied. Check the condition by hand, or remove it.`,
    );
  }

  const warnings: string[] = [];
  if (!allowing.statement.conditions.some((c) => c.key.toLowerCase() === `${host}:sub`.toLowerCase())) {
    warnings.push(`The trust policy has no "${host}:sub" condition, so every service account in the cluster can assume this role.`);
  }
  for (const c of allowing.unknown) {
    warnings.push(
      `Condition ${c.operator} on "${c.key}" in ${statementLabel(allowing.statement)} was not evaluated: only the live STS request ` +
        `decides it; check it by hand.`,
    );
  }
  return { ok: true, warnings };
}

function sameProvider(federated: string, host: string, accountId: string): boolean {
  const m = /^arn:[\w-]+:iam::(\d{12}):oidc-provider\/(.+)$/.exec(federated);
  return m?.[1] === accountId && m[2] === host;
}
