import { describe, expect, it } from 'vitest';
import { decideAggregationLayer } from '../../../../src/reconcilers/aggregation/decision.js';

describe('decideAggregationLayer', () => {
  it("reports seed 000's missing ConfigMap with the apiserver flags that create it", () => {
    const c = decideAggregationLayer(undefined);
    expect(c).toMatchObject({ type: 'AggregationLayerReady', status: 'False', reason: 'ExtensionAPIAuthenticationMissing' });
    expect(c.message).toContain('configmaps "extension-apiserver-authentication" not found');
    expect(c.message).toContain('--requestheader-client-ca-file');
  });
  it('reports a ConfigMap without the requestheader CA (only --client-ca-file set)', () => {
    const c = decideAggregationLayer({ metadata: { name: 'extension-apiserver-authentication' }, data: { 'client-ca-file': 'PEM' } });
    expect(c).toMatchObject({ status: 'False', reason: 'RequestHeaderCAMissing' });
    expect(c.message).toContain('--proxy-client-cert-file');
  });
  it('is True when the requestheader CA is present', () => {
    const c = decideAggregationLayer({ data: { 'client-ca-file': 'PEM', 'requestheader-client-ca-file': 'PEM' } });
    expect(c).toMatchObject({ status: 'True', reason: 'AggregationLayerConfigured' });
  });
});
