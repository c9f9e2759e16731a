/**
 * The existing metrics-server's configuration against the cluster's facts, by the same pure decisions the operator uses
 * for its own metrics-server (flags/ and kubelet-tls/), so both report the same cause for the same cluster.
 */
import type { KubeletTLSFacts } from '../metrics-server/kubelet-tls/facts.js';
import { preferAddressTypes } from '../metrics-server/flags/address-types.js';
import { decideKubeletTLS, nodeList } from '../metrics-server/flags/kubelet-tls.js';
import { FARGATE_SECURE_PORT } from '../metrics-server/flags/args.js';
import type { Change } from './fixes.js';

/** metrics-server's own default when the flag is absent (its options.go). */
export const BINARY_DEFAULT_ADDRESS_TYPES = ['Hostname', 'InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP'];
const BINARY_DEFAULT_PORT = 10250;

/** What a metrics-server's container args say, as far as the diagnosis cares. */
export interface ExistingConfig {
  readonly addressTypes: readonly string[];
  readonly securePort: number;
  readonly insecureTLS: boolean;
}

/** The value of `--flag=value` (the last one wins, as in pflag), or whether a boolean flag is on. */
export function parseExistingArgs(args: readonly string[]): ExistingConfig {
  const value = (flag: string) => args.filter((a) => a.startsWith(`${flag}=`)).map((a) => a.slice(flag.length + 1)).at(-1);
  const types = value('--kubelet-preferred-address-types');
  const port = Number(value('--secure-port'));
  const tls = args.filter((a) => a === '--kubelet-insecure-tls' || a.startsWith('--kubelet-insecure-tls=')).at(-1);
  return {
    addressTypes: types ? types.split(',').filter(Boolean) : BINARY_DEFAULT_ADDRESS_TYPES,
    securePort: Number.isInteger(port) && port > 0 ? port : BINARY_DEFAULT_PORT,
    insecureTLS: tls !== undefined && tls !== '--kubelet-insecure-tls=false',
  };
}

/** The cluster facts the diagnosis reads. */
export interface ExistingFacts {
  readonly nodeAddressTypes: readonly string[];
  readonly fargateNodes: number;
  readonly kubeletTLS: KubeletTLSFacts;
  /** Nodes (by name) the metrics-server pods run on that are Fargate nodes. */
  readonly podsOnFargate: readonly string[];
}

/** What is wrong, as one CamelCase word: the kubectl plugin's CAUSE column. */
export type ExistingCause = 'MetricsServerOnFargate' | 'SecurePortReservedOnFargate' | 'KubeletAddressTypeMismatch' | 'KubeletCertificateUnverifiable';

/** One misconfiguration and the change that fixes it. */
export interface Finding {
  readonly cause: ExistingCause;
  readonly problem: string;
  readonly change: Change;
}

/** The kubelet address type this configuration makes metrics-server dial (kubelets are inspected at it). */
export const dialledBy = (config: ExistingConfig, reported: readonly string[]): string =>
  config.addressTypes.find((t) => reported.includes(t)) ?? config.addressTypes[0] ?? 'InternalIP';

/** Every misconfiguration of `config` for this cluster, in the order a user should fix them. */
export function diagnoseExisting(config: ExistingConfig, facts: ExistingFacts): Finding[] {
  const findings: Finding[] = [];
  if (facts.podsOnFargate.length > 0) {
    findings.push({
      cause: 'MetricsServerOnFargate',
      problem: `metrics-server pods run on Fargate node${facts.podsOnFargate.length === 1 ? '' : 's'} ${facts.podsOnFargate.join(', ')}: ` +
        'a Fargate pod cannot reach its own node\'s kubelet (dial tcp <ip>:10250: connect: connection refused), so those nodes get no metrics',
      change: { kind: 'avoidFargate' },
    });
  }
  if (facts.fargateNodes > 0 && config.securePort === BINARY_DEFAULT_PORT) {
    findings.push({
      cause: 'SecurePortReservedOnFargate',
      problem: `metrics-server serves on port ${BINARY_DEFAULT_PORT}, which the kubelet holds on Fargate nodes (${facts.fargateNodes} here): ` +
        `a metrics-server pod scheduled onto Fargate cannot bind it; AWS's add-on serves on ${FARGATE_SECURE_PORT}, as the operator's own does on EKS`,
      change: { kind: 'port', port: FARGATE_SECURE_PORT },
    });
  }
  const address = preferAddressTypes(config.addressTypes, facts.nodeAddressTypes);
  if (facts.nodeAddressTypes.length > 0 && !config.addressTypes.some((t) => facts.nodeAddressTypes.includes(t))) {
    findings.push({
      cause: 'KubeletAddressTypeMismatch',
      problem: `--kubelet-preferred-address-types is ${config.addressTypes.join(',')} but nodes report only ${facts.nodeAddressTypes.join(',')}: ` +
        'metrics-server finds no address to scrape',
      change: { kind: 'arg', arg: `--kubelet-preferred-address-types=${address.types.join(',')}` },
    });
  }
  if (!config.insecureTLS) {
    const tls = decideKubeletTLS('Auto', { facts: facts.kubeletTLS, dialled: dialledBy(config, facts.nodeAddressTypes) });
    if (tls.args.includes('--kubelet-insecure-tls')) {
      // Auto's prediction, without what Auto would do about it: this metrics-server's flags are its installer's.
      const prediction = tls.choice.reason.split('; Auto uses ')[0] ?? tls.choice.reason;
      const nodes = facts.kubeletTLS.certs?.rejectedNodes ?? [];
      const problem = `metrics-server verifies kubelet serving certificates, but ${prediction.charAt(0).toLowerCase()}${prediction.slice(1)}: ` +
        `it gets no metrics from the ${nodes.length === 1 ? 'kubelet' : 'kubelets'} on ${nodeList(nodes)}`;
      findings.push({ cause: 'KubeletCertificateUnverifiable', problem, change: { kind: 'arg', arg: '--kubelet-insecure-tls' } });
    }
  }
  return findings;
}
