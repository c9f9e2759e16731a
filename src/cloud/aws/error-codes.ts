/**
 * AWS error codes by what the operator should do about them. The SDK puts the code in `error.name` (JSON protocols)
 * or `error.Code` (query protocols: IAM, Auto Scaling). Codes not listed fall back to the HTTP status.
 */

/** The thing asked for does not exist. */
export const NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'ResourceNotFoundException', // EKS
  'NoSuchEntity', // IAM (query protocol Code)
  'NoSuchEntityException', // IAM (SDK error class name)
  'NotFoundException', // EKS addons and others
]);

/** The caller may not do this, or is not who it claims to be: needs a fix in IAM, not a retry. */
export const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set([
  'AccessDeniedException', // EKS
  'AccessDenied', // IAM, Auto Scaling, STS
  'UnauthorizedOperation', // EC2
  'UnauthorizedException',
  'NotAuthorized',
  'InvalidClientTokenId', // unknown access key
  'UnrecognizedClientException', // unknown access key (JSON protocols)
  'SignatureDoesNotMatch', // wrong secret key
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'CredentialsProviderError', // the SDK's credential chain found nothing (no IRSA token, no env keys)
]);

/** AWS asks us to slow down: back off with jitter and retry. */
export const THROTTLED_CODES: ReadonlySet<string> = new Set([
  'ThrottlingException', // EKS
  'Throttling', // IAM, Auto Scaling
  'TooManyRequestsException',
  'RequestLimitExceeded', // EC2
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ResourceContention', // Auto Scaling: concurrent updates to the same group
]);

/** Worth retrying as is: the service failed, the network failed, or the resource is busy right now. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ServerException', // EKS
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceFailure', // IAM
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError', // the SDK's own socket/request timeout
  'ExpiredToken', // the web identity token rotated: the credential provider refreshes on retry
  'ExpiredTokenException',
  // EKS: another Fargate profile of the cluster is CREATING or DELETING; Auto Scaling: an activity is running.
  'ResourceInUseException',
  'ScalingActivityInProgress',
]);

/** Node.js socket errors: the endpoint is unreachable for now. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** The request itself is wrong (bad parameter, malformed policy, quota): retrying the same request cannot help. */
export const INVALID_CODES: ReadonlySet<string> = new Set([
  'ValidationError',
  'ValidationException',
  'InvalidParameterException',
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'InvalidRequestException',
  'ClientException', // EKS: "caused by a client action, such as using an action or resource … without permissions"
  'BadRequestException',
  'MalformedPolicyDocument',
  'LimitExceeded', // a quota, not throttling
  'UnsupportedAvailabilityZoneException',
]);
