/** Who installed the metrics-server a cluster already has: read from its objects' managedFields, labels and annotations. */
import type { KubernetesObject } from '@kubernetes/client-node';

/** The EKS add-on, a Helm release, plain manifests (kubectl), or nothing recognisable. */
export type Installer =
  | { readonly kind: 'EKSAddon' }
  | { readonly kind: 'Helm'; readonly release: string; readonly namespace: string }
  | { readonly kind: 'Manifests' }
  | { readonly kind: 'Unknown' };

/** EKS add-ons are applied server-side with this field manager. */
export const EKS_ADDON_MANAGER = 'eks';

/** Identifies the installer from the Deployment and APIService that serve metrics.k8s.io; the EKS add-on wins over labels. */
export function identifyInstaller(objects: readonly (KubernetesObject | undefined)[]): Installer {
  const present = objects.filter((o): o is KubernetesObject => o !== undefined);
  if (present.length === 0) return { kind: 'Unknown' };
  if (present.some((o) => o.metadata?.managedFields?.some((f) => f.manager === EKS_ADDON_MANAGER))) return { kind: 'EKSAddon' };
  for (const o of present) {
    const release = o.metadata?.annotations?.['meta.helm.sh/release-name'];
    if (release || o.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'Helm') {
      const namespace = o.metadata?.annotations?.['meta.helm.sh/release-namespace'] ?? o.metadata?.namespace ?? 'kube-system';
      return { kind: 'Helm', release: release ?? o.metadata?.labels?.['app.kubernetes.io/instance'] ?? 'metrics-server', namespace };
    }
  }
  return { kind: 'Manifests' };
}

/** One sentence naming the installer, for conditions. */
export function describeInstaller(i: Installer): string {
  switch (i.kind) {
    case 'EKSAddon': return 'the EKS metrics-server add-on (field manager "eks")';
    case 'Helm': return `Helm release "${i.release}" in namespace ${i.namespace}`;
    case 'Manifests': return 'plain manifests (no Helm release, not the EKS add-on)';
    case 'Unknown': return 'an unknown installer (no Deployment found behind the APIService)';
  }
}
