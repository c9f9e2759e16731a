import { describe, expect, it } from 'vitest';
import type { MetricsServerSpec } from '../../../../../src/api/v1alpha1/index.js';
import { CA, CLUSTER_CA, decide, type Given } from './fixtures.js';

describe('decideMetricsServerFlags', () => {
  it('gives the full arg list for an EC2 cluster whose kubelet certificates verify', () => {
    const got = decide(undefined);
    expect(got.args).toEqual([
      '--cert-dir=/tmp',
      '--secure-port=10250',
      '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
      '--kubelet-use-node-status-port',
      '--metric-resolution=15s',
      `--kubelet-certificate-authority=${CA}`,
    ]);
    expect(got.securePort).toBe(10250);
    expect(got.choices.map((c) => c.flag)).toEqual([
      '--cert-dir',
      '--secure-port',
      '--kubelet-preferred-address-types',
      '--kubelet-use-node-status-port',
      '--metric-resolution',
      '--kubelet-certificate-authority',
    ]);
    expect(got.kubeletCA).toEqual(CLUSTER_CA);
  });

  const cases: {
    name: string;
    ms?: MetricsServerSpec;
    facts?: Given;
    has?: string[];
    lacks?: string[];
    choice: { flag: string; value: string; reason: RegExp };
  }[] = [
    {
      name: 'serves on 10251 when the cluster has Fargate nodes, because EKS reserves 10250 there',
      facts: { fargateNodes: 2, eks: true },
      has: ['--secure-port=10251'],
      choice: { flag: '--secure-port', value: '10251', reason: /2 Fargate nodes now.*reserve port 10250.*10251.*AWS's own/ },
    },
    {
      name: 'keeps 10251 on EKS while no Fargate pod runs, so the port does not flip as Fargate pods come and go',
      facts: { fargateNodes: 0, eks: true },
      has: ['--secure-port=10251'],
      choice: { flag: '--secure-port', value: '10251', reason: /This is EKS \(0 Fargate nodes now\)/ },
    },
    {
      name: 'serves on 10251 on an all-Fargate cluster too',
      facts: { fargateNodes: 1, ec2Nodes: 0 },
      has: ['--secure-port=10251'],
      choice: { flag: '--secure-port', value: '10251', reason: /This is EKS \(1 Fargate node now\)/ },
    },
    {
      name: 'serves on 10250 when no node is on Fargate',
      has: ['--secure-port=10250'],
      choice: { flag: '--secure-port', value: '10250', reason: /Not EKS/ },
    },
    {
      name: "keeps the spec's address order when the nodes report its first type",
      facts: { nodeAddressTypes: ['Hostname', 'InternalIP', 'ExternalIP'] },
      choice: {
        flag: '--kubelet-preferred-address-types', value: 'InternalIP,ExternalIP,Hostname',
        reason: /Nodes report InternalIP,ExternalIP,Hostname.*by InternalIP/,
      },
    },
    {
      name: 'moves the types no node reports last, so the first type is the one really used',
      facts: { nodeAddressTypes: ['Hostname'] },
      choice: {
        flag: '--kubelet-preferred-address-types', value: 'Hostname,InternalIP,ExternalIP',
        reason: /Nodes report Hostname.*by Hostname.*InternalIP,ExternalIP, which no node reports, move last/,
      },
    },
    {
      name: "puts the nodes' own types first when they report none of the spec's",
      ms: { kubeletPreferredAddressTypes: ['ExternalIP', 'ExternalDNS'] },
      facts: { nodeAddressTypes: ['Hostname', 'InternalIP'] },
      choice: {
        flag: '--kubelet-preferred-address-types', value: 'InternalIP,Hostname,ExternalIP,ExternalDNS',
        reason: /only InternalIP,Hostname, none of .*would find no address/,
      },
    },
    {
      name: "keeps the spec's address order when no node reports an address yet",
      facts: { nodeAddressTypes: [] },
      choice: { flag: '--kubelet-preferred-address-types', value: 'InternalIP,ExternalIP,Hostname', reason: /No node reports an address yet/ },
    },
    {
      name: 'uses the node status port when nodes report their kubelet port',
      has: ['--kubelet-use-node-status-port'],
      choice: { flag: '--kubelet-use-node-status-port', value: 'true', reason: /daemonEndpoints.*instead of assuming 10250/ },
    },
    {
      name: 'leaves the node status port off when nodes do not report one',
      facts: { kubeletPortsFromNodeStatus: false },
      lacks: ['--kubelet-use-node-status-port'],
      choice: { flag: '--kubelet-use-node-status-port', value: 'false', reason: /do not report.*default 10250/ },
    },
    {
      name: "takes the metric resolution from the spec",
      ms: { metricResolution: '30s' },
      has: ['--metric-resolution=30s'],
      choice: { flag: '--metric-resolution', value: '30s', reason: /every 30s/ },
    },
  ];

  it.each(cases)('$name', ({ ms, facts, has = [], lacks = [], choice }) => {
    const got = decide(ms, facts);
    for (const arg of has) expect(got.args).toContain(arg);
    for (const arg of lacks) expect(got.args).not.toContain(arg);
    const made = got.choices.find((c) => c.flag === choice.flag);
    expect(made).toMatchObject({ flag: choice.flag, value: choice.value });
    expect(made?.reason).toMatch(choice.reason);
  });

  it.each(cases)('never passes both kubelet TLS flags, and gives every choice one sentence: $name', ({ ms, facts }) => {
    const got = decide(ms, facts);
    const tlsFlags = got.args.filter((a) => /^--kubelet-(insecure-tls|certificate-authority)/.test(a));
    expect(tlsFlags.length).toBeLessThanOrEqual(1);
    for (const c of got.choices) expect(c.reason).toMatch(/^[A-Za-z0-9].*\.$/);
    for (const arg of got.args) expect(got.choices.map((c) => c.flag)).toContain(arg.split('=')[0]);
  });
});
