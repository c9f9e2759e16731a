import { describe, expect, it } from 'vitest';
import { PROMETHEUS_CHECK_TTL_MS, PrometheusProbe, type Fetch } from '../../../../src/reconcilers/prometheus-adapter/prometheus-probe.js';

/** A fetch that answers by URL and records every call. */
function fakeFetch(answers: Record<string, { status: number; body: string } | Error>) {
  const calls: string[] = [];
  const fetch: Fetch = async (url) => {
    calls.push(url);
    const a = answers[url];
    if (!a) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:9090' } });
    if (a instanceof Error) throw a;
    return { status: a.status, text: async () => a.body };
  };
  return { fetch, calls };
}
const BUILDINFO = { status: 200, body: JSON.stringify({ status: 'success', data: { version: '2.42.0' } }) };

describe('PrometheusProbe', () => {
  it('asks /api/v1/status/buildinfo once and reports the version; a trailing slash in the URL does not matter', async () => {
    const { fetch, calls } = fakeFetch({ 'http://prom:9090/api/v1/status/buildinfo': BUILDINFO });
    const probe = new PrometheusProbe(fetch, () => 0);
    expect(await probe.check('http://prom:9090/')).toEqual({ ok: true, version: '2.42.0' });
    expect(calls).toEqual(['http://prom:9090/api/v1/status/buildinfo']);
  });

  it('makes no request while a healthy answer is fresh, and asks again after the TTL', async () => {
    let now = 0;
    const { fetch, calls } = fakeFetch({ 'http://prom:9090/api/v1/status/buildinfo': BUILDINFO });
    const probe = new PrometheusProbe(fetch, () => now);
    for (const t of [0, 1_000, PROMETHEUS_CHECK_TTL_MS.ok - 1]) { now = t; await probe.check('http://prom:9090'); }
    expect(calls).toHaveLength(1);
    now = PROMETHEUS_CHECK_TTL_MS.ok;
    await probe.check('http://prom:9090');
    expect(calls).toHaveLength(2);
  });

  it('keeps a failure only briefly and names the socket error', async () => {
    let now = 0;
    const { fetch, calls } = fakeFetch({});
    const probe = new PrometheusProbe(fetch, () => now);
    expect(await probe.check('http://prom:9090')).toEqual({ ok: false, error: 'GET http://prom:9090/api/v1/status/buildinfo: connect ECONNREFUSED 10.0.0.1:9090' });
    now = PROMETHEUS_CHECK_TTL_MS.failed;
    await probe.check('http://prom:9090');
    expect(calls).toHaveLength(2);
  });

  it('falls back to a query where buildinfo is missing (older or compatible servers under a path prefix)', async () => {
    const { fetch } = fakeFetch({
      'http://thanos/prometheus/api/v1/status/buildinfo': { status: 404, body: 'not found' },
      'http://thanos/prometheus/api/v1/query?query=vector(1)': { status: 200, body: '{"status":"success","data":{"resultType":"vector","result":[]}}' },
    });
    expect(await new PrometheusProbe(fetch, () => 0).check('http://thanos/prometheus')).toEqual({ ok: true });
  });

  it('rejects something that answers but is not Prometheus, without quoting what it answered', async () => {
    const { fetch } = fakeFetch({ 'http://web/api/v1/status/buildinfo': { status: 200, body: '<html>hello</html>' } });
    expect(await new PrometheusProbe(fetch, () => 0).check('http://web')).toEqual({ ok: false, error: 'GET http://web/api/v1/status/buildinfo answered HTTP 200, not a Prometheus API answer' });
  });

  it('never copies a fetched body: an in-cluster endpoint handing out credentials stays out of the result', async () => {
    const creds = '{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"wJalrXUtnFEMI","Token":"IQoJb3JpZ2luX2Vj"}';
    const { fetch } = fakeFetch({
      'http://creds/api/v1/status/buildinfo': { status: 404, body: creds },
      'http://creds/api/v1/query?query=vector(1)': { status: 200, body: creds },
    });
    const check = await new PrometheusProbe(fetch, () => 0, undefined, async () => ['10.0.7.7']).check('http://creds');
    expect(check).toEqual({ ok: false, error: 'GET http://creds/api/v1/query?query=vector(1) answered HTTP 200, not a Prometheus API answer' });
  });

  it('does not follow a redirect, and says so', async () => {
    const seen: { redirect: string }[] = [];
    const fetch: Fetch = async (_url, init) => { seen.push(init); return { status: 302, text: async () => 'Found' }; };
    expect(await new PrometheusProbe(fetch, () => 0, undefined, async () => ['10.0.7.7']).check('http://moved')).toEqual({
      ok: false, error: 'GET http://moved/api/v1/status/buildinfo answered with a redirect (HTTP 302), which the operator does not follow',
    });
    expect(seen.map((i) => i.redirect)).toEqual(['manual']);
  });

  it.each([
    ['http://169.254.169.254/', ['169.254.169.254'], '169.254.169.254, a link-local address (the cloud\'s instance-metadata range)'],
    ['http://metadata.internal', ['169.254.169.254'], '169.254.169.254, a link-local address'],
    ['http://[fd00:ec2::254]/', ['fd00:ec2::254'], 'fd00:ec2::254, the EC2 instance-metadata address'],
    ['http://localhost:9090', ['::1', '127.0.0.1'], '::1, a loopback address'],
    ['http://127.0.0.1:9090', ['127.0.0.1'], '127.0.0.1, a loopback address'],
  ])('refuses %s (resolving to %j) before asking anything, as a spec error', async (url, addresses, said) => {
    const { fetch, calls } = fakeFetch({});
    const check = await new PrometheusProbe(fetch, () => 0, undefined, async () => addresses).check(url);
    expect(check).toMatchObject({ ok: false, refused: true, error: expect.stringContaining(`spec.prometheusAdapter.prometheusURL ${url} resolves to ${said}`) });
    expect(calls).toEqual([]);
  });

  it('says so when Prometheus does not answer in time', async () => {
    const { fetch } = fakeFetch({ 'http://slow/api/v1/status/buildinfo': Object.assign(new Error('aborted'), { name: 'TimeoutError' }) });
    expect(await new PrometheusProbe(fetch, () => 0).check('http://slow')).toEqual({ ok: false, error: 'GET http://slow/api/v1/status/buildinfo: no answer within 5 s' });
  });
});
