/**
 * The fix for one misconfiguration, in the terms of whoever made the metrics-server: provider `existing`'s fixFor for
 * the EKS add-on, Helm and manifests, and the MetricsStack's spec when the operator made it (patching its Deployment
 * would be reverted at the next reconcile).
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { ownerOf } from '../kube/labels.js';
import { fixFor, type Change, type DeploymentRef } from '../reconcilers/existing-metrics-server/fixes.js';
import { describeInstaller, type Installer } from '../reconcilers/existing-metrics-server/installer.js';

/** Who made it: a MetricsStack (by name), or the installer provider `existing` identifies. */
export type Maker = { readonly kind: 'MetricsStack'; readonly stack: string } | Installer;

export function makerOf(deployment: V1Deployment | undefined, installer: Installer): Maker {
  const stack = deployment ? ownerOf(deployment) : undefined;
  return stack ? { kind: 'MetricsStack', stack } : installer;
}

export const describeMaker = (m: Maker): string =>
  m.kind === 'MetricsStack' ? `metricsstack-operator (MetricsStack "${m.stack}")` : describeInstaller(m);

const patchStack = (stack: string, spec: object) => `kubectl patch metricsstack ${stack} --type=merge -p '${JSON.stringify({ spec })}'`;

/** The command that applies `change`; cluster is the EKS cluster name when known. */
export function fixIn(maker: Maker, change: Change, deployment: DeploymentRef, cluster?: string): string {
  if (maker.kind !== 'MetricsStack') return fixFor(maker, change, deployment, cluster);
  if (change.kind === 'avoidFargate') return patchStack(maker.stack, { fargate: { placement: 'AvoidFargate' } });
  if (change.kind === 'arg' && change.arg === '--kubelet-insecure-tls') return patchStack(maker.stack, { metricsServer: { kubeletTLS: 'Insecure' } });
  // The operator renders the port and the address types from the nodes itself: a mismatch means its facts are stale.
  return `the operator renders ${change.kind === 'port' ? `--secure-port=${change.port}` : change.arg} from the nodes itself: ` +
    `compare kubectl get metricsstack ${maker.stack} -o jsonpath='{.status.metricsServer.flags}' with the nodes, and restart the operator`;
}
