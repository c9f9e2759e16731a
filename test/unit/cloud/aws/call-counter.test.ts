import { describe, expect, it } from 'vitest';
import { AwsCallCounter, countCalls } from '../../../../src/cloud/aws/call-counter.js';
import { parsePolicyDocument } from '../../../../src/cloud/aws/iam.js';

describe('AwsCallCounter', () => {
  it('counts per operation and in total, and resets', () => {
    const c = new AwsCallCounter();
    c.record('eks:DescribeCluster');
    c.record('eks:DescribeCluster');
    c.record('iam:GetRole');
    expect(c.count('eks:DescribeCluster')).toBe(2);
    expect(c.count('eks:ListClusters')).toBe(0);
    expect(c.count()).toBe(3);
    expect(c.snapshot()).toEqual({ 'eks:DescribeCluster': 2, 'iam:GetRole': 1 });
    c.reset();
    expect(c.count()).toBe(0);
  });

  it('names an operation by service prefix and command, as the IAM action is spelled', async () => {
    const c = new AwsCallCounter();
    type Mw = (next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => (a: unknown) => Promise<unknown>;
    let added: Mw | undefined;
    countCalls({ middlewareStack: { add: (mw: Mw) => (added = mw) } }, 'autoscaling', c);
    await added!(async () => 'ok', { commandName: 'DescribeAutoScalingGroupsCommand' })({});
    expect(c.snapshot()).toEqual({ 'autoscaling:DescribeAutoScalingGroups': 1 });
  });
});

describe('parsePolicyDocument', () => {
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Condition: { StringEquals: { 'a:sub': 'system:serviceaccount:kube-system:x' } } }] };

  it('URL-decodes the document as IAM returns it, then parses it', () => {
    expect(parsePolicyDocument(encodeURIComponent(JSON.stringify(policy)), 'arn:role')).toEqual(policy);
  });

  it('takes a document that was not encoded as is, even with a literal %', () => {
    const withPercent = { ...policy, Note: '100%' };
    expect(parsePolicyDocument(JSON.stringify(withPercent), 'arn:role')).toEqual(withPercent);
  });

  it('fails as Invalid, naming the role, on a document that is not JSON', () => {
    expect(() => parsePolicyDocument('%7Bnope', 'arn:aws:iam::1:role/ca')).toThrow(
      expect.objectContaining({ kind: 'Invalid', message: expect.stringContaining('arn:aws:iam::1:role/ca') }),
    );
  });
});
