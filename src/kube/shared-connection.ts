import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';

/**
 * How long a connection check (GET /version over the connection in question) may take before the connection is
 * declared dead; an apiserver that answers at all answers /version in milliseconds.
 */
export const CONNECTION_PROBE_TIMEOUT_MS = 5_000;

/** What a request or watch on a replaced connection fails with; callers retry, on a fresh connection. */
export class ConnectionReplacedError extends Error {
  override readonly name = 'ConnectionReplacedError';
  constructor() {
    super(`the connection to the apiserver stopped answering (no reply to GET /version within ${CONNECTION_PROBE_TIMEOUT_MS} ms); reconnecting`);
  }
}

/**
 * The one pool of kept-alive connections every request and watch of the operator shares (with HTTP/2, one TLS
 * connection), made on first use and replaced when it stops answering. A connection can go silent without closing
 * (a NAT or load balancer lost the flow, a half-open peer); undici then resets only the stream a caller aborts and
 * opens the next one on the same dead session, so every watch and request would stall in turn until TCP gave up.
 */
export class SharedConnection {
  readonly #make: () => Promise<Dispatcher | undefined>;
  #current: Promise<Dispatcher | undefined> | undefined;
  #checking: Promise<boolean> | undefined;

  constructor(make: () => Promise<Dispatcher | undefined>) {
    this.#make = make;
  }

  /** The current pool, made on first use (and made again after a failed attempt). */
  get(): Promise<Dispatcher | undefined> {
    this.#current ??= this.#make().catch((err: unknown) => {
      this.#current = undefined;
      throw err;
    });
    return this.#current;
  }

  /**
   * Runs `answers` against the current pool; when it says the connection does not answer, destroys the pool —
   * failing whatever still runs on it with {@link ConnectionReplacedError} — so the next request dials afresh. One
   * check at a time: callers arriving meanwhile share it. Resolves true when the pool was replaced.
   */
  check(answers: () => Promise<boolean>): Promise<boolean> {
    this.#checking ??= this.#check(answers).finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async #check(answers: () => Promise<boolean>): Promise<boolean> {
    const current = this.#current;
    const dispatcher = await current?.catch(() => undefined);
    // No pool of our own (undici's global one): nothing to replace.
    if (!dispatcher || (await answers())) return false;
    if (this.#current === current) this.#current = undefined;
    void dispatcher.destroy(new ConnectionReplacedError()).catch(() => undefined);
    return true;
  }
}

/** The TLS settings (CA, client certificate, proxy) of `kc`, read once: the dispatcher for one pool of connections. */
export async function dispatcherFor(kc: KubeConfig): Promise<Dispatcher | undefined> {
  const tls: Parameters<KubeConfig['createDispatcherOptions']>[1] = {};
  await kc.applyToHTTPSOptions(tls);
  const o = kc.createDispatcherOptions(kc.getCurrentCluster(), tls);
  switch (o.type) {
    case 'none':
      return undefined;
    case 'agent':
      return new Agent({ connect: o.connect });
    case 'proxy':
      return new ProxyAgent({ uri: o.uri, requestTls: o.requestTls, connect: o.connect });
    default:
      throw new Error(`the kubeconfig names a ${o.type} proxy, which metricsstack-operator does not support; use an HTTP(S) proxy`);
  }
}
