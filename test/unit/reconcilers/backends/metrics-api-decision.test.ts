import type { V1APIService } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { decideMetricsAPI } from '../../../../src/reconcilers/backends/metrics-api-decision.js';

const api = (status: string, reason: string, message = ''): V1APIService => ({
  metadata: { name: 'v1beta1.metrics.k8s.io' },
  status: { conditions: [{ type: 'Available', status, reason, message, lastTransitionTime: new Date() }] },
});
const NAME = 'v1beta1.metrics.k8s.io';

describe('decideMetricsAPI', () => {
  it('mirrors FailedDiscoveryCheck with the aggregator message and a fix', () => {
    const msg = 'failing or missing response from https://10.0.128.5:10250/apis/metrics.k8s.io/v1beta1: Get "https://10.0.128.5:10250/apis/metrics.k8s.io/v1beta1": dial tcp 10.0.128.5:10250: i/o timeout';
    const c = decideMetricsAPI(NAME, api('False', 'FailedDiscoveryCheck', msg), undefined, 2);
    expect(c).toMatchObject({ status: 'False', reason: 'FailedDiscoveryCheck' });
    expect(c.message).toContain(msg);
    expect(c.message).toContain('security group');
  });
  it('mirrors MissingEndpoints', () => {
    expect(decideMetricsAPI(NAME, api('False', 'MissingEndpoints', 'endpoints for service/metrics-server in "kube-system" have no addresses'), undefined, 2)).toMatchObject({ status: 'False', reason: 'MissingEndpoints' });
  });
  it('is Unknown while the aggregator has not checked the APIService yet', () => {
    expect(decideMetricsAPI(NAME, { metadata: { name: NAME } }, undefined, 2)).toMatchObject({ status: 'Unknown' });
  });
  it('is Unknown while the APIService does not exist', () => {
    expect(decideMetricsAPI(NAME, undefined, undefined, 2)).toMatchObject({ status: 'Unknown' });
  });
  it('is False with NoMetricsReturned when the API answers with no nodes', () => {
    expect(decideMetricsAPI(NAME, api('True', 'Passed'), { items: 0 }, 2)).toMatchObject({ status: 'False', reason: 'NoMetricsReturned' });
  });
  it('reports a failing list with its HTTP code', () => {
    const c = decideMetricsAPI(NAME, api('True', 'Passed'), { error: 'the server is currently unable to handle the request', code: 503 }, 2);
    expect(c).toMatchObject({ status: 'False', reason: 'APIServiceUnavailable' });
    expect(c.message).toContain('HTTP 503');
  });
  it('is True when node metrics come back, with how many nodes report', () => {
    expect(decideMetricsAPI(NAME, api('True', 'Passed'), { items: 2 }, 5)).toEqual({ type: 'MetricsAPIAvailable', status: 'True', reason: 'MetricsAvailable', message: 'metrics.k8s.io answers with metrics for 2 of 5 nodes.' });
  });
  it('is True with the nodes that have no metrics named, and why (the demo: 2 of 5 nodes)', () => {
    const nodes = [{ name: 'ec2-a', fargate: false }, { name: 'ec2-b', fargate: false }, { name: 'ec2-c', fargate: false },
      { name: 'fargate-ip-1', fargate: true }, { name: 'fargate-ip-2', fargate: true }];
    const c = decideMetricsAPI(NAME, api('True', 'Passed'), { items: 2, nodes: ['ec2-a', 'ec2-b'] }, 5,
      { nodes, facts: { tlsRejected: ['ec2-c'], insecureTLS: false } });
    expect(c.status).toBe('True');
    expect(c.message).toMatch(/^metrics.k8s.io answers with metrics for 2 of 5 nodes; no metrics for ec2-c \(kubelet x509: [^)]*\); fargate-ip-1, fargate-ip-2 \(Fargate: [^)]*\)\.$/);
  });
});
