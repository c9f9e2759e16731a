import { describe, expect, it } from 'vitest';
import { profileDeletionViolations, profileEvents, type ProfileEvent } from '../../support/moto-recording.js';
import { seededRandom } from '../../support/aws-fault-relay.js';

const pairs = { 'fp-a': 'fp-a-v2' };
const ev = (op: ProfileEvent['op'], profile: string): ProfileEvent => ({ op, profile });

describe('profileDeletionViolations', () => {
  it.each([
    ['passes a delete after the replacement was created and read', [ev('Create', 'fp-a'), ev('Create', 'fp-a-v2'), ev('Describe', 'fp-a-v2'),
      ev('Delete', 'fp-a')], []],
    ['flags a delete before the replacement exists', [ev('Create', 'fp-a'), ev('Delete', 'fp-a')], ['request 1: deleted fp-a while fp-a-v2 did not exist']],
    ['flags a delete with no read of the replacement since its creation', [ev('Create', 'fp-a'), ev('Describe', 'fp-a-v2'), ev('Create', 'fp-a-v2'),
      ev('Delete', 'fp-a')], ['request 3: deleted fp-a without reading fp-a-v2 since its creation']],
    ['flags a delete after someone deleted the replacement again', [ev('Create', 'fp-a'), ev('Create', 'fp-a-v2'), ev('Describe', 'fp-a-v2'),
      ev('Delete', 'fp-a-v2'), ev('Delete', 'fp-a')], ['request 4: deleted fp-a while fp-a-v2 did not exist']],
  ])('%s', (_name, events, violations) => {
    expect(profileDeletionViolations(events, pairs).violations).toEqual(violations);
  });

  it('reads Create, Describe and Delete of Fargate profiles from moto\'s recorded EKS requests, and nothing else', () => {
    const body = Buffer.from(JSON.stringify({ fargateProfileName: 'fp-a-v2' })).toString('base64');
    const url = (path: string) => `http://127.0.0.1:1${path}`;
    expect(profileEvents([
      { method: 'POST', url: url('/clusters/demo/fargate-profiles'), body, body_encoded: true },
      { method: 'GET', url: url('/clusters/demo/fargate-profiles/fp-a-v2') },
      { method: 'GET', url: url('/clusters/demo/fargate-profiles?maxResults=100') },
      { method: 'DELETE', url: url('/clusters/demo/fargate-profiles/fp-a') },
      { method: 'POST', url: url('/'), body: 'Action=GetRole' },
    ])).toEqual([ev('Create', 'fp-a-v2'), ev('Describe', 'fp-a-v2'), ev('Delete', 'fp-a')]);
  });
});

describe('seededRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(draw(15)).toEqual(draw(15));
    expect(draw(15)).not.toEqual(draw(16));
    expect(draw(15).every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
