/**
 * Just enough of IAM policy evaluation to check an IRSA trust policy: statements normalised from untrusted JSON, and
 * the string condition operators trust policies use (StringEquals/Like and their Not/IgnoreCase/IfExists/ForAnyValue
 * forms). Condition keys are case-insensitive in IAM; values are case-sensitive except for *IgnoreCase.
 */
import { wildcardMatch } from '../../aws/wildcard.js';

/** One condition: operator, key and the values it allows. */
export interface PolicyCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** A statement reduced to what the IRSA check reads. */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** Action patterns; with `notAction` true they list what the statement does NOT apply to. */
  readonly actions: readonly string[];
  readonly notAction: boolean;
  /** Principal.Federated values; `anyPrincipal` for Principal "*" or {AWS: "*"}. */
  readonly federated: readonly string[];
  readonly anyPrincipal: boolean;
  readonly conditions: readonly PolicyCondition[];
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The statements of a policy document; anything malformed is skipped rather than trusted. */
export function policyStatements(doc: unknown): PolicyStatement[] {
  if (!isObject(doc)) return [];
  const raw = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return raw.filter(isObject).flatMap((s): PolicyStatement[] => {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return [];
    const principal = s.Principal;
    const conditions = isObject(s.Condition)
      ? Object.entries(s.Condition).flatMap(([operator, block]) =>
          isObject(block) ? Object.entries(block).map(([key, values]) => ({ operator, key, values: list(values) })) : [],
        )
      : [];
    return [
      {
        ...(typeof s.Sid === 'string' && s.Sid ? { sid: s.Sid } : {}),
        effect: s.Effect,
        actions: s.NotAction !== undefined ? list(s.NotAction) : list(s.Action),
        notAction: s.NotAction !== undefined,
        federated: isObject(principal) ? list(principal.Federated) : [],
        anyPrincipal: principal === '*' || (isObject(principal) && list(principal.AWS).includes('*')),
        conditions,
      },
    ];
  });
}

/** Whether the statement covers `action` (IAM action names match case-insensitively, with wildcards). */
export function statementCoversAction(s: PolicyStatement, action: string): boolean {
  const hit = s.actions.some((pattern) => wildcardMatch(pattern.toLowerCase(), action.toLowerCase()));
  return s.notAction ? !hit : hit;
}

/**
 * Evaluates one condition against the request's context (keys lower-cased). Returns undefined for operators this
 * check does not model (Null, Arn*, Numeric*, …), which callers treat as "cannot tell".
 */
export function conditionHolds(c: PolicyCondition, context: ReadonlyMap<string, string>): boolean | undefined {
  const m = /^(?:For(?:Any|All)Values:)?(String(Not)?(Equals|Like)(IgnoreCase)?)(IfExists)?$/.exec(c.operator);
  if (!m || (m[3] === 'Like' && m[4])) return undefined;
  const [, , negated, kind, ignoreCase, ifExists] = m;
  const actual = context.get(c.key.toLowerCase());
  // IAM: a missing key fails a positive operator (unless …IfExists) and satisfies a negated one.
  if (actual === undefined) return Boolean(negated) || Boolean(ifExists);
  const matches = c.values.some((v) =>
    kind === 'Like' ? wildcardMatch(v, actual) : ignoreCase ? v.toLowerCase() === actual.toLowerCase() : v === actual,
  );
  return negated ? !matches : matches;
}
