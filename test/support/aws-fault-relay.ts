// An HTTP relay between the operator's AWS SDK clients and moto that injects AWS's bad days — throttling as AWS's
// JSON and query protocols return it, HTTP 429, 5xx — plus latency, from a seeded RNG so a run can be replayed. A fake
// is fine here (STYLE.md §4): moto cannot throttle. Faults are decided before forwarding, so every request moto
// records got moto's own answer back to the SDK.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Fractions of requests answered by the relay itself (the rest go to moto), and the latency added to every one. */
export interface FaultRates {
  /** HTTP 400 with ThrottlingException (JSON) or Throttling (query) in the body. */
  readonly throttle400: number;
  /** HTTP 429 TooManyRequestsException. */
  readonly throttle429: number;
  /** HTTP 500 InternalFailure or 503 ServiceUnavailable. */
  readonly serverError: number;
  /** Upper bound of the uniform delay added before each answer. */
  readonly maxLatencyMs: number;
}

export const NO_FAULTS: FaultRates = { throttle400: 0, throttle429: 0, serverError: 0, maxLatencyMs: 0 };

/** What the relay did, counted. */
export interface RelayCounts {
  requests: number;
  forwarded: number;
  throttle400: number;
  throttle429: number;
  serverError: number;
}

export interface AwsFaultRelay {
  /** Give the operator this as AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  rates: FaultRates;
  readonly counts: RelayCounts;
  resetCounts(): void;
  stop(): Promise<void>;
}

/** mulberry32: a tiny seeded PRNG, so the same seed gives the same fault sequence for the same request sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Fault = 'throttle400' | 'throttle429' | 'serverError';

/** The error AWS would send: query protocols (IAM, Auto Scaling) answer XML, JSON protocols (EKS) a typed JSON body. */
function faultResponse(fault: Fault, query: boolean, flip: boolean): { status: number; headers: Record<string, string>; body: string } {
  const [status, jsonCode, queryCode] = {
    throttle400: [400, 'ThrottlingException', 'Throttling'],
    throttle429: [429, 'TooManyRequestsException', 'Throttling'],
    serverError: flip ? [503, 'ServiceUnavailableException', 'ServiceUnavailable'] : [500, 'ServerException', 'InternalFailure'],
  }[fault] as [number, string, string];
  const message = fault === 'serverError' ? 'injected by the test relay' : 'Rate exceeded';
  if (query) {
    const type = status >= 500 ? 'Receiver' : 'Sender';
    const body = `<ErrorResponse><Error><Type>${type}</Type><Code>${queryCode}</Code><Message>${message}</Message></Error>` +
      '<RequestId>relay</RequestId></ErrorResponse>';
    return { status, headers: { 'content-type': 'text/xml' }, body };
  }
  return { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': jsonCode }, body: JSON.stringify({ __type: jsonCode, message }) };
}

/** Starts the relay on a free loopback port in front of `target` (moto's endpoint), with `seed` for its RNG. */
export async function startAwsFaultRelay(target: string, seed: number, rates: FaultRates = NO_FAULTS): Promise<AwsFaultRelay> {
  const to = new URL(target);
  const random = seededRandom(seed);
  const zero = (): RelayCounts => ({ requests: 0, forwarded: 0, throttle400: 0, throttle429: 0, serverError: 0 });
  const relay = { rates, counts: zero() };

  const pick = (): Fault | undefined => {
    const r = random();
    const { throttle400, throttle429, serverError } = relay.rates;
    if (r < throttle400) return 'throttle400';
    if (r < throttle400 + throttle429) return 'throttle429';
    if (r < throttle400 + throttle429 + serverError) return 'serverError';
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    // Drawn in arrival order, before any await on the network: the sequence depends on the seed and request order only.
    const fault = pick();
    const flip = random() < 0.5;
    const delay = random() * relay.rates.maxLatencyMs;
    relay.counts.requests++;
    if (delay > 0) await new Promise((done) => setTimeout(done, delay));
    if (fault) {
      relay.counts[fault]++;
      const query = (req.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
      const out = faultResponse(fault, query, flip);
      res.writeHead(out.status, out.headers).end(out.body);
      return;
    }
    relay.counts.forwarded++;
    const upstream = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (err) => res.writeHead(502).end(String(err)));
    upstream.end(body);
  };

  const server = createServer((req, res) => void handle(req, res).catch((err: unknown) => res.writeHead(502).end(String(err))));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return Object.assign(relay, {
    endpoint: `http://127.0.0.1:${port}`,
    resetCounts: () => void (relay.counts = zero()),
    stop: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  });
}
