import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { analyzeKubeletCert, summarizeKubeletCerts } from './analyze.js';
import type { KubeletCertSummary, KubeletInspection, NodeAddress } from './analyze.js';

/** A node to inspect: the address metrics-server would dial and the kubelet's port (status.daemonEndpoints). */
export interface KubeletEndpoint {
  readonly name: string;
  readonly address: NodeAddress;
  readonly port: number;
}

export type FetchPeerCertificate = (host: string, port: number, timeoutMs: number) => Promise<string>;

/**
 * Completes a TLS handshake only to read the server's certificate (PEM), then closes the connection: nothing else
 * is sent. The certificate is not trusted here (rejectUnauthorized is off) because judging it is the caller's job.
 */
export function fetchPeerCertificate(host: string, port: number, timeoutMs: number): Promise<string> {
  const where = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) });
    const settle = (outcome: { pem: string } | { err: Error }): void => {
      clearTimeout(timer);
      socket.removeAllListeners('secureConnect');
      socket.destroy();
      if ('pem' in outcome) resolve(outcome.pem);
      else reject(new Error(`reading the serving certificate of ${where}: ${outcome.err.message}`, { cause: outcome.err }));
    };
    const timer = setTimeout(() => settle({ err: new Error(`no TLS handshake within ${timeoutMs} ms`) }), timeoutMs);
    // Stays attached after settling: a late socket error must not become an unhandled 'error' event.
    socket.on('error', (err) => settle({ err }));
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate().raw as Buffer | undefined;
      settle(raw ? { pem: new X509Certificate(raw).toString() } : { err: new Error('the server sent no certificate') });
    });
  });
}

export interface InspectKubeletsOptions {
  /** How many kubelets to dial: enough to see a node group's pattern without dialling every node of a large cluster. */
  readonly sample?: number;
  readonly timeoutMs?: number;
  readonly fetch?: FetchPeerCertificate;
  readonly now?: Date;
}

/** Reads and analyzes the serving certificates of a few kubelets, concurrently, and summarizes them. */
export async function inspectKubelets(
  nodes: readonly KubeletEndpoint[],
  clusterCAPem: string | undefined,
  { sample = 3, timeoutMs = 3000, fetch = fetchPeerCertificate, now = new Date() }: InspectKubeletsOptions = {},
): Promise<KubeletCertSummary> {
  const results = await Promise.all(
    sampleNodes(nodes, sample).map(async (node): Promise<KubeletInspection> => {
      try {
        const pem = await fetch(node.address.value, node.port, timeoutMs);
        return { node: node.name, facts: analyzeKubeletCert(pem, clusterCAPem, node.address, now) };
      } catch (err) {
        return { node: node.name, fetchError: (err as Error).message };
      }
    }),
  );
  return summarizeKubeletCerts(results);
}

/** Up to `count` nodes spread evenly over the nodes sorted by name: the same ones on every resync, so status does not flap. */
export function sampleNodes<T extends { readonly name: string }>(nodes: readonly T[], count: number): T[] {
  const sorted = [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (sorted.length <= count) return sorted;
  return Array.from({ length: count }, (_, i) => sorted[Math.floor((i * sorted.length) / count)]!);
}
