import type { V1APIService } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { decideAdapterAPI } from '../../../../src/reconcilers/prometheus-adapter/api-decision.js';

const where = { namespace: 'monitoring', name: 'prometheus-adapter', prometheusURL: 'http://prom:9090', relistInterval: '1m' };
const api = (available: 'True' | 'False' | undefined, reason = 'Passed', message = ''): V1APIService =>
  ({ metadata: { name: 'x' }, ...(available ? { status: { conditions: [{ type: 'Available', status: available, reason, message }] } } : {}) });
const custom = (a: V1APIService | undefined) => [{ name: 'v1beta1.custom.metrics.k8s.io', live: a }, { name: 'v1beta2.custom.metrics.k8s.io', live: a }];
const up = { ok: true as const, version: '2.42.0' };

describe('decideAdapterAPI', () => {
  it('puts an unreachable Prometheus first, with its error and the field to fix', () => {
    const c = decideAdapterAPI('custom', { apiServices: custom(api('True')), prometheus: { ok: false, error: 'GET http://prom:9090/api/v1/status/buildinfo: getaddrinfo ENOTFOUND prom' } }, where);
    expect(c).toMatchObject({ type: 'CustomMetricsAPIAvailable', status: 'False', reason: 'PrometheusUnreachable' });
    expect(c.message).toContain('ENOTFOUND prom');
    expect(c.message).toContain('spec.prometheusAdapter.prometheusURL');
  });

  it("mirrors the aggregator's reason, with a fix that names the adapter's pods", () => {
    const c = decideAdapterAPI('external', { apiServices: [{ name: 'v1beta1.external.metrics.k8s.io', live: api('False', 'MissingEndpoints', 'endpoints for service/prometheus-adapter in "monitoring" have no addresses') }], prometheus: up }, where);
    expect(c).toMatchObject({ type: 'ExternalMetricsAPIAvailable', status: 'False', reason: 'MissingEndpoints' });
    expect(c.message).toContain('kubectl -n monitoring get pods -l app.kubernetes.io/name=prometheus-adapter');
  });

  it('is Unknown until the APIService exists and has been checked', () => {
    expect(decideAdapterAPI('custom', { apiServices: custom(undefined), prometheus: up }, where)).toMatchObject({ status: 'Unknown', reason: 'APIServiceUnavailable' });
    expect(decideAdapterAPI('custom', { apiServices: custom(api(undefined)), prometheus: up }, where)).toMatchObject({ status: 'Unknown' });
  });

  it('reports an API that answers with no metrics: no series matches the rules yet', () => {
    const c = decideAdapterAPI('custom', { apiServices: custom(api('True')), prometheus: up, probe: { resources: [] } }, where);
    expect(c).toMatchObject({ status: 'False', reason: 'NoMetricsReturned' });
    expect(c.message).toContain('every 1m');
  });

  it('is True with the metrics the API lists', () => {
    const c = decideAdapterAPI('custom', { apiServices: custom(api('True')), prometheus: up, probe: { resources: ['pods/httpd_requests_per_second', 'namespaces/httpd_requests_per_second'] } }, where);
    expect(c).toEqual({ type: 'CustomMetricsAPIAvailable', status: 'True', reason: 'MetricsAvailable', message: 'custom.metrics.k8s.io answers with 2 metrics: pods/httpd_requests_per_second, namespaces/httpd_requests_per_second.' });
  });

  it('checks metrics.k8s.io with a node-metrics list when the adapter is the resource provider', () => {
    const apiServices = [{ name: 'v1beta1.metrics.k8s.io', live: api('True') }];
    expect(decideAdapterAPI('resource', { apiServices, prometheus: up, probe: { items: 2 } }, where)).toMatchObject({ type: 'MetricsAPIAvailable', status: 'True' });
    expect(decideAdapterAPI('resource', { apiServices, prometheus: up, probe: { items: 0 } }, where).message).toContain('nodeQuery');
    expect(decideAdapterAPI('resource', { apiServices, prometheus: up, probe: { error: 'the server is currently unable to handle the request', code: 503 } }, where)).toMatchObject({ status: 'False', reason: 'APIServiceUnavailable' });
  });
});
