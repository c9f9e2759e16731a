import { describe, expect, it } from 'vitest';
import { aggregatorReason, describeAggregatorMessage } from '../../../../src/reconcilers/backends/aggregator-message.js';

const url = 'https://10.0.128.5:10251/apis/metrics.k8s.io/v1beta1';

describe('describeAggregatorMessage', () => {
  it.each([
    ['an unreachable pod IP names the endpoint and the cause',
      `failing or missing response from ${url}: Get "${url}": dial tcp 10.0.128.5:10251: connect: network is unreachable`,
      /^the apiserver could not reach 10\.0\.128\.5:10251 \(network is unreachable\); aggregator: failing or missing/],
    ['a refused connection (seed 001: nothing listens on the pod) names it the same way',
      `failing or missing response from ${url}: Get "${url}": dial tcp 10.0.128.5:10251: connect: connection refused`,
      /^the apiserver could not reach 10\.0\.128\.5:10251 \(connection refused\)/],
    ['a dial timeout',
      `failing or missing response from ${url}: Get "${url}": dial tcp 10.0.128.5:10251: i/o timeout`,
      /^the apiserver could not reach 10\.0\.128\.5:10251 \(i\/o timeout\)/],
    ['a certificate the apiserver does not trust names the address that served it',
      `failing or missing response from ${url}: Get "${url}": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
      /^the apiserver does not trust what answered at https:\/\/10\.0\.128\.5:10251 \(tls: failed to verify certificate: x509: certificate signed by unknown authority\)/],
    ['anything else is quoted as the aggregator said it',
      'endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"',
      /^aggregator: endpoints for service\/metrics-server/],
  ])('%s', (_name, message, expected) => {
    expect(describeAggregatorMessage(message)).toMatch(expected);
  });

  it('bounds what it quotes: a foreign server\'s certificate text does not fill the status', () => {
    const names = Array.from({ length: 200 }, (_, i) => `host${i}.example.com`).join(', ');
    const message = `failing or missing response from ${url}: Get "${url}": tls: failed to verify certificate: x509: certificate is valid for ${names}, not 10.0.128.5`;
    const said = describeAggregatorMessage(message);
    expect(said.length).toBeLessThan(520);
    expect(said).toMatch(/…$/);
  });

  it('says nothing when the aggregator said nothing', () => {
    expect(describeAggregatorMessage(undefined)).toBe('');
  });
});

describe('aggregatorReason', () => {
  it.each([
    ['a reason the aggregator is known to give is kept', 'MissingEndpoints', 'MissingEndpoints'],
    ['a CamelCase reason of a newer aggregator is passed on as it is', 'ServiceUnreachable', 'ServiceUnreachable'],
    ['a reason a condition may not carry becomes APIServiceUnavailable', 'not CamelCase', 'APIServiceUnavailable'],
    ['an empty reason becomes APIServiceUnavailable', '', 'APIServiceUnavailable'],
    ['no reason becomes APIServiceUnavailable', undefined, 'APIServiceUnavailable'],
  ])('%s', (_name, given, want) => {
    expect(aggregatorReason(given)).toBe(want);
  });
});
