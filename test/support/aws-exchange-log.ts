import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the relay passed to moto and moto's answer, as the client was about to receive it. */
export interface AwsExchange {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: string;
}

/**
 * A plain HTTP relay in front of moto that records every exchange and, before a response goes back to the client,
 * runs `onResponse`: the test's observation point ("moto has just created the profile") at which it can SIGSTOP the
 * client, which then never sees the answer. It changes no byte and injects no fault (the fault relay is another's).
 */
export interface AwsExchangeLog {
  readonly endpoint: string;
  readonly exchanges: AwsExchange[];
  /** Called for each exchange before its response is sent; what it awaits delays that response. */
  onResponse: (x: AwsExchange) => Promise<void> | void;
  close(): Promise<void>;
}

const readAll = async (stream: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

/** Starts the relay on a free loopback port, forwarding to `target` (moto's endpoint). */
export async function awsExchangeLog(target: string): Promise<AwsExchangeLog> {
  const to = new URL(target);
  const log: AwsExchangeLog = { endpoint: '', exchanges: [], onResponse: () => undefined, close: () => Promise.resolve() };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const headers = { ...req.headers, host: to.host };
      const answer = await new Promise<IncomingMessage>((done, fail) => {
        const out = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers }, done);
        out.once('error', fail).end(body);
      });
      const payload = await readAll(answer);
      const x: AwsExchange = { at: Date.now(), method: req.method ?? '', path: req.url ?? '', status: answer.statusCode ?? 0, body: payload.toString('utf8') };
      log.exchanges.push(x);
      await log.onResponse(x);
      res.writeHead(answer.statusCode ?? 502, answer.headers).end(payload);
    })().catch((err: unknown) => res.writeHead(502).end(String(err)));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return Object.assign(log, {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  });
}
