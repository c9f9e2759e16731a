import { describe, expect, it } from 'vitest';
import { diagnoseExisting, parseExistingArgs, type ExistingFacts } from '../../../../src/reconcilers/existing-metrics-server/diagnose.js';

const CHART_ARGS = ['--secure-port=10250', '--cert-dir=/tmp', '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
  '--kubelet-use-node-status-port', '--metric-resolution=15s'];
const goodCerts = { inspected: 2, unreachable: 0, signedByClusterCA: true, coverAddressType: true, signedCount: 2, coveringCount: 2 };
const selfSigned = { inspected: 2, unreachable: 0, signedByClusterCA: false, coverAddressType: true, signedCount: 0, coveringCount: 2,
  rejectedNodes: ['ip-1', 'ip-2'], sampleError: 'x509: certificate signed by unknown authority' };
const base: ExistingFacts = {
  nodeAddressTypes: ['InternalIP', 'Hostname'], fargateNodes: 0, podsOnFargate: [],
  kubeletTLS: { clusterCA: { configMapName: 'kube-root-ca.crt', key: 'ca.crt' }, certs: goodCerts },
};

describe('parseExistingArgs', () => {
  it('reads the chart\'s args', () => {
    expect(parseExistingArgs(CHART_ARGS)).toEqual({ addressTypes: ['InternalIP', 'ExternalIP', 'Hostname'], securePort: 10250, insecureTLS: false });
  });
  it('takes the last value of a repeated flag, as pflag does, and the binary\'s defaults when absent', () => {
    expect(parseExistingArgs(['--secure-port=10250', '--secure-port=10251', '--kubelet-insecure-tls'])).toEqual({
      addressTypes: ['Hostname', 'InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP'], securePort: 10251, insecureTLS: true });
  });
});

describe('diagnoseExisting', () => {
  it.each([
    ['finds nothing wrong with the chart\'s args on a cluster with verifiable kubelets', CHART_ARGS, base, []],
    ['asks for --kubelet-insecure-tls when kubelets sign their own certificates', CHART_ARGS,
      { ...base, kubeletTLS: { ...base.kubeletTLS, certs: selfSigned } }, [{ kind: 'arg', arg: '--kubelet-insecure-tls' }]],
    ['does not ask for it when it is already set', [...CHART_ARGS, '--kubelet-insecure-tls'],
      { ...base, kubeletTLS: { ...base.kubeletTLS, certs: selfSigned } }, []],
    ['asks for port 10251 on a cluster with Fargate nodes', CHART_ARGS, { ...base, fargateNodes: 3 }, [{ kind: 'port', port: 10251 }]],
    ['asks to keep the pods off Fargate when one runs there', ['--secure-port=10251', ...CHART_ARGS.slice(1)],
      { ...base, fargateNodes: 1, podsOnFargate: ['fargate-ip-1'] }, [{ kind: 'avoidFargate' }]],
    ['asks for an address type the nodes report', ['--kubelet-preferred-address-types=ExternalDNS'], base,
      [{ kind: 'arg', arg: '--kubelet-preferred-address-types=InternalIP,Hostname,ExternalDNS' }]],
  ])('%s', (_name, args, facts, changes) => {
    expect(diagnoseExisting(parseExistingArgs(args), facts).map((f) => f.change)).toEqual(changes);
  });

  it('says which kubelets and the x509 error, from the same decision the operator uses for its own metrics-server', () => {
    const [finding] = diagnoseExisting(parseExistingArgs(CHART_ARGS), { ...base, kubeletTLS: { ...base.kubeletTLS, certs: selfSigned } });
    expect(finding?.problem).toContain('x509: certificate signed by unknown authority');
    expect(finding?.problem).toContain('ip-1, ip-2');
    // Its flags are its installer's: the problem says what fails, not what the operator's Auto would choose.
    expect(finding?.problem).toMatch(/^metrics-server verifies kubelet serving certificates, but \d+ of \d+ kubelet serving certificates/);
    expect(finding?.problem).not.toMatch(/Auto|spec\.metricsServer/);
  });
});
