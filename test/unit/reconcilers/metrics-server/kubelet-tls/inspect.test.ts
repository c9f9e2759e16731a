import { X509Certificate } from 'node:crypto';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCertificate, type SignedCert } from '../../../../../src/kube/serving-cert-sign.js';
import { fetchPeerCertificate, inspectKubelets, sampleNodes } from '../../../../../src/reconcilers/metrics-server/kubelet-tls/inspect.js';

// Loopback only: the tests start their own servers on 127.0.0.1 and dial nothing else.
const LOOPBACK = '127.0.0.1';
const validity = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') };
const NOW = new Date('2026-06-01T00:00:00Z');

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, LOOPBACK, () => resolve((server.address() as AddressInfo).port)));
const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
const sockets: Socket[] = [];

let clusterCA: SignedCert;
let served: SignedCert;
const tlsServer = createTlsServer();
const silentServer = createTcpServer(); // accepts TCP but never answers the TLS hello
let tlsPort: number;
let silentPort: number;
let closedPort: number;
const requests: Buffer[] = [];

beforeAll(async () => {
  clusterCA = await signCertificate({ commonName: 'kubernetes', isCA: true, ...validity });
  served = await signCertificate({ commonName: 'kwok-node-0', ipAddresses: [LOOPBACK], issuer: clusterCA, ...validity });
  tlsServer.setSecureContext({ cert: served.cert, key: served.key });
  tlsServer.on('secureConnection', (socket) => socket.on('data', (chunk: Buffer) => requests.push(chunk)));
  for (const server of [tlsServer, silentServer]) server.on('connection', (socket: Socket) => sockets.push(socket));
  tlsPort = await listen(tlsServer);
  silentPort = await listen(silentServer);
  const gone = createTcpServer();
  closedPort = await listen(gone);
  await close(gone);
});
afterAll(async () => {
  sockets.forEach((socket) => socket.destroy());
  await close(tlsServer);
  await close(silentServer);
});

describe('fetchPeerCertificate', () => {
  it("reads the server's certificate as PEM without trusting it and sends no request", async () => {
    const pem = await fetchPeerCertificate(LOOPBACK, tlsPort, 3000);
    expect(new X509Certificate(pem).fingerprint256).toBe(new X509Certificate(served.cert).fingerprint256);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toEqual([]);
  });

  it('fails with the address when nothing listens on the port', async () => {
    await expect(fetchPeerCertificate(LOOPBACK, closedPort, 3000)).rejects.toThrow(
      `reading the serving certificate of 127.0.0.1:${closedPort}: connect ECONNREFUSED 127.0.0.1:${closedPort}`,
    );
  });

  it('gives up when the server never completes the handshake', async () => {
    const started = Date.now();
    await expect(fetchPeerCertificate(LOOPBACK, silentPort, 200)).rejects.toThrow(
      `reading the serving certificate of 127.0.0.1:${silentPort}: no TLS handshake within 200 ms`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('inspectKubelets', () => {
  const node = (name: string, port: number) => ({ name, address: { type: 'InternalIP', value: LOOPBACK }, port });

  it('summarizes a real kubelet-like server that the cluster CA signed for its IP', async () => {
    const summary = await inspectKubelets([node('kwok-node-0', tlsPort)], clusterCA.cert, { now: NOW });
    expect(summary).toEqual({ inspected: 1, unreachable: 0, signedByClusterCA: true, coverAddressType: true, signedCount: 1, coveringCount: 1 });
  });

  it('counts a kubelet it cannot reach apart from the certificates it read', async () => {
    const summary = await inspectKubelets([node('a', tlsPort), node('b', closedPort)], clusterCA.cert, { now: NOW });
    expect(summary).toMatchObject({ inspected: 1, unreachable: 1, signedByClusterCA: true, sampleFetchError: expect.stringMatching(/^b: .*ECONNREFUSED/) });
  });

  it('predicts the x509 failure when the cluster CA is not the signer', async () => {
    const summary = await inspectKubelets([node('a', tlsPort)], served.cert, { now: NOW });
    expect(summary).toMatchObject({ signedByClusterCA: false, coverAddressType: true, sampleError: 'x509: certificate signed by unknown authority', sampleNode: 'a' });
  });

  it('dials only a sample of the nodes, all at once, with the timeout it was given', async () => {
    const calls: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const fetch = async (host: string, port: number, timeoutMs: number): Promise<string> => {
      calls.push(`${host}:${port}/${timeoutMs}`);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight--;
      return served.cert;
    };
    const nodes = Array.from({ length: 50 }, (_, i) => ({ name: `n${String(i).padStart(2, '0')}`, address: { type: 'InternalIP', value: `10.0.0.${i}` }, port: 10250 }));
    const summary = await inspectKubelets(nodes, clusterCA.cert, { sample: 3, timeoutMs: 500, fetch, now: NOW });
    expect(calls).toEqual(['10.0.0.0:10250/500', '10.0.0.16:10250/500', '10.0.0.33:10250/500']);
    expect(maxInFlight).toBe(3);
    expect(summary).toMatchObject({ inspected: 3, coverAddressType: false, sampleError: 'x509: certificate is valid for 127.0.0.1, not 10.0.0.0' });
  });
});

describe('sampleNodes', () => {
  const named = (...names: string[]) => names.map((name) => ({ name }));
  it.each([
    ['fewer nodes than the sample: all of them, by name', named('b', 'a'), 3, named('a', 'b')],
    ['more nodes than the sample: spread over the sorted list', named('e', 'd', 'c', 'b', 'a', 'f'), 3, named('a', 'c', 'e')],
    ['a sample of zero dials nothing', named('a'), 0, []],
  ])('%s', (_name, nodes, count, want) => expect(sampleNodes(nodes, count)).toEqual(want));
});
