import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its key, as file paths. */
export interface CertPair { cert: string; key: string }

export interface Pki {
  ca: CertPair;              // cluster CA: client certs, serving certs, CSR signing (controller-manager)
  frontProxyCa: CertPair;    // aggregation layer: only the front proxy's client cert is signed by it
  frontProxyClient: CertPair;
  apiserver: CertPair;
  kwok: CertPair;            // the "kubelet" serving cert of the fake nodes (kwok serves HTTPS on 127.0.0.1)
  saKey: string;             // service-account token signing key (private) and its public half
  saPub: string;
  clients: Record<string, CertPair>;
}

/** A client identity: CN becomes the user name, O the groups, as kube-apiserver reads x509 client certs. */
export interface ClientIdentity { name: string; cn: string; o?: string }

// P-256 keys: generating RSA keys would cost most of the cluster's start-up budget; EC keys take milliseconds.
const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function selfSignedCa(dir: string, name: string): Promise<CertPair> {
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  await run('openssl', ['req', '-x509', '-new', ...ecKey, '-keyout', pair.key, '-out', pair.cert, '-days', '3650',
    '-subj', `/CN=metricsstack-test-${name}`, '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
  return pair;
}

async function leaf(dir: string, name: string, ca: CertPair, subject: string, usage: 'clientAuth' | 'serverAuth',
  sans: string[] = []): Promise<CertPair> {
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const ext = ['-addext', `extendedKeyUsage=${usage}`, '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment'];
  if (sans.length) ext.push('-addext', `subjectAltName=${sans.join(',')}`);
  // OpenSSL 3's `req -x509 -CA` issues a CA-signed certificate in one step (no CSR file, no serial file).
  await run('openssl', ['req', '-x509', '-new', ...ecKey, '-keyout', pair.key, '-out', pair.cert, '-days', '365',
    '-subj', subject, '-CA', ca.cert, '-CAkey', ca.key, ...ext]);
  return pair;
}

/**
 * Generates every certificate and key the control plane needs into `dir` (≈20 openssl runs, well under a second).
 * `apiserverIPs`: further IP SANs of the apiserver's serving cert (network mode: the gateway pods connect to).
 */
export async function makePki(dir: string, clients: ClientIdentity[], apiserverIPs: string[] = []): Promise<Pki> {
  await mkdir(dir, { recursive: true });
  const saKey = join(dir, 'sa.key');
  const saPub = join(dir, 'sa.pub');
  const [ca, frontProxyCa] = await Promise.all([
    selfSignedCa(dir, 'ca'),
    selfSignedCa(dir, 'front-proxy-ca'),
    run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', saKey])
      .then(() => run('openssl', ['pkey', '-in', saKey, '-pubout', '-out', saPub])),
  ]);
  const apiserverSans = ['IP:127.0.0.1', 'IP:10.96.0.1', ...apiserverIPs.map((a) => `IP:${a}`), 'DNS:localhost',
    'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local'];
  const [apiserver, kwok, frontProxyClient, ...clientPairs] = await Promise.all([
    leaf(dir, 'apiserver', ca, '/CN=kube-apiserver', 'serverAuth', apiserverSans),
    leaf(dir, 'kwok', ca, '/CN=kwok-kubelet', 'serverAuth', ['IP:127.0.0.1', 'DNS:localhost']),
    // The name kube-apiserver presents to aggregated API servers; must match --requestheader-allowed-names.
    leaf(dir, 'front-proxy-client', frontProxyCa, '/CN=front-proxy-client', 'clientAuth'),
    ...clients.map((c) => leaf(dir, `client-${c.name}`, ca, `${c.o ? `/O=${c.o}` : ''}/CN=${c.cn}`, 'clientAuth')),
  ]);
  const byName = Object.fromEntries(clients.map((c, i) => [c.name, clientPairs[i]!]));
  return { ca, frontProxyCa, frontProxyClient, apiserver, kwok, saKey, saPub, clients: byName };
}

/** Writes a kubeconfig (YAML is a superset of JSON, so JSON is a valid kubeconfig) with file references. */
export async function writeKubeconfig(path: string, server: string, caFile: string, client: CertPair,
  user: string, clusterName = 'metricsstack-test'): Promise<void> {
  const config = {
    apiVersion: 'v1', kind: 'Config', 'current-context': user,
    clusters: [{ name: clusterName, cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: user, user: { 'client-certificate': client.cert, 'client-key': client.key } }],
    contexts: [{ name: user, context: { cluster: clusterName, user } }],
  };
  await writeFile(path, JSON.stringify(config, null, 2));
}
