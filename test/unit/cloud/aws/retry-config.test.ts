import { describe, expect, it } from 'vitest';
import { awsRetryConfig, DEFAULT_MAX_ATTEMPTS } from '../../../../src/cloud/aws/clients.js';

describe('awsRetryConfig', () => {
  it.each([
    ['uses adaptive mode and the default attempts when nothing is set', {}, undefined, { retryMode: 'adaptive', maxAttempts: DEFAULT_MAX_ATTEMPTS }],
    ['lets $AWS_MAX_ATTEMPTS and $AWS_RETRY_MODE win, as the SDK does', { AWS_MAX_ATTEMPTS: '1', AWS_RETRY_MODE: 'standard' }, undefined,
      { retryMode: 'standard', maxAttempts: 1 }],
    ['lets an explicit maxAttempts win over the environment', { AWS_MAX_ATTEMPTS: '9' }, 2, { retryMode: 'adaptive', maxAttempts: 2 }],
    ['ignores an empty or unparsable $AWS_MAX_ATTEMPTS and an unknown mode', { AWS_MAX_ATTEMPTS: '', AWS_RETRY_MODE: 'fast' }, undefined,
      { retryMode: 'adaptive', maxAttempts: DEFAULT_MAX_ATTEMPTS }],
  ])('%s', (_name, env, explicit, expected) => {
    expect(awsRetryConfig(env, explicit)).toEqual(expected);
  });
});
