import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logging.js';

/** Options for {@link HealthServer}. */
export interface HealthServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Default `0.0.0.0`: kubelet probes and Prometheus reach the pod IP, not loopback. */
  readonly host?: string;
  readonly registry: Registry;
  readonly logger: Logger;
}

/**
 * Serves `/healthz` (200 while the process can answer at all), `/readyz` (200 when the check set with
 * {@link HealthServer.readyWhen} says so; the manager decides what ready means) and `/metrics`.
 */
export class HealthServer {
  readonly #options: HealthServerOptions;
  readonly #server: Server;
  #ready: () => boolean = () => false;

  constructor(options: HealthServerOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  /** Sets the readiness check. Until it is set, `/readyz` answers 503. */
  readyWhen(check: () => boolean): void {
    this.#ready = check;
  }

  /** Starts listening; resolves with the bound address (useful with port 0). */
  listen(): Promise<AddressInfo> {
    const { port, host = '0.0.0.0' } = this.#options;
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  /** Stops listening and closes idle keep-alive connections; resolves when the server is closed. */
  close(): Promise<void> {
    if (!this.#server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'method not allowed\n');
    switch (path) {
      case '/healthz':
        return reply(res, 200, 'ok\n');
      case '/readyz':
        return this.#ready() ? reply(res, 200, 'ok\n') : reply(res, 503, 'not ready\n');
      case '/metrics':
        try {
          const { registry } = this.#options;
          return reply(res, 200, await registry.metrics(), registry.contentType);
        } catch (err) {
          this.#options.logger.error({ err }, 'collecting metrics failed');
          return reply(res, 500, 'collecting metrics failed\n');
        }
      default:
        return reply(res, 404, 'not found\n');
    }
  }
}

function reply(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
