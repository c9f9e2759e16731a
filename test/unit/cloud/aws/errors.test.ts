// Classification of AWS errors. The inputs are recorded shapes of what SDK v3 throws (name/Code, $fault, $metadata,
// $retryable) and of Node socket errors: real AWS failure modes that moto cannot produce (throttling, 5xx, EKS
// AccessDeniedException with its JSON body, expired tokens), so they are built here rather than provoked.
import { describe, expect, it } from 'vitest';
import { accessDeniedMessage, iamIdentityFromPrincipal } from '../../../../src/cloud/aws/access-denied.js';
import {
  AwsAccessDeniedError,
  AwsError,
  AwsNotFoundError,
  type AwsErrorKind,
  classifyAwsError,
  ignoreAwsNotFound,
  isAwsAccessDenied,
  isAwsNotFound,
  isAwsRetryable,
  toAwsError,
} from '../../../../src/cloud/aws/errors.js';

const sdkError = (name: string, message: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, $fault: status && status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, ...extra });

const EKS_DENIED = sdkError(
  'AccessDeniedException',
  'User: arn:aws:sts::123456789012:assumed-role/metricsstack-operator/1700000000000 is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:us-east-1:123456789012:cluster/demo',
  403,
);

// [name, error, kind, retryable]
const cases: [string, unknown, AwsErrorKind, boolean][] = [
  ['EKS ResourceNotFoundException is NotFound', sdkError('ResourceNotFoundException', 'No cluster found for name: nope.', 404), 'NotFound', false],
  ['IAM NoSuchEntity (query protocol Code) is NotFound', sdkError('NoSuchEntityException', 'Role nope not found', 404, { Code: 'NoSuchEntity' }), 'NotFound', false],
  ['Auto Scaling "AutoScalingGroup name not found" is NotFound', sdkError('ValidationError', 'AutoScalingGroup name not found - null', 400), 'NotFound', false],
  ['EKS AccessDeniedException is AccessDenied', EKS_DENIED, 'AccessDenied', false],
  ['IAM AccessDenied (moto and AWS) is AccessDenied', sdkError('AccessDenied', 'User: arn:aws:iam::123456789012:user/op is not authorized to perform: iam:GetRole', 403, { Code: 'AccessDenied' }), 'AccessDenied', false],
  ['an unknown access key is AccessDenied', sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400), 'AccessDenied', false],
  ['a 403 whose body the SDK could not parse is AccessDenied (moto answers EKS denials in XML)', sdkError('SyntaxError', 'Unexpected token \'<\'', 403), 'AccessDenied', false],
  ['no credentials at all is AccessDenied', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'AccessDenied', false],
  ['EKS ThrottlingException is Throttled and retryable', sdkError('ThrottlingException', 'Rate exceeded', 429), 'Throttled', true],
  ['IAM Throttling (query protocol) is Throttled', sdkError('Throttling', 'Rate exceeded', 400, { Code: 'Throttling' }), 'Throttled', true],
  ['any error the SDK marks as throttling is Throttled', sdkError('SomethingNew', 'slow down', 400, { $retryable: { throttling: true } }), 'Throttled', true],
  ['an HTTP 429 with an unknown code is Throttled', sdkError('Weird', 'too many', 429), 'Throttled', true],
  ['EKS ServerException is Transient', sdkError('ServerException', 'internal', 500), 'Transient', true],
  ['an unknown 503 is Transient', sdkError('Unknown', 'Service Unavailable', 503), 'Transient', true],
  ['a refused connection is Transient', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'Transient', true],
  ['the SDK request timeout is Transient', sdkError('TimeoutError', 'Connection timed out after 1000 ms'), 'Transient', true],
  ['an expired web identity token is Transient (the provider refreshes it)', sdkError('ExpiredTokenException', 'Token expired', 400), 'Transient', true],
  ['EKS ResourceInUseException (another profile DELETING) is Transient', sdkError('ResourceInUseException', 'Cannot create Fargate Profile while another is DELETING', 409), 'Transient', true],
  ['EKS InvalidParameterException is Invalid', sdkError('InvalidParameterException', 'Fargate Profile requires at least one selector.', 400), 'Invalid', false],
  ['an unknown 400 is Invalid', sdkError('Odd', 'bad', 400), 'Invalid', false],
  ['a programming error is Unknown', new TypeError('x is undefined'), 'Unknown', false],
  ['a thrown string is Unknown', 'boom', 'Unknown', false],
];

