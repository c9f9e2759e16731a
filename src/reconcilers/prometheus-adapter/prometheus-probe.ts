/**
 * Does Prometheus answer at the spec's URL? Asked from the operator, with a TTL so that steady state costs one
 * request per URL every few minutes: a reconcile runs on every watch event and each resync.
 */

import { lookup as dnsLookupCb } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { refusedAddress, refusedMessage } from './prometheus-target.js';

/** The part of `fetch` the probe uses (main.ts passes undici's, with a connect-time address guard; tests a fake). */
export type Fetch = (url: string, init: { signal: AbortSignal; headers: Record<string, string>; redirect: 'manual' }) =>
  Promise<{ status: number; text(): Promise<string> }>;

/** Every address a host name resolves to (an IP literal resolves to itself). */
export type Lookup = (host: string) => Promise<readonly string[]>;

const systemLookup: Lookup = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * A `lookup` for the probe's sockets (net.connect's option): the same refusal at connect time, so a name that
 * resolved to a fine address for the check cannot resolve to the metadata service for the request.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookupCb(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 4);
    const bad = addresses.find((a) => refusedAddress(a.address));
    if (bad) {
      const refusal = new Error(`${hostname} resolves to ${bad.address}, ${refusedAddress(bad.address)}: not connecting`);
      return callback(Object.assign(refusal, { code: 'EREFUSEDTARGET' }), '', 4);
    }
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
  });
};

/**
 * What the probe found: Prometheus's version, or why it did not answer. `refused`: the URL points where the operator
 * does not send requests (loopback, link-local / instance metadata), a spec error rather than an outage.
 */
export type PrometheusCheck =
  | { readonly ok: true; readonly version?: string }
  | { readonly ok: false; readonly error: string; readonly refused?: true };

/**
 * How long an answer is trusted. A healthy one: 5 minutes by default (--prometheus-check-period), and the backend
 * re-checks a healthy adapter that often, since nothing can be watched to see Prometheus go away; events in between
 * make no request. A failure: 15 seconds, the backend's retry interval while it fails, so a fixed URL or a recovered
 * Prometheus shows at the next retry.
 */
export const PROMETHEUS_CHECK_TTL_MS = { ok: 5 * 60_000, failed: 15_000 } as const;
export const PROMETHEUS_TIMEOUT_MS = 5_000;

/** Node's fetch hides the socket error in `cause` (ECONNREFUSED, ENOTFOUND, certificate errors). */
function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${PROMETHEUS_TIMEOUT_MS / 1000} s`;
  const cause = e.cause?.code && e.cause.message?.includes(e.cause.code) ? e.cause.message : [e.cause?.code, e.cause?.message].filter(Boolean).join(' ');
  return cause || e.message || String(err);
}

export class PrometheusProbe {
  readonly #cache = new Map<string, { at: number; check: PrometheusCheck }>();

  constructor(
    private readonly fetch: Fetch,
    private readonly now: () => number,
    private readonly healthyTtlMs: number = PROMETHEUS_CHECK_TTL_MS.ok,
    private readonly lookup: Lookup = systemLookup,
  ) {}

  /** The cached answer for `baseURL` while fresh, else a new one: GET /api/v1/status/buildinfo (a query where that is missing). */
  async check(baseURL: string): Promise<PrometheusCheck> {
    const hit = this.#cache.get(baseURL);
    const ttl = hit?.check.ok ? this.healthyTtlMs : PROMETHEUS_CHECK_TTL_MS.failed;
    if (hit && this.now() - hit.at < ttl) return hit.check;
    const refused = await this.#refused(baseURL);
    const check: PrometheusCheck = refused ? { ok: false, error: refused, refused: true } : await this.#ask(baseURL.replace(/\/+$/, ''));
    this.#cache.set(baseURL, { at: this.now(), check });
    return check;
  }

  async #ask(base: string): Promise<PrometheusCheck> {
    const info = await this.#get(`${base}/api/v1/status/buildinfo`);
    if ('error' in info) return { ok: false, error: info.error };
    const answer = info.json as { status?: string; data?: { version?: unknown } } | undefined;
    if (info.status === 200 && answer?.status === 'success') {
      return typeof answer.data?.version === 'string' ? { ok: true, version: answer.data.version } : { ok: true };
    }
    // Older Prometheus and some compatible servers have no buildinfo: any PromQL answer will do.
    if (info.status !== 404) return { ok: false, error: info.describe };
    const query = await this.#get(`${base}/api/v1/query?query=vector(1)`);
    if ('error' in query) return { ok: false, error: query.error };
    return query.status === 200 && (query.json as { status?: string } | undefined)?.status === 'success'
      ? { ok: true } : { ok: false, error: query.describe };
  }

  /** A refusal message when the URL's host resolves to an address the probe must not reach. */
  async #refused(base: string): Promise<string | undefined> {
    let host: string;
    try { host = new URL(base).hostname.replace(/^\[(.*)\]$/, '$1'); } catch { return undefined; } // the CRD checks the form
    // A name that does not resolve now is left to the request, which reports it as unreachable.
    const addresses = await this.lookup(host).catch(() => [] as readonly string[]);
    for (const address of addresses) {
      const why = refusedAddress(address);
      if (why) return refusedMessage(base, address, why);
    }
    return undefined;
  }

  async #get(url: string): Promise<{ status: number; json: unknown; describe: string } | { error: string }> {
    try {
      const res = await this.fetch(url, {
        signal: AbortSignal.timeout(PROMETHEUS_TIMEOUT_MS), headers: { accept: 'application/json' }, redirect: 'manual',
      });
      if (res.status >= 300 && res.status < 400) {
        return { error: `GET ${url} answered with a redirect (HTTP ${res.status}), which the operator does not follow` };
      }
      const body = await res.text();
      let json: unknown;
      try { json = JSON.parse(body); } catch { json = undefined; }
      // The body is never quoted: whatever answers at a user-given URL is not ours to copy into status or Events.
      return { status: res.status, json, describe: `GET ${url} answered HTTP ${res.status}, not a Prometheus API answer` };
    } catch (err) {
      return { error: `GET ${url}: ${describe(err)}` };
    }
  }
}
