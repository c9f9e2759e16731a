/**
 * Seed 004: metrics-server's flags depend on what the cluster is. Each flag is decided here from observed facts, with
 * a one-sentence reason the user reads in status.metricsServer.flags, so a kubelet x509 failure is predicted, not met.
 */
import type { DefaultedMetricsStackSpec } from '../../../api/v1alpha1/defaults.js';
import type { KubeletCASource } from '../../../render/metrics-server/input.js';
import { TMP_DIR } from '../../../render/metrics-server/paths.js';
import type { KubeletTLSFacts } from '../kubelet-tls/facts.js';
import type { AddressTypes } from './address-types.js';
import type { FlagChoice } from './choice.js';
import { decideKubeletTLS } from './kubelet-tls.js';

/** What the cluster is, as far as metrics-server's flags care. */
export interface ClusterFacts {
  readonly fargateNodes: number;
  readonly ec2Nodes: number;
  /** What Auto chose last time (from status), kept when the kubelets cannot be inspected this time. */
  readonly previousKubeletTLS?: 'Verify' | 'Insecure' | undefined;
  /** EKS (by providerID or EKS labels): the secure port follows the platform, not the moment's Fargate node count. */
  readonly eks: boolean;
  /** The address order decided from the types nodes report (preferAddressTypes); the kubelets were inspected at `dialled`. */
  readonly addressTypes: AddressTypes;
  /** Nodes report status.daemonEndpoints.kubeletEndpoint.Port (non-zero, or other than 10250). */
  readonly kubeletPortsFromNodeStatus: boolean;
  /** The cluster CA and what the inspected kubelet certificates say, as KubeletTLSFactsSource found them. */
  readonly kubeletTLS: KubeletTLSFacts;
}

/** Container args, the port they make metrics-server serve on, why each flag is what it is, and the CA to mount. */
export interface MetricsServerFlags {
  readonly args: string[];
  readonly securePort: number;
  readonly choices: FlagChoice[];
  /** The CA bundle `--kubelet-certificate-authority` reads: the Deployment mounts it. Undefined when that flag is absent. */
  readonly kubeletCA: KubeletCASource | undefined;
}

/** EKS reserves 10250 on Fargate; AWS's own metrics-server add-on serves on 10251. */
export const FARGATE_SECURE_PORT = 10251;
/** The chart's port, where nothing reserves it. */
export const DEFAULT_SECURE_PORT = 10250;

type MetricsServerSpec = DefaultedMetricsStackSpec['metricsServer'];

/** metrics-server's container args from the spec and the facts, each with the reason it was chosen. */
export function decideMetricsServerFlags(spec: MetricsServerSpec, facts: ClusterFacts): MetricsServerFlags {
  // On EKS always 10251: keyed on the Fargate node count, the port would flip (and roll the pods) as Fargate pods
  // come and go. Off EKS nothing reserves 10250.
  const onEks = facts.eks || facts.fargateNodes > 0;
  const securePort = onEks ? FARGATE_SECURE_PORT : DEFAULT_SECURE_PORT;
  const address = facts.addressTypes;
  const tls = decideKubeletTLS(spec.kubeletTLS, { facts: facts.kubeletTLS, dialled: address.dialled, previous: facts.previousKubeletTLS });
  const usePort = facts.kubeletPortsFromNodeStatus;
  const fargateNow = `${facts.fargateNodes} Fargate node${facts.fargateNodes === 1 ? '' : 's'} now`;
  const choices: FlagChoice[] = [
    {
      flag: '--cert-dir',
      value: TMP_DIR,
      reason: `metrics-server writes a self-signed serving certificate to ${TMP_DIR}, its only writable directory, unless the operator mounts one ` +
        '(then --tls-cert-file replaces this flag).',
    },
    {
      flag: '--secure-port',
      value: String(securePort),
      reason: onEks
        ? `This is EKS (${fargateNow}), where Fargate nodes reserve port 10250, so metrics-server serves on ${FARGATE_SECURE_PORT} ` +
          "as AWS's own metrics-server add-on does, whether or not Fargate pods run at the moment."
        : `Not EKS: nothing reserves port 10250, so metrics-server serves on it as the upstream chart does.`,
    },
    { flag: '--kubelet-preferred-address-types', value: address.types.join(','), reason: address.reason },
    {
      flag: '--kubelet-use-node-status-port',
      value: String(usePort),
      reason: usePort
        ? 'Nodes report their kubelet port in status.daemonEndpoints.kubeletEndpoint, so metrics-server uses it instead of assuming 10250.'
        : 'Nodes do not report a kubelet port in status.daemonEndpoints, so metrics-server uses the default 10250.',
    },
    {
      flag: '--metric-resolution',
      value: spec.metricResolution,
      reason: `spec.metricsServer.metricResolution makes metrics-server scrape every kubelet every ${spec.metricResolution}.`,
    },
    tls.choice,
  ];
  const args = [
    `--cert-dir=${TMP_DIR}`,
    `--secure-port=${securePort}`,
    `--kubelet-preferred-address-types=${address.types.join(',')}`,
    ...(usePort ? ['--kubelet-use-node-status-port'] : []),
    `--metric-resolution=${spec.metricResolution}`,
    ...tls.args,
  ];
  return { args, securePort, choices, kubeletCA: tls.kubeletCA };
}