describe('classifyAwsError', () => {
  it.each(cases)('%s', (_name, err, kind, retryable) => {
    expect(classifyAwsError(err)).toMatchObject({ kind, retryable });
    expect(isAwsRetryable(err)).toBe(retryable);
  });

  it('reads the denied action and principal from an EKS AccessDeniedException', () => {
    expect(classifyAwsError(EKS_DENIED)).toMatchObject({
      action: 'eks:DescribeCluster',
      principal: 'arn:aws:sts::123456789012:assumed-role/metricsstack-operator/1700000000000',
      code: 'AccessDeniedException',
    });
  });

  it('reads the action from the "no identity-based policy allows" wording', () => {
    const err = sdkError('AccessDeniedException', 'User: arn:aws:sts::1:x is not authorized to perform this operation because no identity-based policy allows the eks:ListFargateProfiles action', 403);
    expect(classifyAwsError(err).action).toBe('eks:ListFargateProfiles');
  });

  it('falls back to the action of the call when the message names none', () => {
    expect(classifyAwsError(sdkError('SyntaxError', 'xml', 403), 'eks:DescribeCluster').action).toBe('eks:DescribeCluster');
  });

  it('returns an AwsError’s own classification unchanged', () => {
    const err = new AwsAccessDeniedError('denied', { action: 'iam:GetRole' });
    expect(classifyAwsError(err)).toEqual({ kind: 'AccessDenied', retryable: false, message: 'denied', action: 'iam:GetRole' });
  });
});

describe('typed errors', () => {
  it('toAwsError makes the matching subclass and keeps the SDK error as cause', () => {
    const notFound = toAwsError(sdkError('ResourceNotFoundException', 'gone', 404), 'eks:DescribeCluster');
    expect(notFound).toBeInstanceOf(AwsNotFoundError);
    expect(notFound.cause).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(toAwsError(EKS_DENIED, 'eks:DescribeCluster')).toBeInstanceOf(AwsAccessDeniedError);
    const throttled = toAwsError(sdkError('ThrottlingException', 'slow', 429), 'eks:DescribeCluster');
    expect(throttled).toBeInstanceOf(AwsError);
    expect(throttled).toMatchObject({ kind: 'Throttled', retryable: true, action: 'eks:DescribeCluster' });
  });

  it('isAwsNotFound and isAwsAccessDenied work on raw SDK errors and on typed ones', () => {
    expect(isAwsNotFound(new AwsNotFoundError('x'))).toBe(true);
    expect(isAwsNotFound(sdkError('NoSuchEntityException', 'x', 404))).toBe(true);
    expect(isAwsAccessDenied(EKS_DENIED)).toBe(true);
    expect(isAwsAccessDenied(new AwsNotFoundError('x'))).toBe(false);
  });

  it('ignoreAwsNotFound turns NotFound into undefined and rethrows the rest', async () => {
    await expect(ignoreAwsNotFound(Promise.reject(new AwsNotFoundError('x')))).resolves.toBeUndefined();
    await expect(ignoreAwsNotFound(Promise.resolve(7))).resolves.toBe(7);
    await expect(ignoreAwsNotFound(Promise.reject(EKS_DENIED))).rejects.toBe(EKS_DENIED);
  });
});

describe('accessDeniedMessage', () => {
  it('names the missing action and the role behind the assumed-role session', () => {
    const msg = accessDeniedMessage(classifyAwsError(EKS_DENIED));
    expect(msg).toContain('Add "eks:DescribeCluster" to a policy attached to IAM role metricsstack-operator (arn:aws:iam::123456789012:role/metricsstack-operator)');
  });

  it('uses the operator’s own role when AWS does not name the principal', () => {
    const msg = accessDeniedMessage({ action: 'eks:DescribeCluster', message: 'denied' }, 'arn:aws:iam::123456789012:role/ops/metricsstack');
    expect(msg).toContain('IAM role metricsstack (arn:aws:iam::123456789012:role/ops/metricsstack)');
  });

  it('points at the service account annotation when no role is known', () => {
    expect(accessDeniedMessage({ message: 'denied' })).toContain('eks.amazonaws.com/role-arn');
  });

  it.each([
    ['arn:aws:sts::123456789012:assumed-role/ca/session', { kind: 'role', name: 'ca', arn: 'arn:aws:iam::123456789012:role/ca' }],
    ['arn:aws-cn:sts::123456789012:assumed-role/ca/s', { kind: 'role', name: 'ca', arn: 'arn:aws-cn:iam::123456789012:role/ca' }],
    ['arn:aws:iam::123456789012:user/op', { kind: 'user', name: 'op', arn: 'arn:aws:iam::123456789012:user/op' }],
    ['nonsense', undefined],
  ])('reads the IAM identity of %s', (principal, identity) => {
    expect(iamIdentityFromPrincipal(principal)).toEqual(identity);
  });
});
