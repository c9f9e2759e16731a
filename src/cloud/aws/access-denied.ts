/**
 * Turns an AccessDenied into a condition message a user can act on: which IAM action is missing and which role to
 * add it to. The role comes from AWS's message when it names one, else from the operator's own role ARN (AWS_ROLE_ARN
 * in an IRSA pod), else a pointer to the service account annotation.
 */
import type { AwsErrorInfo } from './errors.js';

/** The role (or user) behind a principal ARN, as a user would look it up in the IAM console. */
export function iamIdentityFromPrincipal(principal: string): { kind: 'role' | 'user'; name: string; arn: string } | undefined {
  // arn:<partition>:sts::<acct>:assumed-role/<role>/<session>: the session is ours, the role is what holds policies.
  const assumed = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(principal);
  if (assumed) {
    const [, partition, account, name] = assumed as unknown as [string, string, string, string];
    return { kind: 'role', name, arn: `arn:${partition}:iam::${account}:role/${name}` };
  }
  const iam = /^arn:[\w-]+:iam::\d{12}:(role|user)\/(?:[^/]+\/)*([^/]+)$/.exec(principal);
  if (iam) return { kind: iam[1] as 'role' | 'user', name: iam[2] as string, arn: principal };
  return undefined;
}

/**
 * A condition-ready message for an AccessDenied: names the denied IAM action and the role it must be added to.
 * `operatorRoleArn` is the operator's own IRSA role, used when AWS's message does not name the principal.
 */
export function accessDeniedMessage(info: Pick<AwsErrorInfo, 'action' | 'principal' | 'message'>, operatorRoleArn?: string): string {
  const action = info.action ?? 'the action in the error below';
  const identity = (info.principal && iamIdentityFromPrincipal(info.principal)) || (operatorRoleArn && iamIdentityFromPrincipal(operatorRoleArn));
  const target = identity
    ? `IAM ${identity.kind} ${identity.name} (${identity.arn})`
    : "the operator's IAM role (the eks.amazonaws.com/role-arn annotation on the operator's service account)";
  const grant = info.action ? `"${info.action}"` : 'it';
  return `AWS denied ${action}. Add ${grant} to a policy attached to ${target}. AWS said: ${info.message}`;
}
