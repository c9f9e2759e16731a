/**
 * IRSA trust-policy check: would STS let the pod's service account assume the role? STS requires an Allow statement
 * for sts:AssumeRoleWithWebIdentity whose Principal.Federated is the cluster's IAM OIDC provider and whose conditions
 * hold for the token's claims: `<issuer>:sub` = system:serviceaccount:<ns>:<name>, `<issuer>:aud` = sts.amazonaws.com.
 * A mismatched `sub` is the most common IRSA mistake, so messages quote the expected and the found values.
 */
import { conditionHolds, type PolicyCondition, type PolicyStatement, policyStatements, statementCoversAction } from './iam-policy.js';

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

/** Why a trust policy does not let the service account assume the role. */
export type TrustPolicyMismatch = 'NoWebIdentityStatement' | 'ProviderMismatch' | 'SubjectMismatch' | 'AudienceMismatch' | 'ExplicitDeny';

/** The verdict; `warnings` flag policies that work but are looser (or less checkable) than they should be. */
export type TrustPolicyCheck =
  | { readonly ok: true; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly reason: TrustPolicyMismatch; readonly message: string };

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

interface Evaluation {
  readonly statement: PolicyStatement;
  readonly failed: { readonly claim: 'sub' | 'aud'; readonly condition: PolicyCondition }[];
  readonly unknown: PolicyCondition[];
  readonly constrainsSub: boolean;
}

/** Checks `policyDoc` (parsed JSON, untrusted) against the service account that should assume the role. */
export function checkTrustPolicy(policyDoc: unknown, target: IrsaTarget): TrustPolicyCheck {
  const host = issuerHost(target.oidcIssuer);
  const sub = `system:serviceaccount:${target.namespace}:${target.serviceAccount}`;
  const aud = target.audience ?? 'sts.amazonaws.com';
  const providerArn = expectedProviderArn(target.oidcIssuer, target.accountId);
  const context = new Map([[`${host}:sub`.toLowerCase(), sub], [`${host}:aud`.toLowerCase(), aud]]);
  const fail = (reason: TrustPolicyMismatch, message: string): TrustPolicyCheck => ({ ok: false, reason, message });

  const relevant = policyStatements(policyDoc).filter((s) => statementCoversAction(s, ACTION));
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
  if (candidates.length === 0) {
    const found = allows.flatMap((s) => s.federated);
    return fail(
      'ProviderMismatch',
      `Principal.Federated "${providerArn}" expected, found ${found.length ? found.map((f) => `"${f}"`).join(', ') : 'no Principal.Federated'}: ` +
        `the role trusts another cluster's or account's OIDC provider. Point Principal.Federated at this cluster's provider.`,
    );
  }

  const evaluated = candidates.map((s) => evaluate(s, context));
  const allowing = evaluated.find((e) => e.failed.length === 0);
  if (!allowing) {
    const audOnly = evaluated.find((e) => e.failed.every((f) => f.claim === 'aud'));
    const claim = audOnly ? 'aud' : 'sub';
    const found = evaluated.flatMap((e) => e.failed.filter((f) => f.claim === claim).map((f) => describeFound(f.condition, host)));
    const expected = claim === 'aud' ? aud : sub;
    return fail(
      audOnly ? 'AudienceMismatch' : 'SubjectMismatch',
      `${claim} "${expected}" expected, found ${[...new Set(found)].join('; ')}. Change the "${host}:${claim}" condition of the role's trust policy to "${expected}"` +
        (claim === 'sub' ? `, or run the pod as the service account the role trusts.` : '.'),
    );
  }

  const denying = relevant.filter((s) => s.effect === 'Deny' && ours(s)).map((s) => evaluate(s, context));
  const deny = denying.find((e) => e.failed.length === 0 && e.unknown.length === 0);
  if (deny) {
    const sid = deny.statement.sid ? ` (Sid "${deny.statement.sid}")` : '';
    return fail('ExplicitDeny', `A Deny statement${sid} in the trust policy denies ${ACTION} to "${sub}"; an explicit Deny overrides every Allow.`);
  }

  const warnings: string[] = [];
  if (!allowing.constrainsSub) {
    warnings.push(`The trust policy has no "${host}:sub" condition, so every service account in the cluster can assume this role.`);
  }
  for (const c of [...allowing.unknown, ...denying.filter((e) => e.failed.length === 0).flatMap((e) => e.unknown)]) {
    warnings.push(`Condition ${c.operator} on "${c.key}" was not evaluated; check it by hand.`);
  }
  return { ok: true, warnings };
}

function evaluate(statement: PolicyStatement, context: ReadonlyMap<string, string>): Evaluation {
  const failed: Evaluation['failed'][number][] = [];
  const unknown: PolicyCondition[] = [];
  let constrainsSub = false;
  for (const condition of statement.conditions) {
    // Claim keys look like <issuer host>/…:sub; keys such as aws:SourceIp are not about the token.
    const claim = /^[^:]+\/[^:]+:(sub|aud)$/i.exec(condition.key)?.[1]?.toLowerCase() as 'sub' | 'aud' | undefined;
    const holds = claim ? conditionHolds(condition, context) : undefined;
    if (claim === 'sub') constrainsSub = true;
    if (holds === undefined) unknown.push(condition);
    else if (!holds && claim) failed.push({ claim, condition });
  }
  return { statement, failed, unknown, constrainsSub };
}

function describeFound(c: PolicyCondition, host: string): string {
  const claim = c.key.slice(c.key.lastIndexOf(':') + 1);
  if (c.key.toLowerCase() !== `${host}:${claim}`.toLowerCase()) {
    return `a condition on "${c.key}", the claim of another OIDC issuer (this cluster's is "${host}")`;
  }
  const values = c.values.map((v) => `"${v}"`).join(' or ') || 'no value';
  return c.operator === 'StringEquals' ? values : `${values} (${c.operator})`;
}

function sameProvider(federated: string, host: string, accountId: string): boolean {
  const m = /^arn:[\w-]+:iam::(\d{12}):oidc-provider\/(.+)$/.exec(federated);
  return m?.[1] === accountId && m[2] === host;
}
