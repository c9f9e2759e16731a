import { describe, expect, it } from 'vitest';
import type { MetricsServerSpec } from '../../../../../src/api/v1alpha1/index.js';
import { decideKubeletTLS, type KubeletTLSInput } from '../../../../../src/reconcilers/metrics-server/flags/kubelet-tls.js';
import type { KubeletTLSFacts } from '../../../../../src/reconcilers/metrics-server/kubelet-tls/facts.js';
import { summarizeKubeletCerts } from '../../../../../src/reconcilers/metrics-server/kubelet-tls/analyze.js';
import { CA, CLUSTER_CA, certs, goodKubelets, spec, unreachable } from './fixtures.js';

/** decideKubeletTLS for the spec's mode, from the EC2 cluster's good kubelets with what the case changes. */
const decide = (ms: MetricsServerSpec | undefined, facts: Partial<KubeletTLSFacts> = {}, rest: Partial<Omit<KubeletTLSInput, 'facts'>> = {}) =>
  decideKubeletTLS(spec(ms).kubeletTLS, { dialled: 'InternalIP', ...rest, facts: { ...goodKubelets, ...facts } });

describe('decideKubeletTLS', () => {
  const cases: {
    name: string;
    ms?: MetricsServerSpec;
    facts?: Partial<KubeletTLSFacts>;
    dialled?: string;
    has?: string[];
    lacks?: string[];
    choice: { flag: string; value: string; reason: RegExp };
  }[] = [
    {
      name: 'verifies kubelets against the mounted cluster CA when the spec says Verify, whatever the certificates',
      ms: { kubeletTLS: 'Verify' },
      facts: { certs: certs(0, 0) },
      has: [`--kubelet-certificate-authority=${CA}`],
      lacks: ['--kubelet-insecure-tls'],
      choice: { flag: '--kubelet-certificate-authority', value: CA, reason: /is Verify, so .*cluster CA mounted at/ },
    },
    {
      name: "verifies with the service account's CA when the spec says Verify but no CA bundle exists to mount",
      ms: { kubeletTLS: 'Verify' },
      facts: { clusterCA: undefined },
      lacks: ['--kubelet-insecure-tls', `--kubelet-certificate-authority=${CA}`],
      choice: { flag: '--kubelet-insecure-tls', value: 'false', reason: /no cluster CA bundle.*service account's CA/ },
    },
    {
      name: 'skips kubelet verification when the spec says Insecure, even with good certificates',
      ms: { kubeletTLS: 'Insecure' },
      has: ['--kubelet-insecure-tls'],
      lacks: [`--kubelet-certificate-authority=${CA}`],
      choice: { flag: '--kubelet-insecure-tls', value: 'true', reason: /is Insecure/ },
    },
    {
      name: 'Auto verifies when every certificate is signed by the cluster CA and names the address used',
      has: [`--kubelet-certificate-authority=${CA}`],
      choice: { flag: '--kubelet-certificate-authority', value: CA, reason: /All 3 .*signed by the cluster CA and name the node's InternalIP address/ },
    },
    {
      name: 'Auto predicts "certificate signed by unknown authority" for self-signed kubelet certificates',
      facts: { certs: certs(1, 3, 'x509: certificate signed by unknown authority') },
      has: ['--kubelet-insecure-tls'],
      choice: {
        flag: '--kubelet-insecure-tls', value: 'true',
        reason: /2 of 3 .*not signed by the cluster CA.*"x509: certificate signed by unknown authority" \(seen: x509/,
      },
    },
    {
      name: 'Auto predicts seed 004\'s "certificate is valid for …, not …" when certificates lack the address used',
      facts: { certs: certs(3, 2) },
      dialled: 'Hostname',
      has: ['--kubelet-insecure-tls'],
      choice: {
        flag: '--kubelet-insecure-tls', value: 'true',
        reason: /1 of 3 .*do not name the node's Hostname address, so .*"x509: certificate is valid for …, not …"; Auto/,
      },
    },
    {
      name: 'Auto reports the name mismatch first when certificates are both self-signed and lack the address',
      facts: { certs: certs(0, 0) },
      has: ['--kubelet-insecure-tls'],
      choice: {
        flag: '--kubelet-insecure-tls', value: 'true',
        reason: /3 of 3 .*InternalIP address and 3 are not signed by the cluster CA.*is valid for …, not …/,
      },
    },
    {
      // Issue 14.9 changed this case: Auto used to fall back to --kubelet-insecure-tls here (it failed open).
      name: 'Auto keeps verification on when the certificates were not inspected',
      facts: { certs: undefined },
      has: [`--kubelet-certificate-authority=${CA}`],
      lacks: ['--kubelet-insecure-tls'],
      choice: { flag: '--kubelet-certificate-authority', value: CA, reason: /^Could not inspect kubelet certificates \(no kubelet was inspected\)/ },
    },
    {
      // Issue 14.9 changed this case: the error is still quoted, but Auto verifies instead of choosing --kubelet-insecure-tls.
      name: 'Auto quotes the error when no kubelet could be reached to inspect',
      facts: { certs: unreachable('dial tcp 10.0.1.5:10250: connect: connection refused') },
      has: [`--kubelet-certificate-authority=${CA}`],
      lacks: ['--kubelet-insecure-tls'],
      choice: {
        flag: '--kubelet-certificate-authority', value: CA,
        reason: /could not inspect kubelet certificates \(ip-10-0-1-1: dial tcp 10\.0\.1\.5:10250: connect: connection refused\)/i,
      },
    },
    {
      name: "Auto verifies with the service account's CA when certificates are good but no CA bundle exists to mount",
      facts: { clusterCA: undefined },
      lacks: ['--kubelet-insecure-tls', `--kubelet-certificate-authority=${CA}`],
      choice: { flag: '--kubelet-insecure-tls', value: 'false', reason: /^All 3 .*no cluster CA bundle/ },
    },
  ];

  it.each(cases)('$name', ({ ms, facts, dialled, has = [], lacks = [], choice }) => {
    const got = decide(ms, facts, dialled ? { dialled } : {});
    for (const arg of has) expect(got.args).toContain(arg);
    for (const arg of lacks) expect(got.args).not.toContain(arg);
    expect(got.choice).toMatchObject({ flag: choice.flag, value: choice.value });
    expect(got.choice.reason).toMatch(choice.reason);
  });

  it.each(cases)('never passes both kubelet TLS flags, and gives its choice one sentence: $name', ({ ms, facts, dialled }) => {
    const got = decide(ms, facts, dialled ? { dialled } : {});
    expect(got.args.length).toBeLessThanOrEqual(1);
    expect(got.choice.reason).toMatch(/^[A-Za-z0-9].*\.$/);
    for (const arg of got.args) expect(arg.split('=')[0]).toBe(got.choice.flag);
  });

  it.each(cases)('mounts the CA exactly when the flag names it: $name', ({ ms, facts, dialled }) => {
    const got = decide(ms, facts, dialled ? { dialled } : {});
    const named = got.args.includes(`--kubelet-certificate-authority=${CA}`);
    expect(got.kubeletCA).toEqual(named ? CLUSTER_CA : undefined);
  });

  it('cuts a long inspection error so the reason fits in status', () => {
    const got = decide(undefined, { certs: unreachable('x'.repeat(5000)) });
    expect(got.choice.reason.length).toBeLessThan(1024);
  });
});

describe('kubelet TLS Auto when the kubelets cannot be inspected', () => {
  const none = { certs: unreachable('dial tcp 10.0.1.5:10250: i/o timeout') };
  it.each([
    ['keeps a previous Verify instead of flipping to insecure and rolling the pods', 'Verify' as const, '--kubelet-certificate-authority'],
    ['keeps a previous Insecure', 'Insecure' as const, '--kubelet-insecure-tls'],
  ])('%s', (_name, previous, flag) => {
    const got = decide(undefined, { ...none, clusterCA: CLUSTER_CA }, { previous });
    expect(got.choice.flag).toBe(flag);
    expect(got.choice.reason).toMatch(/keeps its previous choice/);
  });
});

describe('kubelet TLS Auto does not turn verification off blind (issue 14.9)', () => {
  const timeout = 'dial tcp 10.0.1.1:10250: i/o timeout';
  const rejected = (...nodes: string[]) => nodes.map((node) => ({ node, facts: { signedByClusterCA: false, coversAddress: true, validFor: [] } }));
  const fine = (...nodes: string[]) => nodes.map((node) => ({ node, facts: { signedByClusterCA: true, coversAddress: true, validFor: [] } }));
  const cases: {
    name: string;
    facts: Partial<KubeletTLSFacts>;
    previous?: 'Verify' | 'Insecure';
    dialled?: string;
    flag: string;
    value: string;
    reason: RegExp[];
    not?: RegExp[];
  }[] = [
    {
      name: 'verifies against the cluster CA when no kubelet answered (a NetworkPolicy) and Auto has no previous choice',
      facts: { certs: unreachable(timeout, 3) },
      flag: '--kubelet-certificate-authority', value: CA,
      reason: [/^Could not inspect kubelet certificates \(ip-10-0-1-1: dial tcp 10\.0\.1\.1:10250: i\/o timeout\)/, /3 sampled kubelets/],
    },
    {
      name: 'verifies when no node metrics-server scrapes has an address to dial (the operator alone on Fargate, no EC2 node yet)',
      facts: { certs: summarizeKubeletCerts([]) },
      flag: '--kubelet-certificate-authority', value: CA,
      reason: [/no node metrics-server scrapes has an InternalIP address to dial/],
    },
    {
      name: 'tells how to set kubeletTLS explicitly when it verifies without having inspected anything',
      facts: { certs: unreachable(timeout) },
      flag: '--kubelet-certificate-authority', value: CA,
      reason: [/set spec\.metricsServer\.kubeletTLS to Insecure if kubelets sign their own certificates/, /or to Verify/],
    },
    {
      name: "verifies with the service account's CA when nothing was inspected and no CA bundle exists to mount",
      facts: { certs: unreachable(timeout), clusterCA: undefined },
      flag: '--kubelet-insecure-tls', value: 'false',
      reason: [/^Could not inspect kubelet certificates/, /no cluster CA bundle was found to mount/],
    },
    {
      name: 'says how to make a kept previous Insecure explicit',
      facts: { certs: unreachable(timeout) },
      previous: 'Insecure',
      flag: '--kubelet-insecure-tls', value: 'true',
      reason: [/keeps its previous choice/, /spec\.metricsServer\.kubeletTLS/],
    },
    {
      name: 'names the one self-signed kubelet that turns verification off, and no other node',
      facts: { certs: certs(2, 3, 'x509: certificate signed by unknown authority') },
      flag: '--kubelet-insecure-tls', value: 'true',
      reason: [/1 of 3 .*not signed by the cluster CA/, /because of the kubelet on ip-10-0-1-3;/, /spec\.metricsServer\.kubeletTLS/],
      not: [/ip-10-0-1-1/, /ip-10-0-1-2/],
    },
    {
      name: 'names the nodes whose certificates lack the dialled address',
      facts: { certs: certs(3, 1) },
      dialled: 'Hostname',
      flag: '--kubelet-insecure-tls', value: 'true',
      reason: [/2 of 3 .*do not name the node's Hostname address/, /because of the kubelets on ip-10-0-1-2, ip-10-0-1-3;/],
    },
    {
      name: 'lists at most five nodes, then says how many more',
      facts: { certs: certs(0, 0, 'x509: certificate signed by unknown authority', 8) },
      flag: '--kubelet-insecure-tls', value: 'true',
      reason: [/because of the kubelets on ip-10-0-1-1, ip-10-0-1-2, ip-10-0-1-3, ip-10-0-1-4, ip-10-0-1-5 and 3 more;/],
      not: [/ip-10-0-1-6/],
    },
    {
      name: 'says which kubelets it could not reach when it turns verification off from the others',
      facts: { certs: summarizeKubeletCerts([...rejected('a'), ...fine('b'), { node: 'c', fetchError: 'connect ECONNREFUSED' }]) },
      flag: '--kubelet-insecure-tls', value: 'true',
      reason: [/1 of 2 .*not signed/, /because of the kubelet on a;/, /1 more sampled kubelet could not be inspected \(c: connect ECONNREFUSED\)/],
    },
    {
      name: 'verifies from the kubelets it read when others could not be reached, and says which could not',
      facts: { certs: summarizeKubeletCerts([...fine('a', 'b'), { node: 'c', fetchError: 'connect ECONNREFUSED' }]) },
      flag: '--kubelet-certificate-authority', value: CA,
      reason: [/^All 2 kubelet serving certificates inspected/, /1 more sampled kubelet could not be inspected \(c: connect ECONNREFUSED\)/],
    },
  ];

  it.each(cases)('$name', ({ facts, previous, dialled, flag, value, reason, not = [] }) => {
    const got = decide(undefined, facts, { ...(previous && { previous }), ...(dialled && { dialled }) });
    expect(got.choice).toMatchObject({ flag, value });
    expect(got.args.includes('--kubelet-insecure-tls')).toBe(flag === '--kubelet-insecure-tls' && value === 'true');
    for (const r of reason) expect(got.choice.reason).toMatch(r);
    for (const r of not) expect(got.choice.reason).not.toMatch(r);
    expect(got.choice.reason).toMatch(/^[A-Za-z0-9].*\.$/);
  });

  it('keeps every reason within status limits with many long node names and long errors', () => {
    const long = (i: number) => `${'n'.repeat(250)}-${i}`;
    const results = [
      ...Array.from({ length: 8 }, (_, i) => ({ node: long(i), facts: { signedByClusterCA: false, coversAddress: false, validFor: [], error: 'x'.repeat(5000) } })),
      ...Array.from({ length: 3 }, (_, i) => ({ node: long(10 + i), fetchError: 'y'.repeat(5000) })),
    ];
    for (const certs of [summarizeKubeletCerts(results), summarizeKubeletCerts(results.slice(8))]) {
      for (const previous of [undefined, 'Verify' as const, 'Insecure' as const]) {
        const got = decide(undefined, { certs }, { dialled: 'InternalDNS', ...(previous && { previous }) });
        expect(got.choice.reason.length).toBeLessThan(1024);
        expect(got.choice.reason).toMatch(/^[A-Za-z0-9].*\.$/);
      }
    }
  });
});
