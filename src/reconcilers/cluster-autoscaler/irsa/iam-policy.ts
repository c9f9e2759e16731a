/**
 * Just enough of IAM policy evaluation to check an IRSA trust policy: statements normalised from untrusted JSON, and
 * condition operators judged against a request context. Values are compared for the string operators trust policies
 * use (StringEquals/Like and their Not/IgnoreCase/IfExists/ForAnyValue forms); a key the request lacks is judged for
 * every operator, by IAM's rule. Condition keys are case-insensitive in IAM; values are case-sensitive except for
 * *IgnoreCase.
 */
import { wildcardMatch } from '../../aws/wildcard.js';
import type { RequestContext } from './request-context.js';

/** One condition: operator, key and the values it allows. */
export interface PolicyCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** A statement reduced to what the IRSA check reads. */
export interface PolicyStatement {
  /** Position in the document's Statement list (0-based), to name a statement that has no Sid. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** Action patterns; with `notAction` true they list what the statement does NOT apply to. */
  readonly actions: readonly string[];
  readonly notAction: boolean;
  /** Principal.Federated values. */
  readonly federated: readonly string[];
  /** Principal.AWS values. `{"AWS": "*"}` is every AWS account and IAM principal, which a web identity is not. */
  readonly aws: readonly string[];
  /** Principal "*": every principal, web identities included. */
  readonly anyPrincipal: boolean;
  readonly conditions: readonly PolicyCondition[];
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The statements of a policy document; anything malformed is skipped rather than trusted. */
export function policyStatements(doc: unknown): PolicyStatement[] {
  if (!isObject(doc)) return [];
  const raw = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return raw.flatMap((s, index): PolicyStatement[] => {
    if (!isObject(s) || (s.Effect !== 'Allow' && s.Effect !== 'Deny')) return [];
    const principal = s.Principal;
    const conditions = isObject(s.Condition)
      ? Object.entries(s.Condition).flatMap(([operator, block]) =>
          isObject(block) ? Object.entries(block).map(([key, values]) => ({ operator, key, values: list(values) })) : [],
        )
      : [];
    return [
      {
        index,
        ...(typeof s.Sid === 'string' && s.Sid ? { sid: s.Sid } : {}),
        effect: s.Effect,
        actions: s.NotAction !== undefined ? list(s.NotAction) : list(s.Action),
        notAction: s.NotAction !== undefined,
        federated: isObject(principal) ? list(principal.Federated) : [],
        aws: isObject(principal) ? list(principal.AWS) : [],
        anyPrincipal: principal === '*',
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

/** How a statement is named in a message: its position, and its Sid when it has one. */
export const statementLabel = (s: PolicyStatement): string => `statement ${s.index + 1}${s.sid ? ` (Sid "${s.sid}")` : ''}`;

// Every IAM condition operator but Null, with its set qualifier and …IfExists split off.
const COMPARISONS = [
  'String(?:Not)?(?:Equals(?:IgnoreCase)?|Like)',
  'Numeric(?:(?:Not)?Equals|(?:Less|Greater)Than(?:Equals)?)',
  'Date(?:(?:Not)?Equals|(?:Less|Greater)Than(?:Equals)?)',
  'Bool',
  'BinaryEquals',
  '(?:Not)?IpAddress',
  'Arn(?:Not)?(?:Equals|Like)',
];
const OPERATOR = new RegExp(`^(?:(ForAnyValue|ForAllValues):)?(${COMPARISONS.join('|')})(IfExists)?$`);

/**
 * Judges one condition against the request context. Returns undefined when it cannot tell: the key's value is known
 * only to the live request, the key is present but the operator compares other than strings, or the operator is Null.
 */
export function conditionHolds(c: PolicyCondition, context: RequestContext): boolean | undefined {
  const m = OPERATOR.exec(c.operator);
  if (!m) return undefined;
  const [, set, base = '', ifExists] = m;
  const entry = context(c.key);
  if (entry.kind === 'unknown') return undefined;
  if (entry.kind === 'absent') {
    // IAM: on a key the request lacks, …IfExists and ForAllValues (an empty set) hold and ForAnyValue does not;
    // otherwise the values do not match, so a negated operator (StringNotEquals, NotIpAddress, …) holds.
    if (ifExists || set === 'ForAllValues') return true;
    return set !== 'ForAnyValue' && base.includes('Not');
  }
  const s = /^String(Not)?(Equals|Like)(IgnoreCase)?$/.exec(base);
  if (!s) return undefined;
  const [, negated, kind, ignoreCase] = s;
  const actual = entry.value;
  const matches = c.values.some((v) =>
    kind === 'Like' ? wildcardMatch(v, actual) : ignoreCase ? v.toLowerCase() === actual.toLowerCase() : v === actual,
  );
  return negated ? !matches : matches;
}

/** A statement judged against a request context. */
export interface Judgement {
  readonly statement: PolicyStatement;
  /** Conditions that are false for this request: the statement does not apply. */
  readonly failed: readonly PolicyCondition[];
  /** Conditions only the live request decides: the statement may apply. */
  readonly unknown: readonly PolicyCondition[];
}

/** Judges every condition of `statement`; IAM applies a statement only when all of them hold. */
export function judgeStatement(statement: PolicyStatement, context: RequestContext): Judgement {
  const verdicts = statement.conditions.map((c) => ({ c, holds: conditionHolds(c, context) }));
  return {
    statement,
    failed: verdicts.filter((v) => v.holds === false).map((v) => v.c),
    unknown: verdicts.filter((v) => v.holds === undefined).map((v) => v.c),
  };
}
