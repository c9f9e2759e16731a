import { describe, expect, it } from 'vitest';
import { describeMissingNodes, missingNodeReasons, tlsCoverage } from '../../../../src/reconcilers/backends/node-coverage.js';

const nodes = [
  { name: 'ip-10-0-1-1.ec2.internal', fargate: false },
  { name: 'ip-10-0-1-2.ec2.internal', fargate: false },
  { name: 'fargate-ip-10-0-9-1.ec2.internal', fargate: true },
  { name: 'fargate-ip-10-0-9-2.ec2.internal', fargate: true },
];
const none = { tlsRejected: [], insecureTLS: false };

describe('describeMissingNodes', () => {
  it.each([
    ['says nothing when every node has metrics', nodes.map((n) => n.name), none, undefined],
    ['names a Fargate node metrics-server runs on as its own unreachable kubelet', ['ip-10-0-1-1.ec2.internal', 'ip-10-0-1-2.ec2.internal', 'fargate-ip-10-0-9-2.ec2.internal'],
      { ...none, metricsServerNodes: ['fargate-ip-10-0-9-1.ec2.internal'] },
      'no metrics for fargate-ip-10-0-9-1.ec2.internal (Fargate: metrics-server runs on this node and cannot reach its own kubelet on :10250; ' +
      'see FargatePlacementSafe)'],
    ['names a node whose kubelet certificate fails verification as x509', ['ip-10-0-1-1.ec2.internal', ...nodes.slice(2).map((n) => n.name)],
      { tlsRejected: ['ip-10-0-1-2.ec2.internal'], insecureTLS: false },
      'no metrics for ip-10-0-1-2.ec2.internal (kubelet x509: its serving certificate fails verification; see status.metricsServer)'],
    ['does not blame x509 when metrics-server skips verification', ['ip-10-0-1-1.ec2.internal', ...nodes.slice(2).map((n) => n.name)],
      { tlsRejected: ['ip-10-0-1-2.ec2.internal'], insecureTLS: true },
      "no metrics for ip-10-0-1-2.ec2.internal (not scraped: kubelet unreachable or not yet scraped twice; metrics-server's log names the cause)"],
  ])('%s', (_name, withMetrics, facts, expected) => {
    expect(describeMissingNodes(nodes, withMetrics, facts)).toBe(expected);
  });

  it('groups nodes by reason, saying each reason once', () => {
    expect(describeMissingNodes(nodes, ['ip-10-0-1-1.ec2.internal'], { tlsRejected: ['ip-10-0-1-2.ec2.internal'], insecureTLS: false })).toBe(
      'no metrics for ip-10-0-1-2.ec2.internal (kubelet x509: its serving certificate fails verification; see status.metricsServer); ' +
      "fargate-ip-10-0-9-1.ec2.internal, fargate-ip-10-0-9-2.ec2.internal (Fargate: its kubelet is reached through the pod's ENI; " +
      'the security group must let metrics-server reach :10250)');
  });

  it('names at most five nodes, then how many more, and truncates long names', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `${'n'.repeat(80)}-${i}`, fargate: false }));
    const text = describeMissingNodes(many, [], none)!;
    // One reason for all: said once, after the five names.
    expect(text.match(/\(not scraped/g)).toHaveLength(1);
    expect(text.match(/…/g)).toHaveLength(5);
    expect(text).toMatch(/ and 7 more$/);
    expect(text).toContain(`${'n'.repeat(62)}…`);
    expect(text.length).toBeLessThan(600);
    expect(text.length).toBeLessThan(1000);
  });
});

describe('missingNodeReasons', () => {
  it('calls x509 likely for EC2 nodes not inspected when every inspected kubelet certificate was rejected, and only then', () => {
    const many = Array.from({ length: 6 }, (_, i) => ({ name: `ip-10-0-2-${i}.ec2.internal`, fargate: false }));
    const all = [...many, ...nodes.slice(2)];
    // The sample: three kubelets inspected, all three rejected (kwok's certificate names 127.0.0.1 only).
    const rejected = tlsCoverage({ inspected: 3, rejectedNodes: many.slice(0, 3).map((n) => n.name) });
    expect(rejected.everyInspectedRejected).toBe(true);
    const reasons = missingNodeReasons(all, [], { ...rejected, insecureTLS: false });
    expect(reasons.get('ip-10-0-2-0.ec2.internal')).toBe('kubelet x509: its serving certificate fails verification; see status.metricsServer');
    expect(reasons.get('ip-10-0-2-5.ec2.internal')).toBe('kubelet x509 likely: every kubelet certificate inspected fails verification ' +
      '(this one was not inspected); see status.metricsServer');
    expect(reasons.get('fargate-ip-10-0-9-1.ec2.internal')).toMatch(/^Fargate: its kubelet is reached through/);
    // One of three accepted: the others' certificates may differ, so an uninspected node is not blamed on x509.
    const mixed = tlsCoverage({ inspected: 3, rejectedNodes: many.slice(0, 2).map((n) => n.name) });
    expect(missingNodeReasons(all, [], { ...mixed, insecureTLS: false }).get('ip-10-0-2-5.ec2.internal')).toMatch(/^not scraped: kubelet unreachable/);
    // Skipping verification, or nothing inspected: never x509.
    expect(missingNodeReasons(all, [], { ...rejected, insecureTLS: true }).get('ip-10-0-2-5.ec2.internal')).toMatch(/^not scraped/);
    expect(tlsCoverage(undefined)).toEqual({ tlsRejected: [], everyInspectedRejected: false });
    expect(tlsCoverage({ inspected: 0 }).everyInspectedRejected).toBe(false);
  });

  it('maps every node without metrics to the reason describeMissingNodes names, beyond the five it names', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ name: `ip-10-0-2-${i}.ec2.internal`, fargate: false }));
    const reasons = missingNodeReasons([...nodes, ...many], ['ip-10-0-1-1.ec2.internal', 'fargate-ip-10-0-9-2.ec2.internal'],
      { tlsRejected: ['ip-10-0-1-2.ec2.internal'], insecureTLS: false, metricsServerNodes: ['fargate-ip-10-0-9-1.ec2.internal'] });
    expect(reasons.size).toBe(10);
    expect(reasons.get('ip-10-0-1-2.ec2.internal')).toBe('kubelet x509: its serving certificate fails verification; see status.metricsServer');
    expect(reasons.get('fargate-ip-10-0-9-1.ec2.internal')).toMatch(/^Fargate: metrics-server runs on this node/);
    expect(reasons.get('ip-10-0-2-7.ec2.internal')).toMatch(/^not scraped: kubelet unreachable/);
    expect(reasons.has('ip-10-0-1-1.ec2.internal')).toBe(false);
  });

  it('is empty when every node has metrics', () => {
    expect(missingNodeReasons(nodes, nodes.map((n) => n.name), none).size).toBe(0);
  });
});
