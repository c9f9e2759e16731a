/**
 * An AWS failure as a condition: AccessDenied names the IAM action to grant, NotFound names what is missing,
 * throttling and 5xx say the operator backs off and retries. One place, so every AWS-backed condition reads alike.
 */
import type { ConditionReason, ConditionType } from '../../api/v1alpha1/conditions.js';
import { accessDeniedMessage } from '../../cloud/aws/access-denied.js';
import { classifyAwsError } from '../../cloud/aws/errors.js';
import type { ConditionInput } from '../../kube/conditions.js';
import { AwsTargetError } from './session.js';

/** The condition for a failed AWS step, and whether to retry with backoff (throttling, 5xx, network). */
export interface AwsFailure {
  readonly condition: ConditionInput;
  readonly retryable: boolean;
}

/**
 * `type` is the condition, `doing` says what the operator was doing ("reading the Fargate profiles of demo").
 * `operatorRoleArn` ($AWS_ROLE_ARN under IRSA) lets an AccessDenied name the role to add the action to.
 */
export function awsFailure(type: ConditionType, doing: string, err: unknown, operatorRoleArn?: string): AwsFailure {
  if (err instanceof AwsTargetError) return { condition: { type, status: 'False', reason: 'ClusterUnknown', message: err.message }, retryable: false };
  const info = classifyAwsError(err);
  const at = (status: 'False' | 'Unknown', reason: ConditionReason, message: string, retryable = false): AwsFailure => ({
    condition: { type, status, reason, message },
    retryable,
  });
  switch (info.kind) {
    case 'AccessDenied':
      return at('False', 'AccessDenied', `While ${doing}: ${accessDeniedMessage(info, operatorRoleArn)}`);
    case 'NotFound':
      return at('False', 'NotFound', `While ${doing}: ${info.message}. Check spec.cluster (name, region) and that the resource exists.`);
    case 'Throttled':
      return at('Unknown', 'Throttled', `AWS throttled ${info.action ?? 'the operator'} while ${doing}, past the SDK's own retries; ` +
        `the operator backs off and tries again, and this clears by itself once the API's rate allows. AWS said: ${info.message}`, true);
    case 'Transient':
      return at('Unknown', 'AWSUnavailable', `AWS did not answer while ${doing}; the operator retries with backoff. Error: ${info.message}`, true);
    default:
      return at('False', 'AWSError', `AWS refused the request while ${doing}: ${info.message}`);
  }
}
