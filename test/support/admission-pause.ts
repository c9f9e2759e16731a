import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestCluster } from './cluster.js';

const run = promisify(execFile);

/** One write the apiserver asked the webhook about, before it stored the object. */
export interface AdmittedWrite {
  readonly at: number;
  readonly operation: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly user: string;
  readonly object: { metadata?: { resourceVersion?: string }; data?: Record<string, string>; spec?: { caBundle?: string } };
}

/**
 * A validating admission webhook that allows every write it is sent and records it, after running `onWrite`: the
 * real apiserver calls it while the writer waits for its answer, so a test that SIGSTOPs the writer there freezes it
 * exactly at that write, before it can send the next one. The object is stored once the webhook answers.
 */
export interface AdmissionPause {
  readonly writes: AdmittedWrite[];
  onWrite: (w: AdmittedWrite) => void;
  close(): Promise<void>;
}

export interface AdmissionPauseOptions {
  /** apiGroup ('' for core) and plural resource of the kinds to see. */
  readonly resources: readonly { readonly group: string; readonly resource: string }[];
  /** Only objects of these names. */
  readonly names: readonly string[];
}

/** Serves the webhook on a free loopback port (certificate from the cluster's CA) and registers it. */
export async function admissionPause(cluster: TestCluster, o: AdmissionPauseOptions): Promise<AdmissionPause> {
  const pki = join(cluster.dir, 'pki');
  const [cert, key] = [join(pki, 'admission-pause.crt'), join(pki, 'admission-pause.key')];
  await run('openssl', ['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key,
    '-out', cert, '-days', '1', '-subj', '/CN=admission-pause', '-CA', cluster.caFile, '-CAkey', join(pki, 'ca.key'),
    '-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'extendedKeyUsage=serverAuth', '-addext', 'basicConstraints=critical,CA:FALSE']);
  const pause: AdmissionPause = { writes: [], onWrite: () => undefined, close: () => Promise.resolve() };
  const server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
      const { request } = JSON.parse(body) as { request: { uid: string; operation: string; kind: { kind: string }; namespace?: string; name: string;
        userInfo: { username: string }; object: AdmittedWrite['object'] } };
      const w: AdmittedWrite = { at: Date.now(), operation: request.operation, kind: request.kind.kind, namespace: request.namespace ?? '',
        name: request.name, user: request.userInfo.username, object: request.object };
      pause.onWrite(w);
      pause.writes.push(w);
      res.writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: request.uid, allowed: true } }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const name = 'admission-pause.test.metricsstack.io';
  const config = {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name },
    webhooks: [{
      name, admissionReviewVersions: ['v1'], sideEffects: 'None', failurePolicy: 'Fail', timeoutSeconds: 10,
      clientConfig: { url: `https://127.0.0.1:${port}/admit`, caBundle: readFileSync(cluster.caFile).toString('base64') },
      rules: o.resources.map((r) => ({ apiGroups: [r.group], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: [r.resource] })),
      matchConditions: [{ name: 'named', expression: `object.metadata.name in ${JSON.stringify(o.names)}` }],
    }],
  };
  const applied = await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(config) });
  if (applied.code !== 0) throw new Error(`registering the admission webhook: ${applied.stderr}`);
  return Object.assign(pause, {
    close: async () => {
      await cluster.kubectl(['delete', 'validatingwebhookconfiguration', name, '--ignore-not-found']);
      await new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); });
    },
  });
}
