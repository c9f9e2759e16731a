import { describe, expect, it } from 'vitest';
import { sizeMetricsServerResources } from '../../../../src/reconcilers/metrics-server/sizing.js';

describe('sizeMetricsServerResources', () => {
  it.each([
    ['keeps the defaults for a cluster of 5 nodes', { requests: {} }, 5, { cpu: '100m', memory: '200Mi' }, /5 nodes, within the 100/],
    ['keeps the defaults at exactly 100 nodes', { requests: {} }, 100, { cpu: '100m', memory: '200Mi' }, /100 nodes, within/],
    ['adds 1m and 2Mi per node beyond 100 (5,000 nodes)', { requests: {} }, 5000, { cpu: '5000m', memory: '10000Mi' }, /for 4900 more, counted in steps of 100/],
    ['counts nodes beyond 100 up to the next step of 100, so one more node does not roll metrics-server', { requests: {} }, 101,
      { cpu: '200m', memory: '400Mi' }, /101 nodes/],
    ['sizes 199 and 200 nodes alike', { requests: {} }, 200, { cpu: '200m', memory: '400Mi' }, /200 nodes/],
    ['keeps a request the spec sets and sizes only the other', { requests: { cpu: '250m' } }, 290, { cpu: '250m', memory: '600Mi' },
      /^Requests not set in spec.metricsServer.resources.requests: memory 600Mi, because/],
    ['never sizes a request above the spec\'s limit', { requests: {}, limits: { memory: '500Mi' } }, 1000, { cpu: '1000m', memory: '500Mi' }, /capped: memory at its limit 500Mi/],
  ] as const)('%s', (_name, spec, nodes, requests, reason) => {
    const sized = sizeMetricsServerResources(spec, nodes);
    expect(sized.resources.requests).toEqual(requests);
    expect(sized.reason).toMatch(reason);
  });

  it('says the spec decided when it sets both', () => {
    const sized = sizeMetricsServerResources({ requests: { cpu: '1', memory: '1Gi' } }, 5000);
    expect(sized).toEqual({ resources: { requests: { cpu: '1', memory: '1Gi' } }, reason: 'spec.metricsServer.resources.requests sets both cpu and memory.' });
  });
});
