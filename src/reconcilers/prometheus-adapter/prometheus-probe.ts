/**
 * Does Prometheus answer at the spec's URL? Asked from the operator, with a TTL so that steady state costs one
 * request per URL every few minutes: a reconcile runs on every watch event and each resync.
 */

/** The part of `fetch` the probe uses (main.ts passes the global fetch; tests pass a fake). */
export type Fetch = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<{ status: number; text(): Promise<string> }>;

/** What the probe found: Prometheus's version, or why it did not answer. */
export type PrometheusCheck = { readonly ok: true; readonly version?: string } | { readonly ok: false; readonly error: string };

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

  constructor(private readonly fetch: Fetch, private readonly now: () => number, private readonly healthyTtlMs: number = PROMETHEUS_CHECK_TTL_MS.ok) {}

  /** The cached answer for `baseURL` while fresh, else a new one: GET /api/v1/status/buildinfo (a query where that is missing). */
  async check(baseURL: string): Promise<PrometheusCheck> {
    const hit = this.#cache.get(baseURL);
    const ttl = hit?.check.ok ? this.healthyTtlMs : PROMETHEUS_CHECK_TTL_MS.failed;
    if (hit && this.now() - hit.at < ttl) return hit.check;
    const check = await this.#ask(baseURL.replace(/\/+$/, ''));
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

  async #get(url: string): Promise<{ status: number; json: unknown; describe: string } | { error: string }> {
    try {
      const res = await this.fetch(url, { signal: AbortSignal.timeout(PROMETHEUS_TIMEOUT_MS), headers: { accept: 'application/json' } });
      const body = await res.text();
      let json: unknown;
      try { json = JSON.parse(body); } catch { json = undefined; }
      return { status: res.status, json, describe: `GET ${url} answered HTTP ${res.status}${body ? `: ${body.trim().slice(0, 200)}` : ''}` };
    } catch (err) {
      return { error: `GET ${url}: ${describe(err)}` };
    }
  }
}
